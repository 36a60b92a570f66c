// Command bcp-native trains networks of excitatory/inhibitory assemblies
// with balance-controlled plasticity (Rossbroich and Zenke, bioRxiv 2025)
// on Fashion-MNIST and MNIST, on the CPU, and runs the online experiments
// (trajectory, fear conditioning, motor learning, single assembly).
//
// bcp-native sweep runs a grid of runs locally or writes a Slurm job array;
// bcp-native collect prints their results as CSV; bcp-native --resume RUNDIR
// continues an interrupted classification run from its checkpoint.
//
// Every run writes a folder (default out/<task>/<date>/<time>) with the
// effective configuration (config.yaml, accepted back by --config),
// results.json and metrics.csv (per-epoch metrics), params.npz (the final
// parameters), curves.png (learning curves) and log.txt.
//
// Exit status: 0 on success, 2 for a problem with the command line, the
// configuration or the data, 1 when a run fails (a NaN validation loss, a
// write error), 130 when interrupted.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "sweep":
			return runSweep(args[1:])
		case "collect":
			return runCollect(args[1:])
		}
	}
	if dir, rest := resumeDir(args); dir != "" || len(rest) < len(args) {
		task, cfg, opts, err := parseResume(dir, rest)
		var ocfg OnlineRunConfig
		if err == nil && isOnline(task) {
			ocfg, _, err = parseOnlineArgs(task, []string{"--config", opts.config})
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "bcp-native: %v\n", err)
			return 2
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if isOnline(task) {
			return exitStatus(runOnline(ctx, ocfg, opts))
		}
		return exitStatus(trainStatic(ctx, cfg, opts))
	}
	task, err := peekTask(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bcp-native: %v\n", err)
		return 2
	}
	var work func(ctx context.Context) error
	if isOnline(task) {
		cfg, opts, perr := parseOnlineArgs(task, args)
		if errors.Is(perr, pflag.ErrHelp) {
			printOnlineUsage(os.Stdout, task)
			return 0
		}
		err = perr
		work = func(ctx context.Context) error { return runOnline(ctx, cfg, opts) }
	} else {
		cfg, opts, perr := parseArgs(args)
		if errors.Is(perr, pflag.ErrHelp) {
			printUsage(os.Stdout)
			return 0
		}
		err = perr
		work = func(ctx context.Context) error { return trainStatic(ctx, cfg, opts) }
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bcp-native: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return exitStatus(work(ctx))
}

// exitStatus reports err and maps it to the exit status.
func exitStatus(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "bcp-native: %v\n", err)
		return 2
	case errors.Is(err, context.Canceled):
		return 130
	default:
		fmt.Fprintf(os.Stderr, "bcp-native: %v\n", err)
		return 1
	}
}
