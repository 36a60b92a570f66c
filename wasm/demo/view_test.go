package demo

import (
	"math"
	"slices"
	"testing"
)

func TestTicks(t *testing.T) {
	tests := []struct {
		r    Range
		n    int
		want []float64
	}{
		{Range{0, 1}, 4, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{Range{0, 10}, 5, []float64{0, 2, 4, 6, 8, 10}},
		{Range{-1.3, 1.3}, 4, []float64{-1, -0.5, 0, 0.5, 1}},
		{Range{0, 4320}, 4, []float64{0, 1000, 2000, 3000, 4000}},
		{Range{1, 1}, 4, nil},
	}
	for _, tc := range tests {
		got := Ticks(tc.r, tc.n)
		if len(got) != len(tc.want) {
			t.Errorf("Ticks(%v, %d) = %v, want %v", tc.r, tc.n, got, tc.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-9 {
				t.Errorf("Ticks(%v, %d) = %v, want %v", tc.r, tc.n, got, tc.want)
				break
			}
		}
	}
}

func TestAutoRange(t *testing.T) {
	r := AutoRange([]Curve{{Y: []float64{0.1, 0.7}}, {Y: []float64{-0.3}}}, 0)
	if r.Min > -0.3 || r.Max < 0.7 {
		t.Errorf("AutoRange = %v does not hold [-0.3, 0.7]", r)
	}
	if r.Span() > 2 {
		t.Errorf("AutoRange = %v is far wider than the data", r)
	}
	r = AutoRange([]Curve{{Y: []float64{1, 1}}}, 0.5)
	if r.Span() < 0.5 || r.Min > 1 || r.Max < 1 {
		t.Errorf("AutoRange of a constant = %v, want at least 0.5 wide around 1", r)
	}
	if r := AutoRange(nil, 2); r != (Range{-1, 1}) {
		t.Errorf("AutoRange of nothing = %v, want [-1, 1]", r)
	}
}

// TestLayout: every demo's panels lie inside the area, do not overlap, and
// are big enough to read, in landscape (slides) and in portrait (phones).
func TestLayout(t *testing.T) {
	areas := []Rect{{0, 40, 1280, 636}, {0, 30, 800, 450}, {0, 40, 390, 760}, {10, 10, 3840, 2000}}
	for _, k := range Kinds() {
		d, err := New(DefaultParams(k))
		if err != nil {
			t.Fatal(err)
		}
		v := d.View()
		for _, area := range areas {
			rs := Layout(v, area, 8)
			if len(rs) != len(v.Panels) {
				t.Fatalf("%s: %d rectangles for %d panels", k, len(rs), len(v.Panels))
			}
			for i, r := range rs {
				if r.X < area.X-1e-9 || r.Y < area.Y-1e-9 || r.X+r.W > area.X+area.W+1e-9 ||
					r.Y+r.H > area.Y+area.H+1e-9 {
					t.Errorf("%s in %v: panel %d at %v is outside", k, area, i, r)
				}
				if r.W < 0.15*area.W || r.H < 0.08*area.H {
					t.Errorf("%s in %v: panel %d at %v is too small", k, area, i, r)
				}
				for j := range i {
					q := rs[j]
					if r.X < q.X+q.W && q.X < r.X+r.W && r.Y < q.Y+q.H && q.Y < r.Y+r.H {
						t.Errorf("%s in %v: panels %d %v and %d %v overlap", k, area, j, q, i, r)
					}
				}
			}
		}
	}
}

func TestStrideFor(t *testing.T) {
	for _, tc := range []struct{ steps, rows, want int }{
		{5000, 600, 10}, {10000, 600, 20}, {8000, 600, 16}, {15000, 600, 25}, {7, 600, 1}, {7, 2, 7},
	} {
		if got := strideFor(tc.steps, tc.rows); got != tc.want {
			t.Errorf("strideFor(%d, %d) = %d, want %d", tc.steps, tc.rows, got, tc.want)
		}
	}
}

func TestSweep(t *testing.T) {
	s := NewSweep(100, 10, 2)
	if s.Rows != 10 {
		t.Fatalf("%d rows, want 10", s.Rows)
	}
	s.Set(0, 0, true, 1, 2)
	s.Set(0, 1, false, 3, 4)
	if s.Cursor != 2 || !slices.Equal(s.Col(0)[:2], []float64{1, 3}) || !slices.Equal(s.Col(1)[:2], []float64{2, 4}) {
		t.Errorf("after two samples: cursor %d, columns %v %v", s.Cursor, s.Col(0), s.Col(1))
	}
	s.Set(1, 0, false, 5, 6)
	if s.Cursor != 1 || s.Trial != 1 || s.Col(0)[1] != 3 {
		t.Errorf("a new trial: cursor %d, trial %d, old sample %v; want 1, 1, 3 kept", s.Cursor, s.Trial, s.Col(0)[1])
	}
	s.Clear()
	if s.Cursor != 0 || s.Trial != -1 || s.Col(0)[0] != 0 {
		t.Error("Clear left data behind")
	}
}
