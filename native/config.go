package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"bcp/core/static"
)

// RunConfig is everything a run needs: the task and its data, the device,
// and the model's parameters. It is what --config reads and what the run
// folder's config.yaml holds.
type RunConfig struct {
	Task       string        `yaml:"task"`        // fmnist or mnist
	Data       string        `yaml:"data"`        // IDX folder; empty means the task's default
	Device     string        `yaml:"device"`      // auto, cpu or gpu
	LimitTrain int           `yaml:"limit_train"` // use only the first N training-file samples (0: all)
	LimitTest  int           `yaml:"limit_test"`  // use only the first N test samples (0: all)
	Model      static.Config `yaml:",inline"`
}

func defaultRunConfig() RunConfig {
	return RunConfig{Task: "fmnist", Device: "auto", Model: static.DefaultConfig()}
}

// usageError is a problem with what the user asked for: it is reported in
// one sentence and the program exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// binder registers flags whose values are copied into a RunConfig only when
// the user set them, so that the precedence is defaults < --config < flags.
type binder struct {
	fs    *pflag.FlagSet
	apply map[string]func(*RunConfig)
}

func (b *binder) intFlag(name string, field func(*RunConfig) *int, def int, usage string) {
	v := b.fs.Int(name, def, usage)
	b.apply[name] = func(c *RunConfig) { *field(c) = *v }
}

func (b *binder) floatFlag(name string, field func(*RunConfig) *float64, def float64, usage string) {
	v := b.fs.Float64(name, def, usage)
	b.apply[name] = func(c *RunConfig) { *field(c) = *v }
}

func (b *binder) stringFlag(name string, field func(*RunConfig) *string, def, usage string) {
	v := b.fs.String(name, def, usage)
	b.apply[name] = func(c *RunConfig) { *field(c) = *v }
}

func (b *binder) boolFlag(name string, field func(*RunConfig) *bool, def bool, usage string) {
	v := b.fs.Bool(name, def, usage)
	b.apply[name] = func(c *RunConfig) { *field(c) = *v }
}

// options are the flags that are not model parameters.
type options struct {
	config string
	out    string
	resume bool // continue the run in out from its checkpoint
}

