package results

import (
	"fmt"
	"io"
	"reflect"

	"codeberg.org/sbinet/npyio/npz"
)

// Array is a named N-dimensional float32 array for WriteNPZ. Data holds the
// elements in row-major (C) order, so the element at index (i0, ..., ik) is
// Data[((i0*Shape[1]+i1)*Shape[2]+...)*Shape[k]+ik]. An empty Shape is a
// scalar with one element.
type Array struct {
	Name  string
	Shape []int
	Data  []float32
}

// WriteNPZ writes arrays atomically to path as a NumPy .npz archive, one
// member "<Name>.npy" per array with dtype float32 and the array's shape, so
// that numpy.load(path)[Name] returns it. Names must be distinct and not
// empty, and every dimension at least 1.
//
// npyio works out the dtype and shape of the nested slices it is given by
// visiting every element, about half a microsecond per element: fine for
// parameters and recordings of up to a few million values.
func WriteNPZ(path string, arrays []Array) error {
	seen := make(map[string]bool, len(arrays))
	for _, a := range arrays {
		if err := a.check(); err != nil {
			return fmt.Errorf("results: write %s: %w", path, err)
		}
		if seen[a.Name] {
			return fmt.Errorf("results: write %s: two arrays named %q", path, a.Name)
		}
		seen[a.Name] = true
	}

	return writeAtomic(path, func(w io.Writer) error {
		zw := npz.NewWriter(w)
		for _, a := range arrays {
			if err := zw.Write(a.Name+".npy", a.nested()); err != nil {
				return err
			}
		}
		return zw.Close()
	})
}

// check reports a name, shape or length that WriteNPZ cannot write. Zero
// dimensions are refused because npyio drops them from the written shape.
func (a Array) check() error {
	if a.Name == "" {
		return fmt.Errorf("array with shape %v has no name", a.Shape)
	}
	n := 1
	for _, d := range a.Shape {
		if d < 1 {
			return fmt.Errorf("array %q: shape %v has a dimension below 1", a.Name, a.Shape)
		}
		n *= d
	}
	if n != len(a.Data) {
		return fmt.Errorf("array %q: shape %v holds %d elements, data has %d",
			a.Name, a.Shape, n, len(a.Data))
	}
	return nil
}

// nested returns the array as the Go value npyio writes with the array's
// shape: a float32 for a scalar, Data itself for one dimension, and slices
// of slices over Data, sharing its memory, for more.
func (a Array) nested() any {
	if len(a.Shape) == 0 {
		return a.Data[0]
	}
	return nestedSlice(a.Data, a.Shape).Interface()
}

func nestedSlice(data []float32, shape []int) reflect.Value {
	if len(shape) == 1 {
		return reflect.ValueOf(data[:shape[0]:shape[0]])
	}

	stride := len(data) / shape[0]
	inner := make([]reflect.Value, shape[0])
	for i := range inner {
		inner[i] = nestedSlice(data[i*stride:(i+1)*stride], shape[1:])
	}

	s := reflect.MakeSlice(reflect.SliceOf(inner[0].Type()), shape[0], shape[0])
	for i, v := range inner {
		s.Index(i).Set(v)
	}
	return s
}
