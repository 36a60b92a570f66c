package online

import (
	"fmt"
	"math"
	"math/rand/v2"

	"bcp/core/assembly"
	"bcp/core/loss"
	"bcp/core/randx"
)

// Random streams of a run: every random quantity is drawn from the PCG
// generator (seed, stream) of its purpose, so that a run is reproducible
// from its seed and changing one consumer leaves the others unchanged.
const (
	streamMembership = 1       // M_E, M_I
	streamWeights    = 2       // V, U (W without a hidden layer)
	streamFeedback   = 3       // R, R′ of the random feedback modes
	streamTask       = 4       // fixed task structure: mixing matrices, CS channels, cue, tiling
	streamNoise      = 5       // continuous noise: fearcond inputs, assembly patterns
	streamTrainNoise = 6 << 32 // motor: + training trial index
	streamTestNoise  = 7 << 32 // motor: + test index
)

// csr is a sparse float64 matrix stored by rows. When block is set, the
// matrix is a membership without overlap: row i has its single entry val[i]
// in column k for block[k] ≤ i < block[k+1], and the products run over
// contiguous blocks instead of indices.
type csr struct {
	rows, cols int
	ptr        []int
	col        []int32
	val        []float64
	block      []int
}

func fromMembership(m *assembly.Membership) csr {
	c := csr{rows: m.N, cols: m.K, ptr: append([]int(nil), m.Ptr...),
		col: append([]int32(nil), m.Col...), val: make([]float64, len(m.Val))}
	for e, v := range m.Val {
		c.val[e] = float64(v)
	}
	if m.Blocks() {
		c.block = make([]int, m.K+1)
		for k := range c.block {
			c.block[k] = m.BlockStart(k)
		}
	}
	return c
}

func fromCSR(m *assembly.CSR) csr {
	c := csr{rows: m.Rows, cols: m.Cols, ptr: append([]int(nil), m.Ptr...),
		col: append([]int32(nil), m.Col...), val: make([]float64, len(m.Val))}
	for e, v := range m.Val {
		c.val[e] = float64(v)
	}
	return c
}

// mulVec computes out = A x.
func (a *csr) mulVec(x, out []float64) {
	if a.block != nil {
		for k, xk := range x[:a.cols] {
			b0, b1 := a.block[k], a.block[k+1]
			o, v := out[b0:b1], a.val[b0:b1]
			for i := range o {
				o[i] = v[i] * xk
			}
		}
		return
	}
	for i := 0; i < a.rows; i++ {
		var s float64
		for e := a.ptr[i]; e < a.ptr[i+1]; e++ {
			s += a.val[e] * x[a.col[e]]
		}
		out[i] = s
	}
}

// mulTVec computes out = Aᵀ v.
func (a *csr) mulTVec(v, out []float64) {
	if a.block != nil {
		for k := range out[:a.cols] {
			b0, b1 := a.block[k], a.block[k+1]
			w, vv := a.val[b0:b1], v[b0:b1]
			var s float64
			for i := range w {
				s += w[i] * vv[i]
			}
			out[k] = s
		}
		return
	}
	clear(out[:a.cols])
	for i := 0; i < a.rows; i++ {
		vi := v[i]
		for e := a.ptr[i]; e < a.ptr[i+1]; e++ {
			out[a.col[e]] += a.val[e] * vi
		}
	}
}

// rankOne is W_IE without overlap when every ensemble's block is an outer
// product (as the closed-form balance gives): W_k = u_k v_kᵀ, so that
// W_IE r_I costs one dot product and one scaling per ensemble.
type rankOne struct {
	eBlock, iBlock []int
	u, v           []float64 // N_E, N_I
	t              []float64 // v_kᵀ r_I per ensemble
}

