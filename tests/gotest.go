package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"dagger/tests/internal/dagger"
)

// gotestsPlatforms are the platforms the gotests fixture is tested on:
// little- and big-endian, 64- and 32-bit.
var gotestsPlatforms = []string{"linux/amd64", "linux/arm64", "linux/s390x", "linux/arm/v7"}

// gotestsFailures are the failures the gotests fixture must have on
// gotestsPlatforms, as go-build's error names them: platform: package: test.
var gotestsFailures = []string{
	"linux/s390x: example.com/gotests/endian: TestLittleEndian",
	"linux/arm/v7: example.com/gotests/pointer: TestPointer64",
}

// gotestsPlatformDependent matches the fixture's two tests that fail on
// some platforms by design.
const gotestsPlatformDependent = "^(TestLittleEndian|TestPointer64)$"

// testEvent is the part of a go test -json event the checks read.
type testEvent struct {
	Action   string
	Package  string
	Test     string
	Platform string
}

// TestPlatformFailures runs the gotests fixture's tests on four platforms.
//
// The test binaries are compiled natively and run on amd64, arm64, s390x
// and arm/v7: the endianness test must fail on s390x alone, the
// pointer-size test on arm/v7 alone, and the test reading testdata/ must
// pass everywhere. Both the error's summary (TEXT) and the events (JSON)
// must say exactly that.
// +check
func (m *Tests) TestPlatformFailures(ctx context.Context) error {
	gb := m.goBuild("gotests", dagger.GoBuildOpts{})
	opts := dagger.GoBuildTestOpts{Platforms: gotestsPlatforms, RunImage: m.RunImage}

	_, err := gb.Test(ctx, opts)
	if err == nil {
		return fmt.Errorf("test of the gotests fixture passed on %v; want the failures %v", gotestsPlatforms, gotestsFailures)
	}
	text := errorText(err)
	got := failureItems(text)
	if !sameSet(got, gotestsFailures) {
		return fmt.Errorf("test of the gotests fixture failed with %q, want exactly %q; the error:\n%s", got, gotestsFailures, text)
	}
	for _, want := range []string{"PLATFORM", "this platform is big-endian", "pointers have 32 bits, want 64"} {
		if !strings.Contains(text, want) {
			return fmt.Errorf("the error of test lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "ok  \texample.com/gotests/plain\t"); n != len(gotestsPlatforms) {
		return fmt.Errorf("plain passed on %d platforms, want %d:\n%s", n, len(gotestsPlatforms), text)
	}

	opts.Format = dagger.GoBuildTestOutputFormat("JSON")
	_, err = gb.Test(ctx, opts)
	if err == nil {
		return fmt.Errorf("test --format JSON of the gotests fixture passed; want the failures %v", gotestsFailures)
	}
	text = errorText(err)
	events := parseEvents(text)
	if len(events) == 0 {
		return fmt.Errorf("test --format JSON failed with no event in its error:\n%s", text)
	}
	var failedTests []string
	passed := map[string]bool{}
	for _, e := range events {
		switch {
		case e.Action == "fail" && e.Test != "":
			failedTests = append(failedTests, e.Platform+": "+e.Package+": "+e.Test)
		case e.Action == "pass" && e.Test == "TestGreeting":
			passed[e.Platform] = true
		}
	}
	if !sameSet(failedTests, gotestsFailures) {
		return fmt.Errorf("test --format JSON: fail events %q, want exactly %q", failedTests, gotestsFailures)
	}
	for _, p := range gotestsPlatforms {
		if !passed[p] {
			return fmt.Errorf("test --format JSON: no pass event of TestGreeting (reading testdata/) on %s", p)
		}
	}
	return nil
}

// TestSkipPlatformDependent runs the gotests fixture without its platform-dependent tests.
//
// With the endianness and pointer-size tests skipped (--skip), every
// package passes on all four platforms, and test succeeds with go test's
// lines and the summary table.
// +check
func (m *Tests) TestSkipPlatformDependent(ctx context.Context) error {
	out, err := m.goBuild("gotests", dagger.GoBuildOpts{}).Test(ctx, dagger.GoBuildTestOpts{
		Platforms: gotestsPlatforms,
		Skip:      gotestsPlatformDependent,
		RunImage:  m.RunImage,
	})
	if err != nil {
		return fmt.Errorf("test --skip %s of the gotests fixture: %s", gotestsPlatformDependent, errorText(err))
	}
	for _, pkg := range []string{"endian", "pointer", "plain"} {
		line := "ok  \texample.com/gotests/" + pkg + "\t"
		if n := strings.Count(out, line); n != len(gotestsPlatforms) {
			return fmt.Errorf("%s passed on %d platforms, want %d:\n%s", pkg, n, len(gotestsPlatforms), out)
		}
	}
	for _, want := range []string{"?   \texample.com/gotests\t[no test files]", "PLATFORM", "linux/s390x", "linux/arm/v7"} {
		if !strings.Contains(out, want) {
			return fmt.Errorf("the output of test lacks %q:\n%s", want, out)
		}
	}
	return nil
}

// TestEmulatedMode runs the gotests fixture's tests with --mode EMULATE on linux/arm64.
//
// The test binaries are compiled in an emulated arm64 builder and run in a
// container of their own, and the report is CROSS mode's: go test's lines
// for every package (the one without tests too) and the summary table, and
// with --format JSON the events with their Platform, TestGreeting (reading
// testdata/) passing and no test failing.
// +check
func (m *Tests) TestEmulatedMode(ctx context.Context) error {
	const arm64 = "linux/arm64"
	gb := m.goBuild("gotests", dagger.GoBuildOpts{Mode: dagger.GoBuildBuildModeEmulate})
	opts := dagger.GoBuildTestOpts{Platforms: []string{arm64}, RunImage: m.RunImage}
	out, err := gb.Test(ctx, opts)
	if err != nil {
		return fmt.Errorf("test --mode EMULATE of the gotests fixture on %s: %s", arm64, errorText(err))
	}
	for _, want := range []string{"ok  \texample.com/gotests/endian\t", "ok  \texample.com/gotests/pointer\t",
		"ok  \texample.com/gotests/plain\t", "?   \texample.com/gotests\t[no test files]", "PLATFORM", arm64} {
		if !strings.Contains(out, want) {
			return fmt.Errorf("the output of test --mode EMULATE lacks %q:\n%s", want, out)
		}
	}
	opts.Format = dagger.GoBuildTestOutputFormat("JSON")
	out, err = gb.Test(ctx, opts)
	if err != nil {
		return fmt.Errorf("test --mode EMULATE --format JSON of the gotests fixture on %s: %s", arm64, errorText(err))
	}
	passed := map[string]bool{}
	for _, e := range parseEvents(out) {
		if e.Platform != arm64 {
			return fmt.Errorf("test --mode EMULATE --format JSON: an event of %s %s has Platform %q, want %s", e.Package, e.Test, e.Platform, arm64)
		}
		switch e.Action {
		case "fail":
			return fmt.Errorf("test --mode EMULATE --format JSON: %s %s failed on %s:\n%s", e.Package, e.Test, arm64, out)
		case "pass":
			passed[e.Test] = true
		}
	}
	for _, name := range []string{"TestGreeting", "TestLittleEndian", "TestPointer64"} {
		if !passed[name] {
			return fmt.Errorf("test --mode EMULATE --format JSON: no pass event of %s on %s:\n%s", name, arm64, out)
		}
	}
	return nil
}

// failureItems reads the "tests failed: a; b" line of go-build's error.
func failureItems(text string) []string {
	const head = "tests failed: "
	for _, line := range strings.Split(text, "\n") {
		if _, rest, ok := strings.Cut(line, head); ok {
			return strings.Split(strings.TrimSpace(rest), "; ")
		}
	}
	return nil
}

// parseEvents reads the go test -json events, one a line, in text.
func parseEvents(text string) []testEvent {
	var events []testEvent
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "{\""); i >= 0 {
			line = line[i:]
		} else {
			continue
		}
		var e testEvent
		if json.Unmarshal([]byte(line), &e) == nil && e.Action != "" {
			events = append(events, e)
		}
	}
	return events
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
