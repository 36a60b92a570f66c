// Package train runs the epochs of a static classification task: BCP
// training of an E/I assembly network on a Backend, or the backprop
// baseline, with the evaluation protocol of the Fashion-MNIST experiments.
//
// Per epoch it reports the closed-loop training loss and accuracy (averaged
// over batches, as the controller pushes the output to its target they say
// little about learning), the open-loop loss and accuracy on a random share
// (10 %) of the training batches after the epoch, the open-loop validation
// and test loss and accuracy, the mean solver steps per pass, the solves that
// hit the step limit, the mean Frobenius norm of the parameter arrays and the
// wall time. Accuracy is 100·mean(argmax ŷ = argmax y). Training stops when
// the validation loss becomes NaN.
package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"bcp/core/dataset"
	"bcp/core/loss"
	"bcp/core/mlp"
	"bcp/core/optim"
	"bcp/core/randx"
	"bcp/core/static"
)

// Epoch holds the metrics of one epoch. Losses are per-sample means;
// accuracies are percentages. Metrics a trainer does not have are NaN.
type Epoch struct {
	Epoch          int
	TrainCLLoss    float64
	TrainCLAcc     float64
	TrainOLLoss    float64
	TrainOLAcc     float64
	ValidLoss      float64
	ValidAcc       float64
	TestLoss       float64
	TestAcc        float64
	SolverSteps    float64 // mean accepted steps per training pass (open and closed loop)
	SolverStepsOL  float64
	SolverStepsCL  float64
	SolverFailures int // training and evaluation solves that hit the step limit
	Fallbacks      int // fixed-point solves that were integrated instead
	WeightNorm     float64
	Seconds        float64
}

// ErrNaN reports a NaN or infinite value in the parameters or the metrics
// of an epoch; the epochs before it are complete and that epoch is dropped.
var ErrNaN = errors.New("non-finite value")

// Hooks lets the caller follow a run. Either function may be nil.
type Hooks struct {
	// Batch is called after every training batch with the number of
	// batches done and the total in the epoch (1-based epoch).
	Batch func(epoch, done, total int)
	// Epoch is called after every completed epoch; an error stops the run.
	Epoch func(e Epoch) error
}

// Model is what the epoch loop needs from a trainer.
type Model interface {
	// Step trains on one batch and reports its closed-loop outputs (nil
	// for trainers without a closed loop) and solver work.
	Step(x, y []float32, n int) (yhatCL []float32, ol, cl static.PassStats, err error)
	// Predict writes open-loop outputs.
	Predict(x []float32, n int, yhat []float32) (static.PassStats, error)
	Params() [][]float32
	Names() []string
	Shapes() [][2]int
	// Optimizer returns the optimiser, whose state a checkpoint saves.
	Optimizer() *optim.Adam
}

