package shapes

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// exact is the tolerance for points that the parser computes with a few
// additions of short decimal numbers: rounding only, far below 1e-12.
const exact = 1e-12

func near(a, b Point, tol float64) bool {
	return math.Abs(a[0]-b[0]) <= tol && math.Abs(a[1]-b[1]) <= tol
}

func mustParse(t *testing.T, d string) Path {
	t.Helper()
	p, err := ParsePathData(d)
	if err != nil {
		t.Fatalf("ParsePathData(%q): %v", d, err)
	}
	return p
}

// segments returns the segments of all subpaths, in order.
func segments(p Path) []Segment {
	var out []Segment
	for _, sp := range p.Subpaths {
		out = append(out, sp.Segments...)
	}
	return out
}

// TestCommandEndpoints checks, per command, the end points (and control
// points where they matter) against values worked out by hand.
func TestCommandEndpoints(t *testing.T) {
	tests := []struct {
		name string
		d    string
		ends []Point // End() of each segment, in order
	}{
		{"absolute L", "M 1 2 L 4 6", []Point{{4, 6}}},
		{"relative l", "M 1 2 l 4 6", []Point{{5, 8}}},
		{"H V h v", "M 1 2 H 5 V 7 h -2 v -3", []Point{{5, 2}, {5, 7}, {3, 7}, {3, 4}}},
		{"implicit lineto after M", "M 0 0 10 10 20 0", []Point{{10, 10}, {20, 0}}},
		{"implicit relative lineto after m", "m 1 1 2 2 3 -1", []Point{{3, 3}, {6, 2}}},
		{"relative m starts at the origin", "m 5 5 l 1 0", []Point{{6, 5}}},
		{"repeated H", "M 0 0 H 1 2 3", []Point{{1, 0}, {2, 0}, {3, 0}}},
		{"commas and signs", "M1,2L3,4,5-6", []Point{{3, 4}, {5, -6}}},
		{"exponents and bare dots", "M1.5e-3-.5.5.25L1e1,2E+1", []Point{{0.5, 0.25}, {10, 20}}},
		{"no space before a command", "M0 0L1 0l1 1h1v1", []Point{{1, 0}, {2, 1}, {3, 1}, {3, 2}}},
		{"white space of all kinds", "\tM 0\n0\r\fL\t1 1 ", []Point{{1, 1}}},
		{"relative cubic", "M 10 10 c 10 0 20 10 20 20", []Point{{30, 30}}},
		{"relative quadratic", "M 10 10 q 5 -5 10 0", []Point{{20, 10}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			segs := segments(mustParse(t, tc.d))
			if len(segs) != len(tc.ends) {
				t.Fatalf("got %d segments, want %d", len(segs), len(tc.ends))
			}
			for i, s := range segs {
				if !near(s.End(), tc.ends[i], exact) {
					t.Errorf("segment %d ends at %v, want %v", i, s.End(), tc.ends[i])
				}
				if i > 0 && segs[i-1].End() != s.Start() {
					t.Errorf("segment %d starts at %v, not at the previous end %v",
						i, s.Start(), segs[i-1].End())
				}
			}
		})
	}
}

// TestRelativeCubic checks the control points of a relative cubic and its
// midpoint B(½) = (P0 + 3P1 + 3P2 + P3)/8: for P0 = (10, 10), P1 = (20, 10),
// P2 = (30, 20), P3 = (30, 30) that is (190/8, 130/8) = (23.75, 16.25).
func TestRelativeCubic(t *testing.T) {
	c, ok := segments(mustParse(t, "M 10 10 c 10 0 20 10 20 20"))[0].(Cubic)
	if !ok {
		t.Fatal("the segment is not a Cubic")
	}
	want := Cubic{Point{10, 10}, Point{20, 10}, Point{30, 20}, Point{30, 30}}
	if c != want {
		t.Errorf("got %v, want %v", c, want)
	}
	if m := c.At(0.5); !near(m, Point{23.75, 16.25}, exact) {
		t.Errorf("midpoint %v, want (23.75, 16.25)", m)
	}
}

