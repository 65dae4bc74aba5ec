// Package report turns benchmark timings into markdown tables with ratios.
// It has no Dagger import so it is unit-tested without an engine.
package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// NoRatio is printed in the ratio column of a row with no baseline.
const NoRatio = "—"

// Row is one timed measurement.
type Row struct {
	// Project measured, e.g. coredns@v1.11.3.
	Project string
	// What was built, e.g. "native amd64" or "strip TARGET arm64".
	Case string
	// State of the caches: "cold" or "warm".
	Temperature string
	// Wall time.
	Seconds float64
}

// Section is one table; each row's ratio divides its time by the time of
// the Baseline case with the same Project and Temperature.
type Section struct {
	// Heading above the table.
	Title string
	// Text under the heading (optional).
	Note string
	// Case the ratios are relative to.
	Baseline string
	// Header of the ratio column, e.g. "× native".
	RatioHeader string
	Rows        []Row
}

// Ratio is r's time divided by the time of the first row of rows with Case
// baseline and r's Project and Temperature. ok is false when there is no
// such row or its time is not positive.
func Ratio(rows []Row, r Row, baseline string) (ratio float64, ok bool) {
	for _, b := range rows {
		if b.Case == baseline && b.Project == r.Project && b.Temperature == r.Temperature {
			if b.Seconds <= 0 {
				return 0, false
			}
			return r.Seconds / b.Seconds, true
		}
	}
	return 0, false
}

// Sum is a row named name whose time is the total of rows'.
func Sum(project, name, temperature string, rows []Row) Row {
	total := 0.0
	for _, r := range rows {
		total += r.Seconds
	}
	return Row{Project: project, Case: name, Temperature: temperature, Seconds: total}
}

// FormatSeconds prints a time with one decimal.
func FormatSeconds(s float64) string { return fmt.Sprintf("%.1f", s) }

// FormatRatio prints a ratio with two decimals.
func FormatRatio(r float64) string { return fmt.Sprintf("%.2f", r) }

// Table is the section's markdown table: aligned columns, text left,
// numbers right, NoRatio where a row has no baseline.
func (s Section) Table() string {
	ratioHeader := s.RatioHeader
	if ratioHeader == "" {
		ratioHeader = "Ratio"
	}
	header := []string{"Project", "Case", "Caches", "Seconds", ratioHeader}
	right := []bool{false, false, false, true, true}
	cells := [][]string{header}
	for _, r := range s.Rows {
		ratio := NoRatio
		if v, ok := Ratio(s.Rows, r, s.Baseline); ok {
			ratio = FormatRatio(v)
		}
		cells = append(cells, []string{r.Project, r.Case, r.Temperature, FormatSeconds(r.Seconds), ratio})
	}
	return table(cells, right)
}

// table renders cells (the header first) as a markdown table: columns
// padded to their widest cell (at least three, counting runes), right[i]
// aligning column i right.
func table(cells [][]string, right []bool) string {
	for _, row := range cells {
		for i := range row {
			row[i] = escape(row[i])
		}
	}
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c), 3)
		}
	}
	var b strings.Builder
	writeRow := func(row []string) {
		b.WriteString("|")
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if right[i] {
				b.WriteString(" " + pad + c + " |")
			} else {
				b.WriteString(" " + c + pad + " |")
			}
		}
		b.WriteString("\n")
	}
	writeRow(cells[0])
	b.WriteString("|")
	for i, w := range widths {
		if right[i] {
			b.WriteString(" " + strings.Repeat("-", w-1) + ": |")
		} else {
			b.WriteString(" :" + strings.Repeat("-", w-1) + " |")
		}
	}
	b.WriteString("\n")
	for _, row := range cells[1:] {
		writeRow(row)
	}
	return b.String()
}

// Markdown is the section: a level-3 heading, the note, then the table.
func (s Section) Markdown() string {
	return markdown(s.Title, s.Note, s.Table())
}

// markdown is a table under its level-3 heading and note, each left out
// when empty.
func markdown(title, note, table string) string {
	var b strings.Builder
	if title != "" {
		b.WriteString("### " + title + "\n\n")
	}
	if note != "" {
		b.WriteString(strings.TrimRight(note, "\n") + "\n\n")
	}
	b.WriteString(table)
	return b.String()
}

// Part is one table of a report with its heading: a Section or a
// Comparison.
type Part interface {
	Markdown() string
}

// Document joins parts, separated by blank lines.
func Document(parts ...Part) string {
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		out = append(out, p.Markdown())
	}
	return strings.Join(out, "\n")
}

// escape keeps a cell from splitting the row: pipes are escaped, newlines
// become spaces.
func escape(c string) string {
	c = strings.ReplaceAll(c, "|", `\|`)
	return strings.ReplaceAll(c, "\n", " ")
}
