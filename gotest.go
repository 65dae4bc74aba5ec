package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/gotest"
	"dagger/go-build/internal/platform"
)

// TestOutputFormat is how test prints its report.
type TestOutputFormat string

const (
	// go test's own per-package lines (ok, FAIL, ?) for every platform,
	// then a summary table.
	TestOutputFormatText TestOutputFormat = "TEXT"
	// go test -json events, one object a line, every platform's stream in
	// turn, each event carrying its Platform.
	TestOutputFormatJSON TestOutputFormat = "JSON"
)

const (
	// testBinDir is where the compile container writes the test binaries,
	// and where the run container mounts them.
	testBinDir = "/tmp/go-build-test/bin"
	// testResultsDir is where the run script writes each binary's output,
	// exit code and times.
	testResultsDir = "/tmp/go-build-test/results"
)

// Test runs the project's Go tests on every target platform.
//
// The test binaries are compiled natively on the engine's platform (with
// the same builder, module download, caches and target environment as
// build); only their run is emulated, in a container of each target
// platform, in the package's directory of the source so testdata/ works.
// It prints go test's lines for each platform and a summary table, and
// fails, naming the platform, package and test, when any test fails. With
// the constructor's --mode EMULATE the whole go test runs under emulation
// instead (the baseline).
func (m *GoBuild) Test(
	ctx context.Context,
	// Target platforms (Linux; test binaries run in Linux containers), as
	// for build, e.g. linux/amd64,linux/arm64,linux/s390x. Default: the
	// engine's own platform.
	// +optional
	platforms []string,
	// Packages to test, as go patterns. Default: ./... (every package of
	// the module; the constructor's --packages choose what build builds).
	// +optional
	packages []string,
	// Run only the tests matching this regular expression (go test -run).
	// +optional
	run string,
	// Skip the tests matching this regular expression (go test -skip).
	// +optional
	skip string,
	// Tell long-running tests to shorten their run (go test -short).
	// +optional
	short bool,
	// Run each test this many times (go test -count). Default: once.
	// +optional
	count int,
	// Fail a test binary running longer than this Go duration, e.g. 90s
	// (go test -timeout); 0 disables it. Default: 10m.
	// +optional
	timeout string,
	// Build tags for the tests, added to the constructor's --tags.
	// +optional
	testTags []string,
	// Enable the race detector (go test -race). Only for the engine's own
	// platform (it does not run under emulation); it turns cgo on.
	// +optional
	race bool,
	// Extra arguments passed to every test binary (go test -args ...).
	// +optional
	args []string,
	// Image the test binaries run in, pulled for each target platform; it
	// needs a POSIX shell (and the C libraries of cgo tests). Default: the
	// builder image. Unused with --mode EMULATE.
	// +optional
	runImage string,
	// Output: TEXT (go test's lines and a summary table) or JSON (go test
	// -json events, each with its Platform).
	// +default="TEXT"
	format TestOutputFormat,
) (string, error) {
	if err := m.requireSource("test"); err != nil {
		return "", err
	}
	switch format {
	case TestOutputFormatText, TestOutputFormatJSON:
	case "":
		format = TestOutputFormatText
	default:
		return "", fmt.Errorf("test output format %q: want TEXT or JSON", format)
	}
	opts := gotest.Options{
		Packages: packages,
		Run:      run,
		Skip:     skip,
		Short:    short,
		Count:    count,
		Timeout:  timeout,
		Tags:     unionTags(m.Tags, testTags),
		Race:     race,
		Args:     args,
		Cgo:      m.Cgo,
	}
	if err := opts.Validate(); err != nil {
		return "", err
	}
	targets, err := m.testTargets(platforms, opts, func() (platform.Target, error) { return m.nativeTarget(ctx) })
	if err != nil {
		return "", err
	}
	if runImage == "" {
		runImage = m.builderImage()
	}
	runs, err := m.runTests(ctx, targets, opts, runImage)
	if err != nil {
		return "", err
	}
	return testReport(runs, format)
}