// factorRankOne returns the rank-one form of w for the block memberships
// mE and mI, or nil if some block is not an outer product to a relative
// accuracy of 1e-6 (a float32 W_IE is exact to about 1e-7).
func factorRankOne(w *csr, mE, mI *csr) *rankOne {
	if mE.block == nil || mI.block == nil {
		return nil
	}
	K := mE.cols
	r := &rankOne{eBlock: mE.block, iBlock: mI.block, u: make([]float64, w.rows),
		v: make([]float64, w.cols), t: make([]float64, K)}
	dense := make([]float64, w.cols)
	for k := 0; k < K; k++ {
		e0, e1, i0, i1 := mE.block[k], mE.block[k+1], mI.block[k], mI.block[k+1]
		// v is the row of largest norm, u_i the projection of row i on it.
		best, bestNorm := -1, 0.0
		for i := e0; i < e1; i++ {
			var s float64
			for e := w.ptr[i]; e < w.ptr[i+1]; e++ {
				c := int(w.col[e])
				if c < i0 || c >= i1 {
					return nil // an entry outside the block
				}
				s += w.val[e] * w.val[e]
			}
			if s > bestNorm {
				best, bestNorm = i, s
			}
		}
		if best < 0 {
			continue // an all-zero block
		}
		for e := w.ptr[best]; e < w.ptr[best+1]; e++ {
			r.v[w.col[e]] = w.val[e] / math.Sqrt(bestNorm)
		}
		var scale float64
		for i := e0; i < e1; i++ {
			clear(dense[i0:i1])
			for e := w.ptr[i]; e < w.ptr[i+1]; e++ {
				dense[w.col[e]] = w.val[e]
			}
			var p float64
			for l := i0; l < i1; l++ {
				p += dense[l] * r.v[l]
			}
			r.u[i] = p
			for l := i0; l < i1; l++ {
				scale = max(scale, math.Abs(dense[l]))
			}
			for l := i0; l < i1; l++ {
				if math.Abs(dense[l]-p*r.v[l]) > 1e-6*scale {
					return nil
				}
			}
		}
	}
	return r
}

// mulVec computes out = W r_I.
func (r *rankOne) mulVec(rI, out []float64) {
	for k := range r.t {
		i0, i1 := r.iBlock[k], r.iBlock[k+1]
		v, x := r.v[i0:i1], rI[i0:i1]
		var s float64
		for l := range v {
			s += v[l] * x[l]
		}
		e0, e1 := r.eBlock[k], r.eBlock[k+1]
		o, u := out[e0:e1], r.u[e0:e1]
		for i := range o {
			o[i] = u[i] * s
		}
	}
}

// gram returns AᵀA as a sparse K×K matrix (diagonal without overlap).
func (a *csr) gram() csr {
	d := make([]float64, a.cols*a.cols)
	for i := 0; i < a.rows; i++ {
		for e := a.ptr[i]; e < a.ptr[i+1]; e++ {
			for f := a.ptr[i]; f < a.ptr[i+1]; f++ {
				d[int(a.col[e])*a.cols+int(a.col[f])] += a.val[e] * a.val[f]
			}
		}
	}
	g := csr{rows: a.cols, cols: a.cols, ptr: make([]int, a.cols+1)}
	for k := 0; k < a.cols; k++ {
		for l := 0; l < a.cols; l++ {
			if v := d[k*a.cols+l]; v != 0 {
				g.col = append(g.col, int32(l))
				g.val = append(g.val, v)
			}
		}
		g.ptr[k+1] = len(g.col)
	}
	return g
}

// Feedback modes.
const (
	fbAligned = iota
	fbRandomEnsemble
	fbRandomNeuron
	fbGlobal
	fbNone
)

// Controllers.
const (
	ctrlP = iota
	ctrlPI
	ctrlPID
)

