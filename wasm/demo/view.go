package demo

import (
	"math"
)

// Role is what a curve shows; it fixes the curve's colour in every demo.
type Role uint8

// The roles. Target grey, open loop blue, closed loop orange, excitation
// red, inhibition blue, local error green.
const (
	RoleTarget   Role = iota // the target (grey)
	RoleOL                   // open loop: control off (blue)
	RoleCL                   // closed loop: control on (orange)
	RoleExc                  // excitatory current (red)
	RoleInh                  // inhibitory current (blue)
	RoleErr                  // local error (green)
	RoleCSPlus               // fear conditioning: the paired stimulus (purple)
	RoleCSMinus              // fear conditioning: the unpaired stimulus (teal)
	RoleFeedback             // feedback into the I neurons (magenta)
	RoleInput                // an input channel (light grey-blue)
	RoleMain                 // the quantity of interest (black)
	RoleOther                // other quantities of the same kind (light grey)
	NumRoles
)

// Range is a closed interval of an axis.
type Range struct{ Min, Max float64 }

// Span returns Max − Min.
func (r Range) Span() float64 { return r.Max - r.Min }

// Curve is one line in a panel. Its points are (X[i], Y[i]) when X is not
// nil, and (X0 + i·DX, Y[i]) otherwise.
type Curve struct {
	Label  string // legend entry; empty for none
	Role   Role
	X, Y   []float64
	X0, DX float64

	// Alt, when not nil, marks the points drawn in AltRole instead (the live
	// output: orange while control is on, blue while it is off).
	Alt     []bool
	AltRole Role

	// Fresh is the number of points of the current sweep; the points after
	// it are from the previous trial and are drawn faded. Fresh ≥ len(Y)
	// draws every point normally.
	Fresh int

	Dots  bool    // mark every point (learning curves)
	Width float64 // line width relative to the default; 0 is 1
}

// Len returns the number of points.
func (c *Curve) Len() int { return len(c.Y) }

// At returns point i.
func (c *Curve) At(i int) (x, y float64) {
	if c.X != nil {
		return c.X[i], c.Y[i]
	}
	return c.X0 + float64(i)*c.DX, c.Y[i]
}

// Band shades the x interval [From, To] of a panel; From = To draws a
// vertical marker line.
type Band struct {
	From, To float64
	Role     Role
	Label    string
}

// Panel is one plot: axes, curves and shaded bands, placed in a cell of the
// view's grid.
type Panel struct {
	Title          string
	XLabel, YLabel string
	X, Y           Range
	Equal          bool    // equal scales on both axes (the x–y drawing)
	Cursor         float64 // x of the sweep's cursor; NaN for none
	Pen            bool    // draw a dot at PenX, PenY (the drawing's current point)
	PenX, PenY     float64
	PenRole        Role
	Curves         []Curve
	Bands          []Band
	Note           string // a line in the panel when it has nothing to show yet

	Col, Row, ColSpan, RowSpan int // grid cell
}

// View is what a demo draws in a frame.
type View struct {
	Title  string
	Status string
	Cols   []float64 // relative column widths
	Rows   []float64 // relative row heights
	Panels []Panel
}

// Rect is a rectangle in pixels.
type Rect struct{ X, Y, W, H float64 }

// Layout places the panels of v in the rectangle r: a grid of v's columns
// and rows with gap pixels between cells. When r is taller than wide
// (a phone held upright) the panels are stacked in one column instead, in
// grid order (row by row within each column), each as tall as its row
// span allows. Panels always get at least one pixel each way.
func Layout(v *View, r Rect, gap float64) []Rect {
	out := make([]Rect, len(v.Panels))
	if len(v.Panels) == 0 {
		return out
	}
	if r.H > r.W*1.15 {
		return stack(v, r, gap, out)
	}
	xs := edges(v.Cols, r.X, r.W, gap)
	ys := edges(v.Rows, r.Y, r.H, gap)
	for i, p := range v.Panels {
		c0, c1 := clampCell(p.Col, p.ColSpan, len(v.Cols))
		r0, r1 := clampCell(p.Row, p.RowSpan, len(v.Rows))
		x0, x1 := xs[2*c0], xs[2*c1-1]
		y0, y1 := ys[2*r0], ys[2*r1-1]
		out[i] = Rect{x0, y0, math.Max(1, x1-x0), math.Max(1, y1-y0)}
	}
	return out
}

