// clip.wgsl: clip every parameter to [lo, hi] (clip_params), leaving NaN
// as it is: p ← lo if p < lo, hi if p > hi. One invocation per entry; the
// uniform is Adam's.

struct Adam {
  count: u32, clip: u32, pad0: u32, pad1: u32,
  lr: f32, beta1: f32, beta2: f32, omb1: f32,
  omb2: f32, c1: f32, c2: f32, eps: f32,
  lo: f32, hi: f32, pad2: u32, pad3: u32,
}

@group(0) @binding(0) var<uniform> U: Adam;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;

@compute @workgroup_size(WG)
fn clip(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid;
  if (i >= U.count) { return; }
  let x = p[i];
  if (x < U.lo) { p[i] = U.lo; } else if (x > U.hi) { p[i] = U.hi; }
}
