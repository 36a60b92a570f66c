package online

import (
	"math"
	"math/rand/v2"
	"testing"
)

// dense returns a sparse matrix as a dense row-major one.
func (a *csr) dense() [][]float64 {
	d := make([][]float64, a.rows)
	for i := range d {
		d[i] = make([]float64, a.cols)
		for e := a.ptr[i]; e < a.ptr[i+1]; e++ {
			d[i][a.col[e]] = a.val[e]
		}
	}
	return d
}

func matVec(m [][]float64, x []float64) []float64 {
	out := make([]float64, len(m))
	for i, row := range m {
		for j, v := range row {
			out[i] += v * x[j]
		}
	}
	return out
}

func transpose(m [][]float64) [][]float64 {
	t := make([][]float64, len(m[0]))
	for j := range t {
		t[j] = make([]float64, len(m))
		for i := range m {
			t[j][i] = m[i][j]
		}
	}
	return t
}

func reluVec(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Max(x, 0)
	}
	return out
}

// reference is the online network written out densely and plainly from
// the equations of the package documentation, as an independent check of
// network.step.
type reference struct {
	n                            *network // structure and constants only
	mE, mI, wIE                  [][]float64
	V, b, U                      []float64
	uE, uI, uO, xBar, rBar, iBar []float64
	q                            []float64
}

func newReference(n *network) *reference {
	r := &reference{n: n, mE: n.mE.dense(), mI: n.mI.dense(), wIE: n.wIE.dense()}
	cp := func(v []float64) []float64 { return append([]float64(nil), v...) }
	r.V, r.b, r.U = cp(n.V), cp(n.b), cp(n.U)
	r.uE, r.uI, r.uO = cp(n.uE), cp(n.uI), cp(n.uO)
	r.xBar, r.rBar, r.iBar, r.q = cp(n.xBar), cp(n.rBar), cp(n.iBar), cp(n.q)
	return r
}

// step takes one Euler step with MSE error, a leaky PI controller and
// aligned feedback (only when control is on).
func (r *reference) step(x, y []float64, control, plastic bool) {
	n := r.n
	K, D, O := n.K, n.dIn, n.dOut
	clip := func(v float64) float64 { return math.Min(math.Max(v, -n.clip), n.clip) }
	a := make([]float64, K)
	for k := range a {
		a[k] = clip(r.b[k])
		for j := range x {
			a[k] += clip(r.V[k*D+j]) * x[j]
		}
	}
	ixe, ixi := matVec(r.mE, a), matVec(r.mI, a)
	rE, rI := reluVec(r.uE), reluVec(r.uI)
	inh := matVec(r.wIE, rI)
	h := matVec(transpose(r.mE), rE)
	wei := matVec(r.mI, h)
	yhat := append([]float64(nil), r.uO...)
	e := make([]float64, O)
	c := make([]float64, O)
	for o := range e {
		// The error comes from the float32 loss package: y − ŷ rounded to
		// float32, as the network does.
		e[o] = float64(float32(y[o]) - float32(yhat[o]))
		if control {
			c[o] = n.kp*e[o] + n.ki*r.q[o]
		}
	}
	fK := make([]float64, K)
	for k := range fK {
		for o := range c {
			fK[k] += r.U[o*K+k] * c[o]
		}
	}
	f := matVec(r.mI, fK)
	eps := make([]float64, n.NE)
	for i := range eps {
		eps[i] = n.alpha*math.Max(r.iBar[i], 0) - inh[i]
	}
	z := make([]float64, O)
	for o := range z {
		for k := 0; k < K; k++ {
			z[o] += r.U[o*K+k] * h[k]
		}
	}
	if plastic {
		g := matVec(transpose(r.mE), eps)
		rk := matVec(transpose(r.mE), r.rBar)
		s := n.dt * n.etaFF / n.nE
		for k := 0; k < K; k++ {
			for j := 0; j < D; j++ {
				r.V[k*D+j] += s * g[k] * r.xBar[j]
			}
			r.b[k] += s * g[k]
		}
		so := n.dt * n.etaOut / n.nE
		for o := 0; o < O; o++ {
			for k := 0; k < K; k++ {
				r.U[o*K+k] += so * (y[o] - yhat[o]) * rk[k]
			}
		}
	}
	dt := n.dt
	for i := range r.uE {
		r.uE[i] += dt / n.tauE * (-r.uE[i] + ixe[i] - inh[i])
		r.rBar[i] += dt / n.tauPre * (-r.rBar[i] + rE[i])
		r.iBar[i] += dt / n.tauBar * (-r.iBar[i] + ixe[i])
	}
	for i := range r.uI {
		r.uI[i] += dt / n.tauI * (-r.uI[i] + ixi[i] + wei[i]/n.nE - f[i])
	}
	for o := range r.uO {
		r.uO[o] += dt / n.tauO * (-r.uO[o] + z[o])
		if control {
			r.q[o] += dt / n.tauC * (e[o] - n.lambda*r.q[o])
		}
	}
	for j := range r.xBar {
		r.xBar[j] += dt / n.tauPre * (-r.xBar[j] + x[j])
	}
}

