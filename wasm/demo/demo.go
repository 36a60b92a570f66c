package demo

import (
	"fmt"
	"math"
	"strings"

	"bcp/core/online"
	"bcp/core/shapes"
)

// Sweep and snapshot resolutions: samples per trial of the live traces and
// points per trial of the curves copied from the latest test.
const (
	sweepRows    = 600
	snapshotRows = 1000
)

// probed is the number of assemblies whose currents a demo shows.
const probed = 3

// Demo is one running experiment with what its panels show: the Sim of
// package online, a Sweep of live samples of the current trial, copies of
// the latest test's curves, and the View built from them.
type Demo struct {
	Params Params

	cfg    online.Config
	sim    *online.Sim
	rec    *online.Record
	steps  int     // Euler steps per trial
	dt     float64 // Euler step, seconds
	sweep  *Sweep
	phase  online.Phase // phase of the trial the sweep is drawing
	vals   []float64
	scene  scene
	view   View
	tests  int       // tests committed when the snapshot curves were last copied
	trials []float64 // rec.Trial as float64, for learning-curve x values
}

// scene is what differs between the demos: the channels sampled into the
// sweep and the panels drawn from them.
type scene interface {
	// init builds the view once; its curves point at the sweep's columns
	// and at the scene's own buffers.
	init(d *Demo) error

	// sample writes the sweep channels of the probe p into vals.
	sample(d *Demo, p *online.Probe, vals []float64)

	// refresh copies the curves of the latest test after a test ended.
	refresh(d *Demo)

	// update sets what changes every frame: ranges, titles, curve lengths.
	update(d *Demo)
}

// New builds demo p.Demo with the settings p, positioned before its first
// step.
func New(p Params) (*Demo, error) {
	cfg := p.Config()
	var target [][2]float64
	if p.Demo == Traj {
		path, err := shapes.Builtin(p.Shape)
		if err != nil {
			return nil, err
		}
		target = path.Sample(int(math.Round(cfg.TrialSeconds / cfg.DT)))
	}
	sim, err := online.New(cfg, target)
	if err != nil {
		return nil, fmt.Errorf("demo %s: %w", p.Demo, err)
	}
	sim.SetLearning(p.Learning)
	d := &Demo{Params: p, cfg: cfg, sim: sim, rec: sim.Record(), steps: sim.StepsPerTrial(),
		dt: cfg.DT, phase: sim.Phase()}
	switch p.Demo {
	case Traj:
		d.scene = &trajScene{target: target}
	case FearCond:
		d.scene = &fearScene{}
	case Motor:
		d.scene = &motorScene{}
	case Assembly:
		d.scene = &assemblyScene{}
	default:
		return nil, fmt.Errorf("demo %q is not known", p.Demo)
	}
	d.view.Title = p.Demo.Title()
	if err := d.scene.init(d); err != nil {
		return nil, err
	}
	return d, nil
}

// newSweep makes the demo's sweep with cols channels.
func (d *Demo) newSweep(cols int) {
	d.sweep = NewSweep(d.steps, strideFor(d.steps, sweepRows), cols)
	d.vals = make([]float64, cols)
}

// Config returns the experiment's configuration.
func (d *Demo) Config() online.Config { return d.cfg }

// DT returns the Euler step in seconds.
func (d *Demo) DT() float64 { return d.dt }

// StepsPerTrial returns the Euler steps of one trial.
func (d *Demo) StepsPerTrial() int { return d.steps }

// SetLearning turns plasticity on or off from the next step on.
func (d *Demo) SetLearning(on bool) {
	d.Params.Learning = on
	d.sim.SetLearning(on)
}

