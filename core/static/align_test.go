package static

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// refState solves the open-loop steady state F(u) = 0 of the E/I network in
// float64 by Newton's method with a finite-difference Jacobian (exact within
// one linear piece of the ReLU network), starting from u.
func refState(net *Network, params [][]float64, x []float64, u []float64) []float64 {
	f := func(u []float64) []float64 {
		out := make([]float64, len(u))
		off := 0
		h := x
		for l, ly := range net.Layers {
			W := params[net.WeightIndex(l)]
			a := make([]float64, ly.K)
			for k := range a {
				for j, v := range h {
					a[k] += W[k*len(h)+j] * v
				}
				if bi := net.BiasIndex(l); bi >= 0 {
					a[k] += params[bi][k]
				}
			}
			uE, uI := u[off:off+ly.NE], u[off+ly.NE:off+ly.NE+ly.NI]
			hn := make([]float64, ly.K)
			for i := 0; i < ly.NE; i++ {
				for e := ly.ME.Ptr[i]; e < ly.ME.Ptr[i+1]; e++ {
					hn[ly.ME.Col[e]] += float64(ly.ME.Val[e]) * math.Max(uE[i], 0)
				}
			}
			for i := 0; i < ly.NE; i++ {
				v := -uE[i]
				for e := ly.ME.Ptr[i]; e < ly.ME.Ptr[i+1]; e++ {
					v += float64(ly.ME.Val[e]) * a[ly.ME.Col[e]]
				}
				for e := ly.WIE.Ptr[i]; e < ly.WIE.Ptr[i+1]; e++ {
					v -= float64(ly.WIE.Val[e]) * math.Max(uI[ly.WIE.Col[e]], 0)
				}
				out[off+i] = v
			}
			for i := 0; i < ly.NI; i++ {
				v := -uI[i]
				for e := ly.MI.Ptr[i]; e < ly.MI.Ptr[i+1]; e++ {
					k := ly.MI.Col[e]
					v += float64(ly.MI.Val[e]) * (a[k] + hn[k]*float64(ly.InvNE))
				}
				out[off+ly.NE+i] = v
			}
			off += ly.NE + ly.NI
			h = hn
		}
		Wo := params[net.ReadoutIndex()]
		for o := 0; o < net.Out; o++ {
			v := -u[off+o]
			for k, hv := range h {
				v += Wo[o*len(h)+k] * hv
			}
			out[off+o] = v
		}
		return out
	}
	n := len(u)
	u = append([]float64(nil), u...)
	for it := 0; it < 50; it++ {
		fu := f(u)
		var nrm float64
		for _, v := range fu {
			nrm = math.Max(nrm, math.Abs(v))
		}
		if nrm < 1e-13 {
			return u
		}
		jac := mat.NewDense(n, n, nil)
		const step = 1e-7
		for j := 0; j < n; j++ {
			v := u[j]
			u[j] = v + step
			fp := f(u)
			u[j] = v - step
			fm := f(u)
			u[j] = v
			for i := 0; i < n; i++ {
				jac.Set(i, j, (fp[i]-fm[i])/(2*step))
			}
		}
		var du mat.VecDense
		if err := du.SolveVec(jac, mat.NewVecDense(n, fu)); err != nil {
			panic(err)
		}
		for i := range u {
			u[i] -= du.AtVec(i)
		}
	}
	panic("refState: Newton did not converge")
}

func TestDirectionsAlignWithBackprop(t *testing.T) {
	for _, solver := range []string{"ode", "fixedpoint"} {
		t.Run(solver, func(t *testing.T) { testAlign(t, solver) })
	}
}

func testAlign(t *testing.T, solver string) {
	cfg := tiny(2, 6)
	cfg.Solver = solver
	cfg.Kp /= 100
	cfg.Ki /= 100
	net, err := NewNetwork(cfg, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	for i := range net.B(0) {
		net.B(0)[i] = float32(0.3 * r.NormFloat64())
	}
	const n = 4
	x, y := randomBatch(r, n, 5, 3, false)
	b, _ := NewCPU(net)
	g := make([][]float32, len(net.Params))
	for i, p := range net.Params {
		g[i] = make([]float32, len(p))
	}
	out := &StepOutput{YhatOL: make([]float32, n*3), YhatCL: make([]float32, n*3)}
	if err := b.Step(x, y, n, g, out); err != nil {
		t.Fatal(err)
	}

	// Reference: the gradient of the mean loss at the open-loop steady state,
	// by central differences of float64 Newton solutions.
	params := make([][]float64, len(net.Params))
	for i, p := range net.Params {
		params[i] = make([]float64, len(p))
		for j, v := range p {
			params[i][j] = float64(v)
		}
	}
	base := make([][]float64, n)
	xs := make([][]float64, n)
	w := newWorker(net, b.loss)
	for s := 0; s < n; s++ {
		xs[s] = make([]float64, 5)
		for j := range xs[s] {
			xs[s][j] = float64(x[s*5+j])
		}
		w.prepare(x[s*5 : (s+1)*5])
		w.openLoop(b.integ)
		u := make([]float64, w.olLen)
		for i := range u {
			u[i] = float64(w.y[i])
		}
		base[s] = refState(net, params, xs[s], u)
	}
	meanLoss := func() float64 {
		var tot float64
		for s := 0; s < n; s++ {
			u := refState(net, params, xs[s], base[s])
			uo := u[w.offO:]
			m := math.Max(math.Max(uo[0], uo[1]), uo[2])
			lse := m + math.Log(math.Exp(uo[0]-m)+math.Exp(uo[1]-m)+math.Exp(uo[2]-m))
			for o := 0; o < 3; o++ {
				tot -= float64(y[s*3+o]) * (uo[o] - lse)
			}
		}
		return tot / n
	}
	for i, p := range params {
		grad := make([]float64, len(p))
		const step = 1e-6
		for j := range p {
			v := p[j]
			p[j] = v + step
			lp := meanLoss()
			p[j] = v - step
			lm := meanLoss()
			p[j] = v
			grad[j] = (lp - lm) / (2 * step)
		}
		var dot, na, nb float64
		for j, v := range grad {
			dot += v * float64(g[i][j])
			na += v * v
			nb += float64(g[i][j]) * float64(g[i][j])
		}
		cos := dot / math.Sqrt(na*nb)
		t.Logf("%s: cosine(BCP direction, backprop gradient) = %.5f", net.Names[i], cos)
		if !(cos > 0.99) {
			t.Errorf("%s: cosine %.4f, want > 0.99 at gains 100× below the defaults", net.Names[i], cos)
		}
	}
}
