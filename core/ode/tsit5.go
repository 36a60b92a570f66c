package ode

import "math"

// Func writes the derivative dy/dt at time t and state y into dy.
// It must not retain y or dy.
type Func func(t float64, y, dy []float32)

// Tsitouras 5(4) tableau: nodes c, stage matrix a (lower triangle, row by
// row), the fifth-order weights (the last stage row, used as the solution)
// and the error weights b̃ = b − b̂.
const (
	c2 = 0.161
	c3 = 0.327
	c4 = 0.9
	c5 = 0.9800255409045097

	a21 = 0.161
	a31 = -0.008480655492356989
	a32 = 0.335480655492357
	a41 = 2.8971530571054935
	a42 = -6.359448489975075
	a43 = 4.3622954328695815
	a51 = 5.325864828439257
	a52 = -11.748883564062828
	a53 = 7.4955393428898365
	a54 = -0.09249506636175525
	a61 = 5.86145544294642
	a62 = -12.92096931784711
	a63 = 8.159367898576159
	a64 = -0.071584973281401
	a65 = -0.028269050394068383
	b1  = 0.09646076681806523
	b2  = 0.01
	b3  = 0.4798896504144996
	b4  = 1.379008574103742
	b5  = -3.290069515436081
	b6  = 2.324710524099774

	e1 = -0.00178001105222577714
	e2 = -0.0008164344596567469
	e3 = 0.007880878010261995
	e4 = -0.1447110071732629
	e5 = 0.5823571654525552
	e6 = -0.45808210592918697
	e7 = 1.0 / 66
)

// errorOrder is the exponent denominator k of the PID controller for Tsit5.
const errorOrder = 5

// safety is the factor 0.9 applied to every proposed step change.
const safety = 0.9

// Tsit5 holds the settings of the adaptive solver. The zero value is not
// usable; start from DefaultTsit5.
type Tsit5 struct {
	Atol, Rtol   float64 // absolute and relative tolerance of the error norm
	P, I, D      float64 // PID coefficients of the step-size controller
	Dt0          float64 // first step (s)
	DtMin, DtMax float64 // step size bounds (s)
	FactorMin    float64 // smallest step factor
	FactorMax    float64 // largest step factor
	T            float64 // horizon (s)
	MaxSteps     int     // attempted steps (accepted and rejected) before giving up
	SteadyTol    float64 // stop when RMS(dy/dt) < SteadyTol; 0 disables the test
}

// DefaultTsit5 returns the settings of the reference: atol 1e-6, rtol 0,
// PID 0.8/0.2/0.1, dt0 1 ms, dt in [0.1 ms, 100 ms], factor in [0.1, 5],
// horizon 2 s, at most 4096 attempted steps, steady state at RMS(dy/dt) < atol.
func DefaultTsit5() Tsit5 {
	return Tsit5{
		Atol: 1e-6, Rtol: 0,
		P: 0.8, I: 0.2, D: 0.1,
		Dt0: 1e-3, DtMin: 1e-4, DtMax: 0.1,
		FactorMin: 0.1, FactorMax: 5,
		T: 2, MaxSteps: 4096,
		SteadyTol: 1e-6,
	}
}

// Stats reports how one solve went.
type Stats struct {
	Accepted int     // accepted steps
	Rejected int     // rejected steps
	Evals    int     // evaluations of the right-hand side
	T        float64 // time reached (s)
	Steady   bool    // stopped because the derivative fell below SteadyTol
	Failed   bool    // stopped at MaxSteps before the horizon or steady state
}

// Workspace holds the stage buffers of one solve so that repeated solves do
// not allocate. It is sized on first use and grows as needed.
type Workspace struct {
	k          [7][]float32
	ytmp, ynew []float32
}

func (w *Workspace) ensure(n int) {
	if len(w.ytmp) >= n {
		return
	}
	for i := range w.k {
		w.k[i] = make([]float32, n)
	}
	w.ytmp = make([]float32, n)
	w.ynew = make([]float32, n)
}

// RMS returns the root mean square of v, accumulated in float64.
func RMS(v []float32) float64 {
	if len(v) == 0 {
		return 0
	}
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s / float64(len(v)))
}

