// Package loss provides the output losses of the bcp models.
//
// A loss gives, for one sample with prediction ŷ and target y, its value and
// its error
//
//	e = −∂loss/∂ŷ,
//
// the signal that both the controllers of the E/I networks and the
// backpropagation baseline consume. The sigmoid cross-entropy keeps the
// published form of its error, which differs from the exact gradient by the
// steepness factor (see Sigmoid).
//
// Values are computed in float64; errors are written as float32, the data
// type of the models. All losses here are stateless and safe for concurrent
// use.
package loss

import (
	"fmt"
	"math"
	"strings"
)

// Loss is the loss of one sample. Implementations must be safe for
// concurrent use, because models evaluate the samples of a batch in
// parallel.
type Loss interface {
	// Name returns the name under which New knows the loss.
	Name() string

	// Value returns the loss of one sample with prediction yhat and target y.
	Value(yhat, y []float32) float64

	// Error writes e = −∂loss/∂ŷ (as published, see Sigmoid) into e.
	Error(yhat, y, e []float32)
}

// names lists the losses that New knows, in the order they are documented.
var names = []string{"mse", "softmax", "sigmoid"}

// Names returns the names that New accepts.
func Names() []string {
	return append([]string(nil), names...)
}

// New returns the loss with the given name: "mse", "softmax" (softmax
// cross-entropy) or "sigmoid" (sigmoid cross-entropy with the given shift
// and steepness). Shift and steepness are ignored by the other losses. New
// returns an error for an unknown name or a steepness that is not a positive
// finite number.
func New(name string, shift, steepness float64) (Loss, error) {
	switch name {
	case "mse":
		return MSE{}, nil
	case "softmax":
		return Softmax{}, nil
	case "sigmoid":
		if !(steepness > 0) || math.IsInf(steepness, 1) {
			return nil, fmt.Errorf("loss: sigmoid steepness must be positive and finite, got %v",
				steepness)
		}
		if math.IsNaN(shift) || math.IsInf(shift, 0) {
			return nil, fmt.Errorf("loss: sigmoid shift must be finite, got %v", shift)
		}
		return Sigmoid{Shift: shift, Steepness: steepness}, nil
	}
	return nil, fmt.Errorf("loss: unknown loss %q (valid: %s)", name, strings.Join(names, ", "))
}

// checkLen panics unless all slices have the length of the first.
func checkLen(s ...[]float32) {
	for _, v := range s[1:] {
		if len(v) != len(s[0]) {
			panic("loss: prediction, target and error lengths differ")
		}
	}
}

// MSE is the squared error
//
//	loss = ½ Σᵢ (yᵢ − ŷᵢ)²,   eᵢ = yᵢ − ŷᵢ.
type MSE struct{}

// Name returns "mse".
func (MSE) Name() string { return "mse" }

// Value returns ½ Σᵢ (yᵢ − ŷᵢ)².
func (MSE) Value(yhat, y []float32) float64 {
	checkLen(yhat, y)
	var s float64
	for i, p := range yhat {
		d := float64(y[i]) - float64(p)
		s += d * d
	}
	return s / 2
}

// Error writes eᵢ = yᵢ − ŷᵢ into e.
func (MSE) Error(yhat, y, e []float32) {
	checkLen(yhat, y, e)
	for i, p := range yhat {
		e[i] = y[i] - p
	}
}

// Softmax is the softmax cross-entropy
//
//	loss = −Σᵢ yᵢ log softmax(ŷ)ᵢ,   softmax(ŷ)ᵢ = exp(ŷᵢ) / Σⱼ exp(ŷⱼ),
//	eᵢ   = yᵢ − softmax(ŷ)ᵢ · Σⱼ yⱼ.
//
// For targets that sum to 1 (one-hot or soft labels, the only use in the
// project) the error is yᵢ − softmax(ŷ)ᵢ, which is how it is published; the
// implementation uses that form. Both are computed stably by subtracting
// max ŷ before exponentiating (log-sum-exp), so large logits neither
// overflow nor lose the loss.
type Softmax struct{}

// Name returns "softmax".
func (Softmax) Name() string { return "softmax" }

