package results

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Float is a float64 that encodes NaN and ±Inf as JSON null (encoding/json
// refuses them), so that a diverged run can still record its summary.
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// Floats converts a float64 slice for JSON encoding.
func Floats(v []float64) []Float {
	out := make([]Float, len(v))
	for i, x := range v {
		out[i] = Float(x)
	}
	return out
}

// EncodeJSON returns v as JSON indented by two spaces, followed by a
// newline. Use Float for values that may be NaN or infinite.
func EncodeJSON(v any) ([]byte, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// WriteJSON writes v to path atomically as EncodeJSON encodes it.
func WriteJSON(path string, v any) error {
	data, err := EncodeJSON(v)
	if err != nil {
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
