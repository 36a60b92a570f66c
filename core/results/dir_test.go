package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultDir(t *testing.T) {
	now := time.Date(2024, 3, 5, 7, 8, 9, 0, time.UTC)

	want := filepath.Join("out", "task", "2024-03-05", "070809")
	if got := DefaultDir("", "task", now); got != want {
		t.Errorf("DefaultDir(\"\", ...) = %q, want %q", got, want)
	}

	base := t.TempDir()
	stem := filepath.Join(base, "swap", "2024-03-05", "070809")
	for _, want := range []string{stem, stem + "-2", stem + "-3"} {
		got := DefaultDir(base, "swap", now)
		if got != want {
			t.Fatalf("DefaultDir = %q, want %q", got, want)
		}
		if err := Create(got); err != nil {
			t.Fatal(err)
		}
	}

	// Anything at a candidate path, not only a directory, makes it taken.
	if err := os.WriteFile(stem+"-4", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := DefaultDir(base, "swap", now); got != stem+"-5" {
		t.Errorf("DefaultDir = %q, want %q", got, stem+"-5")
	}

	// The time is taken in the location of now.
	east := now.In(time.FixedZone("east", 20*3600))
	want = filepath.Join(base, "swap", "2024-03-06", "030809")
	if got := DefaultDir(base, "swap", east); got != want {
		t.Errorf("DefaultDir(%v) = %q, want %q", east, got, want)
	}
}

func TestCreate(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "a", "b", "c")
	if err := Create(dir); err != nil {
		t.Fatal(err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("Create left %q behind", names)
	}
	if err := Create(dir); err != nil {
		t.Errorf("Create of an existing folder: %v", err)
	}

	regular := filepath.Join(base, "file")
	if err := os.WriteFile(regular, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{regular, filepath.Join(regular, "sub")} {
		err := Create(bad)
		if err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("Create(%s) = %v, want an error naming it", bad, err)
		}
	}
}
