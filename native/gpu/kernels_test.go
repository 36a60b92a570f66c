package gpu

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/cogentcore/webgpu/wgpu"

	"bcp/core/static"
	"bcp/shaders"
)

// harness runs single solver kernels on buffers filled from a
// shaders.Buffers and reads every writable buffer back.
type harness struct {
	t   *testing.T
	b   *Backend
	ly  *shaders.Layout
	n   int
	buf *shaders.Buffers
}

// newHarness makes a backend for net and random, non-zero buffers for n
// samples: state, stage values, feedback weights, targets and labels.
func newHarness(t *testing.T, net *static.Network, n int) *harness {
	b := openOrSkip(t, net)
	if err := b.ensure(n); err != nil {
		t.Fatal(err)
	}
	ly := b.ly
	buf := shaders.NewBuffers(ly, n)
	ly.PackParams(net.Params, buf.Params)
	r := rand.New(rand.NewPCG(11, 12))
	fill := func(v []float32, scale float64) {
		for i := range v {
			v[i] = float32(scale * r.NormFloat64())
		}
	}
	fill(buf.Inp, 1)
	fill(buf.FB, 0.5)
	fill(buf.Work, 0.5)
	fill(buf.K, 2)
	for s := 0; s < n; s++ {
		tg := buf.Work[s*ly.WS+ly.OffTgt : s*ly.WS+ly.OffTgt+ly.Out]
		for o := range tg {
			tg[o] = float32(r.Float64())
		}
		buf.Ctl[s] = shaders.Ctl{T: float32(r.Float64()), Dt: 1e-3, H: float32(1e-3 + 1e-3*r.Float64()),
			Prev1: float32(0.5 + r.Float64()), Prev2: float32(0.5 + r.Float64()),
			Steps: uint32(r.IntN(10)), Accepted: 3, Rejected: 1}
	}
	return &harness{t: t, b: b, ly: ly, n: n, buf: buf}
}

