// Package dataset reads the image classification data sets used by the static
// balance-controlled plasticity network: Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017)
// and the MNIST digits, both stored as IDX files.
//
// The protocol is the same for both sets. Pixels are scaled from bytes to [0, 1] and
// each image is flattened row-major into a vector of Dim = H·W values. Labels become
// one-hot vectors y, which are softened to
//
//	y_soft = y·(0.99 − 0.01/9) + 0.01/9,
//
// so the true class gets 0.99 and every other class 0.01/9 (a row sums to 1). The
// first 10 % of the official training file is the validation split, the remaining
// 90 % the training split, and the official test file the test split. For quick runs
// a training limit N keeps the first N samples of the training split and the first
// ⌈N/9⌉ of the validation split; a test limit keeps the first test samples.
// The training split is visited in a new order every epoch; EpochOrder gives that
// order as a function of the run's seed and the epoch alone.
//
// The package is pure Go and also builds for GOOS=js GOARCH=wasm; Load needs a file
// system, while ReadIDX reads IDX bytes from any reader.
package dataset
