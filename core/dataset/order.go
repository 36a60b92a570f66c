package dataset

import (
	"math/bits"
	"math/rand/v2"
)

// epochStream is added to the epoch number to form the PCG stream, so that epoch
// orders do not share a stream with other users of PCG(seed, small integer).
const epochStream = 0x6a09e667f3bcc909

// EpochOrder returns the order in which to visit n training samples in the given epoch:
// a permutation of 0..n−1 that depends only on (seed, epoch, n).
//
// It runs a Fisher–Yates shuffle of the identity, drawing from
// rand.NewPCG(seed, uint64(epoch)+0x6a09e667f3bcc909). Each swap index j ∈ [0, i] is
// drawn from the generator's 64-bit outputs by Lemire's multiply-and-reject method,
// written out here so that the order does not depend on how math/rand/v2 implements
// its convenience methods. It panics if n is negative.
func EpochOrder(seed uint64, epoch, n int) []int {
	if n < 0 {
		panic("dataset: EpochOrder of a negative number of samples")
	}

	src := rand.NewPCG(seed, uint64(epoch)+epochStream)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := int(boundedUint64(src, uint64(i)+1))
		order[i], order[j] = order[j], order[i]
	}
	return order
}

// boundedUint64 returns a uniform integer in [0, bound) from src, bound > 0, by
// Lemire's method: the high word of x·bound, rejecting the few x whose low word falls
// below 2^64 mod bound.
func boundedUint64(src rand.Source, bound uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), bound)
	if lo < bound {
		threshold := -bound % bound
		for lo < threshold {
			hi, lo = bits.Mul64(src.Uint64(), bound)
		}
	}
	return hi
}
