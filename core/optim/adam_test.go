package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestAdamFirstStep(t *testing.T) {
	// After one step m̂ = g and v̂ = g², so each parameter moves by
	// lr·g/(|g| + ε) = lr·sign(g)·|g|/(|g| + ε). In float32 the result is
	// accurate to a few ulp of p.
	const lr = 0.01
	g := [][]float32{{0.5, -2, 1e-3}, {-7}}
	p := [][]float32{{1, 1, 1}, {0}}
	a := NewAdam(lr, Sizes(p))
	a.Update(p, g)

	for k := range p {
		for i := range p[k] {
			gi := float64(g[k][i])
			want := []float64{1, 1, 1, 0}[k*3+i] - lr*gi/(math.Abs(gi)+DefaultEps)
			if d := math.Abs(float64(p[k][i]) - want); d > 1e-6 {
				t.Errorf("p[%d][%d] = %.9g, want %.9g", k, i, p[k][i], want)
			}
		}
	}
	if a.Step != 1 {
		t.Errorf("Step = %d, want 1", a.Step)
	}
	// The moments are float32: a relative tolerance of 1e-6 covers their
	// rounding.
	if got, want := a.M[0][1], -0.2; math.Abs(float64(got)-want) > 1e-6*math.Abs(want) {
		t.Errorf("m = %g, want (1 − β₁)g = %g", got, want)
	}
	if got, want := a.V[0][1], 0.004; math.Abs(float64(got)-want) > 1e-6*want {
		t.Errorf("v = %g, want (1 − β₂)g² = %g", got, want)
	}
}

func TestAdamZeroDirection(t *testing.T) {
	// A zero direction leaves the parameters where they are: m̂ = 0.
	p := [][]float32{{0.25, -3}}
	a := NewAdam(0.1, Sizes(p))
	a.Update(p, [][]float32{{0, 0}})
	if p[0][0] != 0.25 || p[0][1] != -3 {
		t.Errorf("parameters moved: %v", p[0])
	}
}

func TestAdamQuadratic(t *testing.T) {
	// Minimise f(p) = ½ Σ aᵢ (pᵢ − cᵢ)² with curvatures aᵢ in [0.1, 10]; the
	// direction handed to Adam is the gradient aᵢ(pᵢ − cᵢ). Adam's steps
	// shrink with the gradient's signal-to-noise ratio, and without noise
	// the iterate settles to within a small multiple of lr of the minimum.
	r := rand.New(rand.NewPCG(5, 6))
	const n = 50
	a := make([]float32, n)
	c := make([]float32, n)
	p := [][]float32{make([]float32, n)}
	g := [][]float32{make([]float32, n)}
	for i := range n {
		a[i] = float32(0.1 + 9.9*r.Float64())
		c[i] = float32(2*r.Float64() - 1)
		p[0][i] = float32(4*r.Float64() - 2)
	}
	f := func() float64 {
		var s float64
		for i := range n {
			d := float64(p[0][i] - c[i])
			s += float64(a[i]) * d * d / 2
		}
		return s
	}

	f0 := f()
	opt := NewAdam(0.01, Sizes(p))
	for range 3000 {
		for i := range n {
			g[0][i] = a[i] * (p[0][i] - c[i])
		}
		opt.Update(p, g)
	}
	if fn := f(); fn > 1e-6*f0 {
		t.Errorf("f went from %g to %g, want below %g", f0, fn, 1e-6*f0)
	}
	for i := range n {
		if d := math.Abs(float64(p[0][i] - c[i])); d > 1e-3 {
			t.Errorf("p[%d] = %g, minimum at %g", i, p[0][i], c[i])
		}
	}
}

func TestAdamAllocs(t *testing.T) {
	p := [][]float32{make([]float32, 100), make([]float32, 7)}
	g := [][]float32{make([]float32, 100), make([]float32, 7)}
	a := NewAdam(DefaultLR, Sizes(p))
	if n := testing.AllocsPerRun(10, func() { a.Update(p, g) }); n != 0 {
		t.Errorf("Update allocates %g times", n)
	}
}

func TestClip(t *testing.T) {
	nan := float32(math.NaN())
	p := [][]float32{{-2, -1, 0, 0.5, 1, 3}, {nan, 1.5}}
	Clip(p, -1, 1)
	want := [][]float32{{-1, -1, 0, 0.5, 1, 1}, {nan, 1}}
	for k := range p {
		for i := range p[k] {
			got, w := p[k][i], want[k][i]
			if got != w && !(got != got && w != w) { // NaN == NaN here
				t.Errorf("p[%d][%d] = %g, want %g", k, i, got, w)
			}
		}
	}
}

func ExampleAdam_Update() {
	p := [][]float32{{1, 1}}
	a := NewAdam(DefaultLR, Sizes(p))
	a.Update(p, [][]float32{{3, -0.02}}) // the first step is about lr·sign(g)
	fmt.Printf("%.4f\n", p[0])
	// Output: [0.9990 1.0010]
}

func BenchmarkAdamUpdate(b *testing.B) {
	// The parameter count of a 784→128→10 network without output bias.
	sizes := []int{784 * 128, 128, 128 * 10}
	p, g := make([][]float32, 3), make([][]float32, 3)
	for i, n := range sizes {
		p[i], g[i] = make([]float32, n), make([]float32, n)
		for j := range g[i] {
			g[i][j] = float32(j%7) - 3
		}
	}
	a := NewAdam(DefaultLR, sizes)
	for b.Loop() {
		a.Update(p, g)
	}
}
