package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"bcp/core/dataset"
	"bcp/core/static"
)

// synth builds a small data set in memory: the class is the argmax of the
// first three features.
func synth(n int, seed uint64) dataset.Split {
	r := rand.New(rand.NewPCG(seed, 1))
	s := dataset.Split{N: n, Dim: 8, Classes: 3, X: make([]float32, n*8), Y: make([]float32, n*3),
		Labels: make([]uint8, n)}
	for i := 0; i < n; i++ {
		for j := 0; j < 8; j++ {
			s.X[i*8+j] = float32(r.Float64())
		}
		c := 0
		for j := 1; j < 3; j++ {
			if s.X[i*8+j] > s.X[i*8+c] {
				c = j
			}
		}
		s.Labels[i] = uint8(c)
		for j := 0; j < 3; j++ {
			s.Y[i*3+j] = 0.005
		}
		s.Y[i*3+c] = 0.99
	}
	return s
}

func tinyConfig() static.Config {
	c := static.DefaultConfig()
	c.Ensembles = []int{12}
	c.ExcPerEnsemble = 4
	c.Batch = 20
	c.Epochs = 10
	c.LR = 0.01
	c.Seed = 2
	return c
}

func TestRunBCPLearns(t *testing.T) {
	data := &dataset.Data{Train: synth(200, 1), Valid: synth(40, 2), Test: synth(60, 3)}
	cfg := tinyConfig()
	net, err := static.NewNetwork(cfg, 8, 3)
	if err != nil {
		t.Fatal(err)
	}
	be, _ := static.NewCPU(net)
	var seen []int
	epochs, err := Run(context.Background(), cfg, NewBCP(net, be), data,
		nil, Hooks{Epoch: func(e Epoch) error { seen = append(seen, e.Epoch); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(epochs) != 10 || len(seen) != 10 {
		t.Fatalf("%d epochs returned, %d reported; want 10", len(epochs), len(seen))
	}
	first, last := epochs[0], epochs[9]
	t.Logf("valid loss %.3f → %.3f, test accuracy %.1f → %.1f", first.ValidLoss, last.ValidLoss,
		first.TestAcc, last.TestAcc)
	if !(last.ValidLoss < first.ValidLoss) || last.TestAcc < 60 {
		t.Errorf("no learning: valid loss %.3f → %.3f, final test accuracy %.1f (want ≥ 60 on a 3-class task)",
			first.ValidLoss, last.ValidLoss, last.TestAcc)
	}
	if last.SolverSteps < 1 || math.IsNaN(last.TrainCLAcc) || last.WeightNorm <= 0 {
		t.Errorf("epoch metrics incomplete: %+v", last)
	}
}

func TestRunBPHasNoClosedLoop(t *testing.T) {
	data := &dataset.Data{Train: synth(100, 4), Valid: synth(20, 5), Test: synth(20, 6)}
	cfg := tinyConfig()
	cfg.Epochs = 2
	m, _ := NewBP(cfg, 8, 3)
	epochs, err := Run(context.Background(), cfg, m, data, nil, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(epochs[0].TrainCLLoss) || epochs[0].SolverSteps != 0 {
		t.Errorf("backprop epoch reports closed-loop numbers: %+v", epochs[0])
	}
}

func TestRunStopsOnNaN(t *testing.T) {
	data := &dataset.Data{Train: synth(100, 7), Valid: synth(20, 8), Test: synth(20, 9)}
	cfg := tinyConfig()
	cfg.LR = 1e30
	m, _ := NewBP(cfg, 8, 3)
	epochs, err := Run(context.Background(), cfg, m, data, nil, Hooks{})
	if !errors.Is(err, ErrNaN) {
		t.Fatalf("err = %v, want ErrNaN", err)
	}
	if len(epochs) != 0 {
		t.Errorf("%d epochs kept; the first epoch's validation loss was NaN", len(epochs))
	}
}

func TestRunCancelled(t *testing.T) {
	data := &dataset.Data{Train: synth(100, 10), Valid: synth(20, 11), Test: synth(20, 12)}
	cfg := tinyConfig()
	m, _ := NewBP(cfg, 8, 3)
	ctx, cancel := context.WithCancel(context.Background())
	epochs, err := Run(ctx, cfg, m, data, nil, Hooks{Epoch: func(e Epoch) error {
		if e.Epoch == 2 {
			cancel()
		}
		return nil
	}})
	if !errors.Is(err, context.Canceled) || len(epochs) != 2 {
		t.Errorf("err %v after %d epochs, want context.Canceled after 2", err, len(epochs))
	}
}

// A run resumed after epoch 2 from the parameters and optimiser state of an
// uninterrupted run gives the same numbers for the remaining epochs.
func TestResumeMatchesUninterrupted(t *testing.T) {
	data := &dataset.Data{Train: synth(120, 13), Valid: synth(20, 14), Test: synth(20, 15)}
	cfg := tinyConfig()
	cfg.Epochs = 4
	build := func() *BCP {
		net, _ := static.NewNetwork(cfg, 8, 3)
		be, _ := static.NewCPU(net)
		return NewBCP(net, be)
	}
	full, err := Run(context.Background(), cfg, build(), data, nil, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	// Stop after two epochs, keep the state, continue in a fresh model.
	first := build()
	ctx, cancel := context.WithCancel(context.Background())
	part, _ := Run(ctx, cfg, first, data, nil, Hooks{Epoch: func(e Epoch) error {
		if e.Epoch == 2 {
			cancel()
		}
		return nil
	}})
	second := build()
	for i, p := range first.Params() {
		copy(second.Params()[i], p)
	}
	a, b := first.Optimizer(), second.Optimizer()
	b.Step = a.Step
	for i := range a.M {
		copy(b.M[i], a.M[i])
		copy(b.V[i], a.V[i])
	}
	resumed, err := Run(context.Background(), cfg, second, data, part, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if len(resumed) != 4 {
		t.Fatalf("%d epochs after resuming, want 4", len(resumed))
	}
	for i := range full {
		x, y := full[i], resumed[i]
		x.Seconds, y.Seconds = 0, 0
		if x != y {
			t.Errorf("epoch %d differs:\n%+v\n%+v", i+1, x, y)
		}
	}
}
