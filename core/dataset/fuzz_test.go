package dataset

import (
	"bytes"
	"compress/gzip"
	"testing"
)

// FuzzReadIDX feeds arbitrary bytes (raw and gzip-wrapped) to the IDX
// reader: it must return an IDX whose data matches its dimensions, or an
// error, and never panic or allocate without bound.
func FuzzReadIDX(f *testing.F) {
	f.Add([]byte{0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9})
	f.Add([]byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte{0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0})
	f.Add([]byte{0x1f, 0x8b, 8, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(idx *IDX, err error) {
			if err != nil {
				return
			}
			n := 1
			for _, d := range idx.Dims {
				n *= d
			}
			if n != len(idx.Data) {
				t.Fatalf("dims %v hold %d values, data has %d", idx.Dims, n, len(idx.Data))
			}
		}
		check(ReadIDX(bytes.NewReader(data)))
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		w.Write(data)
		w.Close()
		check(ReadIDX(&gz))
	})
}
