package main

import (
	"fmt"
	"math"
	"path/filepath"

	"bcp/core/online"
	"bcp/core/results"
)

func nan() float64 { return math.NaN() }

// timeSeries returns the times (s) of the rows of s and, per row, either
// column col or (col < 0) the mean over the columns, times scale.
func timeSeries(name string, s *online.Series, dt float64, col int, scale float64) results.Series {
	n := s.Rows()
	out := results.Series{Name: name, X: make([]float64, n), Y: make([]float64, n)}
	for r := 0; r < n; r++ {
		out.X[r] = float64(r*s.Stride) * dt
		row := s.Data[r*s.Cols : (r+1)*s.Cols]
		if col >= 0 {
			out.Y[r] = row[col] * scale
			continue
		}
		var m float64
		for _, v := range row {
			m += v
		}
		out.Y[r] = m / float64(len(row)) * scale
	}
	return out
}

// xy returns a 2-column series as a curve in the plane.
func xy(name string, s *online.Series) results.Series {
	n := s.Rows()
	out := results.Series{Name: name, X: make([]float64, n), Y: make([]float64, n)}
	for r := 0; r < n; r++ {
		out.X[r], out.Y[r] = s.Data[r*2], s.Data[r*2+1]
	}
	return out
}

// lever integrates output 0 of s over time.
func lever(name string, s *online.Series, dt float64) results.Series {
	out := timeSeries(name, s, dt, 0, 1)
	var acc float64
	for i, v := range out.Y {
		acc += v * dt * float64(s.Stride)
		out.Y[i] = acc
	}
	return out
}

func overTrials(title, ylabel string, trial []int, pts bool, named ...any) results.Panel {
	x := make([]float64, len(trial))
	for i, t := range trial {
		x[i] = float64(t)
	}
	p := results.Panel{Title: title, XLabel: "trial", YLabel: ylabel}
	for i := 0; i+1 < len(named); i += 2 {
		v := named[i+1].([]float64)
		if len(v) == 0 {
			continue
		}
		p.Series = append(p.Series, results.Series{Name: named[i].(string), X: x[:len(v)], Y: v, Points: pts})
	}
	return p
}

func snapTitle(what string, s *online.Snapshot) string {
	return fmt.Sprintf("%s (after %d trials)", what, s.Trial)
}

// onlineFigures draws the task's figures into dir.
func onlineFigures(dir string, r *online.Record) error {
	if len(r.Trial) == 0 || r.First == nil {
		return nil
	}
	png := func(name string, w, h, cols int, panels ...results.Panel) error {
		return results.PlotPNG(filepath.Join(dir, name), w, h, cols, panels)
	}
	snaps := []*online.Snapshot{r.First}
	if r.Last != nil {
		snaps = append(snaps, r.Last)
	}
	switch r.Task {
	case online.Traj:
		var panels []results.Panel
		for _, s := range snaps {
			p := results.Panel{Title: snapTitle("trajectory", s), EqualAspect: true}
			for _, n := range []struct{ series, label string }{{"target", "target"}, {"ol", "open loop"}, {"cl", "closed loop"}} {
				if ser := s.Get(n.series); ser != nil {
					p.Series = append(p.Series, xy(n.label, ser))
				}
			}
			panels = append(panels, p)
		}
		if err := png("trajectory.png", 1000, 500, 2, panels...); err != nil {
			return err
		}
		return png("r2.png", 800, 450, 1, overTrials("R² of the test trials", "R²", r.Trial, false,
			"open loop", r.OLR2, "closed loop", r.CLR2))
	case online.Motor:
		var panels []results.Panel
		for _, s := range snaps {
			p := results.Panel{Title: snapTitle("lever", s), XLabel: "time in trial (s)", YLabel: "lever position"}
			for _, n := range []struct{ series, label string }{{"target", "target"}, {"ol", "open loop"}, {"cl", "closed loop"}} {
				if ser := s.Get(n.series); ser != nil {
					p.Series = append(p.Series, lever(n.label, ser, r.DT))
				}
			}
			panels = append(panels, p)
		}
		trials := make([]int, len(r.LeverMin))
		for i := range trials {
			trials[i] = i + 1
		}
		panels = append(panels, overTrials("R² of the test trials", "R²", r.Trial, false,
			"open loop", r.OLR2, "closed loop", r.CLR2),
			overTrials("lever minimum per training trial", "lever minimum", trials, false, "training", r.LeverMin))
		return png("lever.png", 1200, 800, 2, panels...)
	case online.FearCond:
		pairing := make([]int, len(r.FreezingCSPlus))
		for i := range pairing {
			pairing[i] = i
		}
		p := overTrials("freezing over the CS window", "freezing", pairing, true,
			"CS+ (mean)", r.FreezingCSPlus, "CS− (mean)", r.FreezingCSMinus,
			"CS+ (max)", r.FreezingCSPlusMax, "CS− (max)", r.FreezingCSMinusMax)
		p.XLabel = "pairings"
		zero, one := 0.0, 1.0
		p.YMin, p.YMax = &zero, &one
		out := results.Panel{Title: snapTitle("output", snaps[len(snaps)-1]), XLabel: "time in trial (s)",
			YLabel: "ŷ"}
		for _, n := range []struct{ series, label string }{{"cs_plus", "CS+"}, {"cs_minus", "CS−"}} {
			if ser := snaps[len(snaps)-1].Get(n.series); ser != nil {
				out.Series = append(out.Series, timeSeries(n.label, ser, r.DT, 0, 1))
			}
		}
		return png("freezing.png", 1200, 450, 2, p, out)
	case online.Assembly:
		var panels []results.Panel
		for _, s := range snaps {
			for _, pre := range []struct{ prefix, what string }{{"ol", "open loop"}, {"cl", "closed loop"}} {
				p := results.Panel{Title: snapTitle(pre.what, s), XLabel: "time (s)",
					YLabel: "current (mean over E neurons)"}
				if ser := s.Get(pre.prefix + "_exc"); ser != nil {
					p.Series = append(p.Series, timeSeries("α × feed-forward excitation", ser, r.DT, -1, 0.5))
				}
				if ser := s.Get(pre.prefix + "_inh"); ser != nil {
					p.Series = append(p.Series, timeSeries("inhibition", ser, r.DT, -1, 1))
				}
				if ser := s.Get(pre.prefix + "_err"); ser != nil {
					p.Series = append(p.Series, timeSeries("local error", ser, r.DT, -1, 1))
				}
				panels = append(panels, p)
			}
			out := results.Panel{Title: snapTitle("output", s), XLabel: "time (s)", YLabel: "ŷ"}
			for _, n := range []struct{ series, label string }{{"target", "target"}, {"ol", "open loop"}, {"cl", "closed loop"}} {
				if ser := s.Get(n.series); ser != nil {
					out.Series = append(out.Series, timeSeries(n.label, ser, r.DT, 0, 1))
				}
			}
			panels = append(panels, out)
		}
		return png("currents.png", 1800, 450*len(snaps), 3, panels...)
	}
	return nil
}
