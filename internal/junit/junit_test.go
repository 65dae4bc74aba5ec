package junit

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/gotest"
	"dagger/go-build/internal/platform"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// pkgRun is one package's raw test binary output (test2json framing as
// -test.v=test2json prints it, with the ^V marker) and how it ended.
type pkgRun struct {
	pkg     string
	raw     string
	exit    int
	elapsed time.Duration
	build   string // compiler output: the package did not build
	noTests bool
}

// platformTests runs each package's output through gotest's own
// conversion, as the test function does.
func platformTests(t *testing.T, plat string, pkgs ...pkgRun) gotest.PlatformTests {
	t.Helper()
	run := gotest.PlatformRun{Platform: plat}
	var events []gotest.Event
	for _, p := range pkgs {
		var (
			r  gotest.Result
			ev []gotest.Event
		)
		switch {
		case p.noTests:
			r, ev = gotest.NoTestFiles(p.pkg)
		case p.build != "":
			r, ev = gotest.BuildFailure(p.pkg, p.build)
		default:
			r, ev = gotest.Convert(p.pkg, []byte(p.raw), p.exit, p.elapsed)
		}
		run.Results = append(run.Results, r)
		events = append(events, ev...)
	}
	js, err := gotest.EventsJSON(plat, events)
	if err != nil {
		t.Fatal(err)
	}
	return gotest.PlatformTests{Run: run, Events: js}
}

const (
	passing = "\x16=== RUN   TestHello\n\x16--- PASS: TestHello (0.01s)\n" +
		"\x16=== RUN   TestSkipped\n    hello_test.go:20: needs a network\n\x16--- SKIP: TestSkipped (0.00s)\n\x16PASS\n"
	endian = "\x16=== RUN   TestOrder\n\x16=== RUN   TestOrder/little\n    endian_test.go:14: got 0x0102, want 0x0201 <&>\n" +
		"\x16--- FAIL: TestOrder/little (0.00s)\n\x16--- FAIL: TestOrder (0.02s)\n\x16FAIL\n"
	crash = "\x16=== RUN   TestBoom\npanic: runtime error: index out of range [3] with length 3\n\ngoroutine 7 [running]:\n"
)

func goldenRuns(t *testing.T) []gotest.PlatformTests {
	return []gotest.PlatformTests{
		platformTests(t, "linux/amd64",
			pkgRun{pkg: "example.com/m/greet", raw: passing, elapsed: 120 * time.Millisecond},
			pkgRun{pkg: "example.com/m/endian", raw: "\x16=== RUN   TestOrder\n\x16=== RUN   TestOrder/little\n\x16--- PASS: TestOrder/little (0.00s)\n\x16--- PASS: TestOrder (0.00s)\n\x16PASS\n", elapsed: 50 * time.Millisecond},
			pkgRun{pkg: "example.com/m/cmd/tool", noTests: true},
		),
		platformTests(t, "linux/s390x",
			pkgRun{pkg: "example.com/m/greet", raw: passing, elapsed: 1500 * time.Millisecond},
			pkgRun{pkg: "example.com/m/endian", raw: endian, exit: 1, elapsed: 900 * time.Millisecond},
		),
		platformTests(t, "linux/arm/v7",
			pkgRun{pkg: "example.com/m/greet", raw: crash, exit: 2, elapsed: 300 * time.Millisecond},
			pkgRun{pkg: "example.com/m/endian", build: "# example.com/m/endian\nendian/order_arm.go:3:1: syntax error: non-declaration statement outside function body\n"},
			pkgRun{pkg: "example.com/m/qemu", raw: "qemu-arm: Could not open '/lib/ld-linux-armhf.so.3': No such file or directory\n", exit: 255, elapsed: 10 * time.Millisecond},
		),
		platformTests(t, "linux/amd64/v3",
			pkgRun{pkg: "example.com/m/greet", raw: "\x16FAIL\n", exit: 1, elapsed: 5 * time.Millisecond},
		),
	}
}

