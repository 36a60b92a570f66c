// Package demo is the browser-independent part of the bcp demos: the demo
// parameters read from a query string, one running online experiment of
// package online with its live traces and learning curves, the pacing of
// simulated time against a per-frame time budget, and the plot panels and
// their layout. Package main under wasm draws a View with ebiten and wires
// the controls; everything here is plain Go, tested natively and under
// GOOS=js GOARCH=wasm.
//
// # Frames
//
// Each frame the caller asks a Pacer how much simulated time the frame owes
// (speed × wall-clock time since the last frame) and how much wall-clock
// time it may spend, runs the Demo for at most that long, and tells the
// Pacer what was done. Work that did not fit is dropped: the demo slows its
// simulated time instead of its frame rate. A Demo samples the network
// every few Euler steps into Sweeps, oscilloscope traces over one trial,
// and builds a View: a title, a status line and a grid of Panels of Curves
// whose colours are fixed by their Role.
package demo
