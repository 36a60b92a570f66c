package assembly

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Options selects how memberships are built. The zero value gives
// non-binary, unnormalised memberships without overlap; DefaultOptions gives
// the published setting.
type Options struct {
	Overlap   float64 // overlap percentage P in [0, 100)
	Binary    bool    // skip the log-normal factors
	Normalise bool    // scale each column to unit norm
	Sigma     float64 // log-normal spread σ (0.5)
}

// DefaultOptions returns non-binary, normalised memberships without overlap
// and σ = 0.5, as in every published experiment.
func DefaultOptions() Options {
	return Options{Normalise: true, Sigma: 0.5}
}

// Membership is an N×K membership matrix stored by rows: row i has the
// entries Val[Ptr[i]:Ptr[i+1]] in the columns Col[Ptr[i]:Ptr[i+1]].
type Membership struct {
	N, K int
	Ptr  []int
	Col  []int32
	Val  []float32

	// start lists the first neuron of every ensemble (K+1 entries) when
	// each neuron belongs to exactly its home ensemble, so that products can
	// skip the column indices; nil otherwise.
	start []int
}

// NewMembership builds an N×K membership matrix with the five steps of the
// package documentation, drawing random numbers from r.
func NewMembership(n, k int, o Options, r *rand.Rand) (*Membership, error) {
	if n < 1 || k < 1 || k > n {
		return nil, fmt.Errorf("assembly: cannot tile %d neurons into %d ensembles (need 1 ≤ K ≤ N)", n, k)
	}
	if o.Overlap < 0 || o.Overlap >= 100 {
		return nil, fmt.Errorf("assembly: overlap %v%% is outside [0, 100)", o.Overlap)
	}

	p := o.Overlap / (100*float64(k) - o.Overlap*float64(k))
	m := &Membership{N: n, K: k, Ptr: make([]int, n+1)}
	for i := 0; i < n; i++ {
		home := i * k / n
		if p == 0 {
			m.Col = append(m.Col, int32(home))
			m.Val = append(m.Val, 1)
			m.Ptr[i+1] = len(m.Col)
			continue
		}
		for j := 0; j < k; j++ {
			if j == home || r.Float64() < p {
				m.Col = append(m.Col, int32(j))
				m.Val = append(m.Val, 1)
			}
		}
		m.Ptr[i+1] = len(m.Col)
	}

	for i := 0; i < n; i++ {
		row := m.Val[m.Ptr[i]:m.Ptr[i+1]]
		for e := range row {
			row[e] /= float32(len(row))
		}
	}
	if !o.Binary && o.Sigma > 0 {
		shift := o.Sigma * o.Sigma / 2
		for e := range m.Val {
			m.Val[e] *= float32(math.Exp(o.Sigma*r.NormFloat64() - shift))
		}
	}
	if o.Normalise {
		norm := make([]float64, k)
		for e, j := range m.Col {
			norm[j] += float64(m.Val[e]) * float64(m.Val[e])
		}
		for e, j := range m.Col {
			m.Val[e] = float32(float64(m.Val[e]) / math.Sqrt(norm[j]))
		}
	}
	if m.Blocks() {
		m.start = make([]int, k+1)
		for j := range m.start {
			m.start[j] = m.BlockStart(j)
		}
	}
	return m, nil
}

// Blocks reports whether every neuron belongs to exactly one ensemble (no
// overlap), in which case ensemble k holds the neurons BlockStart(k) up to
// BlockStart(k+1).
func (m *Membership) Blocks() bool {
	for i := 0; i < m.N; i++ {
		if m.Ptr[i+1]-m.Ptr[i] != 1 || int(m.Col[m.Ptr[i]]) != i*m.K/m.N {
			return false
		}
	}
	return true
}

// BlockStart returns the first neuron of ensemble k under hard tiling
// (k = K gives N).
func (m *Membership) BlockStart(k int) int {
	// Neuron i is in ensemble ⌊iK/N⌋, so the first neuron of k is ⌈kN/K⌉.
	return (k*m.N + m.K - 1) / m.K
}

// MulVec computes out = M a (out has N entries, a has K).
func (m *Membership) MulVec(a, out []float32) {
	if m.start != nil {
		for k := 0; k < m.K; k++ {
			ak := a[k]
			lo, hi := m.start[k], m.start[k+1]
			for i, v := range m.Val[lo:hi] {
				out[lo+i] = v * ak
			}
		}
		return
	}
	for i := 0; i < m.N; i++ {
		var s float32
		for e := m.Ptr[i]; e < m.Ptr[i+1]; e++ {
			s += m.Val[e] * a[m.Col[e]]
		}
		out[i] = s
	}
}

// MulTVec computes out = Mᵀ v (out has K entries, v has N).
func (m *Membership) MulTVec(v, out []float32) {
	if m.start != nil {
		for k := 0; k < m.K; k++ {
			lo, hi := m.start[k], m.start[k+1]
			var s float32
			for i, x := range m.Val[lo:hi] {
				s += x * v[lo+i]
			}
			out[k] = s
		}
		return
	}
	clear(out[:m.K])
	for i := 0; i < m.N; i++ {
		vi := v[i]
		for e := m.Ptr[i]; e < m.Ptr[i+1]; e++ {
			out[m.Col[e]] += m.Val[e] * vi
		}
	}
}

// Dense returns M as a float64 gonum matrix.
func (m *Membership) Dense() *mat.Dense {
	d := mat.NewDense(m.N, m.K, nil)
	for i := 0; i < m.N; i++ {
		for e := m.Ptr[i]; e < m.Ptr[i+1]; e++ {
			d.Set(i, int(m.Col[e]), float64(m.Val[e]))
		}
	}
	return d
}

// IsBlocks reports, without rescanning, whether the memberships are plain
// blocks (see Blocks).
func (m *Membership) IsBlocks() bool { return m.start != nil }
