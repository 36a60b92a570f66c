// Package randx provides the seeded random number streams and the weight
// initialisers shared by the bcp models.
//
// Every random quantity in the project is drawn from a PCG generator
// (math/rand/v2) identified by a seed and a stream number, so that a run is
// reproducible from its seed alone and independent consumers (weight
// initialisation, data shuffling, noise) never share a sequence.
package randx

import (
	"math"
	"math/rand/v2"
)

// truncStd is the standard deviation of a standard normal truncated to
// [−2, 2]:
//
//	sqrt(1 − 4·φ(2) / (2·Φ(2) − 1)) = 0.87962566103423978,
//
// where φ and Φ are the density and the distribution function of N(0, 1).
const truncStd = 0.87962566103423978

// New returns a PCG generator for the given seed and stream. Two generators
// with the same seed and different streams produce unrelated sequences.
func New(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// LeCunNormal fills out with LeCun-normal weights for a layer with fanIn
// inputs. Each value is
//
//	w = σ · z,  σ = sqrt(1/fanIn) / 0.87962566103423978,
//
// where z is a standard normal truncated to [−2, 2] (values outside are
// resampled). The constant is the standard deviation of that truncated
// normal, so the variance of w after truncation is exactly 1/fanIn, and
// |w| ≤ 2σ. LeCunNormal panics if fanIn is not positive.
func LeCunNormal(r *rand.Rand, fanIn int, out []float32) {
	if fanIn <= 0 {
		panic("randx: LeCunNormal needs a positive fan-in")
	}
	sigma := math.Sqrt(1/float64(fanIn)) / truncStd
	for i := range out {
		z := r.NormFloat64()
		for z < -2 || z > 2 {
			z = r.NormFloat64()
		}
		out[i] = float32(sigma * z)
	}
}

// Normal fills out with independent normal values of mean 0 and standard
// deviation scale: out[i] = scale · z, z ~ N(0, 1).
func Normal(r *rand.Rand, scale float64, out []float32) {
	for i := range out {
		out[i] = float32(scale * r.NormFloat64())
	}
}