// Solve integrates y from time 0 in place. accepted, if not nil, is called
// after every accepted step with the new state and its derivative (the
// static network's PID controller uses it to remember the previous error).
func (s *Tsit5) Solve(f Func, y []float32, ws *Workspace, accepted func(y, dy []float32)) Stats {
	n := len(y)
	ws.ensure(n)
	k1, k2, k3, k4, k5, k6, k7 := ws.k[0][:n], ws.k[1][:n], ws.k[2][:n], ws.k[3][:n],
		ws.k[4][:n], ws.k[5][:n], ws.k[6][:n]
	ytmp, ynew := ws.ytmp[:n], ws.ynew[:n]

	var st Stats
	t := 0.0
	f(t, y, k1)
	st.Evals = 1
	if s.SteadyTol > 0 && RMS(k1) < s.SteadyTol {
		st.Steady = true
		return st
	}

	dt := math.Min(math.Max(s.Dt0, s.DtMin), s.DtMax)
	prev1, prev2 := 1.0, 1.0 // ε_{n−1}, ε_{n−2}
	beta1 := (s.P + s.I + s.D) / errorOrder
	beta2 := (s.P + 2*s.D) / errorOrder
	beta3 := s.D / errorOrder

	for steps := 0; ; steps++ {
		if t >= s.T {
			return st
		}
		if steps >= s.MaxSteps {
			st.Failed = true
			return st
		}
		h := dt
		atMin := h <= s.DtMin
		if t+h > s.T {
			h = s.T - t
		}
		hf := float32(h)

		for i := range y {
			ytmp[i] = y[i] + hf*float32(a21)*k1[i]
		}
		f(t+c2*h, ytmp, k2)
		for i := range y {
			ytmp[i] = y[i] + hf*(float32(a31)*k1[i]+float32(a32)*k2[i])
		}
		f(t+c3*h, ytmp, k3)
		for i := range y {
			ytmp[i] = y[i] + hf*(float32(a41)*k1[i]+float32(a42)*k2[i]+float32(a43)*k3[i])
		}
		f(t+c4*h, ytmp, k4)
		for i := range y {
			ytmp[i] = y[i] + hf*(float32(a51)*k1[i]+float32(a52)*k2[i]+float32(a53)*k3[i]+
				float32(a54)*k4[i])
		}
		f(t+c5*h, ytmp, k5)
		for i := range y {
			ytmp[i] = y[i] + hf*(float32(a61)*k1[i]+float32(a62)*k2[i]+float32(a63)*k3[i]+
				float32(a64)*k4[i]+float32(a65)*k5[i])
		}
		f(t+h, ytmp, k6)
		for i := range y {
			ynew[i] = y[i] + hf*(float32(b1)*k1[i]+float32(b2)*k2[i]+float32(b3)*k3[i]+
				float32(b4)*k4[i]+float32(b5)*k5[i]+float32(b6)*k6[i])
		}
		f(t+h, ynew, k7)
		st.Evals += 6

		var sum float64
		for i := range y {
			err := h * (e1*float64(k1[i]) + e2*float64(k2[i]) + e3*float64(k3[i]) +
				e4*float64(k4[i]) + e5*float64(k5[i]) + e6*float64(k6[i]) + e7*float64(k7[i]))
			scale := s.Atol + s.Rtol*math.Max(math.Abs(float64(y[i])), math.Abs(float64(ynew[i])))
			r := err / scale
			sum += r * r
		}
		eps := math.Sqrt(sum / float64(n))
		keep := eps <= 1 || atMin

		factor := s.FactorMax
		if eps > 0 {
			factor = safety * math.Pow(eps, -beta1) * math.Pow(prev1, beta2) * math.Pow(prev2, -beta3)
		}
		lo, hi := s.FactorMin, s.FactorMax
		if keep {
			lo = 1
		} else {
			hi = safety
		}
		factor = math.Min(math.Max(factor, lo), hi)
		if math.IsNaN(factor) {
			factor = s.FactorMin
		}
		dt = math.Min(math.Max(h*factor, s.DtMin), s.DtMax)

		if !keep {
			st.Rejected++
			continue
		}
		st.Accepted++
		t += h
		st.T = t
		prev2, prev1 = prev1, math.Max(eps, 1e-12)
		copy(y, ynew)
		copy(k1, k7)
		if accepted != nil {
			accepted(y, k1)
		}
		if s.SteadyTol > 0 && RMS(k1) < s.SteadyTol {
			st.Steady = true
			return st
		}
	}
}

// Scratch returns a buffer of n values that the next Solve with this
// workspace may overwrite; callers use it for one-off derivative evaluations.
func (w *Workspace) Scratch(n int) []float32 {
	w.ensure(n)
	return w.k[0][:n]
}
