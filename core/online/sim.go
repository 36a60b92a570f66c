package online

import (
	"fmt"
	"math"
)

// Phase is the kind of trial a Sim is running.
type Phase int

// The phases of the experiment protocols.
const (
	PhaseTrain       Phase = iota // training trial (closed loop with plasticity unless the task says otherwise)
	PhaseWashout                  // open-loop trial that starts a trajectory test, without plasticity
	PhaseTestOL                   // open-loop test trial
	PhaseTestCL                   // closed-loop test trial
	PhaseTestCSPlus               // fear conditioning: CS+ alone, open loop
	PhaseTestCSMinus              // fear conditioning: CS− alone, open loop
	PhaseDone                     // the protocol is finished
	numPhases
)

var phaseNames = [numPhases]string{"training", "test washout (OL)", "test OL", "test CL",
	"test CS+", "test CS−", "done"}

// String returns a short readable name of p.
func (p Phase) String() string {
	if p < 0 || p >= numPhases {
		return fmt.Sprintf("Phase(%d)", int(p))
	}
	return phaseNames[p]
}

// Test reports whether p is a trial of a test.
func (p Phase) Test() bool { return p != PhaseTrain && p != PhaseDone }

// task is one experiment protocol. The Sim runs trials of the phases the
// protocol asks for; the task supplies inputs, targets and per-step modes
// and computes its own metrics.
type task interface {
	// testPhases lists the trials of one test, in order.
	testPhases() []Phase

	// recorded lists the phases whose outputs the snapshots hold, and the
	// task's own series.
	recorded() ([]recordedPhase, []extraSeries)

	// begin prepares a trial of phase s.phase.
	begin(s *Sim)

	// input writes the input and the target of step j into s.x and s.y (or
	// points them at stored rows) and reports whether control and plasticity
	// are on.
	input(s *Sim, j int) (control, plastic bool)

	// observe sees step j after the network has taken it.
	observe(s *Sim, j int)

	// end finishes a trial of phase s.phase.
	end(s *Sim)

	// commit appends the metrics of a finished test to s.rec.
	commit(s *Sim)
}

// Probe sizes: a Probe carries at most this many inputs, outputs and
// assemblies.
const (
	ProbeInputs     = 32
	ProbeOutputs    = 4
	ProbeAssemblies = 4
)

// AssemblyProbe holds means over one assembly (its home block of neurons)
// at the last step.
type AssemblyProbe struct {
	Index    int     // ensemble
	Exc      float64 // mean feed-forward excitation I_XE of its E neurons
	Inh      float64 // mean inhibition W_IE φ(u_I) its E neurons receive
	Err      float64 // mean local error ε = α relu(Ī) − W_IE φ(u_I)
	InhInput float64 // mean total input of its I neurons: I_XI + W_EI φ(u_E) − f
	Feedback float64 // mean feedback f into its I neurons
	RateE    float64 // mean φ(u_E)
	RateI    float64 // mean φ(u_I)
}

// Probe holds the values of the last step for live display. It has fixed
// arrays, so it is returned by value without allocating; NIn, NOut and
// NAsm say how many entries are valid.
type Probe struct {
	Phase      Phase
	Control    bool    // controller output on at the last step
	Plastic    bool    // plasticity on at the last step
	Trial      int     // training trials completed
	Step       int     // steps of the current trial taken
	SimSeconds float64 // simulated time since the start

	NIn, NOut, NAsm int
	Input           [ProbeInputs]float64
	Output          [ProbeOutputs]float64 // ŷ
	Target          [ProbeOutputs]float64 // y
	ControlSignal   [ProbeOutputs]float64 // c
	Lever           float64               // running integral of output 0 over the trial (the lever in the motor task)
	Asm             [ProbeAssemblies]AssemblyProbe
}

// accum collects the sums of a trial for R² and the loss.
type accum struct {
	n            int
	sy, syy, res []float64
	sq           float64
}

func (a *accum) reset() {
	a.n, a.sq = 0, 0
	clear(a.sy)
	clear(a.syy)
	clear(a.res)
}

func (a *accum) add(y, yhat []float64) {
	a.n++
	for o, v := range y {
		d := v - yhat[o]
		a.sy[o] += v
		a.syy[o] += v * v
		a.res[o] += d * d
		a.sq += d * d
	}
}

