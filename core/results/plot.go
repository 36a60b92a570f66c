package results

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Series is one curve of a Panel: the points (X[i], Y[i]). A point with a
// NaN or infinite coordinate is left out; a line is broken there.
type Series struct {
	// Name labels the series in the panel's legend.
	Name string
	// X and Y are the coordinates; they must have the same length.
	X, Y []float64
	// Points draws each point as a marker and no connecting line, for
	// scattered data; otherwise the points are joined by a line.
	Points bool
}

// Panel is one plot of a figure.
type Panel struct {
	Title, XLabel, YLabel string
	// Series are drawn in order, each in its own colour (after the seventh,
	// colours repeat with another dash pattern or marker shape). A panel with
	// more than one series has a legend.
	Series []Series
	// EqualAspect gives one data unit the same length on both axes, for 2-D
	// drawings, by widening the range of one axis around its centre; with a
	// fixed Y range it is the X range that is set to match.
	EqualAspect bool
	// YMin and YMax, when not nil, fix the ends of the Y axis instead of
	// fitting them to the data.
	YMin, YMax *float64
}

// PlotPNG draws panels on a grid cols panels wide into a width × height
// pixel image and writes it atomically to path as PNG. See PlotImage.
func PlotPNG(path string, width, height, cols int, panels []Panel) error {
	img, err := PlotImage(width, height, cols, panels)
	if err != nil {
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	return writeAtomic(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// PlotImage draws panels, filled in row by row on a grid cols panels wide,
// into a width × height pixel image on a white background. The panels' data
// areas are aligned across rows and columns. When there are fewer panels
// than cols, the grid is as wide as there are panels.
func PlotImage(width, height, cols int, panels []Panel) (image.Image, error) {
	if width < 1 || height < 1 {
		return nil, fmt.Errorf("image size %d×%d is not positive", width, height)
	}
	if cols < 1 {
		return nil, fmt.Errorf("%d panels per row", cols)
	}
	if len(panels) == 0 {
		return nil, errors.New("no panels to draw")
	}
	cols = min(cols, len(panels))
	rows := (len(panels) + cols - 1) / cols

	grid := make([][]*plot.Plot, rows)
	for j := range grid {
		grid[j] = make([]*plot.Plot, cols)
	}
	for i, pn := range panels {
		p, err := pn.plot()
		if err != nil {
			return nil, fmt.Errorf("panel %d (%q): %w", i, pn.Title, err)
		}
		grid[i/cols][i%cols] = p
	}

	c := vgimg.NewWith(vgimg.UseImage(image.NewRGBA(image.Rect(0, 0, width, height))))
	dc := draw.New(c)
	pad := vg.Points(6)
	tiles := draw.Tiles{
		Rows: rows, Cols: cols,
		PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad,
		PadX: 2 * pad, PadY: 2 * pad,
	}

	// Fixing the aspect changes the axis ranges, hence the tick labels and
	// the room the axes take; the second pass settles both.
	canvases := plot.Align(grid, tiles, dc)
	for pass := 0; pass < 2; pass++ {
		for i, pn := range panels {
			if pn.EqualAspect {
				pn.equalAspect(grid[i/cols][i%cols], canvases[i/cols][i%cols])
			}
		}
		canvases = plot.Align(grid, tiles, dc)
	}

	for j, row := range grid {
		for i, p := range row {
			if p != nil {
				p.Draw(canvases[j][i])
			}
		}
	}
	return c.Image(), nil
}

// plot builds the gonum plot of the panel.
func (pn Panel) plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = pn.Title
	p.X.Label.Text = pn.XLabel
	p.Y.Label.Text = pn.YLabel
	p.Legend.Top = true
	p.Add(plotter.NewGrid())

	colors := plotutil.DarkColors
	for k, s := range pn.Series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("series %d (%q) has %d x values and %d y values",
				k, s.Name, len(s.X), len(s.Y))
		}
		color := colors[k%len(colors)]
		variant := k / len(colors)

		var thumb plot.Thumbnailer
		if s.Points {
			sc, err := plotter.NewScatter(finitePoints(s.X, s.Y))
			if err != nil {
				return nil, fmt.Errorf("series %d (%q): %w", k, s.Name, err)
			}
			sc.GlyphStyle = draw.GlyphStyle{
				Color:  color,
				Radius: vg.Points(2.5),
				Shape:  plotutil.Shape(variant),
			}
			p.Add(sc)
			thumb = sc
		} else {
			style := draw.LineStyle{
				Color:  color,
				Width:  vg.Points(1.5),
				Dashes: plotutil.Dashes(variant),
			}
			for _, run := range finiteRuns(s.X, s.Y) {
				l, err := plotter.NewLine(run)
				if err != nil {
					return nil, fmt.Errorf("series %d (%q): %w", k, s.Name, err)
				}
				l.LineStyle = style
				p.Add(l)
			}
			thumb = &plotter.Line{LineStyle: style}
		}
		if len(pn.Series) > 1 {
			p.Legend.Add(s.Name, thumb)
		}
	}

	if pn.YMin != nil {
		p.Y.Min = *pn.YMin
	}
	if pn.YMax != nil {
		p.Y.Max = *pn.YMax
	}
	return p, nil
}

// equalAspect widens one axis range of p so that a data unit has the same
// length along X and Y in the data area p gets inside c.
func (pn Panel) equalAspect(p *plot.Plot, c draw.Canvas) {
	da := p.DataCanvas(c) // also makes both ranges non-empty
	w := float64(da.Max.X - da.Min.X)
	h := float64(da.Max.Y - da.Min.Y)
	if w <= 0 || h <= 0 {
		return
	}

	xPerLen := (p.X.Max - p.X.Min) / w
	yPerLen := (p.Y.Max - p.Y.Min) / h
	fixedY := pn.YMin != nil || pn.YMax != nil
	if fixedY || xPerLen < yPerLen {
		mid, half := (p.X.Min+p.X.Max)/2, yPerLen*w/2
		p.X.Min, p.X.Max = mid-half, mid+half
	} else {
		mid, half := (p.Y.Min+p.Y.Max)/2, xPerLen*h/2
		p.Y.Min, p.Y.Max = mid-half, mid+half
	}
}

func finite(x, y float64) bool {
	return !math.IsNaN(x) && !math.IsInf(x, 0) && !math.IsNaN(y) && !math.IsInf(y, 0)
}

// finitePoints returns the points of x, y whose coordinates are finite.
func finitePoints(x, y []float64) plotter.XYs {
	pts := make(plotter.XYs, 0, len(x))
	for i := range x {
		if finite(x[i], y[i]) {
			pts = append(pts, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	return pts
}

// finiteRuns splits the points of x, y into maximal runs of consecutive
// finite points.
func finiteRuns(x, y []float64) []plotter.XYs {
	var runs []plotter.XYs
	var run plotter.XYs
	for i := range x {
		if finite(x[i], y[i]) {
			run = append(run, plotter.XY{X: x[i], Y: y[i]})
			continue
		}
		if len(run) > 0 {
			runs = append(runs, run)
			run = nil
		}
	}
	if len(run) > 0 {
		runs = append(runs, run)
	}
	return runs
}