// TestSmoothReflection checks that S and T reflect the previous control
// point about the current point, and use the current point itself after a
// segment of another kind.
func TestSmoothReflection(t *testing.T) {
	segs := segments(mustParse(t, "M 0 0 C 0 10 10 10 10 0 S 20 -10 20 0 s 10 10 10 0"))
	// (10, 10) reflected about (10, 0) is (10, −10); then (20, −10) about
	// (20, 0) is (20, 10).
	want := []Cubic{
		{Point{0, 0}, Point{0, 10}, Point{10, 10}, Point{10, 0}},
		{Point{10, 0}, Point{10, -10}, Point{20, -10}, Point{20, 0}},
		{Point{20, 0}, Point{20, 10}, Point{30, 10}, Point{30, 0}},
	}
	for i, w := range want {
		if c, ok := segs[i].(Cubic); !ok || c != w {
			t.Errorf("S: segment %d is %v, want %v", i, segs[i], w)
		}
	}

	segs = segments(mustParse(t, "M 0 0 L 10 0 S 20 10 20 0"))
	if c := segs[1].(Cubic); c.Ctrl1 != (Point{10, 0}) {
		t.Errorf("S after L: first control point %v, want the current point (10, 0)", c.Ctrl1)
	}
	segs = segments(mustParse(t, "M 0 0 Q 5 10 10 0 S 20 10 20 0"))
	if c := segs[1].(Cubic); c.Ctrl1 != (Point{10, 0}) {
		t.Errorf("S after Q: first control point %v, want the current point (10, 0)", c.Ctrl1)
	}

	// T: (5, 10) about (10, 0) is (15, −10); then (15, −10) about (20, 0) is
	// (25, 10); the relative t ends at (30, 0) + (10, 0).
	segs = segments(mustParse(t, "M 0 0 Q 5 10 10 0 T 20 0 t 10 0"))
	wantQ := []Quad{
		{Point{0, 0}, Point{5, 10}, Point{10, 0}},
		{Point{10, 0}, Point{15, -10}, Point{20, 0}},
		{Point{20, 0}, Point{25, 10}, Point{30, 0}},
	}
	for i, w := range wantQ {
		if q, ok := segs[i].(Quad); !ok || q != w {
			t.Errorf("T: segment %d is %v, want %v", i, segs[i], w)
		}
	}
	segs = segments(mustParse(t, "M 0 0 C 0 5 5 5 10 0 T 20 0"))
	if q := segs[1].(Quad); q.Ctrl != (Point{10, 0}) {
		t.Errorf("T after C: control point %v, want the current point (10, 0)", q.Ctrl)
	}
}

// TestClosePath checks that Z draws back to the subpath's start, that a
// command after Z starts a new subpath there, and that M starts a new one.
func TestClosePath(t *testing.T) {
	p := mustParse(t, "M 1 1 L 5 1 L 5 5 Z l 8 8 M 20 20 h 1 v 1 z")
	if len(p.Subpaths) != 3 {
		t.Fatalf("got %d subpaths, want 3", len(p.Subpaths))
	}
	first := p.Subpaths[0]
	if !first.Closed || len(first.Segments) != 3 {
		t.Fatalf("first subpath: closed %v with %d segments, want closed with 3",
			first.Closed, len(first.Segments))
	}
	if l := first.Segments[2]; l != (Line{Point{5, 5}, Point{1, 1}}) {
		t.Errorf("closing segment %v, want the line from (5, 5) to (1, 1)", l)
	}
	second := p.Subpaths[1]
	if second.Closed || second.Segments[0] != (Line{Point{1, 1}, Point{9, 9}}) {
		t.Errorf("after Z, l 8 8 gave %v (closed %v), want an open line from (1, 1) to (9, 9)",
			second.Segments[0], second.Closed)
	}
	third := p.Subpaths[2]
	if !third.Closed || third.Segments[2].End() != (Point{20, 20}) {
		t.Errorf("third subpath %v, want a closed one ending at (20, 20)", third)
	}

	// A Z where the pen already is adds no zero-length segment.
	p = mustParse(t, "M 0 0 L 1 0 L 0 0 Z")
	if n := len(p.Subpaths[0].Segments); n != 2 {
		t.Errorf("got %d segments, want 2", n)
	}
}