// network is the online E/I assembly network of the package documentation,
// or, with noHidden, the linear leaky readout control. Every buffer is
// allocated once; step allocates nothing.
type network struct {
	// Sizes and constants.
	K, NE, NI, dIn, dOut int
	nE                   float64 // n_E = N_E/K
	dt, alpha            float64
	tauE, tauI, tauO     float64
	tauPre, tauBar       float64
	etaFF, etaOut        float64
	decay, clip          float64
	bias, noHidden       bool
	readoutOnly          bool
	fbMode               int
	disinh               bool
	ctrl                 int
	kp, ki, kd           float64
	tauC, lambda         float64
	loss                 loss.Loss

	// Structure.
	mE, mI   csr
	wIE      csr
	wIE1     *rankOne // W_IE in rank-one blocks, when it has that form
	fused    bool     // neuronsFused applies (blocks and rank-one W_IE)
	gram     csr      // M_Eᵀ M_E, for weight decay
	residual float64

	// Parameters: V (K×D_in), b (K), U (D_out×K); W (D_out×D_in) replaces
	// them without a hidden layer. rEns is R (D_out×K), rNeur is R′
	// (N_I×D_out).
	V, b, U, W  []float64
	rEns, rNeur []float64

	// State.
	uE, uI, uO, xBar, rBar, iBar []float64
	q, ePrev                     []float64

	// Quantities of the last step, all computed from the state before it.
	a, ixe, ixi, rE, rI []float64 // drive per ensemble, feed-forward currents, rates
	inh, eps            []float64 // W_IE φ(u_I), local error ε (N_E)
	h, wei, f           []float64 // M_Eᵀ φ(u_E) (K), M_I h = n_E·W_EI φ(u_E) (N_I), feedback (N_I)
	yhat, e, c, z       []float64 // prediction, error, control, U h (D_out)
	y                   []float64 // target of the last step

	// state lists the dynamic state in a fixed order, for saving and
	// restoring it around test trials.
	state [][]float64

	// Scratch.
	gK, fK, rK []float64 // M_Eᵀ ε, feedback per ensemble, M_Eᵀ r̄ (K)
	gV, gb     []float64 // M_Eᵀ M_E V, M_Eᵀ M_E b (weight decay)
	y32        [3][]float32
}

// newNetwork builds the structure and the initial parameters of cfg.
func newNetwork(cfg *Config) (*network, error) {
	n := &network{
		K: cfg.K, NE: cfg.NE, NI: cfg.NI, dIn: cfg.Inputs, dOut: cfg.Outputs,
		nE: float64(cfg.NE) / float64(cfg.K), dt: cfg.DT, alpha: cfg.Alpha,
		tauE: cfg.TauE, tauI: cfg.TauI, tauO: cfg.TauO, tauPre: cfg.TauPre,
		tauBar: math.Min(cfg.TauE, cfg.TauI),
		etaFF:  cfg.EtaFF, etaOut: cfg.EtaOut, decay: cfg.WeightDecay, clip: cfg.ClipV,
		bias: cfg.Bias, noHidden: cfg.NoHidden, readoutOnly: cfg.ReadoutOnly,
		disinh: cfg.DisinhibitoryOnly,
		kp:     cfg.Kp, ki: cfg.Ki, kd: cfg.Kd, tauC: cfg.TauC, lambda: cfg.Lambda,
	}
	n.fbMode = map[string]int{"aligned": fbAligned, "random-ensemble": fbRandomEnsemble,
		"random-neuron": fbRandomNeuron, "global": fbGlobal, "none": fbNone}[cfg.Feedback]
	n.ctrl = map[string]int{"p": ctrlP, "leaky-pi": ctrlPI, "pid": ctrlPID}[cfg.Controller]
	l, err := loss.New(cfg.Loss, cfg.LossShift, cfg.LossSteepness)
	if err != nil {
		return nil, err
	}
	n.loss = l

	vec := func(m int) []float64 { return make([]float64, m) }
	K, NE, NI, dIn, dOut := n.K, n.NE, n.NI, n.dIn, n.dOut
	n.uO, n.xBar, n.q, n.ePrev = vec(dOut), vec(dIn), vec(dOut), vec(dOut)
	n.yhat, n.e, n.c, n.z, n.y = vec(dOut), vec(dOut), vec(dOut), vec(dOut), vec(dOut)
	for i := range n.y32 {
		n.y32[i] = make([]float32, dOut)
	}
	rw := randx.New(cfg.Seed, streamWeights)

	if n.noHidden {
		// W ~ N(0,1)·2/D_in, like the feed-forward weights it replaces.
		n.W = vec(dOut * dIn)
		normal(rw, 2/float64(dIn), n.W)
		n.state = [][]float64{n.uO, n.xBar}
		return n, nil
	}

	rm := randx.New(cfg.Seed, streamMembership)
	opt := assembly.Options{Overlap: cfg.Overlap, Binary: cfg.BinaryMemberships,
		Normalise: cfg.NormaliseMemberships, Sigma: cfg.MembershipSigma}
	mE, err := assembly.NewMembership(NE, K, opt, rm)
	if err != nil {
		return nil, fmt.Errorf("online: E memberships: %w", err)
	}
	mI, err := assembly.NewMembership(NI, K, opt, rm)
	if err != nil {
		return nil, fmt.Errorf("online: I memberships: %w", err)
	}
	wIE, res, err := assembly.Balance(mE, mI, cfg.Alpha)
	if err != nil {
		return nil, fmt.Errorf("online: balance: %w", err)
	}
	n.mE, n.mI, n.wIE, n.residual = fromMembership(mE), fromMembership(mI), fromCSR(wIE), res
	n.wIE1 = factorRankOne(&n.wIE, &n.mE, &n.mI)
	n.fused = n.wIE1 != nil
	if n.decay > 0 {
		n.gram = n.mE.gram()
		n.gV, n.gb = vec(K*dIn), vec(K)
	}

	n.V, n.b, n.U = vec(K*dIn), vec(K), vec(dOut*K)
	normal(rw, 2/float64(dIn), n.V)
	normal(rw, 2/float64(K), n.U)
	for i := range n.V {
		n.V[i] = cfg.VScale*n.V[i] + cfg.VShift
	}
	var mean float64
	for i := range n.U {
		n.U[i] *= cfg.UScale
		mean += n.U[i]
	}
	mean /= float64(len(n.U))
	for i := range n.U {
		if cfg.UCentre {
			n.U[i] -= mean
		}
		if cfg.UConst != 0 {
			n.U[i] = cfg.UConst
		}
	}
	rf := randx.New(cfg.Seed, streamFeedback)
	switch n.fbMode {
	case fbRandomEnsemble:
		n.rEns = vec(dOut * K)
		normal(rf, 1, n.rEns)
	case fbRandomNeuron:
		n.rNeur = vec(NI * dOut)
		normal(rf, 1, n.rNeur)
	}

	n.uE, n.uI, n.rBar, n.iBar = vec(NE), vec(NI), vec(NE), vec(NE)
	n.a, n.ixe, n.ixi, n.rE, n.rI = vec(K), vec(NE), vec(NI), vec(NE), vec(NI)
	n.inh, n.eps, n.h, n.wei, n.f = vec(NE), vec(NE), vec(K), vec(NI), vec(NI)
	n.gK, n.fK, n.rK = vec(K), vec(K), vec(K)
	n.state = [][]float64{n.uE, n.uI, n.uO, n.xBar, n.rBar, n.iBar, n.q, n.ePrev}
	return n, nil
}

