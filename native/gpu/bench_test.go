package gpu

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/cogentcore/webgpu/wgpu"

	"bcp/core/static"
	"bcp/core/train"
	"bcp/shaders"
)

// BenchmarkMatMul times the matmul kernel on the products of the trainer's
// sizes (the first layer's drive of a Fashion-MNIST batch and a default
// layer's) and reports GFLOP/s.
func BenchmarkMatMul(b *testing.B) {
	for _, s := range [][3]int{{100, 784, 128}, {100, 2048, 512}} {
		m, k, n := s[0], s[1], s[2]
		b.Run(fmt.Sprintf("%dx%dx%d", m, k, n), func(b *testing.B) {
			g := openOrSkip(b, benchNet(1, 4, 4, 8))
			b.Logf("adapter: %s", g.Adapter())
			u := shaders.MatMul{M: uint32(m), N: uint32(n), K: uint32(k), SAi: uint32(k), SAk: 1,
				SBk: uint32(n), SBj: 1, SCi: uint32(n), SCj: 1, Alpha: 1}
			ub, err := g.d.buffer("u", uint64(unsafe.Sizeof(u)), usageUniform)
			if err != nil {
				b.Fatal(err)
			}
			defer ub.Release()
			g.d.write(ub, 0, structBytes(&u))
			var bufs []*wgpu.Buffer
			for _, v := range [][]float32{benchBatchFloats(m * k), benchBatchFloats(k * n), make([]float32, m*n)} {
				buf, err := g.d.buffer("d", uint64(4*len(v)), usageStorage)
				if err != nil {
					b.Fatal(err)
				}
				defer buf.Release()
				g.d.write(buf, 0, bytesOf(v))
				bufs = append(bufs, buf)
			}
			bg, err := g.d.bind(g.k["matmul"], ub, bufs[0], bufs[1], bufs[0], bufs[2])
			if err != nil {
				b.Fatal(err)
			}
			defer bg.Release()
			x, y, z := shaders.MatMulGrid(m, n)
			for b.Loop() {
				e, err := g.d.encoder()
				if err != nil {
					b.Fatal(err)
				}
				e.dispatch(g.k["matmul"].pipes["matmul"], bg, x, y, z)
				e.copy(bufs[2], 0, g.readDone, 0, 16)
				if err := e.submit(); err != nil {
					b.Fatal(err)
				}
				if err := g.d.mapRead(g.readDone, 16, func([]byte) {}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(2*float64(m*k*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkStep times one BCP step on a batch of 100 Fashion-MNIST-sized
// inputs: the small network of quick runs and, with -bench Step/L1, the
// default layer.
func BenchmarkStep(b *testing.B) {
	for _, s := range [][3]int{{2, 16, 4}, {1, 128, 16}} {
		b.Run(fmt.Sprintf("L%d_K%d_nE%d", s[0], s[1], s[2]), func(b *testing.B) {
			net := benchNet(s[0], s[1], s[2], 784)
			g := openOrSkip(b, net)
			b.Logf("adapter: %s", g.Adapter())
			const n = 100
			x, y := benchBatch(n, 784, 10, 2)
			gr := zeros(net)
			out := &static.StepOutput{YhatOL: make([]float32, n*10), YhatCL: make([]float32, n*10)}
			for b.Loop() {
				if err := g.Step(x, y, n, gr, out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((out.OL.MeanSteps()+out.CL.MeanSteps())/2, "steps/pass")
		})
	}
}

// BenchmarkEpoch times one epoch of the small network: 10 BCP steps on
// batches of 100 and open-loop predictions of 200 samples.
func BenchmarkEpoch(b *testing.B) {
	net := benchNet(2, 16, 4, 784)
	g := openOrSkip(b, net)
	b.Logf("adapter: %s", g.Adapter())
	m := train.NewBCP(net, g)
	x, y := benchBatch(1200, 784, 10, 4)
	yh := make([]float32, 1000)
	for b.Loop() {
		for i := 0; i < 10; i++ {
			if _, _, _, err := m.Step(x[i*78400:(i+1)*78400], y[i*1000:(i+1)*1000], 100); err != nil {
				b.Fatal(err)
			}
		}
		for i := 10; i < 12; i++ {
			if _, err := m.Predict(x[i*78400:(i+1)*78400], 100, yh); err != nil {
				b.Fatal(err)
			}
		}
	}
}
