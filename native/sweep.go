package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"bcp/core/dataset"
	"bcp/core/online"
	"bcp/core/results"
)

// The files of a sweep folder. Each run writes its own folder DIR/<name>;
// the console output of run <name> goes to DIR/logs/<name>.txt when the
// sweep runs locally and to DIR/logs/slurm-<job>_<task>.out under Slurm.
const (
	sweepPlanFile   = "sweep.json"
	sweepScriptFile = "sweep.sbatch"
	sweepLogFile    = "sweep.log"
	sweepLogsDir    = "logs"
)

// gridAxis is one swept flag of the base run: its name without dashes and
// the values it takes, as text.
type gridAxis struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// sweepRun is one run of a sweep. Args are the flags of the base run
// followed by --KEY=VALUE for every grid axis and --seed=S; the run's
// folder, DIR/Name, is added as --out when it runs.
type sweepRun struct {
	Index int      `json:"index"`
	Name  string   `json:"name"`
	Args  []string `json:"args"`
}

// sweepPlan is a sweep expanded into its runs; it is the content of
// sweep.json. Binary is the bcp-native that wrote it and runs the runs;
// Workdir is the folder it was started in, where relative paths in the
// base flags (--config, --data, --shape) are resolved.
type sweepPlan struct {
	Binary  string     `json:"binary"`
	Workdir string     `json:"workdir"`
	Base    []string   `json:"base"`
	Grid    []gridAxis `json:"grid"`
	Seeds   []uint64   `json:"seeds"`
	Runs    []sweepRun `json:"runs"`
}

// sweepOptions are the flags of bcp-native sweep.
type sweepOptions struct {
	grid     []string
	seeds    string
	file     string
	out      string
	jobs     int
	dryRun   bool
	runIndex int

	slurm      bool
	partition  string
	timeLimit  string
	gpus       string
	cpus       int
	mem        string
	account    string
	jobName    string
	sbatchArgs []string
}

// slurmOnly are the flags that only mean something with --slurm.
var slurmOnly = []string{"partition", "time", "gpus", "cpus-per-task", "mem", "account",
	"job-name", "sbatch-arg"}