func newFlagSet(o *options) *binder {
	d := defaultRunConfig()
	m := &d.Model
	fs := pflag.NewFlagSet("bcp-native", pflag.ContinueOnError)
	fs.SortFlags = false
	b := &binder{fs: fs, apply: map[string]func(*RunConfig){}}

	b.stringFlag("task", func(c *RunConfig) *string { return &c.Task }, d.Task,
		"task: fmnist or mnist")
	b.stringFlag("data", func(c *RunConfig) *string { return &c.Data }, "",
		"folder with the four IDX files (default for fmnist: /usr/share/datasets/fashion-mnist)")
	b.stringFlag("device", func(c *RunConfig) *string { return &c.Device }, d.Device,
		"auto (a hardware GPU if there is one, else the CPU), gpu (any WebGPU adapter, software ones included) or cpu")
	fs.StringVar(&o.out, "out", "", "run folder (default out/<task>/<date>/<time>)")
	fs.StringVar(&o.config, "config", "", "YAML file setting any parameter (keys as in a run's config.yaml)")
	b.intFlag("limit-train", func(c *RunConfig) *int { return &c.LimitTrain }, 0,
		"use only the first N samples of the training file (0: all)")
	b.intFlag("limit-test", func(c *RunConfig) *int { return &c.LimitTest }, 0,
		"use only the first N test samples (0: all)")

	b.stringFlag("trainer", func(c *RunConfig) *string { return &c.Model.Trainer }, m.Trainer,
		"bcp (balance-controlled plasticity) or bp (backprop baseline)")
	b.intFlag("hidden", func(c *RunConfig) *int { return &c.Model.Hidden }, m.Hidden,
		"number of hidden E/I assembly layers")
	ens := fs.IntSlice("ensembles", m.Ensembles, "ensembles per layer: one value or one per layer (16 or 16,32)")
	b.apply["ensembles"] = func(c *RunConfig) { c.Model.Ensembles = append([]int(nil), (*ens)...) }
	b.intFlag("exc-per-ensemble", func(c *RunConfig) *int { return &c.Model.ExcPerEnsemble },
		m.ExcPerEnsemble, "excitatory neurons per ensemble n_E")
	b.intFlag("ei-ratio", func(c *RunConfig) *int { return &c.Model.EIRatio }, m.EIRatio,
		"E:I ratio r (N_I = N_E/r)")
	b.floatFlag("overlap", func(c *RunConfig) *float64 { return &c.Model.Overlap }, m.Overlap,
		"ensemble overlap in percent, in [0, 100)")
	b.intFlag("epochs", func(c *RunConfig) *int { return &c.Model.Epochs }, m.Epochs, "training epochs")
	b.intFlag("batch", func(c *RunConfig) *int { return &c.Model.Batch }, m.Batch, "batch size")
	b.floatFlag("lr", func(c *RunConfig) *float64 { return &c.Model.LR }, m.LR, "Adam learning rate")
	seed := fs.Uint64("seed", m.Seed, "random seed (memberships, weights, data order)")
	b.apply["seed"] = func(c *RunConfig) { c.Model.Seed = *seed }
	b.floatFlag("kp", func(c *RunConfig) *float64 { return &c.Model.Kp }, m.Kp, "controller gain k_p")
	b.floatFlag("ki", func(c *RunConfig) *float64 { return &c.Model.Ki }, m.Ki, "controller gain k_i")
	b.boolFlag("clip-params", func(c *RunConfig) *bool { return &c.Model.ClipParams }, m.ClipParams,
		"clip all parameters to [−1, 1] after each update")
	b.boolFlag("norm-fb", func(c *RunConfig) *bool { return &c.Model.NormFB }, m.NormFB,
		"normalise each sample's feedback weights to Frobenius norm 1")
	b.stringFlag("controller", func(c *RunConfig) *string { return &c.Model.Controller }, m.Controller,
		"p, leaky-pi or pid")
	b.stringFlag("targets", func(c *RunConfig) *string { return &c.Model.Targets }, m.Targets,
		"strong (true targets) or nudged (weak feedback)")
	b.stringFlag("local-error", func(c *RunConfig) *string { return &c.Model.LocalError }, m.LocalError,
		"feedforward or rate")
	b.stringFlag("solver", func(c *RunConfig) *string { return &c.Model.Solver }, m.Solver,
		"steady states by ode (integration) or fixedpoint (Newton, falling back to the ODE)")
	b.stringFlag("integrator", func(c *RunConfig) *string { return &c.Model.Integrator }, m.Integrator,
		"tsit5 (adaptive) or euler (fixed step)")
	b.stringFlag("loss", func(c *RunConfig) *string { return &c.Model.Loss }, m.Loss,
		"mse, softmax or sigmoid")
	return b
}

// goStyle turns Go-style single-dash long flags (-task=fmnist, -hidden 2)
// into the GNU style that pflag parses, leaving everything after "--" alone.
func goStyle(fs *pflag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if fs.Lookup(name) != nil {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

// loadConfig reads a YAML config file over c. Unknown keys are errors.
func loadConfig(path string, c *RunConfig) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return usagef("cannot read config file %s (%v); check the path", path, errors.Unwrap(err))
	}
	if err := decodeStrict(data, c); err != nil {
		return usagef("config file %s is not valid (%s); keys are those of a run's config.yaml", path, err)
	}
	return nil
}

// decodeStrict decodes YAML into v, refusing unknown keys; the error is one
// line.
func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && err != io.EOF {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			// "line 3: field foo not found in type main.RunConfig" → "line 3: unknown key foo".
			first := te.Errors[0]
			if line, rest, ok := strings.Cut(first, ": field "); ok {
				if key, _, ok := strings.Cut(rest, " not found"); ok {
					first = line + ": unknown key " + key
				}
			}
			if n := len(te.Errors); n > 1 {
				first += fmt.Sprintf(" and %d more problems", n-1)
			}
			return errors.New(first)
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		return errors.New(strings.ReplaceAll(msg, "\n", "; "))
	}
	return nil
}

// checkFreshOut refuses to write a new run into a folder that already holds
// one, so that two runs' files never mix.
func checkFreshOut(dir string) error {
	for _, f := range []string{"config.yaml", "results.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return usagef("%s already holds a run (%s); choose another --out, or continue it with --resume %s",
				dir, f, dir)
		}
	}
	return nil
}

