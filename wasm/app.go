//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"bcp/wasm/demo"
)

// noteFor is how long a note (a rejected setting, say) stays on screen.
const noteFor = 6 * time.Second

// app is the ebiten game: one running demo, its pacing and the bridge to
// the page.
type app struct {
	params  demo.Params
	d       *demo.Demo
	pacer   *demo.Pacer
	paused  bool
	pending int // steps still to take for step commands while paused
	frames  int
	last    time.Time
	// frameStart is when the frame's Update began; Update and Draw
	// together are the frame's work on the page's thread.
	frameStart time.Time
	message    string
	noteEnd    time.Time

	bridge  *bridge
	painter *painter
	scale   float64 // device pixels per CSS pixel

	// Smoothed wall-clock milliseconds per frame spent simulating and
	// drawing (for window.bcp and the tests).
	simMs, drawMs float64
}

// newApp builds the demo of p and the bridge to the page.
func newApp(p demo.Params) (*app, error) {
	d, err := demo.New(p)
	if err != nil {
		return nil, err
	}
	a := &app{params: p, d: d, pacer: demo.NewPacer(), paused: !p.Autoplay, scale: 1}
	a.bridge = newBridge()
	a.painter = newPainter()
	return a, nil
}

// note shows a message for a few seconds.
func (a *app) note(msg string) {
	a.message = msg
	a.noteEnd = time.Now().Add(noteFor)
}

// rebuild starts the demo of p from the beginning; on failure the running
// demo stays and the reason is shown.
func (a *app) rebuild(p demo.Params) {
	d, err := demo.New(p)
	if err != nil {
		a.note(err.Error())
		return
	}
	a.params, a.d, a.pending = p, d, 0
	a.pacer.Reset()
}

// Update runs the commands from the page and then the simulation for at
// most the frame's budget.
func (a *app) Update() error {
	now := time.Now()
	a.frameStart = now
	wall := time.Second / 60
	if !a.last.IsZero() {
		wall = now.Sub(a.last)
	}
	a.last = now

	for _, c := range a.bridge.take() {
		if err := a.run(c); err != nil {
			a.note(err.Error())
		}
	}

	dt := a.d.DT()
	speed := a.params.Speed
	if a.paused {
		speed = 0
	}
	owed, budget := a.pacer.Plan(wall, speed)
	steps := 0
	switch {
	case a.paused && a.pending > 0:
		steps = a.pending
	case a.paused:
	case math.IsInf(owed, 1):
		steps = math.MaxInt32
	default:
		steps = int(owed/dt + 1e-9)
	}
	ran := 0
	start := time.Now()
	if steps > 0 {
		ran = a.d.Advance(steps, func() bool { return time.Since(start) >= budget })
	}
	took := time.Since(start)
	if a.paused {
		a.pending = max(0, a.pending-ran)
		owed = 0
	}
	a.pacer.Done(owed, float64(ran)*dt, dt)
	a.simMs += 0.1 * (float64(took.Microseconds())/1000 - a.simMs)
	if a.message != "" && now.After(a.noteEnd) {
		a.message = ""
	}
	a.bridge.publish(a)
	return nil
}

// run carries out one command from the page.
func (a *app) run(c command) error {
	p := a.params
	switch c.name {
	case "play":
		a.paused, a.pending = false, 0
	case "pause":
		a.paused = true
	case "toggle":
		a.paused, a.pending = !a.paused, 0
	case "step":
		a.paused = true
		a.pending += a.d.StepsPerTrial() / 10
	case "reset":
		a.rebuild(p)
	case "speed":
		switch c.arg {
		case "faster":
			p.Speed = demo.Faster(p.Speed)
		case "slower":
			p.Speed = demo.Slower(p.Speed)
		default:
			v, err := demo.ParseSpeed(c.arg)
			if err != nil {
				return err
			}
			p.Speed = v
		}
		a.params.Speed = p.Speed
		a.d.Params.Speed = p.Speed
	case "seed":
		v, err := demo.ParseSeed(c.arg)
		if err != nil {
			return err
		}
		p.Seed = v
		a.rebuild(p)
	case "overlap":
		v, err := demo.ParseOverlap(c.arg)
		if err != nil {
			return err
		}
		p.Overlap = v
		a.rebuild(p)
	case "feedback":
		v, err := demo.ParseFeedback(c.arg)
		if err != nil {
			return err
		}
		p.Feedback = v
		a.rebuild(p)
	case "shape":
		q, err := demo.ParseQuery("demo=traj&shape=" + c.arg)
		if err != nil {
			return err
		}
		p.Shape = q.Shape
		a.rebuild(p)
	case "learning":
		on := !a.params.Learning
		switch c.arg {
		case "1", "on":
			on = true
		case "0", "off":
			on = false
		}
		a.params.Learning = on
		a.d.SetLearning(on)
	case "demo":
		k, err := demo.ParseKind(c.arg)
		if err != nil {
			return err
		}
		if k == p.Demo {
			return nil
		}
		q := demo.DefaultParams(k)
		q.Seed, q.Overlap, q.Feedback, q.Learning = p.Seed, p.Overlap, p.Feedback, p.Learning
		q.Autoplay, q.Controls, q.Shape = p.Autoplay, p.Controls, p.Shape
		a.rebuild(q)
		ebiten.SetWindowTitle(k.Title())
	default:
		return fmt.Errorf("command %q is not known", c.name)
	}
	return nil
}

// Draw draws the demo's panels and the header.
func (a *app) Draw(screen *ebiten.Image) {
	start := time.Now()
	a.frames++
	v := a.d.View()
	w, h := screen.Bounds().Dx(), screen.Bounds().Dy()
	a.painter.draw(screen, v, a.header(), float64(w), float64(h), a.scale, a.bridge.inset()*a.scale)
	end := time.Now()
	a.drawMs += 0.1 * (float64(end.Sub(start).Microseconds())/1000 - a.drawMs)
	a.pacer.Busy(end.Sub(a.frameStart))
}

// header returns the lines above the panels: the state of the run on the
// right of the title and the settings on the right of the status line.
func (a *app) header() header {
	var run strings.Builder
	if a.paused {
		run.WriteString("paused")
	} else {
		run.WriteString("running")
	}
	fmt.Fprintf(&run, " · speed %s", speedLabel(a.params.Speed))
	fmt.Fprintf(&run, " · %.1f sim-s/s · %.0f fps", a.pacer.Rate(), a.pacer.FPS())
	learn := "on"
	if !a.params.Learning {
		learn = "off"
	}
	settings := fmt.Sprintf("seed %d · overlap %g %% · feedback %s · learning %s",
		a.params.Seed, a.params.Overlap, a.params.Feedback, learn)
	return header{run: run.String(), settings: settings, message: a.message}
}

// speedLabel writes a speed for people: "max" or "5 s/s".
func speedLabel(v float64) string {
	if math.IsInf(v, 1) {
		return "max"
	}
	return demo.FormatSpeed(v) + " s/s"
}

// Layout is LayoutF for integer sizes; ebiten calls LayoutF.
func (a *app) Layout(w, h int) (int, int) {
	fw, fh := a.LayoutF(float64(w), float64(h))
	return int(fw), int(fh)
}

// LayoutF returns the canvas size in device pixels, so that lines and text
// are sharp on high-DPI screens.
func (a *app) LayoutF(w, h float64) (float64, float64) {
	s := ebiten.Monitor().DeviceScaleFactor()
	if !(s > 0) {
		s = 1
	}
	a.scale = s
	return math.Ceil(w * s), math.Ceil(h * s)
}