// pos returns max(v, 0) as (v + |v|)/2, which is exact (2v and its half
// are exact for finite v) and branch-free; the max builtin is slower, since
// it also orders signed zeros. NaN stays NaN.
func pos(v float64) float64 { return (v + math.Abs(v)) * 0.5 }

// relu writes max(u, 0) into r.
func relu(u, r []float64) {
	for i, v := range u {
		r[i] = pos(v)
	}
}

// step advances the network by one Euler step with input x and target y:
// every derivative is computed from the state before the step, then states,
// traces, controller and (if plastic) parameters are updated together. With
// control on, the controller output drives the I neurons through the
// feedback mode and the integral state evolves; with control off the
// controller state is frozen and f = 0.
func (n *network) step(x, y []float64, control, plastic bool) {
	copy(n.y, y)
	copy(n.yhat, n.uO)
	if n.noHidden {
		n.stepLinear(x, y, plastic)
		return
	}
	control = control && !n.readoutOnly

	// Feed-forward drive a = V x + b (clipped copies when clip > 0), error,
	// control and the feedback f into the I neurons: all from the state
	// before the step.
	n.drive(x)
	n.errorSignal(y)
	if control {
		n.control()
		n.feedback()
	} else {
		clear(n.c)
		clear(n.f)
	}

	// Currents, rates, local errors and the ensemble sums h = M_Eᵀ φ(u_E),
	// M_Eᵀ ε and M_Eᵀ r̄; then the neuron states and traces move on.
	if n.fused {
		n.neuronsFused()
	} else {
		n.neurons()
	}

	// Readout drive z = U h, with U from before the step.
	for o := 0; o < n.dOut; o++ {
		u := n.U[o*n.K : (o+1)*n.K]
		var s float64
		for k, hk := range n.h {
			s += u[k] * hk
		}
		n.z[o] = s
	}

	// Plasticity, with the presynaptic traces from before the step.
	if plastic {
		n.plasticity()
	}

	dt := n.dt
	kO, kP := dt/n.tauO, dt/n.tauPre
	for o := range n.uO {
		n.uO[o] += kO * (-n.uO[o] + n.z[o])
	}
	for j := range n.xBar {
		n.xBar[j] += kP * (-n.xBar[j] + x[j])
	}
	if control && n.ctrl != ctrlP {
		kC := dt / n.tauC
		for o := range n.q {
			n.q[o] += kC * (n.e[o] - n.lambda*n.q[o])
		}
		if n.ctrl == ctrlPID {
			copy(n.ePrev, n.e)
		}
	}
}

