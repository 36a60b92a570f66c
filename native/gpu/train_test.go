package gpu

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"bcp/core/loss"
	"bcp/core/static"
	"bcp/core/train"
	"bcp/shaders"
)

// learnable returns n inputs whose label is the argmax of three fixed
// projections, so that training lowers the loss.
func learnable(r *rand.Rand, n, in, out int) (x, y []float32) {
	x = make([]float32, n*in)
	y = make([]float32, n*out)
	for s := 0; s < n; s++ {
		best, bv := 0, math.Inf(-1)
		for j := 0; j < in; j++ {
			x[s*in+j] = float32(r.Float64())
		}
		for o := 0; o < out; o++ {
			var v float64
			for j := o; j < in; j += out {
				v += float64(x[s*in+j])
			}
			if v > bv {
				best, bv = o, v
			}
		}
		for o := 0; o < out; o++ {
			y[s*out+o] = 0.01 / float32(out-1)
		}
		y[s*out+best] = 0.99
	}
	return x, y
}

// TestTrainingMatchesCPU trains the same network on the CPU and on the GPU
// (BCP steps with Adam and parameter clipping) and compares the parameters
// after the first step and the open-loop validation loss after every step.
// Adam's first step moves every parameter by lr·g/(|g| + ε) with ε = 1e-8:
// where a direction is float32 noise around zero (|g| ~ 1e-9, a balanced
// local error that cancels) the CPU and the GPU round it to different
// signs and Adam turns that into different moves of up to lr. The test
// therefore compares the parameters whose CPU move is at least 0.9·lr
// (|g| ≥ 1e-7), to 5 % of lr, and logs how many it skipped (directions
// that are exactly zero, from inactive neurons, are skipped too). The loss
// curves agree to 1 % relative.
func TestTrainingMatchesCPU(t *testing.T) {
	cfg := tinyConfig(2, 6)
	cfg.ClipParams = true
	cfg.LR = 0.01
	const in, out, bs, steps = 12, 3, 16, 6
	netC := newTestNet(t, cfg, in, out)
	netG := newTestNet(t, cfg, in, out)
	g := openOrSkip(t, netG)
	c, _ := static.NewCPU(netC)
	mc, mg := train.NewBCP(netC, c), train.NewBCP(netG, g)
	r := rand.New(rand.NewPCG(8, 8))
	xv, yv := learnable(r, 24, in, out)
	l, _ := loss.New(cfg.Loss, cfg.LossShift, cfg.LossSteep)
	valLoss := func(m *train.BCP) float64 {
		yh := make([]float32, len(yv))
		if _, err := m.Predict(xv, 24, yh); err != nil {
			t.Fatal(err)
		}
		var s float64
		for i := 0; i < 24; i++ {
			s += l.Value(yh[i*out:(i+1)*out], yv[i*out:(i+1)*out])
		}
		return s / 24
	}
	var before [][]float32
	for _, p := range netC.Params {
		before = append(before, append([]float32(nil), p...))
	}
	for step := 0; step < steps; step++ {
		x, y := learnable(r, bs, in, out)
		if _, _, _, err := mc.Step(x, y, bs); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := mg.Step(x, y, bs); err != nil {
			t.Fatal(err)
		}
		if step == 0 {
			for i := range netC.Params {
				var worst float64
				skipped := 0
				for j, v := range netC.Params[i] {
					if math.Abs(float64(v-before[i][j])) < 0.9*cfg.LR {
						skipped++
						continue
					}
					worst = math.Max(worst, math.Abs(float64(netG.Params[i][j]-v)))
				}
				t.Logf("after one step, %s differs by at most %.3g·lr (%d of %d parameters skipped)",
					netC.Names[i], worst/cfg.LR, skipped, len(netC.Params[i]))
				if !(worst <= 0.05*cfg.LR) || skipped == len(netC.Params[i]) {
					t.Errorf("after one step, %s differs by %.3g·lr, %d skipped", netC.Names[i],
						worst/cfg.LR, skipped)
				}
			}
		}
		lc, lg := valLoss(mc), valLoss(mg)
		t.Logf("step %d: validation loss CPU %.6f GPU %.6f", step+1, lc, lg)
		if math.Abs(lc-lg) > 0.01*lc {
			t.Errorf("step %d: validation loss %.6f on the GPU, %.6f on the CPU", step+1, lg, lc)
		}
	}
}

