package gpu

import (
	"encoding/binary"
	"fmt"
	"time"
	"unsafe"

	"github.com/cogentcore/webgpu/wgpu"

	"bcp/core/static"
	"bcp/shaders"
)

// Options tune the backend; the zero value gives the defaults.
type Options struct {
	// StepsPerSubmit is the largest number of Runge–Kutta steps recorded
	// per submit before the host reads the done counter (default 32). The
	// backend starts lower and adapts the number so that a submit keeps the
	// GPU busy for about submitTarget: wgpu-native declares a device stuck
	// when one submission runs for more than 5 s, which a software adapter
	// reaches with large layers.
	StepsPerSubmit int
	// HardwareOnly refuses software adapters.
	HardwareOnly bool
	// SplitSteps records each step as seven dispatches (six stages and the
	// control) instead of one fused step dispatch; the results are the same.
	SplitSteps bool
	// Workgroup is the workgroup size of the per-sample kernels, a power of
	// two; 0 picks 128 on hardware adapters and 8 (one SIMD row) on
	// software ones, where wider workgroups only add synchronisation.
	Workgroup int
}

// Backend is the WebGPU implementation of static.Backend.
type Backend struct {
	net    *static.Network
	ly     *shaders.Layout
	d      *device
	consts shaders.Consts
	k      map[string]*kernel
	chunk  int // most steps per submit
	adapt  int // steps per submit now
	split  bool

	cap, maxCap int
	sized       []interface{ Release() } // what depends on the capacity

	// Buffers that do not depend on the capacity.
	netBuf, params, grad, uOL, uCL, uA1, done, readDone *wgpu.Buffer
	uDir                                                []*wgpu.Buffer
	// Buffers and bind groups sized for cap samples.
	inp, fb, work, kst, ctl, readBack *wgpu.Buffer
	bgOL, bgCL, bgA1                  *wgpu.BindGroup
	bgDir                             []*wgpu.BindGroup

	host    []float32 // parameters, packed
	ctlHost []shaders.Ctl
	outs    []float32
	gHost   []float32
}

