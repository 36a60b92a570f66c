package shaders

import "math"

// Buffers holds, on the CPU, the buffers that the solver kernels bind
// (SolverBindings), so that the reference functions can run on them.
type Buffers struct {
	Net    []uint32
	Params []float32
	Inp    []float32 // inputs (capacity × In), then labels (capacity × D)
	FB     []float32 // capacity × FBS
	Work   []float32 // capacity × WS
	K      []float32 // capacity × 7 × S
	Ctl    []Ctl     // capacity
	Done   uint32

	// Workgroup memory of the references.
	shA, shH, shHP, shE, shC []float32
}

// NewBuffers allocates the buffers of ly for capacity samples.
func NewBuffers(ly *Layout, capacity int) *Buffers {
	return &Buffers{
		Net:    ly.Net,
		Params: make([]float32, ly.ParamLen),
		Inp:    make([]float32, capacity*(ly.In+ly.Out)),
		FB:     make([]float32, capacity*ly.FBS),
		Work:   make([]float32, capacity*ly.WS),
		K:      make([]float32, capacity*7*ly.S),
		Ctl:    make([]Ctl, capacity),
		shA:    make([]float32, ly.MaxK),
		shH:    make([]float32, ly.MaxK),
		shHP:   make([]float32, ly.MaxK),
		shE:    make([]float32, ly.Out),
		shC:    make([]float32, ly.Out),
	}
}

func (b *Buffers) hdr(l, w int) int        { return int(b.Net[l*HeaderWords+w]) }
func (b *Buffers) netf(i int) float32      { return math.Float32frombits(b.Net[i]) }
func (b *Buffers) ptr(base, i int) int     { return int(b.Net[base+i]) }
func (b *Buffers) at(base, e int) int      { return int(b.Net[base+e]) }
func (b *Buffers) val(base, e int) float32 { return math.Float32frombits(b.Net[base+e]) }

func phi(kind uint32, u float32) float32 {
	switch kind {
	case ActLinear:
		return u
	case ActTanh:
		return float32(math.Tanh(float64(u)))
	}
	return max(u, 0)
}

func dphi(kind uint32, u float32) float32 {
	switch kind {
	case ActLinear:
		return 1
	case ActTanh:
		t := float32(math.Tanh(float64(u)))
		return 1 - t*t
	}
	if u > 0 {
		return 1
	}
	return 0
}

func sigmoid(u float32) float32 {
	if u >= 0 {
		return 1 / (1 + float32(math.Exp(float64(-u))))
	}
	z := float32(math.Exp(float64(u)))
	return z / (1 + z)
}

func exp32(x float32) float32 { return float32(math.Exp(float64(x))) }

// lossError is the reference of solver.wgsl's lossError: e = −∂loss/∂ŷ for
// the prediction at Work[yh…] and target at Work[tg…], into shE.
func (p *Solver) lossError(b *Buffers, yh, tg int) {
	d := int(p.D)
	w := b.Work
	switch p.Loss {
	case LossSoftmax:
		m := w[yh]
		for o := 1; o < d; o++ {
			m = max(m, w[yh+o])
		}
		var sum float32
		for o := 0; o < d; o++ {
			v := exp32(w[yh+o] - m)
			b.shE[o] = v
			sum += v
		}
		for o := 0; o < d; o++ {
			b.shE[o] = w[tg+o] - b.shE[o]/sum
		}
	case LossSigmoid:
		for o := 0; o < d; o++ {
			b.shE[o] = w[tg+o] - sigmoid(p.LossSteep*(w[yh+o]-p.LossShift))
		}
	default:
		for o := 0; o < d; o++ {
			b.shE[o] = w[tg+o] - w[yh+o]
		}
	}
}

// control is the reference of solver.wgsl's control.
func (p *Solver) control(b *Buffers, base, y0 int) {
	p.lossError(b, y0+int(p.OffO), base+int(p.OffTgt))
	for o := 0; o < int(p.D); o++ {
		c := p.Kp * b.shE[o]
		switch p.Controller {
		case ControllerLeakyPI:
			c += p.Ki * b.Work[y0+int(p.OLLen)+o]
		case ControllerPID:
			c += p.Ki*b.Work[y0+int(p.OLLen)+o] + p.Kd*(b.shE[o]-b.Work[base+int(p.OffEPrev)+o])
		}
		b.shC[o] = c
	}
}

