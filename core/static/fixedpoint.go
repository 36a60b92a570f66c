package static

import (
	"math"
)

// The fixed-point solver finds the steady states of the open and the closed
// loop directly from their algebraic equations instead of integrating the
// ODE for up to 2 s. Per layer, with drive a and feedback current f = B_l c,
//
//	G_E(u) = −u_E + M_E a − W_IE φ_I(u_I) = 0
//	G_I(u) = −u_I + M_I a + W_EI φ_E(u_E) − f = 0
//
// is piecewise linear for ReLU. Newton's method solves J δ = −G with the
// Jacobian blocks −I, −W_IE D_I, W_EI D_E, −I (D = diag φ'). Eliminating δ_E
// gives (I + W_EI D_E W_IE D_I) δ_I = G_I + W_EI D_E G_E and, because
// W_EI = M_I M_Eᵀ/n_E has rank K, the Woodbury identity reduces it to a K×K
// system (I_K + P M_I) with P = M_Eᵀ D_E W_IE D_I/n_E, which is diagonal for
// block memberships. Then δ_E = G_E − W_IE D_I δ_I.
//
// In the closed loop the controller's state settles at q = e/λ, so
// c = g·e(u_o) with g = k_p + k_i/λ (k_p for the proportional controller),
// and u_o = W_o h_L(c) + c. The solver runs Newton's method on the D
// equations F(c) = c − g·e(W_o h_L(c) + c) = 0, re-solving the layers for
// each c (warm-started) and getting ∂h_L/∂c from D linearised solves through
// the layer stack. Solves that do not converge fall back to the ODE.

// fpMaxIter bounds the Newton iterations of one layer solve and of the
// closed-loop iteration on c.
const fpMaxIter = 60

// fpLayer holds the float64 state and scratch of one layer.
type fpLayer struct {
	uE, uI, rE, rI, dE, dI []float64
	gE, gI, sE, sI, tE, tI []float64
	a, h, tK               []float64
	f                      []float64 // feedback current B_l c
	lu                     []float64 // K×K matrix I + P M_I, then its LU factors
	piv                    []int
	luTmp                  []float64
	diag                   bool
	dh                     []float64 // ∂h_l/∂c, D×K
}

// fixedPoint is one worker's fixed-point solver.
type fixedPoint struct {
	w      *worker
	lyr    []fpLayer
	x      []float64
	z, uo  []float64
	c, e   []float64
	fc, dc []float64
	jac    []float64 // D×D
	ep     []float64 // ∂e/∂ŷ, D×D
	jpiv   []int
	jtmp   []float64
	dz     []float64 // ∂z/∂c, D×D
	tgt    []float64
	iters  int // Newton iterations of the last solve (all layers)
	work   int // right-hand-side equivalents of the last solve
}

func newFixedPoint(w *worker) *fixedPoint {
	net := w.net
	d := net.Out
	fp := &fixedPoint{w: w, x: make([]float64, net.In), z: make([]float64, d),
		uo: make([]float64, d), c: make([]float64, d), e: make([]float64, d),
		fc: make([]float64, d), dc: make([]float64, d), jac: make([]float64, d*d),
		ep: make([]float64, d*d), jtmp: make([]float64, d),
		jpiv: make([]int, d), dz: make([]float64, d*d), tgt: make([]float64, d)}
	for _, ly := range net.Layers {
		ne, ni, k := ly.NE, ly.NI, ly.K
		v := func(n int) []float64 { return make([]float64, n) }
		fp.lyr = append(fp.lyr, fpLayer{
			uE: v(ne), uI: v(ni), rE: v(ne), rI: v(ni), dE: v(ne), dI: v(ni),
			gE: v(ne), gI: v(ni), sE: v(ne), sI: v(ni), tE: v(ne), tI: v(ni),
			a: v(k), h: v(k), tK: v(k), f: v(ni), lu: v(k * k), piv: make([]int, k), luTmp: v(k),
			diag: ly.ME.IsBlocks() && ly.MI.IsBlocks(), dh: v(d * k),
		})
	}
	return fp
}

