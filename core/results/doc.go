// Package results writes the files of a run folder: JSON summaries, CSV
// tables, NumPy .npz arrays, PNG figures and a log.
//
// Every file is written atomically: the bytes go to a temporary file in the
// target's own directory, which is synced, closed and then renamed over the
// target. A reader of a run folder, or a run that stops part-way, therefore
// never sees a half-written file; it sees either the old file or the new one.
// A temporary file is named ".<target>.tmp-<random>" and is removed again when
// a write fails.
//
// Not-a-number and infinite values are kept readable by each format: JSON
// writes them as null, CSV as nan, inf and -inf, NPZ stores the IEEE bits as
// they are, and plots leave such points out.
package results
