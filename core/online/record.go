package online

// Series is one recorded time series: row r holds the values at step
// r·Stride of its trial, Cols values per row.
type Series struct {
	Name   string
	Cols   int
	Stride int       // steps between rows
	Data   []float64 // rows × Cols, row-major
}

// Rows returns the number of rows of s.
func (s *Series) Rows() int { return len(s.Data) / s.Cols }

// Snapshot holds the time series recorded during one test (see
// Record.First and Record.Last).
type Snapshot struct {
	Trial  int // training trials completed before the test
	Series []Series
}

// Get returns the series with the given name, or nil.
func (s *Snapshot) Get(name string) *Series {
	for i := range s.Series {
		if s.Series[i].Name == name {
			return &s.Series[i]
		}
	}
	return nil
}

// clone returns a deep copy of s.
func (s *Snapshot) clone() *Snapshot {
	c := &Snapshot{Trial: s.Trial, Series: make([]Series, len(s.Series))}
	for i, v := range s.Series {
		c.Series[i] = v
		c.Series[i].Data = append([]float64(nil), v.Data...)
	}
	return c
}

// copyFrom copies src into s, reusing the storage of s.
func (s *Snapshot) copyFrom(src *Snapshot) {
	s.Trial = src.Trial
	for i := range s.Series {
		copy(s.Series[i].Data, src.Series[i].Data)
	}
}

// Record holds what a Sim has recorded so far. The lists of the first block
// have one entry per test, in order; the Trial of a test is the number of
// training trials completed before it (0 for the test before the first
// trial). Lists a task does not produce stay empty.
type Record struct {
	Task            Task
	DT              float64
	BalanceResidual float64 // RMS residual of the balance condition of W_IE
	K, Inputs       int     // shapes of V (K×Inputs), b (K) and U (Outputs×K)
	Outputs, NE     int

	// Per test.
	Trial []int

	// Trajectory, motor and single assembly: R² (the coefficient of
	// determination averaged uniformly over outputs) and loss (time mean of
	// the summed squared output error, no ½) of the open-loop (OL) and the
	// closed-loop (CL) test trial, and, per E neuron, the local error ε
	// summed over the steps of the CL test trial.
	OLR2, CLR2     []float64
	OLLoss, CLLoss []float64
	HiddenError    [][]float64

	// Frobenius norms of V, b and U at each test (without a hidden layer
	// VNorm and BNorm are 0 and UNorm is the norm of the readout W).
	VNorm, BNorm, UNorm []float64

	// Fear conditioning: freezing σ(k(ŷ − s)) averaged over the CS window
	// and its maximum over the window, for CS+ and for CS−.
	FreezingCSPlus, FreezingCSMinus       []float64
	FreezingCSPlusMax, FreezingCSMinusMax []float64

	// Motor learning: the minimum of the lever trace (the running integral
	// of the output) of every training trial, and of each OL and CL test.
	LeverMin               []float64
	OLLeverMin, CLLeverMin []float64

	// Single assembly: per test, the correlation of the OL test output with
	// each latent pattern, and the feed-forward drive per unit of each
	// pattern, Σ_j V_kj W_ij averaged over the ensembles k (V as used in the
	// dynamics, W the input tiling): the assembly's selectivity.
	PatternCorr  [][]float64
	PatternDrive [][]float64

	// Parameters now (V, B, U; W without a hidden layer) and at the start
	// (V0, B0, U0, W0), row-major.
	V, B, U, W     []float64
	V0, B0, U0, W0 []float64

	// Time series of the first test and of the latest one (nil before the
	// first test ends). Outputs are recorded every step: "target", "ol",
	// "cl" (fearcond: "cs_plus", "cs_minus"; assembly also "patterns").
	// With Config.RecordActivity (always for the single assembly) every
	// ActivityStride steps also, per prefix (ol, cl, cs_plus, cs_minus),
	// "<prefix>_re" and "<prefix>_ri" (E and I rates), "<prefix>_exc" (the
	// feed-forward current I_XE of the E neurons), "<prefix>_inh" (their
	// inhibition W_IE φ(u_I)), "<prefix>_err" (the local error ε) and
	// "<prefix>_fb" (the feedback f into the I neurons).
	First, Last *Snapshot
}

// Array is a named row-major array for saving (for example to .npz).
type Array struct {
	Name  string
	Shape []int
	Data  []float64
}

