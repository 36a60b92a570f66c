package demo

import (
	"math"
	"slices"
	"testing"
)

// runTo advances d until it has simulated at least sec seconds.
func runTo(t *testing.T, d *Demo, sec float64) {
	t.Helper()
	for d.Status().SimSeconds < sec-1e-9 && !d.Status().Done {
		d.Advance(1000, nil)
	}
}

// TestDemosRun: every demo runs, samples its sweep, reports its counters,
// and after its first test has a learning-curve point and a finite R² or
// freezing value; every panel has finite, non-empty ranges.
func TestDemosRun(t *testing.T) {
	firstTest := map[Kind]float64{Traj: 15, FearCond: 20, Motor: 16, Assembly: 30}
	for _, k := range Kinds() {
		t.Run(string(k), func(t *testing.T) {
			d, err := New(DefaultParams(k))
			if err != nil {
				t.Fatal(err)
			}
			if st := d.Status(); st.Trial != 0 || st.SimSeconds != 0 || st.Tests != 0 || !math.IsNaN(st.R2) {
				t.Fatalf("fresh demo status %+v", st)
			}
			runTo(t, d, firstTest[k]+0.5)
			st := d.Status()
			if st.Tests != 1 {
				t.Errorf("%d tests after %.1f s, want 1", st.Tests, st.SimSeconds)
			}
			if k == FearCond {
				if math.IsNaN(st.Freezing) || !math.IsNaN(st.R2) {
					t.Errorf("fear status freezing %v, R² %v; want a freezing value and no R²", st.Freezing, st.R2)
				}
			} else if math.IsNaN(st.R2) || !math.IsNaN(st.Freezing) {
				t.Errorf("status R² %v, freezing %v; want an R² and no freezing value", st.R2, st.Freezing)
			}
			if d.sweep.Cursor == 0 || d.sweep.Trial < 0 {
				t.Errorf("sweep not sampled: cursor %d, trial %d", d.sweep.Cursor, d.sweep.Trial)
			}
			v := d.View()
			if v.Title == "" || v.Status == "" {
				t.Errorf("title %q, status %q", v.Title, v.Status)
			}
			for i, p := range v.Panels {
				for _, r := range []Range{p.X, p.Y} {
					if !(r.Span() > 0) || math.IsInf(r.Span(), 0) {
						t.Errorf("panel %d %q: range %v", i, p.Title, r)
					}
				}
				for _, c := range p.Curves {
					if c.X != nil && len(c.X) < len(c.Y) {
						t.Errorf("panel %d %q, curve %q: %d x values for %d y values",
							i, p.Title, c.Label, len(c.X), len(c.Y))
					}
					if c.Alt != nil && len(c.Alt) < len(c.Y) {
						t.Errorf("panel %d %q, curve %q: %d loop flags for %d points",
							i, p.Title, c.Label, len(c.Alt), len(c.Y))
					}
				}
			}
		})
	}
}

// TestAdvanceStops: Advance takes exactly the steps asked for, across
// sample and trial boundaries, and stops when told to.
func TestAdvanceStops(t *testing.T) {
	d, err := New(DefaultParams(Traj))
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range []int{1, 7, 13, 4999, 5000, 3} {
		if got := d.Advance(n, nil); got != n {
			t.Errorf("Advance(%d) took %d steps", n, got)
		}
		total += n
	}
	if got := d.Status().SimSeconds; math.Abs(got-float64(total)*d.DT()) > 1e-9 {
		t.Errorf("simulated %v s, want %v", got, float64(total)*d.DT())
	}
	calls := 0
	got := d.Advance(10000, func() bool { calls++; return calls == 3 })
	if got > 3*d.sweep.Stride || got == 0 {
		t.Errorf("stopped after %d steps, want at most three chunks of %d", got, d.sweep.Stride)
	}
}

// TestSettings: seed, learning, overlap and feedback reach the simulation:
// another seed gives another run, and with learning off the weights of the
// training trials stay as they were.
func TestSettings(t *testing.T) {
	run := func(p Params) Status {
		d, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		runTo(t, d, 16)
		return d.Status()
	}
	p := DefaultParams(Traj)
	a := run(p)
	p.Seed = 1
	b := run(p)
	if a.R2 == b.R2 {
		t.Errorf("seeds 0 and 1 gave the same R² %v", a.R2)
	}
	for _, fb := range []string{"random-ensemble", "global", "none"} {
		q := DefaultParams(Traj)
		q.Feedback, q.Overlap = fb, 30
		if st := run(q); math.IsNaN(st.R2) {
			t.Errorf("feedback %s, overlap 30: no R²", fb)
		}
	}

	d, err := New(DefaultParams(Motor))
	if err != nil {
		t.Fatal(err)
	}
	d.SetLearning(false)
	runTo(t, d, 16+8*3)
	r := d.sim.Record()
	if !slices.Equal(r.V, r.V0) || !slices.Equal(r.U, r.U0) || !slices.Equal(r.B, r.B0) {
		t.Error("with learning off the weights changed")
	}
	if d.Status().Trial < 3 {
		t.Errorf("%d training trials, want 3", d.Status().Trial)
	}
}
