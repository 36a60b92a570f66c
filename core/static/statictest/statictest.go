// Package statictest holds the small networks and random batches that the
// tests of the static trainer's backends share, so that the CPU emulator of
// the kernels and the WebGPU backend are checked on the same cases.
package statictest

import (
	"math"
	"math/rand/v2"
	"testing"

	"bcp/core/static"
)

// TinyConfig returns a small network: hidden layers of k ensembles of 4 E
// and 2 I neurons, integrated by the ODE solver as the GPU kernels do.
func TinyConfig(hidden, k int) static.Config {
	c := static.DefaultConfig()
	c.Hidden = hidden
	c.Ensembles = []int{k}
	c.ExcPerEnsemble = 4
	c.EIRatio = 2
	c.Seed = 3
	c.Solver = "ode"
	return c
}

// RandomBatch returns n inputs drawn from N(0,1) and soft one-hot labels
// (0.99 for the class, the rest shared by the others).
func RandomBatch(r *rand.Rand, n, in, out int) (x, y []float32) {
	x = make([]float32, n*in)
	for i := range x {
		x[i] = float32(r.NormFloat64())
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

// NewNet builds a network with non-zero biases, so that every term of the
// dynamics is exercised.
func NewNet(t testing.TB, cfg static.Config, in, out int) *static.Network {
	t.Helper()
	net, err := static.NewNetwork(cfg, in, out)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 5))
	for l := range net.Layers {
		if b := net.B(l); b != nil {
			for i := range b {
				b[i] = float32(0.3 * r.NormFloat64())
			}
		}
	}
	return net
}

// MaxRelDiff returns max|a − b| / (max|b| + floor).
func MaxRelDiff(a, b []float32, floor float64) float64 {
	var d, m float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i])-float64(b[i])))
		m = math.Max(m, math.Abs(float64(b[i])))
	}
	return d / (m + floor)
}
