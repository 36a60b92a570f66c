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
	epoch    int
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
	p.mu.Lock()
	defer p.mu.Unlock()
	if epoch != p.epoch || (p.bar == nil && p.tty) {
		p.epoch = epoch
		p.start = time.Now()
		p.lastLine = p.start
		if p.tty {
			p.bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(p.out),
				progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", epoch, epochs)),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionSetItsString("batch"),
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
		fmt.Fprintf(p.out, "epoch %d/%d: batch %d/%d, %.2f batch/s, ETA %s\n", epoch, epochs,
			done, total, float64(done)/el.Seconds(), eta.Round(time.Second))
	}
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
