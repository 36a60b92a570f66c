package shaders

import (
	"math"

	"bcp/core/static"
)

// Solver is the uniform of every solver kernel (solver.wgsl declares the
// same struct). All fields are 4 bytes wide and the struct is padded to a
// multiple of 16 bytes, WGSL's alignment of uniform structs.
type Solver struct {
	N, L, D, S uint32 // samples, layers, outputs, state stride

	NState, WS, OLLen, OffO uint32 // state length of this pass, work stride, open-loop length, offset of uo

	OffTmp, OffTgt, OffEPrev, OffA1 uint32

	OffJ, OffJD, OffEO, OffOut uint32

	FBS, WoOff, In, OffLabel uint32 // In: inputs per sample; OffLabel: labels in the input buffer

	Closed, Controller, Loss, ActE uint32

	ActI, LocalErrKind, MaxSteps, TargetKind uint32

	FBClip, NormFB, ZeroState, MaxK uint32 // MaxK: row stride of the Jacobian scratch

	InvTauE, InvTauI, InvTauC, Lambda float32

	Kp, Ki, Kd, LossShift float32

	LossSteep, Alpha, BetaR, NudgeBeta float32

	Atol, Rtol, Dt0, DtMin float32

	DtMax, FactorMin, FactorMax, T float32

	Beta1, Beta2, Beta3, SteadyTol float32

	FBScale float32
	_, _, _ uint32
}

// Codes of the Solver's enumerations.
const (
	ControllerP       = 0
	ControllerLeakyPI = 1
	ControllerPID     = 2

	LossMSE     = 0
	LossSoftmax = 1
	LossSigmoid = 2

	ActReLU   = 0
	ActLinear = 1
	ActTanh   = 2

	LocalErrFeedforward = 0
	LocalErrRate        = 1

	TargetsStrong = 0
	TargetsNudged = 1
)

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

func actCode(name string) uint32 {
	switch name {
	case "linear":
		return ActLinear
	case "tanh":
		return ActTanh
	}
	return ActReLU
}

// NewSolver fills the solver uniform for a pass over n samples laid out in
// buffers for capacity samples (the labels follow the capacity's inputs).
// closed selects the closed loop.
func NewSolver(ly *Layout, cfg *static.Config, n, capacity int, closed bool) Solver {
	p := Solver{
		N: uint32(n), L: uint32(ly.L), D: uint32(ly.Out),
		S: uint32(ly.S), NState: uint32(ly.OLLen), WS: uint32(ly.WS), OLLen: uint32(ly.OLLen),
		OffO: uint32(ly.OffO), OffTmp: uint32(ly.OffTmp), OffTgt: uint32(ly.OffTgt),
		OffEPrev: uint32(ly.OffEPrev), OffA1: uint32(ly.OffA1), OffJ: uint32(ly.OffJ),
		OffJD: uint32(ly.OffJD), OffEO: uint32(ly.OffEO), OffOut: uint32(ly.OffOut),
		FBS: uint32(ly.FBS), WoOff: uint32(ly.WoOff), In: uint32(ly.In),
		OffLabel: uint32(capacity * ly.In), Closed: b2u(closed),
		ActE: actCode(cfg.ActivationE), ActI: actCode(cfg.ActivationI),
		MaxSteps: uint32(cfg.MaxSteps), FBClip: b2u(cfg.FBClip), NormFB: b2u(cfg.NormFB),
		ZeroState: b2u(!closed),
		InvTauE:   float32(1 / cfg.TauE), InvTauI: float32(1 / cfg.TauI),
		InvTauC: float32(1 / cfg.TauC), Lambda: float32(cfg.Lambda),
		Kp: float32(cfg.Kp), Ki: float32(cfg.Ki), Kd: float32(cfg.Kd),
		LossShift: float32(cfg.LossShift), LossSteep: float32(cfg.LossSteep),
		Alpha: float32(cfg.Alpha), BetaR: float32(cfg.Alpha / (1 - cfg.Alpha)),
		NudgeBeta: float32(cfg.NudgeBeta),
		Atol:      float32(cfg.Atol), Rtol: float32(cfg.Rtol),
		Dt0: float32(cfg.Dt0), DtMin: float32(cfg.DtMin), DtMax: float32(cfg.DtMax),
		FactorMin: float32(cfg.FactorMin), FactorMax: float32(cfg.FactorMax),
		T:         float32(cfg.Horizon),
		Beta1:     float32((cfg.PIDP + cfg.PIDI + cfg.PIDD) / 5),
		Beta2:     float32((cfg.PIDP + 2*cfg.PIDD) / 5),
		Beta3:     float32(cfg.PIDD / 5),
		SteadyTol: float32(cfg.Atol),
		FBScale:   float32(cfg.FBScale), MaxK: uint32(ly.MaxK),
	}
	if closed {
		p.NState = uint32(ly.CLLen)
	}
	switch cfg.Controller {
	case "leaky-pi":
		p.Controller = ControllerLeakyPI
	case "pid":
		p.Controller = ControllerPID
	}
	switch cfg.Loss {
	case "softmax":
		p.Loss = LossSoftmax
	case "sigmoid":
		p.Loss = LossSigmoid
	}
	if cfg.LocalError == "rate" {
		p.LocalErrKind = LocalErrRate
	}
	if cfg.Targets == "nudged" {
		p.TargetKind = TargetsNudged
	}
	return p
}

