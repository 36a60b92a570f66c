package results

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// DefaultDir returns the run folder base/task/YYYY-MM-DD/HHMMSS for a run
// started at now, in now's location. An empty base means "out". When that
// path already exists, DefaultDir appends -2, -3, ... to the last element
// and returns the first that does not exist.
//
// DefaultDir only chooses the name; Create makes the folder. Two runs of the
// same task started in the same second by different processes may choose the
// same name.
func DefaultDir(base, task string, now time.Time) string {
	if base == "" {
		base = "out"
	}
	stem := filepath.Join(base, task, now.Format("2006-01-02"), now.Format("150405"))

	dir := stem
	for n := 2; exists(dir); n++ {
		dir = stem + "-" + strconv.Itoa(n)
	}
	return dir
}

// exists reports whether anything is at path. A path that cannot be
// inspected for another reason than its absence counts as existing, so that
// DefaultDir never picks it.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// Create makes dir and its parents and checks that files can be written in
// it by creating and removing a probe file. The error names dir and says
// which of the two steps failed.
func Create(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("results: cannot create run folder %s: %w", dir, err)
	}

	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("results: run folder %s is not writable: %w", dir, err)
	}
	name := probe.Name()
	_, err = probe.Write([]byte("probe\n"))
	err = errors.Join(err, probe.Close(), os.Remove(name))
	if err != nil {
		return fmt.Errorf("results: run folder %s is not writable: %w", dir, err)
	}
	return nil
}