// mulM and mulMT compute M a and Mᵀ v in float64 (the solver's precision)
// for a matrix stored by rows.
func mulM(ptr []int, col []int32, val []float32, n int, a, out []float64) {
	for i := 0; i < n; i++ {
		var s float64
		for e := ptr[i]; e < ptr[i+1]; e++ {
			s += float64(val[e]) * a[col[e]]
		}
		out[i] = s
	}
}

func mulMT(ptr []int, col []int32, val []float32, n, k int, v, out []float64) {
	clear(out[:k])
	for i := 0; i < n; i++ {
		vi := v[i]
		if vi == 0 {
			continue
		}
		for e := ptr[i]; e < ptr[i+1]; e++ {
			out[col[e]] += float64(val[e]) * vi
		}
	}
}

func (fp *fixedPoint) activate(l int) {
	ly := fp.w.net.Layers[l]
	b := &fp.lyr[l]
	for i, u := range b.uE {
		b.rE[i], b.dE[i] = act64(fp.w.actE, u)
	}
	for i, u := range b.uI {
		b.rI[i], b.dI[i] = act64(fp.w.actI, u)
	}
	mulMT(ly.ME.Ptr, ly.ME.Col, ly.ME.Val, ly.NE, ly.K, b.rE, b.h)
}

func act64(a activation, u float64) (float64, float64) {
	switch a {
	case linear:
		return u, 1
	case tanhAct:
		t := math.Tanh(u)
		return t, 1 - t*t
	}
	if u > 0 {
		return u, 1
	}
	return 0, 0
}

// residual evaluates G_E, G_I of layer l at its state (activate first) and
// returns the RMS of the derivative G/τ over the layer.
func (fp *fixedPoint) residual(l int) float64 {
	net := fp.w.net
	ly := net.Layers[l]
	b := &fp.lyr[l]
	mulM(ly.ME.Ptr, ly.ME.Col, ly.ME.Val, ly.NE, b.a, b.tE)
	mulM(ly.WIE.Ptr, ly.WIE.Col, ly.WIE.Val, ly.NE, b.rI, b.gE)
	var s float64
	inE, inI := 1/net.Cfg.TauE, 1/net.Cfg.TauI
	for i := range b.gE {
		g := -b.uE[i] + b.tE[i] - b.gE[i]
		b.gE[i] = g
		s += g * g * inE * inE
	}
	mulM(ly.MI.Ptr, ly.MI.Col, ly.MI.Val, ly.NI, b.a, b.tI)
	invNE := float64(ly.InvNE)
	for k := range b.tK {
		b.tK[k] = b.h[k] * invNE
	}
	mulM(ly.MI.Ptr, ly.MI.Col, ly.MI.Val, ly.NI, b.tK, b.gI)
	for i := range b.gI {
		g := -b.uI[i] + b.tI[i] + b.gI[i] - b.f[i]
		b.gI[i] = g
		s += g * g * inI * inI
	}
	fp.work++
	return math.Sqrt(s / float64(ly.NE+ly.NI))
}

// factor builds and factorises A = I_K + P M_I at the layer's current
// activation pattern.
func (fp *fixedPoint) factor(l int) {
	ly := fp.w.net.Layers[l]
	b := &fp.lyr[l]
	k := ly.K
	invNE := float64(ly.InvNE)
	A := b.lu
	clear(A)
	for i := 0; i < k; i++ {
		A[i*k+i] = 1
	}
	W, mE, mI := ly.WIE, ly.ME, ly.MI
	for i := 0; i < ly.NE; i++ {
		de := b.dE[i]
		if de == 0 {
			continue
		}
		for e := W.Ptr[i]; e < W.Ptr[i+1]; e++ {
			j := W.Col[e]
			wd := float64(W.Val[e]) * b.dI[j]
			if wd == 0 {
				continue
			}
			for ej := mI.Ptr[j]; ej < mI.Ptr[j+1]; ej++ {
				kk := int(mI.Col[ej])
				v := wd * float64(mI.Val[ej]) * de * invNE
				for ei := mE.Ptr[i]; ei < mE.Ptr[i+1]; ei++ {
					A[int(mE.Col[ei])*k+kk] += float64(mE.Val[ei]) * v
				}
			}
		}
	}
	fp.work++
	if !b.diag {
		luFactor(A, b.piv, k)
	}
}

