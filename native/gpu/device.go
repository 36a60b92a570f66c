package gpu

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cogentcore/webgpu/wgpu"
)

// ErrNoAdapter is returned when no WebGPU adapter fits the request.
var ErrNoAdapter = errors.New("no WebGPU adapter found")

// ErrDeviceLost is returned (wrapped) when the device is lost or stops
// answering; the backend cannot be used afterwards.
var ErrDeviceLost = errors.New("the GPU device was lost or stopped responding")

// Adapter describes a WebGPU adapter.
type Adapter struct {
	Name    string // device name, or the driver's description
	Backend string // Vulkan, Metal, D3D12, GL, …
	Type    string // discrete GPU, integrated GPU, CPU (software) or unknown
	// Hardware is false for software rasterisers (lavapipe, llvmpipe,
	// SwiftShader, WARP).
	Hardware bool

	rank int
	a    *wgpu.Adapter
}

// String returns "name (backend, type)".
func (a Adapter) String() string { return fmt.Sprintf("%s (%s, %s)", a.Name, a.Backend, a.Type) }

var quietOnce sync.Once

// quiet silences the driver stack before the first instance: wgpu-native's
// log and the Mesa warnings that need a private XDG_RUNTIME_DIR.
func quiet() {
	quietOnce.Do(func() {
		wgpu.SetLogLevel(wgpu.LogLevelOff)
		if d := os.Getenv("XDG_RUNTIME_DIR"); d == "" {
			if dir, err := os.MkdirTemp("", "bcp-xdg-"); err == nil {
				os.Chmod(dir, 0o700)
				os.Setenv("XDG_RUNTIME_DIR", dir)
			}
		}
	})
}

func backendName(b wgpu.BackendType) string {
	switch b {
	case wgpu.BackendTypeVulkan:
		return "Vulkan"
	case wgpu.BackendTypeMetal:
		return "Metal"
	case wgpu.BackendTypeD3D12:
		return "D3D12"
	case wgpu.BackendTypeD3D11:
		return "D3D11"
	case wgpu.BackendTypeOpenGL:
		return "GL"
	case wgpu.BackendTypeOpenGLES:
		return "GLES"
	}
	return b.String()
}

var softwareNames = []string{"llvmpipe", "lavapipe", "softpipe", "swiftshader", "warp", "basic render"}

// describe turns wgpu's adapter info into an Adapter. Lower rank is
// better: discrete before integrated before unknown before software, and
// native APIs before GL.
func describe(a *wgpu.Adapter) Adapter {
	info := a.GetInfo()
	name := strings.TrimSpace(info.Name)
	if name == "" || strings.HasPrefix(name, "0x") {
		name = strings.TrimSpace(info.DriverDescription)
	}
	if name == "" {
		name = fmt.Sprintf("vendor %#x device %#x", info.VendorId, info.DeviceId)
	}
	lower := strings.ToLower(name + " " + info.DriverDescription)
	soft := info.AdapterType == wgpu.AdapterTypeCPU
	for _, s := range softwareNames {
		if strings.Contains(lower, s) {
			soft = true
		}
	}
	ad := Adapter{Name: name, Backend: backendName(info.BackendType), Hardware: !soft, a: a}
	switch {
	case soft:
		ad.Type, ad.rank = "CPU (software)", 30
	case info.AdapterType == wgpu.AdapterTypeDiscreteGPU:
		ad.Type, ad.rank = "discrete GPU", 0
	case info.AdapterType == wgpu.AdapterTypeIntegratedGPU:
		ad.Type, ad.rank = "integrated GPU", 10
	default:
		ad.Type, ad.rank = "unknown type", 20
	}
	if info.BackendType == wgpu.BackendTypeOpenGL || info.BackendType == wgpu.BackendTypeOpenGLES {
		ad.rank += 5
	}
	return ad
}

// Adapters lists the WebGPU adapters of this machine, best first.
func Adapters() []Adapter {
	quiet()
	var out []Adapter
	muted(func() {
		inst := wgpu.CreateInstance(nil)
		defer inst.Release()
		for _, a := range inst.EnumerateAdapters(nil) {
			d := describe(a)
			d.a = nil
			a.Release()
			out = append(out, d)
		}
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].rank < out[j].rank })
	return out
}

// device is an open WebGPU device with its queue.
type device struct {
	inst    *wgpu.Instance
	adapter Adapter
	dev     *wgpu.Device
	queue   *wgpu.Queue
	limits  wgpu.Limits
	timeout time.Duration
	lost    error         // set once the device failed; every later call returns it
	polling chan struct{} // closed when the last wait for the GPU returned
}

