package online

import (
	"fmt"
	"math"
	"reflect"
	"strings"
)

// Task names one of the online experiments.
type Task string

// The online experiments.
const (
	Traj     Task = "traj"     // trajectory learning
	FearCond Task = "fearcond" // fear conditioning
	Motor    Task = "motor"    // motor learning (lever press)
	Assembly Task = "assembly" // a single assembly
)

// Tasks returns the names of the online experiments in the order they are
// documented.
func Tasks() []Task { return []Task{Traj, FearCond, Motor, Assembly} }

// FeedbackModes returns the feedback modes that Config.Feedback accepts.
func FeedbackModes() []string {
	return []string{"aligned", "random-ensemble", "random-neuron", "global", "none"}
}

// Controllers returns the controllers that Config.Controller accepts.
func Controllers() []string { return []string{"p", "leaky-pi", "pid"} }

// Config holds every parameter of an online experiment: the network of the
// package documentation, its controller, learning rule and feedback, the
// task protocol and what is recorded. DefaultConfig gives the published
// values of each task; the yaml tags are the keys of a configuration file.
// Times are in seconds and learning rates per second.
type Config struct {
	// Protocol.
	Task         Task    `yaml:"task"`          // traj, fearcond, motor or assembly
	Trials       int     `yaml:"trials"`        // training trials (pairings for fearcond, 15 s chunks for assembly)
	TrialSeconds float64 `yaml:"trial_seconds"` // length T of every trial
	RecordEvery  int     `yaml:"record_every"`  // a test runs before the first training trial and after every RecordEvery
	DT           float64 `yaml:"dt"`            // Euler step
	Seed         uint64  `yaml:"seed"`          // seed of every random stream

	// Network.
	Inputs               int     `yaml:"inputs"`    // D_in
	Outputs              int     `yaml:"outputs"`   // D_out
	K                    int     `yaml:"ensembles"` // ensembles K
	NE                   int     `yaml:"n_exc"`     // E neurons N_E (n_E = N_E/K per ensemble)
	NI                   int     `yaml:"n_inh"`     // I neurons N_I
	Overlap              float64 `yaml:"overlap"`   // overlap percentage P in [0, 100)
	BinaryMemberships    bool    `yaml:"binary_memberships"`
	NormaliseMemberships bool    `yaml:"normalise_memberships"`
	MembershipSigma      float64 `yaml:"membership_sigma"` // σ of the log-normal membership factors
	Alpha                float64 `yaml:"alpha"`            // balance fraction α
	TauE                 float64 `yaml:"tau_e"`
	TauI                 float64 `yaml:"tau_i"`
	TauO                 float64 `yaml:"tau_o"`   // readout
	TauPre               float64 `yaml:"tau_pre"` // presynaptic traces x̄ and r̄
	Bias                 bool    `yaml:"bias"`    // feed-forward biases b (fixed at 0 when off)

	// Learning.
	EtaFF       float64 `yaml:"eta_ff"`       // η_FF of V and b
	EtaOut      float64 `yaml:"eta_out"`      // η_out of U (and of W without a hidden layer)
	WeightDecay float64 `yaml:"weight_decay"` // w; 0 is off
	ClipV       float64 `yaml:"clip_v"`       // v: V and b used in the dynamics are clipped to ±v; 0 is off

	// Feedback and controls.
	Feedback          string `yaml:"feedback"`           // aligned, random-ensemble, random-neuron, global or none
	DisinhibitoryOnly bool   `yaml:"disinhibitory_only"` // f ← relu(f)
	ReadoutOnly       bool   `yaml:"readout_only"`       // control: V, b fixed and no controller
	NoHidden          bool   `yaml:"no_hidden"`          // control: a linear leaky readout of the input

	// Controller and loss.
	Controller    string  `yaml:"controller"` // p, leaky-pi or pid
	Kp            float64 `yaml:"kp"`
	Ki            float64 `yaml:"ki"`
	Kd            float64 `yaml:"kd"`
	TauC          float64 `yaml:"tau_c"`
	Lambda        float64 `yaml:"lambda"`         // leak λ of the integral term
	Loss          string  `yaml:"loss"`           // mse or sigmoid
	LossShift     float64 `yaml:"loss_shift"`     // sigmoid shift s
	LossSteepness float64 `yaml:"loss_steepness"` // sigmoid steepness k

	// Initial weights, after V ~ N(0,1)·2/D_in and U ~ N(0,1)·2/K:
	// V ← VScale·V + VShift; U ← UScale·U, minus its mean if UCentre; every
	// entry of U ← UConst if UConst is not 0.
	VScale  float64 `yaml:"v_scale"`
	VShift  float64 `yaml:"v_shift"`
	UScale  float64 `yaml:"u_scale"`
	UCentre bool    `yaml:"u_centre"`
	UConst  float64 `yaml:"u_const"`

	// Input noise (fearcond, motor): Ornstein–Uhlenbeck on every input,
	// n ← n + dt·(NoiseMean − n)/NoiseTau + NoiseSigma·√dt·ξ.
	NoiseTau   float64 `yaml:"noise_tau"`
	NoiseSigma float64 `yaml:"noise_sigma"`
	NoiseMean  float64 `yaml:"noise_mean"`

	// Causal smoothing kernel k(t) ∝ (t/KernelRise)·exp(−t/KernelDecay) on
	// [0, KernelSeconds) (fearcond: the CS; motor: the cue envelope).
	KernelRise    float64 `yaml:"kernel_rise"`
	KernelDecay   float64 `yaml:"kernel_decay"`
	KernelSeconds float64 `yaml:"kernel_seconds"`

	// Fear conditioning.
	CSChannels      int     `yaml:"cs_channels"` // input channels per CS (drawn from 1..D_in−1)
	CSSeconds       float64 `yaml:"cs_seconds"`  // CS from 0 to CSSeconds
	USSeconds       float64 `yaml:"us_seconds"`  // US right after the CS
	USInput         bool    `yaml:"us_input"`    // also present the US on input channel 0
	FreezeShift     float64 `yaml:"freeze_shift"`
	FreezeSteepness float64 `yaml:"freeze_steepness"` // freezing = σ(steepness·(ŷ − shift))

	// Motor learning.
	CueTime      float64 `yaml:"cue_time"`      // cue onset
	CueSines     int     `yaml:"cue_sines"`     // sinusoids mixed into the cue
	CueFreqMin   float64 `yaml:"cue_freq_min"`  // Hz
	CueFreqMax   float64 `yaml:"cue_freq_max"`  // Hz
	CueGain      float64 `yaml:"cue_gain"`      // mixing weights N(0,1)·CueGain
	PressSeconds float64 `yaml:"press_seconds"` // the target −sin(2π(t − CueTime)/PressSeconds) lasts one period

	// Single assembly.
	Patterns         int     `yaml:"patterns"`          // latent OU patterns
	PatternTau       float64 `yaml:"pattern_tau"`       // OU time constant
	PatternSigma     float64 `yaml:"pattern_sigma"`     // OU noise coefficient
	PatternThreshold float64 `yaml:"pattern_threshold"` // values below are set to 0
	PatternFilterTau float64 `yaml:"pattern_filter_tau"`
	TilingWidth      float64 `yaml:"tiling_width"`   // σ of the circular Gaussian input tiling
	BaselineScale    float64 `yaml:"baseline_scale"` // input baseline b_j = scale·exp(ξ_j)
	TargetPattern    int     `yaml:"target_pattern"`
	OtherWeight      float64 `yaml:"other_weight"` // weight of the other patterns in the target

	// Recording.
	RecordActivity bool `yaml:"record_activity"` // rates, currents and local errors of the first and latest test
	ActivityStride int  `yaml:"activity_stride"` // steps between recorded activity samples
}

