package gotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrTestsFailed is wrapped by FailureError.
var ErrTestsFailed = errors.New("tests failed")

// NoTestFiles is the result and events of a package without test files,
// as go test -json reports it: nothing is compiled or run.
func NoTestFiles(importPath string) (Result, []Event) {
	zero := 0.0
	return Result{Package: importPath, Status: NoTests}, []Event{
		{Action: "start", Package: importPath},
		{Action: "output", Package: importPath, Output: "?   \t" + importPath + "\t[no test files]\n"},
		{Action: "skip", Package: importPath, Elapsed: &zero},
	}
}

// BuildFailure is the result and events of a package whose test binary did
// not compile; output is the compiler's (see BuildOutput), which go test
// prints on stderr and -json reports in build-output events.
func BuildFailure(importPath, output string) (Result, []Event) {
	zero := 0.0
	reason := "build failed"
	for _, l := range strings.Split(output, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			reason = "build failed: " + l
			break
		}
	}
	events := []Event{{Action: "start", Package: importPath}}
	if output != "" {
		events = append(events, Event{Action: "output", Package: importPath, Output: ensureNewline(output)})
	}
	events = append(events,
		Event{Action: "output", Package: importPath, Output: "FAIL\t" + importPath + " [build failed]\n"},
		Event{Action: "fail", Package: importPath, Elapsed: &zero, FailedBuild: importPath},
	)
	return Result{Package: importPath, Status: BuildFailed, Output: output, ExitCode: 1, Reason: reason}, events
}

// GoTestLines renders results as go test without -v prints them: one line a
// package, a failed package's output before its FAIL line, and a last FAIL
// line when any package failed.
func GoTestLines(results []Result) string {
	var b strings.Builder
	failed := false
	for _, r := range results {
		secs := fmt.Sprintf("%.3fs", r.Elapsed.Seconds())
		switch r.Status {
		case Pass:
			suffix := ""
			if r.NoTestsToRun {
				suffix = " [no tests to run]"
			}
			fmt.Fprintf(&b, "ok  \t%s\t%s%s\n", r.Package, secs, suffix)
		case NoTests:
			fmt.Fprintf(&b, "?   \t%s\t[no test files]\n", r.Package)
		case BuildFailed:
			failed = true
			b.WriteString(ensureNewline(r.Output))
			fmt.Fprintf(&b, "FAIL\t%s [build failed]\n", r.Package)
		default:
			failed = true
			b.WriteString(ensureNewline(r.Output))
			fmt.Fprintf(&b, "FAIL\t%s\t%s\n", r.Package, secs)
		}
	}
	if failed {
		b.WriteString("FAIL\n")
	}
	return b.String()
}

func ensureNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// PlatformRun is every package's result on one platform.
type PlatformRun struct {
	Platform string
	Results  []Result
	// Wall is the platform's time from compile start to the last binary's
	// exit, as the caller measured it.
	Wall time.Duration
}

// Summary counts one platform's packages by outcome.
type Summary struct {
	Platform string
	Passed   int
	// Failed counts failed, crashed and uncompilable packages.
	Failed  int
	NoTests int
	Wall    time.Duration
}

// Summary counts p's results.
func (p PlatformRun) Summary() Summary {
	s := Summary{Platform: p.Platform, Wall: p.Wall}
	for _, r := range p.Results {
		switch {
		case r.Status == Pass:
			s.Passed++
		case r.Status == NoTests:
			s.NoTests++
		case r.Failed():
			s.Failed++
		}
	}
	return s
}

// Table renders summaries as a plain text table for a log or a terminal
// without colours: platforms left aligned, counts and times right aligned
// under their headings, columns two spaces apart.
func Table(summaries []Summary) string {
	rows := [][]string{{"PLATFORM", "PASSED", "FAILED", "NO TESTS", "WALL"}}
	for _, s := range summaries {
		rows = append(rows, []string{s.Platform, strconv.Itoa(s.Passed), strconv.Itoa(s.Failed), strconv.Itoa(s.NoTests), wall(s.Wall)})
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], len(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		fmt.Fprintf(&b, "%-*s", widths[0], row[0])
		for i, cell := range row[1:] {
			fmt.Fprintf(&b, "  %*s", widths[i+1], cell)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// wall formats a duration to a tenth of a second, the precision that
// matters for a platform's wall time.
func wall(d time.Duration) string {
	return d.Round(100 * time.Millisecond).String()
}

// FailureError names every failing platform, package and test, or is nil
// when every package passed (or had no tests):
//
//	tests failed: linux/s390x: example.com/m/endian: TestLittleEndian; linux/arm/v7: example.com/m: crashed: ...
func FailureError(runs []PlatformRun) error {
	var items []string
	for _, p := range runs {
		for _, r := range p.Results {
			if !r.Failed() {
				continue
			}
			var what string
			switch {
			case r.Status == Fail && len(r.FailedTests) > 0:
				what = strings.Join(r.FailedTests, ", ")
			case r.Status == Fail:
				what = fmt.Sprintf("FAIL (exit status %d)", r.ExitCode)
			case r.Status == BuildFailed:
				what = r.Reason
			default:
				what = fmt.Sprintf("crashed with exit status %d: %s", r.ExitCode, r.Reason)
			}
			items = append(items, p.Platform+": "+r.Package+": "+what)
		}
	}
	if len(items) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrTestsFailed, strings.Join(items, "; "))
}

// EventsJSON renders one platform's events as go test -json does: one JSON
// object a line. Each platform gets its own stream (a file per platform)
// rather than one merged stream, because go test -json consumers key tests
// by Package and Test and would merge the same package's runs on different
// platforms; Platform is still set on every event for readers that combine
// streams.
func EventsJSON(platform string, events []Event) ([]byte, error) {
	var b []byte
	for _, e := range events {
		e.Platform = platform
		js, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("encode test event of %s on %s: %w", e.Package, platform, err)
		}
		b = append(append(b, js...), '\n')
	}
	return b, nil
}

// PlatformTests is one platform's test run: its results, and its go test
// -json event stream (EventsJSON's).
type PlatformTests struct {
	Run    PlatformRun
	Events []byte
}

// Report renders the runs, in their order: go test's lines for each
// platform under a "== <platform>" heading, then the summary Table; or,
// with jsonEvents, every platform's event stream in turn. It fails when
// any package failed on any platform: the error (FailureError's, wrapping
// ErrTestsFailed) names each platform, package and test, and holds the
// report too, since a failed Dagger function's result is not shown.
func Report(runs []PlatformTests, jsonEvents bool) (string, error) {
	var (
		out       strings.Builder
		plain     []PlatformRun
		summaries []Summary
	)
	for _, r := range runs {
		plain = append(plain, r.Run)
		summaries = append(summaries, r.Run.Summary())
	}
	if jsonEvents {
		for _, r := range runs {
			out.Write(r.Events)
		}
	} else {
		for _, r := range runs {
			fmt.Fprintf(&out, "== %s\n%s\n", r.Run.Platform, GoTestLines(r.Run.Results))
		}
		out.WriteString(Table(summaries))
	}
	if err := FailureError(plain); err != nil {
		return "", fmt.Errorf("%w\n\n%s", err, out.String())
	}
	return out.String(), nil
}
