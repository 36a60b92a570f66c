package shapes

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxSVGBytes bounds what ReadSVG reads, far above any drawing.
const maxSVGBytes = 64 << 20

// ReadSVG reads a drawing from an SVG document: the path data of its first
// <path> element that has a d attribute. Input that does not start with '<'
// (after white space) is not XML and is read as bare path data instead. The
// errors name the input "SVG input"; ReadSVGFile names the file.
func ReadSVG(r io.Reader) (Path, error) {
	return readSVG(r, "SVG input")
}

// ReadSVGFile reads a drawing from the SVG file (or bare path-data file) at
// path; see ReadSVG.
func ReadSVGFile(path string) (Path, error) {
	f, err := os.Open(path)
	if err != nil {
		return Path{}, fmt.Errorf("shapes: cannot open the drawing: %w", err)
	}
	defer f.Close()
	return readSVG(f, path)
}

func readSVG(r io.Reader, name string) (Path, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSVGBytes+1))
	if err != nil {
		return Path{}, fmt.Errorf("shapes: %s: cannot be read: %w", name, err)
	}
	if len(data) > maxSVGBytes {
		return Path{}, fmt.Errorf("shapes: %s: larger than %d MiB, too large for a drawing",
			name, maxSVGBytes>>20)
	}

	d := string(bytes.TrimSpace(data))
	if len(d) > 0 && d[0] == '<' {
		var found bool
		d, found, err = firstPathData(data)
		if err != nil {
			return Path{}, fmt.Errorf("shapes: %s: not well-formed XML (%v)", name, err)
		}
		if !found {
			return Path{}, fmt.Errorf("shapes: %s: no <path> element with a d attribute", name)
		}
	}

	p, err := parsePathData(d)
	if err != nil {
		return Path{}, fmt.Errorf("shapes: %s: %w", name, err)
	}
	return p, nil
}

// firstPathData returns the d attribute of the first <path> element that has
// one. The document is read only as far as that element.
func firstPathData(data []byte) (d string, found bool, err error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		el, ok := tok.(xml.StartElement)
		if !ok || el.Name.Local != "path" {
			continue
		}
		for _, a := range el.Attr {
			if a.Name.Local == "d" && a.Name.Space == "" {
				return a.Value, true, nil
			}
		}
	}
}
