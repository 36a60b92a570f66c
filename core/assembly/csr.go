package assembly

import "gonum.org/v1/gonum/mat"

// CSR is a sparse float32 matrix stored by rows: row i has the entries
// Val[Ptr[i]:Ptr[i+1]] in the columns Col[Ptr[i]:Ptr[i+1]].
type CSR struct {
	Rows, Cols int
	Ptr        []int
	Col        []int32
	Val        []float32
}

// MulVec computes out = W x.
func (w *CSR) MulVec(x, out []float32) {
	for i := 0; i < w.Rows; i++ {
		var s float32
		for e := w.Ptr[i]; e < w.Ptr[i+1]; e++ {
			s += w.Val[e] * x[w.Col[e]]
		}
		out[i] = s
	}
}

// Dense returns W as a float64 gonum matrix.
func (w *CSR) Dense() *mat.Dense {
	d := mat.NewDense(w.Rows, w.Cols, nil)
	for i := 0; i < w.Rows; i++ {
		for e := w.Ptr[i]; e < w.Ptr[i+1]; e++ {
			d.Set(i, int(w.Col[e]), float64(w.Val[e]))
		}
	}
	return d
}

// csrFromDense keeps the positive entries of d (negative ones cannot occur
// in a non-negative weight matrix and zeros are structure).
func csrFromDense(d *mat.Dense) *CSR {
	r, c := d.Dims()
	w := &CSR{Rows: r, Cols: c, Ptr: make([]int, r+1)}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := d.At(i, j); v > 0 {
				w.Col = append(w.Col, int32(j))
				w.Val = append(w.Val, float32(v))
			}
		}
		w.Ptr[i+1] = len(w.Col)
	}
	return w
}
