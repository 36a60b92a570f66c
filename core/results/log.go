package results

import (
	"context"
	"errors"
	"io"
	"log/slog"
)

// NewLogger returns a logger that writes each record as one text line,
//
//	time=2006-01-02T15:04:05.000 level=INFO msg="epoch done" epoch=3 loss=0.25
//
// to console and to file, with the time in the local zone to the
// millisecond. Records below level are dropped. Either writer may be nil; with
// both nil the logger discards everything.
func NewLogger(console io.Writer, file io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: shortTime}

	var hs []slog.Handler
	for _, w := range []io.Writer{console, file} {
		if w != nil {
			hs = append(hs, slog.NewTextHandler(w, opts))
		}
	}
	if len(hs) == 0 {
		return slog.New(slog.DiscardHandler)
	}
	if len(hs) == 1 {
		return slog.New(hs[0])
	}
	return slog.New(fanout(hs))
}

// shortTime writes the record time without the zone offset and nanoseconds,
// which a person reading the log does not need.
func shortTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
		a.Value = slog.StringValue(a.Value.Time().Format("2006-01-02T15:04:05.000"))
	}
	return a
}

// fanout is a slog.Handler that passes each record to every one of its
// handlers that is enabled for the record's level.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, level slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, level) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			errs = append(errs, h.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errs...)
}

func (f fanout) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}
