package static

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"bcp/core/loss"
	"bcp/core/ode"
)

// CPU is the pure-Go backend. Samples of a batch are independent, so they
// are spread over goroutines; every per-sample result lands in its own slot
// and batch sums are taken in sample order, so results do not depend on the
// number of cores.
type CPU struct {
	net     *Network
	loss    loss.Loss
	workers []*worker
	integ   integrator

	// Per-sample storage of a step, grown to the largest batch seen.
	cap     int
	olState [][]float32   // open-loop steady state per sample
	fb      [][][]float32 // B_l per sample and layer (N_I × D)
	delta   [][]float32   // M_Eᵀ e_l per layer (n × K_l)
	hPrev   [][]float32   // h_{l−1} at the closed-loop state per layer l ≥ 2 (n × K_{l−1})
	hLast   []float32     // h_L (n × K_L)
	eOut    []float32     // e_o = z − u_o (n × D)
	target  []float32     // closed-loop targets (n × D)
	locRMS  [][]float64   // per sample and layer
	stats   []solveStats  // per sample
}

// solveStats is how one sample's solve went.
type solveStats struct {
	ode.Stats
	fallback bool
}

type integrator interface {
	Solve(f ode.Func, y []float32, ws *ode.Workspace, accepted func(y, dy []float32)) ode.Stats
}

// NewCPU returns the CPU backend for net, using up to GOMAXPROCS goroutines.
func NewCPU(net *Network) (*CPU, error) {
	c := &net.Cfg
	l, err := loss.New(c.Loss, c.LossShift, c.LossSteep)
	if err != nil {
		return nil, err
	}
	b := &CPU{net: net, loss: l}
	if c.Integrator == "euler" {
		b.integ = &ode.Euler{Dt: c.EulerDt, T: c.Horizon, SteadyTol: c.Atol}
	} else {
		b.integ = &ode.Tsit5{Atol: c.Atol, Rtol: c.Rtol, P: c.PIDP, I: c.PIDI, D: c.PIDD,
			Dt0: c.Dt0, DtMin: c.DtMin, DtMax: c.DtMax, FactorMin: c.FactorMin,
			FactorMax: c.FactorMax, T: c.Horizon, MaxSteps: c.MaxSteps, SteadyTol: c.Atol}
	}
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		b.workers = append(b.workers, newWorker(net, l))
	}
	return b, nil
}

// Name implements Backend.
func (b *CPU) Name() string {
	if len(b.workers) == 1 {
		return "cpu (1 thread)"
	}
	return fmt.Sprintf("cpu (%d threads)", len(b.workers))
}

// Close implements Backend.
func (b *CPU) Close() error { return nil }

func (b *CPU) grow(n int) {
	if n <= b.cap {
		return
	}
	net := b.net
	L := len(net.Layers)
	b.cap = n
	b.olState = make([][]float32, n)
	b.fb = make([][][]float32, n)
	b.locRMS = make([][]float64, n)
	for s := 0; s < n; s++ {
		b.olState[s] = make([]float32, b.workers[0].olLen)
		b.fb[s] = make([][]float32, L)
		for l, ly := range net.Layers {
			b.fb[s][l] = make([]float32, ly.NI*net.Out)
		}
		b.locRMS[s] = make([]float64, L)
	}
	b.delta = make([][]float32, L)
	b.hPrev = make([][]float32, L)
	for l, ly := range net.Layers {
		b.delta[l] = make([]float32, n*ly.K)
		if l > 0 {
			b.hPrev[l] = make([]float32, n*net.Layers[l-1].K)
		}
	}
	b.hLast = make([]float32, n*net.Layers[L-1].K)
	b.eOut = make([]float32, n*net.Out)
	b.target = make([]float32, n*net.Out)
	b.stats = make([]solveStats, n)
}

// parallel runs fn(worker, sample) for every sample, handing samples out
// one at a time.
func (b *CPU) parallel(n int, fn func(w *worker, s int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, w := range b.workers[:min(len(b.workers), n)] {
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			for {
				s := int(next.Add(1)) - 1
				if s >= n {
					return
				}
				fn(w, s)
			}
		}(w)
	}
	wg.Wait()
}

