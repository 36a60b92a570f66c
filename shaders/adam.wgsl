// adam.wgsl: one Adam update of every parameter (descending along g), as
// optim.Adam: with bias corrections c1 = 1/(1 − β₁ᵗ), c2 = 1/(1 − β₂ᵗ),
//   m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
//   p ← p − lr (m c1) / (√(v c2) + ε),
// then, when clip is set, p ← min(max(p, lo), hi). One invocation per entry.

struct Adam {
  count: u32, clip: u32, pad0: u32, pad1: u32,
  lr: f32, beta1: f32, beta2: f32, omb1: f32,
  omb2: f32, c1: f32, c2: f32, eps: f32,
  lo: f32, hi: f32, pad2: u32, pad3: u32,
}

@group(0) @binding(0) var<uniform> U: Adam;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> g: array<f32>;

@compute @workgroup_size(WG)
fn adam(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid;
  if (i >= U.count) { return; }
  let gi = g[i];
  let mi = U.beta1 * m[i] + U.omb1 * gi;
  let vi = U.beta2 * v[i] + U.omb2 * gi * gi;
  m[i] = mi;
  v[i] = vi;
  var x = p[i] - U.lr * (mi * U.c1) / (sqrt(vi * U.c2) + U.eps);
  if (U.clip != 0u) {
    if (x < U.lo) { x = U.lo; } else if (x > U.hi) { x = U.hi; }
  }
  p[i] = x;
}
