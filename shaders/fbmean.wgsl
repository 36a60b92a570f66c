// fbmean.wgsl: batch-averaged feedback weights (fb_average): every entry of
// the feedback record becomes its mean over the n samples,
//   B_l ← (1/n) Σ_s B_l^{(s)},
// summed in sample order. One invocation per entry.

@compute @workgroup_size(WG)
fn fbmean(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) {
  let idx = (wg.y * nwg.x + wg.x) * WG + lid;
  if (idx >= P.fbs) { return; }
  var acc = fb[idx];
  for (var s = 1u; s < P.n; s++) { acc += fb[s * P.fbs + idx]; }
  acc = acc / f32(P.n);
  for (var s = 0u; s < P.n; s++) { fb[s * P.fbs + idx] = acc; }
}
