package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/gotest"
	"dagger/go-build/internal/platform"
)

// testArgs are Test's arguments after ctx, so each case changes only what
// it is about.
type testArgs struct {
	platforms, packages []string
	run, skip           string
	short               bool
	count               int
	timeout             string
	testTags            []string
	race                bool
	args                []string
	runImage            string
	format              TestOutputFormat
}

func (a testArgs) call(m *GoBuild) (string, error) {
	return m.Test(context.Background(), a.platforms, a.packages, a.run, a.skip, a.short, a.count, a.timeout,
		a.testTags, a.race, a.args, a.runImage, a.format)
}

// Bad input fails before any container work (dag is nil here: reaching it
// would panic the test), naming the value.
func TestTestErrors(t *testing.T) {
	amd64 := []string{"linux/amd64"}
	tests := []struct {
		name    string
		change  func(m *GoBuild)
		args    testArgs
		wantErr string
	}{
		{"no source", func(m *GoBuild) { m.Source, m.NoSourceReason = nil, errNoGoMod.Error() }, testArgs{platforms: amd64}, "test needs a Go source"},
		{"unknown format", nil, testArgs{platforms: amd64, format: "XML"}, `format "XML": want TEXT or JSON`},
		{"negative count", nil, testArgs{platforms: amd64, count: -1}, "count -1"},
		{"bad timeout", nil, testArgs{platforms: amd64, timeout: "soon"}, `timeout "soon"`},
		{"bad run pattern", nil, testArgs{platforms: amd64, run: "Test("}, `run "Test("`},
		{"bad skip pattern", nil, testArgs{platforms: amd64, skip: "[a"}, `skip "[a"`},
		{"bad test tag", nil, testArgs{platforms: amd64, testTags: []string{"a b"}}, `build tag "a b"`},
		{"flag as package", nil, testArgs{platforms: amd64, packages: []string{"-v"}}, `package "-v"`},
		{"unknown platform", nil, testArgs{platforms: []string{"linux/amd64", "linux/sparc"}}, "linux/sparc"},
		{"duplicate platform", nil, testArgs{platforms: []string{"arm64", "linux/arm64"}}, "duplicate"},
		{"windows", nil, testArgs{platforms: []string{"windows/amd64"}}, "test binaries run in Linux containers"},
		{"darwin", nil, testArgs{platforms: []string{"linux/amd64,darwin/arm64"}}, "darwin/arm64"},
		{"cgo without a C toolchain for the target", func(m *GoBuild) { m.Cgo = true }, testArgs{platforms: []string{"linux/mips64"}}, "cgo cross-compilation for linux/mips64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			if tt.change != nil {
				tt.change(m)
			}
			if tt.args.format == "" {
				tt.args.format = TestOutputFormatText
			}
			_, err := tt.args.call(m)
			errtest.Check(t, err, nil, tt.wantErr)
		})
	}
}

func TestTestTargets(t *testing.T) {
	tests := []struct {
		name      string
		mode      BuildMode
		platforms []string
		race      bool
		native    string
		want      []string
		wantErr   string
		sentinel  error
	}{
		{name: "default is the engine's platform", native: "linux/arm64", want: []string{"linux/arm64"}},
		{name: "order kept", platforms: []string{"s390x,amd64", "armv7"}, native: "linux/amd64", want: []string{"linux/s390x", "linux/amd64", "linux/arm/v7"}},
		{name: "race natively", platforms: []string{"linux/amd64"}, race: true, native: "linux/amd64", want: []string{"linux/amd64"}},
		{name: "race on the native arm64", platforms: []string{"arm64"}, race: true, native: "linux/arm64", want: []string{"linux/arm64"}},
		{name: "race emulated", platforms: []string{"linux/amd64", "linux/s390x"}, race: true, native: "linux/amd64", wantErr: "--race on linux/s390x: the race detector runs only natively", sentinel: gotest.ErrRace},
		{name: "race where Go has none", platforms: []string{"linux/arm/v7"}, race: true, native: "linux/amd64", wantErr: "--race on linux/arm/v7", sentinel: gotest.ErrRace},
		{name: "race in EMULATE mode, natively", mode: BuildModeEmulate, platforms: []string{"amd64"}, race: true, native: "linux/amd64", want: []string{"linux/amd64"}},
		{name: "windows", platforms: []string{"windows/arm64"}, native: "linux/amd64", wantErr: "windows/arm64", sentinel: gotest.ErrNotRunnable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			if tt.mode != "" {
				m.Mode = tt.mode
			}
			asked := 0
			native := func() (platform.Target, error) {
				asked++
				return platform.MustParse(tt.native), nil
			}
			got, err := m.testTargets(tt.platforms, gotest.Options{Race: tt.race}, native)
			errtest.Check(t, err, tt.sentinel, tt.wantErr)
			if tt.wantErr != "" {
				return
			}
			var names []string
			for _, g := range got {
				names = append(names, g.String())
			}
			if !slices.Equal(names, tt.want) {
				t.Errorf("targets %v, want %v", names, tt.want)
			}
			if len(tt.platforms) > 0 && !tt.race && asked > 0 {
				t.Errorf("asked the engine's platform %d times without need", asked)
			}
		})
	}
}

