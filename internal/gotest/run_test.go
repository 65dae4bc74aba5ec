package gotest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/platform"
)

// fixture is a small module exercising what a test run meets: passing,
// skipped and parallel tests, a failing test with subtests and a direct
// print, a package without tests, a panic, testdata/ read by relative path,
// two packages whose go test binaries are both util.test, and a package
// that only compiles on another OS.
var fixture = map[string]string{
	"go.mod": "module example.com/demo\n\ngo 1.22\n",
	"pass/p_test.go": `package pass

import "testing"

func TestOK(t *testing.T)   { t.Log("fine") }
func TestPar(t *testing.T)  { t.Parallel(); t.Log("par") }
func TestSkip(t *testing.T) { t.Skip("later") }
func BenchmarkX(b *testing.B) {}
`,
	"fail/f_test.go": `package fail

import (
	"fmt"
	"testing"
)

func TestGood(t *testing.T) { fmt.Println("direct print") }

func TestBad(t *testing.T) {
	t.Log("before")
	t.Run("sub ok", func(t *testing.T) { t.Log("quiet") })
	t.Run("sub/bad", func(t *testing.T) {
		t.Errorf("want %d, got %d\nsecond line", 1, 2)
	})
	t.Log("after")
}
`,
	"notests/n.go":        "package notests\n",
	"panics/p_test.go":    "package panics\n\nimport \"testing\"\n\nfunc TestPanic(t *testing.T) { panic(\"boom\") }\n",
	"data/d.go":           "package data\n",
	"data/testdata/x.txt": "hello\n",
	"data/d_test.go": `package data_test

import (
	"os"
	"testing"
)

func TestData(t *testing.T) {
	b, err := os.ReadFile("testdata/x.txt")
	if err != nil || string(b) != "hello\n" {
		t.Fatalf("testdata/x.txt = %q, %v", b, err)
	}
}
`,
	"a/util/u_test.go":          "package util\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n",
	"b/util/u_test.go":          "package util\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) {}\n",
	"winonly/w_windows_test.go": "package winonly\n\nimport \"testing\"\n\nfunc TestW(t *testing.T) {}\n",
}

func writeFixture(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// hostTarget is the platform the tests run on, as go-build names it.
func hostTarget(t *testing.T) platform.Target {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the end-to-end test needs a linux host")
	}
	p, err := platform.Parse("linux/" + runtime.GOARCH)
	if err != nil {
		t.Skipf("host platform: %v", err)
	}
	return p
}

// goEnv is the environment the go commands of the tests run with: the
// target's, and nothing from the user's go env that changes the build.
func goEnv(opts Options, target platform.Target) []string {
	return append(append(os.Environ(), "GOFLAGS=", "GOWORK=off"), opts.CompileEnv(target)...)
}

