package mlp

// dotGo returns Σᵢ a[i]·b[i] over len(a) terms, accumulated in float32 in a
// fixed order (four interleaved partial sums, then their sum), so equal
// inputs give equal results on every call. It panics if b is shorter than
// a.
func dotGo(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	for len(a) >= 4 {
		a4, b4 := a[:4:4], b[:4:4]
		s0 += a4[0] * b4[0]
		s1 += a4[1] * b4[1]
		s2 += a4[2] * b4[2]
		s3 += a4[3] * b4[3]
		a, b = a[4:], b[4:]
	}
	for i, v := range a {
		s0 += v * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpyGo adds alpha·x to y: y[i] += alpha·x[i] for i < len(y). It panics if
// x is shorter than y.
func axpyGo(alpha float32, x, y []float32) {
	x = x[:len(y)]
	for len(y) >= 4 {
		x4, y4 := x[:4:4], y[:4:4]
		y4[0] += alpha * x4[0]
		y4[1] += alpha * x4[1]
		y4[2] += alpha * x4[2]
		y4[3] += alpha * x4[3]
		x, y = x[4:], y[4:]
	}
	for i, v := range x {
		y[i] += alpha * v
	}
}
