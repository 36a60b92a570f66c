package mlp

import "gonum.org/v1/gonum/blas/gonum"

// On amd64 the kernels use gonum's level-1 BLAS, whose float32 dot product
// and axpy are written in SIMD assembly (about three times faster than the
// Go loops of dotGo and axpyGo). The results are not bit-identical to the Go
// loops. The dot product first adds single terms until its second operand
// is 16-byte aligned, so its summation order depends on that operand's
// address modulo 16; callers pass as second operand a weight row, whose
// alignment is fixed by the layer shape (Go allocates slices of 32 bytes and
// more 16-byte aligned). The axpy rounds each element once, whatever the
// alignment.
var blas gonum.Implementation

// dot returns Σᵢ a[i]·b[i] over len(a) terms.
func dot(a, b []float32) float32 { return blas.Sdot(len(a), a, 1, b, 1) }

// axpy adds alpha·x to y: y[i] += alpha·x[i] for i < len(y).
func axpy(alpha float32, x, y []float32) { blas.Saxpy(len(y), alpha, x, 1, y, 1) }