// solve returns in (sE, sI) the Newton direction δ with J δ = −G for the
// layer's factored Jacobian, where G = (gE, gI).
func (fp *fixedPoint) solve(l int, gE, gI, sE, sI []float64) {
	ly := fp.w.net.Layers[l]
	b := &fp.lyr[l]
	k := ly.K
	invNE := float64(ly.InvNE)
	W, mE, mI := ly.WIE, ly.ME, ly.MI

	// r = G_I + M_I (M_Eᵀ D_E G_E)/n_E
	for i := range b.tE {
		b.tE[i] = b.dE[i] * gE[i]
	}
	mulMT(mE.Ptr, mE.Col, mE.Val, ly.NE, k, b.tE, b.tK)
	for i := range b.tK {
		b.tK[i] *= invNE
	}
	mulM(mI.Ptr, mI.Col, mI.Val, ly.NI, b.tK, sI)
	for i := range sI {
		sI[i] += gI[i]
	}
	// P r = M_Eᵀ D_E W D_I r / n_E
	for i := range b.tI {
		b.tI[i] = b.dI[i] * sI[i]
	}
	mulM(W.Ptr, W.Col, W.Val, ly.NE, b.tI, b.tE)
	for i := range b.tE {
		b.tE[i] *= b.dE[i]
	}
	mulMT(mE.Ptr, mE.Col, mE.Val, ly.NE, k, b.tE, b.tK)
	for i := range b.tK {
		b.tK[i] *= invNE
	}
	// y = A⁻¹ P r; δ_I = r − M_I y
	if b.diag {
		for i := range b.tK {
			b.tK[i] /= b.lu[i*k+i]
		}
	} else {
		luSolve(b.lu, b.piv, k, b.tK, b.luTmp)
	}
	mulM(mI.Ptr, mI.Col, mI.Val, ly.NI, b.tK, b.tI)
	for i := range sI {
		sI[i] -= b.tI[i]
	}
	// δ_E = G_E − W D_I δ_I
	for i := range b.tI {
		b.tI[i] = b.dI[i] * sI[i]
	}
	mulM(W.Ptr, W.Col, W.Val, ly.NE, b.tI, sE)
	for i := range sE {
		sE[i] = gE[i] - sE[i]
	}
	fp.work++
}

// solveLayer finds the steady state of layer l for its drive b.a and
// feedback b.f by damped Newton iterations from the current state.
func (fp *fixedPoint) solveLayer(l int, tol float64) bool {
	b := &fp.lyr[l]
	fp.activate(l)
	res := fp.residual(l)
	for it := 0; it < fpMaxIter; it++ {
		if res < tol {
			return true
		}
		fp.iters++
		fp.factor(l)
		fp.solve(l, b.gE, b.gI, b.sE, b.sI)
		step := 1.0
		for try := 0; ; try++ {
			for i := range b.uE {
				b.uE[i] += step * b.sE[i]
			}
			for i := range b.uI {
				b.uI[i] += step * b.sI[i]
			}
			fp.activate(l)
			nres := fp.residual(l)
			if nres < res || try == 8 {
				res = nres
				break
			}
			// Undo and halve: piecewise-linear Newton can overshoot a kink.
			for i := range b.uE {
				b.uE[i] -= step * b.sE[i]
			}
			for i := range b.uI {
				b.uI[i] -= step * b.sI[i]
			}
			step /= 2
		}
	}
	return res < tol
}

// drive computes a_l from the previous layer's h (or the input).
func (fp *fixedPoint) drive(l int) {
	net := fp.w.net
	b := &fp.lyr[l]
	in := fp.x
	if l > 0 {
		in = fp.lyr[l-1].h
	}
	W := net.W(l)
	cols := len(in)
	for k := range b.a {
		var s float64
		for j, v := range W[k*cols : (k+1)*cols] {
			s += float64(v) * in[j]
		}
		b.a[k] = s
	}
	if bias := net.B(l); bias != nil {
		for k := range b.a {
			b.a[k] += float64(bias[k])
		}
	}
}

