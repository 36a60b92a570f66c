package main

import (
	"context"
	"errors"
	"fmt"
	"math"

	"log/slog"
	"os"
	"path/filepath"

	"time"

	"go.yaml.in/yaml/v3"

	"bcp/core/checkpoint"
	"bcp/core/dataset"
	"bcp/core/results"
	"bcp/core/static"
	"bcp/core/train"
	"bcp/native/gpu"
)

// Results is the content of results.json: per-epoch lists and run facts.
type Results struct {
	Task            string          `json:"task"`
	Trainer         string          `json:"trainer"`
	Epoch           []int           `json:"epoch"`
	TrainCLLoss     []results.Float `json:"train_cl_loss"`
	TrainCLAccuracy []results.Float `json:"train_cl_accuracy"`
	TrainOLLoss     []results.Float `json:"train_ol_loss"`
	TrainOLAccuracy []results.Float `json:"train_ol_accuracy"`
	ValidLoss       []results.Float `json:"valid_loss"`
	ValidAccuracy   []results.Float `json:"valid_accuracy"`
	TestLoss        []results.Float `json:"test_loss"`
	TestAccuracy    []results.Float `json:"test_accuracy"`
	SolverSteps     []results.Float `json:"solver_steps"`
	SolverStepsOL   []results.Float `json:"solver_steps_ol"`
	SolverStepsCL   []results.Float `json:"solver_steps_cl"`
	SolverFailures  []int           `json:"solver_failures"`
	SolverFallback  []int           `json:"solver_fallbacks"`
	WeightNorm      []results.Float `json:"weight_norm"`
	EpochSeconds    []results.Float `json:"epoch_seconds"`
	BalanceResidual results.Float   `json:"balance_residual"`
	Seed            uint64          `json:"seed"`
	Device          string          `json:"device"`
	Stopped         string          `json:"stopped,omitempty"`
}

var csvHeader = []string{"epoch", "train_cl_loss", "train_cl_accuracy", "train_ol_loss",
	"train_ol_accuracy", "valid_loss", "valid_accuracy", "test_loss", "test_accuracy",
	"solver_steps", "solver_steps_ol", "solver_steps_cl", "solver_failures", "solver_fallbacks",
	"weight_norm", "epoch_seconds"}

// newResults starts results.json with empty lists (so that a run stopped
// before its first epoch still loads as lists).
func newResults(task, trainer string, seed uint64, device string) *Results {
	f := func() []results.Float { return []results.Float{} }
	return &Results{Task: task, Trainer: trainer, Seed: seed, Device: device, Epoch: []int{},
		TrainCLLoss: f(), TrainCLAccuracy: f(), TrainOLLoss: f(), TrainOLAccuracy: f(), ValidLoss: f(),
		ValidAccuracy: f(), TestLoss: f(), TestAccuracy: f(), SolverSteps: f(), SolverStepsOL: f(),
		SolverStepsCL: f(), SolverFailures: []int{}, SolverFallback: []int{}, WeightNorm: f(),
		EpochSeconds: f(), BalanceResidual: results.Float(math.NaN())}
}

func (r *Results) add(e train.Epoch) {
	if r.Trainer == "bp" {
		e.SolverSteps, e.SolverStepsOL, e.SolverStepsCL = math.NaN(), math.NaN(), math.NaN()
	}
	r.Epoch = append(r.Epoch, e.Epoch)
	r.TrainCLLoss = append(r.TrainCLLoss, results.Float(e.TrainCLLoss))
	r.TrainCLAccuracy = append(r.TrainCLAccuracy, results.Float(e.TrainCLAcc))
	r.TrainOLLoss = append(r.TrainOLLoss, results.Float(e.TrainOLLoss))
	r.TrainOLAccuracy = append(r.TrainOLAccuracy, results.Float(e.TrainOLAcc))
	r.ValidLoss = append(r.ValidLoss, results.Float(e.ValidLoss))
	r.ValidAccuracy = append(r.ValidAccuracy, results.Float(e.ValidAcc))
	r.TestLoss = append(r.TestLoss, results.Float(e.TestLoss))
	r.TestAccuracy = append(r.TestAccuracy, results.Float(e.TestAcc))
	r.SolverSteps = append(r.SolverSteps, results.Float(e.SolverSteps))
	r.SolverStepsOL = append(r.SolverStepsOL, results.Float(e.SolverStepsOL))
	r.SolverStepsCL = append(r.SolverStepsCL, results.Float(e.SolverStepsCL))
	r.SolverFailures = append(r.SolverFailures, e.SolverFailures)
	r.SolverFallback = append(r.SolverFallback, e.Fallbacks)
	r.WeightNorm = append(r.WeightNorm, results.Float(e.WeightNorm))
	r.EpochSeconds = append(r.EpochSeconds, results.Float(e.Seconds))
}

