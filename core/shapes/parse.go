package shapes

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// SyntaxError reports path data that does not follow the SVG grammar, at the
// byte offset of the first character that does not fit.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("bad path data at offset %d: %s", e.Offset, e.Msg)
}

// ErrZeroLength is the error for path data that draws nothing: no segment,
// or segments of zero total length.
var ErrZeroLength = errors.New("the path has zero length")

// errTooLarge is the error for finite path data whose drawing overflows
// float64 arithmetic.
var errTooLarge = errors.New("the path's coordinates are too large to sample")

// ParsePathData reads SVG path data, the d attribute of a <path> element, into
// a Path. It accepts the commands M, L, H, V, C, S, Q, T, A and Z in absolute
// (upper case) and relative (lower case) form, with the SVG rules: numbers
// after a command repeat it (after a moveto, as linetos); S and T reflect the
// previous control point; a command after Z starts a new subpath at the
// closed subpath's start; arcs with a zero radius are straight lines and arcs
// whose end is their start are left out. The path data must start with a
// moveto and must draw something of nonzero length; otherwise, or for any
// syntax error, it returns a *SyntaxError or ErrZeroLength (wrapped).
func ParsePathData(d string) (Path, error) {
	p, err := parsePathData(d)
	if err != nil {
		return Path{}, fmt.Errorf("shapes: %w", err)
	}
	return p, nil
}

// parsePathData is ParsePathData without the package prefix on errors.
func parsePathData(d string) (Path, error) {
	ps := pathParser{s: d}
	path, err := ps.parse()
	if err != nil {
		return Path{}, err
	}
	ext := path.extent()
	if math.IsInf(ext, 0) || math.IsNaN(ext) {
		return Path{}, errTooLarge
	}
	l := path.Length()
	if math.IsInf(l, 0) || math.IsNaN(l) {
		return Path{}, errTooLarge
	}
	if !(l > 0) {
		return Path{}, ErrZeroLength
	}
	return path, nil
}

// pathParser holds the state of the SVG path-data state machine.
type pathParser struct {
	s   string
	pos int

	path Path
	open *Subpath // the subpath being drawn; nil before the first segment

	cur, start Point // current point and start of the current subpath
	// ctrl is the last control point of the previous segment when that was a
	// cubic (for S) or quadratic (for T) curve, as recorded by lastCubic and
	// lastQuad; otherwise S and T use the current point.
	ctrl                Point
	lastCubic, lastQuad bool
}

