// Package junit renders go-build's per-platform test runs as JUnit XML, the
// report format GitLab, Jenkins and GitHub's test-report actions read.
//
// The layout is one <testsuite> per platform and package. Every reporter
// keys a test by its classname and name (GitLab ignores the suite names and
// groups by job; Jenkins builds its package/class tree from the classname
// alone; the GitHub actions annotate with classname and name), so the
// platform has to be in the classname or the same test on two platforms
// collapses into one. The classname is "<import path>.<platform>": Jenkins
// splits a classname at its last dot, and a platform has no dot, so Jenkins
// shows the import path as the package and the platform as the class, and
// GitLab and GitHub show both. A suite per package (rather than one per
// platform) carries the package's own time and properties, and gives a
// package that did not compile or crashed outside any test a failing
// test case of its own, so no reporter shows it green.
package junit

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"dagger/go-build/internal/gotest"
	"dagger/go-build/internal/platform"
)

// Testsuites is the document's root element.
type Testsuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Suites   []Testsuite `xml:"testsuite"`
}

// Testsuite is one package's tests on one platform.
type Testsuite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       string     `xml:"time,attr"`
	Properties []Property `xml:"properties>property,omitempty"`
	Cases      []Testcase `xml:"testcase"`
	SystemOut  *CharData  `xml:"system-out,omitempty"`
}

// Property is a name and value of a suite.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Testcase is one test (or subtest) run.
type Testcase struct {
	Name      string  `xml:"name,attr"`
	Classname string  `xml:"classname,attr"`
	Time      string  `xml:"time,attr"`
	Failure   *Result `xml:"failure,omitempty"`
	Error     *Result `xml:"error,omitempty"`
	Skipped   *Result `xml:"skipped,omitempty"`
}

// Result is a failure, error or skip: a one-line message and the output.
type Result struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// CharData is an element's text.
type CharData struct {
	Text string `xml:",chardata"`
}

// Package-level test case names, for a package that failed outside any
// test: these are not Go test names (which start with Test, Example or
// Fuzz), so they cannot clash with one.
const (
	BuildFailedCase = "[build failed]"
	CrashedCase     = "[crashed]"
	FailedCase      = "[package failed]"
)

// Report is the JUnit document of runs, in their order: each platform's
// packages in the order of its results. A run's Events must be
// gotest.EventsJSON's stream for its Results.
func Report(runs []gotest.PlatformTests) (Testsuites, error) {
	doc := Testsuites{Name: "go-build test"}
	var total time.Duration
	for _, run := range runs {
		t, err := platform.Parse(run.Run.Platform)
		if err != nil {
			return Testsuites{}, fmt.Errorf("junit: platform %q of a test run: %w", run.Run.Platform, err)
		}
		events, err := decode(run.Events)
		if err != nil {
			return Testsuites{}, fmt.Errorf("junit: test events of %s: %w", t, err)
		}
		for _, r := range run.Run.Results {
			s := suite(t, r, events[r.Package])
			doc.Tests += s.Tests
			doc.Failures += s.Failures
			doc.Errors += s.Errors
			doc.Skipped += s.Skipped
			total += r.Elapsed
			doc.Suites = append(doc.Suites, s)
		}
	}
	doc.Time = seconds(total.Seconds())
	return doc, nil
}

// Marshal is Report's document as indented XML with its header.
func Marshal(runs []gotest.PlatformTests) ([]byte, error) {
	doc, err := Report(runs)
	if err != nil {
		return nil, err
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("junit: encode: %w", err)
	}
	return append(append([]byte(xml.Header), b...), '\n'), nil
}

// Classname is the classname of importPath's tests on t.
func Classname(importPath string, t platform.Target) string {
	return importPath + "." + t.String()
}

// decode reads a go test -json stream into each package's events.
func decode(stream []byte) (map[string][]gotest.Event, error) {
	out := map[string][]gotest.Event{}
	dec := json.NewDecoder(bytes.NewReader(stream))
	for dec.More() {
		var e gotest.Event
		if err := dec.Decode(&e); err != nil {
			return nil, err
		}
		out[e.Package] = append(out[e.Package], e)
	}
	return out, nil
}

// caseState collects one test's events.
type caseState struct {
	name    string
	action  string
	elapsed float64
	output  strings.Builder
}

func suite(t platform.Target, r gotest.Result, events []gotest.Event) Testsuite {
	class := Classname(r.Package, t)
	s := Testsuite{
		Name: class,
		Time: seconds(r.Elapsed.Seconds()),
		Properties: []Property{
			{"platform", t.String()},
			{"package", r.Package},
			{"GOOS", t.GOOS},
			{"GOARCH", t.GOARCH},
		},
	}
	if t.Variant != "" {
		s.Properties = append(s.Properties, Property{"variant", t.Variant})
	}
	s.Properties = append(s.Properties, Property{"status", r.Status.String()})

	var (
		order  []*caseState
		byName = map[string]*caseState{}
		pkgOut strings.Builder
	)
	get := func(name string) *caseState {
		c := byName[name]
		if c == nil {
			c = &caseState{name: name}
			byName[name] = c
			order = append(order, c)
		}
		return c
	}
	for _, e := range events {
		if e.Test == "" {
			if e.Action == "output" {
				pkgOut.WriteString(e.Output)
			}
			continue
		}
		c := get(e.Test)
		switch e.Action {
		case "output":
			c.output.WriteString(e.Output)
		case "pass", "fail", "skip":
			c.action = e.Action
			if e.Elapsed != nil {
				c.elapsed = *e.Elapsed
			}
		}
	}
	for _, c := range order {
		tc := Testcase{Name: c.name, Classname: class, Time: seconds(c.elapsed)}
		out := c.output.String()
		switch c.action {
		case "fail":
			tc.Failure = &Result{Message: "Failed", Body: out}
			s.Failures++
		case "skip":
			tc.Skipped = &Result{Message: skipMessage(out)}
			s.Skipped++
		case "":
			// Started but never reported: the binary died in it.
			tc.Error = &Result{Message: "did not finish: the test binary exited during the test", Body: out}
			s.Errors++
		}
		s.Cases = append(s.Cases, tc)
	}
	// A package that failed without any failed test case still fails.
	if r.Failed() && s.Failures == 0 && s.Errors == 0 {
		tc := Testcase{Classname: class, Time: seconds(r.Elapsed.Seconds())}
		switch r.Status {
		case gotest.BuildFailed:
			tc.Name = BuildFailedCase
			tc.Error = &Result{Message: r.Reason, Type: "build", Body: r.Output}
			s.Errors++
		case gotest.Crashed:
			tc.Name = CrashedCase
			tc.Error = &Result{Message: r.Reason, Type: "crash", Body: r.Output}
			s.Errors++
		default:
			tc.Name = FailedCase
			tc.Failure = &Result{Message: "FAIL (exit status " + strconv.Itoa(r.ExitCode) + ")", Body: r.Output}
			s.Failures++
		}
		s.Cases = append(s.Cases, tc)
	}
	s.Tests = len(s.Cases)
	if out := pkgOut.String(); out != "" {
		s.SystemOut = &CharData{Text: out}
	}
	return s
}

// skipMessage is the reason a skipped test gave (t.Skip's log), without
// the framing lines and indentation, on one line.
func skipMessage(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- ") {
			continue
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return "skipped"
	}
	return strings.Join(lines, " ")
}

// seconds formats a time attribute: seconds with millisecond precision.
func seconds(s float64) string {
	return strconv.FormatFloat(s, 'f', 3, 64)
}
