package shapes

import (
	"math"
	"sort"
	"testing"
)

// spacings returns the distances between consecutive points, and, when wrap
// is set, from the last point back to the first.
func spacings(pts []Point, wrap bool) []float64 {
	var d []float64
	for i := 1; i < len(pts); i++ {
		d = append(d, dist(pts[i-1], pts[i]))
	}
	if wrap {
		d = append(d, dist(pts[len(pts)-1], pts[0]))
	}
	return d
}

// checkEven fails unless all spacings lie within rel of their mean.
func checkEven(t *testing.T, name string, d []float64, rel float64) {
	t.Helper()
	var mean float64
	for _, x := range d {
		mean += x
	}
	mean /= float64(len(d))
	for i, x := range d {
		if math.Abs(x-mean) > rel*mean {
			t.Errorf("%s: spacing %d is %v, mean %v (off by more than %v)", name, i, x, mean, rel)
			return
		}
	}
}

// TestUniformSpacing checks that samples are evenly spaced along the path,
// to 1 %, on closed shapes (where the step from the last sample back to the
// first counts too) and on a cubic whose parameter speed varies by a factor
// of about 30, which parameter-uniform sampling would fail. On the square,
// 400 samples land on the corners, so straight-line distances between
// consecutive samples equal the arc-length step; on curves, chords of 1/200
// of the length are shorter than their arcs by far less than 1 %.
func TestUniformSpacing(t *testing.T) {
	tests := []struct {
		name, d string
		n       int
		closed  bool
	}{
		{"square", "M 0 0 H 10 V 10 H 0 Z", 400, true},
		{"circle of two arcs", "M 1 0 A 1 1 0 0 1 -1 0 A 1 1 0 0 1 1 0 Z", 200, true},
		{"uneven cubic", "M 0 0 C 0 0 1 0 100 50", 200, false},
		{"two subpaths", "M 0 0 H 10 M 20 0 H 30", 201, false},
	}
	for _, tc := range tests {
		p := mustParse(t, tc.d)
		pts := p.samplePoints(tc.n)
		d := spacings(pts, tc.closed)
		if tc.name == "two subpaths" {
			// The pen jumps from (10, 0) to (20, 0) between samples 100
			// and 101 (0.1 apart along the 20 units drawn); the jump is no
			// part of the length.
			if !near(pts[100], Point{10, 0}, exact) || !near(pts[101], Point{20.1, 0}, 1e-9) {
				t.Errorf("%s: samples 100, 101 at %v, %v; want (10, 0), (20.1, 0)",
					tc.name, pts[100], pts[101])
			}
			d = append(d[:100], d[101:]...)
		}
		checkEven(t, tc.name, d, 0.01)
	}

	// The uneven cubic really is uneven in its parameter: equal steps of t
	// give spacings that differ far more than 1 %.
	c := Cubic{Point{0, 0}, Point{0, 0}, Point{1, 0}, Point{100, 50}}
	var byT []Point
	for i := range 201 {
		byT = append(byT, c.At(float64(i)/200))
	}
	d := spacings(byT, false)
	sort.Float64s(d)
	if d[len(d)-1] < 10*d[0] {
		t.Errorf("the test cubic is too even in t (spacings %v to %v)", d[0], d[len(d)-1])
	}
}

// TestSampleEnds checks the two sampling rules: an open path's samples run
// from its start to its end; a closed path's samples stop one step short of
// the start, at step L/n.
func TestSampleEnds(t *testing.T) {
	pts := mustParse(t, "M 0 0 L 0 10").samplePoints(11)
	for i, q := range pts {
		if !near(q, Point{0, float64(i)}, exact) {
			t.Errorf("open: sample %d at %v, want (0, %d)", i, q, i)
		}
	}

	pts = mustParse(t, "M 0 0 H 4 V 4 H 0 Z").samplePoints(8)
	want := []Point{{0, 0}, {2, 0}, {4, 0}, {4, 2}, {4, 4}, {2, 4}, {0, 4}, {0, 2}}
	for i, q := range pts {
		if !near(q, want[i], exact) {
			t.Errorf("closed: sample %d at %v, want %v", i, q, want[i])
		}
	}
}

