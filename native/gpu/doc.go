// Package gpu runs the static E/I network's trainer on a GPU through
// WebGPU (github.com/cogentcore/webgpu, which bundles wgpu-native): Backend
// implements static.Backend with the WGSL kernels of package shaders, and
// New picks the device for the command line's --device auto|gpu|cpu.
//
// The solver loop stays on the device. Per-sample step sizes, error
// histories, step counters and status flags live in GPU buffers; the host
// records many Runge–Kutta steps (stage and control dispatches) per
// submit and reads back only the number of finished samples, then the
// final results. Buffers, bind groups and pipelines are made once per
// network and capacity and reused. Every WebGPU call that can fail is
// checked; a lost or stalled device ends the call with an error instead
// of a hang.
package gpu
