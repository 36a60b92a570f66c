package demo

import (
	"math"

	"bcp/core/online"
)

// trajScene is trajectory learning: two outputs learn to draw a closed
// drawing. Sweep channels: output x, y; target x, y; then α × excitation,
// inhibition and local error of three assemblies.
type trajScene struct {
	target           [][2]float64
	tx, ty           []float64 // the drawing, closed
	olX, olY         []float64 // the latest OL test
	clX, clY         []float64 // the latest CL test
	penX, penY, penC []float64 // the pen's recent trail (views into the sweep)
}

// trailFraction is the part of a trial the pen's trail covers.
const trailFraction = 0.3

func (s *trajScene) init(d *Demo) error {
	d.newSweep(4 + 3*probed)
	k := strideFor(len(s.target), snapshotRows)
	for i := 0; i < len(s.target); i += k {
		s.tx = append(s.tx, s.target[i][0])
		s.ty = append(s.ty, s.target[i][1])
	}
	s.tx, s.ty = append(s.tx, s.target[0][0]), append(s.ty, s.target[0][1])

	xy := Range{-1.3, 1.3}
	out := Range{-1.35, 1.35}
	lc := math.NaN()
	v := &d.view
	v.Cols, v.Rows = []float64{1.25, 1, 1}, []float64{1, 1, 1}
	v.Panels = []Panel{
		{Title: "Drawing: target and output", XLabel: "output x", YLabel: "output y",
			X: xy, Y: xy, Equal: true, Cursor: lc, ColSpan: 1, RowSpan: 3,
			Note: "the latest test is drawn after the first one ends"},
		{Title: "Output x over the trial", XLabel: "time in trial (s)", YLabel: "x",
			X: d.trialRange(), Y: out, Col: 1, Row: 0,
			Curves: []Curve{d.timeCurve("target", RoleTarget, 2), d.liveCurve("output", 0)}},
		{Title: "Output y over the trial", XLabel: "time in trial (s)", YLabel: "y",
			X: d.trialRange(), Y: out, Col: 1, Row: 1,
			Curves: []Curve{d.timeCurve("target", RoleTarget, 3), d.liveCurve("output", 1)}},
		{Title: "Learning curve: R² of the tests", XLabel: "training trial", YLabel: "R²",
			Cursor: lc, Col: 1, Row: 2, Note: "the first test ends after three trials"},
	}
	for a := 0; a < probed; a++ {
		p := d.currentsPanel(a, 4+3*a)
		p.Col, p.Row = 2, a
		v.Panels = append(v.Panels, p)
	}
	return nil
}

func (s *trajScene) sample(d *Demo, p *online.Probe, vals []float64) {
	vals[0], vals[1], vals[2], vals[3] = p.Output[0], p.Output[1], p.Target[0], p.Target[1]
	d.sampleCurrents(p, vals[4:], probed)
}

func (s *trajScene) refresh(d *Demo) {
	last := d.rec.Last
	if last == nil {
		return
	}
	k := strideFor(d.steps, snapshotRows)
	if ol := last.Get("ol"); ol != nil {
		s.olX, s.olY = decimate(s.olX, ol, 0, k), decimate(s.olY, ol, 1, k)
	}
	if cl := last.Get("cl"); cl != nil {
		s.clX, s.clY = decimate(s.clX, cl, 0, k), decimate(s.clY, cl, 1, k)
	}
}

