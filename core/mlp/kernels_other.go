//go:build !amd64

package mlp

// dot returns Σᵢ a[i]·b[i]; see dotGo.
func dot(a, b []float32) float32 { return dotGo(a, b) }

// axpy adds alpha·x to y; see axpyGo.
func axpy(alpha float32, x, y []float32) { axpyGo(alpha, x, y) }
