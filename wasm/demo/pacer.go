package demo

import (
	"math"
	"time"
)

// Pacer holds simulated time to wall-clock time and bounds the simulation
// work of each frame, so that the page keeps drawing at MinFPS or more: a
// frame owes speed × (wall-clock time since the last frame) of simulated
// time and may spend at most the current budget on it. Whatever does not fit
// is dropped, so a slow machine shows the network learning more slowly, not
// stuttering.
//
// The budget adapts to what limits the frame rate. When frames come slower
// than MinFPS while the page's own work (simulating and drawing, reported
// by Busy) fills most of each frame, the budget shrinks, down to
// MinBudget. When frames are slow while the page's thread is mostly idle,
// something else sets the pace (a busy graphics process, software WebGL
// drawing the previous frame), shrinking would cost simulated time and win
// no frames, and the budget holds. While frames come fast enough, or the
// page's thread idles for half of each, it grows back to MaxBudget.
//
// At speed "max" (+Inf) a frame simulates for its whole budget.
type Pacer struct {
	MaxBudget time.Duration // the most simulation time per frame
	MinBudget time.Duration // the least, however slow the frames
	MinFPS    float64       // the frame rate the budget defends
	MaxFrame  time.Duration // longer gaps between frames (a hidden tab) count as this long

	budget time.Duration
	carry  float64 // simulated seconds owed by earlier frames, less than one frame's worth
	frame  float64 // smoothed frame interval, seconds
	busy   float64 // smoothed time the page's thread works per frame, seconds

	// Measurement windows for Rate and FPS.
	winWall, winSim float64
	winFrames       int
	rate, fps       float64
}

// NewPacer returns a Pacer with a budget of 18 ms per frame (at least 2 ms),
// defending 30 frames per second.
func NewPacer() *Pacer {
	return &Pacer{MaxBudget: 18 * time.Millisecond, MinBudget: 2 * time.Millisecond,
		MinFPS: 30, MaxFrame: 100 * time.Millisecond}
}

// Budget returns the current simulation time budget per frame.
func (p *Pacer) Budget() time.Duration {
	if p.budget == 0 {
		return p.MaxBudget
	}
	return p.budget
}

// Plan starts a frame that comes wall after the previous one, at the given
// speed (simulated seconds per wall-clock second; +Inf for max), and
// returns the simulated seconds the frame owes (+Inf at max) and the
// wall-clock budget for simulating them.
func (p *Pacer) Plan(wall time.Duration, speed float64) (owed float64, budget time.Duration) {
	wall = min(max(wall, 0), p.MaxFrame)
	w := wall.Seconds()
	if p.frame == 0 {
		p.frame = w
	}
	p.frame += 0.3 * (w - p.frame)
	b := p.Budget()
	slow := 1 / p.MinFPS
	switch {
	case p.frame > 0.97*slow && p.busy > 0.75*p.frame:
		// The page's own work makes the frames slow: give back part of
		// the excess, at most a tenth of the budget per frame.
		excess := time.Duration((p.frame - 0.9*slow) * float64(time.Second) / 2)
		b = max(p.MinBudget, b-min(excess, b/10))
	case p.frame < 0.9*slow || p.busy < 0.5*p.frame:
		// Frames come fast enough, or the page's thread idles for half
		// of each: simulate more.
		b = min(p.MaxBudget, b+b/10+100*time.Microsecond)
	}
	p.budget = b

	p.winWall += w
	p.winFrames++
	if math.IsInf(speed, 1) {
		p.carry = 0
		return math.Inf(1), b
	}
	return p.carry + speed*w, b
}

// Done ends the frame's simulation: it ran ran simulated seconds of the
// owed ones. A remainder smaller than one Euler step dt is carried over to
// the next frame; a larger one is dropped.
func (p *Pacer) Done(owed, ran, dt float64) {
	p.carry = 0
	if rest := owed - ran; rest > 0 && rest < dt {
		p.carry = rest
	}
	p.winSim += ran
	if p.winWall >= 0.5 {
		p.rate = p.winSim / p.winWall
		p.fps = float64(p.winFrames) / p.winWall
		p.winWall, p.winSim, p.winFrames = 0, 0, 0
	}
}

// Busy reports how long the page's thread worked on the last frame:
// simulating, drawing and everything else it did for the frame.
func (p *Pacer) Busy(d time.Duration) {
	if p.busy == 0 {
		p.busy = d.Seconds()
	}
	p.busy += 0.3 * (d.Seconds() - p.busy)
}

// Reset forgets the owed time and the measurements, as after a pause.
func (p *Pacer) Reset() {
	p.carry, p.frame, p.busy = 0, 0, 0
	p.winWall, p.winSim, p.winFrames = 0, 0, 0
	p.rate, p.fps = 0, 0
}

// Rate returns the simulated seconds per wall-clock second over the last
// half second or more.
func (p *Pacer) Rate() float64 { return p.rate }

// FPS returns the frames per second over the last half second or more.
func (p *Pacer) FPS() float64 { return p.fps }