func (s *trajScene) update(d *Demo) {
	ps := d.view.Panels
	sw := d.sweep

	draw := &ps[0]
	draw.Curves = draw.Curves[:0]
	draw.Curves = append(draw.Curves, Curve{Label: "target", Role: RoleTarget, X: s.tx, Y: s.ty,
		Fresh: math.MaxInt, Width: 1.8})
	if len(s.olX) > 0 {
		draw.Note = ""
		draw.Curves = append(draw.Curves,
			Curve{Label: "latest test, open loop", Role: RoleOL, X: s.olX, Y: s.olY, Fresh: math.MaxInt},
			Curve{Label: "latest test, closed loop", Role: RoleCL, X: s.clX, Y: s.clY, Fresh: math.MaxInt})
	}
	draw.Pen = false
	if sw.Trial >= 0 && sw.Cursor > 0 {
		hi := sw.Cursor
		lo := max(0, hi-int(trailFraction*float64(sw.Rows)))
		s.penX, s.penY = sw.Col(0)[lo:hi], sw.Col(1)[lo:hi]
		draw.Curves = append(draw.Curves, Curve{Label: "now", Role: RoleOL, X: s.penX, Y: s.penY,
			Alt: sw.Control[lo:hi], AltRole: RoleCL, Fresh: math.MaxInt, Width: 1.4})
		draw.Pen, draw.PenX, draw.PenY = true, s.penX[len(s.penX)-1], s.penY[len(s.penY)-1]
		draw.PenRole = RoleOL
		if sw.Control[hi-1] {
			draw.PenRole = RoleCL
		}
	}

	d.updateSweepPanel(&ps[1], 0, false)
	d.updateSweepPanel(&ps[2], 0, false)

	lc := &ps[3]
	lc.X = d.learningRange(20)
	lc.Y = r2Range(d.rec.OLR2, d.rec.CLR2)
	lc.Curves = lc.Curves[:0]
	if len(d.trials) > 0 {
		lc.Note = ""
		lc.Curves = append(lc.Curves,
			Curve{Label: "open loop", Role: RoleOL, X: d.trials, Y: d.rec.OLR2, Fresh: math.MaxInt, Dots: true},
			Curve{Label: "closed loop", Role: RoleCL, X: d.trials, Y: d.rec.CLR2, Fresh: math.MaxInt, Dots: true})
	}
	for a := 0; a < probed; a++ {
		d.updateSweepPanel(&ps[4+a], 0.2, true)
	}
}

// fearScene is fear conditioning: a CS+ is paired with a US; tests present
// the CS+ and the unpaired CS− alone. Sweep channels: the US target,
// freezing σ(k(ŷ − s)), then the currents of three assemblies.
type fearScene struct {
	plus, minus []float64 // freezing over the latest CS+ and CS− tests
	csEnd       float64
	usEnd       float64
	dx          float64
}

func (s *fearScene) init(d *Demo) error {
	d.newSweep(2 + 3*probed)
	c := &d.cfg
	s.csEnd, s.usEnd = c.CSSeconds, c.CSSeconds+c.USSeconds
	unit := Range{-0.05, 1.05}
	lc := math.NaN()
	v := &d.view
	v.Cols, v.Rows = []float64{1.6, 1}, []float64{1, 1, 1}
	v.Panels = []Panel{
		{Title: "Now", XLabel: "time in trial (s)", YLabel: "freezing",
			X: d.trialRange(), Y: unit, Col: 0, Row: 0,
			Curves: []Curve{d.timeCurve("US (target)", RoleTarget, 0), d.liveCurve("freezing", 1)}},
		{Title: "Latest test: freezing to each stimulus alone", XLabel: "time in trial (s)",
			YLabel: "freezing", X: d.trialRange(), Y: unit, Cursor: lc, Col: 0, Row: 1,
			Bands: []Band{{From: 0, To: s.csEnd, Role: RoleOther, Label: "CS"}},
			Note:  "the first test runs before the first pairing"},
		{Title: "Learning curve: mean freezing during the CS", XLabel: "pairings",
			YLabel: "freezing", X: Range{0, float64(c.Trials)}, Y: Range{0, 1}, Cursor: lc,
			Col: 0, Row: 2},
	}
	for a := 0; a < probed; a++ {
		p := d.currentsPanel(a, 2+3*a)
		p.Col, p.Row = 1, a
		v.Panels = append(v.Panels, p)
	}
	return nil
}

func (s *fearScene) freezing(c *online.Config, y float64) float64 {
	u := c.FreezeSteepness * (y - c.FreezeShift)
	if u >= 0 {
		return 1 / (1 + math.Exp(-u))
	}
	z := math.Exp(u)
	return z / (1 + z)
}

func (s *fearScene) sample(d *Demo, p *online.Probe, vals []float64) {
	vals[0], vals[1] = p.Target[0], s.freezing(&d.cfg, p.Output[0])
	d.sampleCurrents(p, vals[2:], probed)
}

func (s *fearScene) refresh(d *Demo) {
	last := d.rec.Last
	if last == nil {
		return
	}
	k := strideFor(d.steps, sweepRows)
	s.dx = float64(k) * d.dt
	conv := func(dst []float64, name string) []float64 {
		ser := last.Get(name)
		if ser == nil {
			return dst[:0]
		}
		dst = decimate(dst, ser, 0, k)
		for i, y := range dst {
			dst[i] = s.freezing(&d.cfg, y)
		}
		return dst
	}
	s.plus, s.minus = conv(s.plus, "cs_plus"), conv(s.minus, "cs_minus")
}