// maxRelDiff returns max |a − b| / max(max |b|, 1e-12).
func maxRelDiff(a, b []float64) float64 {
	var d, m float64
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
		m = math.Max(m, math.Abs(b[i]))
	}
	return d / math.Max(m, 1e-12)
}

// TestStepMatchesReference compares network.step with the dense reference
// over many steps with control and plasticity switching, without and with
// overlap (the fused and the general path). Agreement to 1e-12 relative
// allows for the different order of summation over 2000 steps.
func TestStepMatchesReference(t *testing.T) {
	for _, overlap := range []float64{0, 20} {
		c := DefaultConfig(Traj)
		c.K, c.NE, c.NI, c.Inputs = 6, 48, 12, 5
		c.Overlap, c.Ki, c.EtaFF, c.EtaOut = overlap, 2, 50, 20 // large rates so learning shows
		n, err := newNetwork(&c)
		if err != nil {
			t.Fatal(err)
		}
		if n.fused != (overlap == 0) {
			t.Fatalf("overlap %v: fused path %v", overlap, n.fused)
		}
		ref := newReference(n)
		rng := rand.New(rand.NewPCG(3, 4))
		x, y := make([]float64, c.Inputs), make([]float64, c.Outputs)
		for step := 0; step < 2000; step++ {
			for j := range x {
				x[j] = math.Sin(float64(step)*0.01*float64(j+1)) + 0.1*rng.NormFloat64()
			}
			y[0], y[1] = math.Sin(float64(step)*0.005), math.Cos(float64(step)*0.005)
			control, plastic := step%700 < 400, step%300 < 200
			n.step(x, y, control, plastic)
			ref.step(x, y, control, plastic)
		}
		for _, p := range []struct {
			name      string
			got, want []float64
		}{{"uE", n.uE, ref.uE}, {"uI", n.uI, ref.uI}, {"uO", n.uO, ref.uO},
			{"rBar", n.rBar, ref.rBar}, {"iBar", n.iBar, ref.iBar}, {"xBar", n.xBar, ref.xBar},
			{"q", n.q, ref.q}, {"V", n.V, ref.V}, {"b", n.b, ref.b}, {"U", n.U, ref.U}} {
			d := maxRelDiff(p.got, p.want)
			t.Logf("overlap %v: %s relative difference %.2g", overlap, p.name, d)
			if d > 1e-12 {
				t.Errorf("overlap %v: %s differs from the reference by %.3g (relative)", overlap, p.name, d)
			}
		}
	}
}

