package checkpoint

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type state struct {
	Epoch  int
	Params [][]float32
	Names  []string
	Loss   []float64
}

func sample() state {
	return state{Epoch: 3, Params: [][]float32{{1.5, -2, float32(math.Pi)}, {0.25}},
		Names: []string{"W1", "b1"}, Loss: []float64{2.3, 1.1, math.NaN()}}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "checkpoint.bin")
	in := sample()
	if err := Write(path, in); err != nil {
		t.Fatal(err)
	}
	var out state
	if err := Read(path, &out); err != nil {
		t.Fatal(err)
	}
	if out.Epoch != 3 || !reflect.DeepEqual(out.Params, in.Params) || !math.IsNaN(out.Loss[2]) {
		t.Errorf("round trip gave %+v", out)
	}
}

func TestDamageRefused(t *testing.T) {
	data, err := Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	flip := append([]byte(nil), data...)
	flip[len(flip)/2] ^= 0x40
	wrongMagic := append([]byte(nil), data...)
	wrongMagic[0] = 'X'
	version := append([]byte(nil), data...)
	version[11] = 9
	cases := map[string][]byte{
		"bit flip":    flip,
		"truncated":   data[:len(data)-5],
		"short":       data[:10],
		"empty":       nil,
		"wrong magic": wrongMagic,
		"version":     version,
		"extended":    append(append([]byte(nil), data...), 0),
	}
	for name, b := range cases {
		var out state
		if err := Decode(b, &out); !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: err = %v, want ErrDamaged", name, err)
		}
	}
	path := filepath.Join(t.TempDir(), "c.bin")
	os.WriteFile(path, flip, 0o644)
	var out state
	if err := Read(path, &out); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Read error %v does not name the file", err)
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := Encode(sample())
	f.Add(good)
	f.Add(good[:30])
	f.Add([]byte("BCPCKPT\x00\x00\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out state
		if err := Decode(data, &out); err != nil && !errors.Is(err, ErrDamaged) {
			t.Fatalf("error %v does not wrap ErrDamaged", err)
		}
	})
}