// parseArgs turns the command line into a validated RunConfig.
func parseArgs(args []string) (RunConfig, options, error) {
	var o options
	b := newFlagSet(&o)
	b.fs.SetOutput(io.Discard)
	if err := b.fs.Parse(goStyle(b.fs, args)); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return RunConfig{}, o, err
		}
		return RunConfig{}, o, usagef("%v; run bcp-native --help for the flags", err)
	}
	if b.fs.NArg() > 0 {
		return RunConfig{}, o, usagef("unexpected argument %q; flags start with - or --", b.fs.Arg(0))
	}
	c := defaultRunConfig()
	if o.config != "" {
		if err := loadConfig(o.config, &c); err != nil {
			return RunConfig{}, o, err
		}
	}
	b.fs.Visit(func(f *pflag.Flag) {
		if apply := b.apply[f.Name]; apply != nil {
			apply(&c)
		}
	})
	if err := c.validate(); err != nil {
		return RunConfig{}, o, err
	}
	return c, o, nil
}

func (c *RunConfig) validate() error {
	switch c.Task {
	case "fmnist", "mnist":
	default:
		return usagef("unknown task %q; use fmnist, mnist, traj, fearcond, motor or assembly", c.Task)
	}
	switch c.Device {
	case "auto", "cpu", "gpu":
	default:
		return usagef("unknown device %q; use auto, cpu or gpu", c.Device)
	}
	if c.LimitTrain < 0 || c.LimitTest < 0 {
		return usagef("--limit-train and --limit-test must be 0 (all) or positive")
	}
	if c.Task == "mnist" && c.Data == "" {
		return usagef("the mnist task needs --data DIR pointing at the four MNIST IDX files")
	}
	if err := c.Model.Validate(); err != nil {
		return usagef("%v", err)
	}
	return nil
}

func printUsage(w io.Writer) {
	var o options
	b := newFlagSet(&o)
	fmt.Fprintf(w, `bcp-native trains networks of E/I assemblies with balance-controlled plasticity.

Usage:
  bcp-native [flags]           train on Fashion-MNIST (--task fmnist) or MNIST
  bcp-native -task=fmnist -hidden=2
  bcp-native --task traj|fearcond|motor|assembly [flags]   run an online experiment
                               (bcp-native --task traj --help lists its flags)
  bcp-native --resume RUNDIR   continue an interrupted classification run from its checkpoint

Go-style (-flag=value) and GNU-style (--flag value) flags both work.

Flags:
%s`, b.fs.FlagUsages())
}

// resumeDir returns the folder of a --resume flag (either style) and the
// other arguments.
func resumeDir(args []string) (string, []string) {
	var rest []string
	dir := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "resume" {
			if !hasVal && i+1 < len(args) {
				val = args[i+1]
				i++
			}
			dir = val
			continue
		}
		rest = append(rest, a)
	}
	return dir, rest
}

// parseResume reads the configuration of the run folder dir: the task, and
// for a classification run its RunConfig (an online run's is read by
// parseOnlineArgs through --config).
func parseResume(dir string, rest []string) (string, RunConfig, options, error) {
	if len(rest) > 0 {
		return "", RunConfig{}, options{}, usagef("--resume takes no other flag (got %q): the run folder holds the configuration", rest[0])
	}
	if dir == "" {
		return "", RunConfig{}, options{}, usagef("--resume needs the run folder, as in --resume out/fmnist/2026-12-03/174501")
	}
	path := filepath.Join(dir, "config.yaml")
	task, err := peekTask([]string{"--config", path})
	if err != nil {
		return "", RunConfig{}, options{}, usagef("%s is not a run folder (%v)", dir, err)
	}
	if isOnline(task) {
		return task, RunConfig{}, options{config: path, out: dir, resume: true}, nil
	}
	c := defaultRunConfig()
	if err := loadConfig(path, &c); err != nil {
		return "", RunConfig{}, options{}, err
	}
	if err := c.validate(); err != nil {
		return "", RunConfig{}, options{}, err
	}
	return task, c, options{out: dir, resume: true}, nil
}
