// feedback.wgsl: feedback weights of every sample (one workgroup each) at
// its open-loop steady state:
//   J_L = W_o,  J_{l−1} = (J_l D_l) W_l,  D_l = M_Eᵀ diag(φ_E'(uE)) M_E,
//   B_l = diag(φ_I'(uI)) M_I J_lᵀ   (N_I × D, row-major).
// J and J·D live in the sample's work record (rows of stride maxK).

@compute @workgroup_size(WG)
fn feedback(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
  let s = sampleOf(wg, nwg);
  if (s >= P.n) { return; }
  let base = s * P.ws;
  let d = P.D;
  let J = base + P.offJ;
  let JD = base + P.offJD;
  let mk = P.maxK;
  let KL = hdr(P.L - 1u, H_K);
  for (var idx = lid; idx < d * KL; idx += WG) {
    let o = idx / KL;
    let k = idx % KL;
    work[J + o * mk + k] = params[P.woOff + o * KL + k];
  }
  storageBarrier();
  for (var li = 0u; li < P.L; li++) {
    let l = P.L - 1u - li;
    let K = hdr(l, H_K);
    let NI = hdr(l, H_NI);
    let offI = base + hdr(l, H_OFFI);
    let mp = hdr(l, H_MIPTR);
    let mc = hdr(l, H_MICOL);
    let mv = hdr(l, H_MIVAL);
    let fo = s * P.fbs + hdr(l, H_FB);
    for (var idx = lid; idx < NI * d; idx += WG) {
      let i = idx / d;
      let o = idx % d;
      let g = dphi(P.actI, work[offI + i]);
      var v = 0.0;
      if (g != 0.0) {
        let eEnd = net[mp + i + 1u];
        for (var e = net[mp + i]; e < eEnd; e++) {
          v += (netf(mv + e) * g) * work[J + o * mk + net[mc + e]];
        }
      }
      fb[fo + idx] = v;
    }
    if (l == 0u) { break; }
    let offE = base + hdr(l, H_OFFE);
    let ep = hdr(l, H_MEPTR);
    let ec = hdr(l, H_MECOL);
    let ev = hdr(l, H_MEVAL);
    let tp = hdr(l, H_METPTR);
    let tr = hdr(l, H_METROW);
    let tv = hdr(l, H_METVAL);
    for (var idx = lid; idx < d * K; idx += WG) {
      let o = idx / K;
      let k = idx % K;
      var acc = 0.0;
      let eEnd = net[tp + k + 1u];
      for (var e = net[tp + k]; e < eEnd; e++) {
        let i = net[tr + e];
        let g = dphi(P.actE, work[offE + i]);
        if (g == 0.0) { continue; }
        var t = 0.0;
        let e2End = net[ep + i + 1u];
        for (var e2 = net[ep + i]; e2 < e2End; e2++) {
          t += work[J + o * mk + net[ec + e2]] * netf(ev + e2);
        }
        acc += t * (netf(tv + e) * g);
      }
      work[JD + o * mk + k] = acc;
    }
    storageBarrier();
    let kp = hdr(l, H_KPREV);
    let w = hdr(l, H_W);
    for (var idx = lid; idx < d * kp; idx += WG) {
      let o = idx / kp;
      let j = idx % kp;
      var acc = 0.0;
      for (var k = 0u; k < K; k++) { acc += work[JD + o * mk + k] * params[w + k * kp + j]; }
      work[J + o * mk + j] = acc;
    }
    storageBarrier();
  }
}
