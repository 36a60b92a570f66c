package online

import (
	"fmt"
	"math"

	"bcp/core/randx"
)

// trajTask is trajectory learning: a periodic 2-D drawing produced from a
// mixture of sinusoids. Input time runs on across trials; since the
// sinusoids have the base frequency f₀ = 1/(2T), the input repeats every
// two trials, and a table of two segments holds it.
type trajTask struct {
	S        int
	dIn      int
	inputs   []float64 // 2S × D_in: x(t) = A s(t), s_k(t) = sin(2π k f₀ t)
	target   []float64 // S × 2
	seg      int       // next segment of input time
	segStart int       // segment of the current trial
}

func newTrajTask(s *Sim, pts [][2]float64) (*trajTask, error) {
	if len(pts) < 2 {
		return nil, fmt.Errorf("online: the trajectory task needs at least 2 target points, got %d", len(pts))
	}
	for i, p := range pts {
		if math.IsNaN(p[0]+p[1]) || math.IsInf(p[0]+p[1], 0) {
			return nil, fmt.Errorf("online: target point %d is not finite", i)
		}
	}
	c := &s.cfg
	S, d := s.trialN, c.Inputs
	t := &trajTask{S: S, dIn: d, inputs: make([]float64, 2*S*d), target: make([]float64, 2*S)}

	// Target: the points are spread uniformly over one period and
	// interpolated linearly, closing the drawing from the last point to the
	// first.
	np := float64(len(pts))
	for j := 0; j < S; j++ {
		u := float64(j) * np / float64(S)
		i0 := int(u)
		fr := u - float64(i0)
		a, b := pts[i0%len(pts)], pts[(i0+1)%len(pts)]
		t.target[2*j] = (1-fr)*a[0] + fr*b[0]
		t.target[2*j+1] = (1-fr)*a[1] + fr*b[1]
	}

	// Inputs: D_in sinusoids sin(2π k f₀ t), k = 1..D_in, f₀ = 1/(2T), mixed
	// by a fixed N(0,1) D_in×D_in matrix A.
	mix := make([]float64, d*d)
	normal(randx.New(c.Seed, streamTask), 1, mix)
	f0 := 1 / (2 * float64(S) * c.DT)
	sines := make([]float64, d)
	for n := 0; n < 2*S; n++ {
		tt := float64(n) * c.DT
		for k := range sines {
			sines[k] = math.Sin(2 * math.Pi * float64(k+1) * f0 * tt)
		}
		row := t.inputs[n*d : (n+1)*d]
		for i := range row {
			var v float64
			for k, sk := range sines {
				v += mix[i*d+k] * sk
			}
			row[i] = v
		}
	}
	return t, nil
}

// testPhases: an open-loop washout on the next segment, then a closed-loop
// and an open-loop trial from the washout's end state on the segment after.
func (t *trajTask) testPhases() []Phase {
	return []Phase{PhaseWashout, PhaseTestCL, PhaseTestOL}
}

func (t *trajTask) recorded() ([]recordedPhase, []extraSeries) {
	return []recordedPhase{{PhaseTestCL, "cl", false}, {PhaseTestOL, "ol", true}}, nil
}

// begin assigns the trial its segment of input time: the CL test trial and
// the OL test trial share one, so a test consumes two.
func (t *trajTask) begin(s *Sim) {
	t.segStart = t.seg
	if s.phase != PhaseTestCL {
		t.seg++
	}
}

func (t *trajTask) input(s *Sim, j int) (control, plastic bool) {
	n := (t.segStart%2)*t.S + j
	s.x = t.inputs[n*t.dIn : (n+1)*t.dIn]
	s.y = t.target[2*j : 2*j+2]
	switch s.phase {
	case PhaseTrain:
		return true, true
	case PhaseTestCL:
		return true, false
	}
	return false, false
}

func (t *trajTask) observe(*Sim, int) {}
func (t *trajTask) end(*Sim)          {}
func (t *trajTask) commit(*Sim)       {}