func collect(st []solveStats) PassStats {
	var p PassStats
	for _, s := range st {
		p.Solves++
		p.Steps += s.Accepted
		p.Rejected += s.Rejected
		p.Work += s.Evals
		if s.fallback {
			p.Fallback++
		}
		if s.Failed {
			p.Failures++
		}
		if s.Steady {
			p.Steady++
		}
	}
	return p
}

// Predict implements Backend.
func (b *CPU) Predict(x []float32, n int, yhat []float32) (PassStats, error) {
	b.grow(n)
	in, out := b.net.In, b.net.Out
	b.parallel(n, func(w *worker, s int) {
		b.stats[s] = w.solveOpen(b.integ, x[s*in:(s+1)*in])
		copy(yhat[s*out:(s+1)*out], w.output())
	})
	return collect(b.stats[:n]), nil
}

// Step implements Backend.
func (b *CPU) Step(x, y []float32, n int, g [][]float32, out *StepOutput) error {
	b.grow(n)
	net := b.net
	cfg := &net.Cfg
	in, d := net.In, net.Out

	// 1–2. Open loop and the feedback weights at its steady state.
	b.parallel(n, func(w *worker, s int) {
		b.stats[s] = w.solveOpen(b.integ, x[s*in:(s+1)*in])
		copy(b.olState[s], w.y[:w.olLen])
		copy(out.YhatOL[s*d:(s+1)*d], w.output())
		w.feedbackWeights(b.fb[s])
	})
	out.OL = collect(b.stats[:n])
	b.shapeFeedback(n)

	// 3–5. Targets, closed loop, local errors.
	b.parallel(n, func(w *worker, s int) {
		ys := y[s*d : (s+1)*d]
		tgt := b.target[s*d : (s+1)*d]
		olOut := out.YhatOL[s*d : (s+1)*d]
		if cfg.Targets == "nudged" {
			w.nudge(olOut, ys, tgt)
		} else {
			copy(tgt, ys)
		}
		b.stats[s] = w.solveClosed(b.integ, x[s*in:(s+1)*in], b.olState[s], b.fb[s], tgt)
		copy(out.YhatCL[s*d:(s+1)*d], w.output())
		w.localErrors(s, b)
	})
	out.CL = collect(b.stats[:n])

	// 6. Batch-mean update directions.
	b.directions(x, n, g)
	if out.LocalErr != nil {
		for l := range net.Layers {
			var m float64
			for s := 0; s < n; s++ {
				m += b.locRMS[s][l]
			}
			out.LocalErr[l] = m / float64(n)
		}
	}
	return nil
}

// shapeFeedback applies the optional batch averaging, clipping and
// normalisation of the feedback weights, in that order.
func (b *CPU) shapeFeedback(n int) {
	cfg := &b.net.Cfg
	v := float32(cfg.FBScale)
	for l := range b.net.Layers {
		if cfg.FBAverage {
			mean := b.fb[0][l]
			for s := 1; s < n; s++ {
				for i, x := range b.fb[s][l] {
					mean[i] += x
				}
			}
			for i := range mean {
				mean[i] /= float32(n)
			}
			for s := 1; s < n; s++ {
				copy(b.fb[s][l], mean)
			}
		}
		for s := 0; s < n; s++ {
			B := b.fb[s][l]
			if cfg.FBClip {
				for i, x := range B {
					B[i] = min(max(x, -v), v)
				}
			}
			if cfg.NormFB {
				var q float64
				for _, x := range B {
					q += float64(x) * float64(x)
				}
				if q > 0 {
					scale := float32(float64(v) / math.Sqrt(q))
					for i := range B {
						B[i] *= scale
					}
				}
			}
		}
	}
}