func TestGolden(t *testing.T) {
	got, err := Marshal(goldenRuns(t))
	if err != nil {
		t.Fatal(err)
	}
	validateShape(t, got)
	golden := filepath.Join("testdata", "report.xml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("report differs from %s (go test -run TestGolden -update rewrites it):\n%s", golden, got)
	}
}

func TestReport(t *testing.T) {
	doc, err := Report(goldenRuns(t))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 12 || doc.Failures != 3 || doc.Errors != 3 || doc.Skipped != 2 {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d, want 12 3 3 2", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	type want struct {
		suite, test, kind, message string
	}
	for _, w := range []want{
		{"example.com/m/greet.linux/amd64", "TestHello", "pass", ""},
		{"example.com/m/greet.linux/amd64", "TestSkipped", "skipped", "hello_test.go:20: needs a network"},
		{"example.com/m/endian.linux/s390x", "TestOrder/little", "failure", "Failed"},
		{"example.com/m/endian.linux/s390x", "TestOrder", "failure", "Failed"},
		{"example.com/m/greet.linux/arm/v7", "TestBoom", "error", "did not finish: the test binary exited during the test"},
		{"example.com/m/endian.linux/arm/v7", BuildFailedCase, "error", "build failed: endian/order_arm.go:3:1: syntax error: non-declaration statement outside function body"},
		{"example.com/m/qemu.linux/arm/v7", CrashedCase, "error", "qemu-arm: Could not open '/lib/ld-linux-armhf.so.3': No such file or directory"},
		{"example.com/m/greet.linux/amd64/v3", FailedCase, "failure", "FAIL (exit status 1)"},
	} {
		var found *Testcase
		for _, s := range doc.Suites {
			for i, c := range s.Cases {
				if s.Name == w.suite && c.Name == w.test {
					found = &s.Cases[i]
				}
			}
		}
		if found == nil {
			t.Errorf("no test case %s in suite %s", w.test, w.suite)
			continue
		}
		if found.Classname != w.suite {
			t.Errorf("%s: classname %q, want %q", w.test, found.Classname, w.suite)
		}
		kind, msg := "pass", ""
		switch {
		case found.Failure != nil:
			kind, msg = "failure", found.Failure.Message
		case found.Error != nil:
			kind, msg = "error", found.Error.Message
		case found.Skipped != nil:
			kind, msg = "skipped", found.Skipped.Message
		}
		if kind != w.kind || msg != w.message {
			t.Errorf("%s in %s: %s %q, want %s %q", w.test, w.suite, kind, msg, w.kind, w.message)
		}
	}
	// The failure carries the test's log, escaped in the XML.
	for _, s := range doc.Suites {
		if s.Name == "example.com/m/endian.linux/s390x" && !strings.Contains(s.Cases[1].Failure.Body, "want 0x0201 <&>") {
			t.Errorf("failure body lacks the log: %q", s.Cases[1].Failure.Body)
		}
	}
}

func TestProperties(t *testing.T) {
	doc, err := Report(goldenRuns(t))
	if err != nil {
		t.Fatal(err)
	}
	props := func(s Testsuite) string {
		var kv []string
		for _, p := range s.Properties {
			kv = append(kv, p.Name+"="+p.Value)
		}
		return strings.Join(kv, " ")
	}
	for name, want := range map[string]string{
		"example.com/m/greet.linux/amd64":    "platform=linux/amd64 package=example.com/m/greet GOOS=linux GOARCH=amd64 status=ok",
		"example.com/m/greet.linux/arm/v7":   "platform=linux/arm/v7 package=example.com/m/greet GOOS=linux GOARCH=arm variant=v7 status=crashed",
		"example.com/m/greet.linux/amd64/v3": "platform=linux/amd64/v3 package=example.com/m/greet GOOS=linux GOARCH=amd64 variant=v3 status=FAIL",
		"example.com/m/cmd/tool.linux/amd64": "platform=linux/amd64 package=example.com/m/cmd/tool GOOS=linux GOARCH=amd64 status=no test files",
	} {
		i := slices.IndexFunc(doc.Suites, func(s Testsuite) bool { return s.Name == name })
		if i < 0 {
			t.Errorf("no suite %s", name)
			continue
		}
		if got := props(doc.Suites[i]); got != want {
			t.Errorf("%s properties:\n got %s\nwant %s", name, got, want)
		}
	}
}

