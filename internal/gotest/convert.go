package gotest

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Status is a package's outcome on one platform.
type Status int

const (
	// Pass: the test binary exited 0.
	Pass Status = iota
	// Fail: tests failed (or the binary reported FAIL, e.g. from TestMain).
	Fail
	// NoTests: the package has no test files; nothing was compiled or run.
	NoTests
	// BuildFailed: the test binary did not compile.
	BuildFailed
	// Crashed: the binary exited non-zero without reporting a failure: it
	// could not start (exec format error, a missing loader under qemu), was
	// killed, timed out, or panicked outside a test.
	Crashed
)

// String is the status as a word for reports.
func (s Status) String() string {
	switch s {
	case Pass:
		return "ok"
	case Fail:
		return "FAIL"
	case NoTests:
		return "no test files"
	case BuildFailed:
		return "build failed"
	case Crashed:
		return "crashed"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Result is one package's outcome on one platform.
type Result struct {
	Package string
	Status  Status
	// Elapsed is the test binary's run time as the caller measured it.
	Elapsed time.Duration
	// FailedTests are the failed tests without a failed subtest of their
	// own: the most precise names to pass to -run, in the order they failed.
	FailedTests []string
	// Output is what go test without -v prints for a failed package before
	// its FAIL line: direct prints, and the log of failed tests only. Empty
	// when the package passed.
	Output string
	// ExitCode is the test binary's exit status.
	ExitCode int
	// NoTestsToRun says the binary ran no test (-run matched none): go test
	// then appends " [no tests to run]" to the ok line.
	NoTestsToRun bool
	// Reason is one line saying why a Crashed or BuildFailed package failed.
	Reason string
}

// Failed reports whether r counts as a failure.
func (r Result) Failed() bool {
	return r.Status == Fail || r.Status == BuildFailed || r.Status == Crashed
}

// Event is one go test -json event (see go doc test2json), plus the
// platform it ran on.
//
// Time is left out by Convert: the output is converted after the binary
// exited, so there is no honest time for each line. Consumers of go test
// -json (gotestsum, tparse) read events without it.
type Event struct {
	Time        *time.Time `json:",omitempty"`
	Action      string
	Package     string   `json:",omitempty"`
	Test        string   `json:",omitempty"`
	Elapsed     *float64 `json:",omitempty"`
	Output      string   `json:",omitempty"`
	FailedBuild string   `json:",omitempty"`
	Key         string   `json:",omitempty"`
	Value       string   `json:",omitempty"`
	Path        string   `json:",omitempty"`
	// Platform is the target platform, set by EventsJSON; go test has no
	// such field, and its consumers ignore it.
	Platform string `json:",omitempty"`
}

const marker = 0x16 // ^V, which -test.v=test2json puts before framing lines

// Framing lines of the testing package in -test.v=test2json mode.
var (
	updatePrefixes = []string{
		"=== RUN   ", "=== PAUSE ", "=== CONT  ", "=== NAME  ", "=== PASS  ",
		"=== FAIL  ", "=== SKIP  ", "=== ATTR  ", "=== ARTIFACTS ",
	}
	reportPrefixes = []string{"--- PASS: ", "--- FAIL: ", "--- SKIP: ", "--- BENCH: "}
	noTestsToRun   = "\ntesting: warning: no tests to run\n"
)

// Convert turns the raw, combined stdout and stderr of one test binary run
// with RunArgs into go test's result and JSON events, doing what go test
// -json does around a test binary (cmd/go and cmd/internal/test2json): a
// start event, run/pause/cont/pass/fail/skip events from the framing lines,
// output events for every line, go test's own "ok" or "FAIL" line, and the
// package's final pass or fail event with elapsed.
//
// Only lines starting with the ^V marker are read as framing, so a test that
// prints "--- FAIL: x" itself does not confuse the result. Output lines are
// not split at 1 KiB as test2json does.
func Convert(importPath string, raw []byte, exitCode int, elapsed time.Duration) (Result, []Event) {
	c := &converter{pkg: importPath, tests: map[string]*quietTest{}}
	c.emit(Event{Action: "start"})

	secs := fmt.Sprintf("%.3fs", elapsed.Seconds())
	in := bytes.Clone(raw)
	norun := exitCode == 0 && (bytes.HasPrefix(raw, []byte(noTestsToRun[1:])) || bytes.Contains(raw, []byte(noTestsToRun)))
	var trailer string
	switch {
	case exitCode == 0:
		if len(in) > 0 && in[len(in)-1] != '\n' {
			in = append(in, '\n')
		}
		suffix := ""
		if norun {
			suffix = " [no tests to run]"
		}
		trailer = "ok  \t" + importPath + "\t" + secs + suffix + "\n"
	default:
		if len(in) == 0 {
			// As go test: without output, say how the binary ended.
			in = fmt.Appendf(in, "exit status %d\n", exitCode)
		} else if in[len(in)-1] != '\n' {
			in = append(in, '\n')
		}
		trailer = "\x16FAIL\t" + importPath + "\t" + secs + "\n"
	}
	c.feed(in)
	binaryFailed := c.result == "fail"
	quiet := c.quiet.String()
	c.feed([]byte(trailer))
	c.flushReports()

	final := "pass"
	if exitCode != 0 {
		final = "fail"
	}
	el := elapsed.Round(time.Millisecond).Seconds()
	c.emit(Event{Action: final, Elapsed: &el})

	r := Result{
		Package:      importPath,
		Elapsed:      elapsed,
		FailedTests:  leafFailures(c.failed),
		ExitCode:     exitCode,
		NoTestsToRun: norun,
	}
	switch {
	case exitCode == 0:
		r.Status = Pass
	case len(c.failed) > 0 || binaryFailed:
		r.Status, r.Output = Fail, quiet
	default:
		r.Status, r.Output = Crashed, quiet
		r.Reason = crashReason(quiet, exitCode)
	}
	return r, c.events
}

// converter holds the state of one conversion.
type converter struct {
	pkg      string
	events   []Event
	testName string  // the test output lines are attributed to
	pending  []Event // pass/fail/skip reports, emitted at the next framing line
	result   string  // "pass" or "fail" once the binary printed PASS or FAIL
	failed   []string

	// quiet is the output go test prints without -v, rebuilt as the
	// testing package does in non-verbose mode: t.Log lines are buffered
	// per test and printed after the test's "--- FAIL" line, nested under
	// its parent; passing tests' logs and the framing lines are dropped.
	quiet strings.Builder
	tests map[string]*quietTest
}

type quietTest struct {
	parent *quietTest
	buf    strings.Builder
	done   bool
}

func (c *converter) emit(e Event) {
	e.Package = c.pkg
	if e.Test == "" && e.Action != "start" {
		e.Test = c.testName
	}
	c.events = append(c.events, e)
}

func (c *converter) output(line string) {
	c.emit(Event{Action: "output", Output: line})
}

// feed splits b into lines as test2json does: at each newline, and before
// a marker in the middle of a line (framing printed after a partial line).
func (c *converter) feed(b []byte) {
	for len(b) > 0 {
		end := len(b)
		for i, ch := range b {
			if ch == '\n' {
				end = i + 1
				break
			}
			if ch == marker && i > 0 {
				end = i
				break
			}
		}
		c.line(string(b[:end]))
		b = b[end:]
	}
}

// line handles one line, with its newline if it has one.
func (c *converter) line(line string) {
	if line[0] != marker {
		c.output(line)
		c.quietLine(line)
		return
	}
	line = line[1:]
	trim := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if trim == "=== NAME" { // trailing spaces of an empty name can be lost
		line, trim = "=== NAME  \n", "=== NAME  "
	}

	if trim == "PASS" || trim == "FAIL" || strings.HasPrefix(trim, "FAIL\t") {
		c.flushReports()
		c.output(line)
		c.quiet.WriteString(line)
		c.result = "fail"
		if trim == "PASS" {
			c.result = "pass"
		}
		return
	}

	for _, p := range reportPrefixes {
		if !strings.HasPrefix(trim, p) {
			continue
		}
		action := strings.ToLower(strings.TrimSuffix(p[len("--- "):], ": "))
		name := trim[len(p):]
		e := Event{Action: action}
		if i := strings.Index(name, " ("); i >= 0 {
			if strings.HasSuffix(name, "s)") {
				if d, err := strconv.ParseFloat(name[i+2:len(name)-2], 64); err == nil {
					e.Elapsed = &d
				}
			}
			name = name[:i]
		}
		c.flushReports()
		e.Test = name
		c.testName = name
		c.pending = append(c.pending, e)
		c.output(line)
		c.quietReport(name, action, line)
		return
	}

	for _, p := range updatePrefixes {
		if !strings.HasPrefix(trim, p) {
			continue
		}
		action := strings.ToLower(strings.TrimSpace(p[len("=== "):]))
		name := strings.TrimSpace(trim[len(p):])
		e := Event{Action: action}
		switch action {
		case "attr":
			var rest string
			name, rest, _ = strings.Cut(name, " ")
			e.Key, e.Value, _ = strings.Cut(rest, " ")
		case "artifacts":
			name, e.Path, _ = strings.Cut(name, " ")
		}
		c.flushReports()
		c.testName = name
		switch action {
		case "name": // only names the test of the next lines
		case "pause":
			c.output(line)
			c.emit(e)
		default:
			c.emit(e)
			c.output(line)
		}
		if action == "run" {
			c.quietRun(name)
		}
		return
	}
	c.output(line)
	c.quietLine(line)
}

// flushReports emits the pending test reports, innermost first.
func (c *converter) flushReports() {
	c.testName = ""
	for len(c.pending) > 0 {
		e := c.pending[len(c.pending)-1]
		c.pending = c.pending[:len(c.pending)-1]
		if e.Action == "fail" {
			c.failed = append(c.failed, e.Test)
		}
		c.emit(e)
	}
}

// quietRun starts buffering the log of a test, under the innermost running
// test it is a subtest of.
func (c *converter) quietRun(name string) {
	t := &quietTest{}
	best := ""
	for n, p := range c.tests {
		if !p.done && strings.HasPrefix(name, n+"/") && len(n) > len(best) {
			best, t.parent = n, p
		}
	}
	c.tests[name] = t
}

// quietLine places an output line: t.Log lines (indented by the testing
// package) of a running test go to its buffer; anything else, such as
// fmt.Println from a test or a panic, was printed directly.
func (c *converter) quietLine(line string) {
	if t := c.tests[c.testName]; t != nil && !t.done && strings.HasPrefix(line, "    ") {
		t.buf.WriteString(line)
		return
	}
	c.quiet.WriteString(line)
}

// quietReport ends a test: a failed test's report line and log move to its
// parent, indented one level, or to the output for a top-level test.
func (c *converter) quietReport(name, action, line string) {
	t := c.tests[name]
	if t == nil {
		t = &quietTest{}
	}
	t.done = true
	if action != "fail" {
		return
	}
	chunk := line + t.buf.String()
	if t.parent != nil && !t.parent.done {
		for _, l := range strings.SplitAfter(chunk, "\n") {
			if l != "" {
				t.parent.buf.WriteString("    " + l)
			}
		}
		return
	}
	c.quiet.WriteString(chunk)
}

// leafFailures drops failed tests that have a failed subtest: the subtest
// names the failure more precisely.
func leafFailures(failed []string) []string {
	var out []string
	for _, f := range failed {
		leaf := true
		for _, g := range failed {
			if strings.HasPrefix(g, f+"/") {
				leaf = false
				break
			}
		}
		if leaf {
			out = append(out, f)
		}
	}
	return out
}

// crashReason is the line of a crashed binary's output that says why: a Go
// panic or fatal error, else the first line (an exec or qemu error), else
// the exit status.
func crashReason(output string, exitCode int) string {
	var first string
	for _, l := range strings.Split(output, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			return l
		}
		if first == "" {
			first = l
		}
	}
	if first == "" {
		first = fmt.Sprintf("exit status %d", exitCode)
	}
	return first
}
