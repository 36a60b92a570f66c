package static

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// maxRelDiff returns max|a − b| / max(max|b|, 1e-3).
func maxRelDiff(a, b []float32) float64 {
	var d, m float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i])-float64(b[i])))
		m = math.Max(m, math.Abs(float64(b[i])))
	}
	return d / math.Max(m, 1e-3)
}

func fpConfigs() []Config {
	var out []Config
	base := tiny(2, 6)
	out = append(out, base)
	c := base
	c.Overlap = 20
	out = append(out, c)
	c = tiny(1, 8)
	c.Loss, c.Controller = "mse", "p"
	out = append(out, c)
	c = tiny(3, 5)
	c.Overlap = 10
	c.Loss = "sigmoid"
	out = append(out, c)
	return out
}

// The fixed point equals the ODE's steady state. The ODE runs to its 2 s
// horizon in float32, where it has converged to float32 rounding; states
// agree to 1e-4 of their largest magnitude.
func TestFixedPointMatchesODE(t *testing.T) {
	for ci, cfg := range fpConfigs() {
		t.Run(fmt.Sprintf("%d_%s_L%d_overlap%v", ci, cfg.Loss, cfg.Hidden, cfg.Overlap), func(t *testing.T) {
			cfg.Solver = "fixedpoint"
			net, err := NewNetwork(cfg, 7, 3)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := NewCPU(net)
			r := rand.New(rand.NewPCG(uint64(ci), 21))
			for i := range net.B(0) {
				net.B(0)[i] = float32(0.2 * r.NormFloat64())
			}
			w := newWorker(net, b.loss)
			fb := make([][]float32, cfg.Hidden)
			for l, ly := range net.Layers {
				fb[l] = make([]float32, ly.NI*3)
			}
			for s := 0; s < 6; s++ {
				x, y := randomBatch(r, 1, 7, 3, false)
				if cfg.Loss == "mse" || cfg.Loss == "sigmoid" {
					for i := range y {
						y[i] = float32(r.Float64())
					}
				}
				w.prepare(x)
				w.openLoop(b.integ)
				odeOL := append([]float32(nil), w.y[:w.olLen]...)
				if !w.fp.openLoop(x, w.fpTol()) {
					t.Fatalf("sample %d: open-loop fixed point did not converge", s)
				}
				if d := maxRelDiff(w.y[:w.olLen], odeOL); d > 1e-4 {
					t.Errorf("sample %d: open-loop states differ by %.2g (relative)", s, d)
				}
				w.feedbackWeights(fb)
				ol := append([]float32(nil), w.y[:w.olLen]...)
				w.closedLoop(b.integ, ol, fb, y)
				odeCL := append([]float32(nil), w.y[:w.clLen]...)
				st := w.solveClosed(b.integ, x, ol, fb, y)
				if st.fallback {
					t.Fatalf("sample %d: closed-loop fixed point fell back to the ODE", s)
				}
				if d := maxRelDiff(w.y[:w.clLen], odeCL); d > 1e-4 {
					t.Errorf("sample %d: closed-loop states differ by %.2g (relative)", s, d)
				}
			}
		})
	}
}

// Feedback weights, local errors and update directions derived from the
// fixed points match the ODE path.
func TestFixedPointStepMatchesODE(t *testing.T) {
	for ci, cfg := range fpConfigs() {
		t.Run(fmt.Sprintf("%d", ci), func(t *testing.T) {
			run := func(solver string) ([][]float32, *StepOutput, PassStats) {
				c := cfg
				c.Solver = solver
				net, _ := NewNetwork(c, 7, 3)
				b, _ := NewCPU(net)
				r := rand.New(rand.NewPCG(uint64(ci), 22))
				x, y := randomBatch(r, 12, 7, 3, false)
				g := make([][]float32, len(net.Params))
				for i, p := range net.Params {
					g[i] = make([]float32, len(p))
				}
				out := &StepOutput{YhatOL: make([]float32, 36), YhatCL: make([]float32, 36),
					LocalErr: make([]float64, c.Hidden)}
				if err := b.Step(x, y, 12, g, out); err != nil {
					t.Fatal(err)
				}
				return g, out, out.CL
			}
			gODE, oODE, _ := run("ode")
			gFP, oFP, cl := run("fixedpoint")
			if cl.Fallback > 0 {
				t.Errorf("%d closed-loop solves fell back to the ODE", cl.Fallback)
			}
			for i := range gODE {
				// Directions are differences of nearly balanced currents,
				// so allow 1e-3 relative.
				if d := maxRelDiff(gFP[i], gODE[i]); d > 1e-3 {
					t.Errorf("direction %d differs by %.2g (relative)", i, d)
				}
			}
			if d := maxRelDiff(oFP.YhatCL, oODE.YhatCL); d > 1e-4 {
				t.Errorf("closed-loop outputs differ by %.2g", d)
			}
			for l := range oFP.LocalErr {
				if math.Abs(oFP.LocalErr[l]-oODE.LocalErr[l]) > 1e-3*oODE.LocalErr[l]+1e-7 {
					t.Errorf("layer %d local error RMS %g vs %g", l+1, oFP.LocalErr[l], oODE.LocalErr[l])
				}
			}
		})
	}
}
