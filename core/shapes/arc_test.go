package shapes

import (
	"fmt"
	"math"
	"testing"
)

// onCurveTol is the tolerance for sampled points lying on an exact curve.
// Sample follows curves through chords within 1e-6 of the drawing's extent
// (here about 2), so 1e-4 leaves a wide margin yet catches any wrong centre,
// radius or direction.
const onCurveTol = 1e-4

// TestArcFlags draws the quarter-circle chord from (1, 0) to (0, 1) with
// radius 1 under all four flag combinations. The centre is (0, 0) or (1, 1);
// the angle grows for sweep = 1 and shrinks for sweep = 0, and the large arc
// covers 3π/2. The midpoints follow by hand from centre and start angle.
func TestArcFlags(t *testing.T) {
	const r2 = math.Sqrt2 / 2
	tests := []struct {
		large, sweep int
		center       Point
		dTheta       float64
		mid          Point
	}{
		{0, 1, Point{0, 0}, math.Pi / 2, Point{r2, r2}},
		{0, 0, Point{1, 1}, -math.Pi / 2, Point{1 - r2, 1 - r2}},
		{1, 1, Point{1, 1}, 3 * math.Pi / 2, Point{1 + r2, 1 + r2}},
		{1, 0, Point{0, 0}, -3 * math.Pi / 2, Point{-r2, -r2}},
	}
	for _, tc := range tests {
		d := fmt.Sprintf("M 1 0 A 1 1 0 %d %d 0 1", tc.large, tc.sweep)
		t.Run(d, func(t *testing.T) {
			p := mustParse(t, d)
			a := p.Subpaths[0].Segments[0].(Arc)
			if !near(a.Center, tc.center, 1e-12) || math.Abs(a.DeltaTheta-tc.dTheta) > 1e-12 {
				t.Errorf("centre %v sweep %v, want %v and %v", a.Center, a.DeltaTheta,
					tc.center, tc.dTheta)
			}

			// An open path of 101 samples: sample 50 is the midpoint by
			// arc length, and every sample lies on the circle.
			pts := p.samplePoints(101)
			for i, q := range pts {
				if r := dist(q, tc.center); math.Abs(r-1) > onCurveTol {
					t.Fatalf("sample %d at %v is %v from the centre, want 1", i, q, r)
				}
			}
			if !near(pts[50], tc.mid, onCurveTol) {
				t.Errorf("midpoint %v, want %v", pts[50], tc.mid)
			}
			if !near(pts[0], Point{1, 0}, exact) || !near(pts[100], Point{0, 1}, exact) {
				t.Errorf("ends %v and %v, want (1, 0) and (0, 1)", pts[0], pts[100])
			}
		})
	}
}

// TestArcRadiusScaling checks that radii too small to span the chord are
// scaled up: radius 1 for a chord of 10 becomes 5, a half circle about the
// chord's midpoint (5, 0). With sweep = 1 the angle grows from π through
// 3π/2, so the arc passes (5, −5); with sweep = 0 it passes (5, 5).
func TestArcRadiusScaling(t *testing.T) {
	for sweep, mid := range []Point{{5, 5}, {5, -5}} {
		p := mustParse(t, fmt.Sprintf("M 0 0 A 1 1 0 0 %d 10 0", sweep))
		a := p.Subpaths[0].Segments[0].(Arc)
		if math.Abs(a.Rx-5) > 1e-12 || math.Abs(a.Ry-5) > 1e-12 || !near(a.Center, Point{5, 0}, 1e-12) {
			t.Errorf("sweep %d: radii %v, %v about %v; want 5, 5 about (5, 0)",
				sweep, a.Rx, a.Ry, a.Center)
		}
		pts := p.samplePoints(101)
		for i, q := range pts {
			if r := dist(q, Point{5, 0}); math.Abs(r-5) > 5*onCurveTol {
				t.Fatalf("sweep %d: sample %d at %v is %v from the centre, want 5", sweep, i, q, r)
			}
		}
		if !near(pts[50], mid, 5*onCurveTol) {
			t.Errorf("sweep %d: midpoint %v, want %v", sweep, pts[50], mid)
		}
	}
}

// TestArcRotation checks the x-axis rotation: an ellipse with radii 2 and 1
// rotated by 90° has its long axis along y, so the arc from (0, −2) to
// (0, 2) is half of x² + y²/4 = 1. With sweep = 1 the angle grows from π to
// 2π and the point at 3π/2 is R(90°)·(0, −1) = (1, 0); with sweep = 0 the
// arc passes (−1, 0). Ignoring the rotation would give a different curve.
func TestArcRotation(t *testing.T) {
	for sweep, mid := range []Point{{-1, 0}, {1, 0}} {
		p := mustParse(t, fmt.Sprintf("M 0 -2 A 2 1 90 0 %d 0 2", sweep))
		pts := p.samplePoints(101)
		for i, q := range pts {
			if e := math.Hypot(q[0], q[1]/2); math.Abs(e-1) > onCurveTol {
				t.Fatalf("sweep %d: sample %d at %v is off the ellipse (%v)", sweep, i, q, e)
			}
		}
		if !near(pts[50], mid, onCurveTol) {
			t.Errorf("sweep %d: midpoint %v, want %v", sweep, pts[50], mid)
		}
	}

	// A rotation of 30° with the chord along the rotated long axis: the
	// arc is half an ellipse about the origin whatever the flags.
	c, s := math.Cos(math.Pi/6), math.Sin(math.Pi/6)
	p := mustParse(t, fmt.Sprintf("M %v %v A 3 1 30 1 1 %v %v", -3*c, -3*s, 3*c, 3*s))
	for i, q := range p.samplePoints(101) {
		u, v := c*q[0]+s*q[1], -s*q[0]+c*q[1] // back into the ellipse's frame
		if e := math.Hypot(u/3, v); math.Abs(e-1) > onCurveTol {
			t.Fatalf("30°: sample %d at %v is off the ellipse (%v)", i, q, e)
		}
	}
}

// TestArcDegenerate checks the special cases of the SVG rules: a zero
// radius draws a straight line, and negative radii count as positive.
func TestArcDegenerate(t *testing.T) {
	l, ok := segments(mustParse(t, "M 0 0 A 0 5 0 0 1 3 4"))[0].(Line)
	if !ok || l.To != (Point{3, 4}) {
		t.Errorf("zero radius: got %v, want a line to (3, 4)", l)
	}
	a := segments(mustParse(t, "M 1 0 A -1 -1 0 0 1 0 1"))[0].(Arc)
	if a.Rx != 1 || a.Ry != 1 || !near(a.Center, Point{0, 0}, 1e-12) {
		t.Errorf("negative radii: got radii %v, %v about %v; want 1, 1 about (0, 0)",
			a.Rx, a.Ry, a.Center)
	}
}
