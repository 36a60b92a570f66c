package ode

// Euler holds the settings of the fixed-step forward Euler integrator:
// y_{n+1} = y_n + Dt·f(t_n, y_n).
type Euler struct {
	Dt        float64 // step (s)
	T         float64 // horizon (s)
	SteadyTol float64 // stop when RMS(dy/dt) < SteadyTol; 0 disables the test
}

// Solve integrates y from time 0 in place, with the same stopping rules and
// callback as Tsit5.Solve. It never rejects a step and never fails.
func (s *Euler) Solve(f Func, y []float32, ws *Workspace, accepted func(y, dy []float32)) Stats {
	n := len(y)
	ws.ensure(n)
	dy := ws.k[0][:n]

	var st Stats
	steps := int(s.T/s.Dt + 0.5)
	h := float32(s.Dt)
	for step := 0; step <= steps; step++ {
		t := float64(step) * s.Dt
		f(t, y, dy)
		st.Evals++
		if step > 0 && accepted != nil {
			accepted(y, dy)
		}
		if s.SteadyTol > 0 && RMS(dy) < s.SteadyTol {
			st.Steady = true
			return st
		}
		if step == steps {
			return st
		}
		for i := range y {
			y[i] += h * dy[i]
		}
		st.Accepted++
		st.T = t + s.Dt
	}
	return st
}