// openDevice opens the best adapter; hardwareOnly skips software ones. The
// device is requested with the adapter's buffer-size and workgroup-memory
// limits, so that large batches and layers fit.
func openDevice(hardwareOnly bool) (*device, error) {
	quiet()
	var inst *wgpu.Instance
	var cands []Adapter
	muted(func() {
		inst = wgpu.CreateInstance(nil)
		for _, a := range inst.EnumerateAdapters(nil) {
			cands = append(cands, describe(a))
		}
	})
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].rank < cands[j].rank })
	var pick *Adapter
	var seen []string
	for i := range cands {
		seen = append(seen, cands[i].String())
		if pick == nil && (cands[i].Hardware || !hardwareOnly) {
			pick = &cands[i]
			continue
		}
		cands[i].a.Release()
	}
	if pick == nil {
		inst.Release()
		if len(seen) == 0 {
			return nil, fmt.Errorf("%w: no Vulkan, Metal, D3D12 or GL driver answered "+
				"(on Debian, apt-get install mesa-vulkan-drivers gives the lavapipe software adapter)", ErrNoAdapter)
		}
		return nil, fmt.Errorf("%w: only software adapters (%s)", ErrNoAdapter, strings.Join(seen, "; "))
	}

	al := pick.a.GetLimits().Limits
	req := wgpu.DefaultLimits()
	req.MaxStorageBuffersPerShaderStage = 8
	req.MaxStorageBufferBindingSize = al.MaxStorageBufferBindingSize
	req.MaxBufferSize = al.MaxBufferSize
	req.MaxComputeWorkgroupStorageSize = max(al.MaxComputeWorkgroupStorageSize, 16384)
	var dev *wgpu.Device
	var err error
	muted(func() {
		dev, err = pick.a.RequestDevice(&wgpu.DeviceDescriptor{Label: "bcp",
			RequiredLimits: &wgpu.RequiredLimits{Limits: req}})
	})
	pick.a.Release()
	if err != nil {
		inst.Release()
		return nil, fmt.Errorf("adapter %s: cannot open a device with the limits the run needs: %v", pick, err)
	}
	d := &device{inst: inst, adapter: *pick, dev: dev, queue: dev.GetQueue(),
		limits: dev.GetLimits().Limits, timeout: 5 * time.Minute}
	d.adapter.a = nil
	return d, nil
}

func (d *device) release() {
	if d.polling != nil {
		// A wait that timed out may still be inside wgpu; releasing the
		// device under it would crash, so give it time, else leak it.
		select {
		case <-d.polling:
		case <-time.After(10 * time.Second):
			*d = device{lost: d.lost}
			return
		}
	}
	if d.adapter.Backend == "GL" || d.adapter.Backend == "GLES" {
		// wgpu-native v0.19's GL backend aborts the process when a device
		// on a headless EGL display is dropped (BadDisplay); keep it.
		*d = device{lost: d.lost}
		return
	}
	if d.queue != nil {
		d.queue.Release()
	}
	if d.dev != nil {
		d.dev.Release()
	}
	if d.inst != nil {
		d.inst.Release()
	}
	*d = device{lost: d.lost}
}

// fail records a device failure and returns it.
func (d *device) fail(format string, a ...any) error {
	if d.lost == nil {
		d.lost = fmt.Errorf("%w: "+format, append([]any{ErrDeviceLost}, a...)...)
	}
	return d.lost
}

// mapRead maps the first size bytes of buf for reading, waiting for the
// GPU at most d.timeout, and calls read with the mapped bytes.
func (d *device) mapRead(buf *wgpu.Buffer, size uint64, read func([]byte)) error {
	if d.lost != nil {
		return d.lost
	}
	status := make(chan wgpu.BufferMapAsyncStatus, 1)
	if err := buf.MapAsync(wgpu.MapModeRead, 0, size, func(s wgpu.BufferMapAsyncStatus) {
		status <- s
	}); err != nil {
		return fmt.Errorf("gpu: mapping a read-back buffer: %w", err)
	}
	polled := make(chan struct{})
	d.polling = polled
	go func() {
		d.dev.Poll(true, nil)
		close(polled)
	}()
	select {
	case <-polled:
	case <-time.After(d.timeout):
		return d.fail("no answer from %s within %v", d.adapter, d.timeout)
	}
	var s wgpu.BufferMapAsyncStatus
	select {
	case s = <-status:
	default:
		return d.fail("the read-back of %s never completed", d.adapter)
	}
	if s != wgpu.BufferMapAsyncStatusSuccess {
		if s == wgpu.BufferMapAsyncStatusDeviceLost {
			return d.fail("%s reported device-lost", d.adapter)
		}
		return fmt.Errorf("gpu: read-back failed: %s", s)
	}
	read(buf.GetMappedRange(0, uint(size)))
	if err := buf.Unmap(); err != nil {
		return fmt.Errorf("gpu: unmapping a read-back buffer: %w", err)
	}
	return nil
}