// NewBackend opens a WebGPU device and prepares the kernels for net. It
// fails with an error wrapping ErrNoAdapter when no adapter fits.
func NewBackend(net *static.Network, o Options) (*Backend, error) {
	if net.Cfg.Integrator != "tsit5" {
		return nil, fmt.Errorf("the GPU backend integrates with tsit5 only, not %q; use --device cpu",
			net.Cfg.Integrator)
	}
	ly, err := shaders.NewLayout(net)
	if err != nil {
		return nil, err
	}
	if o.Workgroup < 0 || o.Workgroup&(o.Workgroup-1) != 0 {
		return nil, fmt.Errorf("gpu: workgroup size %d is not a power of two", o.Workgroup)
	}
	d, err := openDevice(o.HardwareOnly)
	if err != nil {
		return nil, err
	}
	wg := o.Workgroup
	if wg == 0 {
		wg = shaders.WG
		if !d.adapter.Hardware {
			wg = 8
		}
	}
	c := shaders.ConstsFor(ly, wg)
	if need := uint32(c.WorkgroupBytes()); need > d.limits.MaxComputeWorkgroupStorageSize {
		d.release()
		return nil, fmt.Errorf("adapter %s offers %d bytes of workgroup memory, the network needs %d "+
			"(fewer ensembles per layer fit)", d.adapter, d.limits.MaxComputeWorkgroupStorageSize, need)
	}
	b := &Backend{net: net, ly: ly, d: d, consts: c, k: map[string]*kernel{},
		chunk: o.StepsPerSubmit, split: o.SplitSteps, host: make([]float32, ly.ParamLen), gHost: make([]float32, ly.ParamLen)}
	if b.chunk <= 0 {
		b.chunk = 32
	}
	b.adapt = min(b.chunk, 4)
	if err := b.setup(); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// Adapter describes the adapter the backend runs on.
func (b *Backend) Adapter() Adapter { return b.d.adapter }

// Name implements static.Backend.
func (b *Backend) Name() string { return "gpu: " + b.d.adapter.String() }

func (b *Backend) setup() error {
	for _, k := range shaders.Kernels {
		kk, err := b.d.compile(k.Name, b.consts)
		if err != nil {
			return err
		}
		b.k[k.Name] = kk
	}
	ly := b.ly
	var err error
	mk := func(label string, size int, usage wgpu.BufferUsage) *wgpu.Buffer {
		if err != nil {
			return nil
		}
		var buf *wgpu.Buffer
		buf, err = b.d.buffer(label, uint64(size), usage)
		return buf
	}
	b.netBuf = mk("net", 4*len(ly.Net), usageStorage)
	b.params = mk("params", 4*ly.ParamLen, usageStorage)
	b.grad = mk("directions", 4*ly.ParamLen, usageStorage)
	b.uOL = mk("solver-ol", int(unsafe.Sizeof(shaders.Solver{})), usageUniform)
	b.uCL = mk("solver-cl", int(unsafe.Sizeof(shaders.Solver{})), usageUniform)
	b.uA1 = mk("matmul-a1", int(unsafe.Sizeof(shaders.MatMul{})), usageUniform)
	b.done = mk("done", 16, usageStorage)
	b.readDone = mk("read-done", 16, usageRead)
	for range shaders.Directions(ly, b.net, 1) {
		b.uDir = append(b.uDir, mk("directions", int(unsafe.Sizeof(shaders.MatMul{})), usageUniform))
	}
	if err != nil {
		return err
	}
	if err := b.d.write(b.netBuf, 0, bytesOf(ly.Net)); err != nil {
		return err
	}

	// The largest buffer per sample bounds the batch that fits the limits.
	per := 4 * max(7*ly.S, ly.WS, ly.FBS, ly.In+ly.Out)
	b.maxCap = int(min(b.d.limits.MaxStorageBufferBindingSize, b.d.limits.MaxBufferSize) / uint64(per))
	b.maxCap = min(b.maxCap, shaders.MaxGroups*shaders.MaxGroups)
	if b.maxCap < 1 {
		return fmt.Errorf("gpu: one sample needs %d bytes, more than adapter %s binds", per, b.d.adapter)
	}
	return nil
}

// ensure sizes the per-sample buffers for at least n samples.
func (b *Backend) ensure(n int) error {
	if n <= b.cap {
		return nil
	}
	if n > b.maxCap {
		return fmt.Errorf("gpu: a batch of %d samples exceeds what adapter %s binds (%d); lower --batch",
			n, b.d.adapter, b.maxCap)
	}
	for _, r := range b.sized {
		r.Release()
	}
	b.sized = nil
	ly := b.ly
	var err error
	mk := func(label string, size int, usage wgpu.BufferUsage) *wgpu.Buffer {
		if err != nil {
			return nil
		}
		var buf *wgpu.Buffer
		if buf, err = b.d.buffer(label, uint64(size), usage); err == nil {
			b.sized = append(b.sized, buf)
		}
		return buf
	}
	b.inp = mk("inputs", 4*n*(ly.In+ly.Out), usageStorage)
	b.fb = mk("feedback", 4*n*ly.FBS, usageStorage)
	b.work = mk("work", 4*n*ly.WS, usageStorage)
	b.kst = mk("stages", 4*n*7*ly.S, usageStorage)
	b.ctl = mk("ctl", n*int(unsafe.Sizeof(shaders.Ctl{})), usageStorage)
	b.readBack = mk("read-back", b.readBackSize(n), usageRead)
	if err != nil {
		return err
	}
	bind := func(k string, bufs ...*wgpu.Buffer) *wgpu.BindGroup {
		if err != nil {
			return nil
		}
		var g *wgpu.BindGroup
		if g, err = b.d.bind(b.k[k], bufs...); err == nil {
			b.sized = append(b.sized, g)
		}
		return g
	}
	b.bgOL = bind("init", b.uOL, b.netBuf, b.params, b.inp, b.fb, b.work, b.kst, b.ctl, b.done)
	b.bgCL = bind("init", b.uCL, b.netBuf, b.params, b.inp, b.fb, b.work, b.kst, b.ctl, b.done)
	b.bgA1 = bind("matmul", b.uA1, b.inp, b.params, b.params, b.work)
	b.bgDir = b.bgDir[:0]
	for i, dir := range shaders.Directions(ly, b.net, 1) {
		if dir.MatMul == nil {
			b.bgDir = append(b.bgDir, bind("batchmean", b.uDir[i], b.work, b.grad))
			continue
		}
		src := b.work
		if dir.FromInputs {
			src = b.inp
		}
		b.bgDir = append(b.bgDir, bind("matmul", b.uDir[i], b.work, src, b.params, b.grad))
	}
	if err != nil {
		return err
	}
	b.cap = n
	b.ctlHost = make([]shaders.Ctl, n)
	b.outs = make([]float32, n*max(ly.OutLen(), ly.Out))
	return nil
}

// readBackSize is the size of the read-back buffer: controller records,
// then per-sample outputs, then the directions.
func (b *Backend) readBackSize(n int) int {
	ly := b.ly
	return n*int(unsafe.Sizeof(shaders.Ctl{})) + 4*n*max(ly.OutLen(), ly.Out) + 4*ly.ParamLen
}

// Close implements static.Backend.
func (b *Backend) Close() error {
	for _, r := range b.sized {
		r.Release()
	}
	b.sized = nil
	for _, buf := range append([]*wgpu.Buffer{b.netBuf, b.params, b.grad, b.uOL, b.uCL, b.uA1,
		b.done, b.readDone}, b.uDir...) {
		if buf != nil {
			buf.Release()
		}
	}
	b.uDir = nil
	for _, k := range b.k {
		k.release()
	}
	b.k = map[string]*kernel{}
	if b.d != nil {
		b.d.release()
	}
	return nil
}

// upload writes the parameters, the inputs and (if not nil) the labels of
// n samples, and the uniforms of the first-layer drive and the passes.
func (b *Backend) upload(x, y []float32, n int) error {
	if b.d.lost != nil {
		return b.d.lost
	}
	ly := b.ly
	ly.PackParams(b.net.Params, b.host)
	cfg := &b.net.Cfg
	ol := shaders.NewSolver(ly, cfg, n, b.cap, false)
	cl := shaders.NewSolver(ly, cfg, n, b.cap, true)
	a1 := shaders.FirstDrive(ly, n)
	for _, w := range []struct {
		buf  *wgpu.Buffer
		off  int
		data []byte
	}{
		{b.params, 0, bytesOf(b.host)},
		{b.inp, 0, bytesOf(x[:n*ly.In])},
		{b.uOL, 0, structBytes(&ol)},
		{b.uCL, 0, structBytes(&cl)},
		{b.uA1, 0, structBytes(&a1)},
	} {
		if err := b.d.write(w.buf, uint64(w.off), w.data); err != nil {
			return err
		}
	}
	if y != nil {
		if err := b.d.write(b.inp, uint64(4*b.cap*ly.In), bytesOf(y[:n*ly.Out])); err != nil {
			return err
		}
	}
	return nil
}

// perSample dispatches a solver kernel's entry with one workgroup per
// sample.
func (b *Backend) perSample(e *encoder, kernel, entry string, bg *wgpu.BindGroup, n int) {
	x, y, z := shaders.Grid(n)
	e.dispatch(b.k[kernel].pipes[entry], bg, x, y, z)
}

// steps records m attempted Runge–Kutta steps for n samples.
func (b *Backend) steps(e *encoder, bg *wgpu.BindGroup, n, m int) {
	for i := 0; i < m; i++ {
		if !b.split {
			b.perSample(e, "step", "step", bg, n)
			continue
		}
		for j := 2; j <= 7; j++ {
			b.perSample(e, "stage", fmt.Sprintf("stage%d", j), bg, n)
		}
		b.perSample(e, "control", "control_step", bg, n)
	}
}

// solve integrates n samples until every one has finished: pre records
// what must run first (in the same submit), then init and batches of
// steps, reading back only the done counter after each submit.
func (b *Backend) solve(bg *wgpu.BindGroup, n int, pre func(e *encoder)) error {
	e, err := b.d.encoder()
	if err != nil {
		return err
	}
	e.clear(b.done, 0, 16)
	if pre != nil {
		pre(e)
	}
	b.perSample(e, "init", "init", bg, n)
	limit := b.net.Cfg.MaxSteps + 1
	for attempted := 0; ; {
		m := min(b.adapt, limit-attempted)
		b.steps(e, bg, n, m)
		attempted += m
		e.copy(b.done, 0, b.readDone, 0, 16)
		t0 := time.Now()
		if err := e.submit(); err != nil {
			return err
		}
		var cnt uint32
		if err := b.d.mapRead(b.readDone, 16, func(p []byte) { cnt = binary.LittleEndian.Uint32(p) }); err != nil {
			return err
		}
		b.tune(m, time.Since(t0))
		if int(cnt) >= n {
			return nil
		}
		if attempted >= limit {
			return fmt.Errorf("gpu: %d of %d samples still integrating after %d steps (the step limit)",
				n-int(cnt), n, attempted)
		}
		if e, err = b.d.encoder(); err != nil {
			return err
		}
	}
}

// submitTarget is the GPU time one submit of solver steps aims at.
const submitTarget = 250 * time.Millisecond

// tune adapts the steps per submit after a submit of m steps took d.
func (b *Backend) tune(m int, d time.Duration) {
	switch {
	case d > 4*submitTarget:
		b.adapt = max(1, m/4)
	case d > 2*submitTarget:
		b.adapt = max(1, m/2)
	case d < submitTarget/2 && m == b.adapt:
		b.adapt = min(b.chunk, 2*b.adapt)
	}
}

// Predict implements static.Backend.
func (b *Backend) Predict(x []float32, n int, yhat []float32) (static.PassStats, error) {
	var st static.PassStats
	ly := b.ly
	d := ly.Out
	for off := 0; off < n; off += b.maxCap {
		m := min(n-off, b.maxCap)
		if err := b.ensure(m); err != nil {
			return st, err
		}
		if err := b.upload(x[off*ly.In:], nil, m); err != nil {
			return st, err
		}
		if err := b.solve(b.bgOL, m, b.firstDrive(m)); err != nil {
			return st, err
		}
		e, err := b.d.encoder()
		if err != nil {
			return st, err
		}
		ctlBytes := uint64(m) * uint64(unsafe.Sizeof(shaders.Ctl{}))
		e.copy(b.ctl, 0, b.readBack, 0, ctlBytes)
		outOff := uint64(b.cap) * uint64(unsafe.Sizeof(shaders.Ctl{}))
		for s := 0; s < m; s++ {
			e.copy(b.work, uint64(4*(s*ly.WS+ly.OffO)), b.readBack, outOff+uint64(4*s*d), uint64(4*d))
		}
		if err := e.submit(); err != nil {
			return st, err
		}
		err = b.d.mapRead(b.readBack, outOff+uint64(4*m*d), func(p []byte) {
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&b.ctlHost[0])), ctlBytes), p)
			floatsOf(yhat[off*d:(off+m)*d], p[outOff:outOff+uint64(4*m*d)])
		})
		if err != nil {
			return st, err
		}
		for _, c := range b.ctlHost[:m] {
			st.Add(shaders.CtlStats(c))
		}
	}
	return st, nil
}

