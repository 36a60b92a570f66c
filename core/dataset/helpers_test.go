package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// encodeIDX returns the IDX encoding of an unsigned-byte array with the given dims.
func encodeIDX(dims []int, data []uint8) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, idxUnsignedByte, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

// gzipBytes compresses raw with gzip.
func gzipBytes(t testing.TB, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeFile writes content to path, gzip-compressed when gz is true.
func writeFile(t testing.TB, path string, content []byte, gz bool) {
	t.Helper()
	if gz {
		content = gzipBytes(t, content)
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
}

// synthSet is a small random data set written as the four IDX files of a directory.
type synthSet struct {
	dir                    string
	h, w                   int
	trainX, trainY         []uint8
	testX, testY           []uint8
	nTrain, nTest          int
	trainPath, testLblPath string
}

// writeSynth writes a random data set of nTrain training and nTest test images of
// h×w pixels into a fresh directory, each file gzip-compressed when gz is true.
func writeSynth(t testing.TB, seed uint64, nTrain, nTest, h, w int, gz bool) *synthSet {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	bytesOf := func(n, bound int) []uint8 {
		b := make([]uint8, n)
		for i := range b {
			b[i] = uint8(rng.IntN(bound))
		}
		return b
	}
	s := &synthSet{
		dir: t.TempDir(), h: h, w: w, nTrain: nTrain, nTest: nTest,
		trainX: bytesOf(nTrain*h*w, 256), trainY: bytesOf(nTrain, Classes),
		testX: bytesOf(nTest*h*w, 256), testY: bytesOf(nTest, Classes),
	}
	suffix := ""
	if gz {
		suffix = ".gz"
	}
	s.trainPath = filepath.Join(s.dir, trainImagesFile+suffix)
	s.testLblPath = filepath.Join(s.dir, testLabelsFile+suffix)
	writeFile(t, s.trainPath, encodeIDX([]int{nTrain, h, w}, s.trainX), gz)
	writeFile(t, filepath.Join(s.dir, trainLabelsFile+suffix),
		encodeIDX([]int{nTrain}, s.trainY), gz)
	writeFile(t, filepath.Join(s.dir, testImagesFile+suffix),
		encodeIDX([]int{nTest, h, w}, s.testX), gz)
	writeFile(t, s.testLblPath, encodeIDX([]int{nTest}, s.testY), gz)
	return s
}
