package loss

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// fdStep is the finite-difference step. It is a power of two, so ŷ ± h is
// exact in float32 for |ŷ| < 2^13 and the central difference has no
// representation error in its denominator.
const fdStep = 1.0 / 1024

// numGrad returns the central-difference gradient ∂Value/∂ŷ in float64.
// Its truncation error is h²/6 · |∂³loss| ≲ 1e-7 for the losses here, and
// its rounding error about 1e-16/h ≈ 1e-13.
func numGrad(l Loss, yhat, y []float32) []float64 {
	g := make([]float64, len(yhat))
	p := append([]float32(nil), yhat...)
	for i := range p {
		p[i] = yhat[i] + fdStep
		up := l.Value(p, y)
		p[i] = yhat[i] - fdStep
		down := l.Value(p, y)
		p[i] = yhat[i]
		g[i] = (up - down) / (2 * fdStep)
	}
	return g
}

// randomCase returns a prediction with entries in ±(0.1 … 2) and a target
// with positive entries summing to 1 (a soft label).
func randomCase(r *rand.Rand, n int) (yhat, y []float32) {
	yhat = make([]float32, n)
	y = make([]float32, n)
	var sum float32
	for i := range yhat {
		yhat[i] = float32(0.1 + 1.9*r.Float64())
		if r.IntN(2) == 0 {
			yhat[i] = -yhat[i]
		}
		y[i] = float32(0.05 + r.Float64())
		sum += y[i]
	}
	for i := range y {
		y[i] /= sum
	}
	return yhat, y
}

func TestErrorIsMinusGradient(t *testing.T) {
	// The error is written in float32, so it carries a relative rounding
	// error of about 6e-8; together with the finite-difference error above,
	// 1e-6 absolute is a safe tolerance for errors of order 1.
	const tol = 1e-6
	r := rand.New(rand.NewPCG(1, 2))
	for _, l := range []Loss{MSE{}, Softmax{}} {
		for trial := range 20 {
			yhat, y := randomCase(r, 1+trial%10)
			e := make([]float32, len(yhat))
			l.Error(yhat, y, e)
			for i, g := range numGrad(l, yhat, y) {
				if d := math.Abs(float64(e[i]) + g); d > tol {
					t.Errorf("%s trial %d: e[%d] = %.9g, −∂loss/∂ŷ = %.9g",
						l.Name(), trial, i, e[i], -g)
				}
			}
		}
	}
}

func TestSigmoidErrorIsScaledGradient(t *testing.T) {
	// Away from the clipping region the published error is (1/k) times the
	// exact negative gradient. With |ŷ| ≤ 2, s = 0.6 and k ≤ 4 the logit
	// satisfies |k(ŷ − s)| ≤ 10.4, so σ stays within [3e-5, 1 − 3e-5], well
	// inside the clipping bounds. The tolerance is as for the other losses,
	// scaled by k for the larger gradients.
	const tol = 1e-6
	r := rand.New(rand.NewPCG(3, 4))
	for _, k := range []float64{0.5, 1, 4} {
		l := Sigmoid{Shift: 0.6, Steepness: k}
		for trial := range 20 {
			yhat, y := randomCase(r, 1+trial%5)
			for i := range y {
				y[i] = float32(r.Float64()) // binary CE accepts any y in [0, 1]
			}
			e := make([]float32, len(yhat))
			l.Error(yhat, y, e)
			for i, g := range numGrad(l, yhat, y) {
				if d := math.Abs(float64(e[i]) + g/k); d > tol*max(1, k) {
					t.Errorf("k=%g trial %d: e[%d] = %.9g, −(1/k)∂loss/∂ŷ = %.9g",
						k, trial, i, e[i], -g/k)
				}
			}
		}
	}
}

