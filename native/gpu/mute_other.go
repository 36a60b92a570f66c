//go:build !linux

package gpu

// muted runs f; only the Linux build silences the driver stack's output.
func muted(f func()) { f() }
