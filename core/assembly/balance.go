package assembly

import (
	"errors"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// delta is the regulariser δ in c = 1 + δ of the balance residual.
const delta = 1e-6

// Problem is the balance problem of one layer: memberships, the balance
// fraction α and the derived dense matrices used by the solvers.
type Problem struct {
	ME, MI *mat.Dense // N_E×K and N_I×K memberships
	Alpha  float64
	NE     float64 // n_E = N_E/K, the scale of W_EI
	C      float64 // c = 1 + δ
}

// NewProblem collects the dense memberships of a layer.
func NewProblem(mE, mI *Membership, alpha float64) *Problem {
	return &Problem{
		ME: mE.Dense(), MI: mI.Dense(), Alpha: alpha,
		NE: float64(mE.N) / float64(mE.K), C: 1 + delta,
	}
}

// Eval computes the residual R(W), the map A(W) and the Woodbury pieces for
// a dense non-negative W (N_E×N_I). It returns RMS(R).
type eval struct {
	p      *Problem
	P      *mat.Dense // W M_I / n_E (N_E×K), so that W V = P M_Eᵀ
	small  mat.LU     // LU of c·I_K + M_Eᵀ P
	A, R   *mat.Dense
	loss   float64
	ne, ni int
	k      int
}

func (p *Problem) eval(w *mat.Dense) *eval {
	ne, k := p.ME.Dims()
	ni, _ := p.MI.Dims()
	ev := &eval{p: p, ne: ne, ni: ni, k: k}

	wm := mat.NewDense(ne, k, nil)
	wm.Mul(w, p.MI) // W M_I
	ev.P = mat.NewDense(ne, k, nil)
	ev.P.Scale(1/p.NE, wm)

	sm := mat.NewDense(k, k, nil)
	sm.Mul(p.ME.T(), ev.P)
	for i := 0; i < k; i++ {
		sm.Set(i, i, sm.At(i, i)+p.C)
	}
	ev.small.Factorize(sm)

	x := mat.NewDense(ne, k, nil)
	x.Sub(p.ME, wm) // M_E − W M_I
	sx := ev.applyS(x)
	vsx := mat.NewDense(k, k, nil)
	vsx.Mul(p.ME.T(), sx) // M_Eᵀ S X
	ev.A = mat.NewDense(ni, k, nil)
	ev.A.Mul(p.MI, vsx)
	ev.A.Scale(1/p.NE, ev.A)
	ev.A.Add(ev.A, p.MI)

	ev.R = mat.NewDense(ne, k, nil)
	ev.R.Mul(w, ev.A)
	ev.R.Scale(-1, ev.R)
	ev.R.Apply(func(i, j int, v float64) float64 { return v + p.Alpha*p.ME.At(i, j) }, ev.R)
	ev.loss = rms(ev.R)
	return ev
}

// applyS computes S X = (X − P (cI + M_Eᵀ P)⁻¹ M_Eᵀ X)/c (Woodbury).
func (ev *eval) applyS(x *mat.Dense) *mat.Dense {
	_, cols := x.Dims()
	t := mat.NewDense(ev.k, cols, nil)
	t.Mul(ev.p.ME.T(), x)
	if err := ev.small.SolveTo(t, false, t); err != nil {
		panic("assembly: singular Woodbury system: " + err.Error())
	}
	out := mat.NewDense(ev.ne, cols, nil)
	out.Mul(ev.P, t)
	out.Sub(x, out)
	out.Scale(1/ev.p.C, out)
	return out
}

// applyST computes Sᵀ Y = (Y − M_E (cI + M_Eᵀ P)⁻ᵀ Pᵀ Y)/c.
func (ev *eval) applyST(y *mat.Dense) *mat.Dense {
	_, cols := y.Dims()
	t := mat.NewDense(ev.k, cols, nil)
	t.Mul(ev.P.T(), y)
	if err := ev.small.SolveTo(t, true, t); err != nil {
		panic("assembly: singular Woodbury system: " + err.Error())
	}
	out := mat.NewDense(ev.ne, cols, nil)
	out.Mul(ev.p.ME, t)
	out.Sub(y, out)
	out.Scale(1/ev.p.C, out)
	return out
}

// grad returns ∇_W RMS(R) = −c Sᵀ G Aᵀ with G = R/(RMS(R)·N_E·K).
func (ev *eval) grad() *mat.Dense {
	g := mat.NewDense(ev.ne, ev.k, nil)
	g.Scale(1/(ev.loss*float64(ev.ne*ev.k)), ev.R)
	sg := ev.applyST(g)
	out := mat.NewDense(ev.ne, ev.ni, nil)
	out.Mul(sg, ev.A.T())
	out.Scale(-ev.p.C, out)
	return out
}

// Residual returns the balance residual RMS(R(W)) of a dense W.
func (p *Problem) Residual(w *mat.Dense) float64 { return p.eval(w).loss }

// Gradient returns RMS(R(W)) and its gradient with respect to W.
func (p *Problem) Gradient(w *mat.Dense) (float64, *mat.Dense) {
	ev := p.eval(w)
	return ev.loss, ev.grad()
}

func rms(m *mat.Dense) float64 {
	r, c := m.Dims()
	f := mat.Norm(m, 2) // Frobenius norm for matrices
	return f / math.Sqrt(float64(r*c))
}

// Balance returns the I→E weights W_IE of a layer and the residual RMS they
// leave (see the package documentation). Without overlap the closed form is
// exact; with overlap the non-negative least-squares solution is polished on
// the true residual.
func Balance(mE, mI *Membership, alpha float64) (*CSR, float64, error) {
	if mE.K != mI.K {
		return nil, 0, errors.New("assembly: E and I memberships have different ensemble counts")
	}
	p := NewProblem(mE, mI, alpha)
	var w *mat.Dense
	if mE.Blocks() && mI.Blocks() {
		w = closedForm(mE, mI, alpha)
	} else {
		w = p.nnls()
		w = p.polish(w, polishSteps(mE.N, mI.N, mE.K))
	}
	return csrFromDense(w), p.Residual(w), nil
}

// closedForm solves W B = α M_E exactly for block memberships (package doc).
func closedForm(mE, mI *Membership, alpha float64) *mat.Dense {
	w := mat.NewDense(mE.N, mI.N, nil)
	nE := float64(mE.N) / float64(mE.K)
	for k := 0; k < mE.K; k++ {
		e0, e1 := mE.BlockStart(k), mE.BlockStart(k+1)
		i0, i1 := mI.BlockStart(k), mI.BlockStart(k+1)
		var me2, mi2 float64
		for i := e0; i < e1; i++ {
			me2 += float64(mE.Val[i]) * float64(mE.Val[i])
		}
		for j := i0; j < i1; j++ {
			mi2 += float64(mI.Val[j]) * float64(mI.Val[j])
		}
		beta := 1 + (1-alpha)*me2/nE
		for i := e0; i < e1; i++ {
			for j := i0; j < i1; j++ {
				w.Set(i, j, alpha/beta*float64(mE.Val[i])*float64(mI.Val[j])/mi2)
			}
		}
	}
	return w
}

// nnls solves min ‖W B − α M_E‖_F with W ≥ 0, one row of W at a time, by
// the Lawson–Hanson active-set method on the Gram matrix B Bᵀ.
func (p *Problem) nnls() *mat.Dense {
	ne, k := p.ME.Dims()
	ni, _ := p.MI.Dims()

	// B = M_I + (1 − α) V M_E with V = M_I M_Eᵀ/n_E, i.e.
	// B = M_I (I + (1 − α)/n_E · M_Eᵀ M_E).
	mm := mat.NewDense(k, k, nil)
	mm.Mul(p.ME.T(), p.ME)
	mm.Scale((1-p.Alpha)/p.NE, mm)
	for i := 0; i < k; i++ {
		mm.Set(i, i, mm.At(i, i)+1)
	}
	b := mat.NewDense(ni, k, nil)
	b.Mul(p.MI, mm)
	gram := mat.NewDense(ni, ni, nil)
	gram.Mul(b, b.T())
	// rhs row i = B (α M_E[i,:])ᵀ, all rows at once: α M_E Bᵀ.
	rhs := mat.NewDense(ne, ni, nil)
	rhs.Mul(p.ME, b.T())
	rhs.Scale(p.Alpha, rhs)

	w := mat.NewDense(ne, ni, nil)
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func(wk int) {
			defer wg.Done()
			for i := wk; i < ne; i += workers {
				lawsonHanson(gram, rhs.RawRowView(i), w.RawRowView(i))
			}
		}(wk)
	}
	wg.Wait()
	return w
}

