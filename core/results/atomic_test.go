package results

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dirNames returns the sorted names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteFileAtomicReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")

	for _, content := range []string{"first version\n", "second, longer version\n", "3\n"} {
		if err := WriteFileAtomic(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if got := readString(t, path); got != content {
			t.Errorf("content = %q, want %q", got, content)
		}
		if got := dirNames(t, dir); !slices.Equal(got, []string{"a.txt"}) {
			t.Errorf("directory holds %q, want only a.txt", got)
		}
	}

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != filePerm {
		t.Errorf("mode = %v, want %v", info.Mode().Perm(), os.FileMode(filePerm))
	}
}

func TestWriteFileAtomicRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := WriteFileAtomic("rel.txt", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, "rel.txt"); got != "x" {
		t.Errorf("content = %q", got)
	}
}

// The tests run as root, for whom permission bits do not stop a write, so
// the failures are made with paths that cannot be written by anyone.
func TestWriteFileAtomicBadDirectory(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "regular")
	if err := os.WriteFile(regular, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{
		filepath.Join(dir, "missing", "a.txt"),
		filepath.Join(regular, "a.txt"),
	} {
		err := WriteFileAtomic(path, []byte("data"))
		if err == nil {
			t.Errorf("%s: no error", path)
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("error %q does not name %s", err, path)
		}
	}

	if got := dirNames(t, dir); !slices.Equal(got, []string{"regular"}) {
		t.Errorf("directory holds %q, want only regular", got)
	}
	if got := readString(t, regular); got != "keep" {
		t.Errorf("regular file changed to %q", got)
	}
}

// TestWriteAtomicFailureKeepsOld fails a write after part of the new content
// has gone out, and checks the old file is intact and no temporary remains.
func TestWriteAtomicFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	if err := WriteFileAtomic(path, []byte("old")); err != nil {
		t.Fatal(err)
	}

	boom := errors.New("boom")
	err := writeAtomic(path, func(w io.Writer) error {
		if _, err := w.Write([]byte(strings.Repeat("new", 100000))); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Errorf("error = %v, want boom naming %s", err, path)
	}
	if got := readString(t, path); got != "old" {
		t.Errorf("content = %.20q, want old", got)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"a.txt"}) {
		t.Errorf("directory holds %q, want only a.txt", got)
	}
}

// TestWriteFileAtomicOntoDirectory fails at the last step, the rename, since
// a file cannot replace a non-empty directory.
func TestWriteFileAtomicOntoDirectory(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.MkdirAll(filepath.Join(target, "inner"), 0o755); err != nil {
		t.Fatal(err)
	}

	err := WriteFileAtomic(target, []byte("data"))
	if err == nil || !strings.Contains(err.Error(), target) {
		t.Errorf("error = %v, want one naming %s", err, target)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"target"}) {
		t.Errorf("directory holds %q, want only target", got)
	}
	if info, err := os.Stat(target); err != nil || !info.IsDir() {
		t.Errorf("target is no longer the directory: %v, %v", info, err)
	}
}
