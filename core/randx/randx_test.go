package randx

import (
	"math"
	"testing"
)

// moments returns the sample mean and variance of v, accumulated in float64.
func moments(v []float32) (mean, variance float64) {
	for _, x := range v {
		mean += float64(x)
	}
	mean /= float64(len(v))
	for _, x := range v {
		d := float64(x) - mean
		variance += d * d
	}
	return mean, variance / float64(len(v)-1)
}

func TestLeCunNormal(t *testing.T) {
	// With n samples the relative standard error of a variance estimate of
	// this (light-tailed) distribution is about sqrt(2/n) ≈ 0.2 %; a 1.5 %
	// tolerance is more than 5 standard errors.
	const n = 400000
	for _, fanIn := range []int{1, 10, 784} {
		out := make([]float32, n)
		LeCunNormal(New(1, uint64(fanIn)), fanIn, out)

		mean, variance := moments(out)
		want := 1 / float64(fanIn)
		if math.Abs(variance/want-1) > 0.015 {
			t.Errorf("fanIn %d: variance %.6g, want %.6g", fanIn, variance, want)
		}
		if sd := math.Sqrt(want); math.Abs(mean) > 5*sd/math.Sqrt(n) {
			t.Errorf("fanIn %d: mean %.3g, want about 0", fanIn, mean)
		}

		bound := 2 * math.Sqrt(want) / truncStd
		var maxAbs float64
		for _, x := range out {
			maxAbs = max(maxAbs, math.Abs(float64(x)))
		}
		if maxAbs > bound*(1+1e-6) {
			t.Errorf("fanIn %d: max |w| = %.6g beyond 2σ = %.6g", fanIn, maxAbs, bound)
		}
		// The truncation must actually be reached: about 4.6 % of a normal
		// lies beyond 2σ, so the largest of n samples is within 1 % of it.
		if maxAbs < 0.99*bound {
			t.Errorf("fanIn %d: max |w| = %.6g, far inside 2σ = %.6g", fanIn, maxAbs, bound)
		}
	}
}

func TestNormal(t *testing.T) {
	const n = 400000
	out := make([]float32, n)
	Normal(New(2, 0), 3, out)
	_, variance := moments(out)
	// Relative standard error of the variance of a normal: sqrt(2/n) ≈ 0.22 %.
	if math.Abs(variance/9-1) > 0.015 {
		t.Errorf("variance %.6g, want 9", variance)
	}
}

func TestStreamsDiffer(t *testing.T) {
	a, b, c := New(7, 0), New(7, 1), New(7, 0)
	same := 0
	for range 100 {
		x, y, z := a.Uint64(), b.Uint64(), c.Uint64()
		if x != z {
			t.Fatal("same seed and stream gave different sequences")
		}
		if x == y {
			same++
		}
	}
	if same > 0 {
		t.Errorf("streams 0 and 1 agreed on %d of 100 draws", same)
	}
}
