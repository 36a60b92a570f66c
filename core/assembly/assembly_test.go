package assembly

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 77)) }

func TestMembershipTiling(t *testing.T) {
	for _, c := range []struct{ n, k int }{{64, 16}, {50, 7}, {2048, 128}, {13, 13}} {
		m, err := NewMembership(c.n, c.k, Options{Binary: true}, rng(1))
		if err != nil {
			t.Fatal(err)
		}
		if !m.Blocks() {
			t.Fatalf("N=%d K=%d: memberships without overlap are not blocks", c.n, c.k)
		}
		minSize, maxSize := c.n, 0
		for k := 0; k < c.k; k++ {
			size := m.BlockStart(k+1) - m.BlockStart(k)
			minSize, maxSize = min(minSize, size), max(maxSize, size)
			for i := m.BlockStart(k); i < m.BlockStart(k+1); i++ {
				if m.Col[m.Ptr[i]] != int32(k) || m.Val[m.Ptr[i]] != 1 {
					t.Fatalf("N=%d K=%d: neuron %d not a binary member of block %d", c.n, c.k, i, k)
				}
			}
		}
		if maxSize-minSize > 1 {
			t.Errorf("N=%d K=%d: block sizes %d..%d differ by more than one", c.n, c.k, minSize, maxSize)
		}
	}
}

func TestMembershipOverlapRate(t *testing.T) {
	const n, k, pct = 4096, 64, 20.0
	m, err := NewMembership(n, k, Options{Overlap: pct, Binary: true}, rng(2))
	if err != nil {
		t.Fatal(err)
	}
	p := pct / (100*k - pct*k)
	extra := len(m.Col) - n
	// Each of the n(K−1) off-home entries is a Bernoulli(p) draw; allow five
	// standard deviations.
	mean := float64(n*(k-1)) * p
	sd := math.Sqrt(mean * (1 - p))
	if math.Abs(float64(extra)-mean) > 5*sd {
		t.Errorf("extra memberships = %d, want %.0f ± %.0f", extra, mean, 5*sd)
	}
	// Row scaling: binary rows hold 1/(memberships of the row).
	for i := 0; i < n; i++ {
		cnt := m.Ptr[i+1] - m.Ptr[i]
		for e := m.Ptr[i]; e < m.Ptr[i+1]; e++ {
			if math.Abs(float64(m.Val[e])-1/float64(cnt)) > 1e-7 {
				t.Fatalf("row %d entry %v, want 1/%d", i, m.Val[e], cnt)
			}
		}
	}
}

func TestMembershipNormalisedLogNormal(t *testing.T) {
	m, err := NewMembership(2048, 128, DefaultOptions(), rng(3))
	if err != nil {
		t.Fatal(err)
	}
	d := m.Dense()
	for j := 0; j < 128; j++ {
		if nrm := mat.Norm(d.ColView(j), 2); math.Abs(nrm-1) > 1e-6 {
			t.Fatalf("column %d has norm %v, want 1 (±1e-6)", j, nrm)
		}
	}
	// The log-normal factors are mean-preserving: without normalisation the
	// entries of a non-overlapping layer average 1 (±3 standard errors; the
	// factor's variance is exp(σ²) − 1).
	u, _ := NewMembership(20000, 100, Options{Sigma: 0.5}, rng(4))
	var s float64
	for _, v := range u.Val {
		s += float64(v)
	}
	se := math.Sqrt((math.Exp(0.25) - 1) / float64(len(u.Val)))
	if mean := s / float64(len(u.Val)); math.Abs(mean-1) > 3*se {
		t.Errorf("mean log-normal factor %v, want 1 ± %v", mean, 3*se)
	}
}

func TestMembershipErrors(t *testing.T) {
	if _, err := NewMembership(10, 20, DefaultOptions(), rng(1)); err == nil {
		t.Error("K > N accepted")
	}
	if _, err := NewMembership(10, 2, Options{Overlap: 100}, rng(1)); err == nil {
		t.Error("overlap 100 accepted")
	}
}

