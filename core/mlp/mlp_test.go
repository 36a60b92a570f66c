package mlp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"bcp/core/loss"
	"bcp/core/optim"
)

// withParallel runs f with the given GOMAXPROCS and parallel threshold and
// restores both afterwards.
func withParallel(procs, threshold int, f func()) {
	old := runtime.GOMAXPROCS(procs)
	oldT := minParallelWork
	minParallelWork = threshold
	defer func() {
		runtime.GOMAXPROCS(old)
		minParallelWork = oldT
	}()
	f()
}

// modes are the ways of running a call: on one goroutine, and shared among
// several goroutines even for tiny networks.
var modes = []struct {
	name             string
	procs, threshold int
}{
	{"serial", 1, math.MaxInt},
	{"parallel", 3, 0},
}

// randomData returns n samples for m: inputs in ±(0.1 … 1) and targets with
// positive entries summing to 1 (soft labels).
func randomData(r *rand.Rand, m *MLP, n int) (x, y []float32) {
	in, out := m.Dims[0], m.Dims[len(m.Dims)-1]
	x = make([]float32, n*in)
	for i := range x {
		x[i] = float32(0.1 + 0.9*r.Float64())
		if r.IntN(2) == 0 {
			x[i] = -x[i]
		}
	}
	y = make([]float32, n*out)
	for s := range n {
		var sum float32
		for k := range out {
			y[s*out+k] = float32(0.05 + r.Float64())
			sum += y[s*out+k]
		}
		for k := range out {
			y[s*out+k] /= sum
		}
	}
	return x, y
}

// reference computes ŷ for one input in float64, straight from the
// definition, as an independent check of the forward pass.
func reference(m *MLP, x []float32) []float64 {
	h := make([]float64, len(x))
	for j, v := range x {
		h[j] = float64(v)
	}
	for l, w := range m.W {
		in, out := m.Dims[l], m.Dims[l+1]
		a := make([]float64, out)
		for r := range out {
			for j := range in {
				a[r] += float64(w[r*in+j]) * h[j]
			}
			if l < len(m.B) {
				a[r] = math.Max(a[r]+float64(m.B[l][r]), 0)
			}
		}
		h = a
	}
	return h
}