// testTargets parses and checks the platforms to test before any container
// work: each must be runnable in a container, buildable with this
// configuration, and allow --race when it is set. native gives the
// engine's platform, the default target and the one race-enabled tests
// can run on.
func (m *GoBuild) testTargets(platforms []string, opts gotest.Options, native func() (platform.Target, error)) ([]platform.Target, error) {
	var targets []platform.Target
	if len(platforms) == 0 {
		t, err := native()
		if err != nil {
			return nil, err
		}
		targets = []platform.Target{t}
	} else {
		var err error
		if targets, err = platform.ParseList(platforms); err != nil {
			return nil, err
		}
	}
	for _, t := range targets {
		if err := gotest.CheckRunnable(t); err != nil {
			return nil, err
		}
		if err := m.checkTarget(t); err != nil {
			return nil, err
		}
	}
	if opts.Race {
		n, err := native()
		if err != nil {
			return nil, err
		}
		for _, t := range targets {
			if err := gotest.CheckRace(t, n); err != nil {
				return nil, err
			}
		}
	}
	return targets, nil
}

// unionTags is the constructor's build tags followed by the test's own,
// each once.
func unionTags(build, test []string) []string {
	var tags []string
	for _, t := range append(slices.Clone(build), test...) {
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags
}

// platformTests is one platform's test run: its results, and its go test
// -json event stream.
type platformTests struct {
	run    gotest.PlatformRun
	events []byte
}

// runTests tests every target concurrently, sharing one plan (one module
// download). Every platform runs to the end, so a platform that cannot be
// tested does not hide the others' problems; those are all reported.
func (m *GoBuild) runTests(ctx context.Context, targets []platform.Target, opts gotest.Options, runImage string) ([]platformTests, error) {
	plan, err := m.plan(ctx, targets)
	if err != nil {
		return nil, err
	}
	runs := make([]platformTests, len(targets))
	errs := make([]error, len(targets))
	var g errgroup.Group
	g.SetLimit(maxParallelPlatforms)
	for i, t := range targets {
		g.Go(func() error {
			if m.Mode == BuildModeEmulate {
				runs[i], errs[i] = plan.emulatedTests(ctx, t, opts)
			} else {
				runs[i], errs[i] = plan.crossTests(ctx, t, opts, runImage)
			}
			return nil
		})
	}
	_ = g.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return runs, nil
}

// testContainer is t's compile container with the test environment, and
// the packages the patterns match for t.
func (p *buildPlan) testContainer(ctx context.Context, t platform.Target, opts gotest.Options) (*dagger.Container, []gotest.Package, error) {
	ctr, err := p.targetContainer(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	// CompileEnv decides CGO_ENABLED: --race needs cgo even when the
	// constructor's --cgo is off.
	for _, kv := range opts.CompileEnv(t) {
		name, value, _ := strings.Cut(kv, "=")
		ctr = ctr.WithEnvVariable(name, value)
	}
	list, err := ctr.WithExec(opts.ListCommand()).Stdout(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("listing the packages to test for %s: %w", t, withStderr(err))
	}
	pkgs, err := opts.ParseList(list, srcDir)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", t, err)
	}
	return ctr, pkgs, nil
}

// crossTests compiles t's test binaries natively and runs them in a
// container of t's platform.
func (p *buildPlan) crossTests(ctx context.Context, t platform.Target, opts gotest.Options, runImage string) (platformTests, error) {
	ctr, pkgs, err := p.testContainer(ctx, t, opts)
	if err != nil {
		return platformTests{}, err
	}
	start := time.Now()
	bins := gotest.Manifest(t, pkgs)
	var (
		failed   []gotest.Binary
		compiler string
		outcomes map[string]runOutcome
	)
	if len(bins) > 0 {
		// Expect ANY: a package that does not compile must not hide the
		// others; CompileScript leaves its binary out and exits 1.
		compiled := ctr.WithExec([]string{"sh", "-c", opts.CompileScript(t, bins, testBinDir)},
			dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
		code, err := compiled.ExitCode(ctx)
		if err != nil {
			return platformTests{}, fmt.Errorf("compiling the %s test binaries: %w", t, withStderr(err))
		}
		if compiler, err = compiled.Stderr(ctx); err != nil {
			return platformTests{}, fmt.Errorf("compiling the %s test binaries: %w", t, withStderr(err))
		}
		bin := compiled.Directory(testBinDir)
		files, err := bin.Entries(ctx)
		if err != nil {
			return platformTests{}, fmt.Errorf("reading the %s test binaries: %w", t, withStderr(err))
		}
		var built []gotest.Binary
		built, failed = gotest.Built(bins, files)
		if len(built) == 0 {
			return platformTests{}, fmt.Errorf("compiling the %s test binaries failed (exit code %d): none compiled:\n%s",
				t, code, strings.TrimSpace(compiler))
		}
		if outcomes, err = p.runTestBinaries(ctx, t, opts, built, bin, runImage); err != nil {
			return platformTests{}, err
		}
	}
	results, events := assembleResults(pkgs, bins, failed, compiler, outcomes)
	js, err := gotest.EventsJSON(t.String(), events)
	if err != nil {
		return platformTests{}, err
	}
	return platformTests{
		run:    gotest.PlatformRun{Platform: t.String(), Results: results, Wall: time.Since(start)},
		events: js,
	}, nil
}

// runTestBinaries runs bins (the compiled test binaries, in dir) in a
// container of t's platform: the engine's own platform runs them natively,
// any other under emulation.
//
// Every binary of the platform runs in ONE exec, one after the other, by a
// generated script that writes each binary's combined output, exit code and
// times into files: one container start (and one emulator start-up of the
// shell) per platform rather than per package keeps the overhead low, the
// Dagger TUI shows one span per platform, and the sequential run matches go
// test's default of one package's binary at a time per CPU budget. The
// script itself always succeeds, so a crashing binary is a result, not an
// exec error.
func (p *buildPlan) runTestBinaries(ctx context.Context, t platform.Target, opts gotest.Options, bins []gotest.Binary, dir *dagger.Directory, runImage string) (map[string]runOutcome, error) {
	script := runScript(opts, bins, srcDir, testBinDir, testResultsDir)
	results := dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(runPlatform(t))}).
		From(runImage).
		WithMountedDirectory(srcDir, p.src).
		WithMountedDirectory(testBinDir, dir).
		WithWorkdir(srcDir).
		WithExec([]string{"sh", "-c", script}).
		Directory(testResultsDir)
	tmp, err := os.MkdirTemp("", "go-build-test-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if _, err := results.Export(ctx, tmp); err != nil {
		return nil, fmt.Errorf("running the %s test binaries in %s: %w", t, runImage, withStderr(err))
	}
	outcomes, err := readOutcomes(tmp, bins)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t, err)
	}
	return outcomes, nil
}