// TestFusedPath checks that the fused neuron update is bit-identical to the
// general one with the same rank-one W_IE, and agrees to 1e-9 with the
// general one on the sparse W_IE (a float32 matrix that is rank one only to
// rounding).
func TestFusedPath(t *testing.T) {
	c := DefaultConfig(Motor)
	build := func(fused, rankOne bool) *network {
		n, err := newNetwork(&c)
		if err != nil {
			t.Fatal(err)
		}
		n.fused = fused
		if !rankOne {
			n.wIE1 = nil
		}
		return n
	}
	nets := []*network{build(true, true), build(false, true), build(false, false)}
	x, y := make([]float64, c.Inputs), make([]float64, 1)
	for step := 0; step < 3000; step++ {
		for j := range x {
			x[j] = math.Sin(float64(step) * 0.003 * float64(j+1))
		}
		y[0] = math.Sin(float64(step) * 0.002)
		for _, n := range nets {
			n.step(x, y, step%1000 < 600, true)
		}
	}
	a, b, g := nets[0], nets[1], nets[2]
	for i, v := range [][3][]float64{{a.uE, b.uE, g.uE}, {a.uI, b.uI, g.uI}, {a.V, b.V, g.V},
		{a.U, b.U, g.U}, {a.rBar, b.rBar, g.rBar}, {a.eps, b.eps, g.eps}} {
		for j := range v[0] {
			if v[0][j] != v[1][j] {
				t.Fatalf("array %d, entry %d: fused %v, general %v", i, j, v[0][j], v[1][j])
			}
		}
		if d := maxRelDiff(v[2], v[0]); d > 1e-9 {
			t.Errorf("array %d: sparse W_IE differs from rank-one by %.3g", i, d)
		}
	}
}

// TestOpenLoopBalance checks the balance the package relies on: with a
// constant input and no control, the network settles where the inhibition
// each E neuron receives is α times its feed-forward excitation, so the
// local error vanishes. Inputs and weights are positive so that every
// neuron stays in the linear range of the ReLU.
func TestOpenLoopBalance(t *testing.T) {
	for _, overlap := range []float64{0, 10} {
		c := DefaultConfig(Traj)
		c.Overlap, c.K, c.NE, c.NI = overlap, 10, 120, 30 // small, for a quick balance solve
		n, err := newNetwork(&c)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n.V {
			n.V[i] = math.Abs(n.V[i])
		}
		x := make([]float64, c.Inputs)
		for j := range x {
			x[j] = 1 + 0.5*math.Sin(float64(j))
		}
		y := make([]float64, c.Outputs)
		for step := 0; step < 3000; step++ {
			n.step(x, y, false, false)
		}
		var errRMS, excRMS float64
		for i := range n.eps {
			errRMS += n.eps[i] * n.eps[i]
			excRMS += n.ixe[i] * n.ixe[i]
		}
		rel := math.Sqrt(errRMS / excRMS)
		t.Logf("overlap %v: RMS(ε)/RMS(I_XE) = %.3g", overlap, rel)
		// Without overlap the balance is exact (residual ~1e-9); with 10 %
		// overlap the non-negative W_IE leaves a floor (about 0.1 % here).
		tol := 1e-6
		if overlap > 0 {
			tol = 0.02
		}
		if rel > tol {
			t.Errorf("overlap %v: RMS(ε)/RMS(I_XE) = %.3g at steady state, want < %g", overlap, rel, tol)
		}
	}
}

func TestGramAndClip(t *testing.T) {
	c := DefaultConfig(Traj)
	c.Overlap, c.WeightDecay = 20, 0.1
	c.K, c.NE, c.NI = 6, 48, 12
	n, err := newNetwork(&c)
	if err != nil {
		t.Fatal(err)
	}
	mE := n.mE.dense()
	g := n.gram.dense()
	for k := 0; k < c.K; k++ {
		for l := 0; l < c.K; l++ {
			var s float64
			for i := range mE {
				s += mE[i][k] * mE[i][l]
			}
			if math.Abs(g[k][l]-s) > 1e-12 {
				t.Fatalf("(M_Eᵀ M_E)[%d][%d] = %v, want %v", k, l, g[k][l], s)
			}
		}
	}

	// Clipping acts on the values used in the dynamics only.
	for i := range n.V {
		n.V[i] = 3
	}
	n.b[0] = -5
	x := make([]float64, c.Inputs)
	x[0], x[1] = 1, 2
	n.drive(x)
	if n.a[0] != 3*c.ClipV-c.ClipV || n.a[1] != 3*c.ClipV {
		t.Errorf("clipped drive %v, %v; want %v, %v", n.a[0], n.a[1], 2*c.ClipV, 3*c.ClipV)
	}
	if n.V[0] != 3 || n.b[0] != -5 {
		t.Error("clipping changed the stored parameters")
	}
}

