// batchmean.wgsl: scaled sum over samples of strided rows,
//   c[offC + j] = α Σ_{s<N} a[offA + s·sA + j],   j < count,
// summed in sample order; with α = 1/n it is the batch mean that gives the
// bias directions g_b = mean_s δ_l. One invocation per output.

struct Mean {
  count: u32, N: u32, offA: u32, sA: u32,
  offC: u32, alpha: f32, pad0: u32, pad1: u32,
}

@group(0) @binding(0) var<uniform> U: Mean;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(WG)
fn batchmean(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let j = (wg.y * nwg.x + wg.x) * WG + lid;
  if (j >= U.count) { return; }
  var acc = 0.0;
  for (var s = 0u; s < U.N; s++) { acc += a[U.offA + s * U.sA + j]; }
  c[U.offC + j] = acc * U.alpha;
}
