package online

import (
	"math"

	"bcp/core/randx"
)

// motorTask is motor learning: a fixed cue at CueTime, after which the
// output must produce one period of −sin (a lever press; the lever
// position is the running integral of the output).
type motorTask struct {
	dIn      int
	cue      []float64 // S × D_in, the same every trial
	target   []float64 // S
	noise    *ou
	x        []float64
	leverMin float64
	ol, cl   float64 // lever minima of the test in progress
}

func newMotorTask(s *Sim) (*motorTask, error) {
	c := &s.cfg
	S, d := s.trialN, c.Inputs
	t := &motorTask{dIn: d, cue: make([]float64, S*d), target: make([]float64, S),
		x: make([]float64, d)}

	// Cue: CueSines sinusoids (frequencies uniform in [CueFreqMin,
	// CueFreqMax] Hz, random phases at the cue onset) mixed into D_in
	// channels by N(0,1)·CueGain weights, multiplied step by step by the
	// kernel, then divided by the largest value of the whole cue.
	r := randx.New(c.Seed, streamTask)
	m := c.CueSines
	freq, phase := make([]float64, m), make([]float64, m)
	for i := range freq {
		freq[i] = c.CueFreqMin + (c.CueFreqMax-c.CueFreqMin)*r.Float64()
		phase[i] = 2 * math.Pi * r.Float64()
	}
	mix := make([]float64, d*m)
	normal(r, c.CueGain, mix)
	k := kernel(c.KernelRise, c.KernelDecay, c.KernelSeconds, c.DT)
	start := c.steps(c.CueTime)
	sines := make([]float64, m)
	peak := math.Inf(-1)
	for l := 0; l < len(k) && start+l < S; l++ {
		u := float64(l) * c.DT
		for i := range sines {
			sines[i] = math.Sin(2*math.Pi*freq[i]*u + phase[i])
		}
		row := t.cue[(start+l)*d : (start+l+1)*d]
		for ch := range row {
			var v float64
			for i, si := range sines {
				v += mix[ch*m+i] * si
			}
			row[ch] = v * k[l]
			peak = max(peak, row[ch])
		}
	}
	if peak > 0 {
		for i := range t.cue {
			t.cue[i] /= peak
		}
	}

	// Target: −sin(2π(t − CueTime)/PressSeconds) for one period.
	press := c.steps(c.PressSeconds)
	for l := 0; l < press && start+l < S; l++ {
		t.target[start+l] = -math.Sin(2 * math.Pi * float64(l) / float64(press))
	}
	t.noise = newOU(d, c.NoiseTau, c.NoiseSigma, c.NoiseMean, c.DT, c.Seed, streamTrainNoise)
	return t, nil
}

func (t *motorTask) testPhases() []Phase { return []Phase{PhaseTestCL, PhaseTestOL} }

func (t *motorTask) recorded() ([]recordedPhase, []extraSeries) {
	return []recordedPhase{{PhaseTestCL, "cl", false}, {PhaseTestOL, "ol", true}}, nil
}

// begin starts fresh noise: training trial i uses the stream
// streamTrainNoise + i, test i the stream streamTestNoise + i for both its
// trials, so OL and CL tests see the same input and tests leave the
// training noise unchanged.
func (t *motorTask) begin(s *Sim) {
	if s.phase == PhaseTrain {
		t.noise.reseed(streamTrainNoise + uint64(s.trainDone))
	} else {
		t.noise.reseed(streamTestNoise + uint64(s.tests))
	}
	t.noise.reset()
	t.leverMin = 0
}

func (t *motorTask) input(s *Sim, j int) (control, plastic bool) {
	t.noise.step()
	row := t.cue[j*t.dIn : (j+1)*t.dIn]
	for i, n := range t.noise.n {
		t.x[i] = row[i] + n
	}
	s.x, s.y = t.x, t.target[j:j+1]
	switch s.phase {
	case PhaseTrain:
		return true, true
	case PhaseTestCL:
		return true, false
	}
	return false, false
}

func (t *motorTask) observe(s *Sim, _ int) { t.leverMin = min(t.leverMin, s.lever) }

func (t *motorTask) end(s *Sim) {
	switch s.phase {
	case PhaseTrain:
		s.rec.LeverMin = append(s.rec.LeverMin, t.leverMin)
	case PhaseTestOL:
		t.ol = t.leverMin
	case PhaseTestCL:
		t.cl = t.leverMin
	}
}

func (t *motorTask) commit(s *Sim) {
	s.rec.OLLeverMin = append(s.rec.OLLeverMin, t.ol)
	s.rec.CLLeverMin = append(s.rec.CLLeverMin, t.cl)
}
