//go:build js && wasm

package main

import (
	"image"
	"image/color"
	"math"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2"

	"bcp/wasm/demo"
)

// Colours. Every curve takes the colour of its role, the same in every
// demo: target grey, open loop blue, closed loop orange, excitation red,
// inhibition blue, local error green.
var (
	roleColours = [demo.NumRoles]color.RGBA{
		demo.RoleTarget:   {0x8c, 0x8c, 0x8c, 0xff},
		demo.RoleOL:       {0x1f, 0x77, 0xb4, 0xff},
		demo.RoleCL:       {0xff, 0x7f, 0x0e, 0xff},
		demo.RoleExc:      {0xd6, 0x27, 0x28, 0xff},
		demo.RoleInh:      {0x2a, 0x5b, 0xd7, 0xff},
		demo.RoleErr:      {0x2c, 0xa0, 0x2c, 0xff},
		demo.RoleCSPlus:   {0x94, 0x67, 0xbd, 0xff},
		demo.RoleCSMinus:  {0x17, 0xa8, 0xb8, 0xff},
		demo.RoleFeedback: {0xe3, 0x77, 0xc2, 0xff},
		demo.RoleInput:    {0x9f, 0xb3, 0xc8, 0xff},
		demo.RoleMain:     {0x22, 0x22, 0x22, 0xff},
		demo.RoleOther:    {0xb0, 0xb0, 0xb0, 0xff},
	}
	pageColour   = color.RGBA{0xff, 0xff, 0xff, 0xff}
	borderColour = color.RGBA{0xdc, 0xdc, 0xd8, 0xff}
	gridColour   = color.RGBA{0xee, 0xee, 0xec, 0xff}
	zeroColour   = color.RGBA{0xc8, 0xc8, 0xc4, 0xff}
	axisColour   = color.RGBA{0x99, 0x99, 0x96, 0xff}
	inkColour    = color.RGBA{0x22, 0x22, 0x22, 0xff}
	softInk      = color.RGBA{0x66, 0x66, 0x66, 0xff}
	alertColour  = color.RGBA{0xb0, 0x20, 0x20, 0xff}
)

// Sizes in CSS pixels; the painter multiplies them by the device scale.
const (
	titleSize   = 17.0
	textSize    = 12.5
	smallSize   = 11.0
	lineWidth   = 1.6
	panelPad    = 8.0
	panelGap    = 8.0
	headerPad   = 10.0
	dotRadius   = 2.6
	penRadius   = 4.5
	maxVertices = 60000 // flush the vertex buffer before it nears the uint16 index limit
)

// header is the text above the panels that does not come from the view.
type header struct {
	run      string // running or paused, speed, rate and frame rate
	settings string // seed, overlap, feedback, learning
	message  string // a note for the user, shown instead of the settings
}

// textItem is text queued to be drawn after the shapes.
type textItem struct {
	s        string
	x, y     float64
	face     font
	col      color.RGBA
	align    Align // horizontal
	vAlign   Align // vertical: Start is the top of the line
	vertical bool  // rotated a quarter turn anticlockwise
}

// painter draws views. It batches all shapes of a frame into as few
// triangle draws as the index limit allows and draws the text over them.
type painter struct {
	target *ebiten.Image // the image being drawn on
	white  *ebiten.Image
	vs     []ebiten.Vertex
	is     []uint16
	texts  []textItem

	tx *texter
	s  float64
}

// newPainter returns a painter with its white source image and text
// renderer.
func newPainter() *painter {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return &painter{white: img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image), tx: newTexter()}
}

// face returns the font of size CSS pixels at the current scale, rounded
// to half a device pixel so that few sizes are rasterised.
func (p *painter) face(size float64, bold bool) font {
	return font{px: math.Round(size*p.s*2) / 2, bold: bold}
}