// directions writes g_{W_l} = mean_s δ_l hᵀ_{l−1}, g_{b_l} = mean_s δ_l and
// g_{W_o} = mean_s e_o h_Lᵀ, with δ_l = M_Eᵀ e_l, summing samples in order.
func (b *CPU) directions(x []float32, n int, g [][]float32) {
	net := b.net
	inv := 1 / float32(n)
	type job struct {
		dst        []float32
		left       []float32 // n × rows
		right      []float32 // n × cols
		rows, cols int
	}
	var jobs []job
	for l, ly := range net.Layers {
		right, cols := x, net.In
		if l > 0 {
			right, cols = b.hPrev[l], net.Layers[l-1].K
		}
		jobs = append(jobs, job{g[net.WeightIndex(l)], b.delta[l], right, ly.K, cols})
		if bi := net.BiasIndex(l); bi >= 0 {
			gb := g[bi]
			clear(gb)
			for s := 0; s < n; s++ {
				for k, v := range b.delta[l][s*ly.K : (s+1)*ly.K] {
					gb[k] += v
				}
			}
			for k := range gb {
				gb[k] *= inv
			}
		}
	}
	L := len(net.Layers)
	jobs = append(jobs, job{g[net.ReadoutIndex()], b.eOut, b.hLast, net.Out, net.Layers[L-1].K})

	// Rows of all outer-product sums, handed out to the workers.
	type rowJob struct{ j, r int }
	var rows []rowJob
	for j, jb := range jobs {
		for r := 0; r < jb.rows; r++ {
			rows = append(rows, rowJob{j, r})
		}
	}
	b.parallel(len(rows), func(_ *worker, i int) {
		jb := jobs[rows[i].j]
		r := rows[i].r
		dst := jb.dst[r*jb.cols : (r+1)*jb.cols]
		clear(dst)
		for s := 0; s < n; s++ {
			a := jb.left[s*jb.rows+r]
			if a == 0 {
				continue
			}
			src := jb.right[s*jb.cols : (s+1)*jb.cols]
			for c, v := range src {
				dst[c] += a * v
			}
		}
		for c := range dst {
			dst[c] *= inv
		}
	})
}

// worker holds the buffers of one sample's integration.
type worker struct {
	net  *Network
	loss loss.Loss
	actE activation
	actI activation

	olLen, clLen int // state lengths without and with the controller state
	offE, offI   []int
	offO         int

	y  []float32
	ws ode.Workspace
	f  ode.Func

	a1   []float32 // W_1 x + b_1, fixed during a pass
	lyr  []layerBuf
	z    []float32 // readout drive W_o h_L
	e    []float32 // controller error
	ePrv []float32 // PID: error at the previous accepted step
	c    []float32 // control signal
	tgt  []float32 // closed-loop target
	fb   [][]float32
	cl   bool
	fp   *fixedPoint // nil unless the fixed-point solver is configured
}

type layerBuf struct {
	a, ixe, ixi, rE, rI, inh, h, exc, fbc []float32
	jT                                    []float32 // Jacobian J_l (D × K_l)
	jd                                    []float32 // J_l D_l (D × K_l)
}

func newWorker(net *Network, l loss.Loss) *worker {
	w := &worker{net: net, loss: l,
		actE: activationOf(net.Cfg.ActivationE), actI: activationOf(net.Cfg.ActivationI)}
	off := 0
	for _, ly := range net.Layers {
		w.offE = append(w.offE, off)
		off += ly.NE
		w.offI = append(w.offI, off)
		off += ly.NI
		w.lyr = append(w.lyr, layerBuf{
			a: make([]float32, ly.K), ixe: make([]float32, ly.NE), ixi: make([]float32, ly.NI),
			rE: make([]float32, ly.NE), rI: make([]float32, ly.NI), inh: make([]float32, ly.NE),
			h: make([]float32, ly.K), exc: make([]float32, ly.NI), fbc: make([]float32, ly.NI),
			jT: make([]float32, net.Out*ly.K), jd: make([]float32, net.Out*ly.K),
		})
	}
	w.offO = off
	w.olLen = off + net.Out
	w.clLen = w.olLen
	if net.Cfg.Controller != "p" {
		w.clLen += net.Out
	}
	w.y = make([]float32, w.clLen)
	w.a1 = make([]float32, net.Layers[0].K)
	d := net.Out
	w.z, w.e, w.ePrv, w.c, w.tgt = make([]float32, d), make([]float32, d),
		make([]float32, d), make([]float32, d), make([]float32, d)
	w.f = w.rhs
	if net.Cfg.Solver == "fixedpoint" {
		w.fp = newFixedPoint(w)
	}
	return w
}

// fpEvals converts the fixed-point solver's per-layer work into
// right-hand-side equivalents (one RHS evaluation covers every layer).
func (w *worker) fpEvals() int {
	L := len(w.net.Layers)
	return (w.fp.work + L - 1) / L
}

