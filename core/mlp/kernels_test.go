package mlp

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestKernels(t *testing.T) {
	// Both kernel sets agree with a float64 sum to float32 rounding: for
	// n terms of size ≤ 1 the error is below n·2⁻²⁴·Σ|aᵢbᵢ|, and 1e-5
	// relative to Σ|aᵢbᵢ| covers n ≤ 130.
	r := rand.New(rand.NewPCG(1, 1))
	for n := range 130 {
		a, b, y := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range a {
			a[i] = float32(r.NormFloat64())
			b[i] = float32(r.NormFloat64())
			y[i] = float32(r.NormFloat64())
		}
		var want, scale float64
		for i := range a {
			want += float64(a[i]) * float64(b[i])
			scale += math.Abs(float64(a[i]) * float64(b[i]))
		}
		for name, f := range map[string]func(a, b []float32) float32{"dot": dot, "dotGo": dotGo} {
			if got := float64(f(a, b)); math.Abs(got-want) > 1e-5*(scale+1e-30) {
				t.Errorf("%s n=%d: %g, want %g", name, n, got, want)
			}
		}

		axpys := map[string]func(float32, []float32, []float32){"axpy": axpy, "axpyGo": axpyGo}
		for name, f := range axpys {
			z := append([]float32(nil), y...)
			f(0.75, a, z)
			for i := range z {
				w := float64(y[i]) + 0.75*float64(a[i])
				if math.Abs(float64(z[i])-w) > 1e-6*(1+math.Abs(w)) {
					t.Errorf("%s n=%d: y[%d] = %g, want %g", name, n, i, z[i], w)
				}
			}
		}
	}
}