// DefaultConfig returns the published parameters of an experiment (see the
// package documentation for each task). It panics for an unknown task,
// which is a programmer mistake; check user input with Validate.
func DefaultConfig(task Task) Config {
	c := Config{
		Task: task, DT: 1e-3, Seed: 0,
		NormaliseMemberships: true, MembershipSigma: 0.5, Alpha: 0.5, Bias: true,
		Feedback: "aligned", Controller: "leaky-pi", Kp: 0.2, Ki: 0.4, TauC: 0.1, Lambda: 1,
		Loss: "mse", LossShift: 0.6, LossSteepness: 4,
		VScale: 1, UScale: 1,
		ActivityStride: 10,
	}
	switch task {
	case Traj:
		c.Trials, c.TrialSeconds, c.RecordEvery = 4320, 5, 20
		c.Inputs, c.Outputs, c.K, c.NE, c.NI = 20, 2, 20, 240, 60
		c.TauE, c.TauI, c.TauO, c.TauPre = 0.03, 0.02, 0.03, 0.03
		c.EtaFF, c.EtaOut = 0.2, 0.2
		c.ClipV = 1
		c.Controller, c.Kp, c.Ki, c.TauC = "leaky-pi", 5, 0, 0.1
	case FearCond:
		c.Trials, c.TrialSeconds, c.RecordEvery = 10, 10, 1
		c.Inputs, c.Outputs, c.K, c.NE, c.NI = 20, 1, 40, 160, 40
		c.TauE, c.TauI, c.TauO, c.TauPre = 0.02, 0.01, 0.02, 0.1
		c.EtaFF, c.EtaOut = 10, 0
		c.Bias = false
		c.DisinhibitoryOnly = true
		c.Controller, c.Kp, c.Ki = "p", 1, 0
		c.Loss = "sigmoid"
		c.UScale, c.UCentre, c.VShift = 10, true, 1.0/20
		c.NoiseTau, c.NoiseSigma, c.NoiseMean = 0.2, 0.05, 1.0/20
		c.KernelRise, c.KernelDecay, c.KernelSeconds = 0.04, 0.2, 2
		c.CSChannels, c.CSSeconds, c.USSeconds = 5, 4, 2
		c.FreezeShift, c.FreezeSteepness = 0.6, 4
	case Motor:
		c.Trials, c.TrialSeconds, c.RecordEvery = 2000, 8, 10
		c.Inputs, c.Outputs, c.K, c.NE, c.NI = 20, 1, 80, 320, 80
		c.TauE, c.TauI, c.TauO, c.TauPre = 0.02, 0.01, 0.05, 0.05
		c.EtaFF, c.EtaOut = 0.02, 0.01
		c.Controller, c.Kp, c.Ki, c.TauC = "leaky-pi", 10, 2, 0.1
		c.VScale, c.VShift = 5, 1.0/20
		c.NoiseTau, c.NoiseSigma, c.NoiseMean = 0.5, 0.05, 0
		c.KernelRise, c.KernelDecay, c.KernelSeconds = 0.03, 0.5, 5
		c.CueTime, c.CueSines, c.CueFreqMin, c.CueFreqMax, c.CueGain = 2, 10, 0.1, 2, 10
		c.PressSeconds = 2
	case Assembly:
		c.Trials, c.TrialSeconds, c.RecordEvery = 40, 15, 5
		c.Inputs, c.Outputs, c.K, c.NE, c.NI = 10, 1, 1, 16, 4
		c.TauE, c.TauI, c.TauO, c.TauPre = 0.03, 0.02, 0.03, 0.03
		c.EtaFF, c.EtaOut = 0.05, 0
		c.Controller, c.Kp, c.Ki = "p", 1, 0
		c.UConst, c.VShift = 1, 0.1
		c.Patterns, c.PatternTau, c.PatternSigma = 3, 0.5, 1
		c.PatternThreshold, c.PatternFilterTau = 0.5, 0.5
		c.TilingWidth, c.BaselineScale = 2*3.0/10, 0.1
		c.TargetPattern, c.OtherWeight = 0, 0.1
		c.RecordActivity = true
	default:
		panic(fmt.Sprintf("online: DefaultConfig of unknown task %q", task))
	}
	return c
}

