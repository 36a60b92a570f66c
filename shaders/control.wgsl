// control.wgsl: error estimate and step-size control of every running
// sample (one workgroup each), after stage 7. With
// err = h Σ_j ẽ_j k_j and scale = atol + rtol·max(|y|, |y_new|),
//   ε = RMS(err / scale),
//   f = 0.9 · ε^{−β₁} · ε_{n−1}^{β₂} · ε_{n−2}^{−β₃}   (f = factorMax when ε = 0),
// clipped to [1, factorMax] when the step is kept (ε ≤ 1 or h at dtMin)
// and to [factorMin, 0.9] when it is rejected; dt = clamp(h f, dtMin,
// dtMax). A kept step advances t, shifts the error history, moves y_new
// into y and k_7 into k_1 (first same as last), updates the PID's previous
// error, and stops the sample at steady state, RMS(k_1) < steadyTol. Then
// the next step is planned.

const E1: f32 = -0.00178001105222577714;
const E2: f32 = -0.0008164344596567469;
const E3: f32 = 0.007880878010261995;
const E4: f32 = -0.1447110071732629;
const E5: f32 = 0.5823571654525552;
const E6: f32 = -0.45808210592918697;
const E7: f32 = 1.0 / 66.0;
const SAFETY: f32 = 0.9;

fn isNaN(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }

@compute @workgroup_size(WG)
fn control_step(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
  controlStep(wg, nwg, lid);
}

fn controlStep(wg: vec3<u32>, nwg: vec3<u32>, lid: u32) {
  let s = sampleOf(wg, nwg);
  if (s >= P.n) { return; }
  if (statusOf(s, lid) != RUNNING) { return; }
  let h = ctl[s].h;
  let base = s * P.ws;
  let kb = s * 7u * P.S;
  let S = P.S;
  var part = 0.0;
  for (var i = lid; i < P.nState; i += WG) {
    let err = h * (E1 * kst[kb + i] + E2 * kst[kb + S + i] + E3 * kst[kb + 2u * S + i] +
      E4 * kst[kb + 3u * S + i] + E5 * kst[kb + 4u * S + i] + E6 * kst[kb + 5u * S + i] +
      E7 * kst[kb + 6u * S + i]);
    let scale = P.atol + P.rtol * max(abs(work[base + i]), abs(work[base + P.offTmp + i]));
    let r = err / scale;
    part += r * r;
  }
  let sum = reduceSum(part, lid);
  if (lid == 0u) {
    var c = ctl[s];
    let eps = sqrt(sum / f32(P.nState));
    let keep = eps <= 1.0 || c.atMin != 0u;
    var factor = P.factorMax;
    if (eps > 0.0) {
      factor = SAFETY * pow(eps, -P.beta1) * pow(c.prev1, P.beta2) * pow(c.prev2, -P.beta3);
    }
    var lo = P.factorMin;
    var hi = P.factorMax;
    if (keep) { lo = 1.0; } else { hi = SAFETY; }
    if (isNaN(factor)) { factor = P.factorMin; } else { factor = min(max(factor, lo), hi); }
    c.dt = min(max(h * factor, P.dtMin), P.dtMax);
    c.eps = eps;
    c.steps += 1u;
    if (keep) {
      c.accepted += 1u;
      if (c.clipped != 0u) { c.t = P.T; } else { c.t += h; }
      c.prev2 = c.prev1;
      c.prev1 = max(eps, 1e-12);
    } else {
      c.rejected += 1u;
    }
    ctl[s] = c;
    shFlag = select(0u, 1u, keep);
  }
  let kept = workgroupUniformLoad(&shFlag);
  if (kept != 0u) {
    for (var i = lid; i < P.nState; i += WG) {
      work[base + i] = work[base + P.offTmp + i];
      kst[kb + i] = kst[kb + 6u * S + i];
    }
    storageBarrier();
    if (lid == 0u && P.closed != 0u && P.controller == 2u) {
      lossError(base + P.offO, base + P.offTgt);
      for (var o = 0u; o < P.D; o++) { work[base + P.offEPrev + o] = shE[o]; }
    }
    let r = rmsOf(kb, lid);
    if (lid == 0u && P.steadyTol > 0.0 && r < P.steadyTol) {
      ctl[s].status = STEADY;
      atomicAdd(&done[0], 1u);
    }
  }
  if (lid == 0u) { plan(s); }
}