// TestCompactArcFlags checks that arc flags need no separators: in
// "a1 1 0 011 1" the flags are 0 and 1 and the end is (1, 1) relative.
func TestCompactArcFlags(t *testing.T) {
	a, ok := segments(mustParse(t, "M0 0a1 1 0 011 1"))[0].(Arc)
	if !ok {
		t.Fatal("the segment is not an Arc")
	}
	// From (0, 0) to (1, 1) with radius 1, small arc, sweep 1: the centre
	// is (0, 1) and the angle grows from −π/2 to 0.
	if a.To != (Point{1, 1}) || !near(a.Center, Point{0, 1}, 1e-12) {
		t.Errorf("arc to %v about %v, want to (1, 1) about (0, 1)", a.To, a.Center)
	}
	if math.Abs(a.DeltaTheta-math.Pi/2) > 1e-12 {
		t.Errorf("sweep %v, want π/2", a.DeltaTheta)
	}
}

// TestSyntaxErrors checks that malformed path data fails with the byte
// offset of the first character that does not fit.
func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		d      string
		offset int
		msg    string
	}{
		{"L 1 1", 0, "must begin with a moveto"},
		{"  x", 2, "must begin with a moveto"},
		{"M 1", 3, "expected a number for 'M', found the end of the data"},
		{"M 0 0 L 1 x", 10, "expected a number for 'L', found 'x'"},
		{"M 0 0 L 1 .", 10, "expected a number"},
		{"M 0 0 A 1 1 0 2 1 3 3", 14, "expected an arc flag (0 or 1)"},
		{"M 0 0 L 1 1 Z 5", 14, "closepath (Z) takes no numbers"},
		{"M 0 0 L 1 1, L 2 2", 13, "expected a number after ','"},
		{"M 0 0 L 1,,1", 10, "expected a number for 'L', found ','"},
		{"M 0 0 X 1 1", 6, "unexpected character 'X'"},
		{"M 0 0 L 1e999 0", 8, "out of range"},
		{"M 0 0 L 1 1e", 11, "unexpected character 'e'"},
	}
	for _, tc := range tests {
		_, err := ParsePathData(tc.d)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: got %v, want a *SyntaxError", tc.d, err)
			continue
		}
		if se.Offset != tc.offset || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("%q: got offset %d %q, want offset %d containing %q",
				tc.d, se.Offset, se.Msg, tc.offset, tc.msg)
		}
		if !strings.HasPrefix(err.Error(), "shapes: bad path data at offset ") {
			t.Errorf("%q: message %q lacks the package prefix and offset", tc.d, err)
		}
	}
}

// TestZeroLength checks that path data that draws nothing is an error.
func TestZeroLength(t *testing.T) {
	for _, d := range []string{
		"", "   ", "M 0 0", "M 1 1 Z", "M 0 0 L 0 0 Z", "M 1 1 A 3 3 0 0 1 1 1", "M 0 0 M 5 5",
	} {
		if _, err := ParsePathData(d); !errors.Is(err, ErrZeroLength) {
			t.Errorf("%q: got %v, want ErrZeroLength", d, err)
		}
	}
}

// TestOverflow checks that coordinates whose drawing overflows float64 are
// rejected rather than sampled into NaN.
func TestOverflow(t *testing.T) {
	for _, d := range []string{
		"M -1e308 0 L 1e308 0",
		"M 1e308 0 l 1e308 0",
	} {
		if _, err := ParsePathData(d); err == nil {
			t.Errorf("%q: no error", d)
		}
	}
}
