// targets.wgsl: prepare the closed loop of every sample (one workgroup
// each) at its open-loop steady state: record ŷ_OL and the open-loop step
// counts and status in the outputs, set the target (the label for strong feedback, or
// softmax(ŷ + β e(ŷ, y)) for nudged targets), zero the controller state and
// set the PID's previous error to e(ŷ, target).

@compute @workgroup_size(WG)
fn targets(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
  let s = sampleOf(wg, nwg);
  if (s >= P.n) { return; }
  let base = s * P.ws;
  let d = P.D;
  for (var i = P.olLen + lid; i < P.S; i += WG) { work[base + i] = 0.0; }
  if (lid != 0u) { return; }
  let yh = base + P.offO;
  let tg = base + P.offTgt;
  let lab = P.offLabel + s * d;
  for (var o = 0u; o < d; o++) {
    work[base + P.offOut + o] = work[yh + o];
    work[tg + o] = inp[lab + o];
  }
  let c = ctl[s];
  let st = base + P.offOut + 2u * d + P.L;
  work[st] = f32(c.accepted);
  work[st + 1u] = f32(c.rejected);
  work[st + 2u] = f32(c.steps);
  work[st + 3u] = f32(c.status);
  if (P.targets == 1u) {
    lossError(yh, tg);
    var m = -3.4e38;
    for (var o = 0u; o < d; o++) {
      let v = work[yh + o] + P.nudgeBeta * shE[o];
      work[tg + o] = v;
      m = max(m, v);
    }
    var sum = 0.0;
    for (var o = 0u; o < d; o++) { let v = exp(work[tg + o] - m); work[tg + o] = v; sum += v; }
    for (var o = 0u; o < d; o++) { work[tg + o] = work[tg + o] / sum; }
  }
  if (P.controller == 2u) {
    lossError(yh, tg);
    for (var o = 0u; o < d; o++) { work[base + P.offEPrev + o] = shE[o]; }
  }
}