func TestUnionTags(t *testing.T) {
	got := unionTags([]string{"netgo", "integration"}, []string{"integration", "e2e"})
	if want := []string{"netgo", "integration", "e2e"}; !slices.Equal(got, want) {
		t.Fatalf("unionTags = %v, want %v", got, want)
	}
	if got := unionTags(nil, nil); len(got) != 0 {
		t.Fatalf("unionTags(nil, nil) = %v", got)
	}
}

func TestEmulatedTestCommand(t *testing.T) {
	got := strings.Join(emulatedTestCommand(gotest.Options{
		Packages: []string{"./pkg/..."}, Run: "TestA", Skip: "TestB", Short: true, Tags: []string{"e2e"},
		Race: true, Args: []string{"-flag", "x y"},
	}), " ")
	want := "go test -json -tags e2e -race -run TestA -skip TestB -short -count=1 -timeout=10m0s ./pkg/... -args -flag x y"
	if got != want {
		t.Fatalf("command\n%s\nwant\n%s", got, want)
	}
	got = strings.Join(emulatedTestCommand(gotest.Options{Count: 3, Timeout: "90s"}), " ")
	if want := "go test -json -count=3 -timeout=90s ./..."; got != want {
		t.Fatalf("command %q, want %q", got, want)
	}
}

// The run script passes every argument through unchanged and records each
// binary's combined output, exit code and time, even when it cannot start.
func TestRunScript(t *testing.T) {
	src, bin, res := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "results")
	if err := os.MkdirAll(filepath.Join(src, "sub dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	echo := "#!/bin/sh\npwd\nprintf '<%s>\\n' \"$@\"\necho to-stderr >&2\nexit 3\n"
	if err := os.WriteFile(filepath.Join(bin, "echo.test"), []byte(echo), 0o755); err != nil {
		t.Fatal(err)
	}
	bins := []gotest.Binary{
		{Package: "example.com/m/sub", Dir: "sub dir", File: "echo.test"},
		{Package: "example.com/m/gone", Dir: ".", File: "missing.test"},
	}
	opts := gotest.Options{Run: "Test'A b", Args: []string{"it's", "$HOME"}}
	cmd := exec.Command("sh", "-c", runScript(opts, bins, src, bin, res))
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("run script: %v\n%s", err, log)
	}
	if !strings.Contains(string(log), "exit 3: example.com/m/sub") {
		t.Errorf("log lacks the package's line:\n%s", log)
	}
	outcomes, err := readOutcomes(res, bins)
	if err != nil {
		t.Fatal(err)
	}
	sub := outcomes["example.com/m/sub"]
	wantOut := filepath.Join(src, "sub dir") + "\n<-test.v=test2json>\n<-test.paniconexit0>\n<-test.timeout=10m0s>\n<-test.run=Test'A b>\n<it's>\n<$HOME>\nto-stderr\n"
	if string(sub.output) != wantOut || sub.exitCode != 3 {
		t.Errorf("outcome %q (exit %d), want %q (exit 3)", sub.output, sub.exitCode, wantOut)
	}
	gone := outcomes["example.com/m/gone"]
	if gone.exitCode == 0 || len(gone.output) == 0 {
		t.Errorf("a binary that cannot start: exit %d, output %q", gone.exitCode, gone.output)
	}
	r, _ := gotest.Convert("example.com/m/gone", gone.output, gone.exitCode, gone.elapsed)
	if r.Status != gotest.Crashed {
		t.Errorf("a binary that cannot start is %v, want crashed", r.Status)
	}
	if _, err := readOutcomes(t.TempDir(), bins); err == nil || !strings.Contains(err.Error(), "example.com/m/sub") {
		t.Errorf("missing results: %v", err)
	}
}

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

