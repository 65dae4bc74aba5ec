// Package gotest holds the rules for running a project's Go tests on target
// platforms the way go-build does it: list the packages, compile every test
// binary in the builder (natively on the engine's platform, cross-compiling;
// under emulation in EMULATE mode), run only the binaries in fresh
// containers of the target platform (emulated when foreign) that hold none
// of the builder's credentials or caches (PlanRun), and turn their raw
// output into go test's JSON events and report lines.
//
// The go command is not available where the binaries run, so the parts go
// test normally does around a test binary (test2json conversion, the
// "ok  \tpkg\t0.012s" lines, the exit status) are done here, in plain Go with
// no Dagger dependency, so every rule is unit-tested against the real go
// command.
package gotest

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"dagger/go-build/internal/buildopts"
	"dagger/go-build/internal/platform"
)

var (
	// ErrInvalidOption is wrapped by every Options validation error.
	ErrInvalidOption = errors.New("invalid test option")
	// ErrRace is wrapped when --race cannot be used for a target.
	ErrRace = errors.New("race detector unavailable")
	// ErrNotRunnable is wrapped when a target's test binaries cannot run in
	// a container of the engine.
	ErrNotRunnable = errors.New("tests cannot run on this platform")
)

// DefaultTimeout is the -test.timeout passed when Options.Timeout is empty.
// It is go test's default: a test binary run directly has no timeout at all,
// and a hung test under emulation would otherwise hold the run forever.
const DefaultTimeout = "10m0s"

// Options are the user's choices for one test run, shared by every target.
type Options struct {
	// Packages are Go package patterns; empty means ./... (the whole module).
	Packages []string
	// Run and Skip are the -run and -skip regular expressions.
	Run, Skip string
	// Short sets -test.short.
	Short bool
	// Count is -test.count; 0 leaves the test binary's default (1).
	Count int
	// Timeout is -test.timeout as a Go duration; "" means DefaultTimeout and
	// "0" disables the timeout, as with go test.
	Timeout string
	// Tags are Go build tags.
	Tags []string
	// Race builds the test binaries with the race detector. Go needs cgo for
	// it on Linux, so Race turns cgo on (see CgoEnabled).
	Race bool
	// Args are extra arguments passed to every test binary after its flags,
	// like the arguments after -args of go test.
	Args []string
	// Cgo turns cgo on for every target (Go turns it off when
	// cross-compiling).
	Cgo bool
}

// tagPattern is an identifier as the go command accepts in -tags.
var tagPattern = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)

// Validate checks each option on its own before any container work starts,
// so a typo fails in a second rather than after compiling every platform.
func (o Options) Validate() error {
	for _, p := range o.Packages {
		if err := buildopts.CheckPackagePattern(p, "./pkg/..."); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidOption, err)
		}
	}
	for _, r := range []struct{ flag, value string }{{"run", o.Run}, {"skip", o.Skip}} {
		if r.value == "" {
			continue
		}
		if _, err := regexp.Compile(r.value); err != nil {
			return fmt.Errorf("%w: %s %q: want a Go regular expression such as ^TestName$: %v", ErrInvalidOption, r.flag, r.value, err)
		}
	}
	if o.Count < 0 {
		return fmt.Errorf("%w: count %d: want a run count of 1 or more (0 for the default, once)", ErrInvalidOption, o.Count)
	}
	if o.Timeout != "" {
		d, err := time.ParseDuration(o.Timeout)
		if err != nil {
			return fmt.Errorf("%w: timeout %q: want a Go duration such as 90s or 20m (0 for none)", ErrInvalidOption, o.Timeout)
		}
		if d < 0 {
			return fmt.Errorf("%w: timeout %q: want a positive duration such as 90s or 20m (0 for none)", ErrInvalidOption, o.Timeout)
		}
	}
	for _, t := range o.Tags {
		if !tagPattern.MatchString(t) {
			return fmt.Errorf("%w: build tag %q: want letters, digits, '_' and '.' only", ErrInvalidOption, t)
		}
	}
	return nil
}

// CgoEnabled is the CGO_ENABLED the test binaries are compiled with: on for
// --cgo, and for --race because the go command refuses -race without cgo on
// every platform but macOS ("go: -race requires cgo").
func (o Options) CgoEnabled() bool { return o.Cgo || o.Race }

// CompileEnv is the environment for listing and compiling t's test binaries:
// the target's GOOS, GOARCH and architecture level, and CGO_ENABLED. A C
// cross-compiler for cgo is the caller's to add.
func (o Options) CompileEnv(t platform.Target) []string {
	cgo := "CGO_ENABLED=0"
	if o.CgoEnabled() {
		cgo = "CGO_ENABLED=1"
	}
	return append(t.GoEnv(), cgo)
}

// timeout is the -test.timeout value: the user's duration normalized the way
// go test prints it (90s -> 1m30s), or DefaultTimeout.
func (o Options) timeout() string {
	if o.Timeout == "" {
		return DefaultTimeout
	}
	d, err := time.ParseDuration(o.Timeout)
	if err != nil {
		return o.Timeout // Validate reports it
	}
	return d.String()
}

// racePlatforms are the GOOS/GOARCH pairs Go's race detector supports, as
// in Go 1.26's internal/platform.RaceDetectorSupported.
var racePlatforms = []string{
	"darwin/amd64", "darwin/arm64",
	"freebsd/amd64",
	"linux/amd64", "linux/arm64", "linux/loong64", "linux/ppc64le", "linux/riscv64", "linux/s390x",
	"netbsd/amd64",
	"windows/amd64",
}

// RaceSupported reports whether Go's race detector supports t's GOOS/GOARCH.
func RaceSupported(t platform.Target) bool {
	key := t.GOOS + "/" + t.GOARCH
	for _, p := range racePlatforms {
		if p == key {
			return true
		}
	}
	return false
}

// CheckRace says whether --race can be used to test t on an engine whose own
// platform is native. The race detector's runtime (ThreadSanitizer) maps
// shadow memory at fixed addresses and relies on the exact kernel ABI, which
// user-mode emulation does not provide, so race-enabled test binaries run
// only on the engine's own OS and architecture.
func CheckRace(t, native platform.Target) error {
	if !RaceSupported(t) {
		return fmt.Errorf("%w: --race on %s: Go's race detector supports only %s; drop --race or test %s only",
			ErrRace, t, strings.Join(racePlatforms, ", "), native)
	}
	if t.GOOS != native.GOOS || t.GOARCH != native.GOARCH {
		return fmt.Errorf("%w: --race on %s: the race detector runs only natively (the engine's platform is %s); drop --race or test %s only",
			ErrRace, t, native, native)
	}
	return nil
}

// CheckRunnable says whether t's test binaries can run at all: they run in
// Linux containers (emulated for foreign architectures), and no container
// runs Windows, macOS or FreeBSD binaries on a Linux engine.
func CheckRunnable(t platform.Target) error {
	if !t.IsLinux() {
		return fmt.Errorf("%w: %s: test binaries run in Linux containers; test linux/%s instead, or build %s without testing",
			ErrNotRunnable, t, t.Architecture, t)
	}
	return nil
}

// UnionTags is the constructor's build tags followed by the test's own,
// each once.
func UnionTags(build, test []string) []string {
	var tags []string
	for _, t := range append(slices.Clone(build), test...) {
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags
}
