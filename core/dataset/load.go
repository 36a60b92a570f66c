package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// DefaultFashionDir is where the Debian package dataset-fashion-mnist installs the
// gzip-compressed Fashion-MNIST IDX files; Load uses it when dir is empty.
const DefaultFashionDir = "/usr/share/datasets/fashion-mnist"

// The four IDX files of a data set, without the optional .gz suffix.
const (
	trainImagesFile = "train-images-idx3-ubyte"
	trainLabelsFile = "train-labels-idx1-ubyte"
	testImagesFile  = "t10k-images-idx3-ubyte"
	testLabelsFile  = "t10k-labels-idx1-ubyte"
)

// Data is a data set split by the protocol described in the package documentation.
type Data struct {
	// Name is the data set's name as given to Load.
	Name string
	// Height and Width are the size of one image in pixels; Dim = Height·Width.
	Height, Width int
	// Valid is the first 10 % of the training file and Train the rest (each cut
	// short by a training limit), Test the (limited) official test file.
	Train, Valid, Test Split
}

// set describes a data set Load knows: its display name, its default directory and
// the advice given when its directory or a file is missing.
type set struct {
	title      string
	defaultDir string
	dirHint    string
	fileHint   string
}

// sets maps the names accepted by Load to their descriptions.
var sets = map[string]set{
	"fashion-mnist": {
		title:      "Fashion-MNIST",
		defaultDir: DefaultFashionDir,
		dirHint: "install it with \"apt-get install dataset-fashion-mnist\" or pass " +
			"--data DIR with the four IDX files",
		fileHint: "reinstall dataset-fashion-mnist or pass --data DIR with the four IDX files",
	},
	"mnist": {
		title: "MNIST",
		dirHint: "MNIST needs --data DIR pointing at a directory with the four IDX files " +
			"(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, " +
			"t10k-labels-idx1-ubyte, each raw or .gz)",
		fileHint: "MNIST needs --data DIR pointing at a directory with the four IDX files",
	},
}

// Load reads the data set name ("fashion-mnist" or "mnist") from the IDX files in dir
// and splits it by the protocol of the package documentation. An empty dir means
// DefaultFashionDir for Fashion-MNIST; MNIST has no default.
//
// Each file may be raw or gzip-compressed with a .gz suffix; when both exist the raw
// file is read. limitTrain > 0 keeps only the first limitTrain images of the training
// split and the first ⌈limitTrain/9⌉ of the validation split, so a limited run keeps
// the 9:1 ratio of the full protocol; limitTest > 0 keeps only the first limitTest
// test images; 0 keeps all, as does a limit above the available count. Every label of
// both files is checked, including those a limit leaves out.
func Load(name, dir string, limitTrain, limitTest int) (*Data, error) {
	ds, ok := sets[name]
	if !ok {
		return nil, fmt.Errorf("dataset: unknown data set %q; choose \"fashion-mnist\" or "+
			"\"mnist\"", name)
	}
	if limitTrain < 0 || limitTest < 0 {
		return nil, fmt.Errorf("dataset: sample limits must not be negative (got %d for "+
			"training and %d for test); use 0 for all samples", limitTrain, limitTest)
	}
	if dir == "" {
		dir = ds.defaultDir
	}
	if dir == "" {
		return nil, fmt.Errorf("dataset: no %s directory given; %s", ds.title, ds.dirHint)
	}
	if err := checkDir(ds, dir); err != nil {
		return nil, err
	}

	names := [4]string{trainImagesFile, trainLabelsFile, testImagesFile, testLabelsFile}
	var paths [4]string
	for i, base := range names {
		p, err := findFile(ds, dir, base)
		if err != nil {
			return nil, err
		}
		paths[i] = p
	}

	arrays, err := readAll(paths)
	if err != nil {
		return nil, err
	}
	trainX, trainY, testX, testY := arrays[0], arrays[1], arrays[2], arrays[3]

	h, w, nTrain, err := checkPair(ds, paths[0], trainX, paths[1], trainY)
	if err != nil {
		return nil, err
	}
	th, tw, nTest, err := checkPair(ds, paths[2], testX, paths[3], testY)
	if err != nil {
		return nil, err
	}
	if th*tw != h*w {
		return nil, fmt.Errorf("dataset: %s holds %d×%d images but %s holds %d×%d; the "+
			"training and test files must come from the same data set",
			paths[0], h, w, paths[2], th, tw)
	}

	if limitTest > 0 {
		nTest = min(nTest, limitTest)
	}
	return split(name, h, w, trainX.Data, trainY.Data, nTrain, limitTrain, testX.Data, testY.Data,
		nTest), nil
}

