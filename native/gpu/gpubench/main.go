// Command gpubench checks that the WebGPU backend agrees with the CPU
// backend and prints a table of GPU and CPU timings: matrix products,
// one BCP training step, one epoch of a small network. -quick shortens it.
package main

import (
	"flag"
	"fmt"
	"os"

	"bcp/native/gpu"
)

func main() {
	quick := flag.Bool("quick", false, "fewer repetitions; skip the default-size layer on software adapters")
	flag.Parse()
	if err := gpu.Bench(os.Stdout, gpu.BenchOptions{Quick: *quick}); err != nil {
		fmt.Fprintln(os.Stderr, "gpubench:", err)
		os.Exit(1)
	}
}
