package gpu

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"bcp/core/static"
	"bcp/core/static/statictest"
)

// The shared test cases of the static backends.
var (
	tinyConfig  = statictest.TinyConfig
	randomBatch = statictest.RandomBatch
	newTestNet  = statictest.NewNet
	maxRelDiff  = statictest.MaxRelDiff
)

// openOrSkip opens the GPU backend for net. Without an adapter the test
// is skipped, unless BCP_REQUIRE_GPU=1 makes that a failure.
func openOrSkip(t testing.TB, net *static.Network) *Backend {
	t.Helper()
	b, err := NewBackend(net, Options{})
	if err != nil {
		if errors.Is(err, ErrNoAdapter) && os.Getenv("BCP_REQUIRE_GPU") != "1" {
			t.Skipf("no WebGPU adapter (set BCP_REQUIRE_GPU=1 to make this a failure): %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	t.Logf("adapter: %s", b.Adapter())
	return b
}

func zeros(net *static.Network) [][]float32 {
	g := make([][]float32, len(net.Params))
	for i, p := range net.Params {
		g[i] = make([]float32, len(p))
	}
	return g
}

// TestPredictMatchesCPU compares an open-loop pass (outputs and step
// counts) with the CPU backend, with fused and with split step dispatches.
func TestPredictMatchesCPU(t *testing.T) {
	for _, split := range []bool{false, true} {
		testPredict(t, split)
	}
}

func testPredict(t *testing.T, split bool) {
	const in, out, n = 5, 3, 7
	net := newTestNet(t, tinyConfig(2, 6), in, out)
	g := openOrSkip(t, net)
	g.split = split
	cpu, _ := static.NewCPU(net)
	x, _ := randomBatch(rand.New(rand.NewPCG(1, 2)), n, in, out)
	yc, yg := make([]float32, n*out), make([]float32, n*out)
	sc, _ := cpu.Predict(x, n, yc)
	sg, err := g.Predict(x, n, yg)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxRelDiff(yg, yc, 1e-3); d > 1e-4 {
		t.Errorf("split %v: outputs differ by %.3g", split, d)
	}
	checkSteps(t, "open loop", sg, sc)
}

// stepConfigs are the variants whose whole BCP step is compared.
func stepConfigs() map[string]static.Config {
	out := map[string]static.Config{}
	base := tinyConfig(2, 6)
	out["default-2layers"] = base
	c := base
	c.Controller = "pid"
	c.Kd = 0.05
	c.Loss = "mse"
	c.Targets = "nudged"
	out["pid-mse-nudged"] = c
	c = base
	c.FBAverage, c.FBClip, c.NormFB = true, true, true
	c.FBScale = 0.5
	c.LocalError = "rate"
	out["fb-shaping-rate"] = c
	c = base
	c.Overlap = 20
	c.Bias = false
	c.Controller = "p"
	out["overlap-nobias-p"] = c
	return out
}

// TestStepMatchesCPU compares a whole BCP step (parameters after an Adam
// update, outputs, local errors, step counts) with the CPU backend.
// Tolerances: float32 sums in another order and float32 error norms move
// the adaptive steps slightly, so states agree to ~1e-5 of their scale;
// directions, differences of nearly balanced currents, to 1e-3 relative.
func TestStepMatchesCPU(t *testing.T) {
	for name, cfg := range stepConfigs() {
		t.Run(name, func(t *testing.T) {
			const in, out, n = 5, 3, 6
			net := newTestNet(t, cfg, in, out)
			g := openOrSkip(t, net)
			cpu, _ := static.NewCPU(net)
			x, y := randomBatch(rand.New(rand.NewPCG(1, 2)), n, in, out)
			newOut := func() *static.StepOutput {
				return &static.StepOutput{YhatOL: make([]float32, n*out), YhatCL: make([]float32, n*out),
					LocalErr: make([]float64, cfg.Hidden)}
			}
			gc, gg := zeros(net), zeros(net)
			oc, og := newOut(), newOut()
			if err := cpu.Step(x, y, n, gc, oc); err != nil {
				t.Fatal(err)
			}
			if err := g.Step(x, y, n, gg, og); err != nil {
				t.Fatal(err)
			}
			for i := range gc {
				if d := maxRelDiff(gg[i], gc[i], 1e-6); d > 1e-3 {
					t.Errorf("direction %s differs by %.3g (relative)", net.Names[i], d)
				}
			}
			if d := maxRelDiff(og.YhatOL, oc.YhatOL, 1e-3); d > 1e-4 {
				t.Errorf("open-loop outputs differ by %.3g", d)
			}
			if d := maxRelDiff(og.YhatCL, oc.YhatCL, 1e-3); d > 1e-4 {
				t.Errorf("closed-loop outputs differ by %.3g", d)
			}
			for l := range oc.LocalErr {
				if d := math.Abs(og.LocalErr[l]-oc.LocalErr[l]) / (oc.LocalErr[l] + 1e-9); d > 1e-3 {
					t.Errorf("RMS local error of layer %d: %g, CPU %g", l+1, og.LocalErr[l], oc.LocalErr[l])
				}
			}
			checkSteps(t, "open loop", og.OL, oc.OL)
			checkSteps(t, "closed loop", og.CL, oc.CL)
		})
	}
}

// checkSteps allows step counts within 5 % (plus one per sample) and the
// same numbers of solves and failures.
func checkSteps(t *testing.T, what string, got, want static.PassStats) {
	t.Helper()
	t.Logf("%s: steps %d (CPU %d), rejected %d (%d), work %d (%d)", what,
		got.Steps, want.Steps, got.Rejected, want.Rejected, got.Work, want.Work)
	if math.Abs(float64(got.Steps-want.Steps)) > 0.05*float64(want.Steps)+float64(want.Solves) {
		t.Errorf("%s: %d accepted steps, want %d within 5%%", what, got.Steps, want.Steps)
	}
	if got.Failures != want.Failures || got.Solves != want.Solves {
		t.Errorf("%s: %d failures in %d solves, want %d in %d", what, got.Failures, got.Solves,
			want.Failures, want.Solves)
	}
}
