package shapes

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile writes content to name in a fresh temporary directory and
// returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReadSVGFile checks that the d attribute of the first <path> that has
// one is used, whatever surrounds it, and that a file of bare path data is
// read too.
func TestReadSVGFile(t *testing.T) {
	tests := []struct {
		name, content string
		length        float64
	}{
		{"plain.svg", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
  <path d="M 0 0 H 3 V 4 Z"/>
  <path d="M 0 0 H 100"/>
</svg>`, 12},
		{"prolog.svg", `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- a comment -->
<svg xmlns="http://www.w3.org/2000/svg"><g><path id="x" style="fill:none"/><rect/>
<svg:path xmlns:svg="http://www.w3.org/2000/svg" d="m 0 0 h 5
  v 5"/></g></svg>`, 10},
		{"bare.txt", "\n  M 0 0 L 6 8\n", 10},
	}
	for _, tc := range tests {
		p, err := ReadSVGFile(writeFile(t, tc.name, tc.content))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if l := p.Length(); math.Abs(l-tc.length) > 1e-12 {
			t.Errorf("%s: length %v, want %v", tc.name, l, tc.length)
		}
	}
}

// TestReadSVGErrors checks that each problem gives one message naming the
// file and the problem.
func TestReadSVGErrors(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"nopath.svg", `<svg><rect width="3" height="4"/><path fill="red"/></svg>`,
			"no <path> element with a d attribute"},
		{"bad.svg", `<svg><path d="M 0 0 L 1 x"/></svg>`,
			"bad path data at offset 10: expected a number for 'L', found 'x'"},
		{"dot.svg", `<svg><path d="M 5 5 L 5 5 Z"/></svg>`, "the path has zero length"},
		{"empty.svg", `<svg><path d=""/></svg>`, "the path has zero length"},
		{"broken.svg", `<svg><g></svg>`, "not well-formed XML"},
		{"bad.txt", "M 0 0 Q 1", "bad path data at offset 9"},
	}
	for _, tc := range tests {
		path := writeFile(t, tc.name, tc.content)
		_, err := ReadSVGFile(path)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		want := "shapes: " + path + ": " + tc.want
		if !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %q, want a line starting %q", tc.name, err, want)
		}
	}

	_, err := ReadSVGFile(filepath.Join(t.TempDir(), "missing.svg"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.svg") {
		t.Errorf("missing file: got %v", err)
	}
}

// TestReadSVG checks the reader form, which calls its input "SVG input".
func TestReadSVG(t *testing.T) {
	p, err := ReadSVG(strings.NewReader(`<svg><path d="M0 0h1"/></svg>`))
	if err != nil || p.Length() != 1 {
		t.Errorf("got length %v and error %v, want 1 and none", p.Length(), err)
	}
	_, err = ReadSVG(strings.NewReader(`<svg/>`))
	if err == nil || err.Error() != "shapes: SVG input: no <path> element with a d attribute" {
		t.Errorf("got %v", err)
	}
	_, err = ReadSVG(strings.NewReader(`<svg><path d="M 1 1"/></svg>`))
	if !errors.Is(err, ErrZeroLength) {
		t.Errorf("got %v, want ErrZeroLength", err)
	}
}
