// fbshape.wgsl: optional shaping of every sample's feedback weights (one
// workgroup per sample), layer by layer: clip to ±v (fb_clip), then scale
// to Frobenius norm v (norm_fb_weights): B_l ← v B_l / ‖B_l‖_F.

@compute @workgroup_size(WG)
fn fbshape(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
  let s = sampleOf(wg, nwg);
  if (s >= P.n) { return; }
  let v = P.fbScale;
  for (var l = 0u; l < P.L; l++) {
    let o = s * P.fbs + hdr(l, H_FB);
    let cnt = hdr(l, H_NI) * P.D;
    var part = 0.0;
    for (var i = lid; i < cnt; i += WG) {
      var b = fb[o + i];
      if (P.fbClip != 0u) { b = min(max(b, -v), v); fb[o + i] = b; }
      part += b * b;
    }
    if (P.normFB != 0u) {
      let q = reduceSum(part, lid);
      if (q > 0.0) {
        let scale = v / sqrt(q);
        for (var i = lid; i < cnt; i += WG) { fb[o + i] = fb[o + i] * scale; }
      }
    }
    storageBarrier();
  }
}