func newSweepFlagSet(o *sweepOptions) *pflag.FlagSet {
	fs := pflag.NewFlagSet("bcp-native sweep", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.StringArrayVar(&o.grid, "grid", nil,
		"KEY=V1,V2,...: a flag of the base run and its values (repeat for more axes); "+
			"A-B is a range of whole numbers; double-quote a value that holds commas")
	fs.StringVar(&o.seeds, "seeds", "", "seeds of every configuration, as a list or range (1-5, 1,3,7)")
	fs.StringVar(&o.file, "file", "", "YAML sweep file with grid, seeds and args (combines with the flags)")
	fs.StringVar(&o.out, "out", "", "sweep folder (default out/sweep/<date>/<time>); must be new or empty")
	fs.IntVar(&o.jobs, "jobs", 1, "runs at the same time (with --slurm: the array's limit, default none)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "check the sweep and list its runs without writing anything")
	fs.IntVar(&o.runIndex, "run-index", -1, "run entry I of the sweep folder DIR (bcp-native sweep --run-index I DIR)")
	fs.BoolVar(&o.slurm, "slurm", false, "write a Slurm batch script with a job array instead of running")
	fs.StringVar(&o.partition, "partition", "", "Slurm partition")
	fs.StringVar(&o.timeLimit, "time", "", "Slurm time limit per run (minutes, HH:MM:SS or D-HH:MM:SS)")
	fs.StringVar(&o.gpus, "gpus", "", "Slurm GPUs per run ([TYPE:]N)")
	fs.IntVar(&o.cpus, "cpus-per-task", 0, "Slurm CPUs per run")
	fs.StringVar(&o.mem, "mem", "", "Slurm memory per run (e.g. 8G)")
	fs.StringVar(&o.account, "account", "", "Slurm account to charge")
	fs.StringVar(&o.jobName, "job-name", "", "Slurm job name (default bcp-<sweep folder name>)")
	fs.StringArrayVar(&o.sbatchArgs, "sbatch-arg", nil, "any other sbatch option, e.g. --qos=long (repeatable)")
	return fs
}

func printSweepUsage(w io.Writer) {
	var o sweepOptions
	fs := newSweepFlagSet(&o)
	fmt.Fprintf(w, `bcp-native sweep runs a base run over a grid of flag values and seeds.

Usage:
  bcp-native sweep --grid KEY=V1,V2 [--grid ...] [--seeds 1-5] [--out DIR] [--jobs N] -- BASE FLAGS
  bcp-native sweep --file sweep.yaml [--out DIR] [--slurm --partition P --time T ...]
  bcp-native sweep --run-index I DIR      run entry I of a sweep folder (what Slurm array tasks do)

Every grid point and seed is one run, in the folder DIR/KEY=VALUE_..._seed=S.
Locally the runs start as --jobs child processes; with --slurm the command
writes DIR/sweep.sbatch, a job array of one task per run, to submit with sbatch.
A sweep file holds
  grid: {overlap: [0, 10, 20], hidden: [1, 3]}
  seeds: 1-5
  args: [--task, fmnist, --epochs, "3"]

Flags:
%s`, fs.FlagUsages())
}

// runSweep is bcp-native sweep: it checks the whole sweep, then runs it
// locally, writes the Slurm batch script, or runs one entry of a sweep
// folder (--run-index).
func runSweep(args []string) int {
	var o sweepOptions
	fs := newSweepFlagSet(&o)
	if err := fs.Parse(goStyle(fs, args)); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printSweepUsage(os.Stdout)
			return 0
		}
		return sweepUsage(usagef("%v; run bcp-native sweep --help for the flags "+
			"(the base run's flags go after --)", err))
	}
	pos, base := fs.Args(), []string(nil)
	if d := fs.ArgsLenAtDash(); d >= 0 {
		pos, base = fs.Args()[:d], fs.Args()[d:]
	}

	if fs.Changed("run-index") {
		if fs.NFlag() != 1 || len(pos) != 1 || len(base) > 0 {
			return sweepUsage(usagef("--run-index takes only the sweep folder: bcp-native sweep --run-index I DIR"))
		}
		return runSweepEntry(pos[0], o.runIndex)
	}
	if len(pos) > 0 {
		return sweepUsage(usagef("unexpected argument %q; the base run's flags go after --", pos[0]))
	}

	plan, dir, err := prepareSweep(&o, fs, base)
	if err != nil {
		return sweepUsage(err)
	}
	if o.dryRun {
		printPlan(os.Stdout, plan, dir)
		return 0
	}
	if err := createSweepFolder(dir, plan); err != nil {
		return sweepUsage(err)
	}
	if o.slurm {
		return writeSlurm(&o, fs, plan, dir)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runLocal(ctx, plan, dir, o.jobs)
}

func sweepUsage(err error) int {
	fmt.Fprintf(os.Stderr, "bcp-native sweep: %v\n", err)
	return 2
}

// prepareSweep reads the sweep from the flags and the sweep file, expands
// it into runs and checks every run as the base command would, so that bad
// input stops the sweep before anything is written.
func prepareSweep(o *sweepOptions, fs *pflag.FlagSet, base []string) (*sweepPlan, string, error) {
	if err := checkSweepOptions(o, fs); err != nil {
		return nil, "", err
	}
	var axes []gridAxis
	var seeds []uint64
	var err error
	if o.file != "" {
		var fileBase []string
		axes, seeds, fileBase, err = readSweepFile(o.file)
		if err != nil {
			return nil, "", err
		}
		base = append(fileBase, base...)
		if seeds != nil && o.seeds != "" {
			return nil, "", usagef("seeds are given both in %s and by --seeds; keep one", o.file)
		}
	}
	for _, g := range o.grid {
		ax, err := parseGridFlag(g)
		if err != nil {
			return nil, "", err
		}
		axes = append(axes, ax)
	}
	if o.seeds != "" {
		if seeds, err = parseSeeds(o.seeds); err != nil {
			return nil, "", err
		}
	}
	if len(axes) == 0 && len(seeds) == 0 {
		return nil, "", usagef("nothing to sweep; give --grid KEY=V1,V2,..., --seeds or a --file")
	}

	plan := &sweepPlan{Base: base, Grid: axes, Seeds: seeds}
	if err := checkAxes(plan); err != nil {
		return nil, "", err
	}
	plan.Runs, err = expandRuns(base, axes, seeds)
	if err != nil {
		return nil, "", err
	}
	if err := checkRuns(plan.Runs, !o.slurm); err != nil {
		return nil, "", err
	}

	if plan.Binary, err = os.Executable(); err != nil {
		return nil, "", fmt.Errorf("cannot find the bcp-native binary to run: %w", err)
	}
	if plan.Workdir, err = os.Getwd(); err != nil {
		return nil, "", err
	}
	dir := o.out
	if dir == "" {
		dir = results.DefaultDir("out", "sweep", time.Now())
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, "", usagef("sweep folder %s is not empty; choose another --out", dir)
	}
	return plan, dir, nil
}

var (
	slurmTimeRe = regexp.MustCompile(`^(\d+|\d+:\d+|\d+:\d+:\d+|\d+-\d+|\d+-\d+:\d+|\d+-\d+:\d+:\d+|UNLIMITED|INFINITE)$`)
	slurmMemRe  = regexp.MustCompile(`^\d+[KMGT]?$`)
	slurmGPUsRe = regexp.MustCompile(`^([A-Za-z0-9_.-]+:)?\d+$`)
	slurmWordRe = regexp.MustCompile(`^[^\s'"#\\$]+$`)
)

// checkSweepOptions checks the flags of the sweep itself.
func checkSweepOptions(o *sweepOptions, fs *pflag.FlagSet) error {
	if o.jobs < 1 {
		return usagef("--jobs must be at least 1")
	}
	if !o.slurm {
		for _, name := range slurmOnly {
			if fs.Changed(name) {
				return usagef("--%s is a Slurm option; add --slurm to write a batch script", name)
			}
		}
		return nil
	}
	checks := []struct {
		flag, val string
		re        *regexp.Regexp
		want      string
	}{
		{"time", o.timeLimit, slurmTimeRe, "minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS"},
		{"mem", o.mem, slurmMemRe, "a whole number with an optional K, M, G or T suffix"},
		{"gpus", o.gpus, slurmGPUsRe, "a count, optionally after a GPU type (a100:2)"},
		{"partition", o.partition, slurmWordRe, "a partition name without spaces or quotes"},
		{"account", o.account, slurmWordRe, "an account name without spaces or quotes"},
		{"job-name", o.jobName, slurmWordRe, "a name without spaces or quotes"},
	}
	for _, c := range checks {
		if fs.Changed(c.flag) && !c.re.MatchString(c.val) {
			return usagef("--%s %q is not a Slurm %s; use %s", c.flag, c.val, c.flag, c.want)
		}
	}
	if fs.Changed("cpus-per-task") && o.cpus < 1 {
		return usagef("--cpus-per-task must be at least 1")
	}
	for _, a := range o.sbatchArgs {
		if !strings.HasPrefix(a, "-") || strings.ContainsAny(a, "\n\r") {
			return usagef("--sbatch-arg %q is not an sbatch option; write it as --name=value", a)
		}
	}
	return nil
}

// parseGridFlag reads one --grid KEY=V1,V2,... .
func parseGridFlag(s string) (gridAxis, error) {
	key, list, ok := strings.Cut(s, "=")
	key = strings.TrimLeft(strings.TrimSpace(key), "-")
	if !ok || key == "" {
		return gridAxis{}, usagef("--grid %q is not KEY=V1,V2,...; write e.g. --grid overlap=0,10,20", s)
	}
	values, err := parseValueList(list)
	if err != nil {
		return gridAxis{}, usagef("--grid %s: %v", key, err)
	}
	return gridAxis{Key: key, Values: values}, nil
}

var rangeRe = regexp.MustCompile(`^(\d+)-(\d+)$`)

// maxRange bounds the values one A-B range may stand for.
const maxRange = 10000

// parseValueList reads a comma-separated list of values as one CSV record,
// so that a double-quoted value may hold commas ("16,32" for --ensembles).
// A value A-B of two whole numbers, A ≤ B, stands for A, A+1, ..., B.
func parseValueList(s string) ([]string, error) {
	r := csv.NewReader(strings.NewReader(s))
	r.TrimLeadingSpace = true
	rec, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the list of values is empty")
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read the values %q (%v); separate values by commas and "+
			"double-quote a value that holds commas", s, err)
	}
	if _, err := r.Read(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("the values %q span more than one line", s)
	}
	var out []string
	seen := map[string]bool{}
	for _, v := range rec {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil, fmt.Errorf("the values %q include an empty one", s)
		}
		vals := []string{v}
		if m := rangeRe.FindStringSubmatch(v); m != nil {
			a, errA := strconv.ParseUint(m[1], 10, 64)
			b, errB := strconv.ParseUint(m[2], 10, 64)
			if errA != nil || errB != nil || a > b || b-a >= maxRange {
				return nil, fmt.Errorf("the range %s is not A-B with A ≤ B and fewer than %d values", v, maxRange)
			}
			vals = vals[:0]
			for x := a; x <= b; x++ {
				vals = append(vals, strconv.FormatUint(x, 10))
			}
		}
		for _, x := range vals {
			if seen[x] {
				return nil, fmt.Errorf("the value %s appears twice in %q", x, s)
			}
			seen[x] = true
			out = append(out, x)
		}
	}
	return out, nil
}

