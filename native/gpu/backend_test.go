package gpu

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"bcp/core/static"
	"bcp/shaders"
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

func tinyConfig(hidden, k int) static.Config {
	c := static.DefaultConfig()
	c.Hidden = hidden
	c.Ensembles = []int{k}
	c.ExcPerEnsemble = 4
	c.EIRatio = 2
	c.Seed = 3
	return c
}

func randomBatch(r *rand.Rand, n, in, out int) (x, y []float32) {
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

func newTestNet(t testing.TB, cfg static.Config, in, out int) *static.Network {
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

func maxRelDiff(a, b []float32, floor float64) float64 {
	var d, m float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i])-float64(b[i])))
		m = math.Max(m, math.Abs(float64(b[i])))
	}
	return d / (m + floor)
}

func zeros(net *static.Network) [][]float32 {
	g := make([][]float32, len(net.Params))
	for i, p := range net.Params {
		g[i] = make([]float32, len(p))
	}
	return g
}

func TestPredictMatchesCPU(t *testing.T) {
	const in, out, n = 5, 3, 7
	net := newTestNet(t, tinyConfig(2, 6), in, out)
	g := openOrSkip(t, net)
	cpu, _ := static.NewCPU(net)
	x, _ := randomBatch(rand.New(rand.NewPCG(1, 2)), n, in, out)
	yc, yg := make([]float32, n*out), make([]float32, n*out)
	sc, _ := cpu.Predict(x, n, yc)
	sg, err := g.Predict(x, n, yg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cpu %v gpu %v", yc, yg)
	t.Logf("steps: cpu %+v gpu %+v", sc, sg)
	if d := maxRelDiff(yg, yc, 1e-3); d > 1e-4 {
		t.Errorf("outputs differ by %.3g", d)
	}
}

var _ = shaders.WG
