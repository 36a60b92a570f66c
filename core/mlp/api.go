package mlp

import (
	"fmt"

	"bcp/core/loss"
)

// Gradient computes the gradient of the batch-mean loss
//
//	L = (1/n) Σ_s loss(ŷ_s, y_s)
//
// with respect to the parameters into g (the layout of Params, for example
// from NewGrad; its previous contents are overwritten), and returns the mean
// loss and the number of samples with argmax ŷ = argmax y. x holds n inputs
// of Dims[0] values and y n targets of Dims[len(Dims)−1] values, one sample
// after the other. The gradient at the output is −e, with e the loss's
// error, so for the sigmoid loss, whose published error omits the factor k,
// g is 1/k times the exact gradient.
//
// Gradient allocates nothing once it has seen a batch at least as large.
// It panics if n is not positive, l is nil, or x, y or g are too short or
// misshapen.
func (m *MLP) Gradient(
	x, y []float32, n int, l loss.Loss, g [][]float32,
) (meanLoss float64, correct int) {
	if n <= 0 || l == nil {
		panic("mlp: Gradient needs at least one sample and a loss")
	}
	m.checkBatch(x, y, n)
	m.checkGrad(g)

	ws := m.prepare(n, true)
	nw := m.workers(n)
	ws.n, ws.x, ws.y, ws.lossFn, ws.g = n, x, y, l, g
	m.run(jobSamples, nw)
	m.run(jobRows, nw)
	meanLoss, correct = ws.summary(n)
	ws.release()
	return meanLoss, correct
}

// Predict writes the network outputs ŷ for n inputs x (n × Dims[0] values)
// into yhat (n × Dims[len(Dims)−1] values). It allocates nothing after the
// first call. It panics if x or yhat are too short.
func (m *MLP) Predict(x []float32, n int, yhat []float32) {
	if n <= 0 {
		return
	}
	m.checkBatch(x, yhat, n)
	ws := m.prepare(0, false)
	nw := m.workers(n)
	ws.n, ws.x, ws.yhat = n, x, yhat
	m.run(jobPredict, nw)
	ws.release()
}

// Evaluate returns the mean loss (1/n) Σ_s loss(ŷ_s, y_s) of n samples and
// the number of samples with argmax ŷ = argmax y, without computing a
// gradient. It allocates nothing once it has seen a batch at least as
// large. It panics if n is not positive, l is nil, or x or y are too short.
func (m *MLP) Evaluate(x, y []float32, n int, l loss.Loss) (meanLoss float64, correct int) {
	if n <= 0 || l == nil {
		panic("mlp: Evaluate needs at least one sample and a loss")
	}
	m.checkBatch(x, y, n)
	ws := m.prepare(n, false)
	nw := m.workers(n)
	ws.n, ws.x, ws.y, ws.lossFn = n, x, y, l
	m.run(jobEvaluate, nw)
	meanLoss, correct = ws.summary(n)
	ws.release()
	return meanLoss, correct
}

// summary returns the mean of the first n per-sample losses, summed in
// sample order, and the number of hits.
func (ws *workspace) summary(n int) (meanLoss float64, correct int) {
	for s := range n {
		meanLoss += ws.lossv[s]
		if ws.hit[s] {
			correct++
		}
	}
	return meanLoss / float64(n), correct
}

// release drops the workspace's references to the caller's slices.
func (ws *workspace) release() {
	ws.x, ws.y, ws.yhat, ws.lossFn, ws.g = nil, nil, nil, nil, nil
}

// checkBatch panics unless x holds n inputs and y n outputs.
func (m *MLP) checkBatch(x, y []float32, n int) {
	in, out := m.Dims[0], m.Dims[len(m.Dims)-1]
	if len(x) < n*in || len(y) < n*out {
		panic(fmt.Sprintf("mlp: %d samples need %d inputs and %d outputs, got %d and %d",
			n, n*in, n*out, len(x), len(y)))
	}
}

// checkGrad panics unless g has the layout of Params.
func (m *MLP) checkGrad(g [][]float32) {
	if len(g) != 2*len(m.W)-1 {
		panic(fmt.Sprintf("mlp: gradient has %d arrays, want %d", len(g), 2*len(m.W)-1))
	}
	for l, w := range m.W {
		if len(g[2*l]) != len(w) || (l < len(m.B) && len(g[2*l+1]) != len(m.B[l])) {
			panic(fmt.Sprintf("mlp: gradient arrays of layer %d do not match the parameters", l+1))
		}
	}
}
