package main

import (
	"context"
	"fmt"
	"time"

	"dagger/bench/internal/dagger"
	"dagger/bench/internal/plan"
	"dagger/bench/internal/report"
)

// goTest times the test project's tests run by go-build's test (compiled on
// the engine, run under emulation) against go test run wholly under
// emulation (go-build's --mode EMULATE), per test platform, cold and warm
// with the touch file changed.
func (m *Bench) goTest(ctx context.Context, r run, skipEmulated bool) (report.Comparison, error) {
	p := project{module: m.TestProject, packages: m.TestPackages, touch: m.TestTouchFile}
	src, err := m.fetch(ctx, p.module)
	if err != nil {
		return report.Comparison{}, err
	}
	// Untimed: a module zip may lack go.sum entries its tests need.
	logf("untimed: completing the go.sum of %s", p.module)
	src, err = m.goContainer(r.native, sourceNamespace).
		WithDirectory(baselineSrc, src).
		WithWorkdir(baselineSrc).
		WithExec([]string{"sh", "-c", plan.CompleteGoSum(p.packages)}).
		Directory(baselineSrc).
		Sync(ctx)
	if err != nil {
		return report.Comparison{}, fmt.Errorf("completing the go.sum of %s: %w", p.module, err)
	}
	original, err := src.File(p.touch).Contents(ctx)
	if err != nil {
		return report.Comparison{}, fmt.Errorf("reading %s of %s, the file warm test runs change: %w", p.touch, p.module, err)
	}
	touched, err := src.WithNewFile(p.touch, plan.Touch(original, r.id+" test")).Sync(ctx)
	if err != nil {
		return report.Comparison{}, err
	}
	// Both modes run the builder image of each test platform: the emulated
	// go test builds in it, and go-build runs the test binaries in it.
	for _, platform := range plan.TestPlatforms {
		if err := pull(ctx, platform, m.BuilderImage, "go", "version"); err != nil {
			return report.Comparison{}, err
		}
	}
	temperatures := []struct {
		name string
		src  *dagger.Directory
	}{{tempCold, src}, {tempWarmTouched, touched}}
	var pairs []report.Pair
	for _, temp := range temperatures {
		for _, platform := range plan.TestPlatforms {
			arch := plan.Arch(platform)
			pair := report.Pair{Project: p.name(), Case: "go test " + arch, Temperature: temp.name}
			opts := dagger.GoBuildTestOpts{Platforms: []string{platform}, Packages: p.packages, Short: m.TestShort}
			modes := []struct {
				name string
				mode dagger.GoBuildBuildMode
				secs *float64
			}{
				{"cross", dagger.GoBuildBuildModeCross, &pair.Subject},
				{"emulated", dagger.GoBuildBuildModeEmulate, &pair.Baseline},
			}
			if skipEmulated {
				modes = modes[:1]
			}
			failed := false
			for _, mode := range modes {
				// The warm run reuses its cold run's namespace.
				gb := m.goBuild(p, temp.src, p.namespace(r, "test", mode.name, arch), mode.mode, dagger.GoBuildStripModeNone)
				secs, testsFailed, err := timeTest(ctx, fmt.Sprintf("%s, go test %s %s, %s", p.name(), mode.name, arch, temp.name), gb, opts)
				if err != nil {
					return report.Comparison{}, err
				}
				*mode.secs = secs
				failed = failed || testsFailed
			}
			if failed {
				pair.Case += " (tests failed)"
			}
			pairs = append(pairs, pair)
		}
	}
	short := ""
	if m.TestShort {
		short = " with -short"
	}
	return report.Comparison{
		Title: "Tests: cross-compiled vs emulated go test",
		Note: fmt.Sprintf("The tests of %s%s on each platform: go-build `test` (test binaries compiled on the "+
			"engine's platform, only their run emulated) and the same call with `--mode EMULATE` (the whole go "+
			"test, compile included, under emulation, as in a container of the target platform). Cold: fresh "+
			"caches for each; warm: the same caches, %s changed. A case marked (tests failed) ran, and some tests "+
			"failed. Ratio: cross ÷ emulated; issue #11 targets 0.3 or less.",
			packagesText(p.packages), short, p.touch),
		SubjectHeader:  "cross (s)",
		BaselineHeader: "emulated (s)",
		RatioHeader:    "cross ÷ emulated",
		Pairs:          pairs,
	}, nil
}

// timeTest times one go-build test call. A call whose tests ran but failed
// still gives its time (failed is set); any other error is returned.
func timeTest(ctx context.Context, label string, gb *dagger.GoBuild, opts dagger.GoBuildTestOpts) (secs float64, failed bool, err error) {
	logf("timing %s", label)
	start := time.Now()
	_, err = gb.Test(ctx, opts)
	secs = time.Since(start).Seconds()
	if err != nil {
		if plan.TestsRan(err.Error()) {
			logf("%s: %.1f s; tests failed:\n%s", label, secs, err)
			return secs, true, nil
		}
		return 0, false, fmt.Errorf("%s: %w", label, err)
	}
	logf("%s: %.1f s", label, secs)
	return secs, false, nil
}