// premul returns the vertex colour of c faded towards white by fade (0 is
// the colour itself), with alpha a, premultiplied.
func premul(c color.RGBA, fade, a float64) (r, g, b, al float32) {
	mix := func(v uint8) float32 { return float32((float64(v)/255*(1-fade) + fade) * a) }
	return mix(c.R), mix(c.G), mix(c.B), float32(a)
}

// quad appends the quadrilateral (x0,y0) (x1,y1) (x2,y2) (x3,y3), in order
// around it, filled with colour c.
func (p *painter) quad(x0, y0, x1, y1, x2, y2, x3, y3 float64, c color.RGBA, fade, a float64) {
	if len(p.vs) > maxVertices {
		p.flush()
	}
	r, g, b, al := premul(c, fade, a)
	i := uint16(len(p.vs))
	for _, v := range [4][2]float64{{x0, y0}, {x1, y1}, {x2, y2}, {x3, y3}} {
		p.vs = append(p.vs, ebiten.Vertex{DstX: float32(v[0]), DstY: float32(v[1]), SrcX: 1, SrcY: 1,
			ColorR: r, ColorG: g, ColorB: b, ColorA: al})
	}
	p.is = append(p.is, i, i+1, i+2, i, i+2, i+3)
}

// rect fills the rectangle r with colour c.
func (p *painter) rect(r demo.Rect, c color.RGBA, a float64) {
	p.quad(r.X, r.Y, r.X+r.W, r.Y, r.X+r.W, r.Y+r.H, r.X, r.Y+r.H, c, 0, a)
}

// line strokes the segment from (x0, y0) to (x1, y1) with width w.
func (p *painter) line(x0, y0, x1, y1, w float64, c color.RGBA, fade float64) {
	dx, dy := x1-x0, y1-y0
	n := math.Hypot(dx, dy)
	if n == 0 {
		return
	}
	// Extend each end by half the width so that consecutive segments of a
	// polyline overlap at the joins instead of leaving notches.
	ex, ey := dx/n*w/2, dy/n*w/2
	ox, oy := -ey, ex
	x0, y0, x1, y1 = x0-ex, y0-ey, x1+ex, y1+ey
	p.quad(x0+ox, y0+oy, x1+ox, y1+oy, x1-ox, y1-oy, x0-ox, y0-oy, c, fade, 1)
}

// dot fills a regular octagon of radius r around (x, y).
func (p *painter) dot(x, y, r float64, c color.RGBA) {
	if len(p.vs) > maxVertices {
		p.flush()
	}
	cr, cg, cb, ca := premul(c, 0, 1)
	i := uint16(len(p.vs))
	p.vs = append(p.vs, ebiten.Vertex{DstX: float32(x), DstY: float32(y), SrcX: 1, SrcY: 1,
		ColorR: cr, ColorG: cg, ColorB: cb, ColorA: ca})
	for k := range 8 {
		a := float64(k) * math.Pi / 4
		p.vs = append(p.vs, ebiten.Vertex{DstX: float32(x + r*math.Cos(a)), DstY: float32(y + r*math.Sin(a)),
			SrcX: 1, SrcY: 1, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: ca})
	}
	for k := range uint16(8) {
		p.is = append(p.is, i, i+1+k, i+1+(k+1)%8)
	}
}

// flush draws the queued shapes. It does not ask ebiten to antialias:
// that renders through a second, larger buffer, and where WebGL runs in
// software (SwiftShader, common on machines without a GPU) every extra pass
// over the canvas costs frame rate; lines are at least 1.6 CSS pixels wide
// instead.
func (p *painter) flush() {
	if len(p.is) == 0 {
		return
	}
	op := &ebiten.DrawTrianglesOptions{ColorScaleMode: ebiten.ColorScaleModePremultipliedAlpha}
	p.target.DrawTriangles(p.vs, p.is, p.white, op)
	p.vs, p.is = p.vs[:0], p.is[:0]
}

// text queues s at (x, y), aligned as given.
func (p *painter) text(s string, x, y float64, f font, c color.RGBA, align, vAlign Align) {
	p.texts = append(p.texts, textItem{s: s, x: x, y: y, face: f, col: c, align: align, vAlign: vAlign})
}

