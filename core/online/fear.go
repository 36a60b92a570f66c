package online

import (
	"math"

	"bcp/core/randx"
)

// fearTask is fear conditioning: a CS+ paired with a US in training, and
// tests with the CS+ and with a never-paired CS− alone.
type fearTask struct {
	csEnd, usEnd  int
	env, usEnv    []float64 // smoothed CS and US boxes
	wPlus, wMinus []float64 // channel weights of CS+ and CS−
	noise         *ou
	x, y          []float64

	// Freezing σ(k(ŷ − s)) over the CS window of the current test trial.
	fSum, fMax                     float64
	plus, minus, plusMax, minusMax float64
}

func newFearTask(s *Sim) (*fearTask, error) {
	c := &s.cfg
	S := s.trialN
	t := &fearTask{csEnd: c.steps(c.CSSeconds), x: make([]float64, c.Inputs), y: make([]float64, 1)}
	t.usEnd = t.csEnd + c.steps(c.USSeconds)
	k := kernel(c.KernelRise, c.KernelDecay, c.KernelSeconds, c.DT)
	t.env = smoothBox(k, 0, t.csEnd, S)
	t.usEnv = smoothBox(k, t.csEnd, t.usEnd, S)

	// Each CS: log-normal weights exp(ξ) on CSChannels distinct channels of
	// 1..D_in−1, normalised to sum 1; the two are drawn independently.
	r := randx.New(c.Seed, streamTask)
	draw := func() []float64 {
		w := make([]float64, c.Inputs)
		perm := r.Perm(c.Inputs - 1)
		var sum float64
		for _, p := range perm[:c.CSChannels] {
			w[p+1] = math.Exp(r.NormFloat64())
			sum += w[p+1]
		}
		for i := range w {
			w[i] /= sum
		}
		return w
	}
	t.wPlus = draw()
	t.wMinus = draw()
	t.noise = newOU(c.Inputs, c.NoiseTau, c.NoiseSigma, c.NoiseMean, c.DT, c.Seed, streamNoise)
	return t, nil
}

func (t *fearTask) testPhases() []Phase { return []Phase{PhaseTestCSPlus, PhaseTestCSMinus} }

func (t *fearTask) recorded() ([]recordedPhase, []extraSeries) {
	return []recordedPhase{{PhaseTestCSPlus, "cs_plus", false}, {PhaseTestCSMinus, "cs_minus", false}}, nil
}

func (t *fearTask) begin(*Sim) { t.fSum, t.fMax = 0, 0 }

// input: the CS is on from 0 to CSSeconds (smoothed), the US follows for
// USSeconds with target 1; noise runs on across trials. A training trial is
// open loop outside the US and closed loop during it, with plasticity
// throughout; a test trial presents the CS alone, open loop.
func (t *fearTask) input(s *Sim, j int) (control, plastic bool) {
	t.noise.step()
	w := t.wPlus
	if s.phase == PhaseTestCSMinus {
		w = t.wMinus
	}
	e := t.env[j]
	for i, n := range t.noise.n {
		t.x[i] = w[i]*e + n
	}
	train := s.phase == PhaseTrain
	us := train && j >= t.csEnd && j < t.usEnd
	if train && s.cfg.USInput {
		t.x[0] += t.usEnv[j]
	}
	t.y[0] = 0
	if us {
		t.y[0] = 1
	}
	s.x, s.y = t.x, t.y
	return us, train
}

func (t *fearTask) observe(s *Sim, j int) {
	if !s.phase.Test() || j >= t.csEnd {
		return
	}
	c := &s.cfg
	f := sigmoid(c.FreezeSteepness * (s.net.yhat[0] - c.FreezeShift))
	t.fSum += f
	t.fMax = max(t.fMax, f)
}

func (t *fearTask) end(s *Sim) {
	switch s.phase {
	case PhaseTestCSPlus:
		t.plus, t.plusMax = t.fSum/float64(t.csEnd), t.fMax
	case PhaseTestCSMinus:
		t.minus, t.minusMax = t.fSum/float64(t.csEnd), t.fMax
	}
}

func (t *fearTask) commit(s *Sim) {
	r := &s.rec
	r.FreezingCSPlus = append(r.FreezingCSPlus, t.plus)
	r.FreezingCSMinus = append(r.FreezingCSMinus, t.minus)
	r.FreezingCSPlusMax = append(r.FreezingCSPlusMax, t.plusMax)
	r.FreezingCSMinusMax = append(r.FreezingCSMinusMax, t.minusMax)
}