// Run trains m on data until cfg.Epochs epochs are complete and returns
// them. done holds the epochs a resumed run completed before (m then holds
// the parameters and optimiser state after them); training continues with
// the next epoch, whose data order depends only on the seed and the epoch
// number, so a resumed run gives the numbers of an uninterrupted one. Run
// stops early, with the completed epochs, when ctx is cancelled (returning
// ctx.Err()), when a parameter or metric becomes NaN or infinite (ErrNaN), or
// when the Epoch hook fails.
func Run(ctx context.Context, cfg static.Config, m Model, data *dataset.Data, done []Epoch, h Hooks) ([]Epoch, error) {
	l, err := loss.New(cfg.Loss, cfg.LossShift, cfg.LossSteep)
	if err != nil {
		return nil, err
	}
	tr := &data.Train
	if tr.N == 0 {
		return nil, errors.New("the training set is empty; raise --limit-train")
	}
	bs := min(cfg.Batch, tr.N)
	nb := (tr.N + bs - 1) / bs
	x := make([]float32, bs*tr.Dim)
	y := make([]float32, bs*tr.Classes)
	yhat := make([]float32, bs*tr.Classes)

	done = append([]Epoch(nil), done...)
	for ep := len(done) + 1; ep <= cfg.Epochs; ep++ {
		start := time.Now()
		e := Epoch{Epoch: ep, TrainCLLoss: math.NaN(), TrainCLAcc: math.NaN()}
		order := dataset.EpochOrder(cfg.Seed, ep, tr.N)
		var clLoss float64
		var clCorrect, clN int
		var ol, cl static.PassStats
		for b := 0; b < nb; b++ {
			if err := ctx.Err(); err != nil {
				return done, err
			}
			idx := order[b*bs : min((b+1)*bs, tr.N)]
			n := len(idx)
			tr.Batch(idx, x[:n*tr.Dim], y[:n*tr.Classes])
			out, o, c, err := m.Step(x[:n*tr.Dim], y[:n*tr.Classes], n)
			if err != nil {
				return done, fmt.Errorf("epoch %d, batch %d: %w", ep, b+1, err)
			}
			ol.Add(o)
			cl.Add(c)
			if out != nil {
				lv, correct := score(l, out, y, n, tr.Classes)
				clLoss += lv
				clCorrect += correct
				clN += n
			}
			if h.Batch != nil {
				h.Batch(ep, b+1, nb)
			}
		}
		if clN > 0 {
			e.TrainCLLoss = clLoss / float64(clN)
			e.TrainCLAcc = 100 * float64(clCorrect) / float64(clN)
		}
		var all static.PassStats
		all.Add(ol)
		all.Add(cl)
		e.SolverSteps, e.SolverStepsOL, e.SolverStepsCL = all.MeanSteps(), ol.MeanSteps(), cl.MeanSteps()
		failures := all.Failures
		e.Fallbacks = all.Fallback

		// Open loop on a random share of the training batches.
		pick := randx.New(cfg.Seed, 1000+uint64(ep))
		var sub []int
		for b := 0; b < nb; b++ {
			if pick.Float64() < cfg.OLFraction {
				sub = append(sub, order[b*bs:min((b+1)*bs, tr.N)]...)
			}
		}
		if len(sub) == 0 && cfg.OLFraction > 0 {
			sub = order[:bs]
		}
		var ev static.PassStats
		e.TrainOLLoss, e.TrainOLAcc = math.NaN(), math.NaN()
		if len(sub) > 0 {
			e.TrainOLLoss, e.TrainOLAcc, err = evaluate(m, l, tr, sub, x, y, yhat, bs, &ev)
		}
		if err == nil {
			e.ValidLoss, e.ValidAcc, err = evaluate(m, l, &data.Valid, nil, x, y, yhat, bs, &ev)
		}
		if err == nil {
			e.TestLoss, e.TestAcc, err = evaluate(m, l, &data.Test, nil, x, y, yhat, bs, &ev)
		}
		failures += ev.Failures
		e.Fallbacks += ev.Fallback
		if err != nil {
			return done, fmt.Errorf("epoch %d evaluation: %w", ep, err)
		}
		e.SolverFailures = failures
		e.WeightNorm = weightNorm(m.Params())
		e.Seconds = time.Since(start).Seconds()
		if what := nonFinite(e, m); what != "" {
			return done, fmt.Errorf("epoch %d: %s (%w); the results of the %d completed epochs are kept; "+
				"lower --lr or check the configuration", ep, what, ErrNaN, len(done))
		}
		done = append(done, e)
		if h.Epoch != nil {
			if err := h.Epoch(e); err != nil {
				return done, err
			}
		}
	}
	return done, nil
}

// nonFinite names the first NaN or infinite quantity of an epoch, or
// returns "". Closed-loop metrics are NaN by design for the backprop
// baseline and are only checked when the model has a closed loop.
func nonFinite(e Epoch, m Model) string {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	switch {
	case bad(e.ValidLoss):
		return fmt.Sprintf("the validation loss is %v", e.ValidLoss)
	case bad(e.TestLoss):
		return fmt.Sprintf("the test loss is %v", e.TestLoss)
	case bad(e.TrainOLLoss) && !math.IsNaN(e.TrainOLLoss):
		return fmt.Sprintf("the open-loop training loss is %v", e.TrainOLLoss)
	case bad(e.WeightNorm):
		return fmt.Sprintf("the weight norm is %v", e.WeightNorm)
	}
	if _, ok := m.(*BCP); ok && bad(e.TrainCLLoss) {
		return fmt.Sprintf("the closed-loop training loss is %v", e.TrainCLLoss)
	}
	for i, p := range m.Params() {
		for _, v := range p {
			if bad(float64(v)) {
				return fmt.Sprintf("parameter %s contains %v", m.Names()[i], v)
			}
		}
	}
	return ""
}

// evaluate returns the open-loop mean loss and accuracy over the samples idx
// of s (all samples when idx is nil) and adds the solver work to st.
func evaluate(m Model, l loss.Loss, s *dataset.Split, idx []int, x, y, yhat []float32, bs int,
	st *static.PassStats) (float64, float64, error) {
	if idx == nil {
		idx = make([]int, s.N)
		for i := range idx {
			idx[i] = i
		}
	}
	if len(idx) == 0 {
		return math.NaN(), math.NaN(), nil
	}
	var tot float64
	var correct int
	for b := 0; b < len(idx); b += bs {
		part := idx[b:min(b+bs, len(idx))]
		n := len(part)
		s.Batch(part, x[:n*s.Dim], y[:n*s.Classes])
		ps, err := m.Predict(x[:n*s.Dim], n, yhat[:n*s.Classes])
		if err != nil {
			return 0, 0, err
		}
		st.Add(ps)
		lv, c := score(l, yhat, y, n, s.Classes)
		tot += lv
		correct += c
	}
	return tot / float64(len(idx)), 100 * float64(correct) / float64(len(idx)), nil
}

