package dataset

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadIDXRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := [][]int{{1}, {7}, {3, 4, 2}, {0, 5}, {2, 28, 28}, {2, 1, 3, 5}}
	for _, gz := range []bool{false, true} {
		for _, dims := range shapes {
			n := 1
			for _, d := range dims {
				n *= d
			}
			data := make([]uint8, n)
			for i := range data {
				data[i] = uint8(rng.UintN(256))
			}
			path := filepath.Join(t.TempDir(), "a.idx")
			writeFile(t, path, encodeIDX(dims, data), gz)

			got, err := ReadIDXFile(path)
			if err != nil {
				t.Fatalf("gzip %v, dims %v: %v", gz, dims, err)
			}
			if !slices.Equal(got.Dims, dims) || !bytes.Equal(got.Data, data) {
				t.Errorf("gzip %v: read dims %v and %d bytes, want %v and %d bytes "+
					"(or the bytes differ)", gz, got.Dims, len(got.Data), dims, len(data))
			}
		}
	}
}

func TestReadIDXIgnoresTrailingBytes(t *testing.T) {
	data := []uint8{1, 2, 3, 4, 5, 6}
	raw := append(encodeIDX([]int{2, 3}, data), 0xde, 0xad)
	for _, in := range [][]byte{raw, gzipBytes(t, raw)} {
		got, err := ReadIDX(bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Data, data) {
			t.Errorf("data = %v, want %v", got.Data, data)
		}
	}
}

func TestReadIDXErrors(t *testing.T) {
	valid := encodeIDX([]int{10, 4}, make([]uint8, 40))
	zipped := gzipBytes(t, valid)
	noise := make([]uint8, 5000)
	for i := range noise {
		noise[i] = uint8(i * i % 251)
	}
	bigZipped := gzipBytes(t, encodeIDX([]int{5000}, noise))
	badCRC := slices.Clone(zipped)
	badCRC[len(badCRC)-8] ^= 0xff // The gzip trailer is CRC-32 then size, 4 bytes each.

	tests := []struct {
		name    string
		content []byte
		want    string
	}{
		{"wrong magic", []byte{1, 0, 8, 1, 0, 0, 0, 1, 9}, "wrong magic number 01 00"},
		{"png", []byte("\x89PNG\r\n\x1a\n"), "wrong magic number 89 50"},
		{"float type", []byte{0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0}, "data type 0x0d"},
		{"no dimensions", []byte{0, 0, 8, 0}, "no dimensions"},
		{"absurd size", []byte{0, 0, 8, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1},
			"header is corrupt"},
		{"empty", nil, "ends after 0 of the 4 header bytes"},
		{"short header", []byte{0, 0}, "ends after 2 of the 4 header bytes"},
		{"short dims", []byte{0, 0, 8, 2, 0, 0, 0, 1, 0}, "ends after 5 of the 8 dimension-size bytes"},
		{"short data", valid[:len(valid)-15], "ends after 25 of the 40 data bytes"},
		{"huge header, little data", []byte{0, 0, 8, 1, 0x40, 0, 0, 0, 1, 2},
			"ends after 2 of the 1073741824 data bytes"},
		{"truncated gzip header", zipped[:len(zipped)/2], "dimension-size bytes"},
		{"truncated gzip data", bigZipped[:len(bigZipped)/2], "of the 5000 data bytes"},
		{"gzip without trailer", zipped[:len(zipped)-8], "truncated gzip stream"},
		{"gzip checksum", badCRC, "damaged gzip stream"},
		{"broken gzip header", []byte{0x1f, 0x8b, 0}, "gzip header is broken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad-idx1-ubyte")
			writeFile(t, path, tc.content, false)
			_, err := ReadIDXFile(path)
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			if msg := err.Error(); !strings.Contains(msg, path) ||
				!strings.Contains(msg, tc.want) {
				t.Errorf("error %q should name %s and say %q", msg, path, tc.want)
			}
		})
	}
}

func TestReadIDXFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nothing-here")
	_, err := ReadIDXFile(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v should name %s", err, path)
	}
}
