package results

import (
	"bytes"
	"log/slog"
	"regexp"
	"strings"
	"testing"
)

func TestNewLogger(t *testing.T) {
	var console, file bytes.Buffer
	log := NewLogger(&console, &file, slog.LevelInfo)

	log.Debug("hidden")
	log.With("run", "r1").Info("epoch done", "epoch", 3, "loss", 0.25)
	log.WithGroup("solver").Warn("slow", "steps", 10)

	line := regexp.MustCompile(`^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} ` +
		`level=INFO msg="epoch done" run=r1 epoch=3 loss=0\.25$`)
	for name, buf := range map[string]*bytes.Buffer{"console": &console, "file": &file} {
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if len(lines) != 2 {
			t.Errorf("%s has %d lines, want 2:\n%s", name, len(lines), buf.String())
			continue
		}
		if !line.MatchString(lines[0]) {
			t.Errorf("%s line 1 = %q, does not match %v", name, lines[0], line)
		}
		if !strings.HasSuffix(lines[1], `level=WARN msg=slow solver.steps=10`) {
			t.Errorf("%s line 2 = %q", name, lines[1])
		}
	}
}

func TestNewLoggerNilWriters(t *testing.T) {
	var console bytes.Buffer
	NewLogger(&console, nil, slog.LevelDebug).Debug("only console")
	if !strings.Contains(console.String(), "msg=\"only console\"") {
		t.Errorf("console = %q", console.String())
	}

	// With no writer at all the logger must still be usable.
	NewLogger(nil, nil, slog.LevelInfo).Info("dropped")
}
