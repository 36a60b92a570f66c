package dataset

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Pixels and targets are float32 values of simple decimal expressions, so they agree
// with the float64 expression to float32 rounding, below 1e-7 on [0, 1].
const protocolTol = 1e-7

// checkSplit checks that s holds the images first..first+n−1 of pixels and labels, in
// order, scaled and softened by the protocol.
func checkSplit(t *testing.T, what string, s Split, pixels, labels []uint8, first, n, dim int) {
	t.Helper()
	if s.N != n || s.Dim != dim || s.Classes != Classes ||
		len(s.X) != n*dim || len(s.Y) != n*Classes || len(s.Labels) != n {
		t.Fatalf("%s: N %d, Dim %d, Classes %d, len X %d, Y %d, Labels %d; want N %d, Dim %d",
			what, s.N, s.Dim, s.Classes, len(s.X), len(s.Y), len(s.Labels), n, dim)
	}
	for i := range n {
		src := first + i
		if s.Labels[i] != labels[src] {
			t.Fatalf("%s: label %d is %d, want %d", what, i, s.Labels[i], labels[src])
		}
		for p := range dim {
			want := float64(pixels[src*dim+p]) / 255
			if got := float64(s.X[i*dim+p]); math.Abs(got-want) > protocolTol {
				t.Fatalf("%s: pixel (%d, %d) is %v, want %v", what, i, p, got, want)
			}
		}
		for c := range Classes {
			want := 0.01 / 9
			if c == int(labels[src]) {
				want = 0.99
			}
			if got := float64(s.Y[i*Classes+c]); math.Abs(got-want) > protocolTol {
				t.Fatalf("%s: target (%d, %d) is %v, want %v", what, i, c, got, want)
			}
		}
	}
}

func TestLoadProtocol(t *testing.T) {
	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprintf("gzip=%v", gz), func(t *testing.T) {
			s := writeSynth(t, 3, 50, 20, 4, 3, gz)
			for _, name := range []string{"mnist", "fashion-mnist"} {
				d, err := Load(name, s.dir, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				if d.Name != name || d.Height != 4 || d.Width != 3 {
					t.Errorf("Name %q, %d×%d; want %q, 4×3", d.Name, d.Height, d.Width, name)
				}
				checkSplit(t, "valid", d.Valid, s.trainX, s.trainY, 0, 5, 12)
				checkSplit(t, "train", d.Train, s.trainX, s.trainY, 5, 45, 12)
				checkSplit(t, "test", d.Test, s.testX, s.testY, 0, 20, 12)
			}
		})
	}
}

func TestLoadLimits(t *testing.T) {
	s := writeSynth(t, 4, 50, 20, 2, 5, true)
	tests := []struct {
		limitTrain, limitTest int
		nValid, nTrain, nTest int
	}{
		{0, 0, 5, 45, 20},
		{20, 7, 3, 20, 7},
		{29, 0, 4, 29, 20},
		{50, 20, 5, 45, 20},
		{1000, 1000, 5, 45, 20},
		{9, 1, 1, 9, 1},
		{2, 0, 1, 2, 20},
		{1, 0, 1, 1, 20},
	}
	for _, tc := range tests {
		d, err := Load("mnist", s.dir, tc.limitTrain, tc.limitTest)
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("limits (%d, %d)", tc.limitTrain, tc.limitTest)
		checkSplit(t, what+" valid", d.Valid, s.trainX, s.trainY, 0, tc.nValid, 10)
		// The training split always starts after the file's first 10 % (5 of 50).
		checkSplit(t, what+" train", d.Train, s.trainX, s.trainY, 5, tc.nTrain, 10)
		checkSplit(t, what+" test", d.Test, s.testX, s.testY, 0, tc.nTest, 10)
	}

	for _, lim := range [][2]int{{-1, 0}, {0, -3}} {
		_, err := Load("mnist", s.dir, lim[0], lim[1])
		if err == nil || !strings.Contains(err.Error(), "negative") {
			t.Errorf("limits %v: error %v, want one about negative limits", lim, err)
		}
	}
}

func TestLoadPrefersRawFile(t *testing.T) {
	s := writeSynth(t, 5, 30, 10, 2, 2, true)
	raw := writeSynth(t, 6, 30, 10, 2, 2, false)
	for _, base := range []string{trainImagesFile, trainLabelsFile, testImagesFile,
		testLabelsFile} {
		content, err := os.ReadFile(filepath.Join(raw.dir, base))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(s.dir, base), content, false)
	}

	d, err := Load("mnist", s.dir, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkSplit(t, "train", d.Train, raw.trainX, raw.trainY, 3, 27, 4)
}

// errorCase prepares a directory (from a fresh synthetic set) and names what the
// error of Load must contain.
type errorCase struct {
	name    string
	set     string
	prepare func(t *testing.T, s *synthSet) (dir string, want []string)
}