// driveAndOutput is the reference of solver.wgsl's driveAndOutput.
func (p *Solver) driveAndOutput(b *Buffers, l, base, y0 int) {
	K := b.hdr(l, HK)
	if l == 0 {
		copy(b.shA[:K], b.Work[base+int(p.OffA1):])
	} else {
		kp, w, bi := b.hdr(l, HKPrev), b.hdr(l, HW), b.Net[l*HeaderWords+HB]
		for k := 0; k < K; k++ {
			var acc float32
			for j := 0; j < kp; j++ {
				acc += b.Params[w+k*kp+j] * b.shHP[j]
			}
			if bi != NoBias {
				acc += b.Params[int(bi)+k]
			}
			b.shA[k] = acc
		}
	}
	tp, tr, tv := b.hdr(l, HMETPtr), b.hdr(l, HMETRow), b.hdr(l, HMETVal)
	offE := y0 + b.hdr(l, HOffE)
	for k := 0; k < K; k++ {
		var acc float32
		for e := b.ptr(tp, k); e < b.ptr(tp, k+1); e++ {
			acc += b.val(tv, e) * phi(p.ActE, b.Work[offE+b.at(tr, e)])
		}
		b.shH[k] = acc
	}
}

// excitatory is the reference of solver.wgsl's excitatory: (I_XE, inhibition).
func (p *Solver) excitatory(b *Buffers, l, y0, i int) (ixe, inh float32) {
	mp, mc, mv := b.hdr(l, HMEPtr), b.hdr(l, HMECol), b.hdr(l, HMEVal)
	for e := b.ptr(mp, i); e < b.ptr(mp, i+1); e++ {
		ixe += b.val(mv, e) * b.shA[b.at(mc, e)]
	}
	wp, wc, wv := b.hdr(l, HWIEPtr), b.hdr(l, HWIECol), b.hdr(l, HWIEVal)
	offI := y0 + b.hdr(l, HOffI)
	for e := b.ptr(wp, i); e < b.ptr(wp, i+1); e++ {
		inh += b.val(wv, e) * phi(p.ActI, b.Work[offI+b.at(wc, e)])
	}
	return ixe, inh
}

// RHS is the reference of solver.wgsl's rhs: it writes the derivative of
// sample s's state at Work[s·WS + yo …] into K[ko …].
func (p *Solver) RHS(b *Buffers, s, yo, ko int) {
	base := s * int(p.WS)
	y0 := base + yo
	closed := p.Closed != 0
	if closed {
		p.control(b, base, y0)
	}
	for l := 0; l < int(p.L); l++ {
		p.driveAndOutput(b, l, base, y0)
		NE, NI := b.hdr(l, HNE), b.hdr(l, HNI)
		offE, offI := b.hdr(l, HOffE), b.hdr(l, HOffI)
		for i := 0; i < NE; i++ {
			ixe, inh := p.excitatory(b, l, y0, i)
			b.K[ko+offE+i] = (-b.Work[y0+offE+i] + ixe - inh) * p.InvTauE
		}
		mp, mc, mv := b.hdr(l, HMIPtr), b.hdr(l, HMICol), b.hdr(l, HMIVal)
		invNE := b.netf(l*HeaderWords + HInvNE)
		fo := s*int(p.FBS) + b.hdr(l, HFB)
		for i := 0; i < NI; i++ {
			var ixi, exc float32
			for e := b.ptr(mp, i); e < b.ptr(mp, i+1); e++ {
				m, k := b.val(mv, e), b.at(mc, e)
				ixi += m * b.shA[k]
				exc += m * b.shH[k]
			}
			var fbc float32
			if closed {
				for o := 0; o < int(p.D); o++ {
					fbc += b.FB[fo+i*int(p.D)+o] * b.shC[o]
				}
			}
			b.K[ko+offI+i] = (-b.Work[y0+offI+i] + ixi + exc*invNE - fbc) * p.InvTauI
		}
		copy(b.shHP, b.shH[:b.hdr(l, HK)])
	}
	KL := b.hdr(int(p.L)-1, HK)
	for o := 0; o < int(p.D); o++ {
		var z float32
		for k := 0; k < KL; k++ {
			z += b.Params[int(p.WoOff)+o*KL+k] * b.shHP[k]
		}
		v := -b.Work[y0+int(p.OffO)+o] + z
		if closed {
			v += b.shC[o]
		}
		b.K[ko+int(p.OffO)+o] = v * p.InvTauE
		if closed && p.NState > p.OLLen {
			b.K[ko+int(p.OLLen)+o] = (b.shE[o] - p.Lambda*b.Work[y0+int(p.OLLen)+o]) * p.InvTauC
		}
	}
}