// TestSamePackageTwoPlatforms: a test of the same package on two platforms
// is two test cases that no reporter can merge (different classnames).
func TestSamePackageTwoPlatforms(t *testing.T) {
	doc, err := Report(goldenRuns(t)[:2])
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			key := c.Classname + " " + c.Name
			if seen[key] {
				t.Errorf("test case %s appears twice", key)
			}
			seen[key] = true
		}
	}
	if !seen["example.com/m/greet.linux/amd64 TestHello"] || !seen["example.com/m/greet.linux/s390x TestHello"] {
		t.Errorf("TestHello should be a case on each platform: %v", seen)
	}
}

func TestReportErrors(t *testing.T) {
	_, err := Report([]gotest.PlatformTests{{Run: gotest.PlatformRun{Platform: "plan9/mips"}}})
	if err == nil || !strings.Contains(err.Error(), `"plan9/mips"`) {
		t.Errorf("error = %v, want one naming the platform", err)
	}
	_, err = Report([]gotest.PlatformTests{{Run: gotest.PlatformRun{Platform: "linux/amd64"}, Events: []byte("{not json\n")}})
	if err == nil || !strings.Contains(err.Error(), "test events of linux/amd64") {
		t.Errorf("error = %v, want one naming the platform's events", err)
	}
}

// TestControlCharacters: output a test prints may hold bytes XML 1.0 does
// not allow (terminal escapes); the document stays well-formed.
func TestControlCharacters(t *testing.T) {
	runs := []gotest.PlatformTests{platformTests(t, "linux/amd64", pkgRun{
		pkg: "example.com/m", exit: 1, elapsed: time.Millisecond,
		raw: "\x16=== RUN   TestColour\n    c_test.go:1: \x1b[31mred\x1b[0m \x00\n\x16--- FAIL: TestColour (0.00s)\n\x16FAIL\n",
	})}
	got, err := Marshal(runs)
	if err != nil {
		t.Fatal(err)
	}
	validateShape(t, got)
}

// schema is the common JUnit XML shape (the Jenkins/Surefire schema that
// GitLab and the GitHub actions read): each element's allowed children,
// and the attributes it must have.
var schema = map[string]struct {
	children []string
	required []string
}{
	"testsuites": {[]string{"testsuite"}, nil},
	"testsuite":  {[]string{"properties", "testcase", "system-out", "system-err"}, []string{"name", "tests", "failures", "errors", "skipped", "time"}},
	"properties": {[]string{"property"}, nil},
	"property":   {nil, []string{"name", "value"}},
	"testcase":   {[]string{"failure", "error", "skipped", "system-out", "system-err"}, []string{"name", "classname", "time"}},
	"failure":    {nil, []string{"message"}},
	"error":      {nil, []string{"message"}},
	"skipped":    {nil, nil},
	"system-out": {nil, nil},
	"system-err": {nil, nil},
}