// Advance runs up to n Euler steps, in chunks of the sweep's stride,
// sampling the sweep after each chunk, and stops early when stop (if not
// nil) returns true after a chunk or when the protocol is done. It returns
// the steps taken.
func (d *Demo) Advance(n int, stop func() bool) int {
	start := d.sim.Steps()
	stride := int64(d.sweep.Stride)
	for int(d.sim.Steps()-start) < n && !d.sim.Done() {
		st := d.sim.Steps()
		k := int(stride - st%stride)
		k = min(k, n-int(st-start))
		d.sim.Advance(k)
		if d.sim.Steps()%stride == 0 {
			d.sample()
		}
		if stop != nil && stop() {
			break
		}
	}
	if len(d.rec.Trial) != d.tests {
		d.tests = len(d.rec.Trial)
		for len(d.trials) < d.tests {
			d.trials = append(d.trials, float64(d.rec.Trial[len(d.trials)]))
		}
		d.scene.refresh(d)
	}
	return int(d.sim.Steps() - start)
}

// sample writes the probe of the last step into the sweep.
func (d *Demo) sample() {
	p := d.sim.Probe()
	st := d.sim.Steps()
	S := int64(d.steps)
	t := (st - 1) / S
	i := int((st-1)%S) / d.sweep.Stride
	if st%S != 0 {
		// Mid-trial, the Sim's phase is the phase of this trial; at its
		// last step it is already the next one's.
		d.phase = p.Phase
	}
	d.scene.sample(d, &p, d.vals)
	d.sweep.Set(t, i, p.Control, d.vals...)
}

// Status is what a demo reports to the page.
type Status struct {
	Demo       Kind
	Trial      int     // training trials completed
	Trials     int     // training trials of the protocol
	SimSeconds float64 // simulated time, tests included
	Phase      string  // what the network is doing now
	R2         float64 // open-loop R² of the latest test; NaN where there is none
	Freezing   float64 // fear conditioning: freezing to the CS+ in the latest test; NaN otherwise
	Tests      int     // tests completed
	Done       bool    // the protocol is finished
}

// Status returns the demo's counters and latest results.
func (d *Demo) Status() Status {
	s := Status{Demo: d.Params.Demo, Trial: d.sim.Trial(), Trials: d.cfg.Trials,
		SimSeconds: d.sim.SimSeconds(), Phase: d.describe(d.sim.Phase()),
		R2: math.NaN(), Freezing: math.NaN(), Tests: len(d.rec.Trial), Done: d.sim.Done()}
	if n := len(d.rec.OLR2); n > 0 {
		s.R2 = d.rec.OLR2[n-1]
	}
	if n := len(d.rec.FreezingCSPlus); n > 0 {
		s.Freezing = d.rec.FreezingCSPlus[n-1]
	}
	return s
}

// describe says in a few words what a trial of phase ph does in this demo.
func (d *Demo) describe(ph online.Phase) string {
	switch ph {
	case online.PhaseTrain:
		learn := "learning"
		if !d.Params.Learning {
			learn = "learning off"
		}
		switch d.Params.Demo {
		case FearCond:
			return fmt.Sprintf("pairing %d: CS+ then US (%s)", d.sim.Trial()+1, learn)
		case Assembly:
			return fmt.Sprintf("training chunk, closed loop (%s)", learn)
		}
		return fmt.Sprintf("training trial, closed loop (%s)", learn)
	case online.PhaseWashout:
		return "test: open-loop washout"
	case online.PhaseTestCL:
		return "test: closed loop"
	case online.PhaseTestOL:
		return "test: open loop"
	case online.PhaseTestCSPlus:
		return "test: CS+ alone"
	case online.PhaseTestCSMinus:
		return "test: CS− alone"
	case online.PhaseDone:
		return "finished (press r to run again)"
	}
	return ph.String()
}

// View returns the panels of the current state. The view and its curves
// share storage with the demo and change when it advances.
func (d *Demo) View() *View {
	d.scene.update(d)
	st := d.Status()
	var b strings.Builder
	fmt.Fprintf(&b, "trial %d of %d · %.1f s simulated · %s", st.Trial, st.Trials, st.SimSeconds, st.Phase)
	d.view.Status = b.String()
	return &d.view
}