// score returns the summed loss and the number of correct argmax
// predictions of n samples.
func score(l loss.Loss, yhat, y []float32, n, d int) (float64, int) {
	var tot float64
	var correct int
	for s := 0; s < n; s++ {
		o, t := yhat[s*d:(s+1)*d], y[s*d:(s+1)*d]
		tot += l.Value(o, t)
		if loss.Argmax(o) == loss.Argmax(t) {
			correct++
		}
	}
	return tot, correct
}

func weightNorm(ps [][]float32) float64 {
	var s float64
	for _, p := range ps {
		var q float64
		for _, v := range p {
			q += float64(v) * float64(v)
		}
		s += math.Sqrt(q)
	}
	return s / float64(len(ps))
}

// BCP trains a static E/I network with balance-controlled plasticity on a
// backend, with Adam and optional parameter clipping.
type BCP struct {
	Net     *static.Network
	Backend static.Backend
	Adam    *optim.Adam
	g       [][]float32
	out     static.StepOutput
}

// NewBCP prepares BCP training of net on b.
func NewBCP(net *static.Network, b static.Backend) *BCP {
	c := &net.Cfg
	m := &BCP{Net: net, Backend: b, Adam: optim.NewAdam(c.LR, optim.Sizes(net.Params))}
	m.Adam.Beta1, m.Adam.Beta2, m.Adam.Eps = c.AdamBeta1, c.AdamBeta2, c.AdamEps
	for _, p := range net.Params {
		m.g = append(m.g, make([]float32, len(p)))
	}
	return m
}

// Step implements Model.
func (m *BCP) Step(x, y []float32, n int) ([]float32, static.PassStats, static.PassStats, error) {
	d := m.Net.Out
	if len(m.out.YhatOL) < n*d {
		m.out.YhatOL = make([]float32, n*d)
		m.out.YhatCL = make([]float32, n*d)
	}
	m.out.YhatOL, m.out.YhatCL = m.out.YhatOL[:n*d], m.out.YhatCL[:n*d]
	if err := m.Backend.Step(x, y, n, m.g, &m.out); err != nil {
		return nil, static.PassStats{}, static.PassStats{}, err
	}
	m.Adam.Update(m.Net.Params, m.g)
	if c := m.Net.Cfg; c.ClipParams {
		optim.Clip(m.Net.Params, -float32(c.ParamClipMax), float32(c.ParamClipMax))
	}
	return m.out.YhatCL, m.out.OL, m.out.CL, nil
}

// Predict implements Model.
func (m *BCP) Predict(x []float32, n int, yhat []float32) (static.PassStats, error) {
	return m.Backend.Predict(x, n, yhat)
}

// Params implements Model.
func (m *BCP) Params() [][]float32 { return m.Net.Params }

// Names implements Model.
func (m *BCP) Names() []string { return m.Net.Names }

// Shapes implements Model.
func (m *BCP) Shapes() [][2]int { return m.Net.Shapes }

// Optimizer implements Model.
func (m *BCP) Optimizer() *optim.Adam { return m.Adam }

// BP trains the backprop baseline: a ReLU MLP with one hidden unit per
// ensemble, the same loss, optimiser and parameter clipping.
type BP struct {
	Net  *mlp.MLP
	Cfg  static.Config
	Adam *optim.Adam
	loss loss.Loss
	g    [][]float32
}

// NewBP builds the baseline for in inputs and out outputs.
func NewBP(cfg static.Config, in, out int) (*BP, error) {
	l, err := loss.New(cfg.Loss, cfg.LossShift, cfg.LossSteep)
	if err != nil {
		return nil, err
	}
	net := mlp.New(in, cfg.LayerEnsembles(), out, cfg.Seed)
	m := &BP{Net: net, Cfg: cfg, loss: l, g: net.NewGrad(),
		Adam: optim.NewAdam(cfg.LR, optim.Sizes(net.Params()))}
	m.Adam.Beta1, m.Adam.Beta2, m.Adam.Eps = cfg.AdamBeta1, cfg.AdamBeta2, cfg.AdamEps
	return m, nil
}

// Step implements Model; the baseline has no closed loop and no solver.
func (m *BP) Step(x, y []float32, n int) ([]float32, static.PassStats, static.PassStats, error) {
	m.Net.Gradient(x, y, n, m.loss, m.g)
	m.Adam.Update(m.Net.Params(), m.g)
	if m.Cfg.ClipParams {
		optim.Clip(m.Net.Params(), -float32(m.Cfg.ParamClipMax), float32(m.Cfg.ParamClipMax))
	}
	return nil, static.PassStats{}, static.PassStats{}, nil
}

// Predict implements Model.
func (m *BP) Predict(x []float32, n int, yhat []float32) (static.PassStats, error) {
	m.Net.Predict(x, n, yhat)
	return static.PassStats{}, nil
}

// Params implements Model.
func (m *BP) Params() [][]float32 { return m.Net.Params() }

// Names implements Model.
func (m *BP) Names() []string { return m.Net.ParamNames() }

// Shapes implements Model.
func (m *BP) Shapes() [][2]int { return m.Net.ParamShapes() }

// Optimizer implements Model.
func (m *BP) Optimizer() *optim.Adam { return m.Adam }
