package results

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
)

// randomArrays returns arrays of the given shapes filled with non-zero
// values of both signs and many magnitudes, so that a misplaced or
// misconverted element shows.
func randomArrays(shapes map[string][]int) []Array {
	rng := rand.New(rand.NewPCG(1, 2))
	var arrays []Array
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range shapes {
			if !yield(k) {
				return
			}
		}
	}) {
		shape := shapes[name]
		n := 1
		for _, d := range shape {
			n *= d
		}
		data := make([]float32, n)
		for i := range data {
			x := float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3)))
			for x == 0 {
				x = float32(rng.NormFloat64())
			}
			data[i] = x
		}
		arrays = append(arrays, Array{Name: name, Shape: shape, Data: data})
	}
	return arrays
}

var npzShapes = map[string][]int{
	"vec":    {7},
	"mat":    {3, 4},
	"cube":   {2, 3, 5},
	"tensor": {2, 1, 3, 2},
	"row":    {1, 6},
	"scalar": {},
}

func TestWriteNPZRoundTrip(t *testing.T) {
	arrays := randomArrays(npzShapes)
	path := filepath.Join(t.TempDir(), "arrays.npz")
	if err := WriteNPZ(path, arrays); err != nil {
		t.Fatal(err)
	}

	r, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	var wantKeys []string
	for _, a := range arrays {
		wantKeys = append(wantKeys, a.Name+".npy")
	}
	if got := slices.Sorted(slices.Values(r.Keys())); !slices.Equal(got, wantKeys) {
		t.Errorf("keys = %q, want %q", got, wantKeys)
	}

	for _, a := range arrays {
		key := a.Name + ".npy"
		h := r.Header(key)
		if h == nil {
			t.Errorf("%s: no header", key)
			continue
		}
		// npyio keeps the quotes of the header's descr text.
		if strings.Trim(h.Descr.Type, "'") != "<f4" || h.Descr.Fortran {
			t.Errorf("%s: dtype %q fortran %v, want <f4 in C order", key, h.Descr.Type, h.Descr.Fortran)
		}
		if !slices.Equal(h.Descr.Shape, a.Shape) {
			t.Errorf("%s: shape %v, want %v", key, h.Descr.Shape, a.Shape)
		}

		var got []float32
		if len(a.Shape) == 0 {
			var x float32
			err = r.Read(key, &x)
			got = []float32{x}
		} else {
			err = r.Read(key, &got)
		}
		if err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		if !slices.Equal(got, a.Data) {
			t.Errorf("%s: data %v, want %v", key, got, a.Data)
		}
	}
}

// pythonWithNumPy returns a Python interpreter that can import numpy, or ""
// when there is none. The Debian interpreter is tried as well as the first
// python3 on PATH, which may be a separate installation without numpy.
func pythonWithNumPy() string {
	var candidates []string
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	candidates = append(candidates, "/usr/bin/python3")
	for _, p := range candidates {
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			return p
		}
	}
	return ""
}

const numpyLoad = `
import json, sys
import numpy as np
with np.load(sys.argv[1]) as f:
    out = {k: {"shape": list(f[k].shape), "dtype": str(f[k].dtype),
               "data": f[k].ravel(order="C").tolist()} for k in f.files}
json.dump(out, sys.stdout)
`

func TestWriteNPZNumPy(t *testing.T) {
	python := pythonWithNumPy()
	if python == "" {
		t.Skip("no python3 with numpy")
	}

	arrays := randomArrays(npzShapes)
	path := filepath.Join(t.TempDir(), "arrays.npz")
	if err := WriteNPZ(path, arrays); err != nil {
		t.Fatal(err)
	}

	out, err := exec.Command(python, "-c", numpyLoad, path).Output()
	if err != nil {
		t.Fatalf("numpy could not load %s: %v", path, err)
	}
	var loaded map[string]struct {
		Shape []int
		Dtype string
		Data  []float64 // float32 values are exact in float64
	}
	if err := json.Unmarshal(out, &loaded); err != nil {
		t.Fatal(err)
	}

	if len(loaded) != len(arrays) {
		t.Errorf("numpy sees %d arrays, want %d", len(loaded), len(arrays))
	}
	for _, a := range arrays {
		l, ok := loaded[a.Name]
		if !ok {
			t.Errorf("numpy has no array %q", a.Name)
			continue
		}
		if l.Dtype != "float32" || !slices.Equal(l.Shape, a.Shape) {
			t.Errorf("%s: numpy sees %s %v, want float32 %v", a.Name, l.Dtype, l.Shape, a.Shape)
		}
		got := make([]float32, len(l.Data))
		for i, x := range l.Data {
			got[i] = float32(x)
		}
		if !slices.Equal(got, a.Data) {
			t.Errorf("%s: numpy reads %v, want %v", a.Name, got, a.Data)
		}
	}
}

func TestWriteNPZInvalid(t *testing.T) {
	ok := Array{Name: "ok", Shape: []int{2}, Data: []float32{1, 2}}
	for _, tc := range []struct {
		arrays []Array
		want   string
	}{
		{[]Array{{Name: "a", Shape: []int{2, 3}, Data: make([]float32, 5)}}, "holds 6 elements"},
		{[]Array{{Name: "a", Shape: []int{0}, Data: nil}}, "dimension below 1"},
		{[]Array{{Name: "a", Shape: []int{2, -1}, Data: nil}}, "dimension below 1"},
		{[]Array{{Name: "", Shape: []int{1}, Data: []float32{1}}}, "no name"},
		{[]Array{ok, ok}, `two arrays named "ok"`},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "a.npz")
		err := WriteNPZ(path, tc.arrays)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%v: error = %v, want one naming %s with %q", tc.arrays, err, path, tc.want)
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%v: file written anyway", tc.arrays)
		}
	}
}

func ExampleWriteNPZ() {
	dir, err := os.MkdirTemp("", "results-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	weights := Array{Name: "wEE", Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}}
	path := filepath.Join(dir, "weights.npz")
	if err := WriteNPZ(path, []Array{weights}); err != nil {
		fmt.Println(err)
		return
	}
	// In Python: numpy.load(path)["wEE"] is [[1, 2, 3], [4, 5, 6]], float32.

	r, err := npz.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	fmt.Println(r.Keys(), r.Header("wEE.npy").Descr.Shape)
	// Output: [wEE.npy] [2 3]
}
