package online

import (
	"testing"
	"time"
)

// BenchmarkTaskStep runs the default network and protocol of each task in
// chunks of 1000 steps (1 s of simulated time) and reports simulated
// seconds per wall-clock second.
func BenchmarkTaskStep(b *testing.B) {
	for _, task := range Tasks() {
		b.Run(string(task), func(b *testing.B) {
			cfg := DefaultConfig(task)
			s := mustNew(b, cfg)
			s.Advance(1000)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if s.Done() {
					b.StopTimer()
					s = mustNew(b, cfg)
					b.StartTimer()
				}
				s.Advance(1000)
			}
			b.ReportMetric(float64(b.N)*1000*cfg.DT/time.Since(start).Seconds(), "sim-s/s")
		})
	}
}