// readout computes z = W_o h_L.
func (fp *fixedPoint) readout() {
	net := fp.w.net
	h := fp.lyr[len(fp.lyr)-1].h
	Wo := net.Wo()
	for o := range fp.z {
		var s float64
		for k, v := range Wo[o*len(h) : (o+1)*len(h)] {
			s += float64(v) * h[k]
		}
		fp.z[o] = s
	}
}

// stack solves the layers in order for the current feedback currents,
// warm-starting each from its state; it reports success. The first layer's
// drive depends on the input only and is set once per solve by the caller.
func (fp *fixedPoint) stack(tol float64) bool {
	for l := range fp.lyr {
		if l > 0 {
			fp.drive(l)
		}
		if !fp.solveLayer(l, tol) {
			return false
		}
	}
	fp.readout()
	return true
}

// openLoop finds the open-loop steady state for the input x and writes it
// into the worker's float32 state. It reports success.
func (fp *fixedPoint) openLoop(x []float32, tol float64) bool {
	fp.iters, fp.work = 0, 0
	for i, v := range x {
		fp.x[i] = float64(v)
	}
	alpha := fp.w.net.Cfg.Alpha
	for l, ly := range fp.w.net.Layers {
		b := &fp.lyr[l]
		clear(b.f)
		fp.drive(l)
		// Start from the balanced linear solution u_E = (1 − α) M_E a.
		mulM(ly.ME.Ptr, ly.ME.Col, ly.ME.Val, ly.NE, b.a, b.uE)
		for i := range b.uE {
			b.uE[i] *= 1 - alpha
		}
		mulM(ly.MI.Ptr, ly.MI.Col, ly.MI.Val, ly.NI, b.a, b.uI)
		if !fp.solveLayer(l, tol) {
			return false
		}
	}
	fp.readout()
	copy(fp.uo, fp.z)
	fp.store(false)
	return true
}

// store writes the solution into the worker's float32 state vector; in
// closed loop it also sets the controller state to its steady value e/λ.
func (fp *fixedPoint) store(closed bool) {
	w := fp.w
	for l := range fp.lyr {
		b := &fp.lyr[l]
		for i, v := range b.uE {
			w.y[w.offE[l]+i] = float32(v)
		}
		for i, v := range b.uI {
			w.y[w.offI[l]+i] = float32(v)
		}
	}
	for i, v := range fp.uo {
		w.y[w.offO+i] = float32(v)
	}
	if closed && w.clLen > w.olLen {
		lam := w.net.Cfg.Lambda
		for i, v := range fp.e {
			w.y[w.olLen+i] = float32(v / lam)
		}
	}
}

// gain returns g with c = g·e at the controller's steady state.
func gain(c *Config) float64 {
	if c.Controller == "p" {
		return c.Kp
	}
	return c.Kp + c.Ki/c.Lambda
}

// lossError writes e(u_o) = −∂loss/∂ŷ and, if jac is not nil, ∂e/∂ŷ (D×D).
func lossError(c *Config, yhat, y, e, jac []float64) {
	d := len(yhat)
	if jac != nil {
		clear(jac)
	}
	switch c.Loss {
	case "mse":
		for i := range e {
			e[i] = y[i] - yhat[i]
			if jac != nil {
				jac[i*d+i] = -1
			}
		}
	case "sigmoid":
		for i := range e {
			p := 1 / (1 + math.Exp(-c.LossSteep*(yhat[i]-c.LossShift)))
			e[i] = y[i] - p
			if jac != nil {
				jac[i*d+i] = -c.LossSteep * p * (1 - p)
			}
		}
	default: // softmax
		m := math.Inf(-1)
		for _, v := range yhat {
			m = math.Max(m, v)
		}
		var s float64
		for i, v := range yhat {
			e[i] = math.Exp(v - m)
			s += e[i]
		}
		for i := range e {
			p := e[i] / s
			e[i] = p // keep p for the Jacobian
		}
		if jac != nil {
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					v := e[i] * e[j]
					if i == j {
						v -= e[i]
					}
					jac[i*d+j] = v // −(diag p − p pᵀ)
				}
			}
		}
		for i := range e {
			e[i] = y[i] - e[i]
		}
	}
}