// fpTol is the fixed-point solver's tolerance on the RMS of the derivative,
// a tenth of the ODE's steady-state threshold.
func (w *worker) fpTol() float64 { return w.net.Cfg.Atol / 10 }

// solveOpen finds the open-loop steady state for input x, by the fixed-point
// solver when configured (integrating instead if it does not converge).
func (w *worker) solveOpen(integ integrator, x []float32) solveStats {
	if w.fp != nil {
		if w.fp.openLoop(x, w.fpTol()) {
			return solveStats{Stats: ode.Stats{Accepted: w.fp.iters, Evals: w.fpEvals(), Steady: true}}
		}
		work := w.fpEvals()
		w.prepare(x)
		st := solveStats{Stats: w.openLoop(integ), fallback: true}
		st.Evals += work
		return st
	}
	w.prepare(x)
	return solveStats{Stats: w.openLoop(integ)}
}

// solveClosed finds the closed-loop steady state from the open-loop state
// ol, like solveOpen. It always prepares the first layer's float32 drive,
// which the local errors read at the closed-loop state.
func (w *worker) solveClosed(integ integrator, x, ol []float32, fb [][]float32, tgt []float32) solveStats {
	w.prepare(x)
	if w.fp != nil {
		w.cl, w.fb = true, fb
		copy(w.tgt, tgt)
		copy(w.y, ol)
		if w.fp.closedLoop(x, fb, tgt, w.fpTol()) {
			return solveStats{Stats: ode.Stats{Accepted: w.fp.iters, Evals: w.fpEvals(), Steady: true}}
		}
		work := w.fpEvals()
		st := solveStats{Stats: w.closedLoop(integ, ol, fb, tgt), fallback: true}
		st.Evals += work
		return st
	}
	return solveStats{Stats: w.closedLoop(integ, ol, fb, tgt)}
}

// prepare computes the fixed first-layer drive a_1 = W_1 x + b_1.
func (w *worker) prepare(x []float32) {
	net := w.net
	matVec(net.W(0), x, w.a1, net.Layers[0].K, net.In)
	if b := net.B(0); b != nil {
		for k := range w.a1 {
			w.a1[k] += b[k]
		}
	}
}

// matVec computes out = M v for a row-major rows×cols matrix.
func matVec(m, v, out []float32, rows, cols int) {
	for r := 0; r < rows; r++ {
		row := m[r*cols : (r+1)*cols]
		var s float32
		for c, x := range row {
			s += x * v[c]
		}
		out[r] = s
	}
}

func (w *worker) output() []float32 { return w.y[w.offO : w.offO+w.net.Out] }