// Ctl is a sample's integration record (the WGSL struct Ctl): time, next
// step size, the step being attempted, the error norms ε_{n−1}, ε_{n−2},
// the last error norm, and counters.
type Ctl struct {
	T, Dt, H, Prev1, Prev2, Eps float32

	Accepted, Rejected, Steps, Status uint32

	AtMin, Clipped uint32 // the attempted step is at DtMin; it was shortened to end at T
}

// MatMul is the uniform of matmul.wgsl:
//
//	C(i, j) = Alpha · Σ_k A(i, k) B(k, j) + bias(j)
//
// for i < M, j < N, with A(i, k) = a[OffA + i·SAi + k·SAk],
// B(k, j) = b[OffB + k·SBk + j·SBj], C(i, j) = c[OffC + i·SCi + j·SCj]
// and bias(j) = bias[OffBias + j] when HasBias is set.
type MatMul struct {
	M, N, K, HasBias uint32

	OffA, SAi, SAk, OffB uint32

	SBk, SBj, OffC, SCi uint32

	SCj, OffBias uint32
	Alpha        float32
	_            uint32
}

// Mean is the uniform of batchmean.wgsl and fbmean.wgsl:
// c[OffC + j] = Alpha · Σ_{s<N} a[OffA + s·SA + j] for j < Count.
type Mean struct {
	Count, N, OffA, SA uint32

	OffC  uint32
	Alpha float32
	_, _  uint32
}

// Adam is the uniform of adam.wgsl and clip.wgsl; see optim.Adam for the
// update. C1 and C2 are the bias corrections 1/(1 − β₁ᵗ) and 1/(1 − β₂ᵗ).
type Adam struct {
	Count, Clip, _, _ uint32

	LR, Beta1, Beta2, OneMinusBeta1 float32

	OneMinusBeta2, C1, C2, Eps float32

	Lo, Hi float32
	_, _   uint32
}

// NewAdam returns the uniform for update number t (from 1) over count
// parameters, as optim.Adam.Update computes its scalars; clip adds the
// parameter clipping to [lo, hi].
func NewAdam(count int, lr, beta1, beta2, eps float64, t int, clip bool, lo, hi float32) Adam {
	return Adam{Count: uint32(count), Clip: b2u(clip),
		LR: float32(lr), Beta1: float32(beta1), Beta2: float32(beta2),
		OneMinusBeta1: float32(1 - beta1), OneMinusBeta2: float32(1 - beta2),
		C1:  float32(1 / (1 - math.Pow(beta1, float64(t)))),
		C2:  float32(1 / (1 - math.Pow(beta2, float64(t)))),
		Eps: float32(eps), Lo: lo, Hi: hi}
}
