package mlp

import (
	"runtime"
	"sync"

	"bcp/core/loss"
)

// minParallelWork is the number of multiply-adds (samples × weights) below
// which a call runs on the calling goroutine alone, because starting
// goroutines would cost more than it saves. Tests lower it to exercise the
// parallel path on small networks.
var minParallelWork = 1 << 16

// Jobs a worker can run; see MLP.runWorker.
const (
	jobSamples  = iota // forward, loss, error and backward pass per sample
	jobRows            // weight and bias gradients per row
	jobPredict         // forward pass per sample into yhat
	jobEvaluate        // forward pass and loss per sample
)

// workspace holds the buffers and the worker functions of an MLP. Buffers
// grow to the largest batch seen and are reused afterwards, so calls with
// batches no larger than an earlier one allocate nothing.
type workspace struct {
	// owner is the MLP the workers compute for; a copied MLP value gets a
	// workspace of its own.
	owner *MLP

	// capN is the number of samples act and delta hold.
	capN int

	// act[l] holds, per sample, the output of layer l+1 (n × Dims[l+1]):
	// h_{l+1} for a hidden layer, ŷ for the readout.
	act [][]float32

	// delta[l] holds, per sample, ∂(mean loss)/∂(drive of layer l+1)
	// (n × Dims[l+1]).
	delta [][]float32

	// lossv and hit hold each sample's loss and whether argmax ŷ = argmax y.
	lossv []float64
	hit   []bool

	// Per-worker state: the layer outputs of the sample at hand (rows of
	// act, or for Predict and Evaluate the scratch vectors), and two
	// scratch vectors for the hidden layers and one for ŷ.
	outs    [][][]float32
	scratch [][3][]float32

	// The arguments of the current call, read by the workers.
	job    int
	nw     int
	n      int
	x, y   []float32
	yhat   []float32
	lossFn loss.Loss
	g      [][]float32

	// fns[i] runs worker i of nw on the current job; the closures are made
	// once, so starting them allocates nothing.
	fns []func()
	wg  sync.WaitGroup
}

// prepare makes the workspace ready for a call with n samples, growing the
// per-sample losses and hits to n entries and, if stored is set, the stored
// layer outputs and deltas as well.
func (m *MLP) prepare(n int, stored bool) *workspace {
	if m.ws == nil || m.ws.owner != m {
		m.ws = &workspace{owner: m}
	}
	ws := m.ws
	if n > len(ws.lossv) {
		ws.lossv = make([]float64, n)
		ws.hit = make([]bool, n)
	}
	if stored && n > ws.capN {
		L := len(m.W)
		ws.act = make([][]float32, L)
		ws.delta = make([][]float32, L)
		for l := range L {
			ws.act[l] = make([]float32, n*m.Dims[l+1])
			ws.delta[l] = make([]float32, n*m.Dims[l+1])
		}
		ws.capN = n
	}
	return ws
}

// workers returns the number of goroutines for a call with n samples and
// sets up their functions and scratch buffers.
func (m *MLP) workers(n int) int {
	ws := m.ws
	var weights int
	for _, w := range m.W {
		weights += len(w)
	}
	nw := 1
	if n*weights >= minParallelWork {
		nw = min(runtime.GOMAXPROCS(0), n)
	}

	widest := 0
	for _, d := range m.Dims[1:] {
		widest = max(widest, d)
	}
	for i := len(ws.fns); i < nw; i++ {
		ws.fns = append(ws.fns, func() {
			m.runWorker(i)
			ws.wg.Done()
		})
		out := m.Dims[len(m.Dims)-1]
		ws.scratch = append(ws.scratch, [3][]float32{
			make([]float32, widest), make([]float32, widest), make([]float32, out),
		})
		ws.outs = append(ws.outs, make([][]float32, len(m.W)))
	}
	return nw
}

// run runs the current job on nw workers: worker 0 on the calling goroutine,
// the others on their own, and waits for all of them.
func (m *MLP) run(job, nw int) {
	ws := m.ws
	ws.job, ws.nw = job, nw
	ws.wg.Add(nw)
	for i := 1; i < nw; i++ {
		go ws.fns[i]()
	}
	ws.fns[0]()
	ws.wg.Wait()
}

// span returns the part [lo, hi) of n items that worker i of nw handles.
func span(i, nw, n int) (lo, hi int) {
	return i * n / nw, (i + 1) * n / nw
}