// TestEndToEnd lists, compiles and runs the fixture's tests the way the
// module does, with the command lines and script of this package and the
// local go command, and checks the results and events against go test's.
func TestEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	target := hostTarget(t)
	src := writeFixture(t, fixture)
	opts := Options{}
	env := goEnv(opts, target)

	// List.
	list := opts.ListCommand()
	cmd := exec.Command(list[0], list[1:]...)
	cmd.Dir, cmd.Env = src, env
	listOut, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(list, " "), err, stderrOf(err))
	}
	pkgs, err := opts.ParseList(string(listOut), src)
	if err != nil {
		t.Fatal(err)
	}
	wantPkgs := []Package{
		{"example.com/demo/a/util", "a/util", true},
		{"example.com/demo/b/util", "b/util", true},
		{"example.com/demo/data", "data", true},
		{"example.com/demo/fail", "fail", true},
		{"example.com/demo/notests", "notests", false},
		{"example.com/demo/panics", "panics", true},
		{"example.com/demo/pass", "pass", true},
	}
	if !slices.Equal(pkgs, wantPkgs) {
		t.Fatalf("packages =\n%+v\nwant\n%+v", pkgs, wantPkgs)
	}

	// Compile, with two util.test binaries in one run.
	bins := Manifest(target, pkgs)
	out := t.TempDir()
	script := opts.CompileScript(target, bins, out)
	cmd = exec.Command("sh", "-c", script)
	cmd.Dir, cmd.Env = src, env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile script: %v\n%s\n%s", err, b, script)
	}
	files := entryNames(t, out)
	built, failed := Built(bins, files)
	if len(failed) > 0 || len(built) != 6 || len(files) != 6 {
		t.Fatalf("built %v, failed %v, files %v", built, failed, files)
	}

	// Run each binary in its package directory and convert its output.
	results := map[string]Result{}
	events := map[string][]Event{}
	var order []Result
	for _, p := range pkgs {
		var (
			r  Result
			ev []Event
		)
		if !p.HasTests {
			r, ev = NoTestFiles(p.ImportPath)
		} else {
			i := slices.IndexFunc(bins, func(b Binary) bool { return b.Package == p.ImportPath })
			argv := opts.RunArgs(filepath.Join(out, bins[i].File))
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Dir = filepath.Join(src, filepath.FromSlash(bins[i].Dir))
			start := time.Now()
			raw, err := cmd.CombinedOutput()
			code := 0
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			r, ev = Convert(p.ImportPath, raw, code, time.Since(start))
		}
		results[p.ImportPath], events[p.ImportPath] = r, ev
		order = append(order, r)
	}

	check := func(pkg string, status Status, failedTests ...string) {
		t.Helper()
		r := results[pkg]
		if r.Status != status || !slices.Equal(r.FailedTests, failedTests) {
			t.Errorf("%s: status %v, failed tests %q; want %v, %q\noutput:\n%s", pkg, r.Status, r.FailedTests, status, failedTests, r.Output)
		}
	}
	check("example.com/demo/a/util", Pass)
	check("example.com/demo/b/util", Pass)
	check("example.com/demo/data", Pass)
	check("example.com/demo/fail", Fail, "TestBad/sub/bad")
	check("example.com/demo/notests", NoTests)
	check("example.com/demo/panics", Fail, "TestPanic")
	check("example.com/demo/pass", Pass)

	run := PlatformRun{Platform: target.String(), Results: order, Wall: 1500 * time.Millisecond}
	if got, want := run.Summary(), (Summary{Platform: target.String(), Passed: 4, Failed: 2, NoTests: 1, Wall: run.Wall}); got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
	errWant := "tests failed: " + target.String() + ": example.com/demo/fail: TestBad/sub/bad; " + target.String() + ": example.com/demo/panics: TestPanic"
	if err := FailureError([]PlatformRun{run}); !errors.Is(err, ErrTestsFailed) || err.Error() != errWant {
		t.Errorf("FailureError = %v\nwant %s", err, errWant)
	}

	// go test prints the same lines, up to times and panic addresses.
	patterns := []string{"./a/util", "./b/util", "./data", "./fail", "./notests", "./panics", "./pass"}
	gotest := exec.Command("go", append([]string{"test", "-count=1", "-p=1"}, patterns...)...)
	gotest.Dir, gotest.Env = src, env
	want, _ := gotest.CombinedOutput()
	if got := GoTestLines(order); normalize(got) != normalize(string(want)) {
		t.Errorf("GoTestLines =\n%s\ngo test printed\n%s", got, want)
	}

	// go test -json reports the same events.
	gotest = exec.Command("go", append([]string{"test", "-json", "-count=1", "-p=1"}, patterns...)...)
	gotest.Dir, gotest.Env = src, env
	jsonOut, _ := gotest.Output()
	wantEvents := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(jsonOut))
	for sc.Scan() {
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("go test -json line %q: %v", sc.Text(), err)
		}
		wantEvents[e.Package] = append(wantEvents[e.Package], eventKey(e))
	}
	for _, p := range pkgs {
		var got []string
		for _, e := range events[p.ImportPath] {
			got = append(got, eventKey(e))
		}
		if len(wantEvents[p.ImportPath]) < 3 || !slices.Equal(got, wantEvents[p.ImportPath]) {
			t.Errorf("%s events:\n%s\ngo test -json:\n%s", p.ImportPath, strings.Join(got, "\n"), strings.Join(wantEvents[p.ImportPath], "\n"))
		}
	}
	js, err := EventsJSON(target.String(), events["example.com/demo/fail"])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(js, []byte(`{"Action":"fail","Package":"example.com/demo/fail","Test":"TestBad/sub/bad","Elapsed":0,"Platform":"`+target.String()+`"}`+"\n")) {
		t.Errorf("EventsJSON lacks the subtest's fail event:\n%s", js)
	}
}

var (
	timePattern    = regexp.MustCompile(`\d+\.\d+s`)
	addressPattern = regexp.MustCompile(`0x[0-9a-f]+\??|goroutine \d+|\+0x[0-9a-f]+`)
)

// normalize blanks what differs between two runs of the same tests.
func normalize(s string) string {
	return addressPattern.ReplaceAllString(timePattern.ReplaceAllString(s, "T"), "A")
}

// eventKey is an event without its time, with times and addresses of its
// output blanked.
func eventKey(e Event) string {
	return e.Action + " " + e.Test + " " + strings.TrimSpace(e.FailedBuild) + " " + normalize(e.Output)
}

func stderrOf(err error) string {
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}

