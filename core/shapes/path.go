package shapes

import (
	"math"
)

// Point is a point of the plane, (x, y), in the coordinates of the drawing.
type Point = [2]float64

// Segment is one piece of a subpath in absolute coordinates: a Line, a Quad, a
// Cubic or an Arc. It is parametrised over t ∈ [0, 1] from Start to End.
type Segment interface {
	// Start returns the point at t = 0.
	Start() Point
	// End returns the point at t = 1.
	End() Point
	// At returns the point at parameter t ∈ [0, 1].
	At(t float64) Point

	// pieces returns how many equal steps of t make the chords of the
	// segment lie within tol of it.
	pieces(tol float64) int
}

// Line is the straight segment from From to To.
type Line struct{ From, To Point }

// Quad is the quadratic Bézier curve
//
//	B(t) = (1−t)²·From + 2t(1−t)·Ctrl + t²·To.
type Quad struct{ From, Ctrl, To Point }

// Cubic is the cubic Bézier curve
//
//	B(t) = (1−t)³·From + 3t(1−t)²·Ctrl1 + 3t²(1−t)·Ctrl2 + t³·To.
type Cubic struct{ From, Ctrl1, Ctrl2, To Point }

// Arc is a piece of an ellipse in centre form,
//
//	A(t) = Center + R(Phi)·(Rx cos θ, Ry sin θ),   θ = Theta1 + t·DeltaTheta,
//
// with R(Phi) the rotation by Phi radians. DeltaTheta is positive for arcs
// swept in the direction of increasing angle (SVG's sweep flag 1, clockwise
// on screen because y grows downwards). From and To are the end points as
// written in the path data; At returns them exactly at t = 0 and t = 1.
type Arc struct {
	From, To           Point
	Center             Point
	Rx, Ry             float64
	Phi                float64
	Theta1, DeltaTheta float64
}

// Subpath is a run of connected segments, each starting where the previous
// one ends (a gap, possible only in a hand-built Subpath, is bridged by a
// straight line). Closed records that the path data closed it with Z; the
// closing line, when it has length, is the last segment.
type Subpath struct {
	Segments []Segment
	Closed   bool
}

// Path is a drawing: its subpaths in drawing order. The pen is lifted
// between subpaths, so those jumps are not part of the drawing's length.
type Path struct {
	Subpaths []Subpath
}

// Start implements Segment.
func (l Line) Start() Point { return l.From }

// End implements Segment.
func (l Line) End() Point { return l.To }

// At implements Segment.
func (l Line) At(t float64) Point {
	switch t {
	case 0:
		return l.From
	case 1:
		return l.To
	}
	return lerp(l.From, l.To, t)
}

func (Line) pieces(float64) int { return 1 }

// Start implements Segment.
func (q Quad) Start() Point { return q.From }

// End implements Segment.
func (q Quad) End() Point { return q.To }

// At implements Segment.
func (q Quad) At(t float64) Point {
	switch t {
	case 0:
		return q.From
	case 1:
		return q.To
	}
	s := 1 - t
	a, b, c := s*s, 2*s*t, t*t
	return Point{
		a*q.From[0] + b*q.Ctrl[0] + c*q.To[0],
		a*q.From[1] + b*q.Ctrl[1] + c*q.To[1],
	}
}

// pieces bounds |B″| = 2|From − 2·Ctrl + To|.
func (q Quad) pieces(tol float64) int {
	d := math.Hypot(q.From[0]-2*q.Ctrl[0]+q.To[0], q.From[1]-2*q.Ctrl[1]+q.To[1])
	return stepsFor(2*d, tol)
}

// Start implements Segment.
func (c Cubic) Start() Point { return c.From }

// End implements Segment.
func (c Cubic) End() Point { return c.To }

// At implements Segment.
func (c Cubic) At(t float64) Point {
	switch t {
	case 0:
		return c.From
	case 1:
		return c.To
	}
	s := 1 - t
	a, b, d, e := s*s*s, 3*s*s*t, 3*s*t*t, t*t*t
	return Point{
		a*c.From[0] + b*c.Ctrl1[0] + d*c.Ctrl2[0] + e*c.To[0],
		a*c.From[1] + b*c.Ctrl1[1] + d*c.Ctrl2[1] + e*c.To[1],
	}
}