// checkDir reports a clear error if dir is missing or not a directory.
func checkDir(ds set, dir string) error {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("dataset: the %s directory %s does not exist; %s",
			ds.title, dir, ds.dirHint)
	case err != nil:
		return fmt.Errorf("dataset: cannot read the %s directory %s (%v); %s",
			ds.title, dir, err, ds.dirHint)
	case !info.IsDir():
		return fmt.Errorf("dataset: the %s directory %s is not a directory; %s",
			ds.title, dir, ds.dirHint)
	}
	return nil
}

// findFile returns the path of base in dir, preferring the raw file over base.gz.
func findFile(ds set, dir, base string) (string, error) {
	for _, p := range []string{filepath.Join(dir, base), filepath.Join(dir, base+".gz")} {
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("dataset: the %s file %s (or %s.gz) is missing; %s",
		ds.title, filepath.Join(dir, base), base, ds.fileHint)
}

// readAll reads the IDX files at paths concurrently and returns the first error in
// the order of paths, so that the error reported does not depend on timing.
func readAll(paths [4]string) ([4]*IDX, error) {
	var arrays [4]*IDX
	var errs [4]error
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() { arrays[i], errs[i] = ReadIDXFile(p) })
	}
	wg.Wait()

	for _, err := range errs {
		if err != nil {
			return arrays, err
		}
	}
	return arrays, nil
}

// checkPair checks that images is a 3-D array of N images, labels a 1-D array of N
// labels in 0..Classes−1, and N > 0. It returns the image height and width and N.
func checkPair(ds set, imgPath string, images *IDX, lblPath string, labels *IDX) (
	h, w, n int, err error) {

	if len(images.Dims) != 3 {
		return 0, 0, 0, fmt.Errorf("dataset: %s has dimensions %v, but an image file must "+
			"be 3-D (count, height, width); check that it holds %s images",
			imgPath, images.Dims, ds.title)
	}
	if len(labels.Dims) != 1 {
		return 0, 0, 0, fmt.Errorf("dataset: %s has dimensions %v, but a label file must "+
			"be 1-D (count); check that it holds %s labels",
			lblPath, labels.Dims, ds.title)
	}
	n, h, w = images.Dims[0], images.Dims[1], images.Dims[2]
	if n != labels.Dims[0] {
		return 0, 0, 0, fmt.Errorf("dataset: %s holds %d images but %s holds %d labels; "+
			"both files must come from the same part of the same data set",
			imgPath, n, lblPath, labels.Dims[0])
	}
	if n == 0 || h*w == 0 {
		return 0, 0, 0, fmt.Errorf("dataset: %s holds no pixels (dimensions %v); the file "+
			"is empty or corrupt", imgPath, images.Dims)
	}
	for i, l := range labels.Data {
		if int(l) >= Classes {
			return 0, 0, 0, fmt.Errorf("dataset: %s has label %d at index %d, outside "+
				"0..%d; the file is corrupt or does not hold %s labels",
				lblPath, l, i, Classes-1, ds.title)
		}
	}
	return h, w, n, nil
}

// split applies the protocol to a training file of nFile images: the first nFile/10
// (at least one when nFile ≥ 2) form the validation split and the rest the training
// split. A limit > 0 keeps the first limit images of the training split and the first
// ⌈limit/9⌉ of the validation split. The first nTest test images form the test split.
func split(name string, h, w int, trainX, trainY []uint8, nFile, limit int,
	testX, testY []uint8, nTest int) *Data {

	dim := h * w
	nValid := nFile / 10
	if nValid == 0 && nFile >= 2 {
		nValid = 1
	}
	useTrain, useValid := nFile-nValid, nValid
	if limit > 0 {
		useTrain = min(useTrain, limit)
		useValid = min(useValid, (limit+8)/9)
	}
	return &Data{
		Name:   name,
		Height: h,
		Width:  w,
		Valid:  newSplit(trainX, trainY, useValid, dim),
		Train:  newSplit(trainX[nValid*dim:], trainY[nValid:], useTrain, dim),
		Test:   newSplit(testX, testY, nTest, dim),
	}
}