func (s *fearScene) update(d *Demo) {
	ps := d.view.Panels
	now := &ps[0]
	now.Title = "Now: " + d.describe(d.phase)
	now.Bands = now.Bands[:0]
	switch d.phase {
	case online.PhaseTestCSMinus:
		now.Bands = append(now.Bands, Band{From: 0, To: s.csEnd, Role: RoleCSMinus, Label: "CS−"})
	case online.PhaseTestCSPlus:
		now.Bands = append(now.Bands, Band{From: 0, To: s.csEnd, Role: RoleCSPlus, Label: "CS+"})
	default:
		now.Bands = append(now.Bands, Band{From: 0, To: s.csEnd, Role: RoleCSPlus, Label: "CS+"},
			Band{From: s.csEnd, To: s.usEnd, Role: RoleCL, Label: "US"})
	}
	d.updateSweepPanel(now, 0, false)

	test := &ps[1]
	test.Curves = test.Curves[:0]
	if len(s.plus) > 0 {
		test.Note = ""
		test.Curves = append(test.Curves,
			Curve{Label: "CS+ (paired)", Role: RoleCSPlus, Y: s.plus, X0: s.dx, DX: s.dx, Fresh: math.MaxInt},
			Curve{Label: "CS− (never paired)", Role: RoleCSMinus, Y: s.minus, X0: s.dx, DX: s.dx, Fresh: math.MaxInt})
	}

	lc := &ps[2]
	lc.Curves = lc.Curves[:0]
	if len(d.trials) > 0 {
		lc.Curves = append(lc.Curves,
			Curve{Label: "CS+ (paired)", Role: RoleCSPlus, X: d.trials, Y: d.rec.FreezingCSPlus,
				Fresh: math.MaxInt, Dots: true},
			Curve{Label: "CS− (never paired)", Role: RoleCSMinus, X: d.trials, Y: d.rec.FreezingCSMinus,
				Fresh: math.MaxInt, Dots: true})
	}
	for a := 0; a < probed; a++ {
		d.updateSweepPanel(&ps[3+a], 0.2, true)
	}
}

// motorScene is motor learning: after a cue the output must produce one
// period of −sin, a lever press. Sweep channels: target, output, lever,
// then the currents of three assemblies.
type motorScene struct {
	leverTarget        []float64 // the lever position the target produces, per sweep sample
	ol, cl, target     []float64 // the latest test
	dx                 float64
	pressMin, trialIdx []float64 // the target's deepest press; training trial numbers
}

func (s *motorScene) init(d *Demo) error {
	d.newSweep(3 + 3*probed)
	c := &d.cfg
	sw := d.sweep
	// The lever target is the integral of −sin(2π(t − c)/P) over the press:
	// −(P/2π)(1 − cos(2π(t − c)/P)), zero before and after.
	s.leverTarget = make([]float64, sw.Rows)
	for i := range s.leverTarget {
		t := float64((i+1)*sw.Stride) * d.dt
		if u := t - c.CueTime; u >= 0 && u < c.PressSeconds {
			s.leverTarget[i] = -c.PressSeconds / (2 * math.Pi) * (1 - math.Cos(2*math.Pi*u/c.PressSeconds))
		}
	}
	deepest := -c.PressSeconds / math.Pi
	s.pressMin = []float64{deepest, deepest}
	dx := float64(sw.Stride) * d.dt
	lc := math.NaN()
	press := Band{From: c.CueTime, To: c.CueTime + c.PressSeconds, Role: RoleOther, Label: "cue, then press"}
	cue := Band{From: c.CueTime, To: c.CueTime, Role: RoleOther}
	v := &d.view
	v.Cols, v.Rows = []float64{1.3, 1, 1}, []float64{1, 1, 1}
	v.Panels = []Panel{
		{Title: "Now: motor command", XLabel: "time in trial (s)", YLabel: "output",
			X: d.trialRange(), Col: 0, Row: 0, Bands: []Band{press, cue},
			Curves: []Curve{d.timeCurve("target", RoleTarget, 0), d.liveCurve("output", 1)}},
		{Title: "Now: lever position (integral of the command)", XLabel: "time in trial (s)",
			YLabel: "lever", X: d.trialRange(), Col: 0, Row: 1, Bands: []Band{press, cue},
			Curves: []Curve{{Label: "target", Role: RoleTarget, Y: s.leverTarget, X0: dx, DX: dx},
				d.liveCurve("lever", 2)}},
		{Title: "Latest test: command", XLabel: "time in trial (s)", YLabel: "output",
			X: d.trialRange(), Cursor: lc, Col: 0, Row: 2, Bands: []Band{press, cue},
			Note: "the first test runs before the first trial"},
		{Title: "Learning curve: R² of the tests", XLabel: "training trial", YLabel: "R²",
			Cursor: lc, Col: 1, Row: 0, RowSpan: 2},
		{Title: "Deepest lever press of each training trial", XLabel: "training trial",
			YLabel: "lever minimum", Cursor: lc, Col: 1, Row: 2},
	}
	for a := 0; a < probed; a++ {
		p := d.currentsPanel(a, 3+3*a)
		p.Col, p.Row = 2, a
		v.Panels = append(v.Panels, p)
	}
	return nil
}

