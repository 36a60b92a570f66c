package static

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchStep times one BCP training step (open loop, feedback weights,
// closed loop, local errors and batch-mean directions) on a batch of 100
// random inputs in [0, 1] with 784 features, like Fashion-MNIST.
func benchStep(b *testing.B, solver string, hidden, k, nE int) {
	cfg := DefaultConfig()
	cfg.Solver = solver
	cfg.Hidden = hidden
	cfg.Ensembles = []int{k}
	cfg.ExcPerEnsemble = nE
	cfg.Seed = 1
	net, err := NewNetwork(cfg, 784, 10)
	if err != nil {
		b.Fatal(err)
	}
	be, _ := NewCPU(net)
	const n = 100
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*784)
	for i := range x {
		x[i] = float32(r.Float64())
	}
	_, y := randomBatch(r, n, 784, 10, true)
	g := make([][]float32, len(net.Params))
	for i, p := range net.Params {
		g[i] = make([]float32, len(p))
	}
	out := &StepOutput{YhatOL: make([]float32, n*10), YhatCL: make([]float32, n*10)}
	var steps, work, fallbacks float64
	for b.Loop() {
		if err := be.Step(x, y, n, g, out); err != nil {
			b.Fatal(err)
		}
		steps = (out.OL.MeanSteps() + out.CL.MeanSteps()) / 2
		work = (out.OL.MeanWork() + out.CL.MeanWork()) / 2
		fallbacks = float64(out.OL.Fallback + out.CL.Fallback)
	}
	b.ReportMetric(steps, "steps/pass")
	b.ReportMetric(work, "rhs/pass")
	b.ReportMetric(fallbacks, "fallbacks")
}

// BenchmarkStep covers both steady-state solvers on the tiny network of the quick runs (16 ensembles of
// 4 E neurons, 2 hidden layers) and the default layer (128 ensembles of 16 E
// and 4 I neurons: N_E = 2048, N_I = 512) with 1 and 2 hidden layers.
func BenchmarkStep(b *testing.B) {
	for _, solver := range []string{"ode", "fixedpoint"} {
		for _, c := range []struct{ hidden, k, nE int }{{2, 16, 4}, {1, 128, 16}, {2, 128, 16}} {
			b.Run(fmt.Sprintf("%s/L%d_K%d_nE%d", solver, c.hidden, c.k, c.nE), func(b *testing.B) {
				benchStep(b, solver, c.hidden, c.k, c.nE)
			})
		}
	}
}

// BenchmarkPredict times an open-loop pass over a batch of 100.
func BenchmarkPredict(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Seed = 1
	net, _ := NewNetwork(cfg, 784, 10)
	be, _ := NewCPU(net)
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, 100*784)
	for i := range x {
		x[i] = float32(r.Float64())
	}
	yhat := make([]float32, 1000)
	for b.Loop() {
		if _, err := be.Predict(x, 100, yhat); err != nil {
			b.Fatal(err)
		}
	}
}
