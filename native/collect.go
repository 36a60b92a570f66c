package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"bcp/core/results"
)

// collectOptions are the flags of bcp-native collect.
type collectOptions struct {
	summary string
	all     bool
}

func newCollectFlagSet(o *collectOptions) *pflag.FlagSet {
	fs := pflag.NewFlagSet("bcp-native collect", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.summary, "summary", "", "also write FILE: mean and standard deviation of every metric per configuration")
	fs.BoolVar(&o.all, "all", false, "a column for every configuration key, not only for those that vary")
	return fs
}

func printCollectUsage(w io.Writer) {
	var o collectOptions
	fs := newCollectFlagSet(&o)
	fmt.Fprintf(w, `bcp-native collect prints the results of runs as one CSV table.

Usage:
  bcp-native collect [--summary FILE] [--all] RUNDIR|SWEEPDIR...

A sweep folder stands for its runs. The table has a row per run: the run
folder, the configuration keys that differ between the runs, and the final
value of every metric of results.json. A run without (readable) results is
left out with a warning, and the exit status is then 1.

Flags:
%s`, fs.FlagUsages())
}

// collectedRun is what collect reads from one run folder.
type collectedRun struct {
	dir     string
	config  map[string]string
	metrics map[string]float64
}

// runCollect is bcp-native collect: it writes the table of the runs to
// stdout and, with --summary, the table of means and standard deviations
// per configuration to a file.
func runCollect(args []string) int {
	var o collectOptions
	fs := newCollectFlagSet(&o)
	if err := fs.Parse(goStyle(fs, args)); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printCollectUsage(os.Stdout)
			return 0
		}
		return collectUsage(usagef("%v; run bcp-native collect --help for the flags", err))
	}
	if fs.NArg() == 0 {
		return collectUsage(usagef("give one or more run or sweep folders: bcp-native collect DIR..."))
	}
	dirs, err := findRunFolders(fs.Args())
	if err != nil {
		return collectUsage(err)
	}

	var runs []collectedRun
	var configKeys, metricKeys []string
	seenConfig, seenMetric := map[string]bool{}, map[string]bool{}
	skipped := 0
	for _, dir := range dirs {
		r, ck, mk, err := readRun(dir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bcp-native collect: skipping %s: %v\n", dir, err)
			skipped++
			continue
		}
		runs = append(runs, r)
		configKeys = appendNew(configKeys, seenConfig, ck)
		metricKeys = appendNew(metricKeys, seenMetric, mk)
	}
	if len(runs) == 0 {
		fmt.Fprintf(os.Stderr, "bcp-native collect: none of the %d run folders has results\n", len(dirs))
		return 1
	}

	columns := configKeys
	if !o.all {
		columns = varyingKeys(runs, configKeys)
	}
	columns = seedLast(columns)
	w := csv.NewWriter(os.Stdout)
	writeRunTable(w, runs, columns, metricKeys)
	w.Flush()
	if err := w.Error(); err != nil {
		fmt.Fprintf(os.Stderr, "bcp-native collect: %v\n", err)
		return 1
	}

	if o.summary != "" {
		var groupKeys []string
		for _, k := range columns {
			if k != "seed" {
				groupKeys = append(groupKeys, k)
			}
		}
		var b bytes.Buffer
		sw := csv.NewWriter(&b)
		writeSummary(sw, runs, groupKeys, metricKeys)
		sw.Flush()
		if err := results.WriteFileAtomic(o.summary, b.Bytes()); err != nil {
			fmt.Fprintf(os.Stderr, "bcp-native collect: %v\n", err)
			return 1
		}
	}
	if skipped > 0 {
		fmt.Fprintf(os.Stderr, "bcp-native collect: %d of %d runs had no results and are not in the table\n",
			skipped, len(dirs))
		return 1
	}
	return 0
}

func collectUsage(err error) int {
	fmt.Fprintf(os.Stderr, "bcp-native collect: %v\n", err)
	return 2
}