// r2 returns the coefficient of determination averaged uniformly over the
// outputs. An output with a constant target counts 1 if it is matched
// exactly and 0 otherwise.
func (a *accum) r2() float64 {
	var s float64
	for o := range a.sy {
		tot := a.syy[o] - a.sy[o]*a.sy[o]/float64(a.n)
		switch {
		case tot > 0:
			s += 1 - a.res[o]/tot
		case a.res[o] == 0:
			s++
		}
	}
	return s / float64(len(a.sy))
}

// loss returns the time mean of the summed squared output error.
func (a *accum) loss() float64 { return a.sq / float64(a.n) }

// testResult collects the OL/CL metrics of a test in progress.
type testResult struct {
	olR2, clR2, olLoss, clLoss float64
	hidden                     []float64
}

// Sim runs one online experiment: the network, the task protocol and the
// recording. Advance moves it on by Euler steps; everything else reads its
// state. A Sim is not safe for concurrent use.
type Sim struct {
	cfg  Config
	net  *network
	task task
	rec  Record
	recr *recorder

	phase      Phase
	j, trialN  int   // step within the trial, steps per trial
	trainDone  int   // training trials completed
	testPos    int   // position in testPhases of the running test, 0 when none
	testAt     int   // trainDone at the latest test, −1 before the first
	tests      int   // tests started
	steps      int64 // steps taken
	learning   bool
	x, y       []float64
	control    bool
	plastic    bool
	lever      float64
	acc        accum
	res        testResult
	saved      []float64
	rp         *phaseRec
	probeAsm   [ProbeAssemblies]int
	nProbeAsm  int
	eStart     []int // first E neuron of each ensemble's home block, K+1 entries
	iStart     []int // the same for I neurons
	testPhases []Phase
}

// New builds the experiment cfg.Task: the network with its memberships,
// balanced I→E weights and initial parameters, the task's inputs and the
// protocol, positioned before the first step. The trajectory task needs
// target, the points of one period of the drawing (already centred and
// scaled), spread uniformly in time over the trial; other tasks take nil.
func New(cfg Config, target [][2]float64) (*Sim, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	net, err := newNetwork(&cfg)
	if err != nil {
		return nil, err
	}
	s := &Sim{cfg: cfg, net: net, testAt: -1, learning: true, trialN: cfg.steps(cfg.TrialSeconds)}
	switch cfg.Task {
	case Traj:
		s.task, err = newTrajTask(s, target)
	case FearCond:
		s.task, err = newFearTask(s)
	case Motor:
		s.task, err = newMotorTask(s)
	case Assembly:
		s.task, err = newSingleTask(s)
	}
	if err != nil {
		return nil, err
	}
	if target != nil && cfg.Task != Traj {
		return nil, fmt.Errorf("online: the %s task takes no target points", cfg.Task)
	}

	d := cfg.Outputs
	s.x, s.y = make([]float64, cfg.Inputs), make([]float64, d)
	s.acc = accum{sy: make([]float64, d), syy: make([]float64, d), res: make([]float64, d)}
	s.res.hidden = make([]float64, cfg.NE)
	s.saved = make([]float64, net.stateSize())
	s.testPhases = s.task.testPhases()
	phases, extra := s.task.recorded()
	s.recr = newRecorder(net, s.trialN, cfg.ActivityStride, cfg.RecordActivity, phases, extra...)

	s.rec = Record{Task: cfg.Task, DT: cfg.DT, BalanceResidual: net.residual,
		K: cfg.K, Inputs: cfg.Inputs, Outputs: d, NE: cfg.NE}
	s.rec.V0 = append([]float64(nil), net.V...)
	s.rec.B0 = append([]float64(nil), net.b...)
	s.rec.U0 = append([]float64(nil), net.U...)
	s.rec.W0 = append([]float64(nil), net.W...)

	s.eStart, s.iStart = make([]int, cfg.K+1), make([]int, cfg.K+1)
	for k := 0; k <= cfg.K; k++ {
		// Neuron i is in ensemble ⌊iK/N⌋ (assembly's hard tiling).
		s.eStart[k] = (k*cfg.NE + cfg.K - 1) / cfg.K
		s.iStart[k] = (k*cfg.NI + cfg.K - 1) / cfg.K
	}
	if !cfg.NoHidden {
		for k := 0; k < min(cfg.K, ProbeAssemblies); k++ {
			s.probeAsm[k] = k
		}
		s.nProbeAsm = min(cfg.K, ProbeAssemblies)
	}

	s.startTrial(s.nextPhase())
	return s, nil
}

// Config returns the configuration of the run.
func (s *Sim) Config() Config { return s.cfg }

