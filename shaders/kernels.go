package shaders

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed *.wgsl
var files embed.FS

// BindingType is how a kernel sees a buffer.
type BindingType int

const (
	Uniform         BindingType = iota // var<uniform>
	ReadOnlyStorage                    // var<storage, read>
	Storage                            // var<storage, read_write>
)

func (t BindingType) String() string {
	return [...]string{"uniform", "read-only storage", "storage"}[t]
}

// Binding is one entry of a kernel's bind group 0.
type Binding struct {
	Index uint32
	Name  string // the WGSL variable
	Type  BindingType
}

// SolverBindings is the bind group shared by every solver kernel
// (solver.wgsl).
var SolverBindings = []Binding{
	{0, "P", Uniform},
	{1, "net", ReadOnlyStorage},
	{2, "params", ReadOnlyStorage},
	{3, "inp", ReadOnlyStorage},
	{4, "fb", Storage},
	{5, "work", Storage},
	{6, "kst", Storage},
	{7, "ctl", Storage},
	{8, "done", Storage},
}

// Indices of the solver bindings.
const (
	BindP = iota
	BindNet
	BindParams
	BindInp
	BindFB
	BindWork
	BindK
	BindCtl
	BindDone
)

// Kernel is one compute kernel: its file, entry points and bindings.
type Kernel struct {
	Name     string    // file name without .wgsl
	Entries  []string  // entry points
	Bindings []Binding // bind group 0
	Solver   bool      // appended to solver.wgsl
	Includes []string  // other kernels' files it calls into, inserted before its own
}

// Kernels lists every kernel.
var Kernels = []Kernel{
	{Name: "init", Entries: []string{"init"}, Bindings: SolverBindings, Solver: true},
	{Name: "stage", Entries: []string{"stage2", "stage3", "stage4", "stage5", "stage6", "stage7"},
		Bindings: SolverBindings, Solver: true},
	{Name: "control", Entries: []string{"control_step"}, Bindings: SolverBindings, Solver: true},
	{Name: "step", Entries: []string{"step"}, Bindings: SolverBindings, Solver: true,
		Includes: []string{"stage", "control"}},
	{Name: "targets", Entries: []string{"targets"}, Bindings: SolverBindings, Solver: true},
	{Name: "feedback", Entries: []string{"feedback"}, Bindings: SolverBindings, Solver: true},
	{Name: "fbmean", Entries: []string{"fbmean"}, Bindings: SolverBindings, Solver: true},
	{Name: "fbshape", Entries: []string{"fbshape"}, Bindings: SolverBindings, Solver: true},
	{Name: "localerr", Entries: []string{"localerr"}, Bindings: SolverBindings, Solver: true},
	{Name: "matmul", Entries: []string{"matmul"}, Bindings: []Binding{
		{0, "U", Uniform}, {1, "a", ReadOnlyStorage}, {2, "b", ReadOnlyStorage},
		{3, "bias", ReadOnlyStorage}, {4, "c", Storage}}},
	{Name: "batchmean", Entries: []string{"batchmean"}, Bindings: []Binding{
		{0, "U", Uniform}, {1, "a", ReadOnlyStorage}, {2, "c", Storage}}},
	{Name: "adam", Entries: []string{"adam"}, Bindings: []Binding{
		{0, "U", Uniform}, {1, "p", Storage}, {2, "m", Storage}, {3, "v", Storage},
		{4, "g", ReadOnlyStorage}}},
	{Name: "clip", Entries: []string{"clip"}, Bindings: []Binding{
		{0, "U", Uniform}, {1, "p", Storage}}},
}

// KernelByName returns the kernel with the given name.
func KernelByName(name string) (Kernel, error) {
	for _, k := range Kernels {
		if k.Name == name {
			return k, nil
		}
	}
	return Kernel{}, fmt.Errorf("shaders: no kernel %q", name)
}

// Raw returns the text of a .wgsl file.
func Raw(name string) string {
	b, err := files.ReadFile(name + ".wgsl")
	if err != nil {
		panic("shaders: missing embedded file " + name + ".wgsl")
	}
	return string(b)
}

// Consts are the compile-time constants a kernel's source is built with.
type Consts struct {
	WG         int // workgroup size of all kernels but matmul: a power of two
	MaxK, MaxD int // sizes of the workgroup arrays of the solver kernels
}

// ConstsFor returns the constants for a layout and workgroup size wg (a
// power of two; 0 selects WG).
func ConstsFor(ly *Layout, wg int) Consts {
	if wg <= 0 {
		wg = WG
	}
	if wg&(wg-1) != 0 {
		panic("shaders: workgroup size must be a power of two")
	}
	return Consts{WG: wg, MaxK: ly.MaxK, MaxD: ly.Out}
}

// WorkgroupBytes returns the workgroup memory a solver kernel built with
// c uses.
func (c Consts) WorkgroupBytes() int { return 4 * (3*c.MaxK + 2*c.MaxD + c.WG + 1) }

// Source returns the complete WGSL of kernel k: the constants, then
// solver.wgsl for solver kernels, then the files it includes, then its own.
func (k Kernel) Source(c Consts) string {
	var b strings.Builder
	wg := c.WG
	if wg <= 0 {
		wg = WG
	}
	fmt.Fprintf(&b, "const WG: u32 = %du;\nconst MAXK: u32 = %du;\nconst MAXD: u32 = %du;\n\n",
		wg, max(c.MaxK, 1), max(c.MaxD, 1))
	if k.Solver {
		b.WriteString(Raw("solver"))
		b.WriteString("\n")
	}
	for _, inc := range k.Includes {
		b.WriteString(Raw(inc))
		b.WriteString("\n")
	}
	b.WriteString(Raw(k.Name))
	return b.String()
}