// pieces bounds |B″(t)| = 6|(1−t)·(P0 − 2P1 + P2) + t·(P1 − 2P2 + P3)| by its
// larger end value, since the expression is linear in t.
func (c Cubic) pieces(tol float64) int {
	d1 := math.Hypot(c.From[0]-2*c.Ctrl1[0]+c.Ctrl2[0], c.From[1]-2*c.Ctrl1[1]+c.Ctrl2[1])
	d2 := math.Hypot(c.Ctrl1[0]-2*c.Ctrl2[0]+c.To[0], c.Ctrl1[1]-2*c.Ctrl2[1]+c.To[1])
	return stepsFor(6*math.Max(d1, d2), tol)
}

// Start implements Segment.
func (a Arc) Start() Point { return a.From }

// End implements Segment.
func (a Arc) End() Point { return a.To }

// At implements Segment.
func (a Arc) At(t float64) Point {
	switch t {
	case 0:
		return a.From
	case 1:
		return a.To
	}
	th := a.Theta1 + t*a.DeltaTheta
	x, y := a.Rx*math.Cos(th), a.Ry*math.Sin(th)
	sp, cp := math.Sincos(a.Phi)
	return Point{cp*x - sp*y + a.Center[0], sp*x + cp*y + a.Center[1]}
}

// pieces bounds |A″(t)| by Δθ²·max(Rx, Ry), with Δθ = DeltaTheta.
func (a Arc) pieces(tol float64) int {
	r := math.Max(a.Rx, a.Ry)
	return stepsFor(a.DeltaTheta*a.DeltaTheta*r, tol)
}

// maxPieces caps the chords of one segment, so that absurd path data cannot
// exhaust memory; no segment of a sensible drawing comes near it at the
// tolerance Sample uses.
const maxPieces = 1 << 16

// stepsFor returns the number n of equal parameter steps for which chords
// stay within tol of a curve whose second derivative (with respect to
// t ∈ [0, 1]) is bounded by d2. Linear interpolation over a step h deviates
// from the curve by at most h²/8·max|B″|, so n = ⌈√(d2 / (8·tol))⌉.
func stepsFor(d2, tol float64) int {
	n := math.Ceil(math.Sqrt(d2 / (8 * tol)))
	switch {
	case !(n >= 1): // also NaN
		return 1
	case n > maxPieces:
		return maxPieces
	}
	return int(n)
}

func lerp(a, b Point, t float64) Point {
	return Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}

// flatTolerance is the chord tolerance of Length and Sample relative to the
// drawing's extent (see extent).
const flatTolerance = 1e-6

// closeFraction is how near, as a fraction of the chord tolerance (so 1e-9
// of the extent), the end of a drawing must come to its start for Sample to
// treat it as a closed loop.
const closeFraction = 1e-3

// minTolerance is the smallest chord tolerance used, the smallest normal
// float64, for drawings so small that 1e-6 of their extent underflows.
const minTolerance = 0x1p-1022

// tolerance returns the chord tolerance of Length and Sample for the drawing,
// or false for a drawing with no extent.
func (p Path) tolerance() (float64, bool) {
	ext := p.extent()
	if !(ext > 0) {
		return 0, false
	}
	return math.Max(flatTolerance*ext, minTolerance), true
}

// extentSteps is the number of parameter steps at which extent evaluates
// every segment.
const extentSteps = 32

// extent returns the larger side of the bounding box of the drawing,
// estimated from every segment evaluated at extentSteps+1 parameters. It
// only scales the chord tolerance, so missing the bulge of a 1/32 piece of a
// curve (under 0.5 % of an arc's radius) does not matter.
func (p Path) extent() float64 {
	lo := Point{math.Inf(1), math.Inf(1)}
	hi := Point{math.Inf(-1), math.Inf(-1)}
	for _, sp := range p.Subpaths {
		for _, s := range sp.Segments {
			for k := 0; k <= extentSteps; k++ {
				q := s.At(float64(k) / extentSteps)
				for i := range 2 {
					lo[i] = math.Min(lo[i], q[i])
					hi[i] = math.Max(hi[i], q[i])
				}
			}
		}
	}
	if lo[0] > hi[0] {
		return 0
	}
	return math.Max(hi[0]-lo[0], hi[1]-lo[1])
}