// neurons is the general neuron update (any memberships and W_IE), one
// sparse product at a time:
//
//	I_XE = M_E a, I_XI = M_I a, ε = α relu(Ī) − W_IE φ(u_I),
//	τ_E du_E/dt = −u_E + I_XE − W_IE φ(u_I),
//	τ_I du_I/dt = −u_I + I_XI + M_I (M_Eᵀ φ(u_E))/n_E − f,
//	τ_pre dr̄/dt = −r̄ + φ(u_E),   τ̄ dĪ/dt = −Ī + I_XE.
func (n *network) neurons() {
	n.mE.mulVec(n.a, n.ixe)
	n.mI.mulVec(n.a, n.ixi)
	relu(n.uE, n.rE)
	relu(n.uI, n.rI)
	if n.wIE1 != nil {
		n.wIE1.mulVec(n.rI, n.inh)
	} else {
		n.wIE.mulVec(n.rI, n.inh)
	}
	n.mE.mulTVec(n.rE, n.h)
	n.mI.mulVec(n.h, n.wei)
	for i, ib := range n.iBar {
		n.eps[i] = n.alpha*pos(ib) - n.inh[i]
	}
	n.mE.mulTVec(n.eps, n.gK)
	n.mE.mulTVec(n.rBar, n.rK)

	dt := n.dt
	kE, kI, kP, kB := dt/n.tauE, dt/n.tauI, dt/n.tauPre, dt/n.tauBar
	invNE := 1 / n.nE
	for i := range n.uE {
		n.uE[i] += kE * (-n.uE[i] + n.ixe[i] - n.inh[i])
		n.rBar[i] += kP * (-n.rBar[i] + n.rE[i])
		n.iBar[i] += kB * (-n.iBar[i] + n.ixe[i])
	}
	for i := range n.uI {
		n.uI[i] += kI * (-n.uI[i] + n.ixi[i] + invNE*n.wei[i] - n.f[i])
	}
}

// neuronsFused is neurons for memberships without overlap and a rank-one
// W_IE per ensemble (the default): one pass over each ensemble's I neurons
// for v_kᵀ φ(u_I), one over its E neurons that computes their currents and
// local errors, accumulates the ensemble sums and updates their states, and
// one over its I neurons again. The sums run in the same order as in
// neurons, so both give bit-identical results.
func (n *network) neuronsFused() {
	dt := n.dt
	kE, kI, kP, kB := dt/n.tauE, dt/n.tauI, dt/n.tauPre, dt/n.tauBar
	invNE, alpha := 1/n.nE, n.alpha
	w := n.wIE1
	for k, ak := range n.a {
		i0, i1 := n.mI.block[k], n.mI.block[k+1]
		uI, rI, v := n.uI[i0:i1], n.rI[i0:i1], w.v[i0:i1]
		var t float64
		for l, u := range uI {
			r := pos(u)
			rI[l] = r
			t += v[l] * r
		}

		e0, e1 := n.mE.block[k], n.mE.block[k+1]
		m := n.mE.val[e0:e1]
		uE, rE, rBar, iBar := n.uE[e0:e1], n.rE[e0:e1], n.rBar[e0:e1], n.iBar[e0:e1]
		ixe, inh, eps, wu := n.ixe[e0:e1], n.inh[e0:e1], n.eps[e0:e1], w.u[e0:e1]
		var h, g, rk float64
		for i, u := range uE {
			r := pos(u)
			rE[i] = r
			xe := m[i] * ak
			ixe[i] = xe
			in := wu[i] * t
			inh[i] = in
			ib := iBar[i]
			ep := alpha*pos(ib) - in
			eps[i] = ep
			h += m[i] * r
			g += m[i] * ep
			rk += m[i] * rBar[i]
			uE[i] = u + kE*(-u+xe-in)
			rBar[i] += kP * (-rBar[i] + r)
			iBar[i] = ib + kB*(-ib+xe)
		}
		n.h[k], n.gK[k], n.rK[k] = h, g, rk

		mi := n.mI.val[i0:i1]
		ixi, wei, f := n.ixi[i0:i1], n.wei[i0:i1], n.f[i0:i1]
		for l, u := range uI {
			xi := mi[l] * ak
			ixi[l] = xi
			we := mi[l] * h
			wei[l] = we
			uI[l] = u + kI*(-u+xi+invNE*we-f[l])
		}
	}
}

