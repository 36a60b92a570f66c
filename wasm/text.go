//go:build js && wasm

package main

import (
	"math"
	"strconv"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
)

// Text is rasterised by the browser: each distinct label is drawn once
// with the Canvas 2D API into a small offscreen canvas, copied into an
// ebiten image and drawn from there until it goes unused. This gives the
// platform's own font rendering (hinting, every script, crisp at any
// pixel ratio) and keeps a font file and a font rasteriser out of the
// binary, which must stay under 15 MB.

// fontStack is the CSS font family list: the platform's UI sans-serif
// where there is one, a metric-compatible free font elsewhere.
const fontStack = `"Segoe UI", "Helvetica Neue", Helvetica, Arial, "Liberation Sans", ` +
	`Roboto, "Noto Sans", "DejaVu Sans", sans-serif`

// evictAfter is how many frames an unused label is kept.
const evictAfter = 90

// Align places text relative to a point.
type Align uint8

// Alignments: Start is the left edge (or the top of the line), Center the
// middle, End the right edge (or the bottom of the line).
const (
	Start Align = iota
	Center
	End
)

// font is a text size in device pixels and a weight.
type font struct {
	px   float64
	bold bool
}

// css returns f as a CSS font shorthand.
func (f font) css() string {
	w := "400 "
	if f.bold {
		w = "600 "
	}
	return w + strconv.FormatFloat(f.px, 'f', 1, 64) + "px " + fontStack
}

// label is one piece of text: its width, and once it has been drawn, its
// rasterised image, white on transparent.
type label struct {
	img    *ebiten.Image // nil until drawn, and for empty text
	width  float64       // advance width
	used   int           // frame of last use
	raster bool          // img is made
}

// metrics are a font's vertical measures.
type metrics struct{ ascent, descent float64 }

// texter rasterises and caches labels.
type texter struct {
	ctx    js.Value // 2D context of the offscreen canvas
	canvas js.Value
	u8     js.Value // the Uint8Array constructor
	buf    []byte
	labels map[textKey]*label
	fonts  map[font]metrics
	frame  int
}

type textKey struct {
	s string
	f font
}

func newTexter() *texter {
	doc := js.Global().Get("document")
	c := doc.Call("createElement", "canvas")
	c.Set("width", 256)
	c.Set("height", 64)
	opts := js.Global().Get("Object").New()
	opts.Set("willReadFrequently", true)
	return &texter{canvas: c, ctx: c.Call("getContext", "2d", opts), u8: js.Global().Get("Uint8Array"),
		labels: map[textKey]*label{}, fonts: map[font]metrics{}}
}

// metrics returns the ascent and descent of font f.
func (t *texter) metrics(f font) metrics {
	if m, ok := t.fonts[f]; ok {
		return m
	}
	t.ctx.Set("font", f.css())
	tm := t.ctx.Call("measureText", "Hg")
	m := metrics{ascent: 0.93 * f.px, descent: 0.24 * f.px}
	if a := tm.Get("fontBoundingBoxAscent"); a.Type() == js.TypeNumber {
		m.ascent = a.Float()
	}
	if d := tm.Get("fontBoundingBoxDescent"); d.Type() == js.TypeNumber {
		m.descent = d.Float()
	}
	t.fonts[f] = m
	return m
}

// measured returns the label of s in font f with its width, made on first
// use.
func (t *texter) measured(s string, f font) *label {
	k := textKey{s, f}
	if l, ok := t.labels[k]; ok {
		l.used = t.frame
		return l
	}
	l := &label{used: t.frame}
	t.labels[k] = l
	if s != "" {
		t.ctx.Set("font", f.css())
		l.width = t.ctx.Call("measureText", s).Get("width").Float()
	}
	return l
}

// get returns the label of s in font f, rasterising it if needed.
func (t *texter) get(s string, f font) *label {
	l := t.measured(s, f)
	if l.raster || s == "" {
		return l
	}
	l.raster = true
	m := t.metrics(f)
	ctx := t.ctx
	w, h := int(math.Ceil(l.width))+2, int(math.Ceil(m.ascent+m.descent))+2
	if t.canvas.Get("width").Int() < w || t.canvas.Get("height").Int() < h {
		// Resizing a canvas resets its context state.
		t.canvas.Set("width", max(w, t.canvas.Get("width").Int()))
		t.canvas.Set("height", max(h, t.canvas.Get("height").Int()))
	}
	ctx.Set("font", f.css())
	ctx.Call("clearRect", 0, 0, w, h)
	ctx.Set("fillStyle", "#fff")
	ctx.Set("textBaseline", "alphabetic")
	ctx.Call("fillText", s, 1, 1+m.ascent)
	data := ctx.Call("getImageData", 0, 0, w, h).Get("data")
	if cap(t.buf) < 4*w*h {
		t.buf = make([]byte, 4*w*h)
	}
	buf := t.buf[:4*w*h]
	js.CopyBytesToGo(buf, t.u8.New(data.Get("buffer"), data.Get("byteOffset"), data.Get("length")))
	// The canvas gives straight alpha; white with alpha a is (a, a, a, a)
	// premultiplied, which is what ebiten images hold.
	for i := 0; i < len(buf); i += 4 {
		a := buf[i+3]
		buf[i], buf[i+1], buf[i+2] = a, a, a
	}
	l.img = ebiten.NewImage(w, h)
	l.img.WritePixels(buf)
	return l
}

// width returns the advance width of s in font f.
func (t *texter) width(s string, f font) float64 { return t.measured(s, f).width }

// draw draws s in font f and colour c at (x, y), aligned as given; with
// vertical the text is turned a quarter turn anticlockwise about (x, y),
// reading upwards.
func (t *texter) draw(dst *ebiten.Image, s string, f font, x, y float64, c [4]float32,
	align, vAlign Align, vertical bool) {
	l := t.get(s, f)
	if l.img == nil {
		return
	}
	m := t.metrics(f)
	ox, oy := -1.0, -1.0
	switch align {
	case Center:
		ox -= l.width / 2
	case End:
		ox -= l.width
	}
	lh := m.ascent + m.descent
	switch vAlign {
	case Center:
		oy -= lh / 2
	case End:
		oy -= lh
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(math.Round(ox), math.Round(oy))
	if vertical {
		op.GeoM.Rotate(-math.Pi / 2)
	}
	op.GeoM.Translate(math.Round(x), math.Round(y))
	op.ColorScale.Scale(c[0], c[1], c[2], c[3])
	dst.DrawImage(l.img, op)
}

// endFrame disposes of the labels that have not been used for a while.
func (t *texter) endFrame() {
	t.frame++
	if t.frame%30 != 0 {
		return
	}
	for k, l := range t.labels {
		if t.frame-l.used > evictAfter {
			if l.img != nil {
				l.img.Deallocate()
			}
			delete(t.labels, k)
		}
	}
}