// firstDrive records a_1 = W_1 x + b_1.
func (b *Backend) firstDrive(n int) func(e *encoder) {
	return func(e *encoder) {
		x, y, z := shaders.MatMulGrid(n, b.ly.K[0])
		e.dispatch(b.k["matmul"].pipes["matmul"], b.bgA1, x, y, z)
	}
}

// Step implements static.Backend.
func (b *Backend) Step(x, y []float32, n int, g [][]float32, out *static.StepOutput) error {
	if err := b.ensure(n); err != nil {
		return err
	}
	if err := b.upload(x, y, n); err != nil {
		return err
	}
	ly := b.ly
	cfg := &b.net.Cfg

	// 1. Open loop.
	if err := b.solve(b.bgOL, n, b.firstDrive(n)); err != nil {
		return err
	}

	// 2–4. Feedback weights, targets and the closed loop, in one stream.
	pre := func(e *encoder) {
		b.perSample(e, "feedback", "feedback", b.bgOL, n)
		if cfg.FBAverage {
			x, y, z := shaders.GridFlat(ly.FBS, b.consts.WG)
			e.dispatch(b.k["fbmean"].pipes["fbmean"], b.bgOL, x, y, z)
		}
		if cfg.FBClip || cfg.NormFB {
			b.perSample(e, "fbshape", "fbshape", b.bgOL, n)
		}
		b.perSample(e, "targets", "targets", b.bgCL, n)
	}
	if err := b.solve(b.bgCL, n, pre); err != nil {
		return err
	}

	// 5–6. Local errors and batch-mean directions, then one read-back.
	dirs := shaders.Directions(ly, b.net, n)
	for i, dir := range dirs {
		var data []byte
		if dir.MatMul != nil {
			data = structBytes(dir.MatMul)
		} else {
			data = structBytes(dir.Mean)
		}
		if err := b.d.write(b.uDir[i], 0, data); err != nil {
			return err
		}
	}
	e, err := b.d.encoder()
	if err != nil {
		return err
	}
	b.perSample(e, "localerr", "localerr", b.bgCL, n)
	for i, dir := range dirs {
		if dir.MatMul != nil {
			x, y, z := shaders.MatMulGrid(int(dir.MatMul.M), int(dir.MatMul.N))
			e.dispatch(b.k["matmul"].pipes["matmul"], b.bgDir[i], x, y, z)
		} else {
			x, y, z := shaders.GridFlat(int(dir.Mean.Count), b.consts.WG)
			e.dispatch(b.k["batchmean"].pipes["batchmean"], b.bgDir[i], x, y, z)
		}
	}
	ctlBytes := uint64(n) * uint64(unsafe.Sizeof(shaders.Ctl{}))
	e.copy(b.ctl, 0, b.readBack, 0, ctlBytes)
	outOff := uint64(b.cap) * uint64(unsafe.Sizeof(shaders.Ctl{}))
	ol := ly.OutLen()
	for s := 0; s < n; s++ {
		e.copy(b.work, uint64(4*(s*ly.WS+ly.OffOut)), b.readBack, outOff+uint64(4*s*ol), uint64(4*ol))
	}
	gOff := outOff + uint64(4*b.cap*max(ol, ly.Out))
	e.copy(b.grad, 0, b.readBack, gOff, uint64(4*ly.ParamLen))
	if err := e.submit(); err != nil {
		return err
	}
	err = b.d.mapRead(b.readBack, gOff+uint64(4*ly.ParamLen), func(p []byte) {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&b.ctlHost[0])), ctlBytes), p)
		floatsOf(b.outs[:n*ol], p[outOff:outOff+uint64(4*n*ol)])
		floatsOf(b.gHost, p[gOff:gOff+uint64(4*ly.ParamLen)])
	})
	if err != nil {
		return err
	}
	ly.UnpackParams(b.gHost, g)
	shaders.ReadCompactOutputs(ly, b.outs, b.ctlHost, n, out)
	return nil
}
