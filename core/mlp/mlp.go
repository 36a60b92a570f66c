// Package mlp is the backpropagation baseline of the balance-controlled
// networks: an ordinary multilayer perceptron with ReLU hidden layers,
// trained on the same data, loss and optimiser.
//
// With h₀ = x and L weight layers (L − 1 hidden layers), the network computes
//
//	h_l = relu(W_l h_{l−1} + b_l),   l = 1 … L−1,
//	ŷ   = W_o h_{L−1}                (W_o = W_L, a readout without bias),
//
// matching the balance-controlled network, whose readout has no bias either.
// Weights are LeCun-normal (see randx.LeCunNormal) and biases start at zero.
//
// Gradient backpropagates the loss error e = −∂loss/∂ŷ (see package loss):
// the gradient at the output is δ_L = −e, and
//
//	δ_l       = (W_{l+1}ᵀ δ_{l+1}) ⊙ 1[h_l > 0],
//	∂L/∂W_l   = mean over the batch of δ_l h_{l−1}ᵀ,
//	∂L/∂b_l   = mean over the batch of δ_l.
//
// The batch is shared among goroutines (runtime.GOMAXPROCS of them). Every
// sum over samples is taken in sample order by a single goroutine, so the
// results are bit-for-bit the same for a seed whatever the scheduling and
// the number of goroutines.
package mlp

import (
	"fmt"

	"bcp/core/randx"
)

// initStream is the random stream of the initial weights; New draws the
// weights of all layers in order from randx.New(seed, initStream).
const initStream = 0x6d6c70 // "mlp"

// MLP is a ReLU multilayer perceptron with biases on the hidden layers and a
// readout without bias. The values of the parameters may be changed freely
// between calls, their shapes not. An MLP keeps working buffers between
// calls and is not safe for concurrent use.
type MLP struct {
	// Dims are the layer widths: the input dimension, the hidden widths and
	// the output dimension, so there are len(Dims) − 1 weight layers.
	Dims []int

	// W holds the weights: W[l] is the Dims[l+1]×Dims[l] matrix of layer
	// l+1, row-major (W[l][i·Dims[l] + j] connects input j to unit i). The
	// last one is the readout W_o.
	W [][]float32

	// B holds the biases of the hidden layers: B[l] has Dims[l+1] entries.
	// The readout has no bias, so len(B) = len(W) − 1.
	B [][]float32

	ws *workspace
}

// New returns an MLP with in inputs, the given hidden widths and out
// outputs, with LeCun-normal weights drawn from randx.New(seed, initStream)
// (layer by layer, in order) and zero biases. New panics if a width is not
// positive.
func New(in int, hidden []int, out int, seed uint64) *MLP {
	dims := append(append([]int{in}, hidden...), out)
	for _, d := range dims {
		if d <= 0 {
			panic(fmt.Sprintf("mlp: layer widths must be positive, got %v", dims))
		}
	}

	m := &MLP{Dims: dims}
	r := randx.New(seed, initStream)
	for l := range len(dims) - 1 {
		w := make([]float32, dims[l+1]*dims[l])
		randx.LeCunNormal(r, dims[l], w)
		m.W = append(m.W, w)
		if l < len(dims)-2 {
			m.B = append(m.B, make([]float32, dims[l+1]))
		}
	}
	return m
}

// Params returns the parameter arrays in the fixed order
//
//	W1, b1, W2, b2, …, W_{L−1}, b_{L−1}, Wo,
//
// the order of ParamNames, ParamShapes and of the gradient of Gradient. The
// arrays are the MLP's own, not copies.
func (m *MLP) Params() [][]float32 {
	p := make([][]float32, 0, 2*len(m.W)-1)
	for l, w := range m.W {
		p = append(p, w)
		if l < len(m.B) {
			p = append(p, m.B[l])
		}
	}
	return p
}

// ParamNames returns the names of the arrays of Params: "W1", "b1", …,
// "Wo".
func (m *MLP) ParamNames() []string {
	names := make([]string, 0, 2*len(m.W)-1)
	for l := range m.B {
		names = append(names, fmt.Sprintf("W%d", l+1), fmt.Sprintf("b%d", l+1))
	}
	return append(names, "Wo")
}

// ParamShapes returns the shapes (rows, columns) of the arrays of Params:
// (Dims[l+1], Dims[l]) for a weight matrix and (Dims[l+1], 1) for a bias.
func (m *MLP) ParamShapes() [][2]int {
	shapes := make([][2]int, 0, 2*len(m.W)-1)
	for l := range m.W {
		shapes = append(shapes, [2]int{m.Dims[l+1], m.Dims[l]})
		if l < len(m.B) {
			shapes = append(shapes, [2]int{m.Dims[l+1], 1})
		}
	}
	return shapes
}

// NewGrad returns zeroed arrays in the layout of Params, to receive a
// gradient.
func (m *MLP) NewGrad() [][]float32 {
	p := m.Params()
	g := make([][]float32, len(p))
	for i := range p {
		g[i] = make([]float32, len(p[i]))
	}
	return g
}
