// matmul.wgsl: strided matrix product with optional bias,
//   C(i, j) = α Σ_k A(i, k) B(k, j) + bias(j),   i < M, j < N,
// with A(i, k) = a[offA + i·sAi + k·sAk], B(k, j) = b[offB + k·sBk + j·sBj],
// C(i, j) = c[offC + i·sCi + j·sCj]. The strides express transposes and
// rows inside larger records. A workgroup of 16×16 invocations computes a
// 64×64 tile, each invocation a 4×4 block held in registers, stepping
// through k in tiles of 16 staged in workgroup memory. Every output sums
// its k in increasing order.

struct MatMul {
  M: u32, N: u32, K: u32, hasBias: u32,
  offA: u32, sAi: u32, sAk: u32, offB: u32,
  sBk: u32, sBj: u32, offC: u32, sCi: u32,
  sCj: u32, offBias: u32, alpha: f32, pad0: u32,
}

@group(0) @binding(0) var<uniform> U: MatMul;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const TILE: u32 = 64u;
const KT: u32 = 16u;

var<workgroup> tA: array<f32, 1024>; // [KT][TILE]: tA[k*TILE + i]
var<workgroup> tB: array<f32, 1024>; // [KT][TILE]: tB[k*TILE + j]

@compute @workgroup_size(16, 16)
fn matmul(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) {
  let i0 = wg.y * TILE;
  let j0 = wg.x * TILE;
  let ti = lid3.y * 4u;
  let tj = lid3.x * 4u;
  var acc: array<f32, 16>;
  for (var r = 0u; r < 16u; r++) { acc[r] = 0.0; }
  for (var k0 = 0u; k0 < U.K; k0 += KT) {
    for (var e = lid; e < KT * TILE; e += 256u) {
      let kk = e / TILE;
      let x = e % TILE;
      let k = k0 + kk;
      var va = 0.0;
      if (i0 + x < U.M && k < U.K) { va = a[U.offA + (i0 + x) * U.sAi + k * U.sAk]; }
      tA[e] = va;
      var vb = 0.0;
      if (j0 + x < U.N && k < U.K) { vb = b[U.offB + k * U.sBk + (j0 + x) * U.sBj]; }
      tB[e] = vb;
    }
    workgroupBarrier();
    let kn = min(KT, U.K - k0);
    for (var kk = 0u; kk < kn; kk++) {
      var ra: array<f32, 4>;
      var rb: array<f32, 4>;
      for (var r = 0u; r < 4u; r++) {
        ra[r] = tA[kk * TILE + ti + r];
        rb[r] = tB[kk * TILE + tj + r];
      }
      for (var r = 0u; r < 4u; r++) {
        for (var q = 0u; q < 4u; q++) { acc[r * 4u + q] += ra[r] * rb[q]; }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let i = i0 + ti + r;
    if (i >= U.M) { continue; }
    for (var q = 0u; q < 4u; q++) {
      let j = j0 + tj + q;
      if (j >= U.N) { continue; }
      var v = U.alpha * acc[r * 4u + q];
      if (U.hasBias != 0u) { v += bias[U.offBias + j]; }
      c[U.offC + i * U.sCi + j * U.sCj] = v;
    }
  }
}
