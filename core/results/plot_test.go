package results

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// circle returns n+1 points around the circle of radius r centred at (cx, cy).
func circle(cx, cy, r float64, n int) (x, y []float64) {
	for i := 0; i <= n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		x = append(x, cx+r*math.Cos(a))
		y = append(y, cy+r*math.Sin(a))
	}
	return x, y
}

func testPanels() []Panel {
	var t, s, c []float64
	for i := range 200 {
		x := float64(i) / 20
		t = append(t, x)
		s = append(s, math.Sin(x))
		c = append(c, math.Cos(x))
	}
	s[100] = math.NaN() // breaks the sine line
	c[50] = math.Inf(1)
	cx, cy := circle(0, 0, 1, 60)
	lo, hi := -2.0, 2.0

	return []Panel{
		{Title: "rates", XLabel: "t", YLabel: "r",
			Series: []Series{{Name: "sin", X: t, Y: s}, {Name: "cos", X: t, Y: c}}},
		{Title: "assemblies", XLabel: "x", YLabel: "y", EqualAspect: true,
			Series: []Series{{Name: "ring", X: cx, Y: cy, Points: true}}},
		{Title: "fixed", Series: []Series{{X: t, Y: s}}, YMin: &lo, YMax: &hi},
		{Title: "empty"},
	}
}

func TestPlotPNG(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fig.png")
	const width, height = 900, 600
	if err := PlotPNG(path, width, height, 2, testPanels()); err != nil {
		t.Fatal(err)
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}

	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("image is %d×%d, want %d×%d", b.Dx(), b.Dy(), width, height)
	}
	colors := colorCounts(img)
	if len(colors) < 16 {
		t.Errorf("image has %d distinct colours, want at least 16", len(colors))
	}
	// The first two series of a panel are drawn in the first two palette
	// colours; each should cover a fair number of pixels.
	for i := range 2 {
		c := color.RGBAModel.Convert(plotutil.DarkColors[i]).(color.RGBA)
		if colors[c] < 100 {
			t.Errorf("palette colour %d %v covers %d pixels, want at least 100", i, c, colors[c])
		}
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want only fig.png", names)
	}
}

func colorCounts(img image.Image) map[color.RGBA]int {
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	return counts
}

// bbox returns the bounding box of the pixels of img that have colour c.
func bbox(img image.Image, c color.RGBA) image.Rectangle {
	var r image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == c {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

// TestPlotEqualAspect draws a circle into a wide image and measures it: with
// EqualAspect it is round to within a few pixels, without it is not.
func TestPlotEqualAspect(t *testing.T) {
	x, y := circle(3, -1, 2, 200)
	ring := color.RGBAModel.Convert(plotutil.DarkColors[0]).(color.RGBA)

	for _, equal := range []bool{true, false} {
		panel := Panel{Title: "circle", EqualAspect: equal, Series: []Series{{X: x, Y: y}}}
		img, err := PlotImage(900, 300, 1, []Panel{panel})
		if err != nil {
			t.Fatal(err)
		}
		// The circle is about 230 pixels high; 3% allows for the line's
		// width and antialiasing at its edges.
		r := bbox(img, ring)
		ratio := float64(r.Dx()) / float64(r.Dy())
		if round := math.Abs(ratio-1) < 0.03; round != equal {
			t.Errorf("EqualAspect %v: circle drawn %d×%d pixels", equal, r.Dx(), r.Dy())
		}
	}
}

func TestPanelFixedYRange(t *testing.T) {
	lo, hi := -2.0, 3.0
	for _, equal := range []bool{false, true} {
		pn := Panel{Series: []Series{{X: []float64{0, 1}, Y: []float64{0, 1}}},
			YMin: &lo, YMax: &hi, EqualAspect: equal}
		p, err := pn.plot()
		if err != nil {
			t.Fatal(err)
		}
		c := draw.New(vgimg.NewWith(vgimg.UseImage(image.NewRGBA(image.Rect(0, 0, 600, 300)))))
		if equal {
			// As in PlotImage: the first call changes the tick labels and
			// so the room the axes take, the second settles it.
			pn.equalAspect(p, c)
			pn.equalAspect(p, c)
		}

		if p.Y.Min != lo || p.Y.Max != hi {
			t.Errorf("EqualAspect %v: Y range [%v, %v], want [%v, %v]",
				equal, p.Y.Min, p.Y.Max, lo, hi)
		}
		if !equal {
			continue
		}
		// The X range now has the Y range's units per length.
		da := p.DataCanvas(c)
		xPer := (p.X.Max - p.X.Min) / float64(da.Max.X-da.Min.X)
		yPer := (p.Y.Max - p.Y.Min) / float64(da.Max.Y-da.Min.Y)
		if math.Abs(xPer/yPer-1) > 1e-3 {
			t.Errorf("units per length: x %v, y %v", xPer, yPer)
		}
	}
}

func TestPlotErrors(t *testing.T) {
	good := []Panel{{Series: []Series{{X: []float64{1}, Y: []float64{1}}}}}
	ragged := Series{Name: "s", X: []float64{1, 2}, Y: []float64{1}}
	bad := []Panel{good[0], {Title: "broken", Series: []Series{ragged}}}
	for _, tc := range []struct {
		w, h, cols int
		panels     []Panel
		want       string
	}{
		{0, 100, 1, good, "not positive"},
		{100, 100, 0, good, "panels per row"},
		{100, 100, 1, nil, "no panels"},
		{100, 100, 2, bad, `panel 1 ("broken"): series 0 ("s") has 2 x values and 1 y values`},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "fig.png")
		err := PlotPNG(path, tc.w, tc.h, tc.cols, tc.panels)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("error = %v, want one naming %s with %q", err, path, tc.want)
		}
		if names := dirNames(t, dir); len(names) != 0 {
			t.Errorf("directory holds %q", names)
		}
	}
}