// clampCell returns the first and one past the last grid index of a cell
// at pos spanning span cells in a grid of n.
func clampCell(pos, span, n int) (int, int) {
	pos = min(max(pos, 0), n-1)
	span = min(max(span, 1), n-pos)
	return pos, pos + span
}

// edges splits the length n from start into len(w) cells of relative
// widths w with gap between them; cell i covers [e[2i], e[2i+1]].
func edges(w []float64, start, n, gap float64) []float64 {
	var sum float64
	for _, v := range w {
		sum += v
	}
	free := math.Max(0, n-gap*float64(len(w)-1))
	e := make([]float64, 2*len(w))
	x := start
	for i, v := range w {
		e[2*i] = x
		x += free * v / sum
		e[2*i+1] = x
		x += gap
	}
	return e
}

// stack lays the panels out in one column for a narrow screen.
func stack(v *View, r Rect, gap float64, out []Rect) []Rect {
	order := make([]int, 0, len(v.Panels))
	for c := range v.Cols {
		for row := range v.Rows {
			for i, p := range v.Panels {
				c0, _ := clampCell(p.Col, p.ColSpan, len(v.Cols))
				r0, _ := clampCell(p.Row, p.RowSpan, len(v.Rows))
				if c0 == c && r0 == row {
					order = append(order, i)
				}
			}
		}
	}
	w := make([]float64, len(order))
	for j, i := range order {
		p := v.Panels[i]
		_, r1 := clampCell(p.Row, p.RowSpan, len(v.Rows))
		r0, _ := clampCell(p.Row, p.RowSpan, len(v.Rows))
		for row := r0; row < r1; row++ {
			w[j] += v.Rows[row]
		}
		w[j] = math.Min(w[j], 1.5*v.Rows[r0])
	}
	ys := edges(w, r.Y, r.H, gap)
	for j, i := range order {
		out[i] = Rect{r.X, ys[2*j], math.Max(1, r.W), math.Max(1, ys[2*j+1]-ys[2*j])}
	}
	return out
}

// Ticks returns about n round tick values inside r: multiples of the step
// of 1, 2 or 5 times a power of ten nearest (in ratio) to the span over n.
func Ticks(r Range, n int) []float64 {
	span := r.Span()
	if !(span > 0) || math.IsInf(span, 0) || n < 1 {
		return nil
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step, best := mag, math.Inf(1)
	for _, m := range []float64{1, 2, 5, 10} {
		if d := math.Abs(math.Log(m * mag / raw)); d < best {
			step, best = m*mag, d
		}
	}
	var out []float64
	for v := math.Ceil(r.Min/step-1e-9) * step; v <= r.Max+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, v)
	}
	return out
}

// AutoRange returns a range holding every finite value of the curves'
// y values (the points of a sweep that are not yet written count too),
// padded by 8 % each way, at least minSpan wide, and widened to round
// tick values so that it moves in steps rather than jittering.
func AutoRange(curves []Curve, minSpan float64) Range {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range curves {
		for _, v := range curves[i].Y {
			if v < lo {
				lo = v
			}
			if v > hi {
				hi = v
			}
		}
	}
	if lo > hi {
		return Range{-minSpan / 2, minSpan / 2}
	}
	pad := 0.08 * (hi - lo)
	lo, hi = lo-pad, hi+pad
	if d := minSpan - (hi - lo); d > 0 {
		lo, hi = lo-d/2, hi+d/2
	}
	t := Ticks(Range{lo, hi}, 4)
	if len(t) >= 2 {
		step := t[1] - t[0]
		lo = math.Floor(lo/step+1e-9) * step
		hi = math.Ceil(hi/step-1e-9) * step
	}
	return Range{lo, hi}
}
