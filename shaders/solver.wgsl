// solver.wgsl: declarations and functions shared by every solver kernel.
// The host prepends the constants WG (workgroup size), MAXK (largest K) and
// MAXD (outputs); every solver kernel's file is appended to this one.

struct Solver {
  n: u32, L: u32, D: u32, S: u32,
  nState: u32, ws: u32, olLen: u32, offO: u32,
  offTmp: u32, offTgt: u32, offEPrev: u32, offA1: u32,
  offJ: u32, offJD: u32, offEO: u32, offOut: u32,
  fbs: u32, woOff: u32, inDim: u32, offLabel: u32,
  closed: u32, controller: u32, loss: u32, actE: u32,
  actI: u32, localErr: u32, maxSteps: u32, targets: u32,
  fbClip: u32, normFB: u32, zeroState: u32, maxK: u32,
  invTauE: f32, invTauI: f32, invTauC: f32, lambda: f32,
  kp: f32, ki: f32, kd: f32, lossShift: f32,
  lossSteep: f32, alpha: f32, betaR: f32, nudgeBeta: f32,
  atol: f32, rtol: f32, dt0: f32, dtMin: f32,
  dtMax: f32, factorMin: f32, factorMax: f32, T: f32,
  beta1: f32, beta2: f32, beta3: f32, steadyTol: f32,
  fbScale: f32, pad0: u32, pad1: u32, pad2: u32,
}

struct Ctl {
  t: f32, dt: f32, h: f32, prev1: f32, prev2: f32, eps: f32,
  accepted: u32, rejected: u32, steps: u32, status: u32,
  atMin: u32, clipped: u32,
}

@group(0) @binding(0) var<uniform> P: Solver;
@group(0) @binding(1) var<storage, read> net: array<u32>;
@group(0) @binding(2) var<storage, read> params: array<f32>;
@group(0) @binding(3) var<storage, read> inp: array<f32>;
@group(0) @binding(4) var<storage, read_write> fb: array<f32>;
@group(0) @binding(5) var<storage, read_write> work: array<f32>;
@group(0) @binding(6) var<storage, read_write> kst: array<f32>;
@group(0) @binding(7) var<storage, read_write> ctl: array<Ctl>;
@group(0) @binding(8) var<storage, read_write> done: array<atomic<u32>>;

// Layer header words (shaders.HK …).
const HW: u32 = 24u;
const H_K: u32 = 0u;
const H_NE: u32 = 1u;
const H_NI: u32 = 2u;
const H_OFFE: u32 = 3u;
const H_OFFI: u32 = 4u;
const H_KPREV: u32 = 5u;
const H_MEPTR: u32 = 6u;
const H_MECOL: u32 = 7u;
const H_MEVAL: u32 = 8u;
const H_METPTR: u32 = 9u;
const H_METROW: u32 = 10u;
const H_METVAL: u32 = 11u;
const H_MIPTR: u32 = 12u;
const H_MICOL: u32 = 13u;
const H_MIVAL: u32 = 14u;
const H_WIEPTR: u32 = 15u;
const H_WIECOL: u32 = 16u;
const H_WIEVAL: u32 = 17u;
const H_INVNE: u32 = 18u;
const H_W: u32 = 19u;
const H_B: u32 = 20u;
const H_FB: u32 = 21u;
const H_DELTA: u32 = 22u;
const H_H: u32 = 23u;
const NOBIAS: u32 = 0xffffffffu;

const RUNNING: u32 = 0u;
const HORIZON: u32 = 1u;
const STEADY: u32 = 2u;
const FAILED: u32 = 3u;

var<workgroup> shA: array<f32, MAXK>;  // a_l
var<workgroup> shH: array<f32, MAXK>;  // h_l
var<workgroup> shHP: array<f32, MAXK>; // h_{l−1}
var<workgroup> shE: array<f32, MAXD>;  // controller error e
var<workgroup> shC: array<f32, MAXD>;  // control signal c
var<workgroup> shRed: array<f32, WG>;  // reductions
var<workgroup> shFlag: u32;            // broadcast of a per-sample decision

fn hdr(l: u32, w: u32) -> u32 { return net[l * HW + w]; }
fn netf(i: u32) -> f32 { return bitcast<f32>(net[i]); }

fn sampleOf(wg: vec3<u32>, nwg: vec3<u32>) -> u32 { return wg.y * nwg.x + wg.x; }

// phi is the activation φ: 0 relu, 1 linear, 2 tanh.
fn phi(kind: u32, u: f32) -> f32 {
  if (kind == 1u) { return u; }
  if (kind == 2u) { return tanh(u); }
  return max(u, 0.0);
}

// dphi is φ'.
fn dphi(kind: u32, u: f32) -> f32 {
  if (kind == 1u) { return 1.0; }
  if (kind == 2u) { let t = tanh(u); return 1.0 - t * t; }
  return select(0.0, 1.0, u > 0.0);
}

