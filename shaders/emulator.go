package shaders

import (
	"fmt"

	"bcp/core/static"
)

// Emulator is a static.Backend that runs the reference functions of the
// kernels on the CPU, in the order in which the GPU backend dispatches the
// kernels. It is slow; it exists so that the GPU program can be checked
// against the CPU backend without a GPU, and as the reference for whole
// passes on a GPU.
type Emulator struct {
	net *static.Network
	ly  *Layout
	cap int
	b   *Buffers
	g   []float32 // directions, laid out like the parameters
}

// NewEmulator returns the emulator for net.
func NewEmulator(net *static.Network) (*Emulator, error) {
	if net.Cfg.Integrator != "tsit5" {
		return nil, fmt.Errorf("shaders: the kernels integrate with tsit5 only, not %q", net.Cfg.Integrator)
	}
	// The kernels always integrate the ODE (Tsit5), whatever Cfg.Solver says.
	ly, err := NewLayout(net)
	if err != nil {
		return nil, err
	}
	return &Emulator{net: net, ly: ly, g: make([]float32, ly.ParamLen)}, nil
}

// Layout returns the emulator's layout.
func (e *Emulator) Layout() *Layout { return e.ly }

// Buffers returns the emulator's buffers, as the last call left them.
func (e *Emulator) Buffers() *Buffers { return e.b }

// Name implements static.Backend.
func (e *Emulator) Name() string { return "emulator (WGSL reference functions on the CPU)" }

// Close implements static.Backend.
func (e *Emulator) Close() error { return nil }

func (e *Emulator) prepare(x, y []float32, n int) {
	if n > e.cap {
		e.cap = n
		e.b = NewBuffers(e.ly, n)
	}
	e.ly.PackParams(e.net.Params, e.b.Params)
	copy(e.b.Inp, x[:n*e.ly.In])
	if y != nil {
		copy(e.b.Inp[e.cap*e.ly.In:], y[:n*e.ly.Out])
	}
	FirstDrive(e.ly, n).Run(e.b.Inp, e.b.Params, e.b.Params, e.b.Work)
}

// solve integrates every sample to its end, as the GPU backend's loop of
// step dispatches does.
func (e *Emulator) solve(p *Solver) {
	n := int(p.N)
	e.b.Done = 0
	for s := 0; s < n; s++ {
		p.Init(e.b, s)
	}
	for e.b.Done < uint32(n) {
		for s := 0; s < n; s++ {
			p.Step(e.b, s)
		}
	}
}

// Predict implements static.Backend.
func (e *Emulator) Predict(x []float32, n int, yhat []float32) (static.PassStats, error) {
	e.prepare(x, nil, n)
	p := NewSolver(e.ly, &e.net.Cfg, n, e.cap, false)
	e.solve(&p)
	d := e.ly.Out
	var st static.PassStats
	for s := 0; s < n; s++ {
		o := s*e.ly.WS + e.ly.OffO
		copy(yhat[s*d:(s+1)*d], e.b.Work[o:o+d])
		c := e.b.Ctl[s]
		st.Add(CtlStats(c))
	}
	return st, nil
}

// Step implements static.Backend.
func (e *Emulator) Step(x, y []float32, n int, g [][]float32, out *static.StepOutput) error {
	e.prepare(x, y, n)
	cfg := &e.net.Cfg
	ly := e.ly
	b := e.b

	ol := NewSolver(ly, cfg, n, e.cap, false)
	e.solve(&ol)
	for s := 0; s < n; s++ {
		ol.Feedback(b, s)
	}
	if cfg.FBAverage {
		ol.FBMean(b)
	}
	if cfg.FBClip || cfg.NormFB {
		for s := 0; s < n; s++ {
			ol.FBShape(b, s)
		}
	}

	cl := NewSolver(ly, cfg, n, e.cap, true)
	for s := 0; s < n; s++ {
		cl.Targets(b, s)
	}
	e.solve(&cl)
	for s := 0; s < n; s++ {
		cl.LocalErr(b, s)
	}

	for _, d := range Directions(ly, e.net, n) {
		if d.MatMul == nil {
			d.Mean.Run(b.Work, e.g)
			continue
		}
		src := b.Work
		if d.FromInputs {
			src = b.Inp
		}
		d.MatMul.Run(b.Work, src, nil, e.g)
	}
	ly.UnpackParams(e.g, g)
	ReadStepOutputs(ly, b.Work, b.Ctl, n, out)
	return nil
}

// Stats turns a sample's counters into PassStats. Work counts evaluations
// of the right-hand side: one at the start and six per attempted step.
func Stats(accepted, rejected, steps, status uint32) static.PassStats {
	return static.PassStats{Solves: 1, Steps: int(accepted), Rejected: int(rejected),
		Failures: int(b2u(status == Failed)), Steady: int(b2u(status == Steady)),
		Work: 1 + 6*int(steps)}
}

// CtlStats returns the PassStats of a controller record.
func CtlStats(c Ctl) static.PassStats { return Stats(c.Accepted, c.Rejected, c.Steps, c.Status) }

