package demo

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"bcp/core/online"
	"bcp/core/shapes"
)

// Kind names one of the demos; the names are those of the query string.
type Kind string

// The demos, in the order of the gallery and of the keys 1–4.
const (
	Traj     Kind = "traj"     // trajectory learning
	FearCond Kind = "fearcond" // fear conditioning
	Motor    Kind = "motor"    // motor learning (a lever press)
	Assembly Kind = "assembly" // a single assembly
)

// Kinds returns the demos in gallery order.
func Kinds() []Kind { return []Kind{Traj, FearCond, Motor, Assembly} }

// ParseKind returns the demo called s, or the demo numbered s (1–4).
func ParseKind(s string) (Kind, error) {
	for i, k := range Kinds() {
		if s == string(k) || s == strconv.Itoa(i+1) {
			return k, nil
		}
	}
	return "", fmt.Errorf("demo %q is not known; use traj, fearcond, motor or assembly", s)
}

// Title returns the human name of the demo.
func (k Kind) Title() string {
	switch k {
	case Traj:
		return "Trajectory learning"
	case FearCond:
		return "Fear conditioning"
	case Motor:
		return "Motor learning"
	case Assembly:
		return "A single assembly"
	}
	return string(k)
}

// Task returns the online experiment the demo runs.
func (k Kind) Task() online.Task { return online.Task(k) }

// Speed steps offered by the controls, in simulated seconds per wall-clock
// second; the last, +Inf, is "max": as fast as the frame budget allows.
var speedSteps = []float64{0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, math.Inf(1)}

// SpeedSteps returns the speeds the controls step through, slowest first;
// the last is +Inf ("max").
func SpeedSteps() []float64 { return slices.Clone(speedSteps) }

// ParseSpeed reads a speed: a positive number of simulated seconds per
// wall-clock second, or "max".
func ParseSpeed(s string) (float64, error) {
	if s == "max" {
		return math.Inf(1), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("speed %q is not a positive number of simulated seconds per second or max", s)
	}
	return v, nil
}

// FormatSpeed writes a speed as ParseSpeed reads it.
func FormatSpeed(v float64) string {
	if math.IsInf(v, 1) {
		return "max"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// Faster returns the next speed step above v ("max" stays "max").
func Faster(v float64) float64 {
	for _, s := range speedSteps {
		if s > v*1.0001 {
			return s
		}
	}
	return math.Inf(1)
}

// Slower returns the next speed step below v (the slowest stays).
func Slower(v float64) float64 {
	for i := len(speedSteps) - 1; i >= 0; i-- {
		if speedSteps[i] < v*0.9999 {
			return speedSteps[i]
		}
	}
	return speedSteps[0]
}

// MaxOverlap is the largest assembly overlap, in percent, the controls
// accept.
const MaxOverlap = 90

// Params are the settings of a demo, as in the query string
// ?demo=traj&seed=3&speed=8&autoplay=1&controls=0.
type Params struct {
	Demo     Kind    // demo
	Seed     uint64  // seed: memberships, weights and task structure
	Speed    float64 // speed: simulated seconds per wall-clock second; +Inf is max
	Autoplay bool    // autoplay: run at once (1) or start paused (0)
	Controls bool    // controls: show the control bar (1) or only the canvas (0)
	Overlap  float64 // overlap: percentage of neurons shared between assemblies, 0–90
	Feedback string  // feedback: aligned, random-ensemble, random-neuron, global or none
	Learning bool    // learning: plasticity on (1) or off (0)
	Shape    string  // shape: the drawing of the trajectory demo (turtle, butterfly, heart, star)
}

// DefaultSpeed returns the speed a demo starts at: fast enough to see it
// learn, slow enough to follow a trial.
func DefaultSpeed(k Kind) float64 {
	switch k {
	case Traj:
		return 5
	case FearCond:
		return 5
	case Motor:
		return 8
	}
	return 2
}

// DefaultParams returns the settings of demo k without a query string.
func DefaultParams(k Kind) Params {
	return Params{Demo: k, Speed: DefaultSpeed(k), Autoplay: true, Controls: true,
		Feedback: "aligned", Learning: true, Shape: "turtle"}
}

// parseBool reads 1/0, true/false, on/off and yes/no.
func parseBool(name, s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "true", "on", "yes":
		return true, nil
	case "0", "false", "off", "no":
		return false, nil
	}
	return false, fmt.Errorf("%s=%q must be 1 or 0", name, s)
}

// ParseOverlap reads an overlap percentage in [0, MaxOverlap].
func ParseOverlap(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v >= 0 && v <= MaxOverlap) {
		return 0, fmt.Errorf("overlap %q must be a percentage from 0 to %d", s, MaxOverlap)
	}
	return v, nil
}

