package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"bcp/core/checkpoint"
	"bcp/core/online"
	"bcp/core/results"
	"bcp/core/shapes"
)

// OnlineRunConfig is the configuration of an online experiment: the
// trajectory shape and every parameter of the online network and task.
type OnlineRunConfig struct {
	Shape string        `yaml:"shape"` // built-in drawing or SVG file (traj only)
	Model online.Config `yaml:",inline"`
}

func isOnline(task string) bool {
	for _, t := range online.Tasks() {
		if string(t) == task {
			return true
		}
	}
	return false
}

// peekTask finds the task before the flags are parsed, because the flags
// depend on it: from --task (either style) or else the config file.
func peekTask(args []string) (string, error) {
	var config string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "task" && name != "config") {
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				continue
			}
			val = args[i+1]
			i++
		}
		if name == "task" {
			return val, nil
		}
		config = val
	}
	if config != "" {
		data, err := os.ReadFile(config)
		if err != nil {
			return "", usagef("cannot read config file %s (%v); check the path", config, errors.Unwrap(err))
		}
		var head struct {
			Task string `yaml:"task"`
		}
		if err := yaml.Unmarshal(data, &head); err == nil && head.Task != "" {
			return head.Task, nil
		}
	}
	return "fmnist", nil
}

type onlineBinder struct {
	fs    *pflag.FlagSet
	apply map[string]func(*OnlineRunConfig)
}

func (b *onlineBinder) intFlag(name string, field func(*OnlineRunConfig) *int, def int, usage string) {
	v := b.fs.Int(name, def, usage)
	b.apply[name] = func(c *OnlineRunConfig) { *field(c) = *v }
}

func (b *onlineBinder) floatFlag(name string, field func(*OnlineRunConfig) *float64, def float64, usage string) {
	v := b.fs.Float64(name, def, usage)
	b.apply[name] = func(c *OnlineRunConfig) { *field(c) = *v }
}

func (b *onlineBinder) stringFlag(name string, field func(*OnlineRunConfig) *string, def, usage string) {
	v := b.fs.String(name, def, usage)
	b.apply[name] = func(c *OnlineRunConfig) { *field(c) = *v }
}

func (b *onlineBinder) boolFlag(name string, field func(*OnlineRunConfig) *bool, def bool, usage string) {
	v := b.fs.Bool(name, def, usage)
	b.apply[name] = func(c *OnlineRunConfig) { *field(c) = *v }
}

func newOnlineFlagSet(task online.Task, o *options) *onlineBinder {
	d := online.DefaultConfig(task)
	fs := pflag.NewFlagSet("bcp-native", pflag.ContinueOnError)
	fs.SortFlags = false
	b := &onlineBinder{fs: fs, apply: map[string]func(*OnlineRunConfig){}}
	fs.String("task", string(task), "traj, fearcond, motor or assembly (or fmnist, mnist)")
	fs.StringVar(&o.out, "out", "", "run folder (default out/<task>/<date>/<time>)")
	fs.StringVar(&o.config, "config", "", "YAML file setting any parameter (keys as in a run's config.yaml)")
	seed := fs.Uint64("seed", d.Seed, "random seed")
	b.apply["seed"] = func(c *OnlineRunConfig) { c.Model.Seed = *seed }
	b.intFlag("trials", func(c *OnlineRunConfig) *int { return &c.Model.Trials }, d.Trials,
		"training trials (pairings for fearcond, 15 s chunks for assembly)")
	b.intFlag("record-every", func(c *OnlineRunConfig) *int { return &c.Model.RecordEvery }, d.RecordEvery,
		"test every N training trials (and before the first)")
	b.floatFlag("dt", func(c *OnlineRunConfig) *float64 { return &c.Model.DT }, d.DT, "Euler step (s)")
	b.floatFlag("overlap", func(c *OnlineRunConfig) *float64 { return &c.Model.Overlap }, d.Overlap,
		"ensemble overlap in percent, in [0, 100)")
	b.stringFlag("feedback", func(c *OnlineRunConfig) *string { return &c.Model.Feedback }, d.Feedback,
		"feedback into the I neurons: "+strings.Join(online.FeedbackModes(), ", "))
	b.boolFlag("disinhibitory-only", func(c *OnlineRunConfig) *bool { return &c.Model.DisinhibitoryOnly },
		d.DisinhibitoryOnly, "keep only the disinhibitory part of the feedback (relu)")
	b.boolFlag("readout-only", func(c *OnlineRunConfig) *bool { return &c.Model.ReadoutOnly }, false,
		"control: learn the readout only, no feed-forward plasticity and no controller")
	b.boolFlag("no-hidden", func(c *OnlineRunConfig) *bool { return &c.Model.NoHidden }, false,
		"control: a linear leaky readout of the input with a delta rule")
	b.boolFlag("record-activity", func(c *OnlineRunConfig) *bool { return &c.Model.RecordActivity },
		d.RecordActivity, "also record E/I rates, currents and local errors of the first and last test")
	b.floatFlag("kp", func(c *OnlineRunConfig) *float64 { return &c.Model.Kp }, d.Kp, "controller gain k_p")
	b.floatFlag("ki", func(c *OnlineRunConfig) *float64 { return &c.Model.Ki }, d.Ki, "controller gain k_i")
	b.floatFlag("eta-ff", func(c *OnlineRunConfig) *float64 { return &c.Model.EtaFF }, d.EtaFF,
		"feed-forward learning rate η_FF (1/s)")
	b.floatFlag("eta-out", func(c *OnlineRunConfig) *float64 { return &c.Model.EtaOut }, d.EtaOut,
		"readout learning rate η_out (1/s)")
	def := ""
	if task == online.Traj {
		def = "turtle"
	}
	b.stringFlag("shape", func(c *OnlineRunConfig) *string { return &c.Shape }, def,
		"trajectory target: a built-in drawing ("+strings.Join(shapes.Names(), ", ")+") or an SVG file")
	return b
}