// ReadStepOutputs fills out from the output parts of n work records and
// the closed-loop controller records.
func ReadStepOutputs(ly *Layout, work []float32, ctl []Ctl, n int, out *static.StepOutput) {
	readOutputs(ly, func(s int) []float32 {
		return work[s*ly.WS+ly.OffOut : s*ly.WS+ly.OffOut+ly.OutLen()]
	}, ctl, n, out)
}

// ReadCompactOutputs fills out from the output parts of n work records
// stored one after the other (OutLen values each) and the closed-loop
// controller records.
func ReadCompactOutputs(ly *Layout, outs []float32, ctl []Ctl, n int, out *static.StepOutput) {
	m := ly.OutLen()
	readOutputs(ly, func(s int) []float32 { return outs[s*m : (s+1)*m] }, ctl, n, out)
}

func readOutputs(ly *Layout, rec func(s int) []float32, ctl []Ctl, n int, out *static.StepOutput) {
	d := ly.Out
	out.OL, out.CL = static.PassStats{}, static.PassStats{}
	rms := make([]float64, ly.L)
	for s := 0; s < n; s++ {
		r := rec(s)
		copy(out.YhatOL[s*d:(s+1)*d], r[:d])
		copy(out.YhatCL[s*d:(s+1)*d], r[d:2*d])
		for l := range rms {
			rms[l] += float64(r[2*d+l])
		}
		st := r[2*d+ly.L:]
		out.OL.Add(Stats(uint32(st[0]), uint32(st[1]), uint32(st[2]), uint32(st[3])))
		c := ctl[s]
		out.CL.Add(CtlStats(c))
	}
	if out.LocalErr != nil {
		for l := range rms {
			out.LocalErr[l] = rms[l] / float64(n)
		}
	}
}

// FirstDrive returns the matmul that computes a_1 = W_1 x + b_1 for n
// samples: A = the inputs (n × In), B = W_1ᵀ, C = the a_1 part of the work
// records.
func FirstDrive(ly *Layout, n int) MatMul {
	u := MatMul{M: uint32(n), N: uint32(ly.K[0]), K: uint32(ly.In),
		SAi: uint32(ly.In), SAk: 1,
		OffB: uint32(ly.ParamOff[0]), SBk: 1, SBj: uint32(ly.In),
		OffC: uint32(ly.OffA1), SCi: uint32(ly.WS), SCj: 1, Alpha: 1}
	if ly.biasOff(0) >= 0 {
		u.HasBias, u.OffBias = 1, uint32(ly.biasOff(0))
	}
	return u
}

func (ly *Layout) biasOff(l int) int {
	h := ly.Net[l*HeaderWords+HB]
	if h == NoBias {
		return -1
	}
	return int(h)
}

// Direction is one kernel of the update directions: a MatMul (A from the
// work records, B from the inputs when FromInputs is set and from the work
// records otherwise) or a Mean over the work records.
type Direction struct {
	MatMul     *MatMul
	Mean       *Mean
	FromInputs bool
}

// Directions returns the kernels that compute the batch-mean update
// directions into a buffer laid out like the parameters:
//
//	g_{W_l} = (1/n) Σ_s δ_l h_{l−1}ᵀ  (MatMul; h_0 = x, from the inputs)
//	g_{b_l} = (1/n) Σ_s δ_l           (Mean)
//	g_{W_o} = (1/n) Σ_s e_o h_Lᵀ      (MatMul)
func Directions(ly *Layout, net *static.Network, n int) []Direction {
	inv := 1 / float32(n)
	ws := uint32(ly.WS)
	var ds []Direction
	for l := 0; l < ly.L; l++ {
		u := MatMul{M: uint32(ly.K[l]), K: uint32(n),
			OffA: uint32(ly.Delta[l]), SAi: 1, SAk: ws,
			OffC: uint32(ly.ParamOff[net.WeightIndex(l)]), SCj: 1, Alpha: inv}
		if l == 0 {
			u.N, u.SBk, u.SBj = uint32(ly.In), uint32(ly.In), 1
		} else {
			u.N, u.OffB, u.SBk, u.SBj = uint32(ly.K[l-1]), uint32(ly.H[l-1]), ws, 1
		}
		u.SCi = u.N
		ds = append(ds, Direction{MatMul: &u, FromInputs: l == 0})
		if bi := net.BiasIndex(l); bi >= 0 {
			ds = append(ds, Direction{Mean: &Mean{Count: uint32(ly.K[l]), N: uint32(n),
				OffA: uint32(ly.Delta[l]), SA: ws, OffC: uint32(ly.ParamOff[bi]), Alpha: inv}})
		}
	}
	kL := ly.K[ly.L-1]
	ds = append(ds, Direction{MatMul: &MatMul{M: uint32(ly.Out), N: uint32(kL), K: uint32(n),
		OffA: uint32(ly.OffEO), SAi: 1, SAk: ws,
		OffB: uint32(ly.H[ly.L-1]), SBk: ws, SBj: 1,
		OffC: uint32(ly.WoOff), SCi: uint32(kL), SCj: 1, Alpha: inv}})
	return ds
}
