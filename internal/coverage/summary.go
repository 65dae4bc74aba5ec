package coverage

import (
	"fmt"
	"strconv"
	"strings"
)

// FileSummary is one file's statement coverage.
type FileSummary struct {
	File string
	// Statements and Covered count statements: those of the file's blocks,
	// and those of blocks that ran.
	Statements, Covered int
	// Platforms are the platforms that built the file (merged summaries
	// only).
	Platforms []string
}

// Percent is the share of statements covered; a file without statements
// is 0%, as go test prints it.
func (s FileSummary) Percent() float64 {
	if s.Statements == 0 {
		return 0
	}
	return 100 * float64(s.Covered) / float64(s.Statements)
}

// Summary is a profile's coverage per file (in byte order) and in total.
type Summary struct {
	Files []FileSummary
	Total FileSummary
}

// Summarize counts p's statements per file.
func Summarize(p *Profile) Summary {
	return summarize(p, nil)
}

// Summary counts the merged profile's statements per file, each with the
// platforms that built it.
func (m *Merged) Summary() Summary {
	return summarize(m.Profile, m.Platforms)
}

func summarize(p *Profile, platforms map[string][]string) Summary {
	s := Summary{Total: FileSummary{File: "total"}}
	for _, file := range p.FileNames() {
		f := FileSummary{File: file, Platforms: platforms[file]}
		for _, b := range p.Files[file] {
			f.Statements += b.NumStmt
			if b.Count > 0 {
				f.Covered += b.NumStmt
			}
		}
		s.Total.Statements += f.Statements
		s.Total.Covered += f.Covered
		s.Files = append(s.Files, f)
	}
	return s
}

// Text renders s as a plain table: file, covered/statements, percent (one
// decimal, as go test -cover prints), and the platforms column when any
// file has platforms. allPlatforms, when given, is how many platforms were
// merged: a file built by all of them shows "all" rather than the list.
func (s Summary) Text(allPlatforms int) string {
	withPlatforms := false
	for _, f := range s.Files {
		withPlatforms = withPlatforms || len(f.Platforms) > 0
	}
	head := []string{"FILE", "STATEMENTS RUN", "COVERAGE"}
	if withPlatforms {
		head = append(head, "PLATFORMS")
	}
	rows := [][]string{head}
	row := func(f FileSummary, plats string) {
		r := []string{f.File, fmt.Sprintf("%d/%d", f.Covered, f.Statements), strconv.FormatFloat(f.Percent(), 'f', 1, 64) + "%"}
		if withPlatforms {
			r = append(r, plats)
		}
		rows = append(rows, r)
	}
	for _, f := range s.Files {
		plats := strings.Join(f.Platforms, ",")
		if allPlatforms > 1 && len(f.Platforms) == allPlatforms {
			plats = "all"
		}
		row(f, plats)
	}
	row(s.Total, "")
	widths := make([]int, len(head))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%-*s  %*s  %*s", widths[0], r[0], widths[1], r[1], widths[2], r[2])
		if withPlatforms && r[3] != "" {
			fmt.Fprintf(&b, "  %s", r[3])
		}
		b.WriteString("\n")
	}
	return b.String()
}
