package online

import (
	"math"
	"testing"
)

// circle returns n points of the unit circle, a simple closed drawing for
// the trajectory task.
func circle(n int) [][2]float64 {
	p := make([][2]float64, n)
	for i := range p {
		a := 2 * math.Pi * float64(i) / float64(n)
		p[i] = [2]float64{math.Cos(a), math.Sin(a)}
	}
	return p
}

// targetFor returns the target points a task needs (a circle for the
// trajectory task, nil otherwise).
func targetFor(task Task) [][2]float64 {
	if task == Traj {
		return circle(100)
	}
	return nil
}

// smallConfig returns the defaults of task with short trials and few of
// them, for tests of the machinery rather than of learning.
func smallConfig(task Task) Config {
	c := DefaultConfig(task)
	c.Trials, c.RecordEvery = 5, 2
	switch task {
	case Traj:
		c.TrialSeconds = 0.4
	case FearCond:
		c.TrialSeconds, c.CSSeconds, c.USSeconds, c.KernelSeconds = 0.5, 0.2, 0.1, 0.2
	case Motor:
		c.TrialSeconds, c.CueTime, c.PressSeconds, c.KernelSeconds = 0.6, 0.1, 0.3, 0.4
	case Assembly:
		c.TrialSeconds = 0.5
	}
	return c
}

// mustNew builds a Sim or stops the test.
func mustNew(t testing.TB, cfg Config) *Sim {
	t.Helper()
	s, err := New(cfg, targetFor(cfg.Task))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runAll advances s to the end of its protocol.
func runAll(s *Sim) {
	for !s.Done() {
		s.Advance(1 << 20)
	}
}

// corr returns the Pearson correlation of a and b.
func corr(a, b []float64) float64 {
	n := float64(len(a))
	var sa, sb float64
	for i := range a {
		sa += a[i]
		sb += b[i]
	}
	ma, mb := sa/n, sb/n
	var cab, caa, cbb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		cab += da * db
		caa += da * da
		cbb += db * db
	}
	return cab / math.Sqrt(caa*cbb)
}