// TestNormalisation checks Sample against hand-worked values: the open line
// from (0, 0) to (0, 10) in 11 samples has mean (0, 5) and largest
// deviation 5, so sample i becomes (0, −(i − 5)/5): the SVG top, y = 0, maps
// to +1. It also checks the general properties on an asymmetric triangle:
// mean 0, largest absolute coordinate 1, and y flipped.
func TestNormalisation(t *testing.T) {
	pts := mustParse(t, "M 0 0 L 0 10").Sample(11)
	for i, q := range pts {
		if w := (Point{0, 1 - float64(i)/5}); !near(q, w, exact) {
			t.Errorf("line: sample %d at %v, want %v", i, q, w)
		}
	}

	p := mustParse(t, "M 3 1 L 10 2 L 4 9 Z")
	raw := p.samplePoints(300)
	pts = p.Sample(300)
	var mx, my, m float64
	for _, q := range pts {
		mx += q[0] / 300
		my += q[1] / 300
		m = math.Max(m, math.Max(math.Abs(q[0]), math.Abs(q[1])))
	}
	if math.Abs(mx) > 1e-12 || math.Abs(my) > 1e-12 || math.Abs(m-1) > 1e-12 {
		t.Errorf("triangle: mean (%v, %v) and largest |coordinate| %v, want 0, 0 and 1", mx, my, m)
	}
	// y is flipped: the sample lowest on the SVG canvas (largest raw y) is
	// the highest after normalisation, and the map is the same for all.
	s := (raw[1][0] - raw[0][0]) / (pts[1][0] - pts[0][0])
	for i := range pts {
		dx := (raw[i][0] - raw[0][0]) - s*(pts[i][0]-pts[0][0])
		dy := (raw[i][1] - raw[0][1]) + s*(pts[i][1]-pts[0][1])
		if math.Abs(dx) > 1e-9 || math.Abs(dy) > 1e-9 {
			t.Fatalf("sample %d is not the flipped, scaled raw sample", i)
		}
	}
}

// TestSampleDegenerate checks the documented edge cases.
func TestSampleDegenerate(t *testing.T) {
	for _, q := range (Path{}).Sample(5) {
		if q != (Point{}) {
			t.Errorf("empty path: got %v, want the origin", q)
		}
	}
	if q := mustParse(t, "M 0 0 L 1 1").Sample(1); len(q) != 1 || q[0] != (Point{}) {
		t.Errorf("n = 1: got %v, want the origin", q)
	}
	defer func() {
		if recover() == nil {
			t.Error("Sample(0) did not panic")
		}
	}()
	mustParse(t, "M 0 0 L 1 1").Sample(0)
}

// TestFlattenTolerance checks the chord bound behind Flatten: for each
// chord, points of the exact curve between its ends lie within tol of the
// chord.
func TestFlattenTolerance(t *testing.T) {
	const tol = 1e-3
	for _, d := range []string{
		"M 0 0 C 0 40 40 -40 40 0",
		"M 0 0 Q 50 80 100 0",
		"M 10 0 A 10 4 20 1 1 0 3",
	} {
		p := mustParse(t, d)
		seg := p.Subpaths[0].Segments[0]
		line := p.Flatten(tol)[0]
		n := len(line) - 1
		if n < 4 {
			t.Errorf("%q: only %d chords", d, n)
		}
		for k := range n {
			for j := 1; j < 10; j++ {
				q := seg.At((float64(k) + float64(j)/10) / float64(n))
				if e := distToSegment(q, line[k], line[k+1]); e > tol {
					t.Errorf("%q: chord %d is %v from the curve, more than %v", d, k, e, tol)
				}
			}
		}
	}
}

func distToSegment(q, a, b Point) float64 {
	ab := Point{b[0] - a[0], b[1] - a[1]}
	l2 := ab[0]*ab[0] + ab[1]*ab[1]
	s := ((q[0]-a[0])*ab[0] + (q[1]-a[1])*ab[1]) / l2
	s = math.Min(math.Max(s, 0), 1)
	return dist(q, Point{a[0] + s*ab[0], a[1] + s*ab[1]})
}

// TestLength checks Length on shapes with known lengths: a 3-4-5 triangle,
// a circle of radius 2 (4π) and two separate unit strokes (2, not counting
// the jump). Straight lines are exact to rounding; the circle's chords lie
// within δ = 1e-6·4 of it and shorten it by the fraction δ/(3r) ≈ 7e-7, so
// the tolerance is 1e-6 relative.
func TestLength(t *testing.T) {
	tests := []struct {
		d    string
		want float64
	}{
		{"M 0 0 L 3 0 L 3 4 Z", 12},
		{"M 2 0 A 2 2 0 1 1 -2 0 A 2 2 0 1 1 2 0", 4 * math.Pi},
		{"M 0 0 h 1 M 5 5 v 1", 2},
	}
	for _, tc := range tests {
		if l := mustParse(t, tc.d).Length(); math.Abs(l-tc.want) > 1e-6*tc.want {
			t.Errorf("%q: length %v, want %v", tc.d, l, tc.want)
		}
	}
}
