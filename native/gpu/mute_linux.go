package gpu

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// muted runs f with the process's standard error sent to a scratch file,
// so that what Vulkan loaders and drivers print while they are probed
// (Mesa warnings, loader errors about broken ICDs) does not reach the
// user. It is used only around adapter enumeration and device creation,
// which report their failures as values. The file is removed afterwards;
// it survives only if a driver aborts the process inside f, and then
// holds the driver's last words.
func muted(f func()) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("bcp-webgpu-probe-%d.log", os.Getpid()))
	sink, err := os.Create(path)
	if err != nil {
		f()
		return
	}
	defer os.Remove(path)
	defer sink.Close()
	saved, err := syscall.Dup(2)
	if err != nil {
		f()
		return
	}
	defer syscall.Close(saved)
	if syscall.Dup3(int(sink.Fd()), 2, 0) != nil {
		f()
		return
	}
	defer syscall.Dup3(saved, 2, 0)
	f()
}
