package demo

import (
	"math"
	"testing"
	"time"
)

// frame60 is one frame at 60 Hz (16.666666 ms, so owed times match to 1e-6).
const frame60 = time.Second / 60

// TestPacerOwes: at a finite speed a frame owes speed × its interval, and a
// remainder under one step carries over while a larger one is dropped.
func TestPacerOwes(t *testing.T) {
	p := NewPacer()
	owed, budget := p.Plan(frame60, 6)
	if math.Abs(owed-0.1) > 1e-6 {
		t.Errorf("owed %v s at speed 6 over 1/60 s, want 0.1", owed)
	}
	if budget != p.MaxBudget {
		t.Errorf("budget %v, want the maximum %v while frames are fast", budget, p.MaxBudget)
	}
	p.Done(owed, 0.0995, 0.001)
	owed, _ = p.Plan(frame60, 6)
	if math.Abs(owed-0.1005) > 1e-6 {
		t.Errorf("owed %v s, want 0.1005 (0.5 ms carried)", owed)
	}
	p.Done(owed, 0.05, 0.001) // could not keep up: the rest is dropped
	owed, _ = p.Plan(frame60, 6)
	if math.Abs(owed-0.1) > 1e-6 {
		t.Errorf("owed %v s after a dropped remainder, want 0.1", owed)
	}
	owed, _ = p.Plan(time.Hour, 6)
	if math.Abs(owed-6*p.MaxFrame.Seconds()) > 1e-9 {
		t.Errorf("owed %v s after an hour away, want %v (capped at MaxFrame)", owed, 6*p.MaxFrame.Seconds())
	}
	if owed, _ := p.Plan(frame60, math.Inf(1)); !math.IsInf(owed, 1) {
		t.Errorf("owed %v at max speed, want +Inf", owed)
	}
}

// frames runs n frames at max speed in which the page's thread works work
// besides simulating for its whole budget, and the graphics process takes
// gpu per frame in parallel (the browser pipelines the two), and returns
// the last budget and frame interval.
func frames(p *Pacer, n int, work, gpu time.Duration) (budget, frame time.Duration) {
	for range n {
		_, budget = p.Plan(frame, math.Inf(1))
		p.Done(math.Inf(1), 0.1, 0.001)
		p.Busy(work + budget)
		frame = max(work+budget, gpu)
	}
	return budget, frame
}

// TestPacerDefendsFrameRate: frames slower than MinFPS because of the
// page's own work shrink the budget until the frame rate is back (or the
// budget is at its minimum); frames slow while the page's thread idles
// do not, and grow it; fast frames grow it back to MaxBudget.
func TestPacerDefendsFrameRate(t *testing.T) {
	slow := time.Second / 30
	ms := time.Millisecond
	p := NewPacer()
	b, f := frames(p, 300, 25*ms, 10*ms)
	if f > slow || b < 3*ms {
		t.Errorf("drawing 25 ms: budget %v, frame %v; want the frame under %v with a budget of 3 ms or more", b, f, slow)
	}
	b, f = frames(p, 300, 31*ms, 10*ms)
	if b != p.MinBudget {
		t.Errorf("drawing 31 ms: budget %v (frame %v), want the minimum %v", b, f, p.MinBudget)
	}
	b, _ = frames(p, 600, 5*ms, 10*ms)
	if b != p.MaxBudget {
		t.Errorf("drawing 5 ms: budget %v, want the maximum %v", b, p.MaxBudget)
	}
	b, _ = frames(p, 300, 5*ms, 100*ms)
	if b != p.MaxBudget {
		t.Errorf("a graphics process taking 100 ms a frame: budget %v, want it held at %v", b, p.MaxBudget)
	}
	p.budget = p.MinBudget
	b, _ = frames(p, 300, 5*ms, 100*ms)
	if b != p.MaxBudget {
		t.Errorf("a graphics process taking 100 ms a frame and an idle page: budget %v, want it grown to %v", b, p.MaxBudget)
	}
	// Between the two thresholds the budget holds.
	p.budget = 7 * ms
	p.frame, p.busy = 1.0/32, 1.0/32
	_, b = p.Plan(time.Second/32, 1)
	if b != 7*ms {
		t.Errorf("budget moved to %v at 32 fps, want it held at 7ms", b)
	}
}

// TestPacerMeasures: Rate and FPS report the simulated seconds and frames
// per wall-clock second over half-second windows.
func TestPacerMeasures(t *testing.T) {
	p := NewPacer()
	for range 60 {
		owed, _ := p.Plan(frame60, 4)
		p.Done(owed, owed, 0.001)
	}
	if math.Abs(p.Rate()-4) > 1e-6 || math.Abs(p.FPS()-60) > 1e-4 {
		t.Errorf("rate %v, fps %v; want 4 and 60", p.Rate(), p.FPS())
	}
	p.Reset()
	if p.Rate() != 0 || p.FPS() != 0 {
		t.Errorf("after Reset rate %v, fps %v; want 0", p.Rate(), p.FPS())
	}
}