func TestMulVec(t *testing.T) {
	r := rng(5)
	m, _ := NewMembership(40, 6, Options{Overlap: 30, Normalise: true, Sigma: 0.5}, r)
	d := m.Dense()
	a := make([]float32, 6)
	v := make([]float32, 40)
	for i := range a {
		a[i] = float32(r.NormFloat64())
	}
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	out := make([]float32, 40)
	m.MulVec(a, out)
	outT := make([]float32, 6)
	m.MulTVec(v, outT)
	for i := 0; i < 40; i++ {
		var want float64
		for j := 0; j < 6; j++ {
			want += d.At(i, j) * float64(a[j])
		}
		if math.Abs(float64(out[i])-want) > 1e-5 {
			t.Fatalf("M a [%d] = %v, want %v", i, out[i], want)
		}
	}
	for j := 0; j < 6; j++ {
		var want float64
		for i := 0; i < 40; i++ {
			want += d.At(i, j) * float64(v[i])
		}
		if math.Abs(float64(outT[j])-want) > 1e-5 {
			t.Fatalf("Mᵀ v [%d] = %v, want %v", j, outT[j], want)
		}
	}
}

func layer(t testing.TB, k, nE, ratio int, o Options, seed uint64) (*Membership, *Membership) {
	r := rng(seed)
	mE, err := NewMembership(k*nE, k, o, r)
	if err != nil {
		t.Fatal(err)
	}
	mI, err := NewMembership(k*nE/ratio, k, o, r)
	if err != nil {
		t.Fatal(err)
	}
	return mE, mI
}