// Done reports whether the protocol has finished.
func (s *Sim) Done() bool { return s.phase == PhaseDone }

// Phase returns the phase of the trial the next step belongs to.
func (s *Sim) Phase() Phase { return s.phase }

// Trial returns the number of training trials completed.
func (s *Sim) Trial() int { return s.trainDone }

// Steps returns the number of Euler steps taken.
func (s *Sim) Steps() int64 { return s.steps }

// SimSeconds returns the simulated time, tests included.
func (s *Sim) SimSeconds() float64 { return float64(s.steps) * s.cfg.DT }

// TotalSteps returns the number of steps of the whole protocol.
func (s *Sim) TotalSteps() int64 {
	c := &s.cfg
	tests := c.Trials/c.RecordEvery + 1
	if c.Trials%c.RecordEvery != 0 {
		tests++
	}
	return int64(c.Trials+tests*len(s.testPhases)) * int64(s.trialN)
}

// StepsPerTrial returns the number of Euler steps of every trial.
func (s *Sim) StepsPerTrial() int { return s.trialN }

// SetLearning turns plasticity on or off for the training trials that
// follow (test trials never learn). Turning it off changes the run.
func (s *Sim) SetLearning(on bool) { s.learning = on }

// Learning reports whether plasticity is enabled (see SetLearning).
func (s *Sim) Learning() bool { return s.learning }

// SetProbeAssemblies chooses the ensembles (at most ProbeAssemblies) that
// Probe reports.
func (s *Sim) SetProbeAssemblies(ids ...int) error {
	if len(ids) > ProbeAssemblies {
		return fmt.Errorf("online: at most %d assemblies can be probed, got %d", ProbeAssemblies, len(ids))
	}
	for _, k := range ids {
		if k < 0 || k >= s.cfg.K || s.cfg.NoHidden {
			return fmt.Errorf("online: assembly %d does not exist (the network has %d)", k, s.cfg.K)
		}
	}
	s.nProbeAsm = copy(s.probeAsm[:], ids)
	return nil
}

// Advance takes up to steps Euler steps of the protocol, across trial and
// test boundaries, and stops early when the protocol is done. Splitting a
// run into calls of any length gives bit-identical results.
func (s *Sim) Advance(steps int) {
	for i := 0; i < steps && s.phase != PhaseDone; i++ {
		s.step()
	}
}

// step takes one Euler step of the current trial.
func (s *Sim) step() {
	control, plastic := s.task.input(s, s.j)
	control = control && !s.cfg.ReadoutOnly && !s.cfg.NoHidden
	plastic = plastic && s.learning && s.phase == PhaseTrain
	s.control, s.plastic = control, plastic
	s.net.step(s.x, s.y, control, plastic)

	n := s.net
	s.lever += n.yhat[0] * s.cfg.DT
	switch s.phase {
	case PhaseTestOL, PhaseTestCL:
		s.acc.add(n.y, n.yhat)
		if s.phase == PhaseTestCL && !n.noHidden {
			for i, e := range n.eps {
				s.res.hidden[i] += e
			}
		}
	}
	if s.rp != nil {
		s.rp.write(s.j, n)
	}
	s.task.observe(s, s.j)

	s.j++
	s.steps++
	if s.j == s.trialN {
		s.endTrial()
	}
}

// nextPhase returns the phase of the trial after the current one: the rest
// of a running test, a test when one is due (before the first training
// trial, after every RecordEvery and after the last), a training trial, or
// PhaseDone.
func (s *Sim) nextPhase() Phase {
	if s.testPos > 0 && s.testPos < len(s.testPhases) {
		s.testPos++
		return s.testPhases[s.testPos-1]
	}
	s.testPos = 0
	c := &s.cfg
	if s.testAt != s.trainDone && (s.trainDone%c.RecordEvery == 0 || s.trainDone == c.Trials) {
		s.testAt = s.trainDone
		s.testPos = 1
		s.tests++
		clear(s.res.hidden)
		return s.testPhases[0]
	}
	if s.trainDone < c.Trials {
		return PhaseTrain
	}
	return PhaseDone
}

// startTrial begins a trial of phase ph. A closed-loop test trial saves the
// network state; the open-loop test trial that follows starts from it again.
func (s *Sim) startTrial(ph Phase) {
	s.phase = ph
	s.j = 0
	s.lever = 0
	s.acc.reset()
	s.rp = nil
	if ph == PhaseDone {
		return
	}
	switch ph {
	case PhaseTestCL:
		s.net.saveState(s.saved)
	case PhaseTestOL:
		s.net.restoreState(s.saved)
	}
	s.rp = s.recr.phases[ph]
	s.task.begin(s)
}