func TestSigmoidClipping(t *testing.T) {
	l := Sigmoid{Shift: 0, Steepness: 1}
	// σ(±100) is 1 − 4e-44 and 4e-44: both clipped, so a confidently wrong
	// prediction costs −log(1e-7) instead of 100.
	want := -math.Log(probClip)
	for _, c := range []struct{ yhat, y float32 }{{100, 0}, {-100, 1}} {
		if v := l.Value([]float32{c.yhat}, []float32{c.y}); math.Abs(v-want) > 1e-9 {
			t.Errorf("Value(%g, %g) = %g, want %g", c.yhat, c.y, v, want)
		}
	}
	if v := l.Value([]float32{100}, []float32{1}); math.Abs(v+math.Log(1-probClip)) > 1e-12 {
		t.Errorf("confident right prediction costs %g, want −log(1 − 1e-7)", v)
	}
}

func TestSoftmaxLargeLogits(t *testing.T) {
	// Logits of 1000 overflow a naive exp; with log-sum-exp the loss is the
	// same as for logits shifted to 0 (softmax is shift invariant).
	yhat := []float32{1000, 999, 990, -1000}
	shifted := []float32{0, -1, -10, -2000}
	y := []float32{0.1, 0.7, 0.2, 0}
	var l Softmax
	v, w := l.Value(yhat, y), l.Value(shifted, y)
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v-w) > 1e-9 {
		t.Errorf("Value = %g, want %g", v, w)
	}
	e, f := make([]float32, 4), make([]float32, 4)
	l.Error(yhat, y, e)
	l.Error(shifted, y, f)
	var sum float64
	for i := range e {
		if e[i] != f[i] || math.IsNaN(float64(e[i])) {
			t.Errorf("e[%d] = %g, want %g", i, e[i], f[i])
		}
		sum += float64(e[i])
	}
	// Σ e = Σ y − Σ softmax = 0, up to float32 rounding.
	if math.Abs(sum) > 1e-6 {
		t.Errorf("Σ e = %g, want 0", sum)
	}
}

func TestKnownValues(t *testing.T) {
	yhat := []float32{1, 2}
	y := []float32{0, 1}
	cases := []struct {
		l    Loss
		want float64
	}{
		{MSE{}, 0.5 * (1 + 1)},
		{Softmax{}, math.Log(1 + math.Exp(-1))},
		{Sigmoid{Shift: 1, Steepness: 2}, math.Log(2) + math.Log(1+math.Exp(-2))},
	}
	for _, c := range cases {
		if v := c.l.Value(yhat, y); math.Abs(v-c.want) > 1e-12 {
			t.Errorf("%s: Value = %.15g, want %.15g", c.l.Name(), v, c.want)
		}
	}
}

func TestNew(t *testing.T) {
	for _, name := range Names() {
		l, err := New(name, 0.6, 4)
		if err != nil {
			t.Fatalf("New(%q): %v", name, err)
		}
		if l.Name() != name {
			t.Errorf("New(%q).Name() = %q", name, l.Name())
		}
	}
	if l, _ := New("sigmoid", 0.6, 4); l != (Sigmoid{Shift: 0.6, Steepness: 4}) {
		t.Errorf("sigmoid parameters not kept: %+v", l)
	}

	_, err := New("hinge", 0, 1)
	if err == nil || !strings.Contains(err.Error(), "mse, softmax, sigmoid") {
		t.Errorf("unknown name: error %v does not list the valid names", err)
	}
	for _, k := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := New("sigmoid", 0, k); err == nil {
			t.Errorf("steepness %g accepted", k)
		}
	}
}

func TestArgmax(t *testing.T) {
	nan := float32(math.NaN())
	cases := []struct {
		v    []float32
		want int
	}{
		{nil, -1},
		{[]float32{3}, 0},
		{[]float32{1, 5, 2}, 1},
		{[]float32{1, 5, 5}, 1},
		{[]float32{-3, -1, -2}, 1},
		{[]float32{1, nan, 2}, 2},
	}
	for _, c := range cases {
		if got := Argmax(c.v); got != c.want {
			t.Errorf("Argmax(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}

func ExampleNew() {
	l, err := New("softmax", 0, 0)
	if err != nil {
		panic(err)
	}
	yhat := []float32{2, 0, 0}
	y := []float32{1, 0, 0}
	e := make([]float32, 3)
	l.Error(yhat, y, e)
	fmt.Printf("loss %.4f, error %.4f\n", l.Value(yhat, y), e)
	// Output: loss 0.2395, error [0.2130 -0.1065 -0.1065]
}