func parseOnlineArgs(task string, args []string) (OnlineRunConfig, options, error) {
	var o options
	b := newOnlineFlagSet(online.Task(task), &o)
	b.fs.SetOutput(io.Discard)
	if err := b.fs.Parse(goStyle(b.fs, args)); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return OnlineRunConfig{}, o, err
		}
		return OnlineRunConfig{}, o, usagef("%v; run bcp-native --task %s --help for the flags", err, task)
	}
	if b.fs.NArg() > 0 {
		return OnlineRunConfig{}, o, usagef("unexpected argument %q; flags start with - or --", b.fs.Arg(0))
	}
	c := OnlineRunConfig{Model: online.DefaultConfig(online.Task(task))}
	if task == string(online.Traj) {
		c.Shape = "turtle"
	}
	if o.config != "" {
		data, err := os.ReadFile(o.config)
		if err != nil {
			return c, o, usagef("cannot read config file %s (%v); check the path", o.config, errors.Unwrap(err))
		}
		if err := decodeStrict(data, &c); err != nil {
			return c, o, usagef("config file %s is not valid (%s); keys are those of a run's config.yaml", o.config, err)
		}
	}
	b.fs.Visit(func(f *pflag.Flag) {
		if apply := b.apply[f.Name]; apply != nil {
			apply(&c)
		}
	})
	c.Model.Task = online.Task(task)
	if task != string(online.Traj) && c.Shape != "" {
		return c, o, usagef("--shape only applies to --task traj")
	}
	if err := c.Model.Validate(); err != nil {
		return c, o, usagef("%v", err)
	}
	return c, o, nil
}

// target samples the trajectory drawing, one point per Euler step of a trial.
func (c *OnlineRunConfig) target() ([][2]float64, error) {
	if c.Model.Task != online.Traj {
		return nil, nil
	}
	var p shapes.Path
	var err error
	if strings.HasSuffix(strings.ToLower(c.Shape), ".svg") || strings.ContainsRune(c.Shape, os.PathSeparator) {
		p, err = shapes.ReadSVGFile(c.Shape)
		if abs, aerr := filepath.Abs(c.Shape); aerr == nil && err == nil {
			c.Shape = abs // config.yaml then reruns from any folder
		}
	} else {
		p, err = shapes.Builtin(c.Shape)
	}
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "shapes: ")
		if strings.Contains(msg, "unknown drawing") {
			msg += ", or give an SVG file (FILE.svg)"
		}
		return nil, usagef("%v", msg)
	}
	n := int(c.Model.TrialSeconds/c.Model.DT + 0.5)
	return p.Sample(n), nil
}

