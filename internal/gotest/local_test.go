package gotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/platform"
)

// goTool skips t when there is no go command to compile fixtures with.
func goTool(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
}

// canRun skips t unless this machine runs t's binaries: natively or through
// a registered qemu binfmt handler.
func canRun(t *testing.T, target platform.Target) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("test binaries run on Linux")
	}
	if target.GOARCH == runtime.GOARCH {
		return
	}
	qemu := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "arm": "arm", "s390x": "s390x", "ppc64le": "ppc64le", "riscv64": "riscv64", "386": "i386"}[target.GOARCH]
	data, err := os.ReadFile("/proc/sys/fs/binfmt_misc/qemu-" + qemu)
	if err != nil || !bytes.HasPrefix(data, []byte("enabled")) {
		t.Skipf("no qemu binfmt handler for %s", target)
	}
}

// localTests does what the module's crossTests does, with the go command
// and sh of this machine instead of containers: list, compile with
// CompileScript, run with RunScript (foreign binaries through qemu binfmt),
// read the outcomes.
func localTests(t *testing.T, moduleDir string, target platform.Target, opts Options) PlatformTests {
	t.Helper()
	moduleDir, err := filepath.Abs(moduleDir)
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	env = append(env, opts.CompileEnv(target)...)
	run := func(args []string) (stdout, stderr string, err error) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir, cmd.Env = moduleDir, env
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err = cmd.Run()
		return o.String(), e.String(), err
	}
	list, stderr, err := run(opts.ListCommand())
	if err != nil {
		t.Fatalf("go list for %s: %v\n%s", target, err, stderr)
	}
	pkgs, err := opts.ParseList(list, moduleDir)
	if err != nil {
		t.Fatal(err)
	}
	binDir, resDir := t.TempDir(), filepath.Join(t.TempDir(), "results")
	bins := Manifest(target, pkgs)
	start := time.Now()
	_, compiler, _ := run([]string{"sh", "-c", opts.CompileScript(target, bins, binDir)})
	files := entryNames(t, binDir)
	built, failed := Built(bins, files)
	var outcomes map[string]Outcome
	if len(built) > 0 {
		if _, stderr, err := run([]string{"sh", "-c", opts.RunScript(built, moduleDir, binDir, resDir)}); err != nil {
			t.Fatalf("run script for %s: %v\n%s", target, err, stderr)
		}
		if outcomes, err = ReadOutcomes(resDir, built); err != nil {
			t.Fatal(err)
		}
	}
	results, events := AssembleResults(pkgs, failed, compiler, outcomes)
	js, err := EventsJSON(target.String(), events)
	if err != nil {
		t.Fatal(err)
	}
	return PlatformTests{Run: PlatformRun{Platform: target.String(), Results: results, Wall: time.Since(start)}, Events: js}
}

// fixturePlatforms are the platforms of the tests module's gotests check.
var fixturePlatforms = []string{"linux/amd64", "linux/arm64", "linux/s390x", "linux/arm/v7"}

