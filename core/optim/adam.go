// Package optim provides the optimiser of the bcp models: Adam (Kingma and
// Ba, "Adam: A method for stochastic optimization", ICLR 2015) over a list
// of float32 parameter arrays, and parameter clipping.
//
// The models hand Adam an update direction g per parameter array: the
// gradient of the loss for the backpropagation baseline, the local-error
// direction of the balance-controlled network. Adam descends along it.
package optim

import "math"

// Defaults of Adam, as in the Adam paper and the published experiments.
const (
	DefaultLR    = 1e-3
	DefaultBeta1 = 0.9
	DefaultBeta2 = 0.999
	DefaultEps   = 1e-8
)

// Adam is the Adam optimiser. Its fields are exported so that its state can
// be saved and restored with the parameters. With step t (counted from 1),
// direction g, and element-wise operations, one update is
//
//	m ← β₁ m + (1 − β₁) g
//	v ← β₂ v + (1 − β₂) g²
//	m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ)
//	p ← p − lr · m̂ / (√v̂ + ε).
type Adam struct {
	// LR is the learning rate lr.
	LR float64

	// Beta1 and Beta2 are the decay rates β₁ and β₂ of the first and
	// second moment estimates.
	Beta1, Beta2 float64

	// Eps is ε, added to √v̂ in the denominator.
	Eps float64

	// Step is the number of updates made so far (t of the last update).
	Step int

	// M and V are the first and second moment estimates, one array per
	// parameter array.
	M, V [][]float32
}

// NewAdam returns an Adam optimiser with learning rate lr, the default β₁,
// β₂ and ε, and zero moments for parameter arrays of the given sizes.
func NewAdam(lr float64, sizes []int) *Adam {
	a := &Adam{
		LR:    lr,
		Beta1: DefaultBeta1,
		Beta2: DefaultBeta2,
		Eps:   DefaultEps,
		M:     make([][]float32, len(sizes)),
		V:     make([][]float32, len(sizes)),
	}
	for i, n := range sizes {
		a.M[i] = make([]float32, n)
		a.V[i] = make([]float32, n)
	}
	return a
}

// Sizes returns the lengths of the arrays in params, the argument NewAdam
// needs for them.
func Sizes(params [][]float32) []int {
	sizes := make([]int, len(params))
	for i, p := range params {
		sizes[i] = len(p)
	}
	return sizes
}

// Update moves params against the direction g (descends):
// p -= lr·m̂/(√v̂+ε), after updating the moments with g and incrementing
// Step (see Adam). It allocates nothing. Update panics if params, g and the
// moment arrays do not have matching lengths.
func (a *Adam) Update(params, g [][]float32) {
	if len(params) != len(a.M) || len(g) != len(a.M) {
		panic("optim: Adam.Update: number of arrays differs from the optimiser's")
	}
	a.Step++
	t := float64(a.Step)

	// The bias corrections are folded into two scalars:
	// m̂ = m·c1, v̂ = v·c2.
	// 1 − β is formed in float64: 1 − float32(0.999) is off by 1e-5.
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	ob1, ob2 := float32(1-a.Beta1), float32(1-a.Beta2)
	c1 := float32(1 / (1 - math.Pow(a.Beta1, t)))
	c2 := float32(1 / (1 - math.Pow(a.Beta2, t)))
	lr, eps := float32(a.LR), float32(a.Eps)

	for k, p := range params {
		m, v, gk := a.M[k], a.V[k], g[k]
		if len(p) != len(m) || len(gk) != len(m) || len(v) != len(m) {
			panic("optim: Adam.Update: array lengths differ from the optimiser's")
		}
		for i, gi := range gk {
			mi := b1*m[i] + ob1*gi
			vi := b2*v[i] + ob2*gi*gi
			m[i], v[i] = mi, vi
			p[i] -= lr * (mi * c1) / (float32(math.Sqrt(float64(vi*c2))) + eps)
		}
	}
}

// Clip limits every parameter to [lo, hi]: p ← min(max(p, lo), hi). NaN
// values are left as they are.
func Clip(params [][]float32, lo, hi float32) {
	for _, p := range params {
		for i, x := range p {
			if x < lo {
				p[i] = lo
			} else if x > hi {
				p[i] = hi
			}
		}
	}
}
