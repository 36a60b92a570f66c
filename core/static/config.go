package static

import (
	"fmt"
	"math"
	"strings"
)

// Config holds every parameter of the static network, its solver and its
// training, with the defaults of DefaultConfig. Field tags give the keys of
// the configuration file.
type Config struct {
	// Architecture.
	Hidden          int     `yaml:"hidden"`           // hidden E/I layers L
	Ensembles       []int   `yaml:"ensembles"`        // K per layer; one value applies to all
	ExcPerEnsemble  int     `yaml:"exc_per_ensemble"` // n_E
	EIRatio         int     `yaml:"ei_ratio"`         // r = N_E/N_I
	Overlap         float64 `yaml:"overlap"`          // overlap percentage P in [0, 100)
	Binary          bool    `yaml:"binary_memberships"`
	Normalise       bool    `yaml:"normalise_memberships"`
	MembershipSigma float64 `yaml:"membership_sigma"` // σ of the log-normal factors
	Alpha           float64 `yaml:"alpha"`            // balance fraction α
	TauE            float64 `yaml:"tau_e"`            // s
	TauI            float64 `yaml:"tau_i"`            // s
	ActivationE     string  `yaml:"activation_e"`     // relu, linear or tanh
	ActivationI     string  `yaml:"activation_i"`
	Bias            bool    `yaml:"bias"` // feed-forward biases b_l

	// Loss and controller.
	Loss       string  `yaml:"loss"`       // mse, softmax or sigmoid
	LossShift  float64 `yaml:"loss_shift"` // sigmoid shift s
	LossSteep  float64 `yaml:"loss_steepness"`
	Controller string  `yaml:"controller"` // p, leaky-pi or pid
	Kp         float64 `yaml:"kp"`
	Ki         float64 `yaml:"ki"`
	Kd         float64 `yaml:"kd"`
	Lambda     float64 `yaml:"lambda"` // leak λ of the integral term
	TauC       float64 `yaml:"tau_c"`  // s

	// Feedback weights and targets.
	FBAverage    bool    `yaml:"fb_average"`      // average B_l over the batch
	FBClip       bool    `yaml:"fb_clip"`         // clip B_l to ±FBScale
	NormFB       bool    `yaml:"norm_fb_weights"` // scale each sample's B_l to Frobenius norm FBScale
	FBScale      float64 `yaml:"fb_scale"`        // v
	Targets      string  `yaml:"targets"`         // strong or nudged
	NudgeBeta    float64 `yaml:"nudge_beta"`      // β of nudged targets
	LocalError   string  `yaml:"local_error"`     // feedforward (− relu(α I_XE)) or rate (− β_r φ_E(u_E))
	ClipParams   bool    `yaml:"clip_params"`     // clip parameters to [−1, 1] after each update
	ParamClipMax float64 `yaml:"param_clip"`      // the bound of ClipParams (1)

	// Solver.
	Solver     string  `yaml:"solver"`     // ode (integrate to steady state) or fixedpoint (Newton)
	Integrator string  `yaml:"integrator"` // tsit5 or euler, for the ode solver and fallbacks
	Atol       float64 `yaml:"atol"`
	Rtol       float64 `yaml:"rtol"`
	PIDP       float64 `yaml:"pid_p"`
	PIDI       float64 `yaml:"pid_i"`
	PIDD       float64 `yaml:"pid_d"`
	Dt0        float64 `yaml:"dt0"`    // s
	DtMin      float64 `yaml:"dt_min"` // s
	DtMax      float64 `yaml:"dt_max"` // s
	FactorMin  float64 `yaml:"factor_min"`
	FactorMax  float64 `yaml:"factor_max"`
	Horizon    float64 `yaml:"horizon"`   // T (s)
	MaxSteps   int     `yaml:"max_steps"` // attempted steps per solve
	EulerDt    float64 `yaml:"euler_dt"`  // s

	// Training.
	Trainer    string  `yaml:"trainer"` // bcp or bp
	Epochs     int     `yaml:"epochs"`
	Batch      int     `yaml:"batch"`
	LR         float64 `yaml:"lr"`
	AdamBeta1  float64 `yaml:"adam_beta1"`
	AdamBeta2  float64 `yaml:"adam_beta2"`
	AdamEps    float64 `yaml:"adam_eps"`
	OLFraction float64 `yaml:"ol_fraction"` // share of training batches evaluated open loop per epoch
	Seed       uint64  `yaml:"seed"`
}