// ParseFeedback checks a feedback mode.
func ParseFeedback(s string) (string, error) {
	if slices.Contains(online.FeedbackModes(), s) {
		return s, nil
	}
	return "", fmt.Errorf("feedback %q is not known; use one of %s", s,
		strings.Join(online.FeedbackModes(), ", "))
}

// ParseSeed reads a seed, a non-negative integer.
func ParseSeed(s string) (uint64, error) {
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("seed %q must be a non-negative whole number", s)
	}
	return v, nil
}

// ParseQuery reads demo settings from a query string (with or without the
// leading "?"). Settings that are missing keep their defaults; a setting
// that cannot be read keeps its default too, and the error says which, so
// a mistyped link still shows a demo.
func ParseQuery(q string) (Params, error) {
	vals, err := url.ParseQuery(strings.TrimPrefix(q, "?"))
	if err != nil {
		return DefaultParams(Traj), fmt.Errorf("the query string %q cannot be read: %v", q, err)
	}
	var errs []error
	k := Traj
	if s := vals.Get("demo"); s != "" {
		if k, err = ParseKind(s); err != nil {
			errs = append(errs, err)
			k = Traj
		}
	}
	p := DefaultParams(k)
	for name, list := range vals {
		s := list[len(list)-1]
		var err error
		switch name {
		case "demo":
		case "seed":
			var v uint64
			if v, err = ParseSeed(s); err == nil {
				p.Seed = v
			}
		case "speed":
			var v float64
			if v, err = ParseSpeed(s); err == nil {
				p.Speed = v
			}
		case "autoplay":
			var v bool
			if v, err = parseBool(name, s); err == nil {
				p.Autoplay = v
			}
		case "controls":
			var v bool
			if v, err = parseBool(name, s); err == nil {
				p.Controls = v
			}
		case "learning":
			var v bool
			if v, err = parseBool(name, s); err == nil {
				p.Learning = v
			}
		case "overlap":
			var v float64
			if v, err = ParseOverlap(s); err == nil {
				p.Overlap = v
			}
		case "feedback":
			var v string
			if v, err = ParseFeedback(s); err == nil {
				p.Feedback = v
			}
		case "shape":
			if _, err = shapes.Builtin(s); err == nil {
				p.Shape = s
			}
		default:
			err = fmt.Errorf("query parameter %q is not known and is ignored", name)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return p, errors.Join(errs...)
}

// Query writes p as a query string without the "?": the demo, then every
// setting that differs from the demo's defaults, in a fixed order.
func (p Params) Query() string {
	d := DefaultParams(p.Demo)
	var b strings.Builder
	add := func(name, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
	bit := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	add("demo", string(p.Demo))
	if p.Seed != d.Seed {
		add("seed", strconv.FormatUint(p.Seed, 10))
	}
	if p.Speed != d.Speed {
		add("speed", FormatSpeed(p.Speed))
	}
	if p.Autoplay != d.Autoplay {
		add("autoplay", bit(p.Autoplay))
	}
	if p.Controls != d.Controls {
		add("controls", bit(p.Controls))
	}
	if p.Overlap != d.Overlap {
		add("overlap", strconv.FormatFloat(p.Overlap, 'g', -1, 64))
	}
	if p.Feedback != d.Feedback {
		add("feedback", p.Feedback)
	}
	if p.Learning != d.Learning {
		add("learning", bit(p.Learning))
	}
	if p.Shape != d.Shape && p.Demo == Traj {
		add("shape", p.Shape)
	}
	return b.String()
}

// Config returns the experiment configuration of p: the published
// parameters of the demo's task with p's seed, overlap and feedback mode.
func (p Params) Config() online.Config {
	c := online.DefaultConfig(p.Demo.Task())
	c.Seed = p.Seed
	c.Overlap = p.Overlap
	if p.Feedback != "" {
		c.Feedback = p.Feedback
	}
	return c
}
