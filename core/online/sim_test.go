package online

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	for _, task := range Tasks() {
		c := DefaultConfig(task)
		if err := c.Validate(); err != nil {
			t.Errorf("%s defaults: %v", task, err)
		}
	}
	cases := []struct {
		name   string
		change func(c *Config)
		want   string
	}{
		{"task", func(c *Config) { c.Task = "juggling" }, `task "juggling"`},
		{"trials", func(c *Config) { c.Trials = 0 }, "trials = 0"},
		{"dt", func(c *Config) { c.DT = 0 }, "dt = 0"},
		{"negative dt", func(c *Config) { c.DT = -1e-3 }, "dt = -0.001"},
		{"dt vs tau", func(c *Config) { c.DT = 0.05 }, "smaller than tau_e"},
		{"record every", func(c *Config) { c.RecordEvery = 0 }, "record_every"},
		{"feedback", func(c *Config) { c.Feedback = "telepathic" },
			"feedback mode \"telepathic\" is not known; use one of aligned, random-ensemble, random-neuron, global, none"},
		{"controller", func(c *Config) { c.Controller = "bang-bang" }, "controller"},
		{"loss", func(c *Config) { c.Loss = "hinge" }, "loss"},
		{"alpha", func(c *Config) { c.Alpha = 1 }, "alpha"},
		{"ensembles", func(c *Config) { c.NI = 10 }, "n_inh = 10"},
		{"overlap", func(c *Config) { c.Overlap = 100 }, "overlap"},
		{"outputs", func(c *Config) { c.Outputs = 3 }, "outputs = 3"},
		{"controls", func(c *Config) { c.NoHidden, c.ReadoutOnly = true, true }, "no_hidden and readout_only"},
		{"clip", func(c *Config) { c.ClipV = -1 }, "clip_v"},
		{"trial length", func(c *Config) { c.TrialSeconds = 1e-4 }, "trial_seconds"},
	}
	for _, tc := range cases {
		c := DefaultConfig(Traj)
		tc.change(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.want)
		}
		if _, err := New(c, circle(10)); err == nil {
			t.Errorf("%s: New accepted an invalid config", tc.name)
		}
	}

	taskCases := []struct {
		task   Task
		change func(c *Config)
		want   string
	}{
		{FearCond, func(c *Config) { c.CSChannels = 20 }, "cs_channels"},
		{FearCond, func(c *Config) { c.CSSeconds = 9 }, "exceed trial_seconds"},
		{FearCond, func(c *Config) { c.KernelDecay = 0 }, "kernel_decay"},
		{Motor, func(c *Config) { c.CueTime = 7 }, "cue_time"},
		{Motor, func(c *Config) { c.CueFreqMax = 0.01 }, "cue_freq"},
		{Assembly, func(c *Config) { c.TargetPattern = 3 }, "target_pattern"},
		{Assembly, func(c *Config) { c.TilingWidth = 0 }, "tiling_width"},
	}
	for _, tc := range taskCases {
		c := DefaultConfig(tc.task)
		tc.change(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one containing %q", tc.task, err, tc.want)
		}
	}

	if _, err := New(DefaultConfig(Traj), nil); err == nil {
		t.Error("the trajectory task accepted no target")
	}
	if _, err := New(DefaultConfig(Motor), circle(10)); err == nil {
		t.Error("the motor task accepted target points")
	}
}

// TestProtocol checks the sequence of trials: tests before the first
// training trial, after every RecordEvery and after the last, and the total
// number of steps.
func TestProtocol(t *testing.T) {
	for _, task := range Tasks() {
		c := smallConfig(task) // 5 trials, a test every 2: at 0, 2, 4 and 5
		s := mustNew(t, c)
		var phases []Phase
		last := Phase(-1)
		for !s.Done() {
			if p := s.Phase(); p != last || s.Probe().Step == 0 {
				phases = append(phases, p)
				last = p
			}
			s.Advance(s.StepsPerTrial())
		}
		if got := s.Steps(); got != s.TotalSteps() {
			t.Errorf("%s: %d steps taken, TotalSteps says %d", task, got, s.TotalSteps())
		}
		r := s.Record()
		if want := []int{0, 2, 4, 5}; !slices.Equal(r.Trial, want) {
			t.Errorf("%s: tests after trials %v, want %v", task, r.Trial, want)
		}
		tp := s.testPhases
		var want []Phase
		for i := 0; i <= c.Trials; i++ {
			if i%c.RecordEvery == 0 || i == c.Trials {
				want = append(want, tp...)
			}
			if i < c.Trials {
				want = append(want, PhaseTrain)
			}
		}
		if !slices.Equal(phases, want) {
			t.Errorf("%s: trials %v, want %v", task, phases, want)
		}
		if s.Trial() != c.Trials {
			t.Errorf("%s: Trial() = %d after the run, want %d", task, s.Trial(), c.Trials)
		}
	}
}