// runPlatform is the container platform t's test binaries run on: t's own,
// without an amd64 level (linux/amd64/v3 runs in a linux/amd64 container,
// as images are not published per level; the binary then needs a CPU of
// that level, as it would anywhere).
func runPlatform(t platform.Target) string {
	if t.Architecture == "amd64" && t.Variant != "" {
		return t.OS + "/" + t.Architecture
	}
	return t.String()
}

// runOutcome is one test binary's run: combined output, exit code, time.
type runOutcome struct {
	output   []byte
	exitCode int
	elapsed  time.Duration
}

// runScript is the POSIX shell script that runs every binary of bins (from
// binDir) in its package directory under srcRoot, one after the other,
// with the flags of opts, writing into resultsDir, for the i-th binary,
// i.out (stdout and stderr together, in order), i.code (the exit status)
// and i.time (start and end, in hundredths of a second of uptime). It
// prints one line per package for the log.
func runScript(opts gotest.Options, bins []gotest.Binary, srcRoot, binDir, resultsDir string) string {
	var s strings.Builder
	s.WriteString("set -u\n")
	fmt.Fprintf(&s, "res=%s\n", shQuote(resultsDir))
	s.WriteString(`rm -rf "$res" && mkdir -p "$res" || exit 1` + "\n")
	// /proc/uptime ("12345.67 ...") exists in every Linux container, and
	// needs no date with %N (busybox's may lack it).
	s.WriteString(`now() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}"; }` + "\n")
	for i, b := range bins {
		argv := opts.RunArgs(path.Join(binDir, b.File))
		quoted := make([]string, len(argv))
		for j, a := range argv {
			quoted[j] = shQuote(a)
		}
		fmt.Fprintf(&s, "t0=$(now)\n")
		fmt.Fprintf(&s, "(cd %s && exec %s) </dev/null >\"$res/%d.out\" 2>&1\n",
			shQuote(path.Join(srcRoot, b.Dir)), strings.Join(quoted, " "), i)
		fmt.Fprintf(&s, "code=$?\necho \"$t0 $(now)\" >\"$res/%d.time\"\necho \"$code\" >\"$res/%d.code\"\n", i, i)
		fmt.Fprintf(&s, "echo \"exit $code: \"%s\n", shQuote(b.Package))
	}
	s.WriteString("exit 0\n")
	return s.String()
}