// validateShape checks doc against schema: the element tree, required
// attributes, numeric counts and times, and that each suite's counts are
// its cases'.
func shapeError(doc []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	type frame struct {
		name                             string
		tests, failures, errors, skipped int
		attrs                            map[string]string
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			rule, ok := schema[name]
			if !ok {
				return fmt.Errorf("element <%s> is not in the JUnit schema", name)
			}
			if len(stack) == 0 && name != "testsuites" {
				return fmt.Errorf("root element <%s>, want <testsuites>", name)
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1].name
				if !slices.Contains(schema[parent].children, name) {
					return fmt.Errorf("<%s> inside <%s>", name, parent)
				}
			}
			f := &frame{name: name, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				f.attrs[a.Name.Local] = a.Value
			}
			for _, a := range rule.required {
				if _, ok := f.attrs[a]; !ok {
					return fmt.Errorf("<%s> lacks attribute %s", name, a)
				}
			}
			for _, a := range []string{"tests", "failures", "errors", "skipped"} {
				if v, ok := f.attrs[a]; ok {
					if _, err := strconv.Atoi(v); err != nil {
						return fmt.Errorf("<%s %s=%q>: not a count", name, a, v)
					}
				}
			}
			if v, ok := f.attrs["time"]; ok {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					return fmt.Errorf("<%s time=%q>: not seconds", name, v)
				}
			}
			if name == "testcase" && len(stack) > 0 {
				stack[len(stack)-1].tests++
			}
			if len(stack) > 1 && stack[len(stack)-1].name == "testcase" {
				suite := stack[len(stack)-2]
				switch name {
				case "failure":
					suite.failures++
				case "error":
					suite.errors++
				case "skipped":
					suite.skipped++
				}
			}
			stack = append(stack, f)
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if f.name == "testsuite" {
				got := fmt.Sprintf("%d %d %d %d", f.tests, f.failures, f.errors, f.skipped)
				want := fmt.Sprintf("%s %s %s %s", f.attrs["tests"], f.attrs["failures"], f.attrs["errors"], f.attrs["skipped"])
				if got != want {
					return fmt.Errorf("suite %s counts tests/failures/errors/skipped %s, its cases %s", f.attrs["name"], want, got)
				}
			}
		}
	}
	return nil
}

// validateShape fails t when doc is not of the JUnit shape.
func validateShape(t *testing.T, doc []byte) {
	t.Helper()
	if err := shapeError(doc); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
}

// TestShapeCheck holds the shape check to documents it must refuse.
func TestShapeCheck(t *testing.T) {
	for doc, want := range map[string]string{
		`<testsuite name="x" tests="0" failures="0" errors="0" skipped="0" time="0"></testsuite>`:                                                                                                     "root element <testsuite>",
		`<testsuites><testcase name="a" classname="b" time="0"></testcase></testsuites>`:                                                                                                              "<testcase> inside <testsuites>",
		`<testsuites><testsuite name="x" tests="0" failures="0" errors="0" skipped="0"></testsuite></testsuites>`:                                                                                     "lacks attribute time",
		`<testsuites><testsuite name="x" tests="1" failures="0" errors="0" skipped="0" time="0"></testsuite></testsuites>`:                                                                            "counts tests/failures/errors/skipped 1 0 0 0, its cases 0 0 0 0",
		`<testsuites><testsuite name="x" tests="1" failures="0" errors="0" skipped="0" time="1s"><testcase name="a" classname="b" time="0"/></testsuite></testsuites>`:                                "not seconds",
		`<testsuites><testsuite name="x" tests="1" failures="0" errors="0" skipped="0" time="0"><testcase name="a" classname="b" time="0"><failure message="m"/></testcase></testsuite></testsuites>`: "its cases 1 1 0 0",
		`<testsuites><bogus/></testsuites>`: "element <bogus> is not in the JUnit schema",
		`<testsuites>`:                      "not well-formed XML",
	} {
		if err := shapeError([]byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("shapeError(%s) = %v, want %q", doc, err, want)
		}
	}
}

func TestClassname(t *testing.T) {
	if got := Classname("example.com/m/v2/pkg", platform.MustParse("linux/arm/v7")); got != "example.com/m/v2/pkg.linux/arm/v7" {
		t.Errorf("Classname = %q", got)
	}
	// Jenkins splits at the last dot: the package, then the platform.
	for _, p := range platform.Supported() {
		if strings.Contains(platform.MustParse(p).String(), ".") {
			t.Errorf("platform %s has a dot: Jenkins would split the classname inside it", p)
		}
	}
}