func row(e train.Epoch) []float64 {
	return []float64{float64(e.Epoch), e.TrainCLLoss, e.TrainCLAcc, e.TrainOLLoss, e.TrainOLAcc,
		e.ValidLoss, e.ValidAcc, e.TestLoss, e.TestAcc, e.SolverSteps, e.SolverStepsOL, e.SolverStepsCL,
		float64(e.SolverFailures), float64(e.Fallbacks), e.WeightNorm, e.Seconds}
}

// trainStatic runs a classification task: it checks everything it can
// before the run folder exists, so that bad input leaves nothing behind.
func trainStatic(ctx context.Context, cfg RunConfig, opts options) error {
	name := map[string]string{"fmnist": "fashion-mnist", "mnist": "mnist"}[cfg.Task]
	data, err := dataset.Load(name, cfg.Data, cfg.LimitTrain, cfg.LimitTest)
	if err != nil {
		return &usageError{err.Error()}
	}
	if cfg.Data == "" {
		cfg.Data = dataset.DefaultFashionDir // record the folder actually read
	}
	if data.Train.N < 1 {
		return usagef("--limit-train %d leaves no training samples after the 10%% validation split; use at least 2", cfg.LimitTrain)
	}

	var ck *staticCheckpoint
	if opts.resume {
		ck = new(staticCheckpoint)
		if err := checkpoint.Read(filepath.Join(opts.out, checkpointFile), ck); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return usagef("%s has no checkpoint (%s): the run did not complete an epoch; start it again instead",
					opts.out, checkpointFile)
			}
			return usagef("%v; the run cannot be resumed from it", err)
		}
	}

	var model train.Model
	var net *static.Network
	device := "cpu"
	var deviceInfo string
	if cfg.Model.Trainer == "bp" {
		model, err = train.NewBP(cfg.Model, data.Train.Dim, data.Train.Classes)
		if err != nil {
			return usagef("%v", err)
		}
	} else {
		net, err = static.NewNetwork(cfg.Model, data.Train.Dim, data.Train.Classes)
		if err != nil {
			return usagef("%v", err)
		}
		backend, info, err := gpu.New(net, cfg.Device)
		if err != nil {
			return usagef("%v", err)
		}
		defer backend.Close()
		device = backend.Name()
		deviceInfo = info
		model = train.NewBCP(net, backend)
	}

	if ck != nil {
		if err := ck.restore(model); err != nil {
			return usagef("checkpoint in %s does not match its config.yaml (%v)", opts.out, err)
		}
	}

	dir := opts.out
	if dir == "" {
		dir = results.DefaultDir("out", cfg.Task, time.Now())
	}
	prog, log, logFile, err := openRun(dir, opts.resume, checkpointBytes(model))
	if err != nil {
		return err
	}
	defer logFile.Close()

	conf, err := yaml.Marshal(&cfg)
	if err != nil {
		return err
	}
	if err := results.WriteFileAtomic(filepath.Join(dir, "config.yaml"), conf); err != nil {
		return err
	}

	res := newResults(cfg.Task, cfg.Model.Trainer, cfg.Model.Seed, device)
	log.Info("run", "folder", dir, "task", cfg.Task, "trainer", cfg.Model.Trainer, "device", device,
		"train", data.Train.N, "valid", data.Valid.N, "test", data.Test.N)
	if deviceInfo != "" {
		log.Info("device", "backend", deviceInfo)
	}
	if net != nil {
		res.BalanceResidual = results.Float(net.BalanceResidual())
		for l, ly := range net.Layers {
			log.Info("layer", "l", l+1, "ensembles", ly.K, "E", ly.NE, "I", ly.NI,
				"balance_residual", fmt.Sprintf("%.3g", ly.Residual))
		}
	}

	var rows [][]float64
	var epochs []train.Epoch
	if ck != nil {
		for _, e := range ck.Epochs {
			epochs = append(epochs, e)
			res.add(e)
			rows = append(rows, row(e))
		}
		log.Info("resuming", "after_epoch", len(epochs), "of", cfg.Model.Epochs)
		if len(epochs) >= cfg.Model.Epochs {
			log.Info("the run is already complete", "folder", dir)
			return nil
		}
	}
	hooks := train.Hooks{
		Batch: func(epoch, done, total int) { prog.batch(epoch, cfg.Model.Epochs, done, total) },
		Epoch: func(e train.Epoch) error {
			prog.done()
			epochs = append(epochs, e)
			res.add(e)
			rows = append(rows, row(e))
			var spent float64
			for _, done := range epochs {
				spent += done.Seconds
			}
			left := time.Duration(spent / float64(len(epochs)) * float64(cfg.Model.Epochs-e.Epoch) * float64(time.Second))
			log.Info(fmt.Sprintf("epoch %d/%d", e.Epoch, cfg.Model.Epochs),
				"test_acc", fmt.Sprintf("%.2f", e.TestAcc), "valid_acc", fmt.Sprintf("%.2f", e.ValidAcc),
				"valid_loss", fmt.Sprintf("%.4f", e.ValidLoss), "train_ol_acc", fmt.Sprintf("%.2f", e.TrainOLAcc),
				"train_cl_acc", fmt.Sprintf("%.2f", e.TrainCLAcc), "steps", fmt.Sprintf("%.1f", e.SolverSteps),
				"failures", e.SolverFailures, "seconds", fmt.Sprintf("%.1f", e.Seconds),
				"eta", left.Round(time.Second).String())
			if err := writeOutputs(dir, res, rows, epochs, model); err != nil {
				return fmt.Errorf("writing the results of epoch %d failed (%w); the folder keeps the "+
					"previous epoch's files and checkpoint", e.Epoch, err)
			}
			if err := checkpoint.Write(filepath.Join(dir, checkpointFile), newStaticCheckpoint(epochs, model)); err != nil {
				return fmt.Errorf("writing the checkpoint of epoch %d failed (%w); the previous checkpoint is "+
					"intact", e.Epoch, err)
			}
			return nil
		},
	}
	_, err = train.Run(ctx, cfg.Model, model, data, epochs, hooks)
	prog.done()
	switch {
	case errors.Is(err, context.Canceled):
		log.Warn(fmt.Sprintf("interrupted after %d completed epochs; continue with: bcp-native --resume %s",
			len(epochs), dir))
		return err
	case errors.Is(err, train.ErrNaN):
		res.Stopped = err.Error()
		if werr := writeOutputs(dir, res, rows, epochs, model); werr != nil {
			log.Error("writing results failed", "err", werr)
		}
		log.Error("training stopped", "reason", err, "completed_epochs", len(epochs))
		return fmt.Errorf("training stopped: %w (results of %d completed epochs are in %s)", err, len(epochs), dir)
	case err != nil && len(epochs) > 0:
		log.Error("training stopped", "reason", err)
		return fmt.Errorf("%w; continue from the last good checkpoint with: bcp-native --resume %s", err, dir)
	case err != nil:
		return err
	}
	log.Info("done", "folder", dir)
	return nil
}