// TestChunking checks that advancing in random chunks gives a record and
// weights bit-identical to one long call.
func TestChunking(t *testing.T) {
	for _, task := range Tasks() {
		c := smallConfig(task)
		c.RecordActivity = true
		whole := mustNew(t, c)
		runAll(whole)

		parts := mustNew(t, c)
		r := rand.New(rand.NewPCG(1, 2))
		for !parts.Done() {
			parts.Advance(r.IntN(700))
		}
		a, b := whole.Record(), parts.Record()
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: chunked run differs from one call", task)
		}
		if len(a.V) == 0 || a.First == nil || a.Last == nil {
			t.Errorf("%s: record lacks weights or series", task)
		}
	}
}

// TestTrajSegments checks that the input time runs on: the CL and OL test
// trials share one segment, the washout and training trials each take one,
// and segments alternate between the two halves of the input period.
func TestTrajSegments(t *testing.T) {
	c := smallConfig(Traj)
	s := mustNew(t, c)
	tt := s.task.(*trajTask)
	var segs []int
	for !s.Done() {
		s.Advance(1) // begin has run for the trial this step belongs to
		segs = append(segs, tt.segStart)
		s.Advance(s.StepsPerTrial() - 1)
	}
	// Test (washout 0, CL 1, OL 1), train 2, train 3, test (4, 5, 5), …
	want := []int{0, 1, 1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 9, 10, 11, 12, 12}
	if !slices.Equal(segs, want) {
		t.Errorf("segments %v, want %v", segs, want)
	}
	S := s.StepsPerTrial()
	for j := 0; j < S; j++ {
		for i := 0; i < c.Inputs; i++ {
			if tt.inputs[j*c.Inputs+i] == tt.inputs[(S+j)*c.Inputs+i] && j > 0 {
				t.Fatalf("the two halves of the input period agree at step %d", j)
			}
		}
	}
}

// TestNoAllocs checks that a step, and a probe, allocate nothing, in test
// and in training trials.
func TestNoAllocs(t *testing.T) {
	for _, task := range Tasks() {
		cfg := DefaultConfig(task)
		cfg.RecordActivity = true
		s := mustNew(t, cfg)
		var p Probe
		if n := testing.AllocsPerRun(200, func() { s.Advance(1); p = s.Probe() }); n != 0 {
			t.Errorf("%s, %s: %v allocations per step", task, s.Phase(), n)
		}
		for s.Phase() != PhaseTrain {
			s.Advance(s.StepsPerTrial())
		}
		s.Advance(10)
		if n := testing.AllocsPerRun(200, func() { s.Advance(1); p = s.Probe() }); n != 0 {
			t.Errorf("%s, %s: %v allocations per step", task, s.Phase(), n)
		}
		if p.NOut != cfg.Outputs || p.NAsm != min(cfg.K, ProbeAssemblies) {
			t.Errorf("%s: probe has %d outputs and %d assemblies", task, p.NOut, p.NAsm)
		}
	}
}

