package dataset

import (
	"os"
	"testing"
	"time"
)

// fashionDir returns DefaultFashionDir, skipping the test when it is absent unless
// BCP_REQUIRE_DATA=1 demands the real data.
func fashionDir(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(DefaultFashionDir); err != nil {
		if os.Getenv("BCP_REQUIRE_DATA") == "1" {
			tb.Fatalf("BCP_REQUIRE_DATA=1 but Fashion-MNIST is missing: %v", err)
		}
		tb.Skipf("Fashion-MNIST is not installed in %s (apt-get install "+
			"dataset-fashion-mnist); set BCP_REQUIRE_DATA=1 to fail instead", DefaultFashionDir)
	}
	return DefaultFashionDir
}

func TestLoadFashionMNIST(t *testing.T) {
	dir := fashionDir(t)
	start := time.Now()
	d, err := Load("fashion-mnist", dir, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded Fashion-MNIST in %v", time.Since(start))

	if d.Height != 28 || d.Width != 28 {
		t.Errorf("images are %d×%d, want 28×28", d.Height, d.Width)
	}
	for _, c := range []struct {
		name string
		s    Split
		n    int
	}{{"train", d.Train, 54000}, {"valid", d.Valid, 6000}, {"test", d.Test, 10000}} {
		if c.s.N != c.n || c.s.Dim != 784 || c.s.Classes != 10 {
			t.Errorf("%s: N %d, Dim %d, Classes %d; want %d, 784, 10",
				c.name, c.s.N, c.s.Dim, c.s.Classes, c.n)
		}
		lo, hi := c.s.X[0], c.s.X[0]
		for _, v := range c.s.X {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo != 0 || hi != 1 {
			t.Errorf("%s: pixels span [%v, %v], want [0, 1]", c.name, lo, hi)
		}
	}

	var counts [10]int
	for _, l := range d.Test.Labels {
		counts[l]++ // Load guarantees l < 10.
	}
	for c, n := range counts {
		if n != 1000 {
			t.Errorf("test class %d has %d images, want 1000", c, n)
		}
	}

	// The splits must be cut from the training file at sample 6000, in file order.
	labels, err := ReadIDXFile(dir + "/" + trainLabelsFile + ".gz")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range labels.Data {
		got := d.Valid.Labels
		j := i
		if i >= 6000 {
			got, j = d.Train.Labels, i-6000
		}
		if got[j] != l {
			t.Fatalf("training file label %d is %d, but the split holds %d", i, l, got[j])
		}
	}
}

func TestLoadFashionMNISTLimits(t *testing.T) {
	d, err := Load("fashion-mnist", fashionDir(t), 1000, 500)
	if err != nil {
		t.Fatal(err)
	}
	if d.Valid.N != 112 || d.Train.N != 1000 || d.Test.N != 500 {
		t.Errorf("valid/train/test = %d/%d/%d, want 112/1000/500",
			d.Valid.N, d.Train.N, d.Test.N)
	}
}

func BenchmarkLoadFashionMNIST(b *testing.B) {
	dir := fashionDir(b)
	for b.Loop() {
		if _, err := Load("fashion-mnist", dir, 0, 0); err != nil {
			b.Fatal(err)
		}
	}
}