// DefaultConfig returns the published defaults for Fashion-MNIST: one hidden
// layer of K = 128 ensembles with n_E = 16, r = 4, α = 0.5, τ_E = 30 ms,
// τ_I = 10 ms, non-binary normalised memberships without overlap, softmax
// cross-entropy, a leaky PI controller (k_p = 0.2, k_i = 0.4, λ = 1,
// τ_c = 100 ms), strong feedback, steady states by the fixed-point solver
// (Tsit5 with atol 1e-6 over 2 s with solver "ode"), Adam with lr 1e-3 on
// batches of 100 for 50 epochs.
func DefaultConfig() Config {
	return Config{
		Hidden: 1, Ensembles: []int{128}, ExcPerEnsemble: 16, EIRatio: 4,
		Normalise: true, MembershipSigma: 0.5, Alpha: 0.5, TauE: 0.03, TauI: 0.01,
		ActivationE: "relu", ActivationI: "relu", Bias: true,

		Loss: "softmax", LossShift: 0.6, LossSteep: 4,
		Controller: "leaky-pi", Kp: 0.2, Ki: 0.4, Lambda: 1, TauC: 0.1,

		FBScale: 1, Targets: "strong", NudgeBeta: 0.015, LocalError: "feedforward",
		ParamClipMax: 1,

		Solver: "fixedpoint", Integrator: "tsit5", Atol: 1e-6, PIDP: 0.8, PIDI: 0.2, PIDD: 0.1,
		Dt0: 1e-3, DtMin: 1e-4, DtMax: 0.1, FactorMin: 0.1, FactorMax: 5,
		Horizon: 2, MaxSteps: 4096, EulerDt: 1e-3,

		Trainer: "bcp", Epochs: 50, Batch: 100, LR: 1e-3,
		AdamBeta1: 0.9, AdamBeta2: 0.999, AdamEps: 1e-8, OLFraction: 0.1, Seed: 0,
	}
}

// MaxNeurons bounds the E neurons of one layer: the balance construction
// works on dense N_E×N_I matrices.
const MaxNeurons = 32768

// LayerEnsembles returns K for each of the Hidden layers, broadcasting a
// single value.
func (c *Config) LayerEnsembles() []int {
	out := make([]int, c.Hidden)
	for l := range out {
		if len(c.Ensembles) == 1 {
			out[l] = c.Ensembles[0]
		} else {
			out[l] = c.Ensembles[l]
		}
	}
	return out
}

func oneOf(name, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%s %q is not known; use one of %s", name, v, strings.Join(allowed, ", "))
}