// Arrays returns the recorded lists, the parameters and the first and latest
// test series as named arrays: lists with their test names ("trial",
// "ol_r2", …), parameters as "v", "b", "u" (or "w") and their initial values
// as "v0", …, and series as "first_<name>" and "last_<name>". Empty entries
// are left out. The arrays share storage with r.
func (r *Record) Arrays() []Array {
	var out []Array
	list := func(name string, v []float64) {
		if len(v) > 0 {
			out = append(out, Array{Name: name, Shape: []int{len(v)}, Data: v})
		}
	}
	matrix := func(name string, rows [][]float64) {
		if len(rows) == 0 || len(rows[0]) == 0 {
			return
		}
		d := make([]float64, 0, len(rows)*len(rows[0]))
		for _, row := range rows {
			d = append(d, row...)
		}
		out = append(out, Array{Name: name, Shape: []int{len(rows), len(rows[0])}, Data: d})
	}
	shaped := func(name string, v []float64, shape ...int) {
		if len(v) > 0 {
			out = append(out, Array{Name: name, Shape: shape, Data: v})
		}
	}

	trial := make([]float64, len(r.Trial))
	for i, t := range r.Trial {
		trial[i] = float64(t)
	}
	list("trial", trial)
	list("ol_r2", r.OLR2)
	list("cl_r2", r.CLR2)
	list("ol_loss", r.OLLoss)
	list("cl_loss", r.CLLoss)
	matrix("hidden_error", r.HiddenError)
	list("v_norm", r.VNorm)
	list("b_norm", r.BNorm)
	list("u_norm", r.UNorm)
	list("freezing_cs_plus", r.FreezingCSPlus)
	list("freezing_cs_minus", r.FreezingCSMinus)
	list("freezing_cs_plus_max", r.FreezingCSPlusMax)
	list("freezing_cs_minus_max", r.FreezingCSMinusMax)
	list("lever_min", r.LeverMin)
	list("ol_lever_min", r.OLLeverMin)
	list("cl_lever_min", r.CLLeverMin)
	matrix("pattern_corr", r.PatternCorr)
	matrix("pattern_drive", r.PatternDrive)

	shaped("v", r.V, r.K, r.Inputs)
	shaped("b", r.B, r.K)
	shaped("u", r.U, r.Outputs, r.K)
	shaped("w", r.W, r.Outputs, r.Inputs)
	shaped("v0", r.V0, r.K, r.Inputs)
	shaped("b0", r.B0, r.K)
	shaped("u0", r.U0, r.Outputs, r.K)
	shaped("w0", r.W0, r.Outputs, r.Inputs)

	for _, s := range []struct {
		prefix string
		snap   *Snapshot
	}{{"first", r.First}, {"last", r.Last}} {
		if s.snap == nil {
			continue
		}
		for _, ser := range s.snap.Series {
			shaped(s.prefix+"_"+ser.Name, ser.Data, ser.Rows(), ser.Cols)
		}
	}
	return out
}

// phaseRec points at the series that the trials of one phase fill.
type phaseRec struct {
	out, target              *Series
	re, ri, exc, inh, err, f *Series
}

// recorder builds the working snapshot of a Sim: for each recorded phase
// the output series (and the target with withTarget) every step and, with
// activity, the activity series every stride steps.
type recorder struct {
	cur    *Snapshot
	phases [numPhases]*phaseRec
}

type recordedPhase struct {
	phase      Phase
	prefix     string
	withTarget bool
}

// extraSeries is a task's own series, recorded every step: newRecorder
// makes it and stores it in *dst.
type extraSeries struct {
	name string
	cols int
	dst  **Series
}

func newRecorder(n *network, steps, stride int, activity bool, list []recordedPhase,
	extra ...extraSeries) *recorder {
	r := &recorder{cur: &Snapshot{}}
	type slot struct {
		ptr  **Series
		name string
		cols int
		strd int
	}
	var slots []slot
	for _, p := range list {
		pr := &phaseRec{}
		r.phases[p.phase] = pr
		if p.withTarget {
			slots = append(slots, slot{&pr.target, "target", n.dOut, 1})
		}
		slots = append(slots, slot{&pr.out, p.prefix, n.dOut, 1})
		if activity && !n.noHidden {
			slots = append(slots,
				slot{&pr.re, p.prefix + "_re", n.NE, stride},
				slot{&pr.ri, p.prefix + "_ri", n.NI, stride},
				slot{&pr.exc, p.prefix + "_exc", n.NE, stride},
				slot{&pr.inh, p.prefix + "_inh", n.NE, stride},
				slot{&pr.err, p.prefix + "_err", n.NE, stride},
				slot{&pr.f, p.prefix + "_fb", n.NI, stride})
		}
	}
	for _, e := range extra {
		slots = append(slots, slot{e.dst, e.name, e.cols, 1})
	}
	r.cur.Series = make([]Series, len(slots))
	for i, s := range slots {
		rows := (steps + s.strd - 1) / s.strd
		r.cur.Series[i] = Series{Name: s.name, Cols: s.cols, Stride: s.strd,
			Data: make([]float64, rows*s.cols)}
		*s.ptr = &r.cur.Series[i]
	}
	return r
}

// row writes v into row i of s.
func (s *Series) row(i int, v []float64) { copy(s.Data[i*s.Cols:(i+1)*s.Cols], v) }

// write records step j of a trial of the phase pr.
func (pr *phaseRec) write(j int, n *network) {
	if pr.target != nil {
		pr.target.row(j, n.y)
	}
	pr.out.row(j, n.yhat)
	if pr.re == nil || j%pr.re.Stride != 0 {
		return
	}
	i := j / pr.re.Stride
	pr.re.row(i, n.rE)
	pr.ri.row(i, n.rI)
	pr.exc.row(i, n.ixe)
	pr.inh.row(i, n.inh)
	pr.err.row(i, n.eps)
	pr.f.row(i, n.f)
}