// steps returns the number of Euler steps in d seconds.
func (c *Config) steps(d float64) int { return int(math.Round(d / c.DT)) }

func oneOf(name, v string, allowed []string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%s %q is not known; use one of %s", name, v, strings.Join(allowed, ", "))
}

// positive returns an error naming the first of the pairs (name, value)
// whose value is not a positive finite number.
func positive(pairs ...any) error {
	for i := 0; i < len(pairs); i += 2 {
		v := pairs[i+1].(float64)
		if !(v > 0) || math.IsInf(v, 1) {
			return fmt.Errorf("%s = %v must be a positive number", pairs[i], v)
		}
	}
	return nil
}

// Validate checks every parameter and returns the first problem as one
// sentence that names the parameter and what it accepts.
func (c *Config) Validate() error {
	rv := reflect.ValueOf(c).Elem()
	for i := 0; i < rv.NumField(); i++ {
		if f := rv.Field(i); f.Kind() == reflect.Float64 {
			if v := f.Float(); math.IsNaN(v) || math.IsInf(v, 0) {
				key, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("yaml"), ",")
				return fmt.Errorf("%s = %v must be a finite number", key, v)
			}
		}
	}
	tasks := make([]string, 0, 4)
	for _, t := range Tasks() {
		tasks = append(tasks, string(t))
	}
	if err := oneOf("task", string(c.Task), tasks); err != nil {
		return err
	}
	if c.Trials < 1 {
		return fmt.Errorf("trials = %d must be at least 1", c.Trials)
	}
	if c.RecordEvery < 1 {
		return fmt.Errorf("record_every = %d must be at least 1", c.RecordEvery)
	}
	if err := positive("dt", c.DT, "trial_seconds", c.TrialSeconds, "tau_e", c.TauE,
		"tau_i", c.TauI, "tau_o", c.TauO, "tau_pre", c.TauPre, "tau_c", c.TauC); err != nil {
		return err
	}
	if c.steps(c.TrialSeconds) < 1 {
		return fmt.Errorf("trial_seconds = %v is shorter than one step of dt = %v", c.TrialSeconds, c.DT)
	}
	for _, tau := range []struct {
		name string
		v    float64
	}{{"tau_e", c.TauE}, {"tau_i", c.TauI}, {"tau_o", c.TauO}, {"tau_pre", c.TauPre}, {"tau_c", c.TauC}} {
		if c.DT >= tau.v {
			return fmt.Errorf("dt = %v must be smaller than %s = %v, or forward Euler is unstable",
				c.DT, tau.name, tau.v)
		}
	}
	switch {
	case c.Inputs < 1 || c.Outputs < 1:
		return fmt.Errorf("inputs = %d and outputs = %d must both be at least 1", c.Inputs, c.Outputs)
	case c.K < 1:
		return fmt.Errorf("ensembles = %d must be at least 1", c.K)
	case c.NE < c.K || c.NI < c.K:
		return fmt.Errorf("n_exc = %d and n_inh = %d must each be at least ensembles = %d "+
			"(every ensemble needs E and I neurons)", c.NE, c.NI, c.K)
	case c.Overlap < 0 || c.Overlap >= 100:
		return fmt.Errorf("overlap = %v is outside [0, 100); give a percentage such as 10", c.Overlap)
	case c.MembershipSigma < 0:
		return fmt.Errorf("membership_sigma = %v must not be negative", c.MembershipSigma)
	case !(c.Alpha > 0 && c.Alpha < 1):
		return fmt.Errorf("alpha = %v must lie in (0, 1)", c.Alpha)
	case c.EtaFF < 0 || c.EtaOut < 0 || c.WeightDecay < 0:
		return fmt.Errorf("eta_ff, eta_out and weight_decay must not be negative")
	case c.ClipV < 0:
		return fmt.Errorf("clip_v = %v must not be negative (0 turns clipping off)", c.ClipV)
	case c.Lambda < 0:
		return fmt.Errorf("lambda = %v must not be negative", c.Lambda)
	case c.ActivityStride < 1:
		return fmt.Errorf("activity_stride = %d must be at least 1", c.ActivityStride)
	}
	if err := oneOf("feedback", c.Feedback, FeedbackModes()); err != nil {
		return fmt.Errorf("feedback mode %q is not known; use one of %s",
			c.Feedback, strings.Join(FeedbackModes(), ", "))
	}
	if err := oneOf("controller", c.Controller, Controllers()); err != nil {
		return err
	}
	if err := oneOf("loss", c.Loss, []string{"mse", "sigmoid"}); err != nil {
		return err
	}
	if c.Loss == "sigmoid" && (!(c.LossSteepness > 0) || math.IsInf(c.LossSteepness, 1)) {
		return fmt.Errorf("loss_steepness = %v must be positive for the sigmoid loss", c.LossSteepness)
	}
	if c.NoHidden && c.ReadoutOnly {
		return fmt.Errorf("no_hidden and readout_only are two different controls; set at most one")
	}
	return c.validateTask()
}

