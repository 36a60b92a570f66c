package static

import (
	"fmt"
	"math"

	"bcp/core/assembly"
	"bcp/core/randx"
)

// Layer is the fixed structure of one hidden E/I assembly layer.
type Layer struct {
	K, NE, NI int                  // ensembles, E neurons, I neurons
	ME, MI    *assembly.Membership // memberships
	WIE       *assembly.CSR        // I→E weights, non-negative
	InvNE     float32              // 1/n_E, the scale of W_EI = M_I M_Eᵀ/n_E
	Residual  float64              // balance residual RMS of WIE
}

// Network is a static E/I assembly network: its fixed layers and its
// learnable parameters W_l (K_l × D_{l−1}), b_l (K_l) and W_o (D × K_L).
type Network struct {
	Cfg     Config
	In, Out int
	Layers  []*Layer

	// Params holds the learnable arrays in the order W1, b1, W2, b2, …, Wo
	// (the biases only when Cfg.Bias is set); Names and Shapes describe them.
	Params [][]float32
	Names  []string
	Shapes [][2]int

	iW, iB []int // index of W_l and b_l in Params (−1 when absent)
	iO     int
}

// NewNetwork builds the layers (memberships from the seed's stream 1 and
// their balanced W_IE) and LeCun-normal initial weights (stream 2), with
// zero biases.
func NewNetwork(cfg Config, in, out int) (*Network, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if in < 1 || out < 1 {
		return nil, fmt.Errorf("static: input and output sizes must be positive (got %d, %d)", in, out)
	}
	n := &Network{Cfg: cfg, In: in, Out: out}
	rs := randx.New(cfg.Seed, 1)
	opt := assembly.Options{Overlap: cfg.Overlap, Binary: cfg.Binary,
		Normalise: cfg.Normalise, Sigma: cfg.MembershipSigma}
	for l, k := range cfg.LayerEnsembles() {
		ne := k * cfg.ExcPerEnsemble
		ni := ne / cfg.EIRatio
		mE, err := assembly.NewMembership(ne, k, opt, rs)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		mI, err := assembly.NewMembership(ni, k, opt, rs)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		w, res, err := assembly.Balance(mE, mI, cfg.Alpha)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		n.Layers = append(n.Layers, &Layer{K: k, NE: ne, NI: ni, ME: mE, MI: mI, WIE: w,
			InvNE: float32(k) / float32(ne), Residual: res})
	}

	rw := randx.New(cfg.Seed, 2)
	prev := in
	add := func(name string, rows, cols int) int {
		n.Params = append(n.Params, make([]float32, rows*cols))
		n.Names = append(n.Names, name)
		n.Shapes = append(n.Shapes, [2]int{rows, cols})
		return len(n.Params) - 1
	}
	for l, ly := range n.Layers {
		i := add(fmt.Sprintf("W%d", l+1), ly.K, prev)
		randx.LeCunNormal(rw, prev, n.Params[i])
		n.iW = append(n.iW, i)
		if cfg.Bias {
			n.iB = append(n.iB, add(fmt.Sprintf("b%d", l+1), ly.K, 1))
		} else {
			n.iB = append(n.iB, -1)
		}
		prev = ly.K
	}
	n.iO = add("Wo", out, prev)
	randx.LeCunNormal(rw, prev, n.Params[n.iO])
	return n, nil
}

// W returns the feed-forward weights of layer l (0-based), K_l × D_{l−1}.
func (n *Network) W(l int) []float32 { return n.Params[n.iW[l]] }

// B returns the biases of layer l, or nil without biases.
func (n *Network) B(l int) []float32 {
	if n.iB[l] < 0 {
		return nil
	}
	return n.Params[n.iB[l]]
}

// Wo returns the readout weights, D × K_L.
func (n *Network) Wo() []float32 { return n.Params[n.iO] }

// WeightIndex, BiasIndex and ReadoutIndex locate arrays in Params.
func (n *Network) WeightIndex(l int) int { return n.iW[l] }

// BiasIndex returns the index of b_l in Params, or −1 without biases.
func (n *Network) BiasIndex(l int) int { return n.iB[l] }

// ReadoutIndex returns the index of W_o in Params.
func (n *Network) ReadoutIndex() int { return n.iO }

// BalanceResidual returns the largest balance residual RMS over the layers.
func (n *Network) BalanceResidual() float64 {
	var r float64
	for _, l := range n.Layers {
		r = math.Max(r, l.Residual)
	}
	return r
}

// WeightNorm returns the mean over parameter arrays of their Frobenius
// norms.
func (n *Network) WeightNorm() float64 {
	var s float64
	for _, p := range n.Params {
		var q float64
		for _, v := range p {
			q += float64(v) * float64(v)
		}
		s += math.Sqrt(q)
	}
	return s / float64(len(n.Params))
}

// activation is φ with its derivative φ'.
type activation int

const (
	relu activation = iota
	linear
	tanhAct
)

func activationOf(name string) activation {
	switch name {
	case "linear":
		return linear
	case "tanh":
		return tanhAct
	}
	return relu
}

// apply writes r = φ(u).
func (a activation) apply(u, r []float32) {
	switch a {
	case relu:
		for i, v := range u {
			r[i] = max(v, 0)
		}
	case linear:
		copy(r, u)
	case tanhAct:
		for i, v := range u {
			r[i] = float32(math.Tanh(float64(v)))
		}
	}
}

// deriv returns φ'(u).
func (a activation) deriv(u float32) float32 {
	switch a {
	case relu:
		if u > 0 {
			return 1
		}
		return 0
	case linear:
		return 1
	}
	t := float32(math.Tanh(float64(u)))
	return 1 - t*t
}
