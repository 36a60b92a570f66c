package gpu

import (
	"math/rand/v2"
	"testing"

	"github.com/cogentcore/webgpu/wgpu"

	"bcp/shaders"
)

// runStandalone runs a kernel that has its own bindings (matmul,
// batchmean, adam, clip) on buffers made from the given slices (the first
// is the uniform) and returns the contents of every buffer afterwards.
func runStandalone(t *testing.T, b *Backend, kernel string, uniform []byte, x, y, z uint32,
	data ...[]float32) [][]float32 {
	t.Helper()
	k := b.k[kernel]
	u, err := b.d.buffer("test-uniform", uint64(len(uniform)), usageUniform)
	must(t, err)
	defer u.Release()
	must(t, b.d.write(u, 0, uniform))
	bufs := []*wgpu.Buffer{u}
	for _, v := range data {
		buf, err := b.d.buffer("test-data", uint64(4*len(v)), usageStorage)
		must(t, err)
		defer buf.Release()
		must(t, b.d.write(buf, 0, bytesOf(v)))
		bufs = append(bufs, buf)
	}
	g, err := b.d.bind(k, bufs...)
	must(t, err)
	defer g.Release()
	e, err := b.d.encoder()
	must(t, err)
	e.dispatch(k.pipes[kernel], g, x, y, z)
	must(t, e.submit())
	h := &harness{t: t, b: b}
	out := make([][]float32, len(data))
	for i, v := range data {
		out[i] = make([]float32, len(v))
		h.read(bufs[i+1], out[i])
	}
	return out
}

func randSlice(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// TestMatMulKernel checks the tiled product against its reference: the
// first layer's drive of a Fashion-MNIST batch (100×784 · 784×128, B
// transposed, with bias) and a direction (A transposed, odd sizes, α).
// Sums run in the same order; the tolerance allows fused multiply-adds.
func TestMatMulKernel(t *testing.T) {
	b := openOrSkip(t, kernelNet(t, tinyConfig(1, 4)))
	r := rand.New(rand.NewPCG(3, 3))
	cases := []struct {
		name string
		u    shaders.MatMul
		na   int
		nb   int
		nc   int
	}{
		{"a1 100x784·784x128", shaders.MatMul{M: 100, N: 128, K: 784, HasBias: 1, SAi: 784, SAk: 1,
			SBk: 1, SBj: 784, OffBias: 5, SCi: 130, SCj: 1, OffC: 3, Alpha: 1}, 100 * 784, 128 * 784, 100*130 + 3},
		{"direction 37x61, n=53", shaders.MatMul{M: 37, N: 61, K: 53, OffA: 2, SAi: 1, SAk: 40,
			OffB: 1, SBk: 70, SBj: 1, SCi: 61, SCj: 1, Alpha: 1.0 / 53}, 2 + 53*40, 1 + 53*70, 37 * 61},
	}
	for _, c := range cases {
		a, bm, bias, cc := randSlice(r, c.na), randSlice(r, c.nb), randSlice(r, 200), randSlice(r, c.nc)
		gx, gy, gz := shaders.MatMulGrid(int(c.u.M), int(c.u.N))
		got := runStandalone(t, b, "matmul", structBytes(&c.u), gx, gy, gz, a, bm, bias, cc)
		c.u.Run(a, bm, bias, cc)
		compare(t, c.name, got[3], cc, 1e-5, 0)
	}
}

// TestBatchMeanKernel checks the bias directions' batch mean.
func TestBatchMeanKernel(t *testing.T) {
	b := openOrSkip(t, kernelNet(t, tinyConfig(1, 4)))
	r := rand.New(rand.NewPCG(3, 4))
	u := shaders.Mean{Count: 300, N: 37, OffA: 4, SA: 310, OffC: 2, Alpha: 1.0 / 37}
	a, c := randSlice(r, 4+37*310), randSlice(r, 302)
	x, y, z := shaders.GridFlat(int(u.Count), b.consts.WG)
	got := runStandalone(t, b, "batchmean", structBytes(&u), x, y, z, a, c)
	u.Run(a, c)
	compare(t, "batch mean", got[1], c, 1e-6, 0)
}

// TestAdamKernels checks three Adam updates with clipping, and clip alone,
// against optim.Adam's arithmetic (the reference agrees with it bit for
// bit); the GPU's sqrt and division may differ by an ulp.
func TestAdamKernels(t *testing.T) {
	b := openOrSkip(t, kernelNet(t, tinyConfig(1, 4)))
	r := rand.New(rand.NewPCG(3, 5))
	const n = 70_001
	p, m, v := randSlice(r, n), make([]float32, n), make([]float32, n)
	gp, gm, gv := append([]float32(nil), p...), make([]float32, n), make([]float32, n)
	for step := 1; step <= 3; step++ {
		g := randSlice(r, n)
		u := shaders.NewAdam(n, 1e-3, 0.9, 0.999, 1e-8, step, true, -0.9, 0.9)
		x, y, z := shaders.GridFlat(n, b.consts.WG)
		got := runStandalone(t, b, "adam", structBytes(&u), x, y, z, gp, gm, gv, g)
		gp, gm, gv = got[0], got[1], got[2]
		u.Run(p, m, v, g)
	}
	compare(t, "parameters", gp, p, 1e-6, 0)
	compare(t, "first moments", gm, m, 1e-6, 0)
	compare(t, "second moments", gv, v, 1e-6, 0)

	u := shaders.NewAdam(n, 0, 0, 0, 0, 1, true, -0.5, 0.5)
	x, y, z := shaders.GridFlat(n, b.consts.WG)
	q := randSlice(r, n)
	got := runStandalone(t, b, "clip", structBytes(&u), x, y, z, q)
	u.RunClip(q)
	compare(t, "clip", got[0], q, 0, 0)
}