// TestCompileScriptBuildFailure checks that a package that does not compile
// leaves the others built, its errors on stderr and the script failing.
func TestCompileScriptBuildFailure(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	target := hostTarget(t)
	src := writeFixture(t, map[string]string{
		"go.mod":            "module example.com/m/v2\n\ngo 1.22\n",
		"m_test.go":         "package m\n\nimport \"testing\"\n\nfunc TestRoot(t *testing.T) {}\n",
		"broken/b_test.go":  "package broken\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) { undefined() }\n",
		"ok/o_test.go":      "package ok\n\nimport \"testing\"\n\nfunc TestO(t *testing.T) {}\n",
		"x/ok/o_test.go":    "package ok\n\nimport \"testing\"\n\nfunc TestO(t *testing.T) {}\n",
		"x/ok/more_test.go": "package ok_test\n\nimport \"testing\"\n\nfunc TestMore(t *testing.T) {}\n",
	})
	pkgs := []Package{
		{"example.com/m/v2", ".", true},
		{"example.com/m/v2/broken", "broken", true},
		{"example.com/m/v2/ok", "ok", true},
		{"example.com/m/v2/x/ok", "x/ok", true},
	}
	opts := Options{Tags: []string{"demo"}}
	bins := Manifest(target, pkgs)
	out := filepath.Join(t.TempDir(), "bin")
	cmd := exec.Command("sh", "-c", opts.CompileScript(target, bins, out))
	cmd.Dir, cmd.Env = src, goEnv(opts, target)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("script: %v, want exit status 1\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "undefined: undefined") {
		t.Errorf("stderr lacks the compile error:\n%s", stderr.String())
	}
	entries, _ := os.ReadDir(out)
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	built, failed := Built(bins, files)
	if len(built) != 3 || len(failed) != 1 || failed[0].Package != "example.com/m/v2/broken" {
		t.Fatalf("built %v failed %v (files %v)", built, failed, files)
	}
	if len(files) != 3 {
		t.Errorf("output directory holds %v, want the 3 binaries only", files)
	}
	r, ev := BuildFailure(failed[0].Package, BuildOutput(stderr.String(), failed[0].Package))
	if r.Status != BuildFailed || !strings.HasPrefix(r.Output, "# example.com/m/v2/broken [example.com/m/v2/broken.test]\n") {
		t.Errorf("build failure result %+v", r)
	}
	if r.Reason != "build failed: broken/b_test.go:5:28: undefined: undefined" {
		t.Errorf("reason = %q", r.Reason)
	}
	if last := ev[len(ev)-1]; last.Action != "fail" || last.FailedBuild != "example.com/m/v2/broken" {
		t.Errorf("last event %+v", last)
	}
	if got := GoTestLines([]Result{r}); !strings.HasSuffix(got, "FAIL\texample.com/m/v2/broken [build failed]\nFAIL\n") {
		t.Errorf("GoTestLines = %q", got)
	}
}

// TestCrashedBinary runs binaries that cannot run the way they fail in a
// container: the loader of a foreign binary missing under qemu, and a file
// that is not an executable at all.
func TestCrashedBinary(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	qemu := filepath.Join(dir, "qemu.test")
	if err := os.WriteFile(qemu, []byte("#!/bin/sh\necho \"qemu-arm: Could not open '/lib/ld-linux.so.3': No such file or directory\" >&2\nexit 255\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.test")
	if err := os.WriteFile(garbage, []byte("\x7fELF\x00garbage"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		bin        string
		wantReason string
	}{
		{qemu, "qemu-arm: Could not open '/lib/ld-linux.so.3': No such file or directory"},
		{garbage, "garbage.test"},
	} {
		argv := Options{}.RunShellArgs(tt.bin)
		raw, err := exec.Command(argv[0], argv[1:]...).Output() // stderr is merged by the shell
		ee := (*exec.ExitError)(nil)
		if !errors.As(err, &ee) {
			t.Fatalf("%s: %v, want a non-zero exit", tt.bin, err)
		}
		r, ev := Convert("example.com/m/arm", raw, ee.ExitCode(), 20*time.Millisecond)
		if r.Status != Crashed || !strings.Contains(r.Reason, tt.wantReason) || r.Output != string(raw) {
			t.Errorf("%s: result %+v, want crashed because %q", tt.bin, r, tt.wantReason)
		}
		if last := ev[len(ev)-1]; last.Action != "fail" || last.Test != "" {
			t.Errorf("%s: last event %+v, want the package's fail", tt.bin, last)
		}
		lines := GoTestLines([]Result{r})
		if want := string(raw) + "FAIL\texample.com/m/arm\t0.020s\nFAIL\n"; lines != want {
			t.Errorf("%s: GoTestLines = %q, want %q", tt.bin, lines, want)
		}
	}
}

// entryNames lists the names in dir, as Built takes them.
func entryNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