// logSumExp returns (m, log Σⱼ exp(ŷⱼ − m)) with m = max ŷ.
func logSumExp(yhat []float32) (m, lse float64) {
	m = math.Inf(-1)
	for _, p := range yhat {
		m = max(m, float64(p))
	}
	var s float64
	for _, p := range yhat {
		s += math.Exp(float64(p) - m)
	}
	return m, math.Log(s)
}

// Value returns −Σᵢ yᵢ (ŷᵢ − m − log Σⱼ exp(ŷⱼ − m)), m = max ŷ, which equals
// −Σᵢ yᵢ log softmax(ŷ)ᵢ.
func (Softmax) Value(yhat, y []float32) float64 {
	checkLen(yhat, y)
	m, lse := logSumExp(yhat)
	var s float64
	for i, p := range yhat {
		if y[i] != 0 {
			s -= float64(y[i]) * (float64(p) - m - lse)
		}
	}
	return s
}

// Error writes eᵢ = yᵢ − exp(ŷᵢ − m − log Σⱼ exp(ŷⱼ − m)) = yᵢ − softmax(ŷ)ᵢ
// into e.
func (Softmax) Error(yhat, y, e []float32) {
	checkLen(yhat, y, e)
	m, lse := logSumExp(yhat)
	for i, p := range yhat {
		e[i] = y[i] - float32(math.Exp(float64(p)-m-lse))
	}
}

// Sigmoid is the binary cross-entropy of a shifted, steepened logistic
// output. With shift s and steepness k,
//
//	p    = clip(σ(k(ŷ − s)), 1e-7, 1 − 1e-7),   σ(u) = 1 / (1 + exp(−u)),
//	loss = −Σᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)],
//	eᵢ   = yᵢ − σ(k(ŷᵢ − s)).
//
// The error is the published one: the exact negative gradient, away from
// the clipping region, is k·(yᵢ − σ(k(ŷᵢ − s))), so e is the gradient
// divided by k. The error uses the unclipped σ.
type Sigmoid struct {
	// Shift s is the prediction at which the probability is ½.
	Shift float64

	// Steepness k is the slope of the logit in ŷ; it must be positive.
	Steepness float64
}

// probClip is the distance from 0 and 1 to which Sigmoid clips its
// probabilities before taking logarithms.
const probClip = 1e-7

// Name returns "sigmoid".
func (Sigmoid) Name() string { return "sigmoid" }

// sigma returns σ(u) = 1/(1 + exp(−u)), evaluated without overflow.
func sigma(u float64) float64 {
	if u >= 0 {
		return 1 / (1 + math.Exp(-u))
	}
	z := math.Exp(u)
	return z / (1 + z)
}

// Value returns −Σᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)] with the clipped
// probabilities pᵢ = clip(σ(k(ŷᵢ − s)), 1e-7, 1 − 1e-7).
func (l Sigmoid) Value(yhat, y []float32) float64 {
	checkLen(yhat, y)
	var s float64
	for i, yh := range yhat {
		p := sigma(l.Steepness * (float64(yh) - l.Shift))
		p = min(max(p, probClip), 1-probClip)
		t := float64(y[i])
		s -= t*math.Log(p) + (1-t)*math.Log(1-p)
	}
	return s
}

// Error writes eᵢ = yᵢ − σ(k(ŷᵢ − s)) into e (the published error, 1/k times
// the exact negative gradient).
func (l Sigmoid) Error(yhat, y, e []float32) {
	checkLen(yhat, y, e)
	for i, yh := range yhat {
		e[i] = y[i] - float32(sigma(l.Steepness*(float64(yh)-l.Shift)))
	}
}

// Argmax returns the index of the largest entry of v, the first one if
// several are equal, and −1 if v is empty. NaN entries are never chosen
// unless v[0] is NaN. A prediction counts as correct for the accuracy when
// Argmax(ŷ) == Argmax(y).
func Argmax(v []float32) int {
	if len(v) == 0 {
		return -1
	}
	best := 0
	for i, x := range v[1:] {
		if x > v[best] {
			best = i + 1
		}
	}
	return best
}
