// localerr.wgsl: local errors of every sample (one workgroup each) at its
// closed-loop steady state, and what the update directions need:
//   e_l = W_IE φ_I(uI) − relu(α I_XE)   (or − β_r φ_E(uE), β_r = α/(1 − α))
//   δ_l = M_Eᵀ e_l,  h_l = M_Eᵀ φ_E(uE),  e_o = W_o h_L − uo,
// plus ŷ_CL and RMS(e_l) in the outputs. e_l is staged in the stage state.

@compute @workgroup_size(WG)
fn localerr(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
  let s = sampleOf(wg, nwg);
  if (s >= P.n) { return; }
  let base = s * P.ws;
  let d = P.D;
  for (var l = 0u; l < P.L; l++) {
    driveAndOutput(l, base, base, lid);
    workgroupBarrier();
    let hd = header(l);
    let NE = hd[H_NE];
    let offE = hd[H_OFFE];
    let scratch = base + P.offTmp + offE;
    var part = 0.0;
    for (var i = lid; i < NE; i += WG) {
      let v = excitatory(hd, base, i);
      var rv = max(P.alpha * v.x, 0.0);
      if (P.localErr == 1u) { rv = P.betaR * phi(P.actE, work[base + offE + i]); }
      let e = v.y - rv;
      work[scratch + i] = e;
      part += e * e;
    }
    let q = reduceSum(part, lid);
    if (lid == 0u) { work[base + P.offOut + 2u * d + l] = sqrt(q / f32(NE)); }
    storageBarrier();
    let K = hdr(l, H_K);
    let tp = hdr(l, H_METPTR);
    let tr = hdr(l, H_METROW);
    let tv = hdr(l, H_METVAL);
    let dl = base + hdr(l, H_DELTA);
    let hl = base + hdr(l, H_H);
    for (var k = lid; k < K; k += WG) {
      var acc = 0.0;
      let eEnd = net[tp + k + 1u];
      for (var e = net[tp + k]; e < eEnd; e++) {
        acc += netf(tv + e) * work[scratch + net[tr + e]];
      }
      work[dl + k] = acc;
      work[hl + k] = shH[k];
      shHP[k] = shH[k];
    }
    workgroupBarrier();
  }
  let KL = hdr(P.L - 1u, H_K);
  for (var o = lid; o < d; o += WG) {
    var z = 0.0;
    for (var k = 0u; k < KL; k++) { z += params[P.woOff + o * KL + k] * shHP[k]; }
    let uo = work[base + P.offO + o];
    work[base + P.offEO + o] = z - uo;
    work[base + P.offOut + d + o] = uo;
  }
}