// drive computes a = clip(V) x + clip(b). The dot products use four
// accumulators, summed as (s0 + s1) + (s2 + s3), to break the chain of
// dependent additions.
func (n *network) drive(x []float64) {
	v := n.clip
	d := len(x)
	for k := 0; k < n.K; k++ {
		row := n.V[k*d : (k+1)*d : (k+1)*d]
		var s0, s1, s2, s3 float64
		j := 0
		if v > 0 {
			for ; j+4 <= d; j += 4 {
				s0 += clampv(row[j], v) * x[j]
				s1 += clampv(row[j+1], v) * x[j+1]
				s2 += clampv(row[j+2], v) * x[j+2]
				s3 += clampv(row[j+3], v) * x[j+3]
			}
			for ; j < d; j++ {
				s0 += clampv(row[j], v) * x[j]
			}
		} else {
			for ; j+4 <= d; j += 4 {
				s0 += row[j] * x[j]
				s1 += row[j+1] * x[j+1]
				s2 += row[j+2] * x[j+2]
				s3 += row[j+3] * x[j+3]
			}
			for ; j < d; j++ {
				s0 += row[j] * x[j]
			}
		}
		s := (s0 + s1) + (s2 + s3)
		if n.bias {
			b := n.b[k]
			if v > 0 {
				b = clampv(b, v)
			}
			s += b
		}
		n.a[k] = s
	}
}

// errorSignal writes e = −∂loss/∂ŷ for the prediction ŷ = u_o.
func (n *network) errorSignal(y []float64) {
	yh, yy, ee := n.y32[0], n.y32[1], n.y32[2]
	for o := range yh {
		yh[o], yy[o] = float32(n.yhat[o]), float32(y[o])
	}
	n.loss.Error(yh, yy, ee)
	for o, v := range ee {
		n.e[o] = float64(v)
	}
}

// control writes the controller output c from the error e and the state.
func (n *network) control() {
	for o, e := range n.e {
		c := n.kp * e
		if n.ctrl != ctrlP {
			c += n.ki * n.q[o]
		}
		if n.ctrl == ctrlPID {
			c += n.kd * (e - n.ePrev[o])
		}
		n.c[o] = c
	}
}

// feedback writes the input f to the I neurons for the control c.
func (n *network) feedback() {
	switch n.fbMode {
	case fbAligned, fbRandomEnsemble:
		m := n.U
		if n.fbMode == fbRandomEnsemble {
			m = n.rEns
		}
		clear(n.fK)
		for o, c := range n.c {
			row := m[o*n.K : (o+1)*n.K]
			for k, w := range row {
				n.fK[k] += w * c
			}
		}
		n.mI.mulVec(n.fK, n.f)
	case fbRandomNeuron:
		for i := range n.f {
			row := n.rNeur[i*n.dOut : (i+1)*n.dOut]
			var s float64
			for o, w := range row {
				s += w * n.c[o]
			}
			n.f[i] = s
		}
	case fbGlobal:
		var s float64
		for _, c := range n.c {
			s += c
		}
		for i := range n.f {
			n.f[i] = s
		}
	case fbNone:
		clear(n.f)
	}
	if n.disinh {
		relu(n.f, n.f)
	}
}

