package shapes

import (
	"errors"
	"testing"
)

// FuzzParsePathData checks that no input makes the parser panic, that every
// failure is a *SyntaxError or a documented condition, and that every path
// it accepts samples to finite points.
func FuzzParsePathData(f *testing.F) {
	for _, d := range []string{
		"M 0 0 L 10 10",
		"M 0 0 10 10 20 0 Z",
		"m1 1 2 2 3-1z",
		"M 1 2 H 5 V 7 h -2 v -3",
		"M 10 10 c 10 0 20 10 20 20 s 10 10 10 0",
		"M 0 0 Q 5 10 10 0 T 20 0 t 10 0",
		"M0 0a1 1 0 011 1",
		"M 1 0 A 1 1 0 1 0 0 1 A 0 5 0 0 1 3 4",
		"M 0 0 A 1e-300 1e300 45 1 1 5 0",
		"M1.5e-3-.5.5.25L1e1,2E+1",
		"M 0 0 L 1 1 Z l 2 0 M 5 5 h 1",
		"M 0 0 L 1 x",
		"M 0 0 L 1e999 0",
		"M -1e308 0 L 1e308 0",
		"M 0 0 C 1e-320 0 0 1e-320 1e-320 1e-320",
		turtleData,
		butterflyData,
	} {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, d string) {
		p, err := ParsePathData(d)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) && !errors.Is(err, ErrZeroLength) &&
				!errors.Is(err, errTooLarge) {
				t.Fatalf("%q: undocumented error %v", d, err)
			}
			return
		}
		pts := p.Sample(64)
		if len(pts) != 64 {
			t.Fatalf("%q: %d samples, want 64", d, len(pts))
		}
		for i, q := range pts {
			if !finite(q) {
				t.Fatalf("%q: sample %d is %v", d, i, q)
			}
		}
	})
}
