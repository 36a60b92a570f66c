// Package shaders holds the WGSL compute kernels of the static E/I network's
// trainer, embedded with go:embed, together with everything the host needs
// to run them: the layout of the network and of the per-sample state in GPU
// buffers, the uniform structs (padded to WGSL's 16-byte alignment), the
// bindings of every kernel, the workgroup and dispatch arithmetic, and, for
// each kernel, a Go reference function that computes the same thing on the
// CPU. The references are tested against each other here (Emulator runs a
// whole training step from them and agrees with the CPU backend of
// core/static); native/gpu tests every WGSL kernel against its reference.
//
// The package is pure Go without cgo, so it also builds for GOOS=js
// GOARCH=wasm, where a browser's WebGPU can run the same kernels.
//
// # Symbols
//
// For layer l: K ensembles, N_E excitatory and N_I inhibitory neurons,
// memberships M_E (N_E×K) and M_I (N_I×K), I→E weights W_IE (N_E×N_I),
// feed-forward weights W_l (K×D_{l−1}) and biases b_l, readout W_o (D×K_L);
// uE, uI, uo are the E, I and readout potentials, q the integral state of
// the controller, φ_E, φ_I the activations, h_l = M_Eᵀ φ_E(uE) the ensemble
// output and B_l (N_I×D) the feedback weights. The equations are those of
// core/static; each kernel's file repeats the ones it implements.
//
// # Buffers
//
// Every solver kernel sees the same bind group (SolverBindings): the
// uniform Solver, the network structure Net (u32 words, floats stored as
// their bits), the parameters, the inputs and labels, the feedback weights,
// the per-sample work records, the Runge–Kutta stages, the per-sample
// controller records Ctl and a done counter. A sample's work record holds
// its state y, a stage state, its target, the PID's previous error, the
// first layer's drive a_1, scratch for the feedback Jacobians, the
// closed-loop quantities the update directions need (δ_l, h_l, e_o) and its
// outputs (Layout documents the offsets). One workgroup integrates one
// sample, so samples never wait for each other; samples that reached steady
// state, the horizon or the step limit skip their work.
package shaders