func TestLoadErrors(t *testing.T) {
	replace := func(t *testing.T, s *synthSet, base string, dims []int, data []uint8) string {
		path := filepath.Join(s.dir, base+".gz")
		writeFile(t, path, encodeIDX(dims, data), true)
		return path
	}
	tests := []errorCase{
		{"missing fashion dir", "fashion-mnist", func(t *testing.T, s *synthSet) (
			string, []string) {
			dir := filepath.Join(s.dir, "absent")
			return dir, []string{dir, "does not exist",
				"apt-get install dataset-fashion-mnist", "--data DIR"}
		}},
		{"missing mnist dir", "mnist", func(t *testing.T, s *synthSet) (string, []string) {
			dir := filepath.Join(s.dir, "absent")
			return dir, []string{dir, "MNIST needs --data DIR"}
		}},
		{"no mnist dir", "mnist", func(t *testing.T, s *synthSet) (string, []string) {
			return "", []string{"MNIST needs --data DIR"}
		}},
		{"dir is a file", "mnist", func(t *testing.T, s *synthSet) (string, []string) {
			return s.trainPath, []string{s.trainPath, "is not a directory"}
		}},
		{"unknown set", "cifar", func(t *testing.T, s *synthSet) (string, []string) {
			return s.dir, []string{`"cifar"`, "fashion-mnist"}
		}},
		{"count mismatch", "mnist", func(t *testing.T, s *synthSet) (string, []string) {
			lbl := replace(t, s, trainLabelsFile, []int{29}, s.trainY[:29])
			return s.dir, []string{s.trainPath, lbl, "30 images", "29 labels"}
		}},
		{"label out of range", "mnist", func(t *testing.T, s *synthSet) (string, []string) {
			bad := append([]uint8(nil), s.testY...)
			bad[7] = 10
			lbl := replace(t, s, testLabelsFile, []int{len(bad)}, bad)
			return s.dir, []string{lbl, "label 10 at index 7"}
		}},
		{"images not 3-D", "mnist", func(t *testing.T, s *synthSet) (string, []string) {
			img := replace(t, s, trainImagesFile, []int{30, 6}, s.trainX)
			return s.dir, []string{img, "[30 6]", "3-D"}
		}},
		{"labels not 1-D", "fashion-mnist", func(t *testing.T, s *synthSet) (
			string, []string) {
			lbl := replace(t, s, testLabelsFile, []int{10, 1}, s.testY)
			return s.dir, []string{lbl, "[10 1]", "1-D"}
		}},
		{"test size differs", "mnist", func(t *testing.T, s *synthSet) (string, []string) {
			img := replace(t, s, testImagesFile, []int{10, 3, 3}, make([]uint8, 90))
			return s.dir, []string{img, "3×3", "2×3"}
		}},
		{"no images", "mnist", func(t *testing.T, s *synthSet) (string, []string) {
			img := replace(t, s, testImagesFile, []int{0, 2, 3}, nil)
			replace(t, s, testLabelsFile, []int{0}, nil)
			return s.dir, []string{img, "no pixels"}
		}},
		{"damaged file", "mnist", func(t *testing.T, s *synthSet) (string, []string) {
			path := filepath.Join(s.dir, testImagesFile+".gz")
			writeFile(t, path, []byte("not an idx file"), false)
			return s.dir, []string{path, "wrong magic number"}
		}},
	}
	for _, base := range []string{trainImagesFile, trainLabelsFile, testImagesFile,
		testLabelsFile} {
		for _, set := range []string{"mnist", "fashion-mnist"} {
			tests = append(tests, errorCase{"missing " + base, set,
				func(t *testing.T, s *synthSet) (string, []string) {
					if err := os.Remove(filepath.Join(s.dir, base+".gz")); err != nil {
						t.Fatal(err)
					}
					hint := "reinstall dataset-fashion-mnist or pass --data DIR"
					if set == "mnist" {
						hint = "MNIST needs --data DIR"
					}
					return s.dir, []string{filepath.Join(s.dir, base), "missing", hint}
				}})
		}
	}

	for _, tc := range tests {
		t.Run(tc.name+" "+tc.set, func(t *testing.T) {
			s := writeSynth(t, 8, 30, 10, 2, 3, true)
			dir, want := tc.prepare(t, s)
			_, err := Load(tc.set, dir, 0, 0)
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, w := range want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q should contain %q", err, w)
				}
			}
		})
	}
}

func TestBatch(t *testing.T) {
	s := writeSynth(t, 9, 40, 10, 3, 2, false)
	d, err := Load("mnist", s.dir, 0, 0)
	if err != nil {
		t.Fatal(err)
	}

	idx := []int{35, 0, 7, 7, 20}
	x := make([]float32, len(idx)*d.Train.Dim)
	y := make([]float32, len(idx)*Classes)
	allocs := testing.AllocsPerRun(10, func() { d.Train.Batch(idx, x, y) })
	if allocs != 0 {
		t.Errorf("Batch allocates %v times per call, want 0", allocs)
	}
	for b, i := range idx {
		for p := range d.Train.Dim {
			if x[b*d.Train.Dim+p] != d.Train.X[i*d.Train.Dim+p] {
				t.Fatalf("x row %d differs from training row %d", b, i)
			}
		}
		for c := range Classes {
			if y[b*Classes+c] != d.Train.Y[i*Classes+c] {
				t.Fatalf("y row %d differs from training row %d", b, i)
			}
		}
	}

	for _, bad := range []func(){
		func() { d.Train.Batch(idx, x[:len(x)-1], y) },
		func() { d.Train.Batch(idx, x, y[:len(y)-1]) },
		func() { d.Train.Batch([]int{d.Train.N}, x, y) },
		func() { d.Train.Batch([]int{-1}, x, y) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("Batch with a bad argument did not panic")
				}
			}()
			bad()
		}()
	}
}

func TestSoftTargetRowsSumToOne(t *testing.T) {
	sum := float64(softOn) + (Classes-1)*float64(softOff)
	if math.Abs(sum-1) > 1e-7 {
		t.Errorf("a soft target row sums to %v, want 1", sum)
	}
}

func TestScalePixelsInParallel(t *testing.T) {
	src := make([]uint8, 3*pixelChunk+17) // Several goroutines when GOMAXPROCS > 1.
	for i := range src {
		src[i] = uint8(i * 7)
	}
	dst := make([]float32, len(src))
	scalePixels(dst, src)
	for i, p := range src {
		if want := float32(p) / 255; dst[i] != want {
			t.Fatalf("pixel %d is %v, want %v", i, dst[i], want)
		}
	}
}