// upload writes the harness buffers to the GPU.
func (h *harness) upload(p *shaders.Solver) {
	b := h.b
	must(h.t, b.d.write(b.params, 0, bytesOf(h.buf.Params)))
	must(h.t, b.d.write(b.inp, 0, bytesOf(h.buf.Inp)))
	must(h.t, b.d.write(b.fb, 0, bytesOf(h.buf.FB)))
	must(h.t, b.d.write(b.work, 0, bytesOf(h.buf.Work)))
	must(h.t, b.d.write(b.kst, 0, bytesOf(h.buf.K)))
	must(h.t, b.d.write(b.ctl, 0, unsafe.Slice((*byte)(unsafe.Pointer(&h.buf.Ctl[0])),
		len(h.buf.Ctl)*int(unsafe.Sizeof(shaders.Ctl{})))))
	must(h.t, b.d.write(b.done, 0, make([]byte, 16)))
	must(h.t, b.d.write(b.uOL, 0, structBytes(p)))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// gpuBuffers is what a kernel left in the GPU buffers.
type gpuBuffers struct {
	fb, work, k []float32
	ctl         []shaders.Ctl
	done        uint32
}

// run dispatches entry of kernel with grid (x, y, z) and reads back.
func (h *harness) run(kernel, entry string, x, y, z uint32) gpuBuffers {
	b := h.b
	e, err := b.d.encoder()
	must(h.t, err)
	e.dispatch(b.k[kernel].pipes[entry], b.bgOL, x, y, z)
	must(h.t, e.submit())
	out := gpuBuffers{
		fb: make([]float32, len(h.buf.FB)), work: make([]float32, len(h.buf.Work)),
		k: make([]float32, len(h.buf.K)), ctl: make([]shaders.Ctl, h.n)}
	h.read(b.fb, out.fb)
	h.read(b.work, out.work)
	h.read(b.kst, out.k)
	ctl := make([]float32, h.n*int(unsafe.Sizeof(shaders.Ctl{}))/4)
	h.read(b.ctl, ctl)
	copy(unsafe.Slice((*float32)(unsafe.Pointer(&out.ctl[0])), len(ctl)), ctl)
	d := make([]float32, 4)
	h.read(b.done, d)
	out.done = math.Float32bits(d[0])
	return out
}

// read copies the start of a GPU buffer into dst.
func (h *harness) read(src *wgpu.Buffer, dst []float32) {
	b := h.b
	size := uint64(4 * len(dst))
	st, err := b.d.buffer("test-read", size, usageRead)
	must(h.t, err)
	defer st.Release()
	e, err := b.d.encoder()
	must(h.t, err)
	e.copy(src, 0, st, 0, (size+3)&^3)
	must(h.t, e.submit())
	must(h.t, b.d.mapRead(st, size, func(p []byte) { floatsOf(dst, p) }))
}

// compare checks got against want with a tolerance relative to the
// largest reference value (plus floor).
func compare(t *testing.T, what string, got, want []float32, rel, floor float64) {
	t.Helper()
	var d, m float64
	at := 0
	for i := range want {
		if e := math.Abs(float64(got[i]) - float64(want[i])); e > d || math.IsNaN(e) {
			d, at = e, i
		}
		m = math.Max(m, math.Abs(float64(want[i])))
	}
	if !(d <= rel*m+floor) {
		t.Errorf("%s: max difference %.3g at %d (%v vs %v), scale %.3g", what, d, at, got[at], want[at], m)
	}
}

func kernelNet(t *testing.T, cfg static.Config) *static.Network {
	return newTestNet(t, cfg, 7, 3)
}

// Tolerance of the solver kernels: float32 results whose sums run in the
// same order, but the GPU may fuse multiply-adds and evaluates exp, pow,
// tanh and sqrt to within a few ulp; 1e-5 of the scale covers that.
const kernelTol = 1e-5

// TestRHSKernel evaluates one right-hand side, through init with the state
// kept (not zeroed), in open and closed loop, and compares k_1.
func TestRHSKernel(t *testing.T) {
	for _, closed := range []bool{false, true} {
		cfg := tinyConfig(2, 5)
		cfg.Controller = "pid"
		cfg.Kd = 0.1
		net := kernelNet(t, cfg)
		h := newHarness(t, net, 5)
		p := shaders.NewSolver(h.ly, &cfg, h.n, h.n, closed)
		p.ZeroState = 0
		first := shaders.FirstDrive(h.ly, h.n)
		first.Run(h.buf.Inp, h.buf.Params, h.buf.Params, h.buf.Work)
		h.upload(&p)
		x, y, z := shaders.Grid(h.n)
		got := h.run("init", "init", x, y, z)
		for s := 0; s < h.n; s++ {
			p.Init(h.buf, s)
		}
		compare(t, "k1", got.k, h.buf.K, kernelTol, 0)
		if got.done != h.buf.Done {
			t.Errorf("done %d, reference %d", got.done, h.buf.Done)
		}
		for s := range got.ctl {
			if got.ctl[s] != h.buf.Ctl[s] {
				t.Errorf("closed=%v sample %d: ctl %+v, reference %+v", closed, s, got.ctl[s], h.buf.Ctl[s])
			}
		}
	}
}

// TestStageKernels runs each Tsit5 stage on random stages and states.
func TestStageKernels(t *testing.T) {
	cfg := tinyConfig(2, 5)
	net := kernelNet(t, cfg)
	h := newHarness(t, net, 5)
	p := shaders.NewSolver(h.ly, &cfg, h.n, h.n, true)
	h.buf.Ctl[2].Status = shaders.Steady // a finished sample is skipped
	for j := 2; j <= 7; j++ {
		h.upload(&p)
		x, y, z := shaders.Grid(h.n)
		got := h.run("stage", "stage"+string(rune('0'+j)), x, y, z)
		want := append([]float32(nil), h.buf.K...)
		work := append([]float32(nil), h.buf.Work...)
		ref := *h.buf
		ref.K, ref.Work = want, work
		for s := 0; s < h.n; s++ {
			p.Stage(&ref, j, s)
		}
		compare(t, "stage "+string(rune('0'+j))+" k", got.k, want, kernelTol, 0)
		compare(t, "stage "+string(rune('0'+j))+" state", got.work, work, kernelTol, 0)
	}
}

// TestControlKernel runs the error estimate and step-size control on
// random stages, with steps that are kept and rejected.
func TestControlKernel(t *testing.T) {
	cfg := tinyConfig(1, 4)
	cfg.Controller = "pid"
	cfg.Kd = 0.1
	net := kernelNet(t, cfg)
	const n = 8
	h := newHarness(t, net, n)
	p := shaders.NewSolver(h.ly, &cfg, n, n, true)
	// Make the stages differ from ynew by amounts that give ε around 1:
	// scale the stage values per sample.
	S := h.ly.S
	for s := 0; s < n; s++ {
		f := float32(math.Pow(10, float64(s)/2-2.5))
		for i := 0; i < 7*S; i++ {
			h.buf.K[s*7*S+i] *= f
		}
	}
	h.buf.Ctl[n-1].AtMin = 1
	h.buf.Ctl[n-2].Clipped = 1
	h.upload(&p)
	x, y, z := shaders.Grid(n)
	got := h.run("control", "control_step", x, y, z)
	for s := 0; s < n; s++ {
		p.Control(h.buf, s)
	}
	kept := 0
	for s := 0; s < n; s++ {
		g, w := got.ctl[s], h.buf.Ctl[s]
		if g.Accepted != w.Accepted || g.Rejected != w.Rejected || g.Status != w.Status || g.Steps != w.Steps {
			t.Errorf("sample %d: ctl %+v, reference %+v", s, g, w)
		}
		kept += int(w.Accepted) - 3
		for _, v := range [][2]float32{{g.T, w.T}, {g.Dt, w.Dt}, {g.H, w.H}, {g.Eps, w.Eps},
			{g.Prev1, w.Prev1}, {g.Prev2, w.Prev2}} {
			if math.Abs(float64(v[0]-v[1])) > 1e-5*math.Abs(float64(v[1])) {
				t.Errorf("sample %d: ctl %+v, reference %+v", s, g, w)
				break
			}
		}
	}
	if kept == 0 || kept == n {
		t.Errorf("%d of %d steps kept; the test should see both outcomes", kept, n)
	}
	compare(t, "state", got.work, h.buf.Work, kernelTol, 0)
	compare(t, "stages", got.k, h.buf.K, kernelTol, 0)
}

// TestTargetsKernel prepares closed loops with nudged targets and PID.
func TestTargetsKernel(t *testing.T) {
	cfg := tinyConfig(2, 5)
	cfg.Controller, cfg.Kd, cfg.Targets = "pid", 0.1, "nudged"
	net := kernelNet(t, cfg)
	h := newHarness(t, net, 5)
	p := shaders.NewSolver(h.ly, &cfg, h.n, h.n, true)
	h.upload(&p)
	x, y, z := shaders.Grid(h.n)
	got := h.run("targets", "targets", x, y, z)
	for s := 0; s < h.n; s++ {
		p.Targets(h.buf, s)
	}
	compare(t, "work", got.work, h.buf.Work, kernelTol, 0)
}

// TestFeedbackKernels computes feedback weights, their batch mean and
// their clipping and normalisation, on random states with active and
// inactive neurons.
func TestFeedbackKernels(t *testing.T) {
	for _, name := range []string{"feedback", "fbmean", "fbshape"} {
		cfg := tinyConfig(3, 5)
		cfg.Overlap = 20
		cfg.FBClip, cfg.NormFB, cfg.FBScale = true, true, 0.3
		net := kernelNet(t, cfg)
		h := newHarness(t, net, 6)
		p := shaders.NewSolver(h.ly, &cfg, h.n, h.n, false)
		h.upload(&p)
		x, y, z := shaders.Grid(h.n)
		if name == "fbmean" {
			x, y, z = shaders.GridFlat(h.ly.FBS, h.b.consts.WG)
		}
		got := h.run(name, name, x, y, z)
		switch name {
		case "fbmean":
			p.FBMean(h.buf)
		default:
			for s := 0; s < h.n; s++ {
				if name == "feedback" {
					p.Feedback(h.buf, s)
				} else {
					p.FBShape(h.buf, s)
				}
			}
		}
		compare(t, name+" B", got.fb, h.buf.FB, kernelTol, 0)
	}
}

// TestLocalErrKernel computes local errors and what the directions need.
func TestLocalErrKernel(t *testing.T) {
	for _, rate := range []bool{false, true} {
		cfg := tinyConfig(2, 5)
		if rate {
			cfg.LocalError = "rate"
		}
		net := kernelNet(t, cfg)
		h := newHarness(t, net, 5)
		p := shaders.NewSolver(h.ly, &cfg, h.n, h.n, true)
		first := shaders.FirstDrive(h.ly, h.n)
		first.Run(h.buf.Inp, h.buf.Params, h.buf.Params, h.buf.Work)
		h.upload(&p)
		x, y, z := shaders.Grid(h.n)
		got := h.run("localerr", "localerr", x, y, z)
		for s := 0; s < h.n; s++ {
			p.LocalErr(h.buf, s)
		}
		compare(t, "work", got.work, h.buf.Work, kernelTol, 0)
	}
}

// TestStepKernel runs the fused step (stages and control in one dispatch)
// on random stages.
func TestStepKernel(t *testing.T) {
	cfg := tinyConfig(2, 5)
	net := kernelNet(t, cfg)
	const n = 6
	h := newHarness(t, net, n)
	p := shaders.NewSolver(h.ly, &cfg, n, n, false)
	h.buf.Ctl[1].Status = shaders.Horizon
	h.upload(&p)
	x, y, z := shaders.Grid(n)
	got := h.run("step", "step", x, y, z)
	for s := 0; s < n; s++ {
		p.Step(h.buf, s)
	}
	for s := 0; s < n; s++ {
		g, w := got.ctl[s], h.buf.Ctl[s]
		if g.Accepted != w.Accepted || g.Rejected != w.Rejected || g.Status != w.Status ||
			math.Abs(float64(g.Dt-w.Dt)) > 1e-5*float64(w.Dt) {
			t.Errorf("sample %d: ctl %+v, reference %+v", s, g, w)
		}
	}
	compare(t, "state", got.work, h.buf.Work, kernelTol, 0)
	compare(t, "stages", got.k, h.buf.K, kernelTol, 0)
}
