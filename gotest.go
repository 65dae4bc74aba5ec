package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/fanout"
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
// the same builder, caches, credentials and target environment as build);
// only their run is emulated, in a fresh container of each target platform
// with nothing but the source and the binaries, in the package's directory
// of the source so testdata/ works: test code sees no credential and
// cannot write into the shared caches. With the constructor's --mode
// EMULATE the binaries are compiled under emulation too, in a builder of
// the target platform (the baseline), and run the same way.
// It prints go test's lines for each platform and a summary table, and
// fails, naming the platform, package and test, when any test fails.
func (m *GoBuild) Test(
	ctx context.Context,
	// Target platforms (Linux; test binaries run in Linux containers), as
	// for build, e.g. linux/amd64,linux/arm64,linux/s390x. Default: the
	// engine's own platform.
	// +optional
	platforms []string,
	// Packages to test, as go patterns read from the module's root (or the
	// go.work's directory), e.g. ./pkg/.... Default: ./... (every package
	// of the module; of a go.work, every package of each module it uses).
	// The constructor's --packages choose what build builds.
	// +optional
	packages []string,
	// Run only the tests matching this regular expression (go test -run),
	// e.g. 'TestHello|TestParse'. Default: every test.
	// +optional
	run string,
	// Skip the tests matching this regular expression (go test -skip),
	// e.g. TestSlow. Default: none skipped.
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
	// Build tags for the tests, added to the constructor's --tags, e.g.
	// integration. Default: none.
	// +optional
	testTags []string,
	// Enable the race detector (go test -race). Only for the engine's own
	// platform (it does not run under emulation); it turns cgo on.
	// +optional
	race bool,
	// Extra arguments passed to every test binary (go test -args ...),
	// e.g. -update. Default: none.
	// +optional
	args []string,
	// Image the test binaries run in, pulled for each target platform, e.g.
	// debian:trixie-slim; it needs a POSIX shell (and the C libraries of cgo
	// tests). Default: the builder image.
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
	if len(packages) == 0 {
		packages = m.DefaultPackages
	}
	opts := gotest.Options{
		Packages: packages,
		Run:      run,
		Skip:     skip,
		Short:    short,
		Count:    count,
		Timeout:  timeout,
		Tags:     gotest.UnionTags(m.Tags, testTags),
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
	return gotest.Report(runs, format == TestOutputFormatJSON)
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

// runTests tests every target concurrently, sharing one plan (one module
// download). Every platform runs to the end, so a platform that cannot be
// tested does not hide the others' problems; those are all reported.
func (m *GoBuild) runTests(ctx context.Context, targets []platform.Target, opts gotest.Options, runImage string) ([]gotest.PlatformTests, error) {
	plan, err := m.plan(ctx, targets)
	if err != nil {
		return nil, err
	}
	runs := make([]gotest.PlatformTests, len(targets))
	err = forEachTarget(ctx, targets, fanout.EveryResult, func(ctx context.Context, i int, t platform.Target) error {
		var err error
		runs[i], err = plan.platformTests(ctx, t, opts, runImage)
		return err
	})
	if err != nil {
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
		return nil, nil, fmt.Errorf("listing the packages to test for %s: %v", t, withStderr(err))
	}
	pkgs, err := opts.ParseList(list, srcDir)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", t, err)
	}
	return ctr, pkgs, nil
}

// platformTests compiles t's test binaries in t's compile container (the
// native builder, or with --mode EMULATE an emulated builder of t's
// platform), which has the credentials and caches the module download
// needs, and runs them in a container of t's platform that has neither.
func (p *buildPlan) platformTests(ctx context.Context, t platform.Target, opts gotest.Options, runImage string) (gotest.PlatformTests, error) {
	ctr, pkgs, err := p.testContainer(ctx, t, opts)
	if err != nil {
		return gotest.PlatformTests{}, err
	}
	start := time.Now()
	bins := gotest.Manifest(t, pkgs)
	var (
		failed   []gotest.Binary
		compiler string
		outcomes map[string]gotest.Outcome
	)
	if len(bins) > 0 {
		// Expect ANY: a package that does not compile must not hide the
		// others; CompileScript leaves its binary out and exits 1.
		compiled := ctr.WithExec([]string{"sh", "-c", opts.CompileScript(t, bins, testBinDir)},
			dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
		code, err := compiled.ExitCode(ctx)
		if err != nil {
			return gotest.PlatformTests{}, fmt.Errorf("compiling the %s test binaries: %v", t, withStderr(err))
		}
		if compiler, err = compiled.Stderr(ctx); err != nil {
			return gotest.PlatformTests{}, fmt.Errorf("compiling the %s test binaries: %v", t, withStderr(err))
		}
		bin := compiled.Directory(testBinDir)
		files, err := bin.Entries(ctx)
		if err != nil {
			return gotest.PlatformTests{}, fmt.Errorf("reading the %s test binaries: %v", t, withStderr(err))
		}
		var built []gotest.Binary
		built, failed = gotest.Built(bins, files)
		if len(built) == 0 {
			return gotest.PlatformTests{}, fmt.Errorf("compiling the %s test binaries failed (exit code %d): none compiled:\n%s",
				t, code, strings.TrimSpace(compiler))
		}
		if outcomes, err = p.runTestBinaries(ctx, t, opts, built, bin, runImage); err != nil {
			return gotest.PlatformTests{}, err
		}
	}
	results, events := gotest.AssembleResults(pkgs, failed, compiler, outcomes)
	js, err := gotest.EventsJSON(t.String(), events)
	if err != nil {
		return gotest.PlatformTests{}, err
	}
	return gotest.PlatformTests{
		Run:    gotest.PlatformRun{Platform: t.String(), Results: results, Wall: time.Since(start)},
		Events: js,
	}, nil
}

// testRunLayout is where the run container holds the source, the test
// binaries and the results.
var testRunLayout = gotest.RunLayout{SrcRoot: srcDir, BinDir: testBinDir, ResultsDir: testResultsDir}

// testRunSourceExclude keeps git's metadata out of the source the test
// binaries see: a CI checkout can leave a token in .git/config (GitLab's
// clone URL, actions/checkout's extra header), and test code must not read
// it. Tests read their package's files and testdata, never .git.
var testRunSourceExclude = []string{".git", "**/.git"}

// builderOnlyPaths are where the builders keep the credentials (the netrc,
// the git token files, the company CA) and mount the shared cache volumes
// (module cache, build cache): the run container has nothing there.
func builderOnlyPaths() []string {
	return []string{netrcPath, gitTokenDir, companyCADir, goModCache, goBuildCache}
}

// runTestBinaries runs bins (the compiled test binaries, in dir) in a
// container of t's platform: the engine's own platform runs them natively,
// any other under emulation.
//
// The container is a fresh one of runImage with the source and the
// binaries mounted (gotest.PlanRun), never the builder: it has no netrc, no
// git token, no private-module settings, no service binding and no cache
// volume, so test code can neither read the compile's credentials nor
// change the module or build cache later builds trust; what it writes is
// thrown away with the container.
//
// Every binary of the platform runs in ONE exec, one after the other, by a
// generated script that writes each binary's combined output, exit code and
// times into files: one container start (and one emulator start-up of the
// shell) per platform rather than per package keeps the overhead low, the
// Dagger TUI shows one span per platform, and the sequential run matches go
// test's default of one package's binary at a time per CPU budget. The
// script itself always succeeds, so a crashing binary is a result, not an
// exec error.
func (p *buildPlan) runTestBinaries(ctx context.Context, t platform.Target, opts gotest.Options, bins []gotest.Binary, dir *dagger.Directory, runImage string) (map[string]gotest.Outcome, error) {
	run, err := opts.PlanRun(t, runImage, bins, testRunLayout)
	if err != nil {
		return nil, err
	}
	if at := run.Overlaps(builderOnlyPaths()); at != "" {
		return nil, fmt.Errorf("the %s test run container would have a directory at %s, where the builders keep credentials or caches", t, at)
	}
	ctr := dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(run.Platform)}).From(run.Image)
	for _, mount := range run.Mounts {
		switch mount.Content {
		case gotest.MountSource:
			ctr = ctr.WithMountedDirectory(mount.Path, p.src.Filter(dagger.DirectoryFilterOpts{Exclude: testRunSourceExclude}))
		case gotest.MountBinaries:
			ctr = ctr.WithMountedDirectory(mount.Path, dir)
		default:
			return nil, fmt.Errorf("the %s test run container: %s at %s is not a run mount", t, mount.Content, mount.Path)
		}
	}
	results := ctr.WithWorkdir(run.Workdir).WithExec([]string{"sh", "-c", run.Script}).Directory(run.ResultsDir)
	tmp, err := os.MkdirTemp("", "go-build-test-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if _, err := results.Export(ctx, tmp); err != nil {
		return nil, fmt.Errorf("running the %s test binaries in %s: %v", t, runImage, withStderr(err))
	}
	outcomes, err := gotest.ReadOutcomes(tmp, bins)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", t, err)
	}
	return outcomes, nil
}