// TestOpenLoopState compares the whole open-loop steady state (every E, I
// and readout potential) and the step counts with the emulator.
func TestOpenLoopState(t *testing.T) {
	const in, out, n = 5, 3, 9
	net := newTestNet(t, tinyConfig(2, 6), in, out)
	g := openOrSkip(t, net)
	emu, _ := shaders.NewEmulator(net)
	x, _ := randomBatch(rand.New(rand.NewPCG(2, 3)), n, in, out)
	ye, yg := make([]float32, n*out), make([]float32, n*out)
	se, _ := emu.Predict(x, n, ye)
	sg, err := g.Predict(x, n, yg)
	if err != nil {
		t.Fatal(err)
	}
	checkSteps(t, "open loop vs emulator", sg, se)
	h := &harness{t: t, b: g}
	work := make([]float32, n*g.ly.WS)
	h.read(g.work, work)
	ly := g.ly
	for s := 0; s < n; s++ {
		got := work[s*ly.WS : s*ly.WS+ly.OLLen]
		want := emu.Buffers().Work[s*ly.WS : s*ly.WS+ly.OLLen]
		compare(t, "steady state", got, want, 1e-4, 1e-6)
	}
}

// TestNewDevice checks --device handling: cpu gives the CPU backend, gpu a
// GPU backend (or a clear error without adapters), and auto the CPU when
// only software adapters exist.
func TestNewDevice(t *testing.T) {
	net := newTestNet(t, tinyConfig(1, 4), 5, 3)
	b, info, err := New(net, "cpu")
	if err != nil || !strings.Contains(info, "cpu") {
		t.Fatalf("cpu: %v, %q", err, info)
	}
	b.Close()
	if _, _, err := New(net, "tpu"); err == nil {
		t.Error("unknown device accepted")
	}

	ads := Adapters()
	for _, a := range ads {
		t.Logf("adapter %s, hardware %v", a, a.Hardware)
	}
	b, info, err = New(net, "gpu")
	switch {
	case len(ads) == 0:
		if !errors.Is(err, ErrNoAdapter) {
			t.Errorf("gpu without adapters: %v", err)
		}
	case err != nil:
		t.Errorf("gpu: %v", err)
	default:
		t.Logf("gpu: %s", info)
		if _, ok := b.(*Backend); !ok || !strings.Contains(info, ads[0].Backend) {
			t.Errorf("gpu: %T, %q", b, info)
		}
		b.Close()
	}

	hw := len(ads) > 0 && ads[0].Hardware
	b, info, err = New(net, "auto")
	if err != nil {
		t.Fatalf("auto: %v", err)
	}
	t.Logf("auto: %s", info)
	if _, isGPU := b.(*Backend); isGPU != hw {
		t.Errorf("auto chose %T with hardware adapter %v", b, hw)
	}
	b.Close()
}

// TestStalledDevice checks that a device that does not answer in time
// ends the call with ErrDeviceLost instead of hanging, and that the
// backend refuses further work.
func TestStalledDevice(t *testing.T) {
	net := newTestNet(t, tinyConfig(2, 6), 5, 3)
	g := openOrSkip(t, net)
	x, _ := randomBatch(rand.New(rand.NewPCG(2, 3)), 64, 5, 3)
	y := make([]float32, 64*3)
	g.d.timeout = time.Microsecond
	_, err := g.Predict(x, 64, y)
	if !errors.Is(err, ErrDeviceLost) {
		t.Fatalf("got %v, want ErrDeviceLost", err)
	}
	t.Logf("error: %v", err)
	g.d.timeout = time.Minute
	if _, err := g.Predict(x, 64, y); !errors.Is(err, ErrDeviceLost) {
		t.Errorf("after the loss: %v", err)
	}
}
