package static

import (
	"math"
	"math/rand/v2"
	"testing"

	"bcp/core/optim"
)

// tiny returns a small configuration: K ensembles of 4 E and 2 I neurons.
func tiny(hidden, k int) Config {
	c := DefaultConfig()
	c.Hidden = hidden
	c.Ensembles = []int{k}
	c.ExcPerEnsemble = 4
	c.EIRatio = 2
	c.Seed = 3
	return c
}

func randomBatch(r *rand.Rand, n, in, out int, positive bool) (x, y []float32) {
	x = make([]float32, n*in)
	for i := range x {
		if positive {
			x[i] = float32(0.1 + r.Float64())
		} else {
			x[i] = float32(r.NormFloat64())
		}
	}
	y = make([]float32, n*out)
	for s := 0; s < n; s++ {
		c := r.IntN(out)
		for j := 0; j < out; j++ {
			y[s*out+j] = 0.01 / float32(out-1)
		}
		y[s*out+c] = 0.99
	}
	return x, y
}

func TestOpenLoopBalance(t *testing.T) {
	cfg := tiny(1, 6)
	net, err := NewNetwork(cfg, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	// Positive inputs and weights make every neuron active.
	r := rand.New(rand.NewPCG(1, 1))
	for i := range net.W(0) {
		net.W(0)[i] = float32(0.2 + 0.5*r.Float64())
	}
	x, _ := randomBatch(r, 1, 5, 3, true)
	w := newWorker(net, nil)
	b, _ := NewCPU(net)
	w.prepare(x)
	// In float32 the derivative rarely drops below 1e-6, so the solve may
	// run to the 2 s horizon, some 70 time constants.
	if st := w.openLoop(b.integ); st.Failed {
		t.Fatalf("open loop failed: %+v", st)
	}
	w.rhs(0, w.y[:w.olLen], make([]float32, w.olLen))
	lb := w.lyr[0]
	for i := range lb.inh {
		if lb.rE[i] <= 0 {
			t.Fatalf("E neuron %d inactive", i)
		}
		want := cfg.Alpha * float64(lb.ixe[i])
		// Steady state to RMS(du/dt) < 1e-6 leaves state errors near τ·1e-6;
		// float32 rounding adds ~1e-7 relative. Allow 1e-5 relative.
		if d := math.Abs(float64(lb.inh[i]) - want); d > 1e-5*math.Abs(want)+1e-6 {
			t.Errorf("neuron %d: inhibition %v, α·I_XE = %v", i, lb.inh[i], want)
		}
	}
}

// standIn computes the feed-forward stand-in ŷ = W_o h_L with
// h_m = M_Eᵀ φ_E(M_E a_m), a_m = W_m h_{m−1} + b_m, starting from h_l at
// layer l (0-based; h is the output of layer l), in float64.
func standIn(net *Network, l int, h []float64) []float64 {
	for m := l + 1; m < len(net.Layers); m++ {
		ly := net.Layers[m]
		W := net.W(m)
		a := make([]float64, ly.K)
		for k := range a {
			for j, v := range h {
				a[k] += float64(W[k*len(h)+j]) * v
			}
			if b := net.B(m); b != nil {
				a[k] += float64(b[k])
			}
		}
		hn := make([]float64, ly.K)
		for i := 0; i < ly.NE; i++ {
			var u float64
			for e := ly.ME.Ptr[i]; e < ly.ME.Ptr[i+1]; e++ {
				u += float64(ly.ME.Val[e]) * a[ly.ME.Col[e]]
			}
			u = math.Max(u, 0)
			for e := ly.ME.Ptr[i]; e < ly.ME.Ptr[i+1]; e++ {
				hn[ly.ME.Col[e]] += float64(ly.ME.Val[e]) * u
			}
		}
		h = hn
	}
	kL := len(h)
	out := make([]float64, net.Out)
	for o := range out {
		for k, v := range h {
			out[o] += float64(net.Wo()[o*kL+k]) * v
		}
	}
	return out
}

func TestFeedbackWeightsJacobian(t *testing.T) {
	// Without biases the stand-in is positively homogeneous, so its ReLU
	// pattern matches the E/I network's at the open-loop steady state.
	cfg := tiny(3, 5)
	cfg.Bias = false
	cfg.Overlap = 20
	net, err := NewNetwork(cfg, 6, 4)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 2))
	x, _ := randomBatch(r, 1, 6, 4, false)
	b, _ := NewCPU(net)
	w := newWorker(net, nil)
	w.prepare(x)
	w.openLoop(b.integ)
	fb := make([][]float32, 3)
	for l, ly := range net.Layers {
		fb[l] = make([]float32, ly.NI*4)
	}
	w.feedbackWeights(fb)
	w.rhs(0, w.y[:w.olLen], make([]float32, w.olLen))

	for l, ly := range net.Layers {
		h := make([]float64, ly.K)
		for k := range h {
			h[k] = float64(w.lyr[l].h[k])
		}
		// Central differences of the stand-in; it is piecewise linear, so
		// the step only needs to stay inside one linear piece.
		const step = 1e-6
		jac := make([]float64, 4*ly.K)
		for k := range h {
			v := h[k]
			h[k] = v + step
			p := standIn(net, l, h)
			h[k] = v - step
			m := standIn(net, l, h)
			h[k] = v
			for o := 0; o < 4; o++ {
				jac[o*ly.K+k] = (p[o] - m[o]) / (2 * step)
			}
		}
		uI := w.y[w.offI[l] : w.offI[l]+ly.NI]
		for i := 0; i < ly.NI; i++ {
			for o := 0; o < 4; o++ {
				var want float64
				if uI[i] > 0 {
					for e := ly.MI.Ptr[i]; e < ly.MI.Ptr[i+1]; e++ {
						want += float64(ly.MI.Val[e]) * jac[o*ly.K+int(ly.MI.Col[e])]
					}
				}
				got := float64(fb[l][i*4+o])
				if math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
					t.Errorf("layer %d: B[%d,%d] = %v, finite-difference %v", l+1, i, o, got, want)
				}
			}
		}
	}
}