func TestBalanceClosedForm(t *testing.T) {
	for _, o := range []Options{DefaultOptions(), {Binary: true}, {Binary: true, Normalise: true}, {Sigma: 0.5}} {
		mE, mI := layer(t, 16, 8, 4, o, 6)
		w, res, err := Balance(mE, mI, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		// Exact up to δ = 1e-6 and float32 storage of W.
		if res > 1e-6 {
			t.Errorf("%+v: residual %g, want ≤ 1e-6", o, res)
		}
		p := NewProblem(mE, mI, 0.5)
		if r2 := p.Residual(w.Dense()); r2 > 1e-6 {
			t.Errorf("%+v: residual of the float32 weights %g", o, r2)
		}
	}
	// Binary, unnormalised: W_IE = α/(2 − α) · M_E M_Iᵀ / n_I.
	mE, mI := layer(t, 8, 8, 4, Options{Binary: true}, 7)
	w, _, _ := Balance(mE, mI, 0.5)
	want := mat.NewDense(64, 16, nil)
	want.Mul(mE.Dense(), mI.Dense().T())
	want.Scale(0.5/1.5/2, want) // n_I = 2
	if !mat.EqualApprox(w.Dense(), want, 1e-7) {
		t.Error("binary closed form differs from α/(2−α)·M_E M_Iᵀ/n_I")
	}
}

func TestBalanceGradient(t *testing.T) {
	mE, mI := layer(t, 4, 6, 3, Options{Overlap: 25, Normalise: true, Sigma: 0.5}, 8)
	p := NewProblem(mE, mI, 0.5)
	r := rng(9)
	w := mat.NewDense(mE.N, mI.N, nil)
	w.Apply(func(_, _ int, _ float64) float64 { return 0.3 * r.Float64() }, w)
	_, g := p.Gradient(w)
	const h = 1e-6
	for trial := 0; trial < 20; trial++ {
		i, j := r.IntN(mE.N), r.IntN(mI.N)
		v := w.At(i, j)
		w.Set(i, j, v+h)
		lp := p.Residual(w)
		w.Set(i, j, v-h)
		lm := p.Residual(w)
		w.Set(i, j, v)
		fd := (lp - lm) / (2 * h)
		// Central differences in float64: error O(h²) plus rounding ~1e-10/h.
		if math.Abs(fd-g.At(i, j)) > 1e-6+1e-4*math.Abs(fd) {
			t.Errorf("∂loss/∂W[%d,%d] = %g, finite difference %g", i, j, g.At(i, j), fd)
		}
	}
}

// adamReference is the reference recipe: W = relu(Θ) from
// Θ₀ = α·mean_j(1/Σ_i V_ji)·Vᵀ, Adam (lr 1e-3, cosine decay to 0) on the
// residual RMS for the given number of steps.
func adamReference(p *Problem, steps int) float64 {
	ne, _ := p.ME.Dims()
	ni, _ := p.MI.Dims()
	v := mat.NewDense(ni, ne, nil)
	v.Mul(p.MI, p.ME.T())
	v.Scale(1/p.NE, v)
	var meanInv float64
	for j := 0; j < ni; j++ {
		meanInv += 1 / mat.Sum(v.RowView(j))
	}
	meanInv /= float64(ni)
	theta := mat.NewDense(ne, ni, nil)
	theta.Scale(p.Alpha*meanInv, v.T())
	m1 := mat.NewDense(ne, ni, nil)
	m2 := mat.NewDense(ne, ni, nil)
	w := mat.NewDense(ne, ni, nil)
	relu := func(_, _ int, x float64) float64 { return math.Max(x, 0) }
	for s := 0; s < steps; s++ {
		w.Apply(relu, theta)
		_, g := p.Gradient(w)
		lr := 1e-3 * 0.5 * (1 + math.Cos(math.Pi*float64(s)/float64(steps)))
		t := float64(s + 1)
		for i := 0; i < ne; i++ {
			for j := 0; j < ni; j++ {
				gij := 0.0
				if theta.At(i, j) > 0 {
					gij = g.At(i, j)
				}
				a := 0.9*m1.At(i, j) + 0.1*gij
				b := 0.999*m2.At(i, j) + 0.001*gij*gij
				m1.Set(i, j, a)
				m2.Set(i, j, b)
				mh := a / (1 - math.Pow(0.9, t))
				vh := b / (1 - math.Pow(0.999, t))
				theta.Set(i, j, theta.At(i, j)-lr*mh/(math.Sqrt(vh)+1e-8))
			}
		}
	}
	w.Apply(relu, theta)
	return p.Residual(w)
}

func TestBalanceBeatsAdamReference(t *testing.T) {
	if testing.Short() {
		t.Skip("10 000 reference Adam steps")
	}
	for _, c := range []struct {
		overlap float64
		seed    uint64
	}{{10, 10}, {30, 11}} {
		o := DefaultOptions()
		o.Overlap = c.overlap
		mE, mI := layer(t, 4, 8, 4, o, c.seed)
		_, res, err := Balance(mE, mI, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		ref := adamReference(NewProblem(mE, mI, 0.5), 10000)
		t.Logf("overlap %v%%: residual %.6g, reference Adam %.6g", c.overlap, res, ref)
		// Allow float32 storage of W (relative 1e-6).
		if res > ref*(1+1e-5)+1e-7 {
			t.Errorf("overlap %v%%: residual %g exceeds the reference's %g", c.overlap, res, ref)
		}
	}
}

func TestBalanceNoOverlapReference(t *testing.T) {
	// Without overlap the closed form is exact, far below what Adam reaches.
	mE, mI := layer(t, 4, 8, 4, DefaultOptions(), 12)
	_, res, _ := Balance(mE, mI, 0.5)
	if res > 1e-6 {
		t.Errorf("residual %g, want ≤ 1e-6", res)
	}
}

func BenchmarkBalanceDefault(b *testing.B) {
	mE, mI := layer(b, 128, 16, 4, DefaultOptions(), 13)
	for b.Loop() {
		if _, _, err := Balance(mE, mI, 0.5); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBalanceDefaultOverlap10(b *testing.B) {
	o := DefaultOptions()
	o.Overlap = 10
	mE, mI := layer(b, 128, 16, 4, o, 14)
	for b.Loop() {
		if _, _, err := Balance(mE, mI, 0.5); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMulVecBlocks(t *testing.T) {
	// The block fast path must agree with the general sparse path.
	r := rng(15)
	m, _ := NewMembership(50, 7, DefaultOptions(), r)
	if m.start == nil {
		t.Fatal("no block structure detected without overlap")
	}
	a := make([]float32, 7)
	v := make([]float32, 50)
	for i := range a {
		a[i] = float32(r.NormFloat64())
	}
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	fast, fastT := make([]float32, 50), make([]float32, 7)
	m.MulVec(a, fast)
	m.MulTVec(v, fastT)
	m.start = nil
	slow, slowT := make([]float32, 50), make([]float32, 7)
	m.MulVec(a, slow)
	m.MulTVec(v, slowT)
	for i := range fast {
		if fast[i] != slow[i] {
			t.Fatalf("M a [%d]: block path %v, sparse path %v", i, fast[i], slow[i])
		}
	}
	for k := range fastT {
		if math.Abs(float64(fastT[k]-slowT[k])) > 1e-6 {
			t.Fatalf("Mᵀ v [%d]: block path %v, sparse path %v", k, fastT[k], slowT[k])
		}
	}
}
