package ode

import (
	"math"
	"math/rand/v2"
	"testing"
)

// linear returns dy/dt = A y − ... for a random stable 4×4 system with a
// forcing term, whose exact solution is y(t) = y* + expm(At)(y0 − y*).
// A is diagonalisable by construction: A = Q Λ Q⁻¹ with Q orthogonal.
type linearSystem struct {
	q      [4][4]float64 // orthogonal
	lambda [4]float64    // negative eigenvalues (1/s)
	ystar  [4]float64
}

func newLinear(r *rand.Rand) *linearSystem {
	var s linearSystem
	// Gram–Schmidt on a random matrix gives an orthogonal Q.
	for i := 0; i < 4; i++ {
		var v [4]float64
		for j := range v {
			v[j] = r.NormFloat64()
		}
		for k := 0; k < i; k++ {
			var d float64
			for j := range v {
				d += v[j] * s.q[k][j]
			}
			for j := range v {
				v[j] -= d * s.q[k][j]
			}
		}
		var nrm float64
		for j := range v {
			nrm += v[j] * v[j]
		}
		nrm = math.Sqrt(nrm)
		for j := range v {
			s.q[i][j] = v[j] / nrm
		}
		s.lambda[i] = -(5 + 45*r.Float64()) // time constants 20–200 ms
		s.ystar[i] = r.NormFloat64()
	}
	return &s
}

// a returns entry (i,j) of A = Qᵀ diag(λ) Q (rows of q are eigenvectors).
func (s *linearSystem) a(i, j int) float64 {
	var v float64
	for k := 0; k < 4; k++ {
		v += s.q[k][i] * s.lambda[k] * s.q[k][j]
	}
	return v
}

func (s *linearSystem) f(_ float64, y, dy []float32) {
	for i := 0; i < 4; i++ {
		var v float64
		for j := 0; j < 4; j++ {
			v += s.a(i, j) * (float64(y[j]) - s.ystar[j])
		}
		dy[i] = float32(v)
	}
}

func (s *linearSystem) exact(t float64, y0 []float32) []float64 {
	out := make([]float64, 4)
	for k := 0; k < 4; k++ {
		var c float64
		for j := 0; j < 4; j++ {
			c += s.q[k][j] * (float64(y0[j]) - s.ystar[j])
		}
		c *= math.Exp(s.lambda[k] * t)
		for i := 0; i < 4; i++ {
			out[i] += s.q[k][i] * c
		}
	}
	for i := range out {
		out[i] += s.ystar[i]
	}
	return out
}

func TestTsit5Linear(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 5; trial++ {
		sys := newLinear(r)
		y0 := []float32{float32(r.NormFloat64()), float32(r.NormFloat64()),
			float32(r.NormFloat64()), float32(r.NormFloat64())}
		y := append([]float32(nil), y0...)
		s := DefaultTsit5()
		s.T = 0.3 // stop before steady state, mid-transient
		s.SteadyTol = 0
		var ws Workspace
		st := s.Solve(sys.f, y, &ws, nil)
		if st.Failed || math.Abs(st.T-0.3) > 1e-12 {
			t.Fatalf("trial %d: solve ended at t=%v failed=%v", trial, st.T, st.Failed)
		}
		want := sys.exact(0.3, y0)
		// atol 1e-6 per step with ~100 steps bounds the global error near
		// 1e-5; float32 rounding adds about 1e-6. Allow 5e-5.
		for i := range want {
			if d := math.Abs(float64(y[i]) - want[i]); d > 5e-5 {
				t.Errorf("trial %d: y[%d] = %v, want %v (|diff| %g > 5e-5)", trial, i, y[i], want[i], d)
			}
		}
		if st.Accepted < 5 || st.Accepted > 400 {
			t.Errorf("trial %d: %d accepted steps, expected an adaptive count between 5 and 400", trial, st.Accepted)
		}
	}
}

func TestTsit5Order(t *testing.T) {
	// With a fixed step (factor range pinned to 1, tolerance huge), halving
	// the step must shrink the error by about 2^5 = 32 for a fifth-order method.
	// A non-autonomous problem whose error constant does not vanish:
	// dy/dt = cos(t)·y, y(0) = 1, so y(t) = exp(sin t).
	f := func(t float64, y, dy []float32) { dy[0] = float32(math.Cos(t)) * y[0] }
	errAt := func(h float64) float64 {
		s := Tsit5{Atol: 1e9, P: 0, I: 0, D: 0, Dt0: h, DtMin: h, DtMax: h,
			FactorMin: 1, FactorMax: 1, T: 2, MaxSteps: 1 << 20}
		y := []float32{1}
		var ws Workspace
		s.Solve(f, y, &ws, nil)
		return math.Abs(float64(y[0]) - math.Exp(math.Sin(2)))
	}
	e1, e2 := errAt(0.5), errAt(0.25)
	ratio := e1 / e2
	t.Logf("error ratio %.1f (errors %g, %g)", ratio, e1, e2)
	if ratio < 16 || ratio > 64 {
		t.Errorf("error ratio for halved step = %.1f (errors %g, %g), want about 32 (16–64: order between 4 and 6, float32 limits the asymptotics)", ratio, e1, e2)
	}
}

func TestTsit5SteadyState(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	sys := newLinear(r)
	y := []float32{0, 0, 0, 0}
	s := DefaultTsit5()
	s.SteadyTol = 1e-4
	var ws Workspace
	calls := 0
	st := s.Solve(sys.f, y, &ws, func(_, _ []float32) { calls++ })
	if !st.Steady || st.T >= s.T {
		t.Fatalf("expected steady state before T, got %+v", st)
	}
	if calls != st.Accepted {
		t.Errorf("callback ran %d times for %d accepted steps", calls, st.Accepted)
	}
	dy := make([]float32, 4)
	sys.f(0, y, dy)
	if RMS(dy) >= 1e-4 {
		t.Errorf("RMS derivative at stop = %g, want < 1e-4", RMS(dy))
	}
	for i := range y {
		if d := math.Abs(float64(y[i]) - sys.ystar[i]); d > 1e-4 {
			t.Errorf("steady y[%d] = %v, want %v", i, y[i], sys.ystar[i])
		}
	}
}

func TestTsit5MaxSteps(t *testing.T) {
	f := func(_ float64, y, dy []float32) { dy[0] = -1000 * (y[0] - 1) }
	s := DefaultTsit5()
	s.MaxSteps = 3
	s.SteadyTol = 0
	y := []float32{0}
	var ws Workspace
	st := s.Solve(f, y, &ws, nil)
	if !st.Failed {
		t.Fatalf("expected failure at the step limit, got %+v", st)
	}
}

func TestEulerLinear(t *testing.T) {
	// y' = −y/τ with Euler: y_n = (1 − dt/τ)^n exactly (up to float32).
	tau := 0.03
	f := func(_ float64, y, dy []float32) { dy[0] = float32(-float64(y[0]) / tau) }
	s := Euler{Dt: 1e-3, T: 0.1}
	y := []float32{1}
	var ws Workspace
	st := s.Solve(f, y, &ws, nil)
	want := math.Pow(1-1e-3/tau, 100)
	if st.Accepted != 100 || math.Abs(float64(y[0])-want) > 1e-5 {
		t.Errorf("Euler: %d steps, y = %v, want 100 steps and %v", st.Accepted, y[0], want)
	}
}

func BenchmarkTsit5Linear(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	sys := newLinear(r)
	s := DefaultTsit5()
	var ws Workspace
	y := make([]float32, 4)
	for b.Loop() {
		clear(y)
		s.Solve(sys.f, y, &ws, nil)
	}
}