func TestShortTrainingLowersLoss(t *testing.T) {
	cfg := tiny(2, 8)
	net, err := NewNetwork(cfg, 10, 3)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewCPU(net)
	r := rand.New(rand.NewPCG(4, 4))
	// A separable problem: the class is the argmax of three input features.
	n := 60
	x, y := randomBatch(r, n, 10, 3, false)
	for s := 0; s < n; s++ {
		c := 0
		for j := 1; j < 3; j++ {
			if x[s*10+j] > x[s*10+c] {
				c = j
			}
		}
		for j := 0; j < 3; j++ {
			y[s*3+j] = 0.005
		}
		y[s*3+c] = 0.99
	}
	meanLoss := func() float64 {
		yhat := make([]float32, n*3)
		if _, err := b.Predict(x, n, yhat); err != nil {
			t.Fatal(err)
		}
		var s float64
		for i := 0; i < n; i++ {
			s += b.loss.Value(yhat[i*3:(i+1)*3], y[i*3:(i+1)*3])
		}
		return s / float64(n)
	}
	before := meanLoss()
	adam := optim.NewAdam(1e-2, optim.Sizes(net.Params))
	g := make([][]float32, len(net.Params))
	for i, p := range net.Params {
		g[i] = make([]float32, len(p))
	}
	out := &StepOutput{YhatOL: make([]float32, n*3), YhatCL: make([]float32, n*3)}
	for it := 0; it < 30; it++ {
		if err := b.Step(x, y, n, g, out); err != nil {
			t.Fatal(err)
		}
		adam.Update(net.Params, g)
	}
	after := meanLoss()
	t.Logf("loss %.4f → %.4f", before, after)
	if after > 0.8*before {
		t.Errorf("30 BCP steps lowered the loss only from %.4f to %.4f (want < 80%%)", before, after)
	}
}

func TestStepDeterministic(t *testing.T) {
	run := func() [][]float32 {
		cfg := tiny(2, 6)
		net, _ := NewNetwork(cfg, 7, 3)
		b, _ := NewCPU(net)
		r := rand.New(rand.NewPCG(5, 5))
		x, y := randomBatch(r, 9, 7, 3, false)
		g := make([][]float32, len(net.Params))
		for i, p := range net.Params {
			g[i] = make([]float32, len(p))
		}
		out := &StepOutput{YhatOL: make([]float32, 27), YhatCL: make([]float32, 27)}
		if err := b.Step(x, y, 9, g, out); err != nil {
			t.Fatal(err)
		}
		return g
	}
	a, c := run(), run()
	for i := range a {
		for j := range a[i] {
			if a[i][j] != c[i][j] {
				t.Fatalf("direction %d[%d] differs between runs: %v vs %v", i, j, a[i][j], c[i][j])
			}
		}
	}
}