// Flatten returns the drawing as polylines, one per subpath with segments,
// whose chords lie within tol of the curves. Each polyline starts at its
// subpath's first point and ends at its last; a closed subpath ends where it
// started. Flatten panics if tol is not positive.
func (p Path) Flatten(tol float64) [][]Point {
	if !(tol > 0) {
		panic("shapes: Flatten needs a positive tolerance")
	}
	var out [][]Point
	for _, sp := range p.Subpaths {
		var line []Point
		for _, s := range sp.Segments {
			if len(line) == 0 || line[len(line)-1] != s.Start() {
				line = append(line, s.Start())
			}
			n := s.pieces(tol)
			for k := 1; k <= n; k++ {
				line = append(line, s.At(float64(k)/float64(n)))
			}
		}
		if len(line) > 0 {
			out = append(out, line)
		}
	}
	return out
}

// Length returns the length of the drawing, the sum of the lengths of its
// subpaths, measured along the chords that Sample follows. Chords within δ of
// a curve with radius of curvature r shorten it by at most the fraction
// δ/(3r); with δ = 1e-6 of the extent that is under 1e-6 for a circle
// spanning the drawing.
func (p Path) Length() float64 {
	tol, ok := p.tolerance()
	if !ok {
		return 0
	}
	var total float64
	for _, line := range p.Flatten(tol) {
		for i := 1; i < len(line); i++ {
			total += dist(line[i-1], line[i])
		}
	}
	return total
}

func dist(a, b Point) float64 { return math.Hypot(b[0]-a[0], b[1]-a[1]) }

// Sample returns n points spaced uniformly along the drawing and normalised
// as the trajectory-learning target.
//
// With L the length of the drawing (pen-up jumps between subpaths do not
// count), point i lies at arc length s_i = i·Δ from the start, i = 0 … n−1.
// A closed drawing, one whose end meets its start, is a loop, and Δ = L/n:
// the point after the last would be the first again, so the samples repeat
// seamlessly. An open drawing has Δ = L/(n−1), so its last point is its end.
// The curves are followed through chords within 1e-6 of the extent of the
// drawing. A sample that falls exactly where one subpath ends and the next
// begins is placed at the end of the earlier one.
//
// The points (x_i, y_i) are then normalised to
//
//	x̃_i = (x_i − x̄)/m,   ỹ_i = −(y_i − ȳ)/m,
//	m = max_j max(|x_j − x̄|, |y_j − ȳ|),
//
// with (x̄, ȳ) the mean of the samples: centred, scaled so that the largest
// absolute coordinate is 1, and flipped so that y grows upwards (SVG's y
// grows downwards). A drawing of zero length, or n = 1, gives points at the
// origin. Sample panics if n < 1.
func (p Path) Sample(n int) []Point {
	pts := p.samplePoints(n)

	var mx, my float64
	for i, q := range pts {
		// A running mean cannot overflow where a sum could.
		mx += (q[0] - mx) / float64(i+1)
		my += (q[1] - my) / float64(i+1)
	}
	var m float64
	for i, q := range pts {
		pts[i] = Point{q[0] - mx, q[1] - my}
		m = math.Max(m, math.Max(math.Abs(pts[i][0]), math.Abs(pts[i][1])))
	}
	for i, q := range pts {
		if m > 0 {
			pts[i] = Point{q[0] / m, -q[1] / m}
		} else {
			pts[i] = Point{}
		}
	}
	return pts
}

// samplePoints returns the n points of Sample before normalisation.
func (p Path) samplePoints(n int) []Point {
	if n < 1 {
		panic("shapes: Sample needs at least one point")
	}
	out := make([]Point, n)
	tol, ok := p.tolerance()
	if !ok {
		return out
	}
	lines := p.Flatten(tol)

	// The chords of all subpaths, end to end, with the arc length at the
	// start of each; zero-length chords are left out.
	type chord struct {
		a, b   Point
		s0, ds float64
	}
	var chords []chord
	var total float64
	for _, line := range lines {
		for i := 1; i < len(line); i++ {
			ds := dist(line[i-1], line[i])
			if ds > 0 {
				chords = append(chords, chord{line[i-1], line[i], total, ds})
				total += ds
			}
		}
	}
	if len(chords) == 0 {
		return out
	}

	first := lines[0][0]
	last := lines[len(lines)-1][len(lines[len(lines)-1])-1]
	step := total / float64(n)
	if dist(first, last) > closeFraction*tol && n > 1 {
		step = total / float64(n-1)
	}
	k := 0
	for i := range out {
		s := float64(i) * step
		for k < len(chords)-1 && chords[k].s0+chords[k].ds < s {
			k++
		}
		c := chords[k]
		t := math.Min(math.Max((s-c.s0)/c.ds, 0), 1)
		out[i] = lerp(c.a, c.b, t)
	}
	return out
}
