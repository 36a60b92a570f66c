package results

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteJSONNonFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	v := struct {
		Loss  Float   `json:"loss"`
		Curve []Float `json:"curve"`
		Seed  int     `json:"seed"`
	}{Float(nan), Floats([]float64{1, nan, inf, -inf, 0.5, 1e-7}), 3}
	path := filepath.Join(t.TempDir(), "summary.json")
	if err := WriteJSON(path, v); err != nil {
		t.Fatal(err)
	}
	want := `{
  "loss": null,
  "curve": [
    1,
    null,
    null,
    null,
    0.5,
    1e-07
  ],
  "seed": 3
}
`
	if got := readString(t, path); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriteJSONFailureKeepsOld(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.json")
	if err := WriteJSON(path, map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	before := readString(t, path)

	err := WriteJSON(path, map[string]any{"f": func() {}})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("error = %v, want one naming %s", err, path)
	}
	if got := readString(t, path); got != before {
		t.Errorf("file changed to %q", got)
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
}