func (p *Solver) rmsOf(b *Buffers, ko int) float32 {
	var sum float32
	for _, v := range b.K[ko : ko+int(p.NState)] {
		sum += v * v
	}
	return float32(math.Sqrt(float64(sum / float32(p.NState))))
}

// plan is the reference of solver.wgsl's plan.
func (p *Solver) plan(b *Buffers, s int) {
	c := &b.Ctl[s]
	if c.Status != Running {
		return
	}
	switch {
	case c.T >= p.T:
		c.Status = Horizon
	case c.Steps >= p.MaxSteps:
		c.Status = Failed
	default:
		h := c.Dt
		c.AtMin = b2u(h <= p.DtMin)
		c.Clipped = 0
		if c.T+h > p.T {
			h = p.T - c.T
			c.Clipped = 1
		}
		c.H = h
	}
	if c.Status != Running {
		b.Done++
	}
}

// Init is the reference of init.wgsl for sample s.
func (p *Solver) Init(b *Buffers, s int) {
	if s >= int(p.N) {
		return
	}
	base := s * int(p.WS)
	if p.ZeroState != 0 {
		clear(b.Work[base : base+int(p.NState)])
	}
	ko := s * 7 * int(p.S)
	p.RHS(b, s, 0, ko)
	r := p.rmsOf(b, ko)
	b.Ctl[s] = Ctl{Dt: min(max(p.Dt0, p.DtMin), p.DtMax), Prev1: 1, Prev2: 1}
	if p.SteadyTol > 0 && r < p.SteadyTol {
		b.Ctl[s].Status = Steady
		b.Done++
		return
	}
	p.plan(b, s)
}

// Tsit5 coefficients rounded to float32, as in core/ode and stage.wgsl.
var (
	tA = [7][6]float32{
		2: {0.161},
		3: {-0.008480655492356989, 0.335480655492357},
		4: {2.8971530571054935, -6.359448489975075, 4.3622954328695815},
		5: {5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525},
		6: {5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401,
			-0.028269050394068383},
	}
	tB = [6]float32{0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742,
		-3.290069515436081, 2.324710524099774}
	tE = [7]float32{-0.00178001105222577714, -0.0008164344596567469, 0.007880878010261995,
		-0.1447110071732629, 0.5823571654525552, -0.45808210592918697, 1.0 / 66}
)

// Stage is the reference of stage.wgsl's entry stage<j> (j = 2…7) for
// sample s.
func (p *Solver) Stage(b *Buffers, j, s int) {
	if s >= int(p.N) || b.Ctl[s].Status != Running {
		return
	}
	h := b.Ctl[s].H
	base := s * int(p.WS)
	S := int(p.S)
	kb := s * 7 * S
	k := func(m, i int) float32 { return b.K[kb+(m-1)*S+i] }
	for i := 0; i < int(p.NState); i++ {
		y := b.Work[base+i]
		var v float32
		switch j {
		case 2:
			v = y + h*tA[2][0]*k(1, i)
		case 3:
			v = y + h*(tA[3][0]*k(1, i)+tA[3][1]*k(2, i))
		case 4:
			v = y + h*(tA[4][0]*k(1, i)+tA[4][1]*k(2, i)+tA[4][2]*k(3, i))
		case 5:
			v = y + h*(tA[5][0]*k(1, i)+tA[5][1]*k(2, i)+tA[5][2]*k(3, i)+tA[5][3]*k(4, i))
		case 6:
			v = y + h*(tA[6][0]*k(1, i)+tA[6][1]*k(2, i)+tA[6][2]*k(3, i)+tA[6][3]*k(4, i)+
				tA[6][4]*k(5, i))
		default:
			v = y + h*(tB[0]*k(1, i)+tB[1]*k(2, i)+tB[2]*k(3, i)+tB[3]*k(4, i)+tB[4]*k(5, i)+
				tB[5]*k(6, i))
		}
		b.Work[base+int(p.OffTmp)+i] = v
	}
	p.RHS(b, s, int(p.OffTmp), kb+(j-1)*S)
}