// rhs evaluates the static network (package documentation):
//
//	τ_E du_E/dt = −u_E + M_E a_l − W_IE φ_I(u_I)
//	τ_I du_I/dt = −u_I + M_I a_l + M_I (M_Eᵀ φ_E(u_E))/n_E − B_l c
//	τ_E du_o/dt = −u_o + W_o h_L + c,     h_l = M_Eᵀ φ_E(u_E)
//	τ_c dq/dt   = e − λ q                 (leaky PI and PID)
//
// with a_1 = W_1 x + b_1 and a_l = W_l h_{l−1} + b_l, and c = 0 in open loop.
func (w *worker) rhs(_ float64, y, dy []float32) {
	net := w.net
	cfg := &net.Cfg
	invTE, invTI := float32(1/cfg.TauE), float32(1/cfg.TauI)
	d := net.Out

	uo := y[w.offO : w.offO+d]
	if w.cl {
		w.loss.Error(uo, w.tgt, w.e)
		kp, ki, kd := float32(cfg.Kp), float32(cfg.Ki), float32(cfg.Kd)
		for i := range w.c {
			c := kp * w.e[i]
			switch cfg.Controller {
			case "leaky-pi":
				c += ki * y[w.olLen+i]
			case "pid":
				c += ki*y[w.olLen+i] + kd*(w.e[i]-w.ePrv[i])
			}
			w.c[i] = c
		}
	}

	for l, ly := range net.Layers {
		b := &w.lyr[l]
		if l == 0 {
			copy(b.a, w.a1)
		} else {
			matVec(net.W(l), w.lyr[l-1].h, b.a, ly.K, net.Layers[l-1].K)
			if bias := net.B(l); bias != nil {
				for k := range b.a {
					b.a[k] += bias[k]
				}
			}
		}
		uE := y[w.offE[l] : w.offE[l]+ly.NE]
		uI := y[w.offI[l] : w.offI[l]+ly.NI]
		ly.ME.MulVec(b.a, b.ixe)
		ly.MI.MulVec(b.a, b.ixi)
		w.actE.apply(uE, b.rE)
		w.actI.apply(uI, b.rI)
		ly.WIE.MulVec(b.rI, b.inh)
		ly.ME.MulTVec(b.rE, b.h)
		ly.MI.MulVec(b.h, b.exc)

		duE := dy[w.offE[l] : w.offE[l]+ly.NE]
		for i := range duE {
			duE[i] = (-uE[i] + b.ixe[i] - b.inh[i]) * invTE
		}
		duI := dy[w.offI[l] : w.offI[l]+ly.NI]
		if w.cl {
			matVec(w.fb[l], w.c, b.fbc, ly.NI, d)
			for i := range duI {
				duI[i] = (-uI[i] + b.ixi[i] + b.exc[i]*ly.InvNE - b.fbc[i]) * invTI
			}
		} else {
			for i := range duI {
				duI[i] = (-uI[i] + b.ixi[i] + b.exc[i]*ly.InvNE) * invTI
			}
		}
	}

	L := len(net.Layers)
	matVec(net.Wo(), w.lyr[L-1].h, w.z, d, net.Layers[L-1].K)
	duo := dy[w.offO : w.offO+d]
	for i := range duo {
		v := -uo[i] + w.z[i]
		if w.cl {
			v += w.c[i]
		}
		duo[i] = v * invTE
	}
	if w.cl && len(y) > w.olLen {
		lam, invTC := float32(cfg.Lambda), float32(1/cfg.TauC)
		q := y[w.olLen:]
		dq := dy[w.olLen:]
		for i := range dq {
			dq[i] = (w.e[i] - lam*q[i]) * invTC
		}
	}
}

// openLoop integrates from the zero state without control.
func (w *worker) openLoop(integ integrator) ode.Stats {
	w.cl = false
	y := w.y[:w.olLen]
	clear(y)
	return integ.Solve(w.f, y, &w.ws, nil)
}

// closedLoop continues from the open-loop state ol with the controller on
// (controller state zero), feedback weights fb and target tgt.
func (w *worker) closedLoop(integ integrator, ol []float32, fb [][]float32, tgt []float32) ode.Stats {
	w.cl = true
	w.fb = fb
	copy(w.tgt, tgt)
	y := w.y[:w.clLen]
	copy(y, ol)
	clear(y[w.olLen:])
	var accepted func(y, dy []float32)
	if w.net.Cfg.Controller == "pid" {
		w.loss.Error(y[w.offO:w.offO+w.net.Out], w.tgt, w.ePrv)
		accepted = func(y, _ []float32) { w.loss.Error(y[w.offO:w.offO+w.net.Out], w.tgt, w.ePrv) }
	}
	return integ.Solve(w.f, y, &w.ws, accepted)
}

// nudge writes the weak-feedback target softmax(ŷ + β e) with e the loss
// error at the open-loop output.
func (w *worker) nudge(yhat, y, tgt []float32) {
	w.loss.Error(yhat, y, w.e)
	beta := float32(w.net.Cfg.NudgeBeta)
	m := float32(math.Inf(-1))
	for i := range tgt {
		tgt[i] = yhat[i] + beta*w.e[i]
		m = max(m, tgt[i])
	}
	var s float64
	for i := range tgt {
		v := math.Exp(float64(tgt[i] - m))
		tgt[i] = float32(v)
		s += v
	}
	for i := range tgt {
		tgt[i] = float32(float64(tgt[i]) / s)
	}
}

