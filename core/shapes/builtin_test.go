package shapes

import (
	"math"
	"strings"
	"testing"
)

// builtinSamples is the number of samples the built-in checks draw, the
// 5000 steps of a 5 s trial at dt = 1 ms.
const builtinSamples = 5000

// TestBuiltins checks that every built-in drawing parses, is one closed
// outline, and samples to finite, normalised, evenly spaced points.
func TestBuiltins(t *testing.T) {
	names := Names()
	if len(names) < 2 || names[0] != "turtle" {
		t.Fatalf("Names() = %v, want the turtle first and at least one more", names)
	}
	for _, name := range names {
		p, err := Builtin(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(p.Subpaths) != 1 || !p.Subpaths[0].Closed {
			t.Errorf("%s: %d subpaths (closed: %v), want one closed outline",
				name, len(p.Subpaths), len(p.Subpaths) > 0 && p.Subpaths[0].Closed)
		}

		pts := p.Sample(builtinSamples)
		var m float64
		for i, q := range pts {
			if !finite(q) {
				t.Fatalf("%s: sample %d is %v", name, i, q)
			}
			m = math.Max(m, math.Max(math.Abs(q[0]), math.Abs(q[1])))
		}
		if math.Abs(m-1) > 1e-12 {
			t.Errorf("%s: largest |coordinate| %v, want 1", name, m)
		}

		// Consecutive samples, including the step from the last back to
		// the first, are at most one arc-length step apart (the chord is
		// shorter than its arc at bends) and at least a quarter of one:
		// a chord cutting a corner of angle θ is at least sin(θ/2) of the
		// step, 0.31 at the star's 36° points, the sharpest corners here.
		d := spacings(pts, true)
		step := p.Length() / builtinSamples * scaleOf(p, pts)
		for i, x := range d {
			if x > step*(1+1e-6) || x < step/4 {
				t.Errorf("%s: spacing %d is %v, want within [%v, %v]", name, i, x, step/4, step)
				break
			}
		}
	}
}

// scaleOf returns the factor from the drawing's units to the normalised
// units of pts, from the first two samples' raw positions.
func scaleOf(p Path, pts []Point) float64 {
	raw := p.samplePoints(len(pts))
	return dist(pts[0], pts[1]) / dist(raw[0], raw[1])
}

// turnReversals counts how often a closed polyline's turning direction
// changes sign, ignoring turns under minTurn radians (the nearly straight
// runs, whose sign is noise). It is 0 for any convex loop such as a circle,
// and grows with each lobe, bump or notch of an outline.
func turnReversals(pts []Point, minTurn float64) int {
	n := len(pts)
	var signs []int
	for i := range n {
		a, b, c := pts[(i+n-1)%n], pts[i], pts[(i+1)%n]
		u := Point{b[0] - a[0], b[1] - a[1]}
		v := Point{c[0] - b[0], c[1] - b[1]}
		turn := math.Atan2(u[0]*v[1]-u[1]*v[0], u[0]*v[0]+u[1]*v[1])
		switch {
		case turn > minTurn:
			signs = append(signs, 1)
		case turn < -minTurn:
			signs = append(signs, -1)
		}
	}
	count := 0
	for i := range signs {
		if signs[i] != signs[(i+1)%len(signs)] {
			count++
		}
	}
	return count
}

// TestTurtleOutline checks that the turtle is a detailed outline rather
// than a blob: its turning direction reverses at least 30 times along the
// outline (each of the 16 shell scutes gives two reversals, the flippers,
// neck and tail more), where a circle gives none and the five-pointed star
// ten. It also checks the left–right symmetry of the drawing.
func TestTurtleOutline(t *testing.T) {
	const minTurn = 1e-3 // radians per step of 1/2000 of the outline
	turtle, _ := Builtin("turtle")
	got := turnReversals(turtle.Sample(2000), minTurn)
	if got < 30 {
		t.Errorf("the turtle's turning reverses %d times, want at least 30", got)
	}

	circle := mustParse(t, "M 1 0 A 1 1 0 0 1 -1 0 A 1 1 0 0 1 1 0 Z")
	if c := turnReversals(circle.Sample(2000), minTurn); c != 0 {
		t.Errorf("the measure counts %d reversals on a circle, want 0", c)
	}
	star, _ := Builtin("star")
	if s := turnReversals(star.Sample(2000), minTurn); s != 10 {
		t.Errorf("the measure counts %d reversals on the star, want 10", s)
	}

	// Mirrored in x about the mean, the turtle's samples match the
	// outline: every mirrored sample lies within two steps of a sample.
	pts := turtle.Sample(2000)
	step := 2 * dist(pts[0], pts[1])
	for i, q := range pts {
		mq := Point{-q[0], q[1]}
		best := math.Inf(1)
		for _, r := range pts {
			best = math.Min(best, dist(mq, r))
		}
		if best > step {
			t.Fatalf("the mirror image of sample %d (%v) is %v from the outline", i, q, best)
		}
	}
}

// TestBuiltinUnknown checks that an unknown name lists the known ones.
func TestBuiltinUnknown(t *testing.T) {
	_, err := Builtin("dragon")
	if err == nil {
		t.Fatal("no error for an unknown drawing")
	}
	for _, name := range append(Names(), `"dragon"`) {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the error %q does not mention %s", err, name)
		}
	}
}