// Control is the reference of control.wgsl for sample s.
func (p *Solver) Control(b *Buffers, s int) {
	if s >= int(p.N) || b.Ctl[s].Status != Running {
		return
	}
	c := &b.Ctl[s]
	h := c.H
	base := s * int(p.WS)
	S := int(p.S)
	kb := s * 7 * S
	var sum float32
	for i := 0; i < int(p.NState); i++ {
		var acc float32
		for m := 0; m < 7; m++ {
			acc += tE[m] * b.K[kb+m*S+i]
		}
		err := h * acc
		y, yn := b.Work[base+i], b.Work[base+int(p.OffTmp)+i]
		scale := p.Atol + p.Rtol*max(abs32(y), abs32(yn))
		r := err / scale
		sum += r * r
	}
	eps := float32(math.Sqrt(float64(sum / float32(p.NState))))
	keep := eps <= 1 || c.AtMin != 0
	factor := p.FactorMax
	if eps > 0 {
		factor = 0.9 * pow32(eps, -p.Beta1) * pow32(c.Prev1, p.Beta2) * pow32(c.Prev2, -p.Beta3)
	}
	lo, hi := p.FactorMin, p.FactorMax
	if keep {
		lo = 1
	} else {
		hi = 0.9
	}
	if factor != factor {
		factor = p.FactorMin
	} else {
		factor = min(max(factor, lo), hi)
	}
	c.Dt = min(max(h*factor, p.DtMin), p.DtMax)
	c.Eps = eps
	c.Steps++
	if !keep {
		c.Rejected++
		p.plan(b, s)
		return
	}
	c.Accepted++
	if c.Clipped != 0 {
		c.T = p.T
	} else {
		c.T += h
	}
	c.Prev2, c.Prev1 = c.Prev1, max(eps, 1e-12)
	n := int(p.NState)
	copy(b.Work[base:base+n], b.Work[base+int(p.OffTmp):])
	copy(b.K[kb:kb+n], b.K[kb+6*S:])
	if p.Closed != 0 && p.Controller == ControllerPID {
		p.lossError(b, base+int(p.OffO), base+int(p.OffTgt))
		copy(b.Work[base+int(p.OffEPrev):], b.shE)
	}
	if p.SteadyTol > 0 && p.rmsOf(b, kb) < p.SteadyTol {
		c.Status = Steady
		b.Done++
		return
	}
	p.plan(b, s)
}

func abs32(x float32) float32 { return float32(math.Abs(float64(x))) }

func pow32(x, y float32) float32 { return float32(math.Pow(float64(x), float64(y))) }

// Targets is the reference of targets.wgsl for sample s.
func (p *Solver) Targets(b *Buffers, s int) {
	if s >= int(p.N) {
		return
	}
	base := s * int(p.WS)
	d := int(p.D)
	clear(b.Work[base+int(p.OLLen) : base+int(p.S)])
	yh, tg := base+int(p.OffO), base+int(p.OffTgt)
	lab := int(p.OffLabel) + s*d
	copy(b.Work[base+int(p.OffOut):base+int(p.OffOut)+d], b.Work[yh:])
	copy(b.Work[tg:tg+d], b.Inp[lab:])
	c := b.Ctl[s]
	st := base + int(p.OffOut) + 2*d + int(p.L)
	b.Work[st], b.Work[st+1] = float32(c.Accepted), float32(c.Rejected)
	b.Work[st+2], b.Work[st+3] = float32(c.Steps), float32(c.Status)
	if p.TargetKind == TargetsNudged {
		p.lossError(b, yh, tg)
		m := float32(-3.4e38)
		for o := 0; o < d; o++ {
			v := b.Work[yh+o] + p.NudgeBeta*b.shE[o]
			b.Work[tg+o] = v
			m = max(m, v)
		}
		var sum float32
		for o := 0; o < d; o++ {
			v := exp32(b.Work[tg+o] - m)
			b.Work[tg+o] = v
			sum += v
		}
		for o := 0; o < d; o++ {
			b.Work[tg+o] /= sum
		}
	}
	if p.Controller == ControllerPID {
		p.lossError(b, yh, tg)
		copy(b.Work[base+int(p.OffEPrev):], b.shE)
	}
}

