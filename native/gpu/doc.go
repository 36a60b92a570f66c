// Package gpu runs the static E/I network's trainer on a GPU through
// WebGPU (github.com/cogentcore/webgpu, which bundles wgpu-native): Backend
// implements static.Backend with the WGSL kernels of package shaders, and
// New picks the device for the command line's --device auto|gpu|cpu.
//
// The solver loop stays on the device. Per-sample step sizes, error
// histories, step counters and status flags live in GPU buffers; one
// dispatch advances every running sample by one attempted Tsit5 step
// (step.wgsl: six stages, the error estimate and the step-size control,
// one workgroup per sample). The host records many such dispatches per
// submit (up to Options.StepsPerSubmit, adapted so that a submit stays
// well below the 5 s after which wgpu-native declares a device stuck) and
// reads back only the number of finished samples, then the final results
// in one copy. Buffers, bind groups and pipelines are made once per
// network and capacity and reused; Predict streams batches larger than the
// adapter's binding limits allow. Every WebGPU call that can fail is
// checked; a lost or stalled device ends the call with an error wrapping
// ErrDeviceLost instead of a hang.
//
// Bind group and pipeline layouts are created explicitly from the
// kernels' binding tables (no GetBindGroupLayout), as the browser build of
// WebGPU requires. The adapter's log is switched off, XDG_RUNTIME_DIR is
// set to a private folder when it is missing, and on Linux the standard
// error of adapter probing and device creation goes to /dev/null, so that
// driver noise does not reach the user.
package gpu
