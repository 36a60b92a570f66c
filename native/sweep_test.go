package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// runCLIOut runs the binary and returns its exit status, stdout and stderr.
func runCLIOut(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary_, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// readCSV parses a CSV table into its header and records.
func readCSV(t *testing.T, text string) ([]string, [][]string) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("not a CSV table (%v):\n%s", err, text)
	}
	return recs[0], recs[1:]
}

// column returns the index of name in header.
func column(t *testing.T, header []string, name string) int {
	t.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %s in %v", name, header)
	return -1
}

func TestParseValueList(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"0,10,20", []string{"0", "10", "20"}},
		{"0, 10 ,20", []string{"0", "10", "20"}},
		{"1-3", []string{"1", "2", "3"}},
		{"1-3,7", []string{"1", "2", "3", "7"}},
		{"5-5", []string{"5"}},
		{`"16,32","64,64"`, []string{"16,32", "64,64"}},
		{`16,"8,8"`, []string{"16", "8,8"}},
		{"1e-3,1e-4", []string{"1e-3", "1e-4"}}, // not ranges
		{"-1,2", []string{"-1", "2"}},           // a negative number is not a range
		{"aligned,random-ensemble", []string{"aligned", "random-ensemble"}},
		{"true,false", []string{"true", "false"}},
	}
	for _, c := range cases {
		got, err := parseValueList(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseValueList(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "1,,2", "3-1", "0-20000", `1,"2`, "1,2,1", "1-3,2", "1\n2"} {
		if got, err := parseValueList(bad); err == nil {
			t.Errorf("parseValueList(%q) = %q, want an error", bad, got)
		}
	}
}

func TestParseGridAndSeeds(t *testing.T) {
	ax, err := parseGridFlag("overlap=0,10,20")
	if err != nil || ax.Key != "overlap" || !reflect.DeepEqual(ax.Values, []string{"0", "10", "20"}) {
		t.Errorf("parseGridFlag = %+v, %v", ax, err)
	}
	if ax, err := parseGridFlag(`ensembles="16,32",8`); err != nil ||
		!reflect.DeepEqual(ax.Values, []string{"16,32", "8"}) {
		t.Errorf("quoted values: %+v, %v", ax, err)
	}
	for _, bad := range []string{"overlap", "=1,2", "overlap=", " =1"} {
		if _, err := parseGridFlag(bad); err == nil {
			t.Errorf("parseGridFlag(%q) gave no error", bad)
		}
	}

	seeds, err := parseSeeds("1-3,7")
	if err != nil || !reflect.DeepEqual(seeds, []uint64{1, 2, 3, 7}) {
		t.Errorf("parseSeeds = %v, %v", seeds, err)
	}
	for _, bad := range []string{"a", "-1", "1.5", "", "2,2"} {
		if _, err := parseSeeds(bad); err == nil {
			t.Errorf("parseSeeds(%q) gave no error", bad)
		}
	}
}

func TestExpandRuns(t *testing.T) {
	base := []string{"--task", "fearcond"}
	axes := []gridAxis{{"hidden", []string{"1", "3"}}, {"overlap", []string{"0", "10"}}}
	runs, err := expandRuns(base, axes, []uint64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, r := range runs {
		if r.Index != i {
			t.Errorf("run %d has index %d", i, r.Index)
		}
		names = append(names, r.Name)
	}
	want := []string{
		"hidden=1_overlap=0_seed=1", "hidden=1_overlap=0_seed=2",
		"hidden=1_overlap=10_seed=1", "hidden=1_overlap=10_seed=2",
		"hidden=3_overlap=0_seed=1", "hidden=3_overlap=0_seed=2",
		"hidden=3_overlap=10_seed=1", "hidden=3_overlap=10_seed=2",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("names\n%q\nwant\n%q", names, want)
	}
	wantArgs := []string{"--task", "fearcond", "--hidden=3", "--overlap=0", "--seed=2"}
	if !reflect.DeepEqual(runs[5].Args, wantArgs) {
		t.Errorf("args %q, want %q", runs[5].Args, wantArgs)
	}

	// Without seeds the grid alone names the runs; odd characters become -.
	runs, err = expandRuns(nil, []gridAxis{{"shape", []string{"heart", "art/cat dog.svg"}}}, nil)
	if err != nil || runs[1].Name != "shape=art-cat-dog.svg" || runs[1].Args[0] != "--shape=art/cat dog.svg" {
		t.Errorf("runs %+v, %v", runs, err)
	}
	// Values that only differ in replaced characters would share a folder.
	if _, err := expandRuns(nil, []gridAxis{{"shape", []string{"a/b.svg", "a b.svg"}}}, nil); err == nil {
		t.Error("two runs with the same folder name were accepted")
	}
}

func TestReadSweepFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sweep.yaml")
	os.WriteFile(path, []byte(`# a sweep
grid:
  overlap: [0, 10, 20]
  ensembles: [[16, 32], [8, 8]]
  feedback: aligned,"global"
seeds: 1-3
args: --task fmnist --epochs 3
`), 0o644)
	axes, seeds, args, err := readSweepFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []gridAxis{{"overlap", []string{"0", "10", "20"}}, {"ensembles", []string{"16,32", "8,8"}},
		{"feedback", []string{"aligned", "global"}}}
	if !reflect.DeepEqual(axes, want) {
		t.Errorf("grid %+v, want %+v", axes, want)
	}
	if !reflect.DeepEqual(seeds, []uint64{1, 2, 3}) {
		t.Errorf("seeds %v", seeds)
	}
	if !reflect.DeepEqual(args, []string{"--task", "fmnist", "--epochs", "3"}) {
		t.Errorf("args %q", args)
	}

	for name, text := range map[string]string{
		"unknown key":  "grid: {overlap: [0]}\nsweeps: 3\n",
		"grid list":    "grid: [overlap, 0]\n",
		"bad seeds":    "seeds: [1, x]\n",
		"nested value": "grid: {ensembles: [[[1]]]}\n",
		"empty values": "grid: {overlap: []}\n",
		"args mapping": "args: {task: fmnist}\n",
	} {
		os.WriteFile(path, []byte(text), 0o644)
		if _, _, _, err := readSweepFile(path); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestSbatchScript(t *testing.T) {
	plan := &sweepPlan{Binary: "/opt/bcp/bcp-native", Workdir: "/home/u/proj",
		Runs: make([]sweepRun, 6)}
	o := &sweepOptions{jobName: "bcp-s1", partition: "gpu", timeLimit: "1-00:00:00", gpus: "a100:1",
		cpus: 8, mem: "16G", sbatchArgs: []string{"--qos=long"}}
	script := sbatchScript(plan, "/scratch/u/s1", o, 2)
	for _, line := range []string{
		"#!/bin/bash",
		"#SBATCH --job-name=bcp-s1",
		"#SBATCH --array=0-5%2",
		"#SBATCH --output=/scratch/u/s1/logs/slurm-%A_%a.out",
		"#SBATCH --chdir=/home/u/proj",
		"#SBATCH --partition=gpu",
		"#SBATCH --time=1-00:00:00",
		"#SBATCH --gpus=a100:1",
		"#SBATCH --cpus-per-task=8",
		"#SBATCH --mem=16G",
		"#SBATCH --qos=long",
		`exec /opt/bcp/bcp-native sweep --run-index "$SLURM_ARRAY_TASK_ID" /scratch/u/s1`,
	} {
		if !strings.Contains(script, line+"\n") {
			t.Errorf("the script lacks the line %q:\n%s", line, script)
		}
	}
	if !strings.HasPrefix(script, "#!/bin/bash\n") {
		t.Error("the script does not start with #!/bin/bash")
	}
	// sbatch reads #SBATCH lines only before the first command.
	lines := strings.Split(script, "\n")
	lastSbatch, firstCommand := -1, len(lines)
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "#SBATCH"):
			lastSbatch = i
		case l != "" && !strings.HasPrefix(l, "#") && firstCommand == len(lines):
			firstCommand = i
		}
	}
	if lastSbatch > firstCommand {
		t.Error("an #SBATCH line follows a command")
	}
	// Without options only the array, output, folder and task count are set.
	plain := sbatchScript(plan, "/s", &sweepOptions{jobName: "x"}, 0)
	if !strings.Contains(plain, "#SBATCH --array=0-5\n") || strings.Contains(plain, "--partition") {
		t.Errorf("plain script:\n%s", plain)
	}
	if out, err := exec.Command("bash", "-n", "-c", script).CombinedOutput(); err != nil {
		t.Errorf("bash cannot parse the script: %v %s", err, out)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"plain/path-1.0": "plain/path-1.0", "": "''", "a b": "'a b'", "it's": `'it'\''s'`, "$x": "'$x'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestSweepBadInput(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	os.MkdirAll(filepath.Join(full, "x"), 0o755)
	badFile := filepath.Join(dir, "bad.yaml")
	os.WriteFile(badFile, []byte("grid: {overlap: [0]}\nrepeat: 2\n"), 0o644)
	fc := []string{"--", "--task", "fearcond", "--trials", "1"}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"nothing to sweep", fc, "nothing to sweep"},
		{"unknown grid key", append([]string{"--grid", "hidden=1,2"}, fc...), "hidden"},
		{"bad value", append([]string{"--grid", "overlap=0,100"}, fc...), "overlap=100"},
		{"bad feedback", append([]string{"--grid", "feedback=aligned,sideways"}, fc...), "sideways"},
		{"swept and set", append([]string{"--grid", "trials=1,2"}, fc...), "trials"},
		{"out in base", append([]string{"--seeds", "1"}, append(fc, "--out", "x")...), "--out"},
		{"seed in base", append([]string{"--seeds", "1,2"}, append(fc, "--seed", "3")...), "--seed"},
		{"seed twice", append([]string{"--seeds", "1", "--grid", "seed=1,2"}, fc...), "seed"},
		{"bad seeds", append([]string{"--seeds", "1-x"}, fc...), "1-x"},
		{"bad range", append([]string{"--seeds", "9-2"}, fc...), "9-2"},
		{"bad quoting", append([]string{"--grid", `overlap="1`}, fc...), "overlap"},
		{"not key=values", append([]string{"--grid", "overlap"}, fc...), "KEY=V1,V2"},
		{"key twice", append([]string{"--grid", "overlap=1", "--grid", "overlap=2"}, fc...), "overlap"},
		{"unknown task", []string{"--seeds", "1", "--", "--task", "cifar"}, "cifar"},
		{"base flag before --", []string{"--seeds", "1", "--task", "fearcond"}, "--task"},
		{"bad base flag", append([]string{"--seeds", "1"}, append(fc, "--trails", "2")...), "trails"},
		{"zero jobs", append([]string{"--seeds", "1", "--jobs", "0"}, fc...), "--jobs"},
		{"slurm option alone", append([]string{"--seeds", "1", "--partition", "p"}, fc...), "--slurm"},
		{"bad time", append([]string{"--seeds", "1", "--slurm", "--time", "2h"}, fc...), "2h"},
		{"bad mem", append([]string{"--seeds", "1", "--slurm", "--mem", "lots"}, fc...), "lots"},
		{"not empty", append([]string{"--seeds", "1", "--out", full}, fc...), full},
		{"sweep file", append([]string{"--file", badFile}, fc...), "repeat"},
		{"missing sweep file", append([]string{"--file", filepath.Join(dir, "no.yaml")}, fc...), "no.yaml"},
		{"missing data", []string{"--seeds", "1", "--", "--data", filepath.Join(dir, "nodata")}, "nodata"},
		{"run index without folder", []string{"--run-index", "0"}, "--run-index"},
		{"run index of no sweep", []string{"--run-index", "0", dir}, "sweep.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "sweep")
			args := append([]string{"sweep"}, c.args...)
			if !strings.Contains(strings.Join(c.args, " "), "--out") && !strings.Contains(c.name, "run index") {
				args = append([]string{"sweep", "--out", out}, c.args...)
			}
			code, stderr := runCLI(t, args...)
			if code != 2 {
				t.Errorf("exit status %d, want 2 (stderr %q)", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !strings.Contains(stderr, c.want) {
				t.Errorf("want one line mentioning %q, got %q", c.want, stderr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("sweep folder %s was created", out)
			}
		})
	}
}

// finalValue returns the last element of a list in a run's results.json.
func finalValue(t *testing.T, dir, key string) float64 {
	t.Helper()
	list := readResults(t, dir)[key].([]any)
	return list[len(list)-1].(float64)
}

// checkCollect runs collect on a sweep of fearcond runs (overlap 0 and 10,
// seeds 1 and 2) and checks the table against the runs' results.json and
// the summary against means and standard deviations computed here.
func checkCollect(t *testing.T, sweep string) {
	t.Helper()
	summary := filepath.Join(t.TempDir(), "summary.csv")
	code, stdout, stderr := runCLIOut(t, "collect", "--summary", summary, sweep)
	if code != 0 {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	header, rows := readCSV(t, stdout)
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4:\n%s", len(rows), stdout)
	}
	if header[0] != "run" || header[1] != "overlap" || header[2] != "seed" {
		t.Errorf("header %v, want run, overlap, seed first (the varying keys)", header)
	}
	fcs := column(t, header, "freezing_cs_plus")
	column(t, header, "freezing_cs_minus")
	want := map[string][]float64{}
	for i, r := range rows {
		name := []string{"overlap=0_seed=1", "overlap=0_seed=2", "overlap=10_seed=1", "overlap=10_seed=2"}[i]
		if r[0] != filepath.Join(sweep, name) {
			t.Errorf("row %d is %s, want %s", i, r[0], name)
		}
		got, err := strconv.ParseFloat(r[fcs], 64)
		wantV := finalValue(t, r[0], "freezing_cs_plus")
		if err != nil || got != wantV {
			t.Errorf("row %d: freezing_cs_plus %s, want %v", i, r[fcs], wantV)
		}
		want[r[1]] = append(want[r[1]], wantV)
	}

	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	sh, srows := readCSV(t, string(data))
	if len(srows) != 2 || sh[0] != "overlap" || sh[1] != "runs" {
		t.Fatalf("summary:\n%s", data)
	}
	mc, sc := column(t, sh, "freezing_cs_plus_mean"), column(t, sh, "freezing_cs_plus_std")
	for _, r := range srows {
		x := want[r[0]]
		mean := (x[0] + x[1]) / 2
		std := math.Abs(x[0]-x[1]) / math.Sqrt2 // the sample deviation of two values
		gotMean, _ := strconv.ParseFloat(r[mc], 64)
		gotStd, _ := strconv.ParseFloat(r[sc], 64)
		// Both are sums of two doubles: a few ulps apart at most.
		if r[1] != "2" || math.Abs(gotMean-mean) > 1e-15 || math.Abs(gotStd-std) > 1e-15 {
			t.Errorf("overlap %s: runs %s, mean %v, std %v; want 2, %v, %v", r[0], r[1], gotMean, gotStd, mean, std)
		}
	}
}

func TestSweepLocal(t *testing.T) {
	sweep := filepath.Join(t.TempDir(), "sweep")
	code, stdout, stderr := runCLIOut(t, "sweep", "--grid", "overlap=0,10", "--seeds", "1-2",
		"--jobs", "2", "--out", sweep, "--", "-task=fearcond", "--trials", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "collect") || !strings.Contains(stderr, "4/4") {
		t.Errorf("no progress or collect hint:\n%s\n%s", stdout, stderr)
	}
	for _, f := range []string{"sweep.json", "sweep.log", "logs/overlap=10_seed=2.txt",
		"overlap=10_seed=2/results.json", "overlap=0_seed=1/config.yaml"} {
		if _, err := os.Stat(filepath.Join(sweep, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	if r := readResults(t, filepath.Join(sweep, "overlap=10_seed=2")); r["seed"].(float64) != 2 {
		t.Errorf("run overlap=10_seed=2 has seed %v", r["seed"])
	}
	checkCollect(t, sweep)

	// A run is the same whether it ran in a sweep or alone.
	alone := filepath.Join(t.TempDir(), "alone")
	if code, stderr := runCLI(t, "--task", "fearcond", "--trials", "2", "--overlap", "10", "--seed", "1",
		"--out", alone); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if a, b := finalValue(t, alone, "freezing_cs_plus"),
		finalValue(t, filepath.Join(sweep, "overlap=10_seed=1"), "freezing_cs_plus"); a != b {
		t.Errorf("freezing %v alone, %v in the sweep", a, b)
	}
}

func TestSweepLocalFailure(t *testing.T) {
	data := synthData(t, 100, 20)
	sweep := filepath.Join(t.TempDir(), "sweep")
	args := append([]string{"sweep", "--grid", "lr=1e-3,1e30", "--out", sweep, "--",
		"--data", data, "--epochs", "2", "--trainer", "bp"}, tinyNet...)
	code, _, stderr := runCLIOut(t, args...)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	last := strings.TrimSpace(stderr)
	last = last[strings.LastIndex(last, "\n")+1:]
	if !strings.Contains(last, "1 of 2 runs failed: lr=1e30") {
		t.Errorf("the last line does not name the failed run: %q", last)
	}
	if !strings.Contains(stderr, "NaN") {
		t.Errorf("the failure's reason is not reported: %q", stderr)
	}

	// The failed run is in the table, with no finite validation loss (nan
	// for a NaN epoch that was recorded, empty when none was).
	code, stdout, stderr := runCLIOut(t, "collect", sweep)
	if code != 0 {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	header, rows := readCSV(t, stdout)
	if len(rows) != 2 || header[1] != "lr" || rows[1][1] != "1e+30" {
		t.Fatalf("table:\n%s", stdout)
	}
	if v := rows[1][column(t, header, "valid_loss")]; v != "nan" && v != "" {
		t.Errorf("valid_loss of the diverged run %q, want nan or nothing", v)
	}
}

func TestSweepSlurmScriptRuns(t *testing.T) {
	sweep := filepath.Join(t.TempDir(), "sweep")
	code, stdout, stderr := runCLIOut(t, "sweep", "--slurm", "--grid", "overlap=0,10", "--seeds", "1-2",
		"--partition", "debug", "--time", "10", "--out", sweep, "--", "--task", "fearcond", "--trials", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	script := filepath.Join(sweep, "sweep.sbatch")
	if !strings.Contains(stdout, "sbatch "+script) {
		t.Errorf("no sbatch hint: %q", stdout)
	}
	text, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "#SBATCH --array=0-3\n") ||
		!strings.Contains(string(text), binary_+" sweep --run-index") {
		t.Errorf("script:\n%s", text)
	}
	if _, err := os.Stat(filepath.Join(sweep, "overlap=0_seed=1")); !os.IsNotExist(err) {
		t.Error("--slurm ran the runs")
	}

	// Run the script as four array tasks would, without Slurm.
	for i := range 4 {
		cmd := exec.Command("bash", script)
		cmd.Env = append(os.Environ(), fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", i))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("array task %d: %v\n%s", i, err, out)
		}
	}
	checkCollect(t, sweep)

	if code, stderr := runCLI(t, "sweep", "--run-index", "4", sweep); code != 2 ||
		!strings.Contains(stderr, "0 to 3") {
		t.Errorf("index out of range: exit %d, %q", code, stderr)
	}
	out, err := exec.Command("bash", script).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "sbatch") {
		t.Errorf("the script ran outside an array: %v %s", err, out)
	}
}

func TestSweepFileDryRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sweep.yaml")
	os.WriteFile(file, []byte("grid:\n  feedback: [aligned, global]\nargs: [--task, fearcond, --trials, '1']\n"), 0o644)
	sweep := filepath.Join(dir, "sweep")
	code, _, stderr := runCLIOut(t, "sweep", "-file="+file, "--seeds", "4,5", "--out", sweep)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLIOut(t, "sweep", "--file", file, "--seeds", "4", "--dry-run",
		"--out", filepath.Join(dir, "dry"), "--", "--overlap", "5")
	if code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "1\tfeedback=global_seed=4\t") ||
		!strings.Contains(lines[1], "--task fearcond --trials 1 --overlap 5 --feedback=global --seed=4") {
		t.Errorf("dry run listed:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "dry")); !os.IsNotExist(err) {
		t.Error("--dry-run wrote the sweep folder")
	}
	code, stdout, _ = runCLIOut(t, "collect", sweep)
	if header, rows := readCSV(t, stdout); code != 0 || len(rows) != 4 || header[1] != "feedback" {
		t.Errorf("collect of the file's sweep: exit %d\n%s", code, stdout)
	}
}

// writeRun writes a run folder with the given config.yaml and results.json.
func writeRun(t *testing.T, dir, config, results string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	if config != "" {
		os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(config), 0o644)
	}
	if results != "" {
		os.WriteFile(filepath.Join(dir, "results.json"), []byte(results), 0o644)
	}
}

func TestCollect(t *testing.T) {
	root := t.TempDir()
	runs := filepath.Join(root, "runs")
	// Two configurations (lr 0.1 and 0.2) of two seeds; a third run with
	// lr 0.2 did not get to write its results, a fourth is damaged.
	acc := map[string][2]float64{"a": {1, 2}, "b": {3, 4}, "c": {10, 10}, "d": {10, 14}}
	lr := map[string]string{"a": "0.1", "b": "0.1", "c": "0.2", "d": "0.2"}
	for i, name := range []string{"a", "b", "c", "d"} {
		writeRun(t, filepath.Join(runs, name),
			fmt.Sprintf("task: fmnist\nlr: %s\nensembles: [16, 32]\nseed: %d\n", lr[name], i),
			fmt.Sprintf(`{"task": "fmnist", "test_accuracy": [0.5, %v], "valid_loss": [1, null],
			  "solver_steps": [], "balance_residual": 0.25, "seed": %d, "stopped": "x", "a": [[1]]}`,
				acc[name][1], i))
	}
	writeRun(t, filepath.Join(runs, "e"), "task: fmnist\nlr: 0.2\nseed: 9\n", "")
	writeRun(t, filepath.Join(runs, "f"), "task: fmnist\nlr: 0.2\nseed: 8\n", `{"test_accuracy": [1,`)
	os.MkdirAll(filepath.Join(runs, "not-a-run"), 0o755)

	summary := filepath.Join(root, "summary.csv")
	code, stdout, stderr := runCLIOut(t, "collect", "--summary", summary, runs)
	if code != 1 {
		t.Errorf("exit %d with skipped runs, want 1", code)
	}
	for _, want := range []string{filepath.Join(runs, "e") + ": no results.json",
		filepath.Join(runs, "f") + ": results.json is damaged", "2 of 6 runs"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	wantTable := "run,lr,seed,test_accuracy,valid_loss,balance_residual\n" +
		filepath.Join(runs, "a") + ",0.1,0,2,nan,0.25\n" +
		filepath.Join(runs, "b") + ",0.1,1,4,nan,0.25\n" +
		filepath.Join(runs, "c") + ",0.2,2,10,nan,0.25\n" +
		filepath.Join(runs, "d") + ",0.2,3,14,nan,0.25\n"
	if stdout != wantTable {
		t.Errorf("table\n%s\nwant\n%s", stdout, wantTable)
	}
	data, _ := os.ReadFile(summary)
	// Means 3 and 12; sample deviations √2 and √8.
	wantSummary := "lr,runs,test_accuracy_mean,test_accuracy_std,valid_loss_mean,valid_loss_std," +
		"balance_residual_mean,balance_residual_std\n" +
		"0.1,2,3," + strconv.FormatFloat(math.Sqrt2, 'g', -1, 64) + ",nan,nan,0.25,0\n" +
		"0.2,2,12," + strconv.FormatFloat(math.Sqrt(8), 'g', -1, 64) + ",nan,nan,0.25,0\n"
	if string(data) != wantSummary {
		t.Errorf("summary\n%s\nwant\n%s", data, wantSummary)
	}

	// --all adds the keys that are the same everywhere; a single run folder
	// stands for itself.
	code, stdout, _ = runCLIOut(t, "collect", "--all", filepath.Join(runs, "a"), filepath.Join(runs, "c"))
	if header, _ := readCSV(t, stdout); code != 0 ||
		!reflect.DeepEqual(header[:5], []string{"run", "task", "lr", "ensembles", "seed"}) {
		t.Errorf("--all: exit %d, header %v", code, header)
	}
	if _, rows := readCSV(t, stdout); rows[0][3] != "16,32" {
		t.Errorf("list value %q, want 16,32", rows[0][3])
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"collect"}, "run or sweep folders"},
		{[]string{"collect", filepath.Join(root, "nope")}, "nope does not exist"},
		{[]string{"collect", summary}, "is not a folder"},
		{[]string{"collect", filepath.Join(runs, "not-a-run")}, "holds no run folders"},
		{[]string{"collect", "--mean", runs}, "mean"},
	} {
		code, stdout, stderr := runCLIOut(t, c.args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, c.want) ||
			strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and one line about %q",
				c.args, code, stdout, stderr, c.want)
		}
	}
	if code, _, stderr := runCLIOut(t, "collect", filepath.Join(runs, "e")); code != 1 ||
		!strings.Contains(stderr, "none of the 1 run folders has results") {
		t.Errorf("no results at all: exit %d, %q", code, stderr)
	}
}

func TestMeanStd(t *testing.T) {
	m, s := meanStd([]float64{2, 4, 4, 4, 5, 5, 7, 9})
	// Σ(x−5)² = 32, n − 1 = 7.
	if m != 5 || math.Abs(s-math.Sqrt(32.0/7)) > 1e-15 {
		t.Errorf("mean %v std %v, want 5 and √(32/7)", m, s)
	}
	if m, s := meanStd([]float64{3}); m != 3 || !math.IsNaN(s) {
		t.Errorf("one value: mean %v std %v, want 3 and NaN", m, s)
	}
}