// Feedback is the reference of feedback.wgsl for sample s.
func (p *Solver) Feedback(b *Buffers, s int) {
	if s >= int(p.N) {
		return
	}
	base := s * int(p.WS)
	d := int(p.D)
	J, JD, mk := base+int(p.OffJ), base+int(p.OffJD), int(p.MaxK)
	L := int(p.L)
	KL := b.hdr(L-1, HK)
	for o := 0; o < d; o++ {
		copy(b.Work[J+o*mk:J+o*mk+KL], b.Params[int(p.WoOff)+o*KL:])
	}
	for l := L - 1; l >= 0; l-- {
		K, NI := b.hdr(l, HK), b.hdr(l, HNI)
		offI := base + b.hdr(l, HOffI)
		mp, mc, mv := b.hdr(l, HMIPtr), b.hdr(l, HMICol), b.hdr(l, HMIVal)
		fo := s*int(p.FBS) + b.hdr(l, HFB)
		for i := 0; i < NI; i++ {
			g := dphi(p.ActI, b.Work[offI+i])
			for o := 0; o < d; o++ {
				var v float32
				if g != 0 {
					for e := b.ptr(mp, i); e < b.ptr(mp, i+1); e++ {
						v += (b.val(mv, e) * g) * b.Work[J+o*mk+b.at(mc, e)]
					}
				}
				b.FB[fo+i*d+o] = v
			}
		}
		if l == 0 {
			break
		}
		offE := base + b.hdr(l, HOffE)
		ep, ec, ev := b.hdr(l, HMEPtr), b.hdr(l, HMECol), b.hdr(l, HMEVal)
		tp, tr, tv := b.hdr(l, HMETPtr), b.hdr(l, HMETRow), b.hdr(l, HMETVal)
		for o := 0; o < d; o++ {
			for k := 0; k < K; k++ {
				var acc float32
				for e := b.ptr(tp, k); e < b.ptr(tp, k+1); e++ {
					i := b.at(tr, e)
					g := dphi(p.ActE, b.Work[offE+i])
					if g == 0 {
						continue
					}
					var t float32
					for e2 := b.ptr(ep, i); e2 < b.ptr(ep, i+1); e2++ {
						t += b.Work[J+o*mk+b.at(ec, e2)] * b.val(ev, e2)
					}
					acc += t * (b.val(tv, e) * g)
				}
				b.Work[JD+o*mk+k] = acc
			}
		}
		kp, w := b.hdr(l, HKPrev), b.hdr(l, HW)
		for o := 0; o < d; o++ {
			for j := 0; j < kp; j++ {
				var acc float32
				for k := 0; k < K; k++ {
					acc += b.Work[JD+o*mk+k] * b.Params[w+k*kp+j]
				}
				b.Work[J+o*mk+j] = acc
			}
		}
	}
}

// FBMean is the reference of fbmean.wgsl.
func (p *Solver) FBMean(b *Buffers) {
	n, fbs := int(p.N), int(p.FBS)
	for idx := 0; idx < fbs; idx++ {
		acc := b.FB[idx]
		for s := 1; s < n; s++ {
			acc += b.FB[s*fbs+idx]
		}
		acc /= float32(n)
		for s := 0; s < n; s++ {
			b.FB[s*fbs+idx] = acc
		}
	}
}

// FBShape is the reference of fbshape.wgsl for sample s.
func (p *Solver) FBShape(b *Buffers, s int) {
	if s >= int(p.N) {
		return
	}
	v := p.FBScale
	for l := 0; l < int(p.L); l++ {
		o := s*int(p.FBS) + b.hdr(l, HFB)
		B := b.FB[o : o+b.hdr(l, HNI)*int(p.D)]
		var q float32
		for i, x := range B {
			if p.FBClip != 0 {
				x = min(max(x, -v), v)
				B[i] = x
			}
			q += x * x
		}
		if p.NormFB != 0 && q > 0 {
			scale := v / float32(math.Sqrt(float64(q)))
			for i := range B {
				B[i] *= scale
			}
		}
	}
}

