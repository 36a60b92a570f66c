// Package online is the engine of the online (continuous-time) experiments
// of balance-controlled plasticity (BCP), after Rossbroich and Zenke,
// "Breaking Balance: Encoding local error signals in perturbations of
// excitation–inhibition balance", bioRxiv 2025: a network with one hidden
// layer of E/I assemblies that learns while it runs, integrated by forward
// Euler, and the four experiments built on it (trajectory learning, fear
// conditioning, motor learning and a single assembly).
//
// A Sim holds one experiment. Advance moves it on by any number of Euler
// steps across trial and test boundaries (any split into calls gives
// bit-identical results), Probe reports the values of the last step for
// live display without allocating, and Record returns what has been
// recorded. A step allocates nothing.
//
// # Symbols
//
// K ensembles; N_E excitatory (E) and N_I inhibitory (I) neurons,
// n_E = N_E/K and n_I = N_I/K per ensemble; D_in inputs x, D_out outputs ŷ
// with target y. M_E (N_E×K) and M_I (N_I×K) are the memberships of package
// assembly (non-binary, column-normalised, optionally overlapping); W_IE
// (N_E×N_I, non-negative) is its balanced I→E matrix for the fraction α,
// and W_EI = M_I M_Eᵀ/n_E. φ is the ReLU, relu(v) = max(v, 0).
// Parameters: V (K×D_in), b (K) and U (D_out×K). States: u_E, u_I, u_o, the
// traces x̄ and r̄, the feed-forward estimate Ī and the controller state q.
//
// # Network
//
//	I_XE = M_E (V x + b),   I_XI = M_I (V x + b)
//	τ_E du_E/dt = −u_E + I_XE − W_IE φ(u_I)
//	τ_I du_I/dt = −u_I + I_XI + W_EI φ(u_E) − f
//	τ_o du_o/dt = −u_o + U M_Eᵀ φ(u_E),            ŷ = u_o
//	τ_pre dx̄/dt = −x̄ + x,   τ_pre dr̄/dt = −r̄ + φ(u_E)
//	τ̄ dĪ/dt = −Ī + I_XE,     τ̄ = min(τ_E, τ_I)
//	ε = α·relu(Ī) − W_IE φ(u_I)                     (local error, N_E)
//
// With Config.ClipV = v > 0 the V and b used in I_XE and I_XI are clipped
// to ±v; the stored parameters integrate unclipped. Without Config.Bias, b
// stays 0.
//
// # Learning rule
//
//	dV/dt = (η_FF/n_E)·[(M_Eᵀ ε) x̄ᵀ − w·M_Eᵀ M_E V]
//	db/dt = (η_FF/n_E)·[M_Eᵀ ε − w·M_Eᵀ M_E b]
//	dU/dt = (η_out/n_E)·(y − ŷ)(M_Eᵀ r̄)ᵀ
//
// with the weight decay w of Config.WeightDecay (0 by default). M_Eᵀ ε and
// M_Eᵀ r̄ are K-vectors, so a step costs one K×D_in outer product and never
// an N_E×D_in one; M_Eᵀ M_E is a sparse K×K matrix (diagonal without
// overlap), which is the decay of the per-neuron weights M_E V projected
// back onto V.
//
// # Controller and feedback
//
// The error is e = −∂loss/∂ŷ of package loss: y − ŷ for MSE, and
// y − σ(k(ŷ − s)) for the sigmoid cross-entropy. The controller output is
//
//	proportional   c = k_p e
//	leaky PI       c = k_p e + k_i q,                  τ_c dq/dt = e − λ q
//	PID            c = k_p e + k_i q + k_d (e − e_prev), q as leaky PI
//
// where e_prev is the error of the previous closed-loop step. In closed
// loop (CL) c drives the I neurons through f; in open loop (OL) c and f are
// 0 and the controller state (q, e_prev) is frozen, not reset. The feedback
// modes (Config.Feedback) are
//
//	aligned           f = M_I Uᵀ c          (U as it is at the step)
//	random-ensemble   f = M_I Rᵀ c,   R ∈ R^{D_out×K},  R ~ N(0,1), fixed
//	random-neuron     f = R′ c,       R′ ∈ R^{N_I×D_out}, R′ ~ N(0,1), fixed
//	global            f = (Σ_o c_o)·1
//	none              f = 0
//
// and Config.DisinhibitoryOnly applies f ← relu(f) after any of them, so
// the feedback can only inhibit I neurons. In the scientists' code the
// random-per-ensemble switch is overridden by aligned feedback (an if/else
// slip), so its published curve used aligned feedback; this package
// implements the mode as specified.
//
// Controls: Config.ReadoutOnly keeps V and b fixed and the controller off
// in every trial, tests included (so CL tests equal OL tests), while U
// learns. Config.NoHidden replaces the network by a linear leaky readout of
// the input,
//
//	τ_o du/dt = −u + W x,   dW/dt = (η_out/n_E)·(y − u) x̄ᵀ,   ŷ = u,
//
// with W (D_out×D_in) initialised like V, N(0,1)·2/D_in, the readout's τ_o
// and the readout's learning rate η_out/n_E (the scale of the network's own
// readout rule; with the raw η_out the delta rule on the strong trajectory
// inputs lags the leaky readout and diverges), and the trace x̄ with τ_pre;
// there is nothing to control, so CL equals OL.
//
// # Euler steps
//
// dt = 1 ms. A step computes every derivative from the state before the
// step — currents, rates, error, control, feedback, local error, the
// readout drive U M_Eᵀ φ(u_E) and the weight changes (with the traces and U
// from before the step) — and then updates states, traces, controller and
// parameters together. A trial's input and target at step j are those at
// time j·dt. All arithmetic is float64 except the error e, which package
// loss computes in float32.
//
// Initial values: V ~ N(0,1)·2/D_in, U ~ N(0,1)·2/K, b = 0, every state 0;
// then each task's changes (Config.VScale, VShift, UScale, UCentre,
// UConst). Random numbers come from PCG generators of math/rand/v2 seeded
// with (Config.Seed, stream), one stream per purpose (memberships, initial
// weights, random feedback, task structure, noise), as in package randx.
//
// # Experiments
//
// A run is a sequence of trials of Config.TrialSeconds; the network state
// carries over from trial to trial. A test runs before the first training
// trial, after every Config.RecordEvery training trials and after the last
// one. Training trials are closed loop with plasticity unless a task says
// otherwise; test trials never learn. R² is the coefficient of
// determination averaged uniformly over the outputs; the loss is the time
// mean of the summed squared output error (no ½).
//
// Trajectory learning (traj): 2 outputs draw the closed curve given to New
// (points of one period, already centred and scaled, spread uniformly over
// T = 5 s and interpolated linearly). Inputs are 20 sinusoids
// sin(2π k f₀ t), k = 1..20, f₀ = 1/(2T), mixed by a fixed N(0,1) 20×20
// matrix; input time runs on across trials, so consecutive trials see the
// two halves of the input period. K = 20, N_E = 240, N_I = 60, τ_E = 30 ms,
// τ_I = 20 ms, τ_o = τ_pre = 30 ms, η_FF = η_out = 0.2, α = 0.5, biases,
// V and b clipped to ±1, leaky PI with k_p = 5, k_i = 0, τ_c = 100 ms, MSE;
// 4320 training trials, a test every 20. A test is an OL washout trial on
// the next input segment (its end state is kept, so the activity is free of
// the last feedback), then a CL trial and an OL trial that both start from
// that state on the following segment; the OL trial's end state continues
// into training. A test therefore takes three trials and two segments of
// input time. Recorded per test: OL and CL R² and loss, and per E neuron
// the local error summed over the steps of the CL trial.
//
// Fear conditioning (fearcond): 20 inputs. The CS+ and the CS− each weight
// 5 distinct channels drawn from 1..19 (channel 0 is kept for the optional
// US input, Config.USInput) by exp(ξ), ξ ~ N(0,1), normalised to sum 1;
// the two are drawn independently and may share channels. A CS is on from
// 0 to 4 s and smoothed by the causal kernel k(t) ∝ (t/τ_rise)exp(−t/τ_decay)
// (τ_rise = 40 ms, τ_decay = 200 ms, length 2 s = 10·max τ, normalised to
// sum 1), so its trace decays into the US from 4 to 6 s; a 4 s
// inter-trial interval follows (T = 10 s). Every input carries OU noise
// n ← n + dt·(μ − n)/τ + σ√dt·ξ (τ = 0.2 s, σ = 0.05, μ = 1/20) that runs
// on across all trials. The target is 1 during the US and 0 elsewhere. A
// pairing (training trial) presents the CS+: open loop with plasticity
// during the CS and the interval, closed loop with plasticity during the
// US. K = 40, N_E = 160, N_I = 40, τ_E = 20 ms, τ_I = 10 ms, τ_o = 20 ms,
// τ_pre = 100 ms, η_FF = 10, η_out = 0, no bias, aligned only-disinhibitory
// feedback, proportional control k_p = 1, sigmoid cross-entropy (shift 0.6,
// steepness 4); initially U ← 10U − mean(10U) and V ← V + 1/20. 10
// pairings; a test before the first and after each presents the CS+ and
// then the CS− alone for a whole trial, open loop, without plasticity.
// Freezing is σ(4(ŷ − 0.6)); its mean and maximum over the CS window are
// recorded.
//
// Motor learning (motor): 20 inputs; at 2 s a cue: 10 sinusoids
// (frequencies uniform in 0.1–2 Hz, phases uniform at the cue onset) mixed
// into the 20 channels by N(0,1)·10 weights, multiplied step by step by the
// causal kernel (τ_rise = 30 ms, τ_decay = 500 ms, length 5 s), then divided
// by the largest value of the whole cue; the same cue every trial. OU noise
// (τ = 0.5 s, σ = 0.05, μ = 0) starts at μ with fresh random numbers each
// trial (training trial i and test i use their own streams; the two trials
// of a test share one, so they see the same input). The target is
// −sin(2π(t − 2)/2) for 2 ≤ t < 4 s and 0 elsewhere; the lever position is
// the running integral of the output over the trial and its minimum is
// recorded for every training trial and test trial. K = 80, N_E = 320,
// N_I = 80, τ_E = 20 ms, τ_I = 10 ms, τ_o = τ_pre = 50 ms, η_FF = 0.02,
// η_out = 0.01, biases, leaky PI with k_p = 10, k_i = 2, τ_c = 100 ms, MSE;
// initially V ← 5V + 1/20. 2000 training trials of 8 s, closed loop with
// plasticity; every 10 trials a test: a CL trial and an OL trial that both
// start from the current state; the OL trial's end state continues.
//
// Single assembly (assembly): 1 ensemble of 16 E and 4 I neurons, 10 inputs
// and 1 output. Three latent patterns are OU processes (τ = 0.5 s, σ = 1,
// μ = 0, continuing across chunks); per 15 s chunk, values below 0.5 are set
// to 0, the chunk is rescaled to mean 1 over time and patterns and low-pass
// filtered (τ = 0.5 s; the filter state continues and starts at the first
// value). Inputs are x = Wᵀp + b: input j sits at 3j/10 on a circle of
// circumference 3 (pattern i at i), its weight from pattern i is a Gaussian
// of the circular distance with σ = 2·3/10, normalised so that each input's
// weights sum to 1, and b_j = 0.1·exp(ξ_j). The target is pattern 0 plus
// 0.1 times the others. τ_E = 30 ms, τ_I = 20 ms, τ_o = τ_pre = 30 ms,
// η_FF = 0.05, η_out = 0, U = 1 fixed, V ← V + 0.1, proportional control
// k_p = 1, MSE, biases. A training trial is a new chunk, closed loop with
// plasticity; a test (before training and every 5 chunks) draws a new
// chunk and runs it closed loop and then open loop from the same state,
// keeping the OL end state. Currents and local errors of the first and the
// latest test are always recorded, with the correlation of the OL output
// with each pattern and the feed-forward drive per unit of each pattern.
//
// # Decisions where the specification leaves room
//
//   - The I→E weights depend on the membership draw; the balance residual is
//     in Record.BalanceResidual.
//   - Weight decay is written "w·V M_Eᵀ M_E" in the specification, which has
//     no matching shapes for V of K×D_in; the package uses M_Eᵀ M_E V, the
//     gradient of the decay of the per-neuron weights M_E V, inside the
//     brackets multiplied by η_FF/n_E.
//   - The single assembly's trial count (40 chunks), test interval (5) and
//     biases (on, the network default; the specification names none) are
//     choices of this package, as is drawing a new chunk for each test.
//   - Motor tests (OL and CL from one state) and the single assembly's
//     tests follow the trajectory rule without the washout: the CL trial
//     first, then the OL trial from the same state, whose end state
//     continues into training.
//   - The fear-conditioning noise runs on through the tests, and CS− tests
//     follow CS+ tests from the state they leave; freezing's maximum is
//     taken over the CS window.
//   - The motor lever is the running integral from the start of the trial
//     of the prediction used by each step.
//   - The PID's e_prev, like q, is frozen in open loop.
//   - The R² of an output whose target is constant over a trial is 1 if it
//     is matched exactly and 0 otherwise.
package online
