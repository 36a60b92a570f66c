package online

import (
	"math"
	"math/rand/v2"

	"bcp/core/randx"
)

// singleTask is the single-assembly experiment: inputs are a fixed
// circular Gaussian tiling of a few latent patterns plus a baseline, the
// target is one pattern plus a little of the others, and the run proceeds
// in chunks of TrialSeconds.
type singleTask struct {
	S, P, dIn int
	ou        []float64 // raw OU state per pattern
	lp        []float64 // low-pass filter state per pattern
	started   bool
	pat       []float64 // S × P processed patterns of the current chunk
	x, y      []float64 // S × D_in inputs and S targets of the chunk
	wt        []float64 // P × D_in tiling
	base      []float64 // D_in baseline
	rng       *rand.Rand
	patSeries *Series

	// Correlation of the OL test output with each pattern.
	n                 int
	so, soo           float64
	sp, spp, sop, cor []float64
}

func newSingleTask(s *Sim) (*singleTask, error) {
	c := &s.cfg
	S, P, d := s.trialN, c.Patterns, c.Inputs
	t := &singleTask{S: S, P: P, dIn: d, ou: make([]float64, P), lp: make([]float64, P),
		pat: make([]float64, S*P), x: make([]float64, S*d), y: make([]float64, S),
		wt: make([]float64, P*d), base: make([]float64, d),
		sp: make([]float64, P), spp: make([]float64, P), sop: make([]float64, P), cor: make([]float64, P),
		rng: randx.New(c.Seed, streamNoise)}

	// Tiling: input j sits at P·j/D_in on a circle of circumference P (the
	// patterns at 0, 1, …, P−1); its weight from pattern i is a Gaussian of
	// the circular distance, and its weights sum to 1.
	for j := 0; j < d; j++ {
		cj := float64(P) * float64(j) / float64(d)
		var sum float64
		for i := 0; i < P; i++ {
			dist := math.Abs(float64(i) - cj)
			dist = math.Min(dist, float64(P)-dist)
			w := math.Exp(-dist * dist / (2 * c.TilingWidth * c.TilingWidth))
			t.wt[i*d+j] = w
			sum += w
		}
		for i := 0; i < P; i++ {
			t.wt[i*d+j] /= sum
		}
	}
	r := randx.New(c.Seed, streamTask)
	for j := range t.base {
		t.base[j] = c.BaselineScale * math.Exp(r.NormFloat64())
	}
	return t, nil
}

func (t *singleTask) testPhases() []Phase { return []Phase{PhaseTestCL, PhaseTestOL} }

func (t *singleTask) recorded() ([]recordedPhase, []extraSeries) {
	return []recordedPhase{{PhaseTestCL, "cl", false}, {PhaseTestOL, "ol", true}},
		[]extraSeries{{"patterns", t.P, &t.patSeries}}
}

// chunk draws the next chunk of patterns: OU processes (continuing from the
// last chunk), values below the threshold set to 0, the chunk rescaled so
// that its mean over time and patterns is 1, then low-pass filtered (the
// filter state continues; it starts at the first value). It fills the
// inputs x = Wᵀp + b and the target.
func (t *singleTask) chunk(c *Config) {
	a, b := c.DT/c.PatternTau, c.PatternSigma*math.Sqrt(c.DT)
	var sum float64
	for j := 0; j < t.S; j++ {
		row := t.pat[j*t.P : (j+1)*t.P]
		for i, v := range t.ou {
			v += -a*v + b*t.rng.NormFloat64()
			t.ou[i] = v
			if v < c.PatternThreshold {
				v = 0
			}
			row[i] = v
			sum += v
		}
	}
	scale := 1.0
	if sum > 0 {
		scale = float64(t.S*t.P) / sum
	}
	if !t.started {
		for i := range t.lp {
			t.lp[i] = scale * t.pat[i]
		}
		t.started = true
	}
	kf := c.DT / c.PatternFilterTau
	for j := 0; j < t.S; j++ {
		row := t.pat[j*t.P : (j+1)*t.P]
		for i, v := range row {
			t.lp[i] += kf * (scale*v - t.lp[i])
			row[i] = t.lp[i]
		}
		x := t.x[j*t.dIn : (j+1)*t.dIn]
		copy(x, t.base)
		var y float64
		for i, p := range row {
			for k, w := range t.wt[i*t.dIn : (i+1)*t.dIn] {
				x[k] += w * p
			}
			if i == c.TargetPattern {
				y += p
			} else {
				y += c.OtherWeight * p
			}
		}
		t.y[j] = y
	}
}

// begin draws a new chunk for a training trial and for the CL test trial;
// the OL test trial replays the CL test's chunk from the same state.
func (t *singleTask) begin(s *Sim) {
	if s.phase != PhaseTestOL {
		t.chunk(&s.cfg)
	}
	t.n, t.so, t.soo = 0, 0, 0
	clear(t.sp)
	clear(t.spp)
	clear(t.sop)
}

func (t *singleTask) input(s *Sim, j int) (control, plastic bool) {
	s.x, s.y = t.x[j*t.dIn:(j+1)*t.dIn], t.y[j:j+1]
	switch s.phase {
	case PhaseTrain:
		return true, true
	case PhaseTestCL:
		return true, false
	}
	return false, false
}

func (t *singleTask) observe(s *Sim, j int) {
	if s.phase != PhaseTestOL {
		return
	}
	row := t.pat[j*t.P : (j+1)*t.P]
	if t.patSeries != nil {
		t.patSeries.row(j, row)
	}
	o := s.net.yhat[0]
	t.n++
	t.so += o
	t.soo += o * o
	for i, p := range row {
		t.sp[i] += p
		t.spp[i] += p * p
		t.sop[i] += o * p
	}
}

func (t *singleTask) end(s *Sim) {
	if s.phase != PhaseTestOL {
		return
	}
	n := float64(t.n)
	vo := t.soo - t.so*t.so/n
	for i := range t.cor {
		vp := t.spp[i] - t.sp[i]*t.sp[i]/n
		cov := t.sop[i] - t.so*t.sp[i]/n
		t.cor[i] = 0
		if vo > 0 && vp > 0 {
			t.cor[i] = cov / math.Sqrt(vo*vp)
		}
	}
}

func (t *singleTask) commit(s *Sim) {
	s.rec.PatternCorr = append(s.rec.PatternCorr, append([]float64(nil), t.cor...))
	n := s.net
	drive := make([]float64, t.P)
	if !n.noHidden {
		v := s.cfg.ClipV
		for k := 0; k < n.K; k++ {
			for j, w := range n.V[k*t.dIn : (k+1)*t.dIn] {
				if v > 0 {
					w = min(max(w, -v), v)
				}
				for i := range drive {
					drive[i] += w * t.wt[i*t.dIn+j] / float64(n.K)
				}
			}
		}
	}
	s.rec.PatternDrive = append(s.rec.PatternDrive, drive)
}