fn sigmoid(u: f32) -> f32 {
  if (u >= 0.0) { return 1.0 / (1.0 + exp(-u)); }
  let z = exp(u);
  return z / (1.0 + z);
}

// lossError writes e = −∂loss/∂ŷ for the prediction at work[yh…] and the
// target at work[tg…] into shE (one invocation).
//   mse: e = y − ŷ;  softmax: e = y − softmax(ŷ);  sigmoid: e = y − σ(k(ŷ − s)).
fn lossError(yh: u32, tg: u32) {
  let d = P.D;
  if (P.loss == 1u) {
    var m = work[yh];
    for (var o = 1u; o < d; o++) { m = max(m, work[yh + o]); }
    var sum = 0.0;
    for (var o = 0u; o < d; o++) { let v = exp(work[yh + o] - m); shE[o] = v; sum += v; }
    for (var o = 0u; o < d; o++) { shE[o] = work[tg + o] - shE[o] / sum; }
  } else if (P.loss == 2u) {
    for (var o = 0u; o < d; o++) {
      shE[o] = work[tg + o] - sigmoid(P.lossSteep * (work[yh + o] - P.lossShift));
    }
  } else {
    for (var o = 0u; o < d; o++) { shE[o] = work[tg + o] - work[yh + o]; }
  }
}

// control computes the controller error and output for the state at y0
// (one invocation):
//   c = k_p e (+ k_i q for leaky PI, + k_i q + k_d (e − e_prev) for PID).
fn control(base: u32, y0: u32) {
  lossError(y0 + P.offO, base + P.offTgt);
  for (var o = 0u; o < P.D; o++) {
    var c = P.kp * shE[o];
    if (P.controller == 1u) {
      c += P.ki * work[y0 + P.olLen + o];
    } else if (P.controller == 2u) {
      c += P.ki * work[y0 + P.olLen + o] + P.kd * (shE[o] - work[base + P.offEPrev + o]);
    }
    shC[o] = c;
  }
}

// driveAndOutput fills shA with the drive a_l of layer l and shH with its
// output h_l = M_Eᵀ φ_E(uE) for the state at y0; shHP holds h_{l−1}.
//   a_1 = W_1 x + b_1 (precomputed),  a_l = W_l h_{l−1} + b_l.
fn driveAndOutput(l: u32, base: u32, y0: u32, lid: u32) {
  let K = hdr(l, H_K);
  if (l == 0u) {
    for (var k = lid; k < K; k += WG) { shA[k] = work[base + P.offA1 + k]; }
  } else {
    let kp = hdr(l, H_KPREV);
    let w = hdr(l, H_W);
    let b = hdr(l, H_B);
    for (var k = lid; k < K; k += WG) {
      var acc = 0.0;
      for (var j = 0u; j < kp; j++) { acc += params[w + k * kp + j] * shHP[j]; }
      if (b != NOBIAS) { acc += params[b + k]; }
      shA[k] = acc;
    }
  }
  let tp = hdr(l, H_METPTR);
  let tr = hdr(l, H_METROW);
  let tv = hdr(l, H_METVAL);
  let offE = y0 + hdr(l, H_OFFE);
  for (var k = lid; k < K; k += WG) {
    var acc = 0.0;
    let eEnd = net[tp + k + 1u];
    for (var e = net[tp + k]; e < eEnd; e++) {
      acc += netf(tv + e) * phi(P.actE, work[offE + net[tr + e]]);
    }
    shH[k] = acc;
  }
}

// excitatory returns, for E neuron i of layer l at the state y0, the drive
// I_XE = (M_E a)_i and the inhibition (W_IE φ_I(uI))_i; hd holds the
// layer's header words.
fn excitatory(hd: array<u32, 24>, y0: u32, i: u32) -> vec2<f32> {
  let mp = hd[H_MEPTR];
  let mc = hd[H_MECOL];
  let mv = hd[H_MEVAL];
  var ixe = 0.0;
  let eEnd = net[mp + i + 1u];
  for (var e = net[mp + i]; e < eEnd; e++) { ixe += netf(mv + e) * shA[net[mc + e]]; }
  let wp = hd[H_WIEPTR];
  let wc = hd[H_WIECOL];
  let wv = hd[H_WIEVAL];
  let offI = y0 + hd[H_OFFI];
  var inh = 0.0;
  let wEnd = net[wp + i + 1u];
  for (var e = net[wp + i]; e < wEnd; e++) {
    inh += netf(wv + e) * phi(P.actI, work[offI + net[wc + e]]);
  }
  return vec2<f32>(ixe, inh);
}

// header returns the header words of layer l.
fn header(l: u32) -> array<u32, 24> {
  var hd: array<u32, 24>;
  for (var w = 0u; w < HW; w++) { hd[w] = net[l * HW + w]; }
  return hd;
}

