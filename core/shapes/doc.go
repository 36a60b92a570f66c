// Package shapes provides the 2-D target drawings of the trajectory-learning
// experiment, in which a network learns to trace a closed drawing (a turtle
// outline in the original study) with its two outputs.
//
// A drawing is a Path read from SVG path data: the d attribute of an SVG
// <path> element (ParsePathData, ReadSVG, ReadSVGFile) or one of the
// drawings built into the package (Builtin, Names). The reader follows the
// path-data grammar of SVG: absolute and relative M, L, H, V, C, S, Q, T, A
// and Z, repeated commands without repeating the letter, numbers such as
// "1.5e-3" or "-.5.5" (two numbers), comma or white-space separators, and
// arc flags written without separators ("a1 1 0 011 1"). Elliptical arcs are
// converted from SVG's endpoint form to centre form (see Arc), with radii
// that are too small scaled up as the specification prescribes.
//
// Path.Sample turns a drawing into the target trajectory: n points spaced
// uniformly along its length, centred on their mean, scaled so that the
// largest absolute coordinate is 1, and flipped so that y grows upwards
// (SVG's y grows downwards). Curves are followed exactly up to chords within
// 1e-6 of the drawing's extent.
//
// The package is pure Go and builds for GOOS=js GOARCH=wasm; only
// ReadSVGFile needs a file system.
package shapes