// parseSeeds reads a list of seeds: whole numbers and ranges (1-5, 1,3,7).
func parseSeeds(s string) ([]uint64, error) {
	values, err := parseValueList(s)
	if err != nil {
		return nil, usagef("--seeds: %v", err)
	}
	return seedValues(values)
}

func seedValues(values []string) ([]uint64, error) {
	seeds := make([]uint64, len(values))
	for i, v := range values {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, usagef("seed %q is not a whole number ≥ 0; give seeds as 1-5 or 1,3,7", v)
		}
		seeds[i] = s
	}
	return seeds, nil
}

// sweepFile is the YAML form of a sweep: grid maps flag names to values
// (a list, or a string read like the values of --grid), seeds is a list or
// a string like --seeds, and args are the base run's flags (a list, or one
// string split at spaces).
type sweepFile struct {
	Grid  yaml.Node `yaml:"grid"`
	Seeds yaml.Node `yaml:"seeds"`
	Args  yaml.Node `yaml:"args"`
}

// readSweepFile reads a sweep file; the order of the grid's keys is kept.
func readSweepFile(path string) ([]gridAxis, []uint64, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, nil, usagef("cannot read sweep file %s (%v); check the path", path, errors.Unwrap(err))
	}
	bad := func(format string, a ...any) error {
		return usagef("sweep file %s is not valid (%s); it holds grid, seeds and args", path,
			fmt.Sprintf(format, a...))
	}
	var f sweepFile
	if err := decodeStrict(data, &f); err != nil {
		return nil, nil, nil, bad("%v", err)
	}

	var axes []gridAxis
	switch f.Grid.Kind {
	case 0:
	case yaml.MappingNode:
		for i := 0; i+1 < len(f.Grid.Content); i += 2 {
			key := f.Grid.Content[i].Value
			values, err := nodeValues(f.Grid.Content[i+1])
			if err != nil {
				return nil, nil, nil, bad("grid %s: %v", key, err)
			}
			axes = append(axes, gridAxis{Key: strings.TrimLeft(key, "-"), Values: values})
		}
	default:
		return nil, nil, nil, bad("grid must map flag names to lists of values, line %d", f.Grid.Line)
	}

	var seeds []uint64
	if f.Seeds.Kind != 0 {
		values, err := nodeValues(&f.Seeds)
		if err != nil {
			return nil, nil, nil, bad("seeds: %v", err)
		}
		if seeds, err = seedValues(values); err != nil {
			return nil, nil, nil, bad("%v", err)
		}
	}

	var args []string
	switch f.Args.Kind {
	case 0:
	case yaml.ScalarNode:
		args = strings.Fields(f.Args.Value)
	case yaml.SequenceNode:
		for _, n := range f.Args.Content {
			if n.Kind != yaml.ScalarNode {
				return nil, nil, nil, bad("args must be a list of flags and values, line %d", n.Line)
			}
			args = append(args, n.Value)
		}
	default:
		return nil, nil, nil, bad("args must be a list of flags and values, line %d", f.Args.Line)
	}
	return axes, seeds, args, nil
}

