package demo

// Sweep is an oscilloscope trace over one trial: Cols channels sampled
// every Stride Euler steps, Rows = steps per trial / Stride samples each.
// Sample i of a trial holds the values after step (i+1)·Stride of it. A new
// trial writes over the previous one from the left; the samples from
// Cursor on still show the previous trial.
type Sweep struct {
	Stride, Rows, Cols int
	Cursor             int    // samples written in the current trial
	Trial              int64  // index of the current trial since the start (tests included)
	Control            []bool // per sample: was control on
	data               []float64
}

// NewSweep returns an empty sweep for trials of steps Euler steps.
func NewSweep(steps, stride, cols int) *Sweep {
	rows := steps / stride
	return &Sweep{Stride: stride, Rows: rows, Cols: cols, Trial: -1,
		Control: make([]bool, rows), data: make([]float64, rows*cols)}
}

// Col returns channel c over the trial, one value per sample; it shares
// storage with the sweep.
func (s *Sweep) Col(c int) []float64 { return s.data[c*s.Rows : (c+1)*s.Rows] }

// Set writes the values of sample i of trial t; a new trial moves the
// cursor back to the start.
func (s *Sweep) Set(t int64, i int, control bool, vals ...float64) {
	if t != s.Trial {
		s.Trial = t
		s.Cursor = 0
	}
	for c, v := range vals {
		s.data[c*s.Rows+i] = v
	}
	s.Control[i] = control
	s.Cursor = i + 1
}

// Clear empties the sweep.
func (s *Sweep) Clear() {
	clear(s.data)
	clear(s.Control)
	s.Cursor, s.Trial = 0, -1
}

// strideFor returns the sampling stride of a trial of steps steps: the
// smallest divisor of steps that leaves at most maxRows samples.
func strideFor(steps, maxRows int) int {
	for d := max(1, steps/maxRows); d < steps; d++ {
		if steps%d == 0 && steps/d <= maxRows {
			return d
		}
	}
	return steps
}
