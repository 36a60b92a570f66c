package results

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
)

// WriteCSV writes a table to path atomically with encoding/csv: header as
// the first record (none when header is nil) and then one record per row.
// Each number is written by FormatFloat, the shortest text that parses back
// to the same float64 (strconv 'g', precision -1); NaN is written as nan and
// the infinities as inf and -inf, spellings that strconv.ParseFloat, NumPy
// and pandas all read back. When header is not nil, every row must have one
// value per column.
func WriteCSV(path string, header []string, rows [][]float64) error {
	if header != nil {
		for i, row := range rows {
			if len(row) != len(header) {
				return fmt.Errorf("results: write %s: row %d has %d values for %d columns",
					path, i, len(row), len(header))
			}
		}
	}

	return writeAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if header != nil {
			if err := cw.Write(header); err != nil {
				return err
			}
		}

		var record []string
		for _, row := range rows {
			record = record[:0]
			for _, x := range row {
				record = append(record, FormatFloat(x))
			}
			if err := cw.Write(record); err != nil {
				return err
			}
		}

		cw.Flush()
		return cw.Error()
	})
}

// FormatFloat returns the text WriteCSV writes for x: strconv 'g' with the
// shortest precision that round-trips, and nan, inf or -inf for the
// non-finite values.
func FormatFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
