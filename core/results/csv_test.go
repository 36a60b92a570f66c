package results

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestWriteCSVRoundTrip(t *testing.T) {
	header := []string{"t", "rate, E", `say "hi"`}
	rows := [][]float64{
		{0, 0.1, math.Copysign(0, -1)},
		{1e-300, math.MaxFloat64, math.SmallestNonzeroFloat64},
		{math.NaN(), math.Inf(1), math.Inf(-1)},
		{1.0 / 3, -2.5e7, 123456789},
	}

	path := filepath.Join(t.TempDir(), "table.csv")
	if err := WriteCSV(path, header, rows); err != nil {
		t.Fatal(err)
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}

	if len(records) != len(rows)+1 {
		t.Fatalf("read %d records, want %d", len(records), len(rows)+1)
	}
	if !slices.Equal(records[0], header) {
		t.Errorf("header = %q, want %q", records[0], header)
	}
	for i, rec := range records[1:] {
		for j, field := range rec {
			got, err := strconv.ParseFloat(field, 64)
			if err != nil {
				t.Errorf("row %d column %d: %v", i, j, err)
				continue
			}
			want := rows[i][j]
			same := math.Float64bits(got) == math.Float64bits(want) ||
				math.IsNaN(got) && math.IsNaN(want)
			if !same {
				t.Errorf("row %d column %d = %v (%q), want %v", i, j, got, field, want)
			}
		}
	}
	if got, want := strings.Join(records[3], ","), "nan,inf,-inf"; got != want {
		t.Errorf("non-finite row = %q, want %q", got, want)
	}
	if got, want := strings.Join(records[1], ","), "0,0.1,-0"; got != want {
		t.Errorf("first row = %q, want %q", got, want)
	}
}

func TestWriteCSVNoHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "table.csv")
	if err := WriteCSV(path, nil, [][]float64{{1, 2}, {3}}); err != nil {
		t.Fatal(err)
	}
	if got, want := readString(t, path), "1,2\n3\n"; got != want {
		t.Errorf("content = %q, want %q", got, want)
	}
}

func TestWriteCSVRaggedRow(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "table.csv")
	err := WriteCSV(path, []string{"a", "b"}, [][]float64{{1, 2}, {3}})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "row 1") {
		t.Errorf("error = %v, want one naming %s and row 1", err, path)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("directory holds %q", names)
	}
}
