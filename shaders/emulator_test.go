package shaders

import (
	"fmt"
	"math"
	"math/rand/v2"
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

// configs are the variants the emulator must reproduce.
func configs() map[string]static.Config {
	out := map[string]static.Config{}
	base := tinyConfig(2, 6)
	out["default-2layers"] = base
	c := tinyConfig(1, 8)
	out["1layer"] = c
	c = base
	c.Controller = "pid"
	c.Kd = 0.05
	out["pid"] = c
	c = base
	c.Controller = "p"
	out["p"] = c
	c = base
	c.Loss = "mse"
	c.Targets = "nudged"
	out["mse-nudged"] = c
	c = base
	c.Loss = "sigmoid"
	c.LocalError = "rate"
	out["sigmoid-rate"] = c
	c = base
	c.FBAverage, c.FBClip, c.NormFB = true, true, true
	c.FBScale = 0.5
	out["fb-shaping"] = c
	c = base
	c.Overlap = 20
	c.Bias = false
	out["overlap-nobias"] = c
	c = base
	c.ActivationE, c.ActivationI = "tanh", "linear"
	out["tanh-linear"] = c
	return out
}

// TestEmulatorMatchesCPU runs the kernels' reference functions, in the
// GPU backend's order, against the CPU backend. Both compute in float32
// but the emulator, like the GPU, keeps times and error norms in float32
// and sums in another order, so step counts may differ by a few percent
// and states by ~1e-5 of their scale.
func TestEmulatorMatchesCPU(t *testing.T) {
	for name, cfg := range configs() {
		t.Run(name, func(t *testing.T) {
			const in, out, n = 5, 3, 6
			net := newTestNet(t, cfg, in, out)
			cpu, err := static.NewCPU(net)
			if err != nil {
				t.Fatal(err)
			}
			emu, err := NewEmulator(net)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			x, y := randomBatch(r, n, in, out)

			yc, ye := make([]float32, n*out), make([]float32, n*out)
			sc, _ := cpu.Predict(x, n, yc)
			se, _ := emu.Predict(x, n, ye)
			if d := maxRelDiff(ye, yc, 1e-3); d > 1e-4 {
				t.Errorf("predict: outputs differ by %.3g (relative)", d)
			}
			checkSteps(t, "predict", se, sc)

			gc, ge := zeros(net), zeros(net)
			oc := &static.StepOutput{YhatOL: make([]float32, n*out), YhatCL: make([]float32, n*out),
				LocalErr: make([]float64, cfg.Hidden)}
			oe := &static.StepOutput{YhatOL: make([]float32, n*out), YhatCL: make([]float32, n*out),
				LocalErr: make([]float64, cfg.Hidden)}
			if err := cpu.Step(x, y, n, gc, oc); err != nil {
				t.Fatal(err)
			}
			if err := emu.Step(x, y, n, ge, oe); err != nil {
				t.Fatal(err)
			}
			for i := range gc {
				if d := maxRelDiff(ge[i], gc[i], 1e-6); d > 1e-3 {
					t.Errorf("step: direction %s differs by %.3g (relative)", net.Names[i], d)
				}
			}
			if d := maxRelDiff(oe.YhatCL, oc.YhatCL, 1e-3); d > 1e-4 {
				t.Errorf("step: closed-loop outputs differ by %.3g", d)
			}
			for l := range oc.LocalErr {
				if d := math.Abs(oe.LocalErr[l]-oc.LocalErr[l]) / (oc.LocalErr[l] + 1e-9); d > 1e-3 {
					t.Errorf("step: RMS local error of layer %d: %g vs %g", l+1, oe.LocalErr[l], oc.LocalErr[l])
				}
			}
			checkSteps(t, "step OL", oe.OL, oc.OL)
			checkSteps(t, "step CL", oe.CL, oc.CL)
		})
	}
}

func zeros(net *static.Network) [][]float32 {
	g := make([][]float32, len(net.Params))
	for i, p := range net.Params {
		g[i] = make([]float32, len(p))
	}
	return g
}

// checkSteps allows step counts within 5 % (plus one step per sample) and
// the same numbers of failures.
func checkSteps(t *testing.T, what string, got, want static.PassStats) {
	t.Helper()
	t.Logf("%s: steps %d (reference %d), rejected %d (%d), steady %d (%d)", what,
		got.Steps, want.Steps, got.Rejected, want.Rejected, got.Steady, want.Steady)
	if math.Abs(float64(got.Steps-want.Steps)) > 0.05*float64(want.Steps)+float64(want.Solves) {
		t.Errorf("%s: %d accepted steps, want %d within 5%%", what, got.Steps, want.Steps)
	}
	if got.Failures != want.Failures || got.Solves != want.Solves {
		t.Errorf("%s: %d failures in %d solves, want %d in %d", what, got.Failures, got.Solves,
			want.Failures, want.Solves)
	}
}

func ExampleGrid() {
	fmt.Println(Grid(100))
	fmt.Println(Grid(200000))
	// Output:
	// 100 1 1
	// 65535 4 1
}
