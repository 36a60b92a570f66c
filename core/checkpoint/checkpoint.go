// Package checkpoint writes and reads the checkpoints of long runs: a
// versioned, checksummed encoding of any gob-encodable value, written
// atomically (temporary file, sync, rename) so that a crash or a full disk
// never leaves a damaged checkpoint in place of a good one.
//
// A checkpoint file is the magic "BCPCKPT\x00", a format version (uint32,
// big-endian), the payload length (uint64), the gob-encoded payload and the
// SHA-256 of everything before it.
package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"os"

	"bcp/core/results"
)

// Version is the current checkpoint format.
const Version = 1

var magic = [8]byte{'B', 'C', 'P', 'C', 'K', 'P', 'T', 0}

const headerLen = 8 + 4 + 8

// ErrDamaged marks a checkpoint that cannot be trusted.
var ErrDamaged = errors.New("damaged checkpoint")

// Encode returns the checkpoint bytes of v.
func Encode(v any) ([]byte, error) {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(v); err != nil {
		return nil, fmt.Errorf("checkpoint: encode: %w", err)
	}
	out := make([]byte, headerLen, headerLen+payload.Len()+sha256.Size)
	copy(out, magic[:])
	binary.BigEndian.PutUint32(out[8:], Version)
	binary.BigEndian.PutUint64(out[12:], uint64(payload.Len()))
	out = append(out, payload.Bytes()...)
	sum := sha256.Sum256(out)
	return append(out, sum[:]...), nil
}

// Decode checks the bytes of a checkpoint and decodes its payload into v.
// Every problem is reported as ErrDamaged with the reason.
func Decode(data []byte, v any) error {
	if len(data) < headerLen+sha256.Size {
		return fmt.Errorf("%w: %d bytes is too short for a checkpoint", ErrDamaged, len(data))
	}
	if !bytes.Equal(data[:8], magic[:]) {
		return fmt.Errorf("%w: not a bcp checkpoint (wrong magic)", ErrDamaged)
	}
	if ver := binary.BigEndian.Uint32(data[8:]); ver != Version {
		return fmt.Errorf("%w: format version %d, this program reads version %d", ErrDamaged, ver, Version)
	}
	n := binary.BigEndian.Uint64(data[12:])
	if n != uint64(len(data)-headerLen-sha256.Size) {
		return fmt.Errorf("%w: payload length %d does not match the file (%d bytes)", ErrDamaged, n, len(data))
	}
	body := data[:len(data)-sha256.Size]
	sum := sha256.Sum256(body)
	if !bytes.Equal(sum[:], data[len(body):]) {
		return fmt.Errorf("%w: checksum mismatch", ErrDamaged)
	}
	if err := gob.NewDecoder(bytes.NewReader(body[headerLen:])).Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	return nil
}

// Write stores v at path atomically.
func Write(path string, v any) error {
	data, err := Encode(v)
	if err != nil {
		return err
	}
	return results.WriteFileAtomic(path, data)
}

// Read loads the checkpoint at path into v. A damaged file gives an error
// that wraps ErrDamaged and names the path.
func Read(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := Decode(data, v); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return nil
}
