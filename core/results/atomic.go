package results

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// filePerm is the permission of every file the package writes. It is set
// explicitly because os.CreateTemp makes files readable by the owner only.
const filePerm = 0o644

// WriteFileAtomic writes data to path so that path holds either its old
// content or data, never a mixture: see the package documentation. The
// directory of path must exist.
func WriteFileAtomic(path string, data []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeAtomic creates a temporary file beside path, lets write fill it
// through a buffer, syncs and closes it, and renames it over path. On any
// failure the temporary file is removed and path is left as it was; the
// returned error names path.
func writeAtomic(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err == nil {
			return
		}
		// The write has already failed; errors from cleaning up after it
		// would only hide the first cause, which is the one reported.
		_ = f.Close()
		_ = os.Remove(tmp)
		err = fmt.Errorf("results: write %s: %w", path, err)
	}()

	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}

	if err := f.Chmod(filePerm); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}

	return os.Rename(tmp, path)
}