// nodeValues reads the values of one grid axis or the seeds: a scalar is
// read like the values of --grid; each item of a list is one value, and an
// item that is itself a list ([16, 32]) becomes one comma-separated value.
func nodeValues(n *yaml.Node) ([]string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return parseValueList(n.Value)
	case yaml.SequenceNode:
		var out []string
		seen := map[string]bool{}
		for _, item := range n.Content {
			var v string
			switch item.Kind {
			case yaml.ScalarNode:
				v = item.Value
			case yaml.SequenceNode:
				parts := make([]string, len(item.Content))
				for j, p := range item.Content {
					if p.Kind != yaml.ScalarNode {
						return nil, fmt.Errorf("line %d: a value may be a list of numbers but not deeper", p.Line)
					}
					parts[j] = p.Value
				}
				v = strings.Join(parts, ",")
			default:
				return nil, fmt.Errorf("line %d: a value must be a number, a word or a list of numbers", item.Line)
			}
			if strings.TrimSpace(v) == "" {
				return nil, fmt.Errorf("line %d: empty value", item.Line)
			}
			if seen[v] {
				return nil, fmt.Errorf("the value %s appears twice", v)
			}
			seen[v] = true
			out = append(out, v)
		}
		if len(out) == 0 {
			return nil, errors.New("the list of values is empty")
		}
		return out, nil
	}
	return nil, fmt.Errorf("line %d: give a list of values", n.Line)
}

