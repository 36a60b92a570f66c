package gpu

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"text/tabwriter"
	"time"
	"unsafe"

	"github.com/cogentcore/webgpu/wgpu"

	"bcp/core/static"
	"bcp/core/train"
	"bcp/shaders"
)

// BenchOptions size the benchmark of Bench.
type BenchOptions struct {
	// Quick runs fewer repetitions and skips the default-size layer on
	// software adapters.
	Quick bool
}

// Bench checks that the GPU agrees with the CPU on a small network and
// prints a table of timings (matrix products, one training step, one epoch
// of a small network) for the best adapter next to the CPU backend. On a
// GPU machine it takes well under five minutes.
func Bench(w io.Writer, o BenchOptions) error {
	start := time.Now()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	probe, err := NewBackend(benchNet(2, 16, 4, 784), Options{})
	if err != nil {
		return err
	}
	ad := probe.Adapter()
	fmt.Fprintf(w, "adapter: %s\n", ad)

	// Agreement: one BCP step of a small network, GPU against CPU.
	worst, err := agreement(probe)
	probe.Close()
	if err != nil {
		return err
	}
	verdict := "ok"
	if worst > 1e-3 {
		verdict = "FAILED"
	}
	fmt.Fprintf(w, "agreement with the CPU backend (one BCP step, 2×16 ensembles, batch 16): "+
		"largest relative difference of the update directions %.2g (tolerance 1e-3): %s\n\n", worst, verdict)

	fmt.Fprintln(tw, "benchmark\tGPU\tCPU backend\tunit")
	for _, mm := range [][3]int{{100, 784, 128}, {100, 2048, 512}} {
		g, c, err := benchMatMul(ad, mm[0], mm[1], mm[2], o.Quick)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "matmul %d×%d·%d×%d\t%.2f\t%.2f\tGFLOP/s\n", mm[0], mm[1], mm[1], mm[2], g, c)
	}
	sizes := [][3]int{{2, 16, 4}, {1, 128, 16}}
	if o.Quick && !ad.Hardware {
		sizes = sizes[:1]
	}
	for _, s := range sizes {
		g, c, steps, err := benchStep(s[0], s[1], s[2], o.Quick)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "BCP step L=%d K=%d n_E=%d batch 100 (%.0f steps/pass)\t%.3f\t%.3f\ts\n",
			s[0], s[1], s[2], steps, g, c)
	}
	g, c, err := benchEpoch()
	if err != nil {
		return err
	}
	fmt.Fprintf(tw, "epoch L=2 K=16 n_E=4, 1000 samples, batch 100\t%.2f\t%.2f\ts\n", g, c)
	tw.Flush()
	fmt.Fprintf(w, "\n(total %.0f s)\n", time.Since(start).Seconds())
	if verdict != "ok" {
		return fmt.Errorf("the GPU does not agree with the CPU (relative difference %.2g)", worst)
	}
	return nil
}

// benchNet returns a network like the Fashion-MNIST one with hidden layers
// of k ensembles of nE E neurons, integrated with Tsit5.
func benchNet(hidden, k, nE, in int) *static.Network {
	cfg := static.DefaultConfig()
	cfg.Hidden, cfg.Ensembles, cfg.ExcPerEnsemble, cfg.Seed = hidden, []int{k}, nE, 1
	cfg.Solver = "ode"
	net, err := static.NewNetwork(cfg, in, 10)
	if err != nil {
		panic(err)
	}
	return net
}

func benchBatch(n, in, out int, seed uint64) (x, y []float32) {
	r := rand.New(rand.NewPCG(seed, 7))
	x = make([]float32, n*in)
	for i := range x {
		x[i] = float32(r.Float64())
	}
	y = make([]float32, n*out)
	for s := 0; s < n; s++ {
		for o := 0; o < out; o++ {
			y[s*out+o] = 0.01 / float32(out-1)
		}
		y[s*out+r.IntN(out)] = 0.99
	}
	return x, y
}

func agreement(g *Backend) (float64, error) {
	const n = 16
	net := g.net
	cpu, _ := static.NewCPU(net)
	x, y := benchBatch(n, net.In, net.Out, 1)
	gc, gg := zeros2(net), zeros2(net)
	out := func() *static.StepOutput {
		return &static.StepOutput{YhatOL: make([]float32, n*net.Out), YhatCL: make([]float32, n*net.Out)}
	}
	if err := cpu.Step(x, y, n, gc, out()); err != nil {
		return 0, err
	}
	if err := g.Step(x, y, n, gg, out()); err != nil {
		return 0, err
	}
	var worst float64
	for i := range gc {
		var d, m float64
		for j := range gc[i] {
			d = math.Max(d, math.Abs(float64(gg[i][j]-gc[i][j])))
			m = math.Max(m, math.Abs(float64(gc[i][j])))
		}
		worst = math.Max(worst, d/(m+1e-6))
	}
	return worst, nil
}

func zeros2(net *static.Network) [][]float32 {
	g := make([][]float32, len(net.Params))
	for i, p := range net.Params {
		g[i] = make([]float32, len(p))
	}
	return g
}

