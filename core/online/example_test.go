package online_test

import (
	"fmt"

	"bcp/core/online"
)

// Example runs the fear-conditioning experiment with its published
// defaults, a few seconds of simulated time per call as a browser frame
// would, and reads the freezing responses from the record.
func Example() {
	cfg := online.DefaultConfig(online.FearCond)
	sim, err := online.New(cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for !sim.Done() {
		sim.Advance(2000) // 2 s of simulated time
		_ = sim.Probe()   // what a demo would draw
	}
	r := sim.Record()
	n := len(r.FreezingCSPlus) - 1
	fmt.Println("tests:", len(r.Trial))
	fmt.Println("CS+ freezing rose over the pairings:", r.FreezingCSPlus[n] > r.FreezingCSPlus[0]+0.4)
	fmt.Println("CS+ above CS− after the last pairing:", r.FreezingCSPlus[n] > r.FreezingCSMinus[n])
	// Output:
	// tests: 11
	// CS+ freezing rose over the pairings: true
	// CS+ above CS− after the last pairing: true
}
