package report

import "strconv"

// Versus is one tool go-build is compared with in a Scaling table: the
// header of its time column and of the ratio column go-build ÷ it.
type Versus struct {
	// e.g. "GoReleaser (s)".
	Header string
	// e.g. "go-build ÷ GoReleaser".
	RatioHeader string
}

// ScalingRow is one number of platforms at one state of the caches: the
// time go-build took and the time each compared tool took.
type ScalingRow struct {
	// Number of target platforms built.
	Platforms int
	// State of the caches, e.g. "cold", "warm, 1 file changed".
	Temperature string
	// go-build's wall time, in seconds.
	Subject float64
	// The compared tools' wall times, in the order of Scaling.Versus. A
	// time missing or not positive was not measured.
	Baselines []float64
}

// Scaling is a table of go-build against several tools as the number of
// platforms grows: per row the platforms, the caches, go-build's time,
// each tool's time, then go-build ÷ each tool.
type Scaling struct {
	// Heading above the table.
	Title string
	// Text under the heading (optional).
	Note string
	// Header of go-build's time column; default "go-build (s)".
	SubjectHeader string
	// The compared tools, one time column and one ratio column each.
	Versus []Versus
	Rows   []ScalingRow
}

// Table is the scaling table in markdown: Platforms, Caches, go-build's
// time, each tool's time, then each ratio; NotMeasured for a time not
// taken and NoRatio for a ratio without both times (as Pair.Ratio).
func (s Scaling) Table() string {
	header := []string{"Platforms", "Caches", orDefault(s.SubjectHeader, "go-build (s)")}
	right := []bool{true, false, true}
	for _, v := range s.Versus {
		header = append(header, orDefault(v.Header, "baseline (s)"))
		right = append(right, true)
	}
	for _, v := range s.Versus {
		header = append(header, orDefault(v.RatioHeader, "Ratio"))
		right = append(right, true)
	}
	cells := [][]string{header}
	for _, r := range s.Rows {
		row := []string{strconv.Itoa(r.Platforms), r.Temperature, seconds(r.Subject)}
		var ratios []string
		for i := range s.Versus {
			var b float64
			if i < len(r.Baselines) {
				b = r.Baselines[i]
			}
			row = append(row, seconds(b))
			ratio := NoRatio
			if v, ok := (Pair{Subject: r.Subject, Baseline: b}).Ratio(); ok {
				ratio = FormatRatio(v)
			}
			ratios = append(ratios, ratio)
		}
		cells = append(cells, append(row, ratios...))
	}
	return table(cells, right)
}

// Markdown is the scaling table: a level-3 heading, the note, then the
// table.
func (s Scaling) Markdown() string {
	return markdown(s.Title, s.Note, s.Table())
}