// TestFeedbackModes runs every feedback mode in closed loop, with and
// without the disinhibitory restriction.
func TestFeedbackModes(t *testing.T) {
	outputs := map[string][]float64{}
	for _, mode := range FeedbackModes() {
		for _, disinh := range []bool{false, true} {
			c := smallConfig(Traj)
			c.Feedback, c.DisinhibitoryOnly = mode, disinh
			s := mustNew(t, c)
			var sumAbsF, minF float64
			for !s.Done() {
				s.Advance(1)
				for _, f := range s.net.f {
					sumAbsF += abs(f)
					minF = min(minF, f)
				}
			}
			r := s.Record()
			if disinh && minF < 0 {
				t.Errorf("%s, disinhibitory only: feedback %v < 0", mode, minF)
			}
			if (mode == "none") != (sumAbsF == 0) {
				t.Errorf("%s: total |f| = %v", mode, sumAbsF)
			}
			if !disinh {
				outputs[mode] = r.Last.Get("cl").Data
			}
			if mode == "none" && !slices.Equal(r.Last.Get("cl").Data, r.Last.Get("ol").Data) {
				t.Error("without feedback the CL test differs from the OL test")
			}
		}
	}
	for _, m := range []string{"random-ensemble", "random-neuron", "global", "none"} {
		if slices.Equal(outputs[m], outputs["aligned"]) {
			t.Errorf("%s feedback gives the same CL output as aligned feedback", m)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestControls checks the two control networks: readout only keeps V and b
// and never closes the loop; without a hidden layer only W learns.
func TestControls(t *testing.T) {
	c := smallConfig(Traj)
	c.ReadoutOnly = true
	s := mustNew(t, c)
	runAll(s)
	r := s.Record()
	if !slices.Equal(r.V, r.V0) || !slices.Equal(r.B, r.B0) {
		t.Error("readout only: V or b changed")
	}
	if slices.Equal(r.U, r.U0) {
		t.Error("readout only: U did not learn")
	}
	if !slices.Equal(r.OLR2, r.CLR2) {
		t.Errorf("readout only: CL R² %v differs from OL R² %v without a controller", r.CLR2, r.OLR2)
	}

	c = smallConfig(Traj)
	c.NoHidden = true
	s = mustNew(t, c)
	runAll(s)
	r = s.Record()
	if len(r.V) != 0 || len(r.W) != c.Outputs*c.Inputs {
		t.Errorf("no hidden layer: %d V and %d W entries", len(r.V), len(r.W))
	}
	if slices.Equal(r.W, r.W0) {
		t.Error("no hidden layer: W did not learn")
	}
	if !slices.Equal(r.OLR2, r.CLR2) {
		t.Error("no hidden layer: CL and OL tests differ")
	}
	if p := s.Probe(); p.NAsm != 0 {
		t.Errorf("no hidden layer: probe reports %d assemblies", p.NAsm)
	}
}

// TestSetLearning checks that turning learning off freezes the parameters.
func TestSetLearning(t *testing.T) {
	s := mustNew(t, smallConfig(Motor))
	s.SetLearning(false)
	runAll(s)
	r := s.Record()
	if !slices.Equal(r.V, r.V0) || !slices.Equal(r.U, r.U0) || !slices.Equal(r.B, r.B0) {
		t.Error("parameters changed with learning off")
	}
}

// TestRecordArrays checks the shapes of the arrays to save.
func TestRecordArrays(t *testing.T) {
	c := smallConfig(Traj)
	c.RecordActivity = true
	s := mustNew(t, c)
	runAll(s)
	arrays := s.Record().Arrays()
	got := map[string][]int{}
	for _, a := range arrays {
		n := 1
		for _, d := range a.Shape {
			n *= d
		}
		if n != len(a.Data) {
			t.Errorf("%s: shape %v for %d values", a.Name, a.Shape, len(a.Data))
		}
		got[a.Name] = a.Shape
	}
	S := s.StepsPerTrial()
	rows := (S + c.ActivityStride - 1) / c.ActivityStride
	want := map[string][]int{
		"trial": {4}, "ol_r2": {4}, "hidden_error": {4, c.NE},
		"v": {c.K, c.Inputs}, "u": {c.Outputs, c.K}, "b0": {c.K},
		"first_target": {S, 2}, "last_ol": {S, 2}, "last_cl": {S, 2},
		"first_cl_re": {rows, c.NE}, "last_ol_ri": {rows, c.NI}, "last_cl_err": {rows, c.NE},
	}
	for name, shape := range want {
		if !slices.Equal(got[name], shape) {
			t.Errorf("%s: shape %v, want %v", name, got[name], shape)
		}
	}
}