func (s *motorScene) sample(d *Demo, p *online.Probe, vals []float64) {
	vals[0], vals[1], vals[2] = p.Target[0], p.Output[0], p.Lever
	d.sampleCurrents(p, vals[3:], probed)
}

func (s *motorScene) refresh(d *Demo) {
	last := d.rec.Last
	if last == nil {
		return
	}
	k := strideFor(d.steps, sweepRows)
	s.dx = float64(k) * d.dt
	if ser := last.Get("ol"); ser != nil {
		s.ol = decimate(s.ol, ser, 0, k)
	}
	if ser := last.Get("cl"); ser != nil {
		s.cl = decimate(s.cl, ser, 0, k)
	}
	if ser := last.Get("target"); ser != nil {
		s.target = decimate(s.target, ser, 0, k)
	}
}

func (s *motorScene) update(d *Demo) {
	ps := d.view.Panels
	ps[0].Title = "Now: motor command, " + d.describe(d.phase)
	d.updateSweepPanel(&ps[0], 2.2, true)
	d.updateSweepPanel(&ps[1], 1.2, true)

	test := &ps[2]
	test.Curves = test.Curves[:0]
	if len(s.ol) > 0 {
		test.Note = ""
		test.Curves = append(test.Curves,
			Curve{Label: "target", Role: RoleTarget, Y: s.target, X0: s.dx, DX: s.dx, Fresh: math.MaxInt},
			Curve{Label: "open loop", Role: RoleOL, Y: s.ol, X0: s.dx, DX: s.dx, Fresh: math.MaxInt},
			Curve{Label: "closed loop", Role: RoleCL, Y: s.cl, X0: s.dx, DX: s.dx, Fresh: math.MaxInt})
	}
	test.Y = AutoRange(test.Curves, 2.2)

	lc := &ps[3]
	lc.X = d.learningRange(20)
	lc.Y = r2Range(d.rec.OLR2, d.rec.CLR2)
	lc.Curves = lc.Curves[:0]
	if len(d.trials) > 0 {
		lc.Curves = append(lc.Curves,
			Curve{Label: "open loop", Role: RoleOL, X: d.trials, Y: d.rec.OLR2, Fresh: math.MaxInt, Dots: true},
			Curve{Label: "closed loop", Role: RoleCL, X: d.trials, Y: d.rec.CLR2, Fresh: math.MaxInt, Dots: true})
	}

	lv := &ps[4]
	n := len(d.rec.LeverMin)
	lv.X = Range{0, math.Max(20, float64(n))}
	lv.Curves = lv.Curves[:0]
	s.trialIdx = s.trialIdx[:0]
	s.trialIdx = append(s.trialIdx, 0, lv.X.Max)
	lv.Curves = append(lv.Curves, Curve{Label: "target", Role: RoleTarget, X: s.trialIdx, Y: s.pressMin,
		Fresh: math.MaxInt})
	if n > 0 {
		lv.Curves = append(lv.Curves, Curve{Label: "press", Role: RoleMain, Y: d.rec.LeverMin,
			X0: 1, DX: 1, Fresh: math.MaxInt, Dots: n <= 60})
	}
	lv.Y = AutoRange(lv.Curves, 0.6)

	for a := 0; a < probed; a++ {
		d.updateSweepPanel(&ps[5+a], 0.2, true)
	}
}

// assemblyScene is a single assembly: its E and I currents balance in open
// loop, feedback breaks the balance where output and target differ, and
// plasticity makes it selective to the target pattern. Sweep channels:
// target, output, α × excitation, inhibition, local error, feedback, then
// the inputs.
type assemblyScene struct {
	drive [][]float64 // feed-forward drive per test, one list per pattern
}

const assemblyCols = 6

