// init.wgsl: start the integration of every sample (one workgroup each).
// In open loop the state starts at zero; in closed loop it continues from
// the open-loop steady state that targets.wgsl prepared. Writes
// k_1 = f(y_0), and stops at once when RMS(k_1) < steadyTol; otherwise sets
// t = 0, dt = clamp(dt0, dtMin, dtMax), ε_{n−1} = ε_{n−2} = 1 and plans the
// first step.

@compute @workgroup_size(WG)
fn init(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let s = sampleOf(wg, nwg);
  if (s >= P.n) { return; }
  let base = s * P.ws;
  if (P.zeroState != 0u) {
    for (var i = lid; i < P.nState; i += WG) { work[base + i] = 0.0; }
  }
  storageBarrier();
  let ko = s * 7u * P.S;
  rhs(s, 0u, ko, lid);
  storageBarrier();
  let r = rmsOf(ko, lid);
  if (lid == 0u) {
    var c: Ctl;
    c.t = 0.0;
    c.dt = min(max(P.dt0, P.dtMin), P.dtMax);
    c.h = 0.0;
    c.prev1 = 1.0;
    c.prev2 = 1.0;
    c.eps = 0.0;
    c.accepted = 0u;
    c.rejected = 0u;
    c.steps = 0u;
    c.status = RUNNING;
    c.atMin = 0u;
    c.clipped = 0u;
    if (P.steadyTol > 0.0 && r < P.steadyTol) {
      c.status = STEADY;
      ctl[s] = c;
      atomicAdd(&done[0], 1u);
    } else {
      ctl[s] = c;
      plan(s);
    }
  }
}