// TestWeightDecay checks that, with no local error and no input trace, the
// decay term shrinks V and b as (η_FF/n_E)·w·M_Eᵀ M_E, which is the
// identity for normalised memberships without overlap.
func TestWeightDecay(t *testing.T) {
	c := DefaultConfig(Traj)
	c.WeightDecay = 0.5
	n, err := newNetwork(&c)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n.b {
		n.b[i] = 1
	}
	v0 := append([]float64(nil), n.V...)
	clear(n.eps)
	clear(n.gK)
	n.plasticity()
	// M_Eᵀ M_E is diagonal; its entries are 1 up to the float32 rounding of
	// the memberships.
	g := n.gram.dense()
	s := n.dt * c.EtaFF / n.nE * c.WeightDecay
	for i, v := range n.V {
		gkk := g[i/c.Inputs][i/c.Inputs]
		if math.Abs(gkk-1) > 1e-6 {
			t.Fatalf("(M_Eᵀ M_E)[%d][%d] = %v, want 1", i/c.Inputs, i/c.Inputs, gkk)
		}
		if want := v0[i] * (1 - s*gkk); math.Abs(v-want) > 1e-15 {
			t.Fatalf("V[%d] = %v after decay, want %v", i, v, want)
		}
	}
	if want := 1 - s*g[0][0]; math.Abs(n.b[0]-want) > 1e-15 {
		t.Errorf("b[0] = %v after decay, want %v", n.b[0], want)
	}
}

// TestControllerAndFeedback checks the controller outputs and the feedback
// of each mode against their formulas.
func TestControllerAndFeedback(t *testing.T) {
	c := DefaultConfig(Traj)
	c.K, c.NE, c.NI, c.Inputs = 4, 16, 8, 3
	c.Kp, c.Ki, c.Kd = 2, 3, 5
	for _, ctrl := range Controllers() {
		c.Controller = ctrl
		n, err := newNetwork(&c)
		if err != nil {
			t.Fatal(err)
		}
		n.e[0], n.e[1], n.q[0], n.q[1], n.ePrev[0], n.ePrev[1] = 1, -2, 0.5, 0.25, 0.1, 0.2
		n.control()
		for o, want := range map[string][2]float64{
			"p":        {2 * 1, 2 * -2},
			"leaky-pi": {2*1 + 3*0.5, 2*-2 + 3*0.25},
			"pid":      {2*1 + 3*0.5 + 5*(1-0.1), 2*-2 + 3*0.25 + 5*(-2-0.2)},
		}[ctrl] {
			if math.Abs(n.c[o]-want) > 1e-12 {
				t.Errorf("%s: c[%d] = %v, want %v", ctrl, o, n.c[o], want)
			}
		}
	}

	c.Controller = "p"
	cc := []float64{0.7, -1.3}
	for _, mode := range FeedbackModes() {
		for _, disinh := range []bool{false, true} {
			c.Feedback, c.DisinhibitoryOnly = mode, disinh
			n, err := newNetwork(&c)
			if err != nil {
				t.Fatal(err)
			}
			copy(n.c, cc)
			n.feedback()
			mI := n.mI.dense()
			for i := 0; i < c.NI; i++ {
				var want float64
				switch mode {
				case "aligned", "random-ensemble":
					m := n.U
					if mode == "random-ensemble" {
						m = n.rEns
					}
					for k := 0; k < c.K; k++ {
						for o := range cc {
							want += mI[i][k] * m[o*c.K+k] * cc[o]
						}
					}
				case "random-neuron":
					for o := range cc {
						want += n.rNeur[i*c.Outputs+o] * cc[o]
					}
				case "global":
					want = cc[0] + cc[1]
				}
				if disinh {
					want = math.Max(want, 0)
				}
				if math.Abs(n.f[i]-want) > 1e-12 {
					t.Errorf("%s (disinhibitory only %v): f[%d] = %v, want %v", mode, disinh, i, n.f[i], want)
				}
			}
		}
	}
}