// drawTexts draws the queued text.
func (p *painter) drawTexts() {
	for _, t := range p.texts {
		c := [4]float32{float32(t.col.R) / 255, float32(t.col.G) / 255, float32(t.col.B) / 255, 1}
		p.tx.draw(p.target, t.s, t.face, t.x, t.y, c, t.align, t.vAlign, t.vertical)
	}
	p.texts = p.texts[:0]
	p.tx.endFrame()
}

// width returns the advance of s in font f.
func (p *painter) width(s string, f font) float64 { return p.tx.width(s, f) }

// fit returns s, shortened with an ellipsis if needed to fit in w pixels.
func (p *painter) fit(s string, f font, w float64) string {
	if p.width(s, f) <= w {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if p.width(string(r[:mid])+"…", f) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(r[:lo]) + "…"
}

// draw draws view v and its header on dst, w × h device pixels at scale s
// (device pixels per CSS pixel), leaving inset device pixels free at the
// bottom for the page's control bar.
func (p *painter) draw(dst *ebiten.Image, v *demo.View, h header, w, hgt, s, inset float64) {
	p.target, p.s = dst, s
	dst.Fill(pageColour)

	// Header: the title with the run's state on the right, then the status
	// line with the settings (or a note) on the right.
	tf, sf := p.face(titleSize, true), p.face(textSize, false)
	pad := headerPad * s
	y := pad
	p.text(v.Title, pad, y, tf, inkColour, Start, Start)
	p.text(h.run, w-pad, y+(titleSize-textSize)*s*0.6, sf, softInk, End, Start)
	y += titleSize * s * 1.35
	p.text(v.Status, pad, y, sf, inkColour, Start, Start)
	right, col := h.settings, softInk
	if h.message != "" {
		right, col = h.message, alertColour
	}
	if p.width(v.Status, sf)+p.width(right, sf)+3*pad < w {
		p.text(right, w-pad, y, sf, col, End, Start)
	}
	y += textSize * s * 1.5

	area := demo.Rect{X: pad, Y: y, W: w - 2*pad, H: hgt - y - pad - inset}
	rects := demo.Layout(v, area, panelGap*s)
	for i := range v.Panels {
		p.panel(&v.Panels[i], rects[i])
	}
	p.flush()
	p.drawTexts()
}

// mapping takes data coordinates to pixels inside a plot rectangle.
type mapping struct {
	r    demo.Rect
	x, y demo.Range
}

// px returns the pixel column of x.
func (m mapping) px(x float64) float64 { return m.r.X + (x-m.x.Min)/m.x.Span()*m.r.W }

// py returns the pixel row of y, clamped to the y range so that values
// beyond it sit on the plot's edge.
func (m mapping) py(y float64) float64 {
	y = min(max(y, m.y.Min), m.y.Max)
	return m.r.Y + m.r.H - (y-m.y.Min)/m.y.Span()*m.r.H
}

// tickLabel writes tick value v with as many decimals as the step needs,
// with a typographic minus sign.
func tickLabel(v, step float64) string {
	dec := 0
	if step > 0 && step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if len(s) > 0 && s[0] == '-' {
		s = "−" + s[1:]
	}
	return s
}

// panel draws one panel in r.
func (p *painter) panel(pn *demo.Panel, r demo.Rect) {
	s := p.s
	// A frame of four thin rectangles: in a software renderer every pixel
	// costs, so the panels are not filled over the white page.
	p.rect(demo.Rect{X: r.X, Y: r.Y, W: r.W, H: s}, borderColour, 1)
	p.rect(demo.Rect{X: r.X, Y: r.Y + r.H - s, W: r.W, H: s}, borderColour, 1)
	p.rect(demo.Rect{X: r.X, Y: r.Y, W: s, H: r.H}, borderColour, 1)
	p.rect(demo.Rect{X: r.X + r.W - s, Y: r.Y, W: s, H: r.H}, borderColour, 1)

	tf, sf := p.face(textSize, true), p.face(smallSize, false)
	pad := panelPad * s
	// A short panel (a small embed) keeps its legend on the title line, if
	// it fits there, and drops the x label, which the panels share.
	compact := r.H < 190*s
	if compact {
		pad = 5 * s
	}
	title := p.fit(pn.Title, tf, r.W-2*pad)
	p.text(title, r.X+pad, r.Y+pad, tf, inkColour, Start, Start)
	top := r.Y + pad + textSize*s*1.45

	// Legend: a short line in each curve's colour and its label, wrapping.
	lh := smallSize * s * 1.45
	var entries []*demo.Curve
	seen := map[string]bool{}
	legendW := 0.0
	for i := range pn.Curves {
		c := &pn.Curves[i]
		if c.Label == "" || seen[c.Label] {
			continue
		}
		seen[c.Label] = true
		entries = append(entries, c)
		legendW += 16*s + 4*s + p.width(c.Label, sf) + 12*s
	}
	lx, ly := r.X+pad, top
	if compact {
		lx, ly = r.X+r.W-pad-legendW, r.Y+pad
		if lx < r.X+pad+p.width(title, tf)+12*s {
			entries = nil
		}
	}
	for _, c := range entries {
		wd := 16*s + 4*s + p.width(c.Label, sf) + 12*s
		if !compact && lx+wd > r.X+r.W-pad && lx > r.X+pad {
			lx, ly = r.X+pad, ly+lh
		}
		if c.Alt != nil {
			// A live curve: show both loop colours.
			p.line(lx, ly+lh/2, lx+7*s, ly+lh/2, 2.2*s, roleColours[c.AltRole], 0)
			p.line(lx+9*s, ly+lh/2, lx+16*s, ly+lh/2, 2.2*s, roleColours[c.Role], 0)
		} else {
			p.line(lx, ly+lh/2, lx+16*s, ly+lh/2, 2.2*s, roleColours[c.Role], 0)
		}
		p.text(c.Label, lx+20*s, ly+lh/2, sf, softInk, Start, Center)
		lx += wd
	}
	if len(entries) > 0 && !compact {
		top = ly + lh + 2*s
	} else {
		top += 2 * s
	}

	// Plot area: room on the left for the y label and tick labels, at the
	// bottom for tick labels and the x label.
	yt := demo.Ticks(pn.Y, max(2, int((r.Y+r.H-top)/(38*s))))
	xt := demo.Ticks(pn.X, max(2, int(r.W/(80*s))))
	ystep, xstep := 0.0, 0.0
	if len(yt) > 1 {
		ystep = yt[1] - yt[0]
	}
	if len(xt) > 1 {
		xstep = xt[1] - xt[0]
	}
	tw := 0.0
	for _, v := range yt {
		tw = max(tw, p.width(tickLabel(v, ystep), sf))
	}
	left := r.X + pad + smallSize*s*1.3 + tw + 5*s
	bottom := r.Y + r.H - pad - smallSize*s*2.6
	if compact {
		bottom = r.Y + r.H - pad - smallSize*s*1.4
	}
	pr := demo.Rect{X: left, Y: top + 4*s, W: r.X + r.W - pad - left, H: bottom - top - 4*s}
	if pr.W < 10*s || pr.H < 10*s {
		return
	}
	m := mapping{r: pr, x: pn.X, y: pn.Y}
	if pn.Equal {
		k := min(pr.W/pn.X.Span(), pr.H/pn.Y.Span())
		cw, ch := k*pn.X.Span(), k*pn.Y.Span()
		m.r = demo.Rect{X: pr.X + (pr.W-cw)/2, Y: pr.Y + (pr.H-ch)/2, W: cw, H: ch}
		pr = m.r
	}

	// Bands, grid, zero line and axes.
	for _, b := range pn.Bands {
		x0, x1 := m.px(max(b.From, pn.X.Min)), m.px(min(b.To, pn.X.Max))
		c := roleColours[b.Role]
		if b.From == b.To {
			p.line(x0, pr.Y, x0, pr.Y+pr.H, 1.2*s, c, 0.3)
		} else {
			p.quad(x0, pr.Y, x1, pr.Y, x1, pr.Y+pr.H, x0, pr.Y+pr.H, c, 0.88, 1)
		}
		if b.Label != "" {
			lc := c
			if b.Role == demo.RoleOther || b.Role == demo.RoleTarget {
				lc = softInk
			}
			p.text(b.Label, x0+3*s, pr.Y+2*s, sf, lc, Start, Start)
		}
	}
	for _, v := range yt {
		y := m.py(v)
		p.line(pr.X, y, pr.X+pr.W, y, s, gridColour, 0)
		p.text(tickLabel(v, ystep), pr.X-5*s, y, sf, softInk, End, Center)
	}
	for _, v := range xt {
		x := m.px(v)
		p.line(x, pr.Y, x, pr.Y+pr.H, s, gridColour, 0)
		p.text(tickLabel(v, xstep), x, pr.Y+pr.H+4*s, sf, softInk, Center, Start)
	}
	if pn.Y.Min < 0 && pn.Y.Max > 0 {
		p.line(pr.X, m.py(0), pr.X+pr.W, m.py(0), s, zeroColour, 0)
	}
	p.line(pr.X, pr.Y+pr.H, pr.X+pr.W, pr.Y+pr.H, s, axisColour, 0)
	p.line(pr.X, pr.Y, pr.X, pr.Y+pr.H, s, axisColour, 0)
	if !compact {
		p.text(pn.XLabel, pr.X+pr.W/2, r.Y+r.H-pad, sf, softInk, Center, End)
	}
	p.texts = append(p.texts, textItem{s: pn.YLabel, x: r.X + pad, y: pr.Y + pr.H/2, face: sf,
		col: softInk, align: Center, vAlign: Start, vertical: true})

	for i := range pn.Curves {
		p.curve(&pn.Curves[i], m)
	}
	if !math.IsNaN(pn.Cursor) {
		x := m.px(pn.Cursor)
		p.line(x, pr.Y, x, pr.Y+pr.H, s, axisColour, 0)
	}
	if pn.Pen {
		p.dot(m.px(pn.PenX), m.py(pn.PenY), penRadius*s, roleColours[pn.PenRole])
	}
	if pn.Note != "" && len(pn.Curves) <= 1 {
		p.text(pn.Note, pr.X+pr.W/2, pr.Y+pr.H/2, sf, softInk, Center, Center)
	}
}

// curve strokes c, segment by segment, in its role's colour (or AltRole's
// where Alt is set), faded where it shows the previous trial, skipping
// points outside the x range and thinning points closer than a pixel.
func (p *painter) curve(c *demo.Curve, m mapping) {
	n := c.Len()
	if n == 0 {
		return
	}
	s := p.s
	wd := lineWidth * s
	if c.Width > 0 {
		wd *= c.Width
	}
	step := max(1, n/int(max(2*m.r.W, 1)))
	prevOK := false
	var px, py float64
	for i := 0; i < n; i += step {
		x, y := c.At(i)
		if x < m.x.Min-1e-9 || x > m.x.Max+1e-9 || math.IsNaN(y) {
			prevOK = false
			continue
		}
		X, Y := m.px(x), m.py(y)
		if prevOK {
			role := c.Role
			if c.Alt != nil && c.Alt[i] {
				role = c.AltRole
			}
			fade := 0.0
			if i >= c.Fresh {
				fade = 0.7
			}
			p.line(px, py, X, Y, wd, roleColours[role], fade)
		}
		if c.Dots {
			p.dot(X, Y, dotRadius*s, roleColours[c.Role])
		}
		px, py, prevOK = X, Y, true
	}
}