// writeOutputs rewrites the run folder's results after an epoch; every file
// is replaced atomically.
func writeOutputs(dir string, res *Results, rows [][]float64, epochs []train.Epoch, m train.Model) error {
	if err := results.WriteJSON(filepath.Join(dir, "results.json"), res); err != nil {
		return err
	}
	if err := results.WriteCSV(filepath.Join(dir, "metrics.csv"), csvHeader, rows); err != nil {
		return err
	}
	var arrays []results.Array
	for i, p := range m.Params() {
		s := m.Shapes()[i]
		shape := []int{s[0], s[1]}
		if s[1] == 1 {
			shape = shape[:1]
		}
		arrays = append(arrays, results.Array{Name: m.Names()[i], Shape: shape, Data: p})
	}
	if err := results.WriteNPZ(filepath.Join(dir, "params.npz"), arrays); err != nil {
		return err
	}
	if len(epochs) == 0 {
		return nil
	}
	return plotCurves(filepath.Join(dir, "curves.png"), epochs)
}

func plotCurves(path string, epochs []train.Epoch) error {
	x := make([]float64, len(epochs))
	get := func(f func(train.Epoch) float64) []float64 {
		y := make([]float64, len(epochs))
		for i, e := range epochs {
			y[i] = f(e)
		}
		return y
	}
	for i, e := range epochs {
		x[i] = float64(e.Epoch)
	}
	points := len(epochs) < 2
	series := func(name string, f func(train.Epoch) float64) results.Series {
		return results.Series{Name: name, X: x, Y: get(f), Points: points}
	}
	// drop leaves out series without a single number (the baseline's
	// closed-loop metrics).
	drop := func(p results.Panel) results.Panel {
		var keep []results.Series
		for _, s := range p.Series {
			for _, v := range s.Y {
				if !math.IsNaN(v) {
					keep = append(keep, s)
					break
				}
			}
		}
		p.Series = keep
		return p
	}
	acc := results.Panel{Title: "Accuracy", XLabel: "epoch", YLabel: "%", Series: []results.Series{
		series("train (closed loop)", func(e train.Epoch) float64 { return e.TrainCLAcc }),
		series("train (open loop)", func(e train.Epoch) float64 { return e.TrainOLAcc }),
		series("validation", func(e train.Epoch) float64 { return e.ValidAcc }),
		series("test", func(e train.Epoch) float64 { return e.TestAcc }),
	}}
	lss := results.Panel{Title: "Loss", XLabel: "epoch", YLabel: "loss", Series: []results.Series{
		series("train (closed loop)", func(e train.Epoch) float64 { return e.TrainCLLoss }),
		series("train (open loop)", func(e train.Epoch) float64 { return e.TrainOLLoss }),
		series("validation", func(e train.Epoch) float64 { return e.ValidLoss }),
		series("test", func(e train.Epoch) float64 { return e.TestLoss }),
	}}
	return results.PlotPNG(path, 1200, 450, 2, []results.Panel{drop(acc), drop(lss)})
}