// endTrial finishes the current trial, commits a finished test and starts
// the next trial.
func (s *Sim) endTrial() {
	switch s.phase {
	case PhaseTrain:
		s.trainDone++
	case PhaseTestOL:
		s.res.olR2, s.res.olLoss = s.acc.r2(), s.acc.loss()
	case PhaseTestCL:
		s.res.clR2, s.res.clLoss = s.acc.r2(), s.acc.loss()
	}
	s.task.end(s)
	if s.phase.Test() && s.testPos == len(s.testPhases) {
		s.commitTest()
	}
	s.startTrial(s.nextPhase())
}

// commitTest appends a finished test to the record.
func (s *Sim) commitTest() {
	r := &s.rec
	r.Trial = append(r.Trial, s.testAt)
	if s.phase == PhaseTestOL {
		r.OLR2 = append(r.OLR2, s.res.olR2)
		r.CLR2 = append(r.CLR2, s.res.clR2)
		r.OLLoss = append(r.OLLoss, s.res.olLoss)
		r.CLLoss = append(r.CLLoss, s.res.clLoss)
		if !s.net.noHidden {
			r.HiddenError = append(r.HiddenError, append([]float64(nil), s.res.hidden...))
		}
	}
	n := s.net
	r.VNorm = append(r.VNorm, norm(n.V))
	r.BNorm = append(r.BNorm, norm(n.b))
	if n.noHidden {
		r.UNorm = append(r.UNorm, norm(n.W))
	} else {
		r.UNorm = append(r.UNorm, norm(n.U))
	}
	s.task.commit(s)
	cur := s.recr.cur
	cur.Trial = s.testAt
	if r.First == nil {
		r.First = cur.clone()
	}
	if r.Last == nil {
		r.Last = cur.clone()
	} else {
		r.Last.copyFrom(cur)
	}
}

// Record returns what has been recorded so far, with the current
// parameters. The record belongs to the Sim and changes as it advances;
// copy what must be kept.
func (s *Sim) Record() *Record {
	n := s.net
	r := &s.rec
	r.V = append(r.V[:0], n.V...)
	r.B = append(r.B[:0], n.b...)
	r.U = append(r.U[:0], n.U...)
	r.W = append(r.W[:0], n.W...)
	return r
}

// Probe returns the values of the last step (input, target, prediction,
// control and the currents of the probed assemblies); before the first step
// they are zero.
func (s *Sim) Probe() Probe {
	n := s.net
	p := Probe{Phase: s.phase, Control: s.control, Plastic: s.plastic, Trial: s.trainDone,
		Step: s.j, SimSeconds: s.SimSeconds(), Lever: s.lever}
	p.NIn = copy(p.Input[:], s.x)
	p.NOut = copy(p.Output[:], n.yhat)
	copy(p.Target[:], n.y)
	copy(p.ControlSignal[:], n.c)
	p.NAsm = s.nProbeAsm
	invNE := 1 / n.nE
	for a := 0; a < s.nProbeAsm; a++ {
		k := s.probeAsm[a]
		q := AssemblyProbe{Index: k}
		e0, e1 := s.eStart[k], s.eStart[k+1]
		for i := e0; i < e1; i++ {
			q.Exc += n.ixe[i]
			q.Inh += n.inh[i]
			q.Err += n.eps[i]
			q.RateE += n.rE[i]
		}
		ne := float64(e1 - e0)
		q.Exc, q.Inh, q.Err, q.RateE = q.Exc/ne, q.Inh/ne, q.Err/ne, q.RateE/ne
		i0, i1 := s.iStart[k], s.iStart[k+1]
		for i := i0; i < i1; i++ {
			q.InhInput += n.ixi[i] + invNE*n.wei[i] - n.f[i]
			q.Feedback += n.f[i]
			q.RateI += n.rI[i]
		}
		ni := float64(i1 - i0)
		q.InhInput, q.Feedback, q.RateI = q.InhInput/ni, q.Feedback/ni, q.RateI/ni
		p.Asm[a] = q
	}
	return p
}

// sigmoid returns 1/(1 + exp(−u)) without overflow.
func sigmoid(u float64) float64 {
	if u >= 0 {
		return 1 / (1 + math.Exp(-u))
	}
	z := math.Exp(u)
	return z / (1 + z)
}

// norm returns the Euclidean (Frobenius) norm of v.
func norm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}