// taskFlags returns the flag set of a task's base command.
func taskFlags(task string) *pflag.FlagSet {
	var o options
	var fs *pflag.FlagSet
	if isOnline(task) {
		fs = newOnlineFlagSet(online.Task(task), &o).fs
	} else {
		fs = newFlagSet(&o).fs
	}
	fs.SetOutput(io.Discard)
	return fs
}

// knownTask reports whether task is one bcp-native runs.
func knownTask(task string) bool {
	return task == "fmnist" || task == "mnist" || isOnline(task)
}

// checkAxes checks the grid against the base run's flags: every key must
// be a flag of the task, and no flag may be set both by the base run and by
// the sweep.
func checkAxes(plan *sweepPlan) error {
	seen := map[string]bool{}
	tasks := []string{}
	for _, ax := range plan.Grid {
		if seen[ax.Key] {
			return usagef("the grid has %s twice; give all its values in one list", ax.Key)
		}
		seen[ax.Key] = true
		switch ax.Key {
		case "out":
			return usagef("--out cannot be swept: the sweep puts each run in its own folder under its --out")
		case "seed":
			if plan.Seeds != nil {
				return usagef("seeds are given both by the grid key seed and by --seeds; keep one")
			}
		case "task":
			tasks = ax.Values
		}
	}
	if len(tasks) == 0 {
		task, err := peekTask(plan.Base)
		if err != nil {
			return err
		}
		tasks = []string{task}
	}

	for _, task := range tasks {
		if !knownTask(task) {
			return usagef("unknown task %q; use fmnist, mnist, traj, fearcond, motor or assembly", task)
		}
		fs := taskFlags(task)
		if err := fs.Parse(goStyle(fs, plan.Base)); err != nil {
			if errors.Is(err, pflag.ErrHelp) {
				return usagef("remove --help from the base run's flags")
			}
			return usagef("the base run's flags: %v; run bcp-native --task %s --help for them", err, task)
		}
		if fs.NArg() > 0 {
			return usagef("unexpected argument %q in the base run's flags; flags start with - or --", fs.Arg(0))
		}
		if fs.Changed("out") {
			return usagef("remove --out from the base run's flags: the sweep's own --out DIR holds one folder per run")
		}
		if plan.Seeds != nil && fs.Changed("seed") {
			return usagef("--seed is in the base run's flags and --seeds sweeps it; keep one")
		}
		for _, ax := range plan.Grid {
			if fs.Lookup(ax.Key) == nil {
				return usagef("grid key %q is not a flag of the %s task; bcp-native --task %s --help lists them",
					ax.Key, task, task)
			}
			if fs.Changed(ax.Key) {
				return usagef("%s is both swept and set in the base run's flags; remove it from one", ax.Key)
			}
		}
	}
	return nil
}

