package shaders

import (
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"bcp/core/optim"
)

// wgslStruct returns the field types of struct name in src, in order.
func wgslStruct(t *testing.T, src, name string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?s)struct ` + name + ` \{(.*?)\n\}`).FindStringSubmatch(src)
	if m == nil {
		t.Fatalf("no struct %s", name)
	}
	var types []string
	for _, f := range regexp.MustCompile(`\w+:\s*(\w+)`).FindAllStringSubmatch(m[1], -1) {
		types = append(types, f[1])
	}
	return types
}

// TestUniformLayout checks that each Go uniform struct has the size and
// field types of its WGSL twin, and that the size is a multiple of 16
// bytes, as WGSL lays out uniform structs of 4-byte scalars.
func TestUniformLayout(t *testing.T) {
	cases := []struct {
		goValue any
		file    string
		name    string
	}{
		{Solver{}, "solver", "Solver"},
		{Ctl{}, "solver", "Ctl"},
		{MatMul{}, "matmul", "MatMul"},
		{Mean{}, "batchmean", "Mean"},
		{Adam{}, "adam", "Adam"},
		{Adam{}, "clip", "Adam"},
	}
	for _, c := range cases {
		types := wgslStruct(t, Raw(c.file), c.name)
		rt := reflect.TypeOf(c.goValue)
		if rt.NumField() != len(types) {
			t.Errorf("%s: Go has %d fields, WGSL %d", c.name, rt.NumField(), len(types))
			continue
		}
		for i, wt := range types {
			var want reflect.Kind
			switch wt {
			case "u32":
				want = reflect.Uint32
			case "f32":
				want = reflect.Float32
			default:
				t.Fatalf("%s: unexpected WGSL type %s", c.name, wt)
			}
			if f := rt.Field(i); f.Type.Kind() != want || f.Offset != uintptr(4*i) {
				t.Errorf("%s field %d (%s): Go %v at %d, WGSL %s at %d", c.name, i, f.Name,
					f.Type.Kind(), f.Offset, wt, 4*i)
			}
		}
		if size := rt.Size(); size != uintptr(4*len(types)) || (c.name != "Ctl" && size%16 != 0) {
			t.Errorf("%s: size %d bytes, want %d and a multiple of 16", c.name, size, 4*len(types))
		}
	}
}

// TestGrid checks the dispatch arithmetic: every index below n is produced
// exactly once, also beyond 65 535 workgroups, and no dimension exceeds
// the limit.
func TestGrid(t *testing.T) {
	for _, n := range []int{1, 100, MaxGroups, MaxGroups + 1, 3*MaxGroups + 17} {
		x, y, z := Grid(n)
		if x > MaxGroups || y > MaxGroups || z != 1 {
			t.Fatalf("Grid(%d) = %d, %d, %d exceeds the limit", n, x, y, z)
		}
		seen := make([]bool, n)
		for wy := uint32(0); wy < y; wy++ {
			for wx := uint32(0); wx < x; wx++ {
				s := SampleIndex(wx, wy, x)
				if int(s) >= n {
					continue
				}
				if seen[s] {
					t.Fatalf("Grid(%d): sample %d twice", n, s)
				}
				seen[s] = true
			}
		}
		for s, ok := range seen {
			if !ok {
				t.Fatalf("Grid(%d): sample %d missing", n, s)
			}
		}
	}
	// Element-wise grids: 10⁷ elements need 78 125 workgroups of 128.
	if x, y, _ := GridFlat(10_000_000, 8); x != MaxGroups || y != 20 {
		t.Errorf("GridFlat(10⁷, 8) = %d, %d; want %d, 20", x, y, MaxGroups)
	}
	for _, n := range []int{1, 127, 128, 129, 10_000_000} {
		x, y, _ := GridFlat(n, WG)
		if x > MaxGroups || y > MaxGroups {
			t.Fatalf("GridFlat(%d) = %d, %d", n, x, y)
		}
		total := int(x) * int(y) * WG
		if total < n || total-n >= int(x)*WG {
			t.Errorf("GridFlat(%d) = %d×%d workgroups: %d invocations", n, x, y, total)
		}
		last := FlatIndex(x-1, y-1, x, WG-1, WG)
		if int(last) != total-1 {
			t.Errorf("GridFlat(%d): last index %d, want %d", n, last, total-1)
		}
	}
	if x, y, _ := MatMulGrid(100, 130); x != 3 || y != 2 {
		t.Errorf("MatMulGrid(100, 130) = %d, %d; want 3, 2", x, y)
	}
}

// TestSources checks that every kernel's source names its bindings and
// entry points, and that the constants are prepended.
func TestSources(t *testing.T) {
	c := Consts{WG: 128, MaxK: 16, MaxD: 10}
	for _, k := range Kernels {
		src := k.Source(c)
		if !strings.HasPrefix(src, "const WG: u32 = 128u;") {
			t.Errorf("%s: constants missing", k.Name)
		}
		for _, b := range k.Bindings {
			decl := regexp.MustCompile(`@binding\(` + string(rune('0'+b.Index)) + `\) var<([a-z_, ]+)> ` + b.Name + `\b`)
			m := decl.FindStringSubmatch(src)
			if m == nil {
				t.Errorf("%s: binding %d %s not declared", k.Name, b.Index, b.Name)
				continue
			}
			want := map[BindingType]string{Uniform: "uniform", ReadOnlyStorage: "storage, read",
				Storage: "storage, read_write"}[b.Type]
			if m[1] != want {
				t.Errorf("%s: binding %s is var<%s>, want var<%s>", k.Name, b.Name, m[1], want)
			}
		}
		for _, e := range k.Entries {
			if !strings.Contains(src, "fn "+e+"(") {
				t.Errorf("%s: entry point %s missing", k.Name, e)
			}
		}
	}
}

// TestAdamReference checks adam's reference against optim.Adam.
func TestAdamReference(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	const n = 1000
	p := make([]float32, n)
	g := make([]float32, n)
	for i := range p {
		p[i] = float32(r.NormFloat64())
	}
	want := []([]float32){append([]float32(nil), p...)}
	ad := optim.NewAdam(1e-3, []int{n})
	m, v := make([]float32, n), make([]float32, n)
	for step := 1; step <= 5; step++ {
		for i := range g {
			g[i] = float32(r.NormFloat64())
		}
		ad.Update(want, [][]float32{g})
		optim.Clip(want, -0.5, 0.5)
		NewAdam(n, ad.LR, ad.Beta1, ad.Beta2, ad.Eps, step, true, -0.5, 0.5).Run(p, m, v, g)
	}
	for i := range p {
		if p[i] != want[0][i] {
			t.Fatalf("parameter %d: %v, optim.Adam gives %v", i, p[i], want[0][i])
		}
	}
}

// TestMatMulReference checks the strided product against a plain one, for
// a transposed operand.
func TestMatMulReference(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	const m, k, n = 7, 5, 3
	a := make([]float32, k*m) // stored transposed: a[kk*m + i]
	b := make([]float32, k*n)
	for i := range a {
		a[i] = float32(r.NormFloat64())
	}
	for i := range b {
		b[i] = float32(r.NormFloat64())
	}
	bias := []float32{1, 2, 3}
	c := make([]float32, m*n)
	MatMul{M: m, N: n, K: k, HasBias: 1, SAi: 1, SAk: m, SBk: n, SBj: 1, SCi: n, SCj: 1,
		Alpha: 0.5}.Run(a, b, bias, c)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for kk := 0; kk < k; kk++ {
				s += float64(a[kk*m+i]) * float64(b[kk*n+j])
			}
			if d := math.Abs(0.5*s + float64(bias[j]) - float64(c[i*n+j])); d > 1e-5 {
				t.Fatalf("C(%d,%d) off by %g", i, j, d)
			}
		}
	}
}