// lawsonHanson solves min ‖A x − y‖ with x ≥ 0 given the Gram matrix
// G = AᵀA and q = Aᵀy, writing x (zero on entry). It works on the normal
// equations, which is accurate enough for the small supports that occur here.
func lawsonHanson(g *mat.Dense, q, x []float64) {
	n := len(q)
	var qmax float64
	for _, v := range q {
		qmax = math.Max(qmax, math.Abs(v))
	}
	tol := 1e-12 * math.Max(qmax, 1e-300)
	passive := make([]bool, n)
	var set []int
	w := make([]float64, n)
	z := make([]float64, n)

	gradient := func() { // w = q − G x
		for j := 0; j < n; j++ {
			s := q[j]
			for _, l := range set {
				s -= g.At(j, l) * x[l]
			}
			w[j] = s
		}
	}
	solve := func() bool { // z_P = G_PP⁻¹ q_P
		m := len(set)
		gp := mat.NewSymDense(m, nil)
		qp := mat.NewVecDense(m, nil)
		for a, ja := range set {
			qp.SetVec(a, q[ja])
			for b2 := a; b2 < m; b2++ {
				gp.SetSym(a, b2, g.At(ja, set[b2]))
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(gp) {
			return false
		}
		var zp mat.VecDense
		if err := ch.SolveVecTo(&zp, qp); err != nil {
			return false
		}
		clear(z)
		for a, ja := range set {
			z[ja] = zp.AtVec(a)
		}
		return true
	}

	for iter := 0; iter < 3*n; iter++ {
		gradient()
		best, bestJ := tol, -1
		for j := 0; j < n; j++ {
			if !passive[j] && w[j] > best {
				best, bestJ = w[j], j
			}
		}
		if bestJ < 0 {
			return
		}
		passive[bestJ] = true
		set = append(set, bestJ)
		for inner := 0; inner < n; inner++ {
			if !solve() {
				// The new column is dependent on the set: drop it and stop.
				passive[bestJ] = false
				set = set[:len(set)-1]
				return
			}
			ok := true
			for _, j := range set {
				if z[j] <= 0 {
					ok = false
					break
				}
			}
			if ok {
				for _, j := range set {
					x[j] = z[j]
				}
				break
			}
			step := math.Inf(1)
			for _, j := range set {
				if z[j] <= 0 {
					step = math.Min(step, x[j]/(x[j]-z[j]))
				}
			}
			kept := set[:0]
			for _, j := range set {
				x[j] += step * (z[j] - x[j])
				if x[j] <= 1e-15 {
					x[j] = 0
					passive[j] = false
				} else {
					kept = append(kept, j)
				}
			}
			set = kept
		}
	}
}

// polishSteps bounds the projected-gradient refinement to about two
// gigaflops, so that the default layer stays within seconds.
func polishSteps(ne, ni, k int) int {
	steps := int(2e9 / (8 * float64(ne) * float64(ni) * float64(k)))
	return max(10, min(steps, 500))
}

// polish lowers the true residual RMS(R(W)) by projected gradient descent
// on W ≥ 0 with a backtracking step size. It never returns a worse W.
func (p *Problem) polish(w *mat.Dense, steps int) *mat.Dense {
	ev := p.eval(w)
	eta := 0.0
	r, c := w.Dims()
	trial := mat.NewDense(r, c, nil)
	for s := 0; s < steps && ev.loss > 0; s++ {
		g := ev.grad()
		gn := mat.Norm(g, 2)
		if gn == 0 {
			break
		}
		if eta == 0 {
			eta = ev.loss / (gn * gn)
		}
		improved := false
		for try := 0; try < 30; try++ {
			trial.Scale(-eta, g)
			trial.Add(trial, w)
			trial.Apply(func(_, _ int, v float64) float64 { return math.Max(v, 0) }, trial)
			tev := p.eval(trial)
			if tev.loss < ev.loss {
				w, trial = trial, w
				ev = tev
				eta *= 2
				improved = true
				break
			}
			eta /= 2
		}
		if !improved {
			break
		}
	}
	return w
}