// expandRuns lists every grid point with every seed: the first axis varies
// slowest and the seeds fastest, so the runs of one configuration are
// neighbours.
func expandRuns(base []string, axes []gridAxis, seeds []uint64) ([]sweepRun, error) {
	var runs []sweepRun
	names := map[string]string{}
	point := make([]string, len(axes))
	var add func(a int) error
	add = func(a int) error {
		if a < len(axes) {
			for _, v := range axes[a].Values {
				point[a] = v
				if err := add(a + 1); err != nil {
					return err
				}
			}
			return nil
		}
		args := append([]string{}, base...)
		parts := make([]string, 0, len(axes)+1)
		for i, ax := range axes {
			args = append(args, "--"+ax.Key+"="+point[i])
			parts = append(parts, ax.Key+"="+nameValue(point[i]))
		}
		one := func(args, parts []string) error {
			name := strings.Join(parts, "_")
			if prev, ok := names[name]; ok {
				return usagef("the runs %s and %s would share the folder %s; use values that differ "+
					"in letters, digits or . , + -", prev, strings.Join(args[len(base):], " "), name)
			}
			names[name] = strings.Join(args[len(base):], " ")
			runs = append(runs, sweepRun{Index: len(runs), Name: name, Args: args})
			return nil
		}
		if len(seeds) == 0 {
			return one(args, parts)
		}
		for _, s := range seeds {
			seed := strconv.FormatUint(s, 10)
			err := one(append(args[:len(args):len(args)], "--seed="+seed),
				append(parts[:len(parts):len(parts)], "seed="+seed))
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := add(0); err != nil {
		return nil, err
	}
	return runs, nil
}

// nameValue writes a value for a folder name: letters, digits and . , + -
// are kept, anything else becomes -.
func nameValue(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '.', r == ',', r == '+', r == '-':
			return r
		}
		return '-'
	}, v)
}

// checkRuns checks every run as the base command would before it starts.
// With checkData the data sets of the classification runs are read once
// per folder; without (for Slurm, whose nodes may see other files) a
// missing data set is only a warning.
func checkRuns(runs []sweepRun, checkData bool) error {
	loaded := map[string]bool{}
	for _, r := range runs {
		task, err := peekTask(r.Args)
		if err != nil {
			return usagef("run %s: %v", r.Name, err)
		}
		if isOnline(task) {
			cfg, _, err := parseOnlineArgs(task, r.Args)
			if err == nil {
				_, err = cfg.target()
			}
			if err != nil {
				return usagef("run %s: %v", r.Name, err)
			}
			continue
		}
		cfg, _, err := parseArgs(r.Args)
		if err != nil {
			return usagef("run %s: %v", r.Name, err)
		}
		name := map[string]string{"fmnist": "fashion-mnist", "mnist": "mnist"}[cfg.Task]
		key := name + "\x00" + cfg.Data
		if loaded[key] {
			continue
		}
		loaded[key] = true
		if _, err := dataset.Load(name, cfg.Data, 1, 1); err != nil {
			if checkData {
				return usagef("run %s: %v", r.Name, err)
			}
			fmt.Fprintf(os.Stderr, "bcp-native sweep: warning: %v; the runs will look for it on the Slurm nodes\n", err)
		}
	}
	return nil
}

// printPlan lists the runs of a sweep, one line each: index, folder and
// command.
func printPlan(w io.Writer, plan *sweepPlan, dir string) {
	for _, r := range plan.Runs {
		args := append([]string{filepath.Base(plan.Binary)}, r.Args...)
		args = append(args, "--out="+filepath.Join(dir, r.Name))
		for i, a := range args {
			args[i] = shellQuote(a)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\n", r.Index, r.Name, strings.Join(args, " "))
	}
}

// createSweepFolder makes the sweep folder and its logs folder and writes
// sweep.json.
func createSweepFolder(dir string, plan *sweepPlan) error {
	if err := results.Create(filepath.Join(dir, sweepLogsDir)); err != nil {
		return usagef("%v; choose another --out", err)
	}
	data, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		return err
	}
	return results.WriteFileAtomic(filepath.Join(dir, sweepPlanFile), append(data, '\n'))
}

// readPlan reads a sweep folder's sweep.json.
func readPlan(dir string) (*sweepPlan, error) {
	data, err := os.ReadFile(filepath.Join(dir, sweepPlanFile))
	if err != nil {
		return nil, usagef("%s is not a sweep folder (cannot read %s: %v)", dir, sweepPlanFile,
			errors.Unwrap(err))
	}
	var p sweepPlan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, usagef("%s is damaged (%v); run the sweep again", filepath.Join(dir, sweepPlanFile), err)
	}
	return &p, nil
}