// shQuote quotes s for a POSIX shell.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// readOutcomes reads the files runScript wrote into dir for bins.
func readOutcomes(dir string, bins []gotest.Binary) (map[string]runOutcome, error) {
	outcomes := map[string]runOutcome{}
	for i, b := range bins {
		file := func(ext string) ([]byte, error) {
			data, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)+ext))
			if err != nil {
				return nil, fmt.Errorf("the test run of %s left no result: %w", b.Package, err)
			}
			return data, nil
		}
		out, err := file(".out")
		if err != nil {
			return nil, err
		}
		codeText, err := file(".code")
		if err != nil {
			return nil, err
		}
		code, err := strconv.Atoi(strings.TrimSpace(string(codeText)))
		if err != nil {
			return nil, fmt.Errorf("the test run of %s: exit code %q is not a number", b.Package, codeText)
		}
		var elapsed time.Duration
		if times, err := file(".time"); err == nil {
			f := strings.Fields(string(times))
			if len(f) == 2 {
				t0, err0 := strconv.ParseInt(f[0], 10, 64)
				t1, err1 := strconv.ParseInt(f[1], 10, 64)
				if err0 == nil && err1 == nil && t1 >= t0 {
					elapsed = time.Duration(t1-t0) * 10 * time.Millisecond
				}
			}
		}
		outcomes[b.Package] = runOutcome{output: out, exitCode: code, elapsed: elapsed}
	}
	return outcomes, nil
}

// assembleResults is every package's result and events, in the order of
// pkgs: no test files, build failed (failed, with its part of the compiler
// output), or the conversion of its run.
func assembleResults(pkgs []gotest.Package, bins, failed []gotest.Binary, compiler string, outcomes map[string]runOutcome) ([]gotest.Result, []gotest.Event) {
	var (
		results []gotest.Result
		events  []gotest.Event
	)
	for _, pkg := range pkgs {
		var (
			r  gotest.Result
			ev []gotest.Event
		)
		switch {
		case !pkg.HasTests:
			r, ev = gotest.NoTestFiles(pkg.ImportPath)
		case slices.ContainsFunc(failed, func(b gotest.Binary) bool { return b.Package == pkg.ImportPath }):
			r, ev = gotest.BuildFailure(pkg.ImportPath, gotest.BuildOutput(compiler, pkg.ImportPath))
		default:
			o, ok := outcomes[pkg.ImportPath]
			if !ok {
				// Not in the manifest: cannot happen, but never report
				// an unrun package as passed.
				r, ev = gotest.BuildFailure(pkg.ImportPath, "no test binary was built")
				break
			}
			r, ev = gotest.Convert(pkg.ImportPath, o.output, o.exitCode, o.elapsed)
		}
		results = append(results, r)
		events = append(events, ev...)
	}
	return results, events
}