// LocalErr is the reference of localerr.wgsl for sample s.
func (p *Solver) LocalErr(b *Buffers, s int) {
	if s >= int(p.N) {
		return
	}
	base := s * int(p.WS)
	d := int(p.D)
	for l := 0; l < int(p.L); l++ {
		p.driveAndOutput(b, l, base, base)
		NE, offE := b.hdr(l, HNE), b.hdr(l, HOffE)
		scratch := base + int(p.OffTmp) + offE
		var q float32
		for i := 0; i < NE; i++ {
			ixe, inh := p.excitatory(b, l, base, i)
			ref := max(p.Alpha*ixe, 0)
			if p.LocalErrKind == LocalErrRate {
				ref = p.BetaR * phi(p.ActE, b.Work[base+offE+i])
			}
			e := inh - ref
			b.Work[scratch+i] = e
			q += e * e
		}
		b.Work[base+int(p.OffOut)+2*d+l] = float32(math.Sqrt(float64(q / float32(NE))))
		K := b.hdr(l, HK)
		tp, tr, tv := b.hdr(l, HMETPtr), b.hdr(l, HMETRow), b.hdr(l, HMETVal)
		dl, hl := base+b.hdr(l, HDelta), base+b.hdr(l, HH)
		for k := 0; k < K; k++ {
			var acc float32
			for e := b.ptr(tp, k); e < b.ptr(tp, k+1); e++ {
				acc += b.val(tv, e) * b.Work[scratch+b.at(tr, e)]
			}
			b.Work[dl+k] = acc
			b.Work[hl+k] = b.shH[k]
		}
		copy(b.shHP, b.shH[:K])
	}
	KL := b.hdr(int(p.L)-1, HK)
	for o := 0; o < d; o++ {
		var z float32
		for k := 0; k < KL; k++ {
			z += b.Params[int(p.WoOff)+o*KL+k] * b.shHP[k]
		}
		uo := b.Work[base+int(p.OffO)+o]
		b.Work[base+int(p.OffEO)+o] = z - uo
		b.Work[base+int(p.OffOut)+d+o] = uo
	}
}

// Run is the reference of matmul.wgsl.
func (u MatMul) Run(a, bm, bias, c []float32) {
	for i := 0; i < int(u.M); i++ {
		for j := 0; j < int(u.N); j++ {
			var acc float32
			for k := 0; k < int(u.K); k++ {
				acc += a[int(u.OffA)+i*int(u.SAi)+k*int(u.SAk)] * bm[int(u.OffB)+k*int(u.SBk)+j*int(u.SBj)]
			}
			v := u.Alpha * acc
			if u.HasBias != 0 {
				v += bias[int(u.OffBias)+j]
			}
			c[int(u.OffC)+i*int(u.SCi)+j*int(u.SCj)] = v
		}
	}
}

// Run is the reference of batchmean.wgsl.
func (u Mean) Run(a, c []float32) {
	for j := 0; j < int(u.Count); j++ {
		var acc float32
		for s := 0; s < int(u.N); s++ {
			acc += a[int(u.OffA)+s*int(u.SA)+j]
		}
		c[int(u.OffC)+j] = acc * u.Alpha
	}
}

// Run is the reference of adam.wgsl.
func (u Adam) Run(p, m, v, g []float32) {
	for i := 0; i < int(u.Count); i++ {
		gi := g[i]
		mi := u.Beta1*m[i] + u.OneMinusBeta1*gi
		vi := u.Beta2*v[i] + u.OneMinusBeta2*gi*gi
		m[i], v[i] = mi, vi
		x := p[i] - u.LR*(mi*u.C1)/(float32(math.Sqrt(float64(vi*u.C2)))+u.Eps)
		if u.Clip != 0 {
			if x < u.Lo {
				x = u.Lo
			} else if x > u.Hi {
				x = u.Hi
			}
		}
		p[i] = x
	}
}

// RunClip is the reference of clip.wgsl.
func (u Adam) RunClip(p []float32) {
	for i := 0; i < int(u.Count); i++ {
		if p[i] < u.Lo {
			p[i] = u.Lo
		} else if p[i] > u.Hi {
			p[i] = u.Hi
		}
	}
}

// Step is the reference of step.wgsl for sample s: stages 2 to 7, then
// the control.
func (p *Solver) Step(b *Buffers, s int) {
	for j := 2; j <= 7; j++ {
		p.Stage(b, j, s)
	}
	p.Control(b, s)
}