func isWsp(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func (p *pathParser) skipWsp() {
	for p.pos < len(p.s) && isWsp(p.s[p.pos]) {
		p.pos++
	}
}

// skipCommaWsp skips white space with at most one comma in it and reports
// whether there was a comma.
func (p *pathParser) skipCommaWsp() bool {
	p.skipWsp()
	if p.pos < len(p.s) && p.s[p.pos] == ',' {
		p.pos++
		p.skipWsp()
		return true
	}
	return false
}

func (p *pathParser) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

// found describes the character at the current position for an error.
func (p *pathParser) found() string {
	if p.pos >= len(p.s) {
		return "the end of the data"
	}
	return strconv.QuoteRune(rune(p.s[p.pos]))
}

// startsNumber reports whether a number starts at the current position.
func (p *pathParser) startsNumber() bool {
	if p.pos >= len(p.s) {
		return false
	}
	c := p.s[p.pos]
	return c == '+' || c == '-' || c == '.' || ('0' <= c && c <= '9')
}

// number reads a number: sign? (digits ("." digits?)? | "." digits) exponent?,
// where the exponent is [eE] sign? digits. A number ends where the grammar
// ends, so "-.5.5" is two numbers.
func (p *pathParser) number(cmd byte) (float64, error) {
	start := p.pos
	i := p.pos
	if i < len(p.s) && (p.s[i] == '+' || p.s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(p.s) && '0' <= p.s[i] && p.s[i] <= '9' {
		i++
		digits++
	}
	if i < len(p.s) && p.s[i] == '.' {
		i++
		for i < len(p.s) && '0' <= p.s[i] && p.s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, p.errorf("expected a number for %q, found %s", cmd, p.found())
	}
	if i < len(p.s) && (p.s[i] == 'e' || p.s[i] == 'E') {
		j := i + 1
		if j < len(p.s) && (p.s[j] == '+' || p.s[j] == '-') {
			j++
		}
		if j < len(p.s) && '0' <= p.s[j] && p.s[j] <= '9' {
			for j < len(p.s) && '0' <= p.s[j] && p.s[j] <= '9' {
				j++
			}
			i = j
		}
	}
	v, err := strconv.ParseFloat(p.s[start:i], 64)
	if err != nil {
		return 0, p.errorf("the number %s is out of range", p.s[start:i])
	}
	p.pos = i
	return v, nil
}

// flag reads an arc flag, a single 0 or 1 that needs no separator after it.
func (p *pathParser) flag(cmd byte) (bool, error) {
	if p.pos < len(p.s) && (p.s[p.pos] == '0' || p.s[p.pos] == '1') {
		p.pos++
		return p.s[p.pos-1] == '1', nil
	}
	return false, p.errorf("expected an arc flag (0 or 1) for %q, found %s", cmd, p.found())
}

// args reads the n numbers of one instance of cmd, separated by comma-wsp;
// flags, when not nil, marks the positions that are arc flags.
func (p *pathParser) args(cmd byte, vals []float64, flags []bool) error {
	for k := range vals {
		if k > 0 {
			p.skipCommaWsp()
		}
		if flags != nil && flags[k] {
			f, err := p.flag(cmd)
			if err != nil {
				return err
			}
			vals[k] = 0
			if f {
				vals[k] = 1
			}
			continue
		}
		v, err := p.number(cmd)
		if err != nil {
			return err
		}
		vals[k] = v
	}
	return nil
}

// argCount is the number of numbers each command takes.
var argCount = map[byte]int{
	'M': 2, 'L': 2, 'H': 1, 'V': 1, 'C': 6, 'S': 4, 'Q': 4, 'T': 2, 'A': 7, 'Z': 0,
}

var arcFlags = []bool{false, false, false, true, true, false, false}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func (p *pathParser) parse() (Path, error) {
	p.skipWsp()
	if p.pos >= len(p.s) {
		return Path{}, ErrZeroLength
	}
	if c := p.s[p.pos]; c != 'M' && c != 'm' {
		return Path{}, p.errorf("path data must begin with a moveto (M or m), found %s", p.found())
	}

	var cmd byte
	var vals [7]float64
	for {
		p.skipWsp()
		if p.pos >= len(p.s) {
			break
		}
		c := p.s[p.pos]
		switch {
		case argCount[upper(c)] > 0 || upper(c) == 'Z':
			cmd = c
			p.pos++
			p.skipWsp()
		case p.startsNumber() && cmd != 0 && upper(cmd) != 'Z':
			// An implicit repetition of the last command; a moveto
			// repeats as a lineto.
			switch cmd {
			case 'M':
				cmd = 'L'
			case 'm':
				cmd = 'l'
			}
		case p.startsNumber():
			return Path{}, p.errorf("closepath (Z) takes no numbers")
		default:
			return Path{}, p.errorf("unexpected character %s", p.found())
		}

		n := argCount[upper(cmd)]
		var flags []bool
		if upper(cmd) == 'A' {
			flags = arcFlags
		}
		at := p.pos
		if err := p.args(cmd, vals[:n], flags); err != nil {
			return Path{}, err
		}
		if err := p.apply(cmd, vals[:n]); err != nil {
			p.pos = at
			return Path{}, p.errorf("%v", err)
		}

		// A comma may separate this instance from a repetition, but it
		// must then be followed by one.
		if p.skipCommaWsp() && !p.startsNumber() {
			return Path{}, p.errorf("expected a number after ',', found %s", p.found())
		}
	}
	p.finish()
	return p.path, nil
}

// finish ends the current subpath, keeping it if it has segments.
func (p *pathParser) finish() {
	if p.open != nil && len(p.open.Segments) > 0 {
		p.path.Subpaths = append(p.path.Subpaths, *p.open)
	}
	p.open = nil
}

// add appends a segment to the current subpath, opening one at the current
// point if there is none, and moves the current point to its end.
func (p *pathParser) add(s Segment) {
	if p.open == nil {
		p.open = &Subpath{}
		p.start = p.cur
	}
	p.open.Segments = append(p.open.Segments, s)
	p.cur = s.End()
}

// apply executes one instance of cmd with its numbers v.
func (p *pathParser) apply(cmd byte, v []float64) error {
	rel := cmd != upper(cmd)
	var o Point // origin of relative coordinates
	if rel {
		o = p.cur
	}
	pt := func(i int) Point { return Point{o[0] + v[i], o[1] + v[i+1]} }

	wasCubic, wasQuad := p.lastCubic, p.lastQuad
	p.lastCubic, p.lastQuad = false, false

	var pts []Point
	switch upper(cmd) {
	case 'M':
		p.finish()
		p.cur = pt(0)
		p.start = p.cur
		pts = []Point{p.cur}
	case 'L':
		q := pt(0)
		pts = []Point{q}
		p.add(Line{p.cur, q})
	case 'H':
		q := Point{o[0] + v[0], p.cur[1]}
		pts = []Point{q}
		p.add(Line{p.cur, q})
	case 'V':
		q := Point{p.cur[0], o[1] + v[0]}
		pts = []Point{q}
		p.add(Line{p.cur, q})
	case 'C':
		c := Cubic{p.cur, pt(0), pt(2), pt(4)}
		pts = []Point{c.Ctrl1, c.Ctrl2, c.To}
		p.add(c)
		p.ctrl, p.lastCubic = c.Ctrl2, true
	case 'S':
		c1 := p.cur
		if wasCubic {
			c1 = reflect(p.ctrl, p.cur)
		}
		c := Cubic{p.cur, c1, pt(0), pt(2)}
		pts = []Point{c.Ctrl1, c.Ctrl2, c.To}
		p.add(c)
		p.ctrl, p.lastCubic = c.Ctrl2, true
	case 'Q':
		q := Quad{p.cur, pt(0), pt(2)}
		pts = []Point{q.Ctrl, q.To}
		p.add(q)
		p.ctrl, p.lastQuad = q.Ctrl, true
	case 'T':
		c := p.cur
		if wasQuad {
			c = reflect(p.ctrl, p.cur)
		}
		q := Quad{p.cur, c, pt(0)}
		pts = []Point{q.Ctrl, q.To}
		p.add(q)
		p.ctrl, p.lastQuad = q.Ctrl, true
	case 'A':
		to := pt(5)
		pts = []Point{to}
		if !finite(to) {
			break
		}
		s, err := arcSegment(p.cur, to, v[0], v[1], v[2], v[3] != 0, v[4] != 0)
		if err != nil {
			return err
		}
		if s != nil {
			p.add(s)
		}
	case 'Z':
		if p.open != nil {
			if p.cur != p.start {
				p.add(Line{p.cur, p.start})
			}
			p.open.Closed = true
			p.finish()
		}
		p.cur = p.start
	}
	for _, q := range pts {
		if !finite(q) {
			return fmt.Errorf("the coordinates overflow")
		}
	}
	return nil
}

// reflect returns the reflection of c about the point about.
func reflect(c, about Point) Point {
	return Point{2*about[0] - c[0], 2*about[1] - c[1]}
}

func finite(q Point) bool {
	return !math.IsInf(q[0], 0) && !math.IsNaN(q[0]) && !math.IsInf(q[1], 0) && !math.IsNaN(q[1])
}
