package gpu

import (
	"fmt"
	"unsafe"

	"github.com/cogentcore/webgpu/wgpu"

	"bcp/shaders"
)

// kernel is a compiled shaders.Kernel: its bind group layout (made
// explicitly from the kernel's bindings), pipeline layout and one pipeline
// per entry point.
type kernel struct {
	spec   shaders.Kernel
	layout *wgpu.BindGroupLayout
	pl     *wgpu.PipelineLayout
	module *wgpu.ShaderModule
	pipes  map[string]*wgpu.ComputePipeline
}

func bindingLayout(b shaders.Binding) wgpu.BindGroupLayoutEntry {
	t := map[shaders.BindingType]wgpu.BufferBindingType{
		shaders.Uniform:         wgpu.BufferBindingTypeUniform,
		shaders.ReadOnlyStorage: wgpu.BufferBindingTypeReadOnlyStorage,
		shaders.Storage:         wgpu.BufferBindingTypeStorage,
	}[b.Type]
	return wgpu.BindGroupLayoutEntry{Binding: b.Index, Visibility: wgpu.ShaderStageCompute,
		Buffer: wgpu.BufferBindingLayout{Type: t}}
}

// compile builds kernel name with the constants c.
func (d *device) compile(name string, c shaders.Consts) (*kernel, error) {
	spec, err := shaders.KernelByName(name)
	if err != nil {
		return nil, err
	}
	k := &kernel{spec: spec, pipes: map[string]*wgpu.ComputePipeline{}}
	var entries []wgpu.BindGroupLayoutEntry
	for _, b := range spec.Bindings {
		entries = append(entries, bindingLayout(b))
	}
	if k.layout, err = d.dev.CreateBindGroupLayout(&wgpu.BindGroupLayoutDescriptor{
		Label: name, Entries: entries}); err != nil {
		return nil, fmt.Errorf("gpu: bind group layout of %s: %w", name, err)
	}
	if k.pl, err = d.dev.CreatePipelineLayout(&wgpu.PipelineLayoutDescriptor{
		Label: name, BindGroupLayouts: []*wgpu.BindGroupLayout{k.layout}}); err != nil {
		k.release()
		return nil, fmt.Errorf("gpu: pipeline layout of %s: %w", name, err)
	}
	if k.module, err = d.dev.CreateShaderModule(&wgpu.ShaderModuleDescriptor{Label: name,
		WGSLDescriptor: &wgpu.ShaderModuleWGSLDescriptor{Code: spec.Source(c)}}); err != nil {
		k.release()
		return nil, fmt.Errorf("gpu: compiling %s.wgsl: %w", name, err)
	}
	for _, e := range spec.Entries {
		p, err := d.dev.CreateComputePipeline(&wgpu.ComputePipelineDescriptor{Label: e, Layout: k.pl,
			Compute: wgpu.ProgrammableStageDescriptor{Module: k.module, EntryPoint: e}})
		if err != nil {
			k.release()
			return nil, fmt.Errorf("gpu: pipeline %s of %s.wgsl: %w", e, name, err)
		}
		k.pipes[e] = p
	}
	return k, nil
}

func (k *kernel) release() {
	for _, p := range k.pipes {
		p.Release()
	}
	if k.module != nil {
		k.module.Release()
	}
	if k.pl != nil {
		k.pl.Release()
	}
	if k.layout != nil {
		k.layout.Release()
	}
}

// bind makes a bind group of k with the buffers in binding order.
func (d *device) bind(k *kernel, bufs ...*wgpu.Buffer) (*wgpu.BindGroup, error) {
	if len(bufs) != len(k.spec.Bindings) {
		panic(fmt.Sprintf("gpu: %s needs %d buffers, got %d", k.spec.Name, len(k.spec.Bindings), len(bufs)))
	}
	var es []wgpu.BindGroupEntry
	for i, b := range k.spec.Bindings {
		es = append(es, wgpu.BindGroupEntry{Binding: b.Index, Buffer: bufs[i], Size: wgpu.WholeSize})
	}
	g, err := d.dev.CreateBindGroup(&wgpu.BindGroupDescriptor{Label: k.spec.Name, Layout: k.layout, Entries: es})
	if err != nil {
		return nil, fmt.Errorf("gpu: bind group of %s: %w", k.spec.Name, err)
	}
	return g, nil
}