// appendNew appends the keys not yet seen, keeping their order.
func appendNew(list []string, seen map[string]bool, keys []string) []string {
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			list = append(list, k)
		}
	}
	return list
}

// isRunFolder reports whether dir holds the files of a run.
func isRunFolder(dir string) bool {
	for _, f := range []string{"config.yaml", "results.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

// findRunFolders turns the arguments into run folders: a run folder stands
// for itself, a sweep folder for its runs in the order of sweep.json (also
// those that have not run yet), and any other folder for the run folders
// directly inside it, by name.
func findRunFolders(args []string) ([]string, error) {
	var dirs []string
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, usagef("%s does not exist; give run folders or sweep folders", arg)
		}
		if !st.IsDir() {
			return nil, usagef("%s is not a folder; give run folders or sweep folders", arg)
		}
		switch {
		case isRunFolder(arg):
			dirs = append(dirs, arg)
		case fileExists(filepath.Join(arg, sweepPlanFile)):
			plan, err := readPlan(arg)
			if err != nil {
				return nil, err
			}
			for _, r := range plan.Runs {
				dirs = append(dirs, filepath.Join(arg, r.Name))
			}
		default:
			entries, err := os.ReadDir(arg)
			if err != nil {
				return nil, usagef("cannot read %s (%v)", arg, errors.Unwrap(err))
			}
			var inside []string
			for _, e := range entries {
				if p := filepath.Join(arg, e.Name()); e.IsDir() && isRunFolder(p) {
					inside = append(inside, p)
				}
			}
			if len(inside) == 0 {
				return nil, usagef("%s holds no run folders (none with config.yaml or results.json "+
					"in it or directly inside it)", arg)
			}
			sort.Strings(inside)
			dirs = append(dirs, inside...)
		}
	}
	return dirs, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// readRun reads a run folder's config.yaml and results.json. It returns
// the keys of both in the order of the files.
func readRun(dir string) (collectedRun, []string, []string, error) {
	r := collectedRun{dir: dir}
	conf, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return r, nil, nil, errors.New("no config.yaml (the run has not started)")
		}
		return r, nil, nil, err
	}
	res, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return r, nil, nil, errors.New("no results.json yet (the run has not finished an epoch or its tests)")
		}
		return r, nil, nil, err
	}
	var ck, mk []string
	if r.config, ck, err = flattenConfig(conf); err != nil {
		return r, nil, nil, fmt.Errorf("config.yaml is damaged (%v)", err)
	}
	if r.metrics, mk, err = finalMetrics(res); err != nil {
		return r, nil, nil, fmt.Errorf("results.json is damaged (%v)", err)
	}
	return r, ck, mk, nil
}

// flattenConfig reads a config.yaml into text values by key, in the
// file's order: a list of scalars becomes one comma-separated value and a
// nested mapping contributes keys of the form outer.inner.
func flattenConfig(data []byte) (map[string]string, []string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, errors.New(strings.ReplaceAll(strings.TrimPrefix(err.Error(), "yaml: "), "\n", "; "))
	}
	values := map[string]string{}
	var keys []string
	if len(doc.Content) == 0 {
		return values, nil, nil
	}
	var walk func(prefix string, n *yaml.Node) error
	walk = func(prefix string, n *yaml.Node) error {
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d: expected keys and values", n.Line)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, v := prefix+n.Content[i].Value, n.Content[i+1]
			switch v.Kind {
			case yaml.ScalarNode:
				values[key] = v.Value
			case yaml.SequenceNode:
				parts := make([]string, len(v.Content))
				for j, p := range v.Content {
					parts[j] = p.Value
				}
				values[key] = strings.Join(parts, ",")
			case yaml.MappingNode:
				if err := walk(key+".", v); err != nil {
					return err
				}
				continue
			default:
				continue
			}
			keys = append(keys, key)
		}
		return nil
	}
	if err := walk("", doc.Content[0]); err != nil {
		return nil, nil, err
	}
	return values, keys, nil
}