// runSweepEntry runs entry i of the sweep folder dir in this process, as
// an array task of the Slurm batch script does.
func runSweepEntry(dir string, i int) int {
	plan, err := readPlan(dir)
	if err != nil {
		return sweepUsage(err)
	}
	if i < 0 || i >= len(plan.Runs) {
		return sweepUsage(usagef("--run-index %d is out of range; %s has runs 0 to %d",
			i, dir, len(plan.Runs)-1))
	}
	r := plan.Runs[i]
	fmt.Fprintf(os.Stderr, "bcp-native sweep: run %d of %d: %s\n", i, len(plan.Runs), r.Name)
	return run(append(append([]string{}, r.Args...), "--out="+filepath.Join(dir, r.Name)))
}

// runLocal runs the sweep's runs as child processes of the bcp-native
// binary, jobs at a time. Each child writes its run folder; its console
// output goes to DIR/logs/<name>.txt. The status is 0 when every run
// succeeded, 1 when some failed (they are named) and 130 when interrupted.
func runLocal(ctx context.Context, plan *sweepPlan, dir string, jobs int) int {
	logFile, err := os.Create(filepath.Join(dir, sweepLogFile))
	if err != nil {
		fmt.Fprintf(os.Stderr, "bcp-native sweep: %v\n", err)
		return 1
	}
	defer logFile.Close()
	log := results.NewLogger(os.Stderr, logFile, slog.LevelInfo)
	total := len(plan.Runs)
	jobs = min(jobs, total)
	log.Info("sweep", "folder", dir, "runs", total, "jobs", jobs)

	// Runs that share the machine share its cores, unless the user chose.
	env := os.Environ()
	if os.Getenv("GOMAXPROCS") == "" && jobs > 1 {
		env = append(env, fmt.Sprintf("GOMAXPROCS=%d", max(1, runtime.NumCPU()/jobs)))
	}

	next := make(chan sweepRun)
	done := make(chan childResult)
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range next {
				done <- runChild(ctx, plan, dir, r, env)
			}
		}()
	}
	go func() {
		defer close(next)
		for _, r := range plan.Runs {
			select {
			case next <- r:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(done)
	}()

	var failed, stopped []string
	finished := 0
	for res := range done {
		if res.interrupted {
			stopped = append(stopped, res.name)
			continue
		}
		finished++
		progress := fmt.Sprintf("%d/%d", finished, total)
		if res.err != nil {
			failed = append(failed, res.name)
			log.Error("run failed", "done", progress, "run", res.name, "err", res.err, "log", res.log)
			continue
		}
		log.Info("run done", "done", progress, "run", res.name,
			"seconds", fmt.Sprintf("%.1f", res.took.Seconds()))
	}

	if ctx.Err() != nil {
		log.Warn("interrupted; finished runs keep their folders", "finished", finished, "of", total,
			"stopped", strings.Join(stopped, ","))
		return 130
	}
	if len(failed) > 0 {
		log.Error(fmt.Sprintf("%d of %d runs failed: %s; their output is in %s", len(failed), total,
			strings.Join(failed, ", "), filepath.Join(dir, sweepLogsDir)))
		return 1
	}
	log.Info("sweep done", "runs", total, "folder", dir)
	fmt.Printf("collect the results with: %s collect %s\n", filepath.Base(plan.Binary), shellQuote(dir))
	return 0
}

// childResult is how one run of a local sweep ended.
type childResult struct {
	name        string
	log         string
	took        time.Duration
	err         error // nil when the run succeeded
	interrupted bool
}

// runChild runs one run of a local sweep and waits for it. When ctx ends
// the child is asked to stop with an interrupt, which it answers by saving
// what it has, and killed if it has not stopped after a minute.
func runChild(ctx context.Context, plan *sweepPlan, dir string, r sweepRun, env []string) childResult {
	res := childResult{name: r.Name, log: filepath.Join(dir, sweepLogsDir, r.Name+".txt")}
	out, err := os.Create(res.log)
	if err != nil {
		res.err = err
		return res
	}
	defer out.Close()

	args := append(append([]string{}, r.Args...), "--out="+filepath.Join(dir, r.Name))
	cmd := exec.CommandContext(ctx, plan.Binary, args...)
	cmd.Dir = plan.Workdir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	start := time.Now()
	err = cmd.Run()
	res.took = time.Since(start)

	var ee *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		res.interrupted = true
	case errors.As(err, &ee):
		res.err = fmt.Errorf("exit status %d: %s", ee.ExitCode(), lastLine(res.log))
	default:
		res.err = err
	}
	return res
}

