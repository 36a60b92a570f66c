package main

import (
	"testing"
)

// FuzzConfig feeds arbitrary YAML to the configuration readers of both kinds
// of run: they must return a configuration or an error, never panic, and a
// configuration they accept must validate without panicking.
func FuzzConfig(f *testing.F) {
	f.Add([]byte("hidden: 2\nensembles: [16, 8]\nlr: 0.001\n"))
	f.Add([]byte("task: traj\ntrials: 10\nfeedback: random-ensemble\nshape: heart\n"))
	f.Add([]byte("frobnicate: 1\n"))
	f.Add([]byte("hidden: [1\n"))
	f.Add([]byte("overlap: .nan\nseed: -1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := defaultRunConfig()
		if decodeStrict(data, &c) == nil {
			_ = c.validate()
		}
		o := OnlineRunConfig{}
		if decodeStrict(data, &o) == nil {
			_ = o.Model.Validate()
		}
	})
}