// checkpointFile is the checkpoint's name in a run folder.
const checkpointFile = "checkpoint.bin"

// staticCheckpoint is everything a classification run needs to continue:
// the completed epochs' metrics, the parameters and Adam's state. Data order
// and evaluation subsets depend only on the seed and the epoch, and the
// network's fixed structure is rebuilt from the seed.
type staticCheckpoint struct {
	Epochs   []train.Epoch
	Names    []string
	Params   [][]float32
	AdamStep int
	AdamM    [][]float32
	AdamV    [][]float32
}

func newStaticCheckpoint(epochs []train.Epoch, m train.Model) *staticCheckpoint {
	a := m.Optimizer()
	return &staticCheckpoint{Epochs: epochs, Names: m.Names(), Params: m.Params(),
		AdamStep: a.Step, AdamM: a.M, AdamV: a.V}
}

// restore copies the checkpoint's state into m after checking the shapes.
func (c *staticCheckpoint) restore(m train.Model) error {
	ps, a := m.Params(), m.Optimizer()
	if len(c.Params) != len(ps) || len(c.AdamM) != len(ps) || len(c.AdamV) != len(ps) {
		return fmt.Errorf("%d parameter arrays, the model has %d", len(c.Params), len(ps))
	}
	for i, p := range ps {
		if c.Names[i] != m.Names()[i] || len(c.Params[i]) != len(p) || len(c.AdamM[i]) != len(p) ||
			len(c.AdamV[i]) != len(p) {
			return fmt.Errorf("parameter %s has another shape", m.Names()[i])
		}
	}
	for i, p := range ps {
		copy(p, c.Params[i])
		copy(a.M[i], c.AdamM[i])
		copy(a.V[i], c.AdamV[i])
	}
	a.Step = c.AdamStep
	return nil
}

// checkpointBytes estimates the size of a checkpoint: parameters and two
// Adam moments in float32.
func checkpointBytes(m train.Model) int64 {
	var n int64
	for _, p := range m.Params() {
		n += int64(len(p))
	}
	return 3*4*n + 64<<10
}

// openRun prepares the run folder dir: it refuses a folder that holds
// another run (unless resuming), creates it, checks that the file system
// has room for a few checkpoints of the given size, and opens log.txt
// (appending when resuming). It returns the progress display, which is also
// the console side of the logger, the logger and the open log file.
func openRun(dir string, resume bool, checkpoint int64) (*progress, *slog.Logger, *os.File, error) {
	if !resume {
		if err := checkFreshOut(dir); err != nil {
			return nil, nil, nil, err
		}
	}
	if err := results.Create(dir); err != nil {
		return nil, nil, nil, usagef("%v; choose another --out", err)
	}
	if err := checkFreeSpace(dir, checkpoint); err != nil {
		return nil, nil, nil, usagef("%v", err)
	}
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if resume {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	logFile, err := os.OpenFile(filepath.Join(dir, "log.txt"), flags, 0o644)
	if err != nil {
		return nil, nil, nil, err
	}
	prog := newProgress(os.Stderr)
	return prog, results.NewLogger(prog, logFile, slog.LevelInfo), logFile, nil
}