// lastLine returns the last non-empty line of a log file, without the
// program's name, or "" when there is none.
func lastLine(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	return strings.TrimPrefix(strings.TrimSpace(lines[len(lines)-1]), "bcp-native: ")
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			strings.ContainsRune("-_./=,:+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// maxSlurmArray is Slurm's default MaxArraySize: array indices must be
// below it unless the cluster raised it.
const maxSlurmArray = 1001

// writeSlurm writes DIR/sweep.sbatch and tells the user how to submit it.
func writeSlurm(o *sweepOptions, fs *pflag.FlagSet, plan *sweepPlan, dir string) int {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return sweepUsage(err)
	}
	for _, p := range []string{abs, plan.Workdir} {
		if !slurmWordRe.MatchString(p) {
			return sweepUsage(usagef("the path %q has spaces or quotes, which #SBATCH lines cannot hold; "+
				"use a folder without them", p))
		}
	}
	if !fs.Changed("job-name") {
		o.jobName = "bcp-" + nameValue(filepath.Base(abs))
	}
	throttle := 0
	if fs.Changed("jobs") {
		throttle = o.jobs
	}
	script := sbatchScript(plan, abs, o, throttle)
	path := filepath.Join(dir, sweepScriptFile)
	if err := results.WriteFileAtomic(path, []byte(script)); err != nil {
		fmt.Fprintf(os.Stderr, "bcp-native sweep: %v\n", err)
		return 1
	}
	if err := os.Chmod(path, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "bcp-native sweep: %v\n", err)
		return 1
	}
	if len(plan.Runs) > maxSlurmArray {
		fmt.Fprintf(os.Stderr, "bcp-native sweep: warning: %d runs are more than Slurm's default "+
			"MaxArraySize of %d allows; split the sweep unless your cluster raised it\n",
			len(plan.Runs), maxSlurmArray)
	}
	fmt.Printf("wrote %s: a job array of %d runs into %s\nsubmit it with: sbatch %s\n",
		path, len(plan.Runs), dir, shellQuote(path))
	return 0
}

// sbatchScript returns the batch script of a sweep in the folder dir (an
// absolute path): a job array with one task per run, each task running
// bcp-native sweep --run-index $SLURM_ARRAY_TASK_ID dir.
func sbatchScript(plan *sweepPlan, dir string, o *sweepOptions, throttle int) string {
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	line("#!/bin/bash")
	line("# Written by bcp-native sweep: %d runs, one per array task; task i runs entry i of", len(plan.Runs))
	line("# %s. Submit with: sbatch %s", filepath.Join(dir, sweepPlanFile), filepath.Join(dir, sweepScriptFile))
	line("#SBATCH --job-name=%s", o.jobName)
	array := fmt.Sprintf("0-%d", len(plan.Runs)-1)
	if throttle > 0 {
		array += fmt.Sprintf("%%%d", throttle)
	}
	line("#SBATCH --array=%s", array)
	line("#SBATCH --output=%s", filepath.Join(dir, sweepLogsDir, "slurm-%A_%a.out"))
	line("#SBATCH --chdir=%s", plan.Workdir)
	line("#SBATCH --ntasks=1")
	opt := func(name, val string) {
		if val != "" {
			line("#SBATCH --%s=%s", name, val)
		}
	}
	opt("partition", o.partition)
	opt("account", o.account)
	opt("time", o.timeLimit)
	opt("gpus", o.gpus)
	if o.cpus > 0 {
		opt("cpus-per-task", strconv.Itoa(o.cpus))
	}
	opt("mem", o.mem)
	for _, a := range o.sbatchArgs {
		line("#SBATCH %s", a)
	}
	line("")
	line(`: "${SLURM_ARRAY_TASK_ID:?submit this script with sbatch}"`)
	line("# A run uses the CPUs Slurm gave it.")
	line(`if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then export GOMAXPROCS="$SLURM_CPUS_PER_TASK"; fi`)
	line(`exec %s sweep --run-index "$SLURM_ARRAY_TASK_ID" %s`, shellQuote(plan.Binary), shellQuote(dir))
	return b.String()
}
