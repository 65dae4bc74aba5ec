package report

// NotMeasured is printed in a time column of a measurement that was not
// taken (e.g. an emulated baseline left out with --skip-emulated).
const NotMeasured = "—"

// Pair is one measurement taken by go-build (Subject) and by the tool it is
// compared with (Baseline), under the same conditions. A time that is not
// positive was not measured.
type Pair struct {
	// Project measured, e.g. coredns@v1.11.3.
	Project string
	// What was done, e.g. "build arm64" or "image, 4 platforms, pushed".
	Case string
	// State of the caches, e.g. "cold", "warm, no change".
	Temperature string
	// Wall times, in seconds.
	Subject, Baseline float64
}

// Ratio is the subject's time divided by the baseline's. ok is false when
// either was not measured, or the baseline took less than the tables'
// 0.1 s resolution (a fully cached pipeline, 0.0 s): a ratio to that says
// nothing, and the time itself is what to read.
func (p Pair) Ratio() (ratio float64, ok bool) {
	if p.Subject <= 0 || p.Baseline < minBaseline {
		return 0, false
	}
	return p.Subject / p.Baseline, true
}

// Comparison is a table of Pairs: go-build against another tool, each row
// with both times and their ratio.
type Comparison struct {
	// Heading above the table.
	Title string
	// Text under the heading (optional).
	Note string
	// Headers of the two time columns, e.g. "go-build (s)" and
	// "pipeline (s)".
	SubjectHeader, BaselineHeader string
	// Header of the ratio column, e.g. "go-build ÷ pipeline".
	RatioHeader string
	Pairs       []Pair
}

// Table is the comparison's markdown table: Project, Case, Caches, both
// times and the ratio; NotMeasured for a time not taken and NoRatio for a
// ratio without both.
func (c Comparison) Table() string {
	header := []string{"Project", "Case", "Caches", orDefault(c.SubjectHeader, "go-build (s)"),
		orDefault(c.BaselineHeader, "baseline (s)"), orDefault(c.RatioHeader, "Ratio")}
	right := []bool{false, false, false, true, true, true}
	cells := [][]string{header}
	for _, p := range c.Pairs {
		ratio := NoRatio
		if v, ok := p.Ratio(); ok {
			ratio = FormatRatio(v)
		}
		cells = append(cells, []string{p.Project, p.Case, p.Temperature, seconds(p.Subject), seconds(p.Baseline), ratio})
	}
	return table(cells, right)
}

// Markdown is the comparison: a level-3 heading, the note, then the table.
func (c Comparison) Markdown() string {
	return markdown(c.Title, c.Note, c.Table())
}

// seconds prints a measured time, or NotMeasured.
func seconds(s float64) string {
	if s <= 0 {
		return NotMeasured
	}
	return FormatSeconds(s)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// minBaseline is the shortest baseline time a ratio is taken to: the
// tables print seconds to one decimal.
const minBaseline = 0.05
