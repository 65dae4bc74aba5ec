// Package racesupport decides, before any work, whether go test -race can
// run for a target: Go's race detector (ThreadSanitizer) must support the
// target's GOOS/GOARCH, the test binaries must run natively on the
// engine's own platform, and the build must use cgo.
//
// Under emulation the race runtime does not start: ThreadSanitizer maps
// its shadow memory at fixed addresses of the host architecture's layout,
// which QEMU's user-mode emulation does not provide ("FATAL:
// ThreadSanitizer: unsupported VMA range", golang/go#29948). So a
// race-enabled test binary runs only where the engine runs natively.
package racesupport

import (
	"errors"
	"fmt"
	"strings"

	"dagger/go-build/internal/platform"
)

// ErrRace is wrapped by every refusal.
var ErrRace = errors.New("race detector unavailable")

// Supported are the GOOS/GOARCH pairs of Go 1.26's race detector
// (internal/platform.RaceDetectorSupported), in the order Go lists them.
var Supported = []string{
	"linux/amd64", "linux/arm64", "linux/loong64", "linux/ppc64le", "linux/riscv64", "linux/s390x",
	"darwin/amd64", "darwin/arm64",
	"freebsd/amd64", "netbsd/amd64", "windows/amd64",
}

// GoSupports reports whether Go's race detector exists for goos/goarch.
func GoSupports(goos, goarch string) bool {
	key := goos + "/" + goarch
	for _, s := range Supported {
		if s == key {
			return true
		}
	}
	return false
}

// Check says whether go test -race can run target's tests on an engine
// whose own platform is engine. cgoEnabled is the CGO_ENABLED the user set
// for the build ("" when unset: go-build then turns cgo on for -race).
// The error names the target, the engine's platform, and why.
func Check(target, engine platform.Target, cgoEnabled string) error {
	if !GoSupports(target.GOOS, target.GOARCH) {
		return fmt.Errorf("%w: --race on %s: Go's race detector exists only for %s; drop --race for %s",
			ErrRace, target, strings.Join(Supported, ", "), target)
	}
	if target.GOOS != engine.GOOS || target.GOARCH != engine.GOARCH {
		return fmt.Errorf("%w: --race on %s: the race detector runs only natively, on the engine's platform %s; "+
			"under emulation ThreadSanitizer cannot map its shadow memory (\"unsupported VMA range\", golang/go#29948); "+
			"test %s with --race and %s without it, or use an engine on %s",
			ErrRace, target, engine, engine, target, target.GOOS+"/"+target.GOARCH)
	}
	switch strings.TrimSpace(cgoEnabled) {
	case "", "1":
	case "0":
		return fmt.Errorf("%w: --race on %s: the race detector needs cgo, and the build sets CGO_ENABLED=0 (go: -race requires cgo); drop CGO_ENABLED=0 from the Go environment or drop --race",
			ErrRace, target)
	default:
		return fmt.Errorf("%w: --race on %s: CGO_ENABLED=%q: want 0 or 1 (the race detector needs 1)", ErrRace, target, cgoEnabled)
	}
	return nil
}

// CheckAll checks every target and joins the refusals, so one call names
// every platform --race cannot run on.
func CheckAll(targets []platform.Target, engine platform.Target, cgoEnabled string) error {
	var errs []error
	for _, t := range targets {
		if err := Check(t, engine, cgoEnabled); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
