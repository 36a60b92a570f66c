// stage.wgsl: one Runge–Kutta stage of the Tsitouras 5(4) pair for every
// running sample (one workgroup each), with the sample's own step h:
//   stage j (2…6):  ỹ = y + h Σ_{m<j} a_jm k_m,   k_j = f(ỹ)
//   stage 7:        y_new = y + h Σ_{m≤6} b_m k_m, k_7 = f(y_new)
// ỹ and y_new are written to the stage state of the work record. The
// coefficients are rounded to f32 as in core/ode.

const A21: f32 = 0.161;
const A31: f32 = -0.008480655492356989;
const A32: f32 = 0.335480655492357;
const A41: f32 = 2.8971530571054935;
const A42: f32 = -6.359448489975075;
const A43: f32 = 4.3622954328695815;
const A51: f32 = 5.325864828439257;
const A52: f32 = -11.748883564062828;
const A53: f32 = 7.4955393428898365;
const A54: f32 = -0.09249506636175525;
const A61: f32 = 5.86145544294642;
const A62: f32 = -12.92096931784711;
const A63: f32 = 8.159367898576159;
const A64: f32 = -0.071584973281401;
const A65: f32 = -0.028269050394068383;
const B1: f32 = 0.09646076681806523;
const B2: f32 = 0.01;
const B3: f32 = 0.4798896504144996;
const B4: f32 = 1.379008574103742;
const B5: f32 = -3.290069515436081;
const B6: f32 = 2.324710524099774;

fn stage(j: u32, wg: vec3<u32>, nwg: vec3<u32>, lid: u32) {
  let s = sampleOf(wg, nwg);
  if (s >= P.n) { return; }
  if (statusOf(s, lid) != RUNNING) { return; }
  let h = ctl[s].h;
  let base = s * P.ws;
  let kb = s * 7u * P.S;
  let S = P.S;
  for (var i = lid; i < P.nState; i += WG) {
    let y = work[base + i];
    let k1 = kst[kb + i];
    var v: f32;
    switch j {
      case 2u: { v = y + h * A21 * k1; }
      case 3u: { v = y + h * (A31 * k1 + A32 * kst[kb + S + i]); }
      case 4u: {
        v = y + h * (A41 * k1 + A42 * kst[kb + S + i] + A43 * kst[kb + 2u * S + i]);
      }
      case 5u: {
        v = y + h * (A51 * k1 + A52 * kst[kb + S + i] + A53 * kst[kb + 2u * S + i] +
          A54 * kst[kb + 3u * S + i]);
      }
      case 6u: {
        v = y + h * (A61 * k1 + A62 * kst[kb + S + i] + A63 * kst[kb + 2u * S + i] +
          A64 * kst[kb + 3u * S + i] + A65 * kst[kb + 4u * S + i]);
      }
      default: {
        v = y + h * (B1 * k1 + B2 * kst[kb + S + i] + B3 * kst[kb + 2u * S + i] +
          B4 * kst[kb + 3u * S + i] + B5 * kst[kb + 4u * S + i] + B6 * kst[kb + 5u * S + i]);
      }
    }
    work[base + P.offTmp + i] = v;
  }
  storageBarrier();
  rhs(s, P.offTmp, kb + (j - 1u) * S, lid);
}

@compute @workgroup_size(WG)
fn stage2(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) { stage(2u, wg, nwg, lid); }

@compute @workgroup_size(WG)
fn stage3(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) { stage(3u, wg, nwg, lid); }

@compute @workgroup_size(WG)
fn stage4(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) { stage(4u, wg, nwg, lid); }

@compute @workgroup_size(WG)
fn stage5(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) { stage(5u, wg, nwg, lid); }

@compute @workgroup_size(WG)
fn stage6(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) { stage(6u, wg, nwg, lid); }

@compute @workgroup_size(WG)
fn stage7(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) { stage(7u, wg, nwg, lid); }