// benchMatMul times C = A·B (m×k times k×n) with the matmul kernel and
// with the Go reference on the CPU, in GFLOP/s.
func benchMatMul(ad Adapter, m, k, n int, quick bool) (gpu, cpu float64, err error) {
	b, err := NewBackend(benchNet(1, 4, 4, 8), Options{})
	if err != nil {
		return 0, 0, err
	}
	defer b.Close()
	u := shaders.MatMul{M: uint32(m), N: uint32(n), K: uint32(k), SAi: uint32(k), SAk: 1,
		SBk: uint32(n), SBj: 1, SCi: uint32(n), SCj: 1, Alpha: 1}
	ub, err := b.d.buffer("bench-uniform", uint64(unsafe.Sizeof(u)), usageUniform)
	if err != nil {
		return 0, 0, err
	}
	defer ub.Release()
	if err := b.d.write(ub, 0, structBytes(&u)); err != nil {
		return 0, 0, err
	}
	a, bm, c := benchBatchFloats(m*k), benchBatchFloats(k*n), make([]float32, m*n)
	var bufs []*wgpu.Buffer
	for _, v := range [][]float32{a, bm, c} {
		buf, err := b.d.buffer("bench", uint64(4*len(v)), usageStorage)
		if err != nil {
			return 0, 0, err
		}
		defer buf.Release()
		if err := b.d.write(buf, 0, bytesOf(v)); err != nil {
			return 0, 0, err
		}
		bufs = append(bufs, buf)
	}
	g, err := b.d.bind(b.k["matmul"], ub, bufs[0], bufs[1], bufs[0], bufs[2])
	if err != nil {
		return 0, 0, err
	}
	defer g.Release()
	x, y, z := shaders.MatMulGrid(m, n)
	run := func(reps int) (time.Duration, error) {
		t0 := time.Now()
		e, err := b.d.encoder()
		if err != nil {
			return 0, err
		}
		for i := 0; i < reps; i++ {
			e.dispatch(b.k["matmul"].pipes["matmul"], g, x, y, z)
		}
		e.copy(bufs[2], 0, b.readDone, 0, 16)
		if err := e.submit(); err != nil {
			return 0, err
		}
		err = b.d.mapRead(b.readDone, 16, func([]byte) {})
		return time.Since(t0), err
	}
	if _, err := run(1); err != nil { // warm-up
		return 0, 0, err
	}
	flop := 2 * float64(m) * float64(k) * float64(n)
	reps := 1
	for {
		d, err := run(reps)
		if err != nil {
			return 0, 0, err
		}
		if d > 300*time.Millisecond || reps >= 1<<12 || (quick && d > 50*time.Millisecond) {
			gpu = flop * float64(reps) / d.Seconds() / 1e9
			break
		}
		reps *= 4
	}
	t0 := time.Now()
	u.Run(a, bm, nil, c)
	cpu = flop / time.Since(t0).Seconds() / 1e9
	return gpu, cpu, nil
}

func benchBatchFloats(n int) []float32 {
	x, _ := benchBatch(1, n, 2, 3)
	return x
}

// benchStep times one BCP step on a batch of 100 on both backends and
// returns the seconds per step and the mean steps per pass.
func benchStep(hidden, k, nE int, quick bool) (gpu, cpu, steps float64, err error) {
	const n = 100
	x, y := benchBatch(n, 784, 10, 2)
	time1 := func(be static.Backend, net *static.Network) (float64, float64, error) {
		g := zeros2(net)
		out := &static.StepOutput{YhatOL: make([]float32, n*10), YhatCL: make([]float32, n*10)}
		if err := be.Step(x, y, n, g, out); err != nil { // warm-up
			return 0, 0, err
		}
		reps := 3
		if quick {
			reps = 1
		}
		t0 := time.Now()
		for i := 0; i < reps; i++ {
			if err := be.Step(x, y, n, g, out); err != nil {
				return 0, 0, err
			}
		}
		return time.Since(t0).Seconds() / float64(reps), (out.OL.MeanSteps() + out.CL.MeanSteps()) / 2, nil
	}
	net := benchNet(hidden, k, nE, 784)
	gb, err := NewBackend(net, Options{})
	if err != nil {
		return 0, 0, 0, err
	}
	defer gb.Close()
	if gpu, steps, err = time1(gb, net); err != nil {
		return 0, 0, 0, err
	}
	cb, _ := static.NewCPU(net)
	cpu, _, err = time1(cb, net)
	return gpu, cpu, steps, err
}

// benchEpoch times one epoch of BCP training (10 batches of 100, then
// open-loop evaluation of 100 training and 100 validation samples) of the
// small network on both backends.
func benchEpoch() (gpu, cpu float64, err error) {
	x, y := benchBatch(1200, 784, 10, 4)
	epoch := func(mk func(net *static.Network) (static.Backend, error)) (float64, error) {
		net := benchNet(2, 16, 4, 784)
		be, err := mk(net)
		if err != nil {
			return 0, err
		}
		defer be.Close()
		m := train.NewBCP(net, be)
		yh := make([]float32, 100*10)
		t0 := time.Now()
		for b := 0; b < 10; b++ {
			if _, _, _, err := m.Step(x[b*78400:(b+1)*78400], y[b*1000:(b+1)*1000], 100); err != nil {
				return 0, err
			}
		}
		for b := 10; b < 12; b++ {
			if _, err := m.Predict(x[b*78400:(b+1)*78400], 100, yh); err != nil {
				return 0, err
			}
		}
		return time.Since(t0).Seconds(), nil
	}
	if gpu, err = epoch(func(net *static.Network) (static.Backend, error) {
		return NewBackend(net, Options{})
	}); err != nil {
		return 0, 0, err
	}
	cpu, err = epoch(func(net *static.Network) (static.Backend, error) { return static.NewCPU(net) })
	return gpu, cpu, err
}