// sensitivities computes ∂z/∂c (D×D) at the current closed-loop solution by
// D linearised solves through the layer stack.
func (fp *fixedPoint) sensitivities(fb [][]float32) {
	net := fp.w.net
	d := net.Out
	for l := range fp.lyr {
		fp.factor(l)
	}
	for dir := 0; dir < d; dir++ {
		for l, ly := range net.Layers {
			b := &fp.lyr[l]
			// ΔG_E = M_E δa, ΔG_I = M_I δa − B_l e_dir, with δa = W_l δh_{l−1}.
			if l == 0 {
				clear(b.tK)
			} else {
				prev := fp.lyr[l-1].dh[dir*net.Layers[l-1].K : (dir+1)*net.Layers[l-1].K]
				W := net.W(l)
				for k := range b.tK {
					var s float64
					for j, v := range W[k*len(prev) : (k+1)*len(prev)] {
						s += float64(v) * prev[j]
					}
					b.tK[k] = s
				}
			}
			mulM(ly.ME.Ptr, ly.ME.Col, ly.ME.Val, ly.NE, b.tK, b.gE)
			mulM(ly.MI.Ptr, ly.MI.Col, ly.MI.Val, ly.NI, b.tK, b.gI)
			B := fb[l]
			for i := range b.gI {
				b.gI[i] -= float64(B[i*d+dir])
			}
			fp.solve(l, b.gE, b.gI, b.sE, b.sI)
			for i := range b.sE {
				b.tE[i] = b.dE[i] * b.sE[i]
			}
			mulMT(ly.ME.Ptr, ly.ME.Col, ly.ME.Val, ly.NE, ly.K, b.tE, b.dh[dir*ly.K:(dir+1)*ly.K])
		}
		L := len(net.Layers)
		kL := net.Layers[L-1].K
		dh := fp.lyr[L-1].dh[dir*kL : (dir+1)*kL]
		Wo := net.Wo()
		for o := 0; o < d; o++ {
			var s float64
			for k, v := range Wo[o*kL : (o+1)*kL] {
				s += float64(v) * dh[k]
			}
			fp.dz[o*d+dir] = s
		}
	}
}

// setFeedback sets f_l = B_l c for every layer.
func (fp *fixedPoint) setFeedback(fb [][]float32) {
	d := len(fp.c)
	for l := range fp.lyr {
		b := &fp.lyr[l]
		B := fb[l]
		for i := range b.f {
			var s float64
			for o, v := range B[i*d : (i+1)*d] {
				s += float64(v) * fp.c[o]
			}
			b.f[i] = s
		}
	}
}

// closedLoopF evaluates F(c) = c − g·e(z(c) + c) into fp.fc after solving
// the layers for c; it returns max|F| or +Inf if a layer solve failed.
func (fp *fixedPoint) closedLoopF(fb [][]float32, g, tol float64) float64 {
	cfg := &fp.w.net.Cfg
	fp.setFeedback(fb)
	if !fp.stack(tol) {
		return math.Inf(1)
	}
	for i := range fp.uo {
		fp.uo[i] = fp.z[i] + fp.c[i]
	}
	lossError(cfg, fp.uo, fp.tgt, fp.e, nil)
	var m float64
	for i := range fp.fc {
		fp.fc[i] = fp.c[i] - g*fp.e[i]
		m = math.Max(m, math.Abs(fp.fc[i]))
	}
	return m
}

