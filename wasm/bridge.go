//go:build js && wasm

package main

import (
	"math"
	"sync"
	"syscall/js"

	"bcp/wasm/demo"
)

// command is one request from the page, such as {"speed", "8"}.
type command struct{ name, arg string }

// bridge connects the game to the page: commands come in through
// window.bcpCommand and wait for the next frame; the state goes out
// through window.bcp every frame.
type bridge struct {
	mu     sync.Mutex
	queue  []command
	state  js.Value
	global js.Value
	fn     js.Func
}

// newBridge creates window.bcp and registers window.bcpCommand.
func newBridge() *bridge {
	b := &bridge{global: js.Global()}
	b.state = js.Global().Get("Object").New()
	b.global.Set("bcp", b.state)
	b.fn = js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) == 0 {
			return nil
		}
		c := command{name: args[0].String()}
		if len(args) > 1 && !args[1].IsUndefined() && !args[1].IsNull() {
			if args[1].Type() == js.TypeString {
				c.arg = args[1].String()
			} else {
				c.arg = js.Global().Get("String").Invoke(args[1]).String()
			}
		}
		b.mu.Lock()
		b.queue = append(b.queue, c)
		b.mu.Unlock()
		return nil
	})
	b.global.Set("bcpCommand", b.fn)
	return b
}

// take returns the commands that arrived since the last call.
func (b *bridge) take() []command {
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.queue
	b.queue = nil
	return q
}

// inset returns window.bcpInset, the CSS pixels the control bar covers at
// the bottom of the canvas (0 when unset).
func (b *bridge) inset() float64 {
	v := b.global.Get("bcpInset")
	if v.Type() != js.TypeNumber {
		return 0
	}
	return max(0, v.Float())
}

// number returns v as a JavaScript number, or null when it is NaN.
func number(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return js.Null()
	}
	return v
}

// publish writes the state of a into window.bcp.
func (b *bridge) publish(a *app) {
	st := a.d.Status()
	s := b.state
	s.Set("demo", string(st.Demo))
	s.Set("trial", st.Trial)
	s.Set("simSeconds", st.SimSeconds)
	s.Set("r2", number(st.R2))
	s.Set("freezing", number(st.Freezing))
	s.Set("frames", a.frames)
	s.Set("tests", st.Tests)
	s.Set("phase", st.Phase)
	s.Set("done", st.Done)
	s.Set("paused", a.paused)
	s.Set("speed", demo.FormatSpeed(a.params.Speed))
	s.Set("rate", a.pacer.Rate())
	s.Set("fps", a.pacer.FPS())
	s.Set("budgetMs", float64(a.pacer.Budget().Microseconds())/1000)
	s.Set("simMs", a.simMs)
	s.Set("drawMs", a.drawMs)
	s.Set("seed", float64(a.params.Seed))
	s.Set("overlap", a.params.Overlap)
	s.Set("feedback", a.params.Feedback)
	s.Set("learning", a.params.Learning)
	s.Set("shape", a.params.Shape)
	s.Set("query", a.params.Query())
	s.Set("message", a.message)
}
