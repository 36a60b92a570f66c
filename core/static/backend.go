package static

// Backend runs the heavy batched work of the static trainer: open-loop
// passes and whole BCP steps on a batch. The CPU implementation is in this
// package; the WebGPU one implements the same interface. Parameters live in
// the Network given at construction; a backend reads them at every call, so
// updates made by the optimiser between calls are seen.
type Backend interface {
	// Name says which device runs the work, for the log.
	Name() string
	// Predict integrates the open loop to steady state for n samples of x
	// (n × In, row-major) and writes the outputs ŷ (n × Out).
	Predict(x []float32, n int, yhat []float32) (PassStats, error)
	// Step runs one BCP step on a batch (open loop, feedback weights,
	// targets, closed loop, local errors) and writes the batch-mean update
	// directions into g, laid out like Network.Params.
	Step(x, y []float32, n int, g [][]float32, out *StepOutput) error
	// Close releases what the backend holds.
	Close() error
}

// PassStats counts the solver work of one pass over a batch.
type PassStats struct {
	Solves   int // samples integrated
	Steps    int // accepted steps, summed over samples
	Rejected int // rejected steps, summed over samples
	Failures int // solves that hit the step limit
	Steady   int // solves that stopped at steady state
	Work     int // right-hand-side evaluations, or their equivalents for the fixed-point solver
	Fallback int // fixed-point solves that did not converge and were integrated instead
}

// Add accumulates o into s.
func (s *PassStats) Add(o PassStats) {
	s.Solves += o.Solves
	s.Steps += o.Steps
	s.Rejected += o.Rejected
	s.Failures += o.Failures
	s.Steady += o.Steady
	s.Work += o.Work
	s.Fallback += o.Fallback
}

// MeanWork returns the mean right-hand-side equivalents per solve.
func (s PassStats) MeanWork() float64 {
	if s.Solves == 0 {
		return 0
	}
	return float64(s.Work) / float64(s.Solves)
}

// MeanSteps returns the mean number of accepted steps (Newton iterations
// for the fixed-point solver) per solve.
func (s PassStats) MeanSteps() float64 {
	if s.Solves == 0 {
		return 0
	}
	return float64(s.Steps) / float64(s.Solves)
}

// StepOutput receives what a BCP step measured besides the directions.
// The output slices must hold n × Out values.
type StepOutput struct {
	OL, CL   PassStats
	YhatOL   []float32 // open-loop outputs
	YhatCL   []float32 // closed-loop outputs
	LocalErr []float64 // RMS of the local error e_l per layer, batch mean
}