// The fixture of the tests module's check, compiled and run as the module's
// test function does:
// the endianness test fails on s390x alone, the pointer-size test on
// arm/v7 alone, and plain (reading testdata/) passes everywhere.
//
// Cross-compiling the standard library for three foreign platforms takes
// minutes with a cold build cache, so -short skips it.
func TestFixtureAcrossPlatforms(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles for four platforms")
	}
	goTool(t)
	var targets []platform.Target
	for _, p := range fixturePlatforms {
		target := platform.MustParse(p)
		canRun(t, target)
		targets = append(targets, target)
	}
	testAll := func(opts Options) []PlatformTests {
		var runs []PlatformTests
		for _, target := range targets {
			runs = append(runs, localTests(t, "../../tests/testdata/gotests", target, opts))
		}
		return runs
	}
	runs := testAll(Options{})

	_, err := Report(runs, false)
	if !errors.Is(err, ErrTestsFailed) {
		t.Fatalf("error %v, want tests failed", err)
	}
	msg := err.Error()
	first, _, _ := strings.Cut(msg, "\n")
	wantFirst := "tests failed: linux/s390x: example.com/gotests/endian: TestLittleEndian; linux/arm/v7: example.com/gotests/pointer: TestPointer64"
	if first != wantFirst {
		t.Errorf("first line %q, want %q", first, wantFirst)
	}
	for _, want := range []string{
		"== linux/s390x\n?   \texample.com/gotests\t[no test files]\n",
		"this platform is big-endian",
		"pointers have 32 bits, want 64",
		"FAIL\texample.com/gotests/pointer\t",
		"PLATFORM      PASSED  FAILED  NO TESTS  ",
		"linux/amd64        3       0         1  ",
		"linux/s390x        2       1         1",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("report lacks %q:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, "ok  \texample.com/gotests/plain\t"); n != 4 {
		t.Errorf("plain passed on %d platforms, want 4:\n%s", n, msg)
	}

	_, err = Report(runs, true)
	fails := map[string]bool{}
	passes := map[string]bool{}
	for _, line := range strings.Split(errorMessage(err), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var e Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("event %q: %v", line, err)
		}
		switch e.Action {
		case "fail":
			fails[e.Platform+" "+e.Package+" "+e.Test] = true
		case "pass":
			if e.Test == "" {
				passes[e.Platform+" "+e.Package] = true
			}
		}
	}
	wantFails := map[string]bool{
		"linux/s390x example.com/gotests/endian TestLittleEndian": true,
		"linux/s390x example.com/gotests/endian ":                 true,
		"linux/arm/v7 example.com/gotests/pointer TestPointer64":  true,
		"linux/arm/v7 example.com/gotests/pointer ":               true,
	}
	if !mapsEqual(fails, wantFails) {
		t.Errorf("fail events %v, want %v", fails, wantFails)
	}
	for _, p := range fixturePlatforms {
		if !passes[p+" example.com/gotests/plain"] {
			t.Errorf("no pass event of plain on %s", p)
		}
	}

	out, err := Report(testAll(Options{Skip: "^(TestLittleEndian|TestPointer64)$"}), false)
	if err != nil {
		t.Fatalf("with the platform-dependent tests skipped: %v", err)
	}
	if n := strings.Count(out, "ok  \texample.com/gotests/endian\t"); n != 4 {
		t.Errorf("endian ok on %d platforms, want 4:\n%s", n, out)
	}
}

func errorMessage(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func mapsEqual(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// brokenModule has a passing package, one whose test does not compile, one
// without tests, one whose binary exits without a test failing, and one
// with a failing subtest.
var brokenModule = map[string]string{
	"go.mod":            "module example.com/broken\n\ngo 1.22\n",
	"good/g_test.go":    "package good\n\nimport \"testing\"\n\nfunc TestGood(t *testing.T) {}\n",
	"bad/b.go":          "package bad\n",
	"bad/b_test.go":     "package bad\n\nimport \"testing\"\n\nfunc TestBad(t *testing.T) { var x int = \"no\"; _ = x }\n",
	"none/n.go":         "package none\n",
	"exits/e_test.go":   "package exits\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestMain(m *testing.M) { os.Exit(3) }\n\nfunc TestX(t *testing.T) {}\n",
	"subfail/s_test.go": "package subfail\n\nimport \"testing\"\n\nfunc TestParent(t *testing.T) {\n\tt.Run(\"child\", func(t *testing.T) { t.Error(\"child broke\") })\n}\n",
}

func statuses(results []Result) map[string]Status {
	got := map[string]Status{}
	for _, r := range results {
		got[strings.TrimPrefix(r.Package, "example.com/broken/")] = r.Status
	}
	return got
}

var wantBroken = map[string]Status{
	"good": Pass, "bad": BuildFailed, "none": NoTests, "subfail": Fail,
}

// A package that does not compile is reported with its compiler error and
// does not hide the others; a binary exiting non-zero is a failure.
func TestBrokenPackagesLocally(t *testing.T) {
	goTool(t)
	dir := writeFixture(t, brokenModule)
	native := platform.MustParse("linux/" + runtime.GOARCH)
	canRun(t, native)
	pt := localTests(t, dir, native, Options{})
	got := statuses(pt.Run.Results)
	for pkg, want := range wantBroken {
		if got[pkg] != want {
			t.Errorf("%s is %v, want %v", pkg, got[pkg], want)
		}
	}
	if got["exits"] != Crashed {
		t.Errorf("exits is %v, want crashed", got["exits"])
	}
	_, err := Report([]PlatformTests{pt}, false)
	msg := errorMessage(err)
	for _, want := range []string{
		"example.com/broken/bad: build failed:",
		`cannot use "no"`,
		"FAIL\texample.com/broken/bad [build failed]",
		"example.com/broken/subfail: TestParent/child",
		"example.com/broken/exits: crashed with exit status 3",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}
