package fuzzcorpus

import (
	"path"
	"regexp"
	"strings"
)

// Crash is what go test -fuzz reports when the fuzz target failed on an
// input.
type Crash struct {
	// Target is the fuzz target.
	Target string
	// Input is the file go test wrote the (minimised) failing input to,
	// relative to the package's directory: testdata/fuzz/FuzzX/<id>.
	Input string
	// ID is the input's name, the last element of Input.
	ID string
	// Message is the failure's first line: the t.Error text with its
	// file:line, or the panic.
	Message string
	// Report is the whole failure, dedented as go test printed it at the
	// test's level: the message, a panic's stack.
	Report string
	// Rerun is the command go test says reproduces the failure.
	Rerun string
}

var (
	writtenLine = regexp.MustCompile(`^\s*Failing input written to (testdata/fuzz/([^/\s]+)/([^/\s]+))\s*$`)
	failLine    = regexp.MustCompile(`^(\s*)--- FAIL: (\S+) \(`)
)

// ParseCrash reads go test -fuzz's output for the crash it found. ok is
// false when the output reports none (the fuzz time ran out, or the
// failure was not a fuzzing crash: a seed corpus entry or another test
// failed first, a build error).
func ParseCrash(output string) (c Crash, ok bool) {
	lines := strings.Split(strings.ReplaceAll(output, "\r\n", "\n"), "\n")
	at := -1
	for i, l := range lines {
		if m := writtenLine.FindStringSubmatch(l); m != nil {
			c.Input, c.Target, c.ID, at = m[1], m[2], m[3], i
			break
		}
	}
	if at < 0 {
		return Crash{}, false
	}
	// The report is between the innermost "--- FAIL: FuzzX" above the
	// written line and that line, indented one level more.
	start, indent := -1, ""
	for i := at - 1; i >= 0; i-- {
		if m := failLine.FindStringSubmatch(lines[i]); m != nil && m[2] == c.Target {
			start, indent = i+1, m[1]+"    "
			break
		}
	}
	if start >= 0 {
		var report []string
		for _, l := range lines[start:at] {
			report = append(report, strings.TrimRight(strings.TrimPrefix(l, indent), " \t"))
		}
		c.Report = strings.TrimSpace(strings.Join(report, "\n"))
		if c.Report != "" {
			c.Report += "\n"
		}
		c.Message, _, _ = strings.Cut(c.Report, "\n")
	}
	for i := at + 1; i < len(lines) && i <= at+3; i++ {
		if l := strings.TrimSpace(lines[i]); strings.HasPrefix(l, "go test -run=") {
			c.Rerun = l
			break
		}
	}
	if c.Message == "" {
		// A worker that died without a test failure (os.Exit, a fatal
		// error) is reported by the fuzzing engine above the written line.
		for i := at - 1; i >= 0; i-- {
			if l := strings.TrimSpace(lines[i]); l != "" && !strings.HasPrefix(l, "---") {
				c.Message = l
				break
			}
		}
	}
	if path.Base(c.Input) != c.ID {
		return Crash{}, false
	}
	return c, true
}

// SeedFailure is a seed corpus entry that failed when go test ran the
// target's corpus as tests, before fuzzing started: the crash committed
// earlier still fails.
type SeedFailure struct {
	Target, ID string
}

var seedFail = regexp.MustCompile(`^\s*--- FAIL: (Fuzz[^/\s]*)/([0-9a-f]{16,64}) \(`)

// SeedFailures lists the seed corpus entries that failed in output.
func SeedFailures(output string) []SeedFailure {
	var out []SeedFailure
	for _, l := range strings.Split(output, "\n") {
		if m := seedFail.FindStringSubmatch(l); m != nil {
			out = append(out, SeedFailure{Target: m[1], ID: m[2]})
		}
	}
	return out
}
