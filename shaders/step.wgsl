// step.wgsl: one whole attempted Tsit5 step of every running sample (one
// workgroup each): stages 2 to 7 of stage.wgsl, then the error estimate
// and step-size control of control.wgsl, separated by workgroup barriers.
// It computes exactly what the seven separate dispatches compute, with one
// dispatch instead of seven.

@compute @workgroup_size(WG)
fn step(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  for (var j = 2u; j <= 7u; j++) {
    stage(j, wg, nwg, lid);
    storageBarrier();
  }
  controlStep(wg, nwg, lid);
}
