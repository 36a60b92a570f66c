// Package ode integrates the autonomous or time-dependent ordinary differential
// equations of the static E/I network to steady state.
//
// Two integrators are offered. Tsit5 is the explicit Runge–Kutta pair of order
// 5(4) by Tsitouras (2011) with the first-same-as-last property, driven by an
// adaptive PID step-size controller. Euler is the fixed-step forward Euler
// method, offered as a cheap alternative.
//
// The step-size controller follows the rules used by the reference
// implementation of balance-controlled plasticity. With the error estimate
// err = dt·Σ_j b̃_j k_j of a step from y_n to y_{n+1}, the error norm is
//
//	ε_n = RMS_i( err_i / (atol + rtol·max(|y_n,i|, |y_{n+1},i|)) )
//
// and the proposed step factor is
//
//	f = 0.9 · ε_n^{−(p+i+d)/k} · ε_{n−1}^{(p+2d)/k} · ε_{n−2}^{−d/k},   k = 5,
//
// clipped to [FactorMin, FactorMax]. A step with ε_n ≤ 1 is accepted and never
// shrinks the next step (the lower clip is then 1); a step with ε_n > 1 is
// rejected and retried with a factor of at most 0.9. The error history
// ε_{n−1}, ε_{n−2} starts at 1 and only advances on accepted steps. Step sizes
// are kept within [DtMin, DtMax]; a step at DtMin is accepted whatever its
// error. Integration stops at the horizon T, at steady state (the RMS of the
// derivative of the whole state below SteadyTol), or after MaxSteps attempted
// steps (a failure that the caller counts).
//
// Time is in seconds throughout. States are float32, as on the GPU; step
// sizes, times and error norms are float64.
package ode
