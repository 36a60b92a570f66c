package shapes

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestRenderBuiltinsPNG draws every built-in drawing, as Sample gives it, to
// DIR/NAME.png when the environment variable BCP_SHAPES_PNG=DIR is set, so
// that a person can look at them; otherwise it is skipped. The start of the
// trajectory is marked in red and every 250th sample in grey.
func TestRenderBuiltinsPNG(t *testing.T) {
	dir := os.Getenv("BCP_SHAPES_PNG")
	if dir == "" {
		t.Skip("set BCP_SHAPES_PNG to a directory to draw the built-in shapes there")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range Names() {
		p, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".png")
		if err := writePNG(path, p.Sample(5000)); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
}

// writePNG draws the closed trajectory pts, in normalised coordinates
// (within ±1, y up), on a white 512 × 512 image.
func writePNG(path string, pts []Point) error {
	const size = 512
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	pixel := func(q Point) (int, int) {
		return int((0.5 + 0.46*q[0]) * size), int((0.5 - 0.46*q[1]) * size)
	}
	dot := func(q Point, r int, c color.Color) {
		x, y := pixel(q)
		for dx := -r; dx <= r; dx++ {
			for dy := -r; dy <= r; dy++ {
				img.Set(x+dx, y+dy, c)
			}
		}
	}
	// Consecutive samples are a few pixels apart at most, so points along
	// each step join them into a line.
	for i, q := range pts {
		next := pts[(i+1)%len(pts)]
		for k := range 8 {
			dot(lerp(q, next, float64(k)/8), 1, color.Black)
		}
	}
	for i := 250; i < len(pts); i += 250 {
		dot(pts[i], 2, color.Gray{0x90})
	}
	dot(pts[0], 4, color.RGBA{0xd0, 0x20, 0x20, 0xff})

	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