// timeCurve returns sweep channel c as a curve over the trial's time.
func (d *Demo) timeCurve(label string, role Role, c int) Curve {
	dx := float64(d.sweep.Stride) * d.dt
	return Curve{Label: label, Role: role, Y: d.sweep.Col(c), X0: dx, DX: dx}
}

// liveCurve is timeCurve coloured by the loop: blue while control is off,
// orange while it is on.
func (d *Demo) liveCurve(label string, c int) Curve {
	cv := d.timeCurve(label, RoleOL, c)
	cv.Alt, cv.AltRole = d.sweep.Control, RoleCL
	return cv
}

// trialRange returns the x range of one trial in seconds.
func (d *Demo) trialRange() Range { return Range{0, float64(d.steps) * d.dt} }

// currentsPanel shows assembly a's mean excitation (times α), inhibition
// and local error, from sweep channels c, c+1 and c+2.
func (d *Demo) currentsPanel(a, c int) Panel {
	return Panel{
		Title:  fmt.Sprintf("Assembly %d: E/I balance and local error", a+1),
		XLabel: "time in trial (s)", YLabel: "current",
		X:      d.trialRange(),
		Cursor: math.NaN(),
		Curves: balanceCurves(d.timeCurve("α × excitation", RoleExc, c),
			d.timeCurve("inhibition", RoleInh, c+1), d.timeCurve("local error ε", RoleErr, c+2)),
	}
}

// balanceCurves returns the excitation, inhibition and local error curves
// of an assembly, the excitation wide under a narrow inhibition, so that
// where the two balance the inhibition shows inside a red edge.
func balanceCurves(exc, inh, eps Curve) []Curve {
	exc.Width, inh.Width = 2.6, 1
	return []Curve{exc, inh, eps}
}

// sampleCurrents writes α × excitation, inhibition and local error of the
// first probed assemblies into vals.
func (d *Demo) sampleCurrents(p *online.Probe, vals []float64, n int) {
	for a := 0; a < n && a < p.NAsm; a++ {
		q := &p.Asm[a]
		vals[3*a], vals[3*a+1], vals[3*a+2] = d.cfg.Alpha*q.Exc, q.Inh, q.Err
	}
}

// updateSweepPanel sets the sweep's cursor and freshness on a panel whose
// curves are sweep channels, and an automatic y range of at least minSpan
// unless fixed.
func (d *Demo) updateSweepPanel(p *Panel, minSpan float64, auto bool) {
	cur := d.sweep.Cursor
	if d.sweep.Trial < 0 {
		cur = 0
	}
	for i := range p.Curves {
		p.Curves[i].Fresh = cur
	}
	p.Cursor = math.NaN()
	if cur > 0 && cur < d.sweep.Rows {
		p.Cursor = float64(cur*d.sweep.Stride) * d.dt
	}
	if auto {
		p.Y = AutoRange(p.Curves, minSpan)
	}
}

// learningRange returns the x range of a learning curve: the trials so
// far, at least the first few.
func (d *Demo) learningRange(least float64) Range {
	hi := least
	if n := len(d.trials); n > 0 {
		hi = math.Max(hi, d.trials[n-1])
	}
	return Range{0, hi}
}

// r2Range returns the y range of an R² curve: up to 1, down to its lowest
// value rounded down to a fifth, but not below −1 (lower points sit on the
// axis).
func r2Range(curves ...[]float64) Range {
	lo := 0.0
	for _, c := range curves {
		for _, v := range c {
			lo = math.Min(lo, v)
		}
	}
	lo = math.Max(-1, math.Floor(lo*5)/5)
	return Range{lo, 1}
}

// decimate copies every k-th value of column c of the row-major series s
// (cols values per row) into dst, and returns dst.
func decimate(dst []float64, s *online.Series, c, k int) []float64 {
	dst = dst[:0]
	for r := k - 1; r < s.Rows(); r += k {
		dst = append(dst, s.Data[r*s.Cols+c])
	}
	return dst
}
