package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows training progress: a bar per epoch with rate and ETA when
// its output is a terminal, otherwise a plain line at most every 30 s. It is
// also the console writer of the log, so log lines never tear the bar.
type progress struct {
	mu       sync.Mutex
	out      *os.File
	tty      bool
	bar      *progressbar.ProgressBar
	label    string
	lastLine time.Time
	start    time.Time
}

func newProgress(out *os.File) *progress {
	return &progress{out: out, tty: term.IsTerminal(int(out.Fd()))}
}

// Write implements io.Writer for log lines.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Clear()
	}
	n, err := p.out.Write(b)
	if p.bar != nil {
		_ = p.bar.RenderBlank()
	}
	return n, err
}

func (p *progress) batch(epoch, epochs, done, total int) {
	p.update(fmt.Sprintf("epoch %d/%d", epoch, epochs), done, total)
}

// update shows done of total units under label; a new label starts a new
// bar.
func (p *progress) update(label string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if label != p.label || (p.bar == nil && p.tty) {
		p.label = label
		p.start = time.Now()
		p.lastLine = p.start
		if p.tty {
			p.bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(p.out),
				progressbar.OptionSetDescription(label),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionSetItsString(unit(label)),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionFullWidth(),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionThrottle(200*time.Millisecond),
			)
		}
	}
	if p.bar != nil {
		_ = p.bar.Set(done)
		return
	}
	if now := time.Now(); now.Sub(p.lastLine) >= 30*time.Second && done < total {
		p.lastLine = now
		el := now.Sub(p.start)
		eta := time.Duration(float64(el) / float64(done) * float64(total-done))
		fmt.Fprintf(p.out, "%s: %s %d/%d, %.2f %s/s, ETA %s\n", label, unit(label),
			done, total, float64(done)/el.Seconds(), unit(label), eta.Round(time.Second))
	}
}

// unit names what a bar counts.
func unit(label string) string {
	if label == "trials" {
		return "trial"
	}
	return "batch"
}

// done removes the bar of the finished epoch.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
		p.bar = nil
	}
}

var _ io.Writer = (*progress)(nil)