// finalMetrics reads results.json: every list of numbers contributes its
// last element (NaN for null) and every number but the seed itself, in the
// file's order. Empty lists, text and flags are left out.
func finalMetrics(data []byte) (map[string]float64, []string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, errors.New("not a JSON object")
	}
	values := map[string]float64{}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, err
		}
		var list []*float64
		var x float64
		switch {
		case json.Unmarshal(raw, &list) == nil:
			if len(list) == 0 {
				continue
			}
			x = math.NaN()
			if last := list[len(list)-1]; last != nil {
				x = *last
			}
		case json.Unmarshal(raw, &x) == nil && key != "seed":
		default:
			continue
		}
		values[key] = x
		keys = append(keys, key)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	return values, keys, nil
}

// varyingKeys returns the keys whose value is not the same in every run
// (a missing key counts as the empty value).
func varyingKeys(runs []collectedRun, keys []string) []string {
	var out []string
	for _, k := range keys {
		for _, r := range runs[1:] {
			if r.config[k] != runs[0].config[k] {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// seedLast moves the key seed, when present, behind the other
// configuration keys, so that the swept parameters come first.
func seedLast(keys []string) []string {
	out := make([]string, 0, len(keys))
	seed := false
	for _, k := range keys {
		if k == "seed" {
			seed = true
			continue
		}
		out = append(out, k)
	}
	if seed {
		out = append(out, "seed")
	}
	return out
}

// formatMetric writes a metric as results.FormatFloat does; a metric the
// run does not have is empty.
func formatMetric(m map[string]float64, key string) string {
	x, ok := m[key]
	if !ok {
		return ""
	}
	return results.FormatFloat(x)
}

// writeRunTable writes the header run, the configuration columns and the
// metrics, and then one record per run.
func writeRunTable(w *csv.Writer, runs []collectedRun, columns, metrics []string) {
	w.Write(append(append([]string{"run"}, columns...), metrics...))
	for _, r := range runs {
		rec := []string{r.dir}
		for _, k := range columns {
			rec = append(rec, r.config[k])
		}
		for _, k := range metrics {
			rec = append(rec, formatMetric(r.metrics, k))
		}
		w.Write(rec)
	}
}

// writeSummary groups the runs by the values of groupKeys (the
// configuration without the seed) in order of first appearance and writes
// per group those values, the number of runs, and for every metric the
// mean and the sample standard deviation
//
//	mean = Σ x_i / n,   std = √(Σ (x_i − mean)² / (n − 1)),
//
// over the runs that have the metric; std is NaN for a single run, and a
// NaN metric (a diverged run) makes both NaN.
func writeSummary(w *csv.Writer, runs []collectedRun, groupKeys, metrics []string) {
	header := append([]string{}, groupKeys...)
	header = append(header, "runs")
	for _, m := range metrics {
		header = append(header, m+"_mean", m+"_std")
	}
	w.Write(header)

	var order []string
	groups := map[string][]collectedRun{}
	for _, r := range runs {
		vals := make([]string, len(groupKeys))
		for i, k := range groupKeys {
			vals[i] = r.config[k]
		}
		id := strings.Join(vals, "\x00")
		if _, ok := groups[id]; !ok {
			order = append(order, id)
		}
		groups[id] = append(groups[id], r)
	}
	for _, id := range order {
		g := groups[id]
		rec := make([]string, 0, len(header))
		for _, k := range groupKeys {
			rec = append(rec, g[0].config[k])
		}
		rec = append(rec, fmt.Sprint(len(g)))
		for _, m := range metrics {
			var xs []float64
			for _, r := range g {
				if x, ok := r.metrics[m]; ok {
					xs = append(xs, x)
				}
			}
			if len(xs) == 0 {
				rec = append(rec, "", "")
				continue
			}
			mean, std := meanStd(xs)
			rec = append(rec, results.FormatFloat(mean), results.FormatFloat(std))
		}
		w.Write(rec)
	}
}

// meanStd returns the mean and the sample standard deviation (divisor
// n − 1) of xs; the deviation of a single value is NaN.
func meanStd(xs []float64) (mean, std float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1))
}