// emulatedTests runs the whole go test (compile and run) for t in a
// container of t's platform, under emulation when foreign: the --mode
// EMULATE baseline. go test -json's events give the results.
func (p *buildPlan) emulatedTests(ctx context.Context, t platform.Target, opts gotest.Options) (platformTests, error) {
	ctr, pkgs, err := p.testContainer(ctx, t, opts)
	if err != nil {
		return platformTests{}, err
	}
	start := time.Now()
	ran := ctr.WithExec(emulatedTestCommand(opts), dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
	code, err := ran.ExitCode(ctx)
	if err != nil {
		return platformTests{}, fmt.Errorf("go test on %s: %w", t, withStderr(err))
	}
	stdout, err := ran.Stdout(ctx)
	if err != nil {
		return platformTests{}, fmt.Errorf("go test on %s: %w", t, withStderr(err))
	}
	stderr, err := ran.Stderr(ctx)
	if err != nil {
		return platformTests{}, fmt.Errorf("go test on %s: %w", t, withStderr(err))
	}
	wall := time.Since(start)
	results, js, err := parseGoTestJSON(t.String(), pkgs, stdout, stderr, code)
	if err != nil {
		return platformTests{}, err
	}
	return platformTests{run: gotest.PlatformRun{Platform: t.String(), Results: results, Wall: wall}, events: js}, nil
}

// emulatedTestCommand is the go test -json command line of opts. It runs
// with -count=1 unless a count is given: the baseline measures a run, not
// go's cache of test results.
func emulatedTestCommand(o gotest.Options) []string {
	args := append([]string{"go", "test", "-json"}, o.CompileFlags()...)
	if o.Run != "" {
		args = append(args, "-run", o.Run)
	}
	if o.Skip != "" {
		args = append(args, "-skip", o.Skip)
	}
	if o.Short {
		args = append(args, "-short")
	}
	count := max(o.Count, 1)
	args = append(args, "-count="+strconv.Itoa(count))
	timeout := o.Timeout
	if timeout == "" {
		timeout = gotest.DefaultTimeout
	}
	args = append(args, "-timeout="+timeout)
	if len(o.Packages) == 0 {
		args = append(args, "./...")
	} else {
		args = append(args, o.Packages...)
	}
	if len(o.Args) > 0 {
		args = append(append(args, "-args"), o.Args...)
	}
	return args
}

// goTestEvent is an event of go test -json: test2json's fields, and the
// ImportPath of build output events (build-output, build-fail).
type goTestEvent struct {
	gotest.Event
	ImportPath string `json:",omitempty"`
}

// packageEvents is what go test -json said about one package.
type packageEvents struct {
	final       string // pass, fail or skip
	elapsed     float64
	failedBuild string
	failed      []string // failed tests, in order
	output      map[string]*strings.Builder
	noTestFiles bool
	noTestsRun  bool
}

// parseGoTestJSON turns go test -json's stdout (and stderr, where older Go
// and the go command's own errors go) into a result for each of pkgs, and
// the events with their platform, one JSON object a line.
func parseGoTestJSON(plat string, pkgs []gotest.Package, stdout, stderr string, exitCode int) ([]gotest.Result, []byte, error) {
	state := map[string]*packageEvents{}
	buildOutput := map[string]*strings.Builder{}
	var js []byte
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var e goTestEvent
		if err := json.Unmarshal(line, &e); err != nil {
			continue // not an event: a stray print
		}
		e.Platform = plat
		enc, err := json.Marshal(e)
		if err != nil {
			return nil, nil, err
		}
		js = append(append(js, enc...), '\n')
		if e.ImportPath != "" && e.Action == "build-output" {
			key, _, _ := strings.Cut(e.ImportPath, " ")
			if buildOutput[key] == nil {
				buildOutput[key] = &strings.Builder{}
			}
			buildOutput[key].WriteString(e.Output)
			continue
		}
		if e.Package == "" {
			continue
		}
		st := state[e.Package]
		if st == nil {
			st = &packageEvents{output: map[string]*strings.Builder{}}
			state[e.Package] = st
		}
		switch e.Action {
		case "output":
			if st.output[e.Test] == nil {
				st.output[e.Test] = &strings.Builder{}
			}
			st.output[e.Test].WriteString(e.Output)
			if e.Test == "" && strings.Contains(e.Output, "[no test files]") {
				st.noTestFiles = true
			}
			if e.Test == "" && strings.HasPrefix(e.Output, "ok  \t") && strings.Contains(e.Output, "[no tests to run]") {
				st.noTestsRun = true
			}
		case "pass", "fail", "skip":
			if e.Test != "" {
				if e.Action == "fail" {
					st.failed = append(st.failed, e.Test)
				}
				continue
			}
			st.final = e.Action
			if e.Elapsed != nil {
				st.elapsed = *e.Elapsed
			}
			st.failedBuild = e.FailedBuild
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("reading go test -json on %s: %w", plat, err)
	}
	if len(state) == 0 && exitCode != 0 {
		return nil, nil, fmt.Errorf("go test on %s failed (exit code %d):\n%s", plat, exitCode, strings.TrimSpace(stderr))
	}

	var results []gotest.Result
	for _, pkg := range pkgs {
		st := state[pkg.ImportPath]
		if st == nil || st.final == "" {
			if !pkg.HasTests && exitCode == 0 {
				r, _ := gotest.NoTestFiles(pkg.ImportPath)
				results = append(results, r)
				continue
			}
			// go test said nothing of the package: it stopped first.
			r, _ := gotest.BuildFailure(pkg.ImportPath, gotest.BuildOutput(stderr, pkg.ImportPath))
			results = append(results, r)
			continue
		}
		elapsed := time.Duration(st.elapsed * float64(time.Second))
		switch {
		case st.final == "skip" || st.noTestFiles:
			r, _ := gotest.NoTestFiles(pkg.ImportPath)
			results = append(results, r)
		case st.final == "pass":
			results = append(results, gotest.Result{Package: pkg.ImportPath, Status: gotest.Pass, Elapsed: elapsed, NoTestsToRun: st.noTestsRun})
		case st.failedBuild != "" || buildOutput[pkg.ImportPath] != nil:
			out := gotest.BuildOutput(stderr, pkg.ImportPath)
			if b := buildOutput[pkg.ImportPath]; b != nil {
				out = b.String()
			}
			r, _ := gotest.BuildFailure(pkg.ImportPath, out)
			results = append(results, r)
		default:
			results = append(results, gotest.Result{
				Package:     pkg.ImportPath,
				Status:      gotest.Fail,
				Elapsed:     elapsed,
				FailedTests: leafTests(st.failed),
				Output:      failedOutput(pkg.ImportPath, st),
				ExitCode:    1,
			})
		}
	}
	return results, js, nil
}

// failedOutput is a failed package's output: everything its failed tests
// printed, and what it printed outside tests but go test's own result
// lines.
func failedOutput(importPath string, st *packageEvents) string {
	var b strings.Builder
	if pkgOut := st.output[""]; pkgOut != nil {
		for _, line := range strings.SplitAfter(pkgOut.String(), "\n") {
			trim := strings.TrimSpace(line)
			if trim == "" || trim == "FAIL" || trim == "PASS" || strings.HasPrefix(trim, "FAIL\t"+importPath) || strings.HasPrefix(trim, "ok  \t"+importPath) {
				continue
			}
			b.WriteString(line)
		}
	}
	for _, name := range st.failed {
		if out := st.output[name]; out != nil {
			b.WriteString(out.String())
		}
	}
	return b.String()
}

// leafTests drops failed tests that have a failed subtest, which names the
// failure more precisely.
func leafTests(failed []string) []string {
	var out []string
	for _, f := range failed {
		if !slices.ContainsFunc(failed, func(g string) bool { return strings.HasPrefix(g, f+"/") }) {
			out = append(out, f)
		}
	}
	return out
}

// testReport renders the runs in format, and fails when any package failed
// on any platform: the error names each platform, package and test, and
// holds the report too, since a failed function's result is not shown.
func testReport(runs []platformTests, format TestOutputFormat) (string, error) {
	var (
		out       strings.Builder
		plain     []gotest.PlatformRun
		summaries []gotest.Summary
	)
	for _, r := range runs {
		plain = append(plain, r.run)
		summaries = append(summaries, r.run.Summary())
	}
	if format == TestOutputFormatJSON {
		for _, r := range runs {
			out.Write(r.events)
		}
	} else {
		for _, r := range runs {
			fmt.Fprintf(&out, "== %s\n%s\n", r.run.Platform, gotest.GoTestLines(r.run.Results))
		}
		out.WriteString(gotest.Table(summaries))
	}
	if err := gotest.FailureError(plain); err != nil {
		return "", fmt.Errorf("%w\n\n%s", err, out.String())
	}
	return out.String(), nil
}
