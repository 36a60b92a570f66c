//go:build js && wasm

// Command wasm is the browser build of the bcp demos: four online
// experiments of balance-controlled plasticity (trajectory learning, fear
// conditioning, motor learning and a single assembly) run live in one
// WebAssembly binary and are drawn with ebiten. The page's query string
// chooses the demo and its settings (see package demo); public/bcp.js loads
// the binary and wires the HTML controls and the keyboard to the command
// function this program registers.
//
// Build it with
//
//	GOOS=js GOARCH=wasm go build -o public/bcp.wasm ./wasm
//
// JavaScript interface. The program sets window.bcpCommand(name, arg),
// which queues a command for the next frame: play, pause, toggle, step,
// reset, speed (a number, max, faster or slower), seed, overlap, feedback,
// learning (1, 0 or toggle), shape and demo (a name or 1–4). Every frame it
// updates window.bcp: demo, trial, simSeconds, r2 (null where the demo has
// none yet), freezing (fear conditioning), frames (frames drawn), and the
// settings and measurements the controls show (paused, speed, rate, fps,
// seed, overlap, feedback, learning, shape, phase, done, query, message).
// It reads window.bcpInset, the height in CSS pixels of the control bar
// over the bottom of the canvas, and leaves that strip free.
package main

import (
	"log"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"bcp/wasm/demo"
)

func main() {
	q := js.Global().Get("location").Get("search").String()
	p, perr := demo.ParseQuery(q)
	a, err := newApp(p)
	if err != nil {
		fail(err)
		return
	}
	if perr != nil {
		a.note(perr.Error())
		js.Global().Get("console").Call("warn", "bcp: "+perr.Error())
	}
	ebiten.SetTPS(ebiten.SyncWithFPS)
	ebiten.SetRunnableOnUnfocused(true)
	// Draw fills the whole screen itself; a second clear would cost a pass
	// over every pixel, which software renderers feel.
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetWindowTitle(p.Demo.Title())
	if err := ebiten.RunGameWithOptions(a, &ebiten.RunGameOptions{}); err != nil {
		fail(err)
	}
}

// fail reports an error that stops the demo: in the console and, through
// window.bcpFail when the loader has set it, on the page.
func fail(err error) {
	log.Printf("bcp: %v", err)
	if f := js.Global().Get("bcpFail"); f.Type() == js.TypeFunction {
		f.Invoke(err.Error())
	}
}