func (s *assemblyScene) init(d *Demo) error {
	c := &d.cfg
	d.newSweep(assemblyCols + c.Inputs)
	lc := math.NaN()
	inputs := make([]Curve, c.Inputs)
	for i := range inputs {
		inputs[i] = d.timeCurve("", RoleInput, assemblyCols+i)
	}
	inputs[0].Label = "inputs"
	s.drive = make([][]float64, c.Patterns)
	v := &d.view
	v.Cols, v.Rows = []float64{1.6, 1}, []float64{1, 1, 1}
	v.Panels = []Panel{
		{Title: "Now: output and target", XLabel: "time in chunk (s)", YLabel: "output",
			X: d.trialRange(), Col: 0, Row: 0,
			Curves: []Curve{d.timeCurve("target", RoleTarget, 0), d.liveCurve("output", 1)}},
		{Title: "E/I balance: excitation and inhibition of the E neurons", XLabel: "time in chunk (s)",
			YLabel: "current", X: d.trialRange(), Col: 0, Row: 1,
			Curves: balanceCurves(d.timeCurve("α × excitation", RoleExc, 2), d.timeCurve("inhibition", RoleInh, 3),
				d.timeCurve("local error ε", RoleErr, 4))[:2]},
		{Title: "Balance broken: local error and feedback to the I neurons", XLabel: "time in chunk (s)",
			YLabel: "current", X: d.trialRange(), Col: 0, Row: 2,
			Curves: []Curve{d.timeCurve("local error ε", RoleErr, 4), d.timeCurve("feedback", RoleFeedback, 5)}},
		{Title: "Now: inputs (mixtures of three latent patterns)", XLabel: "time in chunk (s)",
			YLabel: "input", X: d.trialRange(), Col: 1, Row: 0, Curves: inputs},
		{Title: "Selectivity: feed-forward drive per pattern", XLabel: "training chunk",
			YLabel: "drive", Cursor: lc, Col: 1, Row: 1},
		{Title: "Learning curve: R² of the tests", XLabel: "training chunk", YLabel: "R²",
			Cursor: lc, Col: 1, Row: 2},
	}
	return nil
}

func (s *assemblyScene) sample(d *Demo, p *online.Probe, vals []float64) {
	q := &p.Asm[0]
	vals[0], vals[1] = p.Target[0], p.Output[0]
	vals[2], vals[3], vals[4], vals[5] = d.cfg.Alpha*q.Exc, q.Inh, q.Err, q.Feedback
	copy(vals[assemblyCols:], p.Input[:p.NIn])
}

func (s *assemblyScene) refresh(d *Demo) {
	for i := range s.drive {
		s.drive[i] = s.drive[i][:0]
		for _, row := range d.rec.PatternDrive {
			s.drive[i] = append(s.drive[i], row[i])
		}
	}
}

func (s *assemblyScene) update(d *Demo) {
	ps := d.view.Panels
	ps[0].Title = "Now: output and target, " + d.describe(d.phase)
	d.updateSweepPanel(&ps[0], 1, true)
	d.updateSweepPanel(&ps[1], 0.2, true)
	d.updateSweepPanel(&ps[2], 0.2, true)
	d.updateSweepPanel(&ps[3], 0.5, true)

	sel := &ps[4]
	sel.X = d.learningRange(float64(d.cfg.Trials))
	sel.Curves = sel.Curves[:0]
	if len(d.trials) > 0 {
		sel.Curves = append(sel.Curves, Curve{Label: "target pattern", Role: RoleMain, X: d.trials,
			Y: s.drive[d.cfg.TargetPattern], Fresh: math.MaxInt, Dots: true})
		first := true
		for i, y := range s.drive {
			if i == d.cfg.TargetPattern {
				continue
			}
			cv := Curve{Role: RoleOther, X: d.trials, Y: y, Fresh: math.MaxInt, Dots: true}
			if first {
				cv.Label, first = "other patterns", false
			}
			sel.Curves = append(sel.Curves, cv)
		}
	}
	sel.Y = AutoRange(sel.Curves, 0.5)

	lc := &ps[5]
	lc.X = d.learningRange(float64(d.cfg.Trials))
	lc.Y = r2Range(d.rec.OLR2, d.rec.CLR2)
	lc.Curves = lc.Curves[:0]
	if len(d.trials) > 0 {
		lc.Curves = append(lc.Curves,
			Curve{Label: "open loop", Role: RoleOL, X: d.trials, Y: d.rec.OLR2, Fresh: math.MaxInt, Dots: true},
			Curve{Label: "closed loop", Role: RoleCL, X: d.trials, Y: d.rec.CLR2, Fresh: math.MaxInt, Dots: true})
	}
}