// validateTask checks the parameters of the chosen task.
func (c *Config) validateTask() error {
	T := c.TrialSeconds
	switch c.Task {
	case Traj:
		if c.Outputs != 2 {
			return fmt.Errorf("outputs = %d, but the trajectory task draws in 2-D; set outputs to 2", c.Outputs)
		}
	case FearCond:
		if c.Outputs != 1 {
			return fmt.Errorf("outputs = %d, but fear conditioning has one output (freezing); set outputs to 1", c.Outputs)
		}
		if c.CSChannels < 1 || c.CSChannels > c.Inputs-1 {
			return fmt.Errorf("cs_channels = %d must lie in 1..inputs−1 = %d (channel 0 is kept for the US)",
				c.CSChannels, c.Inputs-1)
		}
		if err := positive("cs_seconds", c.CSSeconds, "us_seconds", c.USSeconds,
			"freeze_steepness", c.FreezeSteepness); err != nil {
			return err
		}
		if c.CSSeconds+c.USSeconds > T {
			return fmt.Errorf("cs_seconds + us_seconds = %v exceed trial_seconds = %v", c.CSSeconds+c.USSeconds, T)
		}
		if err := c.validateNoiseKernel(); err != nil {
			return err
		}
	case Motor:
		if c.Outputs != 1 {
			return fmt.Errorf("outputs = %d, but motor learning has one output (the lever command); set outputs to 1", c.Outputs)
		}
		if c.CueSines < 1 {
			return fmt.Errorf("cue_sines = %d must be at least 1", c.CueSines)
		}
		if !(c.CueFreqMin > 0 && c.CueFreqMax >= c.CueFreqMin) {
			return fmt.Errorf("cue_freq_min = %v and cue_freq_max = %v must satisfy 0 < min ≤ max", c.CueFreqMin, c.CueFreqMax)
		}
		if err := positive("press_seconds", c.PressSeconds, "cue_gain", c.CueGain); err != nil {
			return err
		}
		if c.CueTime < 0 || c.CueTime+c.PressSeconds > T {
			return fmt.Errorf("cue_time = %v and press_seconds = %v do not fit in trial_seconds = %v",
				c.CueTime, c.PressSeconds, T)
		}
		if err := c.validateNoiseKernel(); err != nil {
			return err
		}
	case Assembly:
		if c.Outputs != 1 {
			return fmt.Errorf("outputs = %d, but the single-assembly task has one output; set outputs to 1", c.Outputs)
		}
		if c.Patterns < 1 {
			return fmt.Errorf("patterns = %d must be at least 1", c.Patterns)
		}
		if c.TargetPattern < 0 || c.TargetPattern >= c.Patterns {
			return fmt.Errorf("target_pattern = %d must lie in 0..patterns−1 = %d", c.TargetPattern, c.Patterns-1)
		}
		if err := positive("pattern_tau", c.PatternTau, "pattern_filter_tau", c.PatternFilterTau,
			"tiling_width", c.TilingWidth); err != nil {
			return err
		}
		if c.PatternSigma < 0 || c.BaselineScale < 0 {
			return fmt.Errorf("pattern_sigma and baseline_scale must not be negative")
		}
	}
	return nil
}

func (c *Config) validateNoiseKernel() error {
	if err := positive("noise_tau", c.NoiseTau, "kernel_rise", c.KernelRise,
		"kernel_decay", c.KernelDecay, "kernel_seconds", c.KernelSeconds); err != nil {
		return err
	}
	if c.NoiseSigma < 0 {
		return fmt.Errorf("noise_sigma = %v must not be negative", c.NoiseSigma)
	}
	if c.steps(c.KernelSeconds) < 2 {
		return fmt.Errorf("kernel_seconds = %v must span at least two steps of dt", c.KernelSeconds)
	}
	return nil
}