// localTests does what crossTests does, with the go command and sh of this
// machine instead of containers: list, compile with CompileScript, run
// with runScript (foreign binaries through qemu binfmt), read the outcomes.
func localTests(t *testing.T, moduleDir string, target platform.Target, opts gotest.Options) platformTests {
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
	bins := gotest.Manifest(target, pkgs)
	start := time.Now()
	_, compiler, _ := run([]string{"sh", "-c", opts.CompileScript(target, bins, binDir)})
	entries, err := os.ReadDir(binDir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	built, failed := gotest.Built(bins, files)
	var outcomes map[string]runOutcome
	if len(built) > 0 {
		if _, stderr, err := run([]string{"sh", "-c", runScript(opts, built, moduleDir, binDir, resDir)}); err != nil {
			t.Fatalf("run script for %s: %v\n%s", target, err, stderr)
		}
		if outcomes, err = readOutcomes(resDir, built); err != nil {
			t.Fatal(err)
		}
	}
	results, events := assembleResults(pkgs, bins, failed, compiler, outcomes)
	js, err := gotest.EventsJSON(target.String(), events)
	if err != nil {
		t.Fatal(err)
	}
	return platformTests{run: gotest.PlatformRun{Platform: target.String(), Results: results, Wall: time.Since(start)}, events: js}
}

// fixturePlatforms are the platforms of the tests module's gotests check.
var fixturePlatforms = []string{"linux/amd64", "linux/arm64", "linux/s390x", "linux/arm/v7"}

// The fixture of the tests module's check, compiled and run as Test does:
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
	testAll := func(opts gotest.Options) []platformTests {
		var runs []platformTests
		for _, target := range targets {
			runs = append(runs, localTests(t, "tests/testdata/gotests", target, opts))
		}
		return runs
	}
	runs := testAll(gotest.Options{})

	_, err := testReport(runs, TestOutputFormatText)
	if !errors.Is(err, gotest.ErrTestsFailed) {
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

	_, err = testReport(runs, TestOutputFormatJSON)
	fails := map[string]bool{}
	passes := map[string]bool{}
	for _, line := range strings.Split(errorMessage(err), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var e gotest.Event
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

	out, err := testReport(testAll(gotest.Options{Skip: "^(TestLittleEndian|TestPointer64)$"}), TestOutputFormatText)
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

func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func statuses(results []gotest.Result) map[string]gotest.Status {
	got := map[string]gotest.Status{}
	for _, r := range results {
		got[strings.TrimPrefix(r.Package, "example.com/broken/")] = r.Status
	}
	return got
}

var wantBroken = map[string]gotest.Status{
	"good": gotest.Pass, "bad": gotest.BuildFailed, "none": gotest.NoTests, "subfail": gotest.Fail,
}

// A package that does not compile is reported with its compiler error and
// does not hide the others; a binary exiting non-zero is a failure.
func TestBrokenPackagesLocally(t *testing.T) {
	goTool(t)
	dir := writeModule(t, brokenModule)
	native := platform.MustParse("linux/" + runtime.GOARCH)
	canRun(t, native)
	pt := localTests(t, dir, native, gotest.Options{})
	got := statuses(pt.run.Results)
	for pkg, want := range wantBroken {
		if got[pkg] != want {
			t.Errorf("%s is %v, want %v", pkg, got[pkg], want)
		}
	}
	if got["exits"] != gotest.Crashed {
		t.Errorf("exits is %v, want crashed", got["exits"])
	}
	_, err := testReport([]platformTests{pt}, TestOutputFormatText)
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

// The EMULATE baseline reads go test -json; run here with the local go.
func TestParseGoTestJSON(t *testing.T) {
	goTool(t)
	dir := writeModule(t, brokenModule)
	opts := gotest.Options{}
	list, err := exec.Command("sh", "-c", "cd \"$0\" && GOWORK=off go list -f '"+
		"{{.ImportPath}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}\t{{.Dir}}' ./...", dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := opts.ParseList(string(list), dir)
	if err != nil {
		t.Fatal(err)
	}
	args := emulatedTestCommand(opts)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatal(err)
		}
		code = exit.ExitCode()
	}
	results, js, err := parseGoTestJSON("linux/amd64", pkgs, stdout.String(), stderr.String(), code)
	if err != nil {
		t.Fatal(err)
	}
	got := statuses(results)
	for pkg, want := range wantBroken {
		if got[pkg] != want {
			t.Errorf("%s is %v, want %v", pkg, got[pkg], want)
		}
	}
	if !gotest.Result.Failed(results[slices.IndexFunc(results, func(r gotest.Result) bool { return strings.HasSuffix(r.Package, "/exits") })]) {
		t.Error("exits did not fail")
	}
	run := gotest.PlatformRun{Platform: "linux/amd64", Results: results}
	msg := errorMessage(gotest.FailureError([]gotest.PlatformRun{run}))
	for _, want := range []string{"example.com/broken/subfail: TestParent/child", "example.com/broken/bad: build failed"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q: %s", want, msg)
		}
	}
	if lines := gotest.GoTestLines(results); !strings.Contains(lines, "child broke") || !strings.Contains(lines, "ok  \texample.com/broken/good\t") {
		t.Errorf("go test lines:\n%s", lines)
	}
	if !bytes.Contains(js, []byte(`"Platform":"linux/amd64"`)) {
		t.Errorf("events lack their platform:\n%s", js)
	}

	if _, _, err := parseGoTestJSON("linux/amd64", pkgs, "", "go: something broke\n", 1); err == nil || !strings.Contains(err.Error(), "something broke") {
		t.Errorf("go test that printed no event: %v", err)
	}
}

func TestRunPlatform(t *testing.T) {
	for in, want := range map[string]string{"linux/amd64/v3": "linux/amd64", "amd64": "linux/amd64", "linux/arm/v7": "linux/arm/v7", "s390x": "linux/s390x"} {
		if got := runPlatform(platform.MustParse(in)); got != want {
			t.Errorf("runPlatform(%s) = %s, want %s", in, got, want)
		}
	}
}