// runWorker runs worker i on the current job.
func (m *MLP) runWorker(i int) {
	ws := m.ws
	switch ws.job {
	case jobSamples:
		lo, hi := span(i, ws.nw, ws.n)
		for s := lo; s < hi; s++ {
			m.sampleGrad(i, s)
		}
	case jobRows:
		for l := range m.W {
			lo, hi := span(i, ws.nw, m.Dims[l+1])
			for r := lo; r < hi; r++ {
				m.rowGrad(l, r)
			}
		}
	case jobPredict, jobEvaluate:
		lo, hi := span(i, ws.nw, ws.n)
		in, out := m.Dims[0], m.Dims[len(m.Dims)-1]
		outs, sc := ws.outs[i], ws.scratch[i]
		for l := range len(outs) - 1 {
			outs[l] = sc[l%2][:m.Dims[l+1]]
		}
		for s := lo; s < hi; s++ {
			yhat := sc[2]
			if ws.job == jobPredict {
				yhat = ws.yhat[s*out : (s+1)*out]
			}
			outs[len(outs)-1] = yhat
			m.forward(ws.x[s*in:(s+1)*in], outs)
			if ws.job == jobEvaluate {
				y := ws.y[s*out : (s+1)*out]
				ws.lossv[s] = ws.lossFn.Value(yhat, y)
				ws.hit[s] = loss.Argmax(yhat) == loss.Argmax(y)
			}
		}
	}
}

// forward computes the layer outputs for input x into outs: outs[l] =
// relu(W_{l+1} h_l + b_{l+1}) for the hidden layers, outs[L−1] = W_o h_{L−1}.
//
// The weight row is dot's second operand, whose memory alignment may set the
// summation order (see kernels_amd64.go): the rows sit at the same addresses
// whichever buffer h comes from, so Gradient, Predict and Evaluate compute
// bit-identical outputs.
func (m *MLP) forward(x []float32, outs [][]float32) {
	h := x
	last := len(m.W) - 1
	for l, w := range m.W {
		in, a := m.Dims[l], outs[l]
		if l == last {
			for r := range a {
				a[r] = dot(h, w[r*in:(r+1)*in])
			}
			break
		}
		b := m.B[l]
		for r := range a {
			v := dot(h, w[r*in:(r+1)*in]) + b[r]
			if v < 0 {
				v = 0
			}
			a[r] = v
		}
		h = a
	}
}

// sampleGrad runs the forward pass of sample s on worker i, stores the
// sample's loss and hit, and backpropagates δ_L = −e/n through the layers
// into ws.delta.
func (m *MLP) sampleGrad(i, s int) {
	ws := m.ws
	L := len(m.W)
	in, out := m.Dims[0], m.Dims[L]

	outs := ws.outs[i]
	for l := range L {
		d := m.Dims[l+1]
		outs[l] = ws.act[l][s*d : (s+1)*d]
	}
	m.forward(ws.x[s*in:(s+1)*in], outs)

	yhat, y := outs[L-1], ws.y[s*out:(s+1)*out]
	ws.lossv[s] = ws.lossFn.Value(yhat, y)
	ws.hit[s] = loss.Argmax(yhat) == loss.Argmax(y)

	// The loss gives e = −∂loss/∂ŷ; the mean loss has gradient −e/n.
	dOut := ws.delta[L-1][s*out : (s+1)*out]
	ws.lossFn.Error(yhat, y, dOut)
	scale := -1 / float32(ws.n)
	for k := range dOut {
		dOut[k] *= scale
	}

	// δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ 1[h_l > 0], computed as the sum of the rows
	// of W_{l+1} weighted by δ_{l+1}.
	for l := L - 1; l >= 1; l-- {
		w, width, next := m.W[l], m.Dims[l], m.Dims[l+1]
		dNext := ws.delta[l][s*next : (s+1)*next]
		dPrev := ws.delta[l-1][s*width : (s+1)*width]
		clear(dPrev)
		for r, dr := range dNext {
			if dr != 0 {
				axpy(dr, w[r*width:(r+1)*width], dPrev)
			}
		}
		for k, hk := range outs[l-1] {
			if hk <= 0 {
				dPrev[k] = 0
			}
		}
	}
}

// rowGrad computes row r of the gradient of weight layer l+1 (and the bias
// entry r of a hidden layer) from the stored deltas and layer inputs:
//
//	∂L/∂W[r, :] = Σ_s δ_s[r] h_s,   ∂L/∂b[r] = Σ_s δ_s[r],
//
// summing over the samples s in order (δ already carries the 1/n of the
// mean). Samples with δ_s[r] = 0 (an inactive ReLU unit) add nothing and are
// skipped.
func (m *MLP) rowGrad(l, r int) {
	ws := m.ws
	in, width := m.Dims[l], m.Dims[l+1]
	input := ws.x
	if l > 0 {
		input = ws.act[l-1]
	}
	delta := ws.delta[l]

	gw := ws.g[2*l][r*in : (r+1)*in]
	clear(gw)
	var gb float32
	for s := range ws.n {
		d := delta[s*width+r]
		if d == 0 {
			continue
		}
		axpy(d, input[s*in:(s+1)*in], gw)
		gb += d
	}
	if l < len(m.B) {
		ws.g[2*l+1][r] = gb
	}
}
