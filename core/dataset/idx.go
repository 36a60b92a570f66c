package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
)

// IDX is the content of an IDX file of unsigned bytes: an array with the shape Dims,
// stored row-major (the last dimension varies fastest) in Data.
type IDX struct {
	// Dims holds the size of each dimension, outermost first.
	Dims []int
	// Data holds the product of Dims bytes, row-major.
	Data []uint8
}

// idxUnsignedByte is the IDX type code of unsigned bytes, the only type supported.
const idxUnsignedByte = 0x08

// maxIDXBytes bounds the data size a header may announce, so that a corrupt header is
// reported instead of allocating absurd amounts of memory; it is also the largest
// slice length that fits an int on every platform.
const maxIDXBytes = math.MaxInt32

// readChunk is the most memory reserved for data before the bytes are seen, so that
// a truncated file with a large header fails without a large allocation.
const readChunk = 1 << 26

// ReadIDX reads an IDX array of unsigned bytes from r. The stream may be raw or
// gzip-compressed; gzip is recognised by its magic bytes 1f 8b, not by a file name.
//
// The format is two zero bytes, a type byte (only 0x08, unsigned byte, is supported),
// a byte with the number of dimensions, one big-endian uint32 size per dimension, and
// then the data. Bytes after the data are ignored; a gzip stream is still read to its
// end so that its checksum is verified.
func ReadIDX(r io.Reader) (*IDX, error) {
	return readIDX(r, "IDX input")
}

// ReadIDXFile reads the IDX file at path, raw or gzip-compressed, as ReadIDX does.
// Its errors name the file.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: cannot open IDX file: %w", err)
	}
	defer f.Close()

	return readIDX(f, path)
}

// readIDX implements ReadIDX; name identifies the input in error messages.
func readIDX(r io.Reader, name string) (*IDX, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var src io.Reader = br
	var zr *gzip.Reader
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		var err error
		zr, err = gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("dataset: %s looks gzip-compressed but its gzip header "+
				"is broken: %v", name, err)
		}
		defer zr.Close()
		src = zr
	}

	var head [4]byte
	if n, err := io.ReadFull(src, head[:]); err != nil {
		return nil, shortErr(name, "header", n, len(head), err)
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, fmt.Errorf("dataset: %s has the wrong magic number %02x %02x "+
			"(an IDX file starts with 00 00); it is not an IDX file", name, head[0], head[1])
	}
	if head[2] != idxUnsignedByte {
		return nil, fmt.Errorf("dataset: %s has IDX data type 0x%02x, but only unsigned "+
			"bytes (0x08) are supported", name, head[2])
	}
	ndim := int(head[3])
	if ndim == 0 {
		return nil, fmt.Errorf("dataset: %s declares an IDX array with no dimensions", name)
	}

	sizes := make([]byte, 4*ndim)
	if n, err := io.ReadFull(src, sizes); err != nil {
		return nil, shortErr(name, "dimension-size", n, len(sizes), err)
	}
	dims := make([]int, ndim)
	total := uint64(1)
	for i := range dims {
		d := binary.BigEndian.Uint32(sizes[4*i:])
		dims[i] = int(d)
		total *= uint64(d) // Cannot overflow: total ≤ maxIDXBytes < 2^32 before this.
		if total > maxIDXBytes {
			return nil, fmt.Errorf("dataset: %s declares dimensions %v, more than %d bytes; "+
				"its header is corrupt", name, dimsOf(sizes), maxIDXBytes)
		}
	}

	data, err := readData(src, int(total))
	if err != nil {
		return nil, shortErr(name, "data", len(data), int(total), err)
	}
	if zr != nil {
		_, err := io.Copy(io.Discard, zr)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("dataset: %s is a truncated gzip stream: it ends before "+
				"the gzip trailer", name)
		}
		if err != nil {
			return nil, fmt.Errorf("dataset: %s is a damaged gzip stream: %v", name, err)
		}
	}
	return &IDX{Dims: dims, Data: data}, nil
}

// readData reads exactly total bytes from r. It reserves memory as the bytes arrive,
// at most readChunk ahead, and returns the bytes it got together with any error.
func readData(r io.Reader, total int) ([]byte, error) {
	data := make([]byte, 0, min(total, readChunk))
	for len(data) < total {
		if len(data) == cap(data) {
			data = slices.Grow(data, min(total-len(data), len(data)))
		}
		end := min(cap(data), total)
		n, err := io.ReadFull(r, data[len(data):end])
		data = data[:len(data)+n]
		if err != nil {
			return data, err
		}
	}
	return data, nil
}

// shortErr describes a failure to read the want bytes of one part of an IDX input
// (header, dimension-size or data bytes) after got of them arrived.
func shortErr(name, part string, got, want int, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("dataset: %s ends after %d of the %d %s bytes; it is "+
			"truncated", name, got, want, part)
	}
	return fmt.Errorf("dataset: reading %s failed after %d of the %d %s bytes: %v",
		name, got, want, part, err)
}

// dimsOf decodes big-endian uint32 sizes for an error message.
func dimsOf(sizes []byte) []uint32 {
	d := make([]uint32, len(sizes)/4)
	for i := range d {
		d[i] = binary.BigEndian.Uint32(sizes[4*i:])
	}
	return d
}
