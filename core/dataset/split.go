package dataset

import (
	"fmt"
	"runtime"
	"sync"
)

// Classes is the number of classes of both Fashion-MNIST and MNIST.
const Classes = 10

// Soft target values: y_soft = y·(0.99 − 0.01/9) + 0.01/9 for a one-hot y, evaluated
// in float64 and rounded once to float32.
var (
	softOn  = float32(1*(0.99-0.01/9) + 0.01/9) // the true class
	softOff = float32(0*(0.99-0.01/9) + 0.01/9) // every other class
)

// Split is one part of a data set (training, validation or test), stored as dense
// row-major matrices.
type Split struct {
	// X holds the N×Dim pixel matrix, one flattened image per row, values in [0, 1].
	X []float32
	// Y holds the N×Classes matrix of soft targets, one row per image.
	Y []float32
	// Labels holds the class of each image, in 0..Classes−1.
	Labels []uint8
	// N is the number of images, Dim the number of pixels per image and Classes the
	// number of classes.
	N, Dim, Classes int
}

// Batch copies the rows idx of the split into x (len(idx)·Dim values) and y
// (len(idx)·Classes values), in the order of idx. It allocates nothing; it panics if
// a buffer is too short or an index is out of range, which are programmer mistakes.
func (s *Split) Batch(idx []int, x, y []float32) {
	if len(x) < len(idx)*s.Dim || len(y) < len(idx)*s.Classes {
		panic(fmt.Sprintf("dataset: Batch of %d rows needs x of %d and y of %d values, "+
			"got %d and %d", len(idx), len(idx)*s.Dim, len(idx)*s.Classes, len(x), len(y)))
	}

	for b, i := range idx {
		if i < 0 || i >= s.N {
			panic(fmt.Sprintf("dataset: Batch row %d is out of range [0, %d)", i, s.N))
		}
		copy(x[b*s.Dim:(b+1)*s.Dim], s.X[i*s.Dim:(i+1)*s.Dim])
		copy(y[b*s.Classes:(b+1)*s.Classes], s.Y[i*s.Classes:(i+1)*s.Classes])
	}
}

// newSplit builds a split from n images of dim bytes each and their labels, scaling
// pixels by 1/255 and softening the one-hot targets. The labels must be checked
// before.
func newSplit(pixels, labels []uint8, n, dim int) Split {
	s := Split{
		X:       make([]float32, n*dim),
		Y:       make([]float32, n*Classes),
		Labels:  append([]uint8(nil), labels[:n]...),
		N:       n,
		Dim:     dim,
		Classes: Classes,
	}
	scalePixels(s.X, pixels[:n*dim])
	for i, l := range s.Labels {
		row := s.Y[i*Classes : (i+1)*Classes]
		for c := range row {
			row[c] = softOff
		}
		row[l] = softOn
	}
	return s
}

// pixelChunk is the smallest number of pixels worth a goroutine of its own.
const pixelChunk = 1 << 20

// scalePixels sets dst[i] = src[i]/255. Large inputs are split among GOMAXPROCS
// goroutines: the time goes mostly into the first writes to freshly allocated
// memory, which parallelise well.
func scalePixels(dst []float32, src []uint8) {
	var scale [256]float32
	for b := range scale {
		scale[b] = float32(b) / 255
	}
	convert := func(dst []float32, src []uint8) {
		dst = dst[:len(src)]
		for i, p := range src {
			dst[i] = scale[p]
		}
	}

	workers := min(runtime.GOMAXPROCS(0), len(src)/pixelChunk)
	if workers <= 1 {
		convert(dst, src)
		return
	}
	var wg sync.WaitGroup
	per := (len(src) + workers - 1) / workers
	for lo := 0; lo < len(src); lo += per {
		hi := min(lo+per, len(src))
		wg.Go(func() { convert(dst[lo:hi], src[lo:hi]) })
	}
	wg.Wait()
}