// feedbackWeights writes B_l = diag(φ_I'(u_I)) M_I J_lᵀ for every layer at
// the current (open-loop steady) state, with J_L = W_o and
// J_l = J_{l+1} D_{l+1} W_{l+1}, D = M_Eᵀ diag(φ_E'(u_E)) M_E.
func (w *worker) feedbackWeights(fb [][]float32) {
	net := w.net
	d := net.Out
	L := len(net.Layers)
	copy(w.lyr[L-1].jT, net.Wo())
	for l := L - 1; l >= 0; l-- {
		ly := net.Layers[l]
		b := &w.lyr[l]
		uI := w.y[w.offI[l] : w.offI[l]+ly.NI]
		B := fb[l]
		for i := 0; i < ly.NI; i++ {
			dphi := w.actI.deriv(uI[i])
			row := B[i*d : (i+1)*d]
			clear(row)
			if dphi == 0 {
				continue
			}
			for e := ly.MI.Ptr[i]; e < ly.MI.Ptr[i+1]; e++ {
				k, m := int(ly.MI.Col[e]), ly.MI.Val[e]*dphi
				for o := 0; o < d; o++ {
					row[o] += m * b.jT[o*ly.K+k]
				}
			}
		}
		if l == 0 {
			break
		}
		// J_{l−1} = (J_l D_l) W_l.
		uE := w.y[w.offE[l] : w.offE[l]+ly.NE]
		clear(b.jd)
		var t [64]float32
		for i := 0; i < ly.NE; i++ {
			dphi := w.actE.deriv(uE[i])
			if dphi == 0 {
				continue
			}
			for o := 0; o < d; o += len(t) {
				span := min(len(t), d-o)
				clear(t[:span])
				for e := ly.ME.Ptr[i]; e < ly.ME.Ptr[i+1]; e++ {
					k, m := int(ly.ME.Col[e]), ly.ME.Val[e]
					for j := 0; j < span; j++ {
						t[j] += b.jT[(o+j)*ly.K+k] * m
					}
				}
				for e := ly.ME.Ptr[i]; e < ly.ME.Ptr[i+1]; e++ {
					k, m := int(ly.ME.Col[e]), ly.ME.Val[e]*dphi
					for j := 0; j < span; j++ {
						b.jd[(o+j)*ly.K+k] += t[j] * m
					}
				}
			}
		}
		prev := net.Layers[l-1]
		next := w.lyr[l-1].jT
		W := net.W(l)
		for o := 0; o < d; o++ {
			dst := next[o*prev.K : (o+1)*prev.K]
			clear(dst)
			for k := 0; k < ly.K; k++ {
				a := b.jd[o*ly.K+k]
				if a == 0 {
					continue
				}
				for j, v := range W[k*prev.K : (k+1)*prev.K] {
					dst[j] += a * v
				}
			}
		}
	}
}

// localErrors evaluates, at the closed-loop steady state in w.y, the local
// errors e_l = W_IE φ_I(u_I) − relu(α I_XE) (or − β_r φ_E(u_E) with
// β_r = α/(1 − α)) and e_o = z − u_o, and stores δ_l = M_Eᵀ e_l and the
// presynaptic activities of sample s for the update directions.
func (w *worker) localErrors(s int, b *CPU) {
	net := w.net
	cfg := &net.Cfg
	w.rhs(0, w.y[:w.clLen], w.ws.Scratch(w.clLen))
	alpha := float32(cfg.Alpha)
	betaR := float32(cfg.Alpha / (1 - cfg.Alpha))
	for l, ly := range net.Layers {
		lb := &w.lyr[l]
		// Reuse inh as e_l.
		var q float64
		for i := range lb.inh {
			var ref float32
			if cfg.LocalError == "rate" {
				ref = betaR * lb.rE[i]
			} else {
				ref = max(alpha*lb.ixe[i], 0)
			}
			lb.inh[i] -= ref
			q += float64(lb.inh[i]) * float64(lb.inh[i])
		}
		b.locRMS[s][l] = math.Sqrt(q / float64(ly.NE))
		ly.ME.MulTVec(lb.inh, b.delta[l][s*ly.K:(s+1)*ly.K])
		if l > 0 {
			k := net.Layers[l-1].K
			copy(b.hPrev[l][s*k:(s+1)*k], w.lyr[l-1].h)
		}
	}
	L := len(net.Layers)
	kL := net.Layers[L-1].K
	copy(b.hLast[s*kL:(s+1)*kL], w.lyr[L-1].h)
	d := net.Out
	uo := w.output()
	for i := 0; i < d; i++ {
		b.eOut[s*d+i] = w.z[i] - uo[i]
	}
}