// OnlineResults is the content of results.json for an online experiment:
// per-record-point lists (one entry per test) and run facts.
type OnlineResults struct {
	Task               string          `json:"task"`
	Trial              []int           `json:"trial"`
	OLR2               []results.Float `json:"ol_r2"`
	CLR2               []results.Float `json:"cl_r2"`
	OLLoss             []results.Float `json:"ol_loss"`
	CLLoss             []results.Float `json:"cl_loss"`
	FreezingCSPlus     []results.Float `json:"freezing_cs_plus"`
	FreezingCSMinus    []results.Float `json:"freezing_cs_minus"`
	FreezingCSPlusMax  []results.Float `json:"freezing_cs_plus_max"`
	FreezingCSMinusMax []results.Float `json:"freezing_cs_minus_max"`
	LeverMin           []results.Float `json:"lever_min"`
	BalanceResidual    results.Float   `json:"balance_residual"`
	Seed               uint64          `json:"seed"`
	WallSeconds        float64         `json:"wall_seconds"`
	SimSeconds         float64         `json:"sim_seconds"`
	TrialsDone         int             `json:"trials_done"`
	Completed          bool            `json:"completed"`
}

func newOnlineResults(sim *online.Sim, seed uint64, wall time.Duration) *OnlineResults {
	r := sim.Record()
	f := results.Floats
	return &OnlineResults{
		Task: string(r.Task), Trial: append([]int{}, r.Trial...),
		OLR2: f(r.OLR2), CLR2: f(r.CLR2), OLLoss: f(r.OLLoss), CLLoss: f(r.CLLoss),
		FreezingCSPlus: f(r.FreezingCSPlus), FreezingCSMinus: f(r.FreezingCSMinus),
		FreezingCSPlusMax: f(r.FreezingCSPlusMax), FreezingCSMinusMax: f(r.FreezingCSMinusMax),
		LeverMin: f(r.LeverMin), BalanceResidual: results.Float(r.BalanceResidual), Seed: seed,
		WallSeconds: wall.Seconds(), SimSeconds: sim.SimSeconds(), TrialsDone: sim.Trial(),
		Completed: sim.Done(),
	}
}

// runOnline runs an online experiment. Like trainStatic it checks its input
// before the run folder exists.
func runOnline(ctx context.Context, cfg OnlineRunConfig, opts options) error {
	target, err := cfg.target()
	if err != nil {
		return err
	}
	sim, err := online.New(cfg.Model, target)
	if err != nil {
		return usagef("%v", err)
	}
	var ck onlineCheckpoint
	if opts.resume {
		if err := checkpoint.Read(filepath.Join(opts.out, checkpointFile), &ck); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return usagef("%s has no checkpoint (%s): start the run again instead", opts.out, checkpointFile)
			}
			return usagef("%v; the run cannot be resumed from it", err)
		}
	}
	task := string(cfg.Model.Task)
	dir := opts.out
	if dir == "" {
		dir = results.DefaultDir("out", task, time.Now())
	}
	prog, log, logFile, err := openRun(dir, opts.resume, 1<<20)
	if err != nil {
		return err
	}
	defer logFile.Close()
	if opts.resume {
		// The experiment is deterministic given its configuration, so the
		// state after ck.Steps steps is rebuilt by replaying them; the digest
		// of the weights proves the replay reached the saved state.
		log.Info("resuming: replaying the completed trials", "steps", ck.Steps)
		for sim.Steps() < ck.Steps && ctx.Err() == nil {
			sim.Advance(int(min(ck.Steps-sim.Steps(), int64(sim.StepsPerTrial()))))
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if weightDigest(sim.Record()) != ck.Digest {
			return fmt.Errorf("replaying %s to its checkpoint did not reproduce the saved weights "+
				"(was it written by another version?); start the run again", dir)
		}
	}
	conf, err := yaml.Marshal(&cfg)
	if err != nil {
		return err
	}
	if err := results.WriteFileAtomic(filepath.Join(dir, "config.yaml"), conf); err != nil {
		return err
	}
	log.Info("run", "folder", dir, "task", task, "trials", cfg.Model.Trials, "seed", cfg.Model.Seed,
		"balance_residual", fmt.Sprintf("%.3g", sim.Record().BalanceResidual))

	start := time.Now()
	perTrial := sim.StepsPerTrial()
	total := int(sim.TotalSteps() / int64(perTrial))
	logged := len(sim.Record().Trial)
	saveCheckpoint := func() error {
		return checkpoint.Write(filepath.Join(dir, checkpointFile),
			&onlineCheckpoint{Steps: sim.Steps(), Digest: weightDigest(sim.Record())})
	}
	for !sim.Done() {
		if ctx.Err() != nil {
			break
		}
		sim.Advance(perTrial)
		prog.update("trials", int(sim.Steps()/int64(perTrial)), total)
		rec := sim.Record()
		if len(rec.Trial) > logged {
			for ; logged < len(rec.Trial); logged++ {
				logRecordPoint(log, rec, logged)
			}
			// A checkpoint at every test: the results files and the
			// checkpoint always describe the same point of the run.
			if err := writeOnline(dir, sim, cfg, time.Since(start)); err != nil {
				return err
			}
			if err := saveCheckpoint(); err != nil {
				return fmt.Errorf("writing the checkpoint failed (%w); the previous checkpoint is intact", err)
			}
		}
	}
	prog.done()
	wall := time.Since(start)
	if err := writeOnline(dir, sim, cfg, wall); err != nil {
		return err
	}
	if err := saveCheckpoint(); err != nil {
		return err
	}
	if ctx.Err() != nil {
		log.Warn(fmt.Sprintf("interrupted after %d trials; continue with: bcp-native --resume %s",
			sim.Trial(), dir))
		return ctx.Err()
	}
	log.Info("done", "folder", dir, "wall_seconds", fmt.Sprintf("%.1f", wall.Seconds()),
		"sim_seconds_per_wall_second", fmt.Sprintf("%.0f", sim.SimSeconds()/wall.Seconds()))
	return nil
}