// load reads the layer states from the worker's float32 state vector.
func (fp *fixedPoint) load() {
	w := fp.w
	for l := range fp.lyr {
		b := &fp.lyr[l]
		for i := range b.uE {
			b.uE[i] = float64(w.y[w.offE[l]+i])
		}
		for i := range b.uI {
			b.uI[i] = float64(w.y[w.offI[l]+i])
		}
	}
}

// closedLoop continues from the open-loop state in the worker's state vector with the
// controller on, target tgt and feedback weights fb, and writes the steady
// state into the worker's float32 state. It reports success.
func (fp *fixedPoint) closedLoop(x []float32, fb [][]float32, tgt []float32, tol float64) bool {
	fp.iters, fp.work = 0, 0
	cfg := &fp.w.net.Cfg
	for i, v := range x {
		fp.x[i] = float64(v)
	}
	fp.drive(0)
	fp.load()
	d := len(fp.c)
	for i, v := range tgt {
		fp.tgt[i] = float64(v)
	}
	g := gain(cfg)
	clear(fp.c)
	res := fp.closedLoopF(fb, g, tol)
	ctol := tol * cfg.TauE
	for it := 0; it < fpMaxIter; it++ {
		if res < ctol {
			fp.store(true)
			return true
		}
		if math.IsInf(res, 1) {
			return false
		}
		// J_F = I − g E' (∂z/∂c + I)
		fp.sensitivities(fb)
		lossError(cfg, fp.uo, fp.tgt, fp.e, fp.ep)
		ep := fp.ep
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				var s float64
				for k := 0; k < d; k++ {
					m := fp.dz[k*d+j]
					if k == j {
						m++
					}
					s += ep[i*d+k] * m
				}
				v := -g * s
				if i == j {
					v++
				}
				fp.jac[i*d+j] = v
			}
		}
		luFactor(fp.jac, fp.jpiv, d)
		for i := range fp.dc {
			fp.dc[i] = -fp.fc[i]
		}
		luSolve(fp.jac, fp.jpiv, d, fp.dc, fp.jtmp)
		step := 1.0
		for try := 0; ; try++ {
			for i := range fp.c {
				fp.c[i] += step * fp.dc[i]
			}
			nres := fp.closedLoopF(fb, g, tol)
			if nres < res || try == 8 {
				res = nres
				break
			}
			for i := range fp.c {
				fp.c[i] -= step * fp.dc[i]
			}
			step /= 2
		}
		fp.iters++
	}
	if res < ctol {
		fp.store(true)
		return true
	}
	return false
}

// luFactor factorises the n×n row-major matrix a in place with partial
// pivoting (Doolittle); singular pivots are replaced by a tiny value.
func luFactor(a []float64, piv []int, n int) {
	for i := range piv[:n] {
		piv[i] = i
	}
	for k := 0; k < n; k++ {
		p, best := k, math.Abs(a[k*n+k])
		for i := k + 1; i < n; i++ {
			if v := math.Abs(a[i*n+k]); v > best {
				p, best = i, v
			}
		}
		if p != k {
			for j := 0; j < n; j++ {
				a[k*n+j], a[p*n+j] = a[p*n+j], a[k*n+j]
			}
			piv[k], piv[p] = piv[p], piv[k]
		}
		if a[k*n+k] == 0 {
			a[k*n+k] = 1e-300
		}
		inv := 1 / a[k*n+k]
		for i := k + 1; i < n; i++ {
			m := a[i*n+k] * inv
			a[i*n+k] = m
			if m == 0 {
				continue
			}
			for j := k + 1; j < n; j++ {
				a[i*n+j] -= m * a[k*n+j]
			}
		}
	}
}

// luSolve solves A x = b in place for the factors of luFactor, using x (n
// values) as scratch.
func luSolve(a []float64, piv []int, n int, b, x []float64) {
	for i := 0; i < n; i++ {
		x[i] = b[piv[i]]
	}
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			x[i] -= a[i*n+j] * x[j]
		}
	}
	for i := n - 1; i >= 0; i-- {
		for j := i + 1; j < n; j++ {
			x[i] -= a[i*n+j] * x[j]
		}
		x[i] /= a[i*n+i]
	}
	copy(b, x)
}