// pattern returns which hidden units are active for each of n inputs.
func pattern(m *MLP, x []float32, n int) []bool {
	var p []bool
	for s := range n {
		in := m.Dims[0]
		h := make([]float64, in)
		for j := range in {
			h[j] = float64(x[s*in+j])
		}
		for l := range m.B {
			out := m.Dims[l+1]
			a := make([]float64, out)
			for r := range out {
				for j := range m.Dims[l] {
					a[r] += float64(m.W[l][r*m.Dims[l]+j]) * h[j]
				}
				a[r] += float64(m.B[l][r])
				p = append(p, a[r] > 0)
				a[r] = math.Max(a[r], 0)
			}
			h = a
		}
	}
	return p
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestShapes(t *testing.T) {
	m := New(784, []int{128, 128}, 10, 1)
	names := fmt.Sprint(m.ParamNames())
	if names != "[W1 b1 W2 b2 Wo]" {
		t.Errorf("ParamNames = %s", names)
	}
	shapes := fmt.Sprint(m.ParamShapes())
	if shapes != "[[128 784] [128 1] [128 128] [128 1] [10 128]]" {
		t.Errorf("ParamShapes = %s", shapes)
	}
	for i, p := range m.Params() {
		if s := m.ParamShapes()[i]; len(p) != s[0]*s[1] {
			t.Errorf("%s: %d values for shape %v", m.ParamNames()[i], len(p), s)
		}
	}
	if &m.Params()[4][0] != &m.W[2][0] {
		t.Error("Params does not share the readout's memory")
	}

	lin := New(3, nil, 2, 1)
	if fmt.Sprint(lin.ParamNames()) != "[Wo]" || len(lin.Params()) != 1 {
		t.Errorf("no hidden layer: names %v", lin.ParamNames())
	}
}

func TestInit(t *testing.T) {
	// The weights are LeCun-normal: variance 1/fan-in. With 100 352 values
	// the relative standard error of the variance is about 0.4 %; 3 % is
	// a safe bound. Biases start at zero.
	m := New(784, []int{128}, 10, 3)
	var s2 float64
	for _, v := range m.W[0] {
		s2 += float64(v) * float64(v)
	}
	if v := s2 / float64(len(m.W[0])); math.Abs(v*784-1) > 0.03 {
		t.Errorf("W1 variance %g, want 1/784", v)
	}
	for _, b := range m.B[0] {
		if b != 0 {
			t.Fatal("bias not zero")
		}
	}
	if New(5, []int{4}, 3, 9).W[1][0] != New(5, []int{4}, 3, 9).W[1][0] {
		t.Error("same seed gave different weights")
	}
	if New(5, []int{4}, 3, 9).W[0][0] == New(5, []int{4}, 3, 10).W[0][0] {
		t.Error("different seeds gave the same weights")
	}
}

func TestPredict(t *testing.T) {
	// The float32 forward pass agrees with the float64 reference to float32
	// rounding: relative 1e-5 over the few layers of sums here.
	for _, mode := range modes {
		withParallel(mode.procs, mode.threshold, func() {
			r := rand.New(rand.NewPCG(1, 1))
			m := New(6, []int{5, 4}, 3, 2)
			for _, b := range m.B {
				for i := range b {
					b[i] = float32(r.NormFloat64() * 0.3)
				}
			}
			const n = 9
			x, _ := randomData(r, m, n)
			yhat := make([]float32, n*3)
			m.Predict(x, n, yhat)
			for s := range n {
				want := reference(m, x[s*6:(s+1)*6])
				for k, w := range want {
					if d := math.Abs(float64(yhat[s*3+k]) - w); d > 1e-5*(1+math.Abs(w)) {
						t.Errorf("%s: sample %d output %d = %g, want %g",
							mode.name, s, k, yhat[s*3+k], w)
					}
				}
			}
		})
	}
}

func TestGradientFiniteDifference(t *testing.T) {
	// The mean loss is computed in float32 up to the loss, so it carries a
	// rounding error of about 1e-7; central differences with the step
	// h = 2⁻⁶ turn that into an error of about 1e-7/h ≈ 1e-5, and their
	// truncation error h²/6·|∂³L| is below 1e-5 here. A parameter whose
	// perturbation switches a ReLU on or off is skipped (the loss has a kink
	// there). Tolerance: 2e-4 + 1e-3·|∂L/∂p|.
	const h = 1.0 / 64
	for _, c := range []struct {
		name   string
		hidden []int
	}{{"mse", []int{4, 3}}, {"softmax", []int{4, 3}}, {"softmax", nil}} {
		name := fmt.Sprint(c.name, c.hidden)
		l, _ := loss.New(c.name, 0, 0)
		for _, mode := range modes {
			withParallel(mode.procs, mode.threshold, func() {
				r := rand.New(rand.NewPCG(7, 8))
				m := New(5, c.hidden, 2, 11)
				for _, b := range m.B {
					for i := range b {
						b[i] = float32(0.2 * r.NormFloat64())
					}
				}
				const n = 7
				x, y := randomData(r, m, n)

				g := m.NewGrad()
				m.Gradient(x, y, n, l, g)
				base := pattern(m, x, n)

				checked, total := 0, 0
				for k, p := range m.Params() {
					for i := range p {
						total++
						p0 := p[i]
						p[i] = p0 + h
						up, _ := m.Evaluate(x, y, n, l)
						hUp := float64(p[i]) - float64(p0)
						kinkUp := !equalBools(pattern(m, x, n), base)
						p[i] = p0 - h
						down, _ := m.Evaluate(x, y, n, l)
						hDown := float64(p0) - float64(p[i])
						kinkDown := !equalBools(pattern(m, x, n), base)
						p[i] = p0
						if kinkUp || kinkDown {
							continue
						}
						checked++

						fd := (up - down) / (hUp + hDown)
						if d := math.Abs(float64(g[k][i]) - fd); d > 2e-4+1e-3*math.Abs(fd) {
							t.Errorf("%s %s: ∂L/∂%s[%d] = %.6g, finite difference %.6g",
								name, mode.name, m.ParamNames()[k], i, g[k][i], fd)
						}
					}
				}
				if checked < total*3/4 {
					t.Errorf("%s %s: only %d of %d parameters away from ReLU kinks",
						name, mode.name, checked, total)
				}
			})
		}
	}
}

func TestGradientLossAndAccuracy(t *testing.T) {
	// The mean loss and hit count returned with the gradient are those of
	// Evaluate (bit for bit: both use the same forward pass and sum the
	// sample losses in order) and of the float64 reference forward pass.
	r := rand.New(rand.NewPCG(3, 3))
	m := New(4, []int{6}, 3, 5)
	const n = 20
	x, y := randomData(r, m, n)
	l := loss.Softmax{}
	gl, gc := m.Gradient(x, y, n, l, m.NewGrad())
	el, ec := m.Evaluate(x, y, n, l)
	if gl != el || gc != ec {
		t.Errorf("Gradient gave (%g, %d), Evaluate (%g, %d)", gl, gc, el, ec)
	}
	var want float64
	wantC := 0
	for s := range n {
		ref := reference(m, x[s*4:(s+1)*4])
		yhat := []float32{float32(ref[0]), float32(ref[1]), float32(ref[2])}
		want += l.Value(yhat, y[s*3:(s+1)*3]) / n
		if loss.Argmax(yhat) == loss.Argmax(y[s*3:(s+1)*3]) {
			wantC++
		}
	}
	if math.Abs(gl-want) > 1e-5 || gc != wantC {
		t.Errorf("loss %g, %d correct; want %g, %d", gl, gc, want, wantC)
	}
}

// train runs steps Adam steps on (x, y) in batches of batch samples and
// returns the trained network.
func train(seed uint64, x, y []float32, n, batch, steps int, lr float64) *MLP {
	m := New(8, []int{32, 32}, 4, seed)
	g := m.NewGrad()
	opt := optim.NewAdam(lr, optim.Sizes(g))
	params := m.Params()
	for step := range steps {
		s := (step * batch) % n
		b := min(batch, n-s)
		m.Gradient(x[s*8:(s+b)*8], y[s*4:(s+b)*4], b, loss.Softmax{}, g)
		opt.Update(params, g)
	}
	return m
}

// teacherData returns n samples of a 4-class problem in 8 dimensions whose
// label is argmax(T x) for a fixed random T: linearly separable.
func teacherData(n int) (x, y []float32) {
	r := rand.New(rand.NewPCG(21, 22))
	T := make([]float64, 4*8)
	for i := range T {
		T[i] = r.NormFloat64()
	}
	x = make([]float32, n*8)
	y = make([]float32, n*4)
	for s := range n {
		best, bestV := 0, math.Inf(-1)
		for k := range 4 {
			var v float64
			for j := range 8 {
				if k == 0 {
					x[s*8+j] = float32(r.NormFloat64())
				}
				v += T[k*8+j] * float64(x[s*8+j])
			}
			if v > bestV {
				best, bestV = k, v
			}
		}
		y[s*4+best] = 1
	}
	return x, y
}

func TestDeterminism(t *testing.T) {
	// Training gives bit-for-bit the same parameters on one goroutine, on
	// several, and when repeated.
	const n = 256
	x, y := teacherData(n)
	var runs []*MLP
	for _, procs := range []int{1, 2, 2, 5} {
		withParallel(procs, 0, func() {
			runs = append(runs, train(4, x, y, n, 64, 30, 1e-2))
		})
	}
	for i, m := range runs[1:] {
		for k, p := range m.Params() {
			for j, v := range p {
				if math.Float32bits(v) != math.Float32bits(runs[0].Params()[k][j]) {
					t.Fatalf("run %d differs from run 0 at %s[%d]: %g vs %g",
						i+1, m.ParamNames()[k], j, v, runs[0].Params()[k][j])
				}
			}
		}
	}
}

func TestTraining(t *testing.T) {
	// A small network learns a separable 4-class problem: the loss falls
	// from about log 4 ≈ 1.4 to well below 0.2 and nearly all training
	// samples are classified correctly.
	const n = 512
	x, y := teacherData(n)
	before, _ := New(8, []int{32, 32}, 4, 4).Evaluate(x, y, n, loss.Softmax{})
	m := train(4, x, y, n, 64, 300, 1e-2)
	after, correct := m.Evaluate(x, y, n, loss.Softmax{})
	t.Logf("loss %.4f → %.4f, accuracy %.1f %%", before, after, 100*float64(correct)/n)
	if after > 0.2 || after > before/5 {
		t.Errorf("loss %.4f → %.4f, want a clear fall below 0.2", before, after)
	}
	if correct < n*95/100 {
		t.Errorf("%d of %d correct, want 95 %%", correct, n)
	}
}

func TestNoAllocations(t *testing.T) {
	withParallel(2, 0, func() {
		r := rand.New(rand.NewPCG(1, 2))
		m := New(20, []int{16, 8}, 4, 1)
		const n = 32
		x, y := randomData(r, m, n)
		g := m.NewGrad()
		yhat := make([]float32, n*4)
		l := loss.Softmax{}
		m.Gradient(x, y, n, l, g)
		m.Evaluate(x, y, n, l)
		m.Predict(x, n, yhat)
		if a := testing.AllocsPerRun(20, func() { m.Gradient(x, y, n, l, g) }); a != 0 {
			t.Errorf("Gradient allocates %g times per call", a)
		}
		if a := testing.AllocsPerRun(20, func() { m.Gradient(x, y, n/2, l, g) }); a != 0 {
			t.Errorf("Gradient on a smaller batch allocates %g times per call", a)
		}
		if a := testing.AllocsPerRun(20, func() { m.Evaluate(x, y, n, l) }); a != 0 {
			t.Errorf("Evaluate allocates %g times per call", a)
		}
		if a := testing.AllocsPerRun(20, func() { m.Predict(x, n, yhat) }); a != 0 {
			t.Errorf("Predict allocates %g times per call", a)
		}
	})
}

func TestPanics(t *testing.T) {
	m := New(3, []int{2}, 2, 1)
	g := m.NewGrad()
	x6, y4 := make([]float32, 6), make([]float32, 4)
	cases := map[string]func(){
		"zero width":     func() { New(3, []int{0}, 2, 1) },
		"short x":        func() { m.Gradient(x6[:5], y4, 2, loss.MSE{}, g) },
		"short y":        func() { m.Predict(x6, 2, y4[:3]) },
		"wrong gradient": func() { m.Gradient(x6, y4, 2, loss.MSE{}, g[:2]) },
		"no samples":     func() { m.Gradient(nil, nil, 0, loss.MSE{}, g) },
		"no loss":        func() { m.Evaluate(x6, y4, 2, nil) },
	}
	for name, f := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// BenchmarkStep times one training step (Gradient and Adam update) on a
// batch of 100 samples, the Fashion-MNIST setting.
func BenchmarkStep(b *testing.B) {
	for _, hidden := range [][]int{{128}, {128, 128, 128}} {
		m := New(784, hidden, 10, 1)
		b.Run(fmt.Sprint(m.Dims), func(b *testing.B) {
			const n = 100
			r := rand.New(rand.NewPCG(1, 2))
			x := make([]float32, n*784)
			for i := range x {
				x[i] = float32(r.Float64())
			}
			y := make([]float32, n*10)
			for s := range n {
				y[s*10+s%10] = 1
			}
			g := m.NewGrad()
			opt := optim.NewAdam(optim.DefaultLR, optim.Sizes(g))
			params := m.Params()
			for b.Loop() {
				m.Gradient(x, y, n, loss.Softmax{}, g)
				opt.Update(params, g)
			}
		})
	}
}