func logRecordPoint(log *slog.Logger, r *online.Record, i int) {
	args := []any{"trial", r.Trial[i]}
	add := func(name string, v []float64) {
		if i < len(v) {
			args = append(args, name, fmt.Sprintf("%.4f", v[i]))
		}
	}
	add("ol_r2", r.OLR2)
	add("cl_r2", r.CLR2)
	add("ol_loss", r.OLLoss)
	add("freezing_cs_plus", r.FreezingCSPlus)
	add("freezing_cs_minus", r.FreezingCSMinus)
	log.Info("test", args...)
}

// writeOnline writes results.json, metrics.csv, arrays.npz and the figures.
func writeOnline(dir string, sim *online.Sim, cfg OnlineRunConfig, wall time.Duration) error {
	rec := sim.Record()
	if err := results.WriteJSON(filepath.Join(dir, "results.json"),
		newOnlineResults(sim, cfg.Model.Seed, wall)); err != nil {
		return err
	}
	cols := []struct {
		name string
		v    []float64
	}{{"ol_r2", rec.OLR2}, {"cl_r2", rec.CLR2}, {"ol_loss", rec.OLLoss}, {"cl_loss", rec.CLLoss},
		{"freezing_cs_plus", rec.FreezingCSPlus}, {"freezing_cs_minus", rec.FreezingCSMinus}}
	header := []string{"trial"}
	for _, c := range cols {
		if len(c.v) > 0 {
			header = append(header, c.name)
		}
	}
	rows := make([][]float64, len(rec.Trial))
	for i, t := range rec.Trial {
		rows[i] = []float64{float64(t)}
		for _, c := range cols {
			if len(c.v) > 0 {
				v := c.v[min(i, len(c.v)-1)]
				if i >= len(c.v) {
					v = nan()
				}
				rows[i] = append(rows[i], v)
			}
		}
	}
	if err := results.WriteCSV(filepath.Join(dir, "metrics.csv"), header, rows); err != nil {
		return err
	}
	var arrays []results.Array
	for _, a := range rec.Arrays() {
		data := make([]float32, len(a.Data))
		for i, v := range a.Data {
			data[i] = float32(v)
		}
		arrays = append(arrays, results.Array{Name: a.Name, Shape: a.Shape, Data: data})
	}
	if err := results.WriteNPZ(filepath.Join(dir, "arrays.npz"), arrays); err != nil {
		return err
	}
	return onlineFigures(dir, rec)
}

func printOnlineUsage(w io.Writer, task string) {
	var o options
	b := newOnlineFlagSet(online.Task(task), &o)
	fmt.Fprintf(w, `bcp-native --task %s runs an online experiment of balance-controlled plasticity.

Flags (defaults are the published ones for this task):
%s`, task, b.fs.FlagUsages())
}

// onlineCheckpoint marks how far an online experiment got. The experiment
// is deterministic given its configuration, so resuming replays Steps steps;
// Digest (SHA-256 of the weights then) checks that the replay matched.
type onlineCheckpoint struct {
	Steps  int64
	Digest [32]byte
}

// weightDigest hashes the current weights of a record.
func weightDigest(r *online.Record) [32]byte {
	h := sha256.New()
	var b [8]byte
	for _, w := range [][]float64{r.V, r.B, r.U, r.W} {
		for _, v := range w {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			h.Write(b[:])
		}
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}