// Validate checks every parameter and returns the first problem as one
// sentence that names the parameter and the accepted values.
func (c *Config) Validate() error {
	switch {
	case c.Hidden < 1:
		return fmt.Errorf("hidden = %d, but the network needs at least 1 hidden layer; set hidden to 1 or more", c.Hidden)
	case len(c.Ensembles) != 1 && len(c.Ensembles) != c.Hidden:
		return fmt.Errorf("ensembles has %d values for %d hidden layers; give one value or one per layer", len(c.Ensembles), c.Hidden)
	case c.ExcPerEnsemble < 1:
		return fmt.Errorf("exc_per_ensemble = %d must be at least 1", c.ExcPerEnsemble)
	case c.EIRatio < 1:
		return fmt.Errorf("ei_ratio = %d must be at least 1", c.EIRatio)
	case !(c.Overlap >= 0 && c.Overlap < 100):
		return fmt.Errorf("overlap = %v is outside [0, 100); give a percentage such as 10", c.Overlap)
	case !(c.Alpha > 0 && c.Alpha < 1):
		return fmt.Errorf("alpha = %v must lie in (0, 1)", c.Alpha)
	case !(c.TauE > 0 && c.TauI > 0 && c.TauC > 0 && c.Lambda > 0):
		return fmt.Errorf("time constants tau_e, tau_i, tau_c (seconds) and the leak lambda must be positive")
	case c.Epochs < 1:
		return fmt.Errorf("epochs = %d must be at least 1", c.Epochs)
	case c.Batch < 1:
		return fmt.Errorf("batch = %d must be at least 1", c.Batch)
	case !(c.LR > 0 && c.LR < math.Inf(1)):
		return fmt.Errorf("lr = %v must be a positive number", c.LR)
	case !(c.OLFraction >= 0 && c.OLFraction <= 1):
		return fmt.Errorf("ol_fraction = %v must lie in [0, 1]", c.OLFraction)
	case !(c.Horizon > 0) || c.MaxSteps < 1:
		return fmt.Errorf("horizon and max_steps must be positive")
	case !(c.DtMin > 0 && c.DtMax >= c.DtMin && c.Dt0 > 0 && c.EulerDt > 0):
		return fmt.Errorf("step sizes must satisfy 0 < dt_min ≤ dt_max and dt0, euler_dt > 0")
	case !(c.Atol > 0 && c.Rtol >= 0):
		return fmt.Errorf("atol must be positive and rtol non-negative")
	case !(c.FactorMin > 0 && c.FactorMin <= 1 && c.FactorMax >= 1):
		return fmt.Errorf("factor_min must lie in (0, 1] and factor_max be at least 1")
	}
	for l, k := range c.Ensembles {
		if k < 1 {
			return fmt.Errorf("ensembles[%d] = %d must be at least 1", l, k)
		}
		if k*c.ExcPerEnsemble > MaxNeurons {
			return fmt.Errorf("layer %d would have %d E neurons; the balance construction supports at most %d "+
				"per layer: lower ensembles or exc_per_ensemble", l+1, k*c.ExcPerEnsemble, MaxNeurons)
		}
		if k*c.ExcPerEnsemble < c.EIRatio || (k*c.ExcPerEnsemble)/c.EIRatio < k {
			return fmt.Errorf("layer %d has %d E neurons, too few for %d ensembles with E:I ratio %d; "+
				"raise exc_per_ensemble or lower ei_ratio", l+1, k*c.ExcPerEnsemble, k, c.EIRatio)
		}
	}
	for name, v := range map[string]float64{"kp": c.Kp, "ki": c.Ki, "kd": c.Kd, "fb_scale": c.FBScale,
		"nudge_beta": c.NudgeBeta, "param_clip": c.ParamClipMax, "membership_sigma": c.MembershipSigma,
		"loss_shift": c.LossShift, "loss_steepness": c.LossSteep, "adam_beta1": c.AdamBeta1,
		"adam_beta2": c.AdamBeta2, "adam_eps": c.AdamEps} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s = %v must be a finite number", name, v)
		}
	}
	checks := []error{
		oneOf("trainer", c.Trainer, "bcp", "bp"),
		oneOf("loss", c.Loss, "mse", "softmax", "sigmoid"),
		oneOf("controller", c.Controller, "p", "leaky-pi", "pid"),
		oneOf("activation_e", c.ActivationE, "relu", "linear", "tanh"),
		oneOf("activation_i", c.ActivationI, "relu", "linear", "tanh"),
		oneOf("targets", c.Targets, "strong", "nudged"),
		oneOf("local_error", c.LocalError, "feedforward", "rate"),
		oneOf("solver", c.Solver, "ode", "fixedpoint"),
		oneOf("integrator", c.Integrator, "tsit5", "euler"),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}
