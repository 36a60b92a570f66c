package online

import (
	"math"
	"math/rand/v2"
)

// kernel returns the causal kernel k(t) ∝ (t/τ_rise)·exp(−t/τ_decay) at
// t = m·dt, m = 0 … round(seconds/dt) − 1, normalised to sum 1.
func kernel(rise, decay, seconds, dt float64) []float64 {
	n := int(math.Round(seconds / dt))
	k := make([]float64, n)
	var s float64
	for m := range k {
		t := float64(m) * dt
		k[m] = t / rise * math.Exp(-t/decay)
		s += k[m]
	}
	for m := range k {
		k[m] /= s
	}
	return k
}

// smoothBox returns the causal convolution of the box 1[from ≤ j < to] with
// the kernel k, over n steps.
func smoothBox(k []float64, from, to, n int) []float64 {
	out := make([]float64, n)
	for j := range out {
		var s float64
		for m := 0; m < len(k) && m <= j; m++ {
			if i := j - m; i >= from && i < to {
				s += k[m]
			}
		}
		out[j] = s
	}
	return out
}

// ou is an Ornstein–Uhlenbeck process per channel, integrated as
//
//	n ← n + dt·(μ − n)/τ + σ·√dt·ξ,   ξ ~ N(0, 1).
type ou struct {
	n        []float64
	mu, a, b float64 // μ, dt/τ, σ√dt
	rng      *rand.Rand
	pcg      *rand.PCG // the generator of rng, for reseeding
	seed     uint64
}

func newOU(channels int, tau, sigma, mu, dt float64, seed, stream uint64) *ou {
	pcg := rand.NewPCG(seed, stream)
	o := &ou{n: make([]float64, channels), mu: mu, a: dt / tau, b: sigma * math.Sqrt(dt),
		rng: rand.New(pcg), pcg: pcg, seed: seed}
	o.reset()
	return o
}

// reset sets every channel to the mean.
func (o *ou) reset() {
	for i := range o.n {
		o.n[i] = o.mu
	}
}

// reseed restarts the random numbers at the stream of the run's seed, the
// same as randx.New(seed, stream) would.
func (o *ou) reseed(stream uint64) { o.pcg.Seed(o.seed, stream) }

// step advances every channel by one step.
func (o *ou) step() {
	for i, v := range o.n {
		o.n[i] = v + o.a*(o.mu-v) + o.b*o.rng.NormFloat64()
	}
}