// Buffer usages.
const (
	usageStorage = wgpu.BufferUsageStorage | wgpu.BufferUsageCopySrc | wgpu.BufferUsageCopyDst
	usageUniform = wgpu.BufferUsageUniform | wgpu.BufferUsageCopyDst
	usageRead    = wgpu.BufferUsageMapRead | wgpu.BufferUsageCopyDst
)

// buffer creates a buffer of at least size bytes (rounded up to 16).
func (d *device) buffer(label string, size uint64, usage wgpu.BufferUsage) (*wgpu.Buffer, error) {
	size = max((size+15)&^15, 16)
	if usage&wgpu.BufferUsageStorage != 0 && size > d.limits.MaxStorageBufferBindingSize {
		return nil, fmt.Errorf("gpu: buffer %s needs %d bytes, the adapter binds at most %d",
			label, size, d.limits.MaxStorageBufferBindingSize)
	}
	b, err := d.dev.CreateBuffer(&wgpu.BufferDescriptor{Label: label, Size: size, Usage: usage})
	if err != nil {
		return nil, fmt.Errorf("gpu: creating buffer %s (%d bytes): %w", label, size, err)
	}
	return b, nil
}

// write uploads data to b at byte offset off (queued before the next
// submit).
func (d *device) write(b *wgpu.Buffer, off uint64, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if err := d.queue.WriteBuffer(b, off, data); err != nil {
		return fmt.Errorf("gpu: uploading %d bytes: %w", len(data), err)
	}
	return nil
}

// bytesOf views a slice of 4-byte values as bytes.
func bytesOf[T float32 | uint32](v []T) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

// structBytes views a uniform struct as bytes.
func structBytes[T any](v *T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(v)), unsafe.Sizeof(*v))
}

// floatsOf copies little-endian float32 bytes into dst.
func floatsOf(dst []float32, src []byte) {
	copy(dst, unsafe.Slice((*float32)(unsafe.Pointer(&src[0])), len(src)/4))
}

// encoder records one command buffer of compute dispatches and copies.
type encoder struct {
	d    *device
	enc  *wgpu.CommandEncoder
	pass *wgpu.ComputePassEncoder
	err  error
}

func (d *device) encoder() (*encoder, error) {
	if d.lost != nil {
		return nil, d.lost
	}
	enc, err := d.dev.CreateCommandEncoder(nil)
	if err != nil {
		return nil, fmt.Errorf("gpu: command encoder: %w", err)
	}
	return &encoder{d: d, enc: enc}, nil
}

// dispatch records pipeline p with bind group g over (x, y, z) workgroups.
func (e *encoder) dispatch(p *wgpu.ComputePipeline, g *wgpu.BindGroup, x, y, z uint32) {
	if x == 0 || y == 0 || z == 0 {
		return
	}
	if e.pass == nil {
		e.pass = e.enc.BeginComputePass(nil)
	}
	e.pass.SetPipeline(p)
	e.pass.SetBindGroup(0, g, nil)
	e.pass.DispatchWorkgroups(x, y, z)
}

func (e *encoder) endPass() {
	if e.pass == nil {
		return
	}
	if err := e.pass.End(); err != nil && e.err == nil {
		e.err = fmt.Errorf("gpu: compute pass: %w", err)
	}
	e.pass.Release()
	e.pass = nil
}

// copy records a buffer-to-buffer copy of size bytes.
func (e *encoder) copy(src *wgpu.Buffer, srcOff uint64, dst *wgpu.Buffer, dstOff, size uint64) {
	e.endPass()
	if err := e.enc.CopyBufferToBuffer(src, srcOff, dst, dstOff, size); err != nil && e.err == nil {
		e.err = fmt.Errorf("gpu: copy of %d bytes: %w", size, err)
	}
}

// clear records zeroing size bytes of b.
func (e *encoder) clear(b *wgpu.Buffer, off, size uint64) {
	e.endPass()
	if err := e.enc.ClearBuffer(b, off, size); err != nil && e.err == nil {
		e.err = fmt.Errorf("gpu: clearing a buffer: %w", err)
	}
}

// submit finishes and submits the commands.
func (e *encoder) submit() error {
	e.endPass()
	defer e.enc.Release()
	if e.err != nil {
		return e.err
	}
	cb, err := e.enc.Finish(nil)
	if err != nil {
		return fmt.Errorf("gpu: finishing commands: %w", err)
	}
	e.d.queue.Submit(cb)
	cb.Release()
	return nil
}
