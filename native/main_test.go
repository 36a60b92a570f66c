package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"codeberg.org/sbinet/npyio/npz"
)

var binary_ string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bcp-native-test")
	if err != nil {
		panic(err)
	}
	binary_ = filepath.Join(dir, "bcp-native")
	if out, err := exec.Command("go", "build", "-o", binary_, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runCLI runs the binary and returns its exit status and stderr.
func runCLI(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary_, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

// writeIDX writes an IDX file of unsigned bytes with the given dimensions.
func writeIDX(t *testing.T, path string, magicType byte, dims []int, data []byte) {
	t.Helper()
	var b bytes.Buffer
	b.Write([]byte{0, 0, magicType, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// synthData writes a small random data set in IDX form: images whose
// brightest quadrant encodes the label, so a network can learn it.
func synthData(t *testing.T, nTrain, nTest int) string {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(9, 9))
	write := func(prefix string, n int) {
		img := make([]byte, n*28*28)
		lab := make([]byte, n)
		for s := 0; s < n; s++ {
			lab[s] = byte(r.IntN(10))
			for i := 0; i < 784; i++ {
				v := r.IntN(80)
				if (i/28)/3 == int(lab[s]) {
					v += 150
				}
				img[s*784+i] = byte(v)
			}
		}
		writeIDX(t, filepath.Join(dir, prefix+"-images-idx3-ubyte"), 8, []int{n, 28, 28}, img)
		writeIDX(t, filepath.Join(dir, prefix+"-labels-idx1-ubyte"), 8, []int{n}, lab)
	}
	write("train", nTrain)
	write("t10k", nTest)
	return dir
}

var tinyNet = []string{"--hidden", "2", "--ensembles", "6", "--exc-per-ensemble", "4", "--batch", "20"}

func TestFlagStyles(t *testing.T) {
	a, _, err := parseArgs([]string{"-task=mnist", "-hidden=2", "-data", "/x", "-ensembles=8,4", "-clip-params"})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := parseArgs([]string{"--task", "mnist", "--hidden", "2", "--data=/x", "--ensembles", "8,4", "--clip-params"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("Go-style and GNU-style flags differ:\n%+v\n%+v", a, b)
	}
	if a.Model.Hidden != 2 || a.Task != "mnist" || !a.Model.ClipParams || !reflect.DeepEqual(a.Model.Ensembles, []int{8, 4}) {
		t.Errorf("flags not applied: %+v", a)
	}
}

func TestBadInput(t *testing.T) {
	data := synthData(t, 40, 10)
	corrupt := func(name string, edit func(dir string)) string {
		dir := t.TempDir()
		for _, f := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
			"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
			b, _ := os.ReadFile(filepath.Join(data, f))
			os.WriteFile(filepath.Join(dir, f), b, 0o644)
		}
		edit(dir)
		return dir
	}
	badMagic := corrupt("magic", func(d string) {
		p := filepath.Join(d, "train-images-idx3-ubyte")
		b, _ := os.ReadFile(p)
		b[0] = 7
		os.WriteFile(p, b, 0o644)
	})
	short := corrupt("short", func(d string) {
		p := filepath.Join(d, "t10k-images-idx3-ubyte")
		b, _ := os.ReadFile(p)
		os.WriteFile(p, b[:len(b)-100], 0o644)
	})
	counts := corrupt("counts", func(d string) {
		writeIDX(t, filepath.Join(d, "train-labels-idx1-ubyte"), 8, []int{39}, make([]byte, 39))
	})
	labels := corrupt("labels", func(d string) {
		lab := make([]byte, 40)
		lab[17] = 12
		writeIDX(t, filepath.Join(d, "train-labels-idx1-ubyte"), 8, []int{40}, lab)
	})
	cfgDir := t.TempDir()
	unknownKey := filepath.Join(cfgDir, "unknown.yaml")
	os.WriteFile(unknownKey, []byte("hidden: 1\nfrobnicate: 3\n"), 0o644)
	badValue := filepath.Join(cfgDir, "bad.yaml")
	os.WriteFile(badValue, []byte("hidden: [1\n"), 0o644)

	cases := []struct {
		name string
		args []string
		want string // a phrase the one-sentence message must contain
	}{
		{"missing data dir", []string{"--data", "/nonexistent/fm"}, "/nonexistent/fm"},
		{"missing file", []string{"--data", t.TempDir()}, "train-images"},
		{"wrong magic", []string{"--data", badMagic}, "train-images-idx3-ubyte"},
		{"short read", []string{"--data", short}, "t10k-images-idx3-ubyte"},
		{"count mismatch", []string{"--data", counts}, "train-labels-idx1-ubyte"},
		{"label out of range", []string{"--data", labels}, "12"},
		{"unknown task", []string{"--task", "cifar"}, "cifar"},
		{"unknown trainer", []string{"--trainer", "sgd"}, "sgd"},
		{"hidden 0", []string{"--hidden", "0"}, "hidden"},
		{"overlap 100", []string{"--overlap", "100"}, "overlap"},
		{"overlap negative", []string{"--overlap", "-1"}, "overlap"},
		{"batch 0", []string{"--batch", "0"}, "batch"},
		{"epochs 0", []string{"--epochs", "0"}, "epochs"},
		{"ensembles 0", []string{"--ensembles", "0"}, "ensembles"},
		{"ensembles per layer mismatch", []string{"--hidden", "3", "--ensembles", "4,4"}, "ensembles"},
		{"unreadable config", []string{"--config", "/nonexistent/c.yaml"}, "/nonexistent/c.yaml"},
		{"unknown config key", []string{"--config", unknownKey}, "frobnicate"},
		{"malformed config", []string{"--config", badValue}, badValue},
		{"unknown flag", []string{"--frobnicate"}, "frobnicate"},
		{"mnist without data", []string{"--task", "mnist"}, "--data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			args := append([]string{"--out", out, "--epochs", "1"}, c.args...)
			if c.name == "epochs 0" {
				args = append([]string{"--out", out}, c.args...)
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
				t.Errorf("run folder %s was created", out)
			}
		})
	}
}

type resultsFile map[string]any

func readResults(t *testing.T, dir string) resultsFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r resultsFile
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTinyRunOutputs(t *testing.T) {
	data := synthData(t, 200, 60)
	out := filepath.Join(t.TempDir(), "run")
	args := append([]string{"--data", data, "--epochs", "2", "--seed", "4", "--device", "cpu", "--out", out},
		tinyNet...)
	if code, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := readResults(t, out)
	for _, k := range []string{"train_cl_loss", "train_cl_accuracy", "train_ol_loss", "train_ol_accuracy",
		"valid_loss", "valid_accuracy", "test_loss", "test_accuracy", "solver_steps", "weight_norm",
		"epoch_seconds", "solver_failures"} {
		v, ok := r[k].([]any)
		if !ok || len(v) != 2 {
			t.Errorf("results.json %s = %v, want a list of 2 epochs", k, r[k])
		}
	}
	if r["seed"].(float64) != 4 || !strings.HasPrefix(r["device"].(string), "cpu") {
		t.Errorf("seed/device = %v/%v", r["seed"], r["device"])
	}
	if res, ok := r["balance_residual"].(float64); !ok || res > 1e-5 {
		t.Errorf("balance_residual = %v, want a number ≤ 1e-5", r["balance_residual"])
	}
	csv, _ := os.ReadFile(filepath.Join(out, "metrics.csv"))
	if n := strings.Count(string(csv), "\n"); n != 3 || !strings.HasPrefix(string(csv), "epoch,train_cl_loss") {
		t.Errorf("metrics.csv has %d lines:\n%s", n, csv)
	}
	f, err := npz.Open(filepath.Join(out, "params.npz"))
	if err != nil {
		t.Fatal(err)
	}
	var w1 []float32
	if err := f.Read("W1.npy", &w1); err != nil || len(w1) != 6*784 {
		t.Errorf("params.npz W1: %d values, err %v", len(w1), err)
	}
	f.Close()
	pf, err := os.Open(filepath.Join(out, "curves.png"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(pf); err != nil {
		t.Errorf("curves.png: %v", err)
	}
	pf.Close()
	if b, _ := os.ReadFile(filepath.Join(out, "log.txt")); !strings.Contains(string(b), "epoch 2/2") {
		t.Errorf("log.txt lacks the epoch lines:\n%s", b)
	}

	// The effective configuration runs again through --config and gives
	// the same numbers (same seed, same backend).
	rerunFromConfig(t, out, "epoch_seconds")
}

// rerunFromConfig runs the configuration saved in out again and checks that
// every number but the timing key is the same.
func rerunFromConfig(t *testing.T, out, timing string) {
	t.Helper()
	again := filepath.Join(t.TempDir(), "again")
	if code, stderr := runCLI(t, "--config", filepath.Join(out, "config.yaml"), "--out", again); code != 0 {
		t.Fatalf("rerun from config.yaml: exit %d: %s", code, stderr)
	}
	sameResults(t, out, again, timing)
}

// sameResults checks that two run folders hold the same results.json but
// for the timing key.
func sameResults(t *testing.T, a, b, timing string) {
	t.Helper()
	ra, rb := readResults(t, a), readResults(t, b)
	delete(ra, timing)
	delete(rb, timing)
	if !reflect.DeepEqual(ra, rb) {
		t.Errorf("%s and %s differ:\n%v\n%v", a, b, ra, rb)
	}
}

func TestFixedPointSolverMatchesODE(t *testing.T) {
	data := synthData(t, 200, 60)
	res := map[string]resultsFile{}
	for _, solver := range []string{"ode", "fixedpoint"} {
		out := filepath.Join(t.TempDir(), solver)
		args := append([]string{"--data", data, "--epochs", "2", "--seed", "5", "--solver", solver,
			"--out", out}, tinyNet...)
		if code, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", solver, code, stderr)
		}
		res[solver] = readResults(t, out)
	}
	// Same learning: per-epoch test accuracy within 1 point, losses within 1 %.
	for e := 0; e < 2; e++ {
		a := res["ode"]["test_accuracy"].([]any)[e].(float64)
		b := res["fixedpoint"]["test_accuracy"].([]any)[e].(float64)
		la := res["ode"]["valid_loss"].([]any)[e].(float64)
		lb := res["fixedpoint"]["valid_loss"].([]any)[e].(float64)
		if math.Abs(a-b) > 1 || math.Abs(la-lb) > 0.01*la {
			t.Errorf("epoch %d: ODE accuracy %.2f loss %.4f, fixed point %.2f %.4f", e+1, a, la, b, lb)
		}
	}
}

func TestBackpropBaselineLearns(t *testing.T) {
	data := synthData(t, 300, 100)
	out := filepath.Join(t.TempDir(), "run")
	args := []string{"--data", data, "--epochs", "5", "--lr", "0.01", "--trainer", "bp", "--out", out,
		"--hidden", "1", "--ensembles", "32", "--batch", "20"}
	if code, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	acc := readResults(t, out)["test_accuracy"].([]any)
	if last := acc[len(acc)-1].(float64); last < 90 {
		t.Errorf("backprop test accuracy on the synthetic task %v, want ≥ 90", last)
	}
}

func TestNaNStopsTraining(t *testing.T) {
	data := synthData(t, 100, 20)
	out := filepath.Join(t.TempDir(), "run")
	args := append([]string{"--data", data, "--epochs", "3", "--trainer", "bp", "--lr", "1e30",
		"--out", out}, tinyNet...)
	code, stderr := runCLI(t, args...)
	if code != 1 || !strings.Contains(stderr, "NaN") {
		t.Fatalf("exit %d, stderr %q; want 1 and a NaN message", code, stderr)
	}
	r := readResults(t, out)
	if s, _ := r["stopped"].(string); !strings.Contains(s, "NaN") {
		t.Errorf("results.json does not record why training stopped: %v", r["stopped"])
	}
}

func TestFashionMNISTShort(t *testing.T) {
	if _, err := os.Stat("/usr/share/datasets/fashion-mnist"); err != nil && os.Getenv("BCP_REQUIRE_DATA") == "" {
		t.Skip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
	}
	out := filepath.Join(t.TempDir(), "run")
	args := append([]string{"-task=fmnist", "--epochs", "1", "--limit-train", "400", "--limit-test", "100",
		"--out", out}, tinyNet...)
	if code, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := readResults(t, out)
	if n := r["test_accuracy"].([]any); len(n) != 1 {
		t.Fatalf("test_accuracy %v, want one epoch", n)
	}
	if acc, ok := r["test_accuracy"].([]any)[0].(float64); !ok || acc < 0 || acc > 100 {
		t.Errorf("test accuracy %v, want a percentage", r["test_accuracy"])
	}
	// The default fixed-point solver takes a few Newton iterations per pass.
	if steps := r["solver_steps"].([]any)[0].(float64); steps < 1 || steps > 60 {
		t.Errorf("mean solver steps %v, want between 1 and the iteration limit", steps)
	}
}

func TestOnlineTasks(t *testing.T) {
	cases := []struct {
		task  string
		args  []string
		files []string
		keys  []string
	}{
		{"traj", []string{"--trials", "40", "--shape", "heart"}, []string{"trajectory.png", "r2.png"},
			[]string{"ol_r2", "cl_r2", "ol_loss", "cl_loss"}},
		{"fearcond", []string{"--trials", "3"}, []string{"freezing.png"},
			[]string{"freezing_cs_plus", "freezing_cs_minus"}},
		{"motor", []string{"--trials", "20"}, []string{"lever.png"}, []string{"ol_r2", "lever_min"}},
		{"assembly", []string{"--trials", "5", "--record-activity"}, []string{"currents.png"},
			[]string{"ol_r2", "cl_r2"}},
	}
	for _, c := range cases {
		t.Run(c.task, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			args := append([]string{"-task=" + c.task, "--seed", "3", "--out", out}, c.args...)
			if code, stderr := runCLI(t, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, f := range append([]string{"config.yaml", "metrics.csv", "arrays.npz", "log.txt"}, c.files...) {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("missing %s", f)
				}
			}
			r := readResults(t, out)
			tests := len(r["trial"].([]any))
			if tests < 2 {
				t.Fatalf("%d record points, want at least 2", tests)
			}
			for _, k := range c.keys {
				if v, ok := r[k].([]any); !ok || len(v) == 0 {
					t.Errorf("results.json %s = %v, want a list", k, r[k])
				}
			}
			if r["seed"].(float64) != 3 || r["wall_seconds"].(float64) <= 0 || r["completed"] != true {
				t.Errorf("seed/wall_seconds/completed = %v/%v/%v", r["seed"], r["wall_seconds"], r["completed"])
			}
			// The effective configuration runs again and gives the same numbers.
			rerunFromConfig(t, out, "wall_seconds")
		})
	}
}

func TestOnlineBadInput(t *testing.T) {
	dir := t.TempDir()
	noPath := filepath.Join(dir, "empty.svg")
	os.WriteFile(noPath, []byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect width="3" height="4"/></svg>`), 0o644)
	badPath := filepath.Join(dir, "bad.svg")
	os.WriteFile(badPath, []byte(`<svg><path d="M 0 0 L 1 x"/></svg>`), 0o644)
	zero := filepath.Join(dir, "zero.svg")
	os.WriteFile(zero, []byte(`<svg><path d="M 1 1 L 1 1"/></svg>`), 0o644)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"svg without path", []string{"--task", "traj", "--shape", noPath}, "empty.svg"},
		{"svg bad data", []string{"--task", "traj", "--shape", badPath}, "bad.svg"},
		{"svg zero length", []string{"--task", "traj", "--shape", zero}, "zero length"},
		{"missing svg", []string{"--task", "traj", "--shape", filepath.Join(dir, "nope.svg")}, "nope.svg"},
		{"unknown shape", []string{"--task", "traj", "--shape", "dragon"}, "dragon"},
		{"unknown feedback", []string{"--task", "motor", "--feedback", "sideways"}, "sideways"},
		{"zero trials", []string{"--task", "fearcond", "--trials", "0"}, "trials"},
		{"negative trials", []string{"--task", "traj", "--trials", "-5"}, "trials"},
		{"zero dt", []string{"--task", "assembly", "--dt", "0"}, "dt"},
		{"negative dt", []string{"--task", "motor", "--dt", "-0.001"}, "dt"},
		{"unknown flag", []string{"--task", "traj", "--hidden", "2"}, "hidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			code, stderr := runCLI(t, append(c.args, "--out", out)...)
			if code != 2 {
				t.Errorf("exit status %d, want 2 (stderr %q)", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !strings.Contains(stderr, c.want) {
				t.Errorf("want one line mentioning %q, got %q", c.want, stderr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("run folder %s was created", out)
			}
		})
	}
}

// A run killed with SIGKILL during epoch 2 and resumed ends with exactly the
// numbers of an uninterrupted run.
func TestKillAndResume(t *testing.T) {
	data := synthData(t, 700, 60)
	args := func(out string) []string {
		return append([]string{"--data", data, "--epochs", "3", "--seed", "8", "--solver", "ode",
			"--out", out}, tinyNet...)
	}
	whole := filepath.Join(t.TempDir(), "whole")
	if code, stderr := runCLI(t, args(whole)...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d: %s", code, stderr)
	}

	killed := filepath.Join(t.TempDir(), "killed")
	cmd := exec.Command(binary_, args(killed)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	awaitCheckpoint(t, cmd, killed)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if n := len(readResults(t, killed)["test_accuracy"].([]any)); n != 1 {
		t.Logf("killed after %d epochs (wanted during epoch 2; the machine was slow)", n)
	}

	if code, stderr := runCLI(t, "--resume", killed); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	sameResults(t, whole, killed, "epoch_seconds")
	if code, stderr := runCLI(t, "-resume="+killed); code != 0 || !strings.Contains(stderr, "already complete") {
		t.Errorf("resuming a complete run: exit %d, %q", code, stderr)
	}
}

func TestResumeRefusesDamage(t *testing.T) {
	data := synthData(t, 100, 20)
	out := filepath.Join(t.TempDir(), "run")
	if code, stderr := runCLI(t, append([]string{"--data", data, "--epochs", "1", "--out", out}, tinyNet...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ck := filepath.Join(out, "checkpoint.bin")
	b, _ := os.ReadFile(ck)
	b[len(b)/2] ^= 1
	os.WriteFile(ck, b, 0o644)
	code, stderr := runCLI(t, "--resume", out)
	if code != 2 || !strings.Contains(stderr, "checksum") || !strings.Contains(stderr, ck) {
		t.Errorf("damaged checkpoint: exit %d, %q; want 2 and a message naming the file", code, stderr)
	}
	if code, stderr := runCLI(t, "--resume", out, "--epochs", "5"); code != 2 || !strings.Contains(stderr, "no other flag") {
		t.Errorf("--resume with another flag: exit %d, %q", code, stderr)
	}
	if code, stderr := runCLI(t, "--resume", t.TempDir()); code != 2 || !strings.Contains(stderr, "config.yaml") {
		t.Errorf("--resume of a folder without a run: exit %d, %q", code, stderr)
	}
}

func TestInterruptKeepsEpochs(t *testing.T) {
	data := synthData(t, 700, 60)
	out := filepath.Join(t.TempDir(), "run")
	cmd := exec.Command(binary_, append([]string{"--data", data, "--epochs", "50", "--solver", "ode", "--out", out},
		tinyNet...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	awaitCheckpoint(t, cmd, out)
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit %v after SIGINT, want status 130", err)
	}
	if !strings.Contains(stderr.String(), "--resume "+out) {
		t.Errorf("no resume hint in %q", stderr.String())
	}
	if n := len(readResults(t, out)["test_accuracy"].([]any)); n < 1 {
		t.Errorf("%d epochs kept after the interrupt", n)
	}
}

// An online experiment killed after a checkpoint and resumed ends with the
// numbers of an uninterrupted run.
func TestOnlineKillAndResume(t *testing.T) {
	args := func(out string) []string {
		return []string{"--task", "motor", "--trials", "60", "--seed", "2", "--out", out}
	}
	whole := filepath.Join(t.TempDir(), "whole")
	if code, stderr := runCLI(t, args(whole)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	killed := filepath.Join(t.TempDir(), "killed")
	cmd := exec.Command(binary_, args(killed)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	awaitCheckpoint(t, cmd, killed)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if code, stderr := runCLI(t, "--resume", killed); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	sameResults(t, whole, killed, "wall_seconds")
}

// awaitCheckpoint waits until the run of cmd has written its first
// checkpoint into dir; after two minutes it kills the run and fails.
func awaitCheckpoint(t *testing.T, cmd *exec.Cmd, dir string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(filepath.Join(dir, "checkpoint.bin")); err == nil {
			return
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no checkpoint after two minutes")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