// plasticity applies one Euler step of the learning rules, with M_Eᵀ ε in
// gK and M_Eᵀ r̄ in rK computed by the neuron update
//
//	dV/dt = (η_FF/n_E)·[(M_Eᵀ ε) x̄ᵀ − w·M_Eᵀ M_E V]
//	db/dt = (η_FF/n_E)·[M_Eᵀ ε − w·M_Eᵀ M_E b]
//	dU/dt = (η_out/n_E)·(y − ŷ)(M_Eᵀ r̄)ᵀ
//
// working on K-vectors and the K×D_in outer product only.
func (n *network) plasticity() {
	if n.etaFF != 0 && !n.readoutOnly {
		if n.decay > 0 {
			n.decayTerms()
		}
		s := n.dt * n.etaFF / n.nE
		for k, g := range n.gK {
			row := n.V[k*n.dIn : (k+1)*n.dIn]
			if n.decay > 0 {
				gv := n.gV[k*n.dIn : (k+1)*n.dIn]
				for j, xb := range n.xBar {
					row[j] += s * (g*xb - n.decay*gv[j])
				}
			} else {
				for j, xb := range n.xBar {
					row[j] += s * g * xb
				}
			}
			if n.bias {
				d := g
				if n.decay > 0 {
					d -= n.decay * n.gb[k]
				}
				n.b[k] += s * d
			}
		}
	}
	if n.etaOut != 0 {
		s := n.dt * n.etaOut / n.nE
		for o := 0; o < n.dOut; o++ {
			d := s * (n.y[o] - n.yhat[o])
			row := n.U[o*n.K : (o+1)*n.K]
			for k, r := range n.rK {
				row[k] += d * r
			}
		}
	}
}

// decayTerms computes M_Eᵀ M_E V and M_Eᵀ M_E b before V and b change.
func (n *network) decayTerms() {
	g := &n.gram
	for k := 0; k < n.K; k++ {
		out := n.gV[k*n.dIn : (k+1)*n.dIn]
		clear(out)
		var sb float64
		for e := g.ptr[k]; e < g.ptr[k+1]; e++ {
			l, w := int(g.col[e]), g.val[e]
			for j, v := range n.V[l*n.dIn : (l+1)*n.dIn] {
				out[j] += w * v
			}
			sb += w * n.b[l]
		}
		n.gb[k] = sb
	}
}

// stepLinear is the step of the control without a hidden layer:
//
//	τ_o du/dt = −u + W x,   dW/dt = (η_out/n_E)·(y − u) x̄ᵀ,   τ_pre dx̄/dt = −x̄ + x.
func (n *network) stepLinear(x, y []float64, plastic bool) {
	dt := n.dt
	for o := 0; o < n.dOut; o++ {
		row := n.W[o*n.dIn : (o+1)*n.dIn]
		var s float64
		for j, xj := range x {
			s += row[j] * xj
		}
		n.z[o] = s
		n.e[o] = y[o] - n.yhat[o]
	}
	if plastic && n.etaOut != 0 {
		for o := 0; o < n.dOut; o++ {
			d := dt * n.etaOut / n.nE * n.e[o]
			row := n.W[o*n.dIn : (o+1)*n.dIn]
			for j, xb := range n.xBar {
				row[j] += d * xb
			}
		}
	}
	kO, kP := dt/n.tauO, dt/n.tauPre
	for o := range n.uO {
		n.uO[o] += kO * (-n.uO[o] + n.z[o])
	}
	for j := range n.xBar {
		n.xBar[j] += kP * (-n.xBar[j] + x[j])
	}
}

// stateSize returns the number of values in the dynamic state.
func (n *network) stateSize() int {
	s := 0
	for _, v := range n.state {
		s += len(v)
	}
	return s
}

// saveState copies the dynamic state (not the parameters) into buf, of
// length stateSize.
func (n *network) saveState(buf []float64) {
	o := 0
	for _, v := range n.state {
		o += copy(buf[o:], v)
	}
}

// restoreState copies buf back into the dynamic state.
func (n *network) restoreState(buf []float64) {
	o := 0
	for _, v := range n.state {
		o += copy(v, buf[o:])
	}
}

// normal fills out with independent N(0, 1)·scale values.
func normal(r *rand.Rand, scale float64, out []float64) {
	for i := range out {
		out[i] = scale * r.NormFloat64()
	}
}

// clampv returns w limited to [−v, v] for v > 0. It equals
// min(max(w, −v), v) bit for bit, but float min and max compile to runtime
// calls under GOARCH=wasm, which halves the browser demos' speed.
func clampv(w, v float64) float64 {
	if w > v {
		return v
	}
	if w < -v {
		return -v
	}
	return w
}
