//go:build linux || darwin

package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// checkFreeSpace makes sure dir's file system can hold a few checkpoints
// and the results beside them before a long run starts.
func checkFreeSpace(dir string, checkpoint int64) error {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return nil // cannot tell; writes will report a full disk
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	need := 3*checkpoint + 32<<20
	if free < need {
		return fmt.Errorf("only %d MiB are free in %s, but the run needs about %d MiB for its results and "+
			"checkpoints; free some space or choose another --out", free>>20, dir, need>>20)
	}
	return nil
}
