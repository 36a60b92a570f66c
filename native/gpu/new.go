package gpu

import (
	"errors"
	"fmt"
	"strings"

	"bcp/core/static"
)

// New returns the backend that --device kind asks for, and a sentence for
// the log that says which device runs the work and why:
//
//   - "cpu": the CPU backend.
//   - "gpu": the best WebGPU adapter, software ones included; an error
//     (wrapping ErrNoAdapter) when there is none.
//   - "auto": the best hardware adapter, else the CPU backend.
func New(net *static.Network, kind string) (static.Backend, string, error) {
	cpu := func(why string) (static.Backend, string, error) {
		b, err := static.NewCPU(net)
		if err != nil {
			return nil, "", err
		}
		return b, why + b.Name(), nil
	}
	switch kind {
	case "cpu":
		return cpu("")
	case "gpu", "auto":
	default:
		return nil, "", fmt.Errorf("unknown device %q; use auto, gpu or cpu", kind)
	}
	b, err := NewBackend(net, Options{HardwareOnly: kind == "auto"})
	if err == nil {
		a := b.Adapter()
		info := fmt.Sprintf("WebGPU adapter %s, backend %s, type %s", a.Name, a.Backend, a.Type)
		if net.Cfg.Solver != "ode" {
			info += fmt.Sprintf("; steady states by Tsit5 integration (solver %q runs on the CPU only)",
				net.Cfg.Solver)
		}
		return b, info, nil
	}
	if kind == "gpu" {
		if errors.Is(err, ErrNoAdapter) {
			return nil, "", fmt.Errorf("--device gpu: %v", err)
		}
		return nil, "", fmt.Errorf("--device gpu: %w", err)
	}
	why := err.Error()
	if errors.Is(err, ErrNoAdapter) {
		why = "no hardware GPU adapter"
		if soft := softwareAdapters(); soft != "" {
			why += " (software: " + soft + "; --device gpu uses it)"
		}
	}
	return cpu(why + "; using ")
}

func softwareAdapters() string {
	var s []string
	for _, a := range Adapters() {
		if !a.Hardware {
			s = append(s, a.String())
		}
	}
	return strings.Join(s, ", ")
}