// rhs writes the derivative of the state at work[base + yo …] into kst[ko …]:
//   τ_E duE/dt = −uE + M_E a_l − W_IE φ_I(uI)
//   τ_I duI/dt = −uI + M_I a_l + M_I (M_Eᵀ φ_E(uE))/n_E − B_l c
//   τ_E duo/dt = −uo + W_o h_L + c,   τ_c dq/dt = e − λ q
// with c = 0 in open loop. All invocations of the workgroup call it.
fn rhs(s: u32, yo: u32, ko: u32, lid: u32) {
  let base = s * P.ws;
  let y0 = base + yo;
  let closed = P.closed != 0u;
  if (closed && lid == 0u) { control(base, y0); }
  workgroupBarrier();
  for (var l = 0u; l < P.L; l++) {
    driveAndOutput(l, base, y0, lid);
    workgroupBarrier();
    let hd = header(l);
    let NE = hd[H_NE];
    let NI = hd[H_NI];
    let offE = hd[H_OFFE];
    let offI = hd[H_OFFI];
    for (var i = lid; i < NE; i += WG) {
      let v = excitatory(hd, y0, i);
      kst[ko + offE + i] = (-work[y0 + offE + i] + v.x - v.y) * P.invTauE;
    }
    let mp = hd[H_MIPTR];
    let mc = hd[H_MICOL];
    let mv = hd[H_MIVAL];
    let invNE = bitcast<f32>(hd[H_INVNE]);
    let fo = s * P.fbs + hd[H_FB];
    for (var i = lid; i < NI; i += WG) {
      var ixi = 0.0;
      var exc = 0.0;
      let eEnd = net[mp + i + 1u];
      for (var e = net[mp + i]; e < eEnd; e++) {
        let m = netf(mv + e);
        let k = net[mc + e];
        ixi += m * shA[k];
        exc += m * shH[k];
      }
      var fbc = 0.0;
      if (closed) {
        for (var o = 0u; o < P.D; o++) { fbc += fb[fo + i * P.D + o] * shC[o]; }
      }
      kst[ko + offI + i] = (-work[y0 + offI + i] + ixi + exc * invNE - fbc) * P.invTauI;
    }
    workgroupBarrier();
    let K = hd[H_K];
    for (var k = lid; k < K; k += WG) { shHP[k] = shH[k]; }
    workgroupBarrier();
  }
  let KL = hdr(P.L - 1u, H_K);
  for (var o = lid; o < P.D; o += WG) {
    var z = 0.0;
    for (var k = 0u; k < KL; k++) { z += params[P.woOff + o * KL + k] * shHP[k]; }
    var v = -work[y0 + P.offO + o] + z;
    if (closed) { v += shC[o]; }
    kst[ko + P.offO + o] = v * P.invTauE;
    if (closed && P.nState > P.olLen) {
      kst[ko + P.olLen + o] = (shE[o] - P.lambda * work[y0 + P.olLen + o]) * P.invTauC;
    }
  }
}

// reduceSum returns the sum of every invocation's part (all invocations
// call it; the result is uniform).
fn reduceSum(part: f32, lid: u32) -> f32 {
  shRed[lid] = part;
  workgroupBarrier();
  for (var w = WG / 2u; w > 0u; w = w / 2u) {
    if (lid < w) { shRed[lid] += shRed[lid + w]; }
    workgroupBarrier();
  }
  let r = shRed[0];
  workgroupBarrier();
  return r;
}

// rmsOf returns RMS(kst[ko …]) over the pass's state length.
fn rmsOf(ko: u32, lid: u32) -> f32 {
  var part = 0.0;
  for (var i = lid; i < P.nState; i += WG) { let v = kst[ko + i]; part += v * v; }
  return sqrt(reduceSum(part, lid) / f32(P.nState));
}

// plan prepares the next attempted step of sample s (one invocation): it
// ends the solve at the horizon or the step limit, and otherwise sets the
// step h = dt, shortened to end at T.
fn plan(s: u32) {
  var c = ctl[s];
  if (c.status != RUNNING) { return; }
  if (c.t >= P.T) {
    c.status = HORIZON;
  } else if (c.steps >= P.maxSteps) {
    c.status = FAILED;
  } else {
    var h = c.dt;
    c.atMin = select(0u, 1u, h <= P.dtMin);
    c.clipped = 0u;
    if (c.t + h > P.T) { h = P.T - c.t; c.clipped = 1u; }
    c.h = h;
  }
  ctl[s] = c;
  if (c.status != RUNNING) { atomicAdd(&done[0], 1u); }
}

// statusOf broadcasts sample s's status to the workgroup as a uniform value.
fn statusOf(s: u32, lid: u32) -> u32 {
  if (lid == 0u) { shFlag = ctl[s].status; }
  return workgroupUniformLoad(&shFlag);
}
