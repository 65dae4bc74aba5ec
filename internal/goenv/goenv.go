// Package goenv checks the Go environment a user adds to a build
// (GOEXPERIMENT=boringcrypto, GOFIPS140=v1.0.0, GODEBUG, GOFLAGS additions):
// Go's own variables only, and none of those go-build sets itself or sets
// from an option of its own.
package goenv

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ErrGoEnv is wrapped by every error of an entry.
var ErrGoEnv = errors.New("invalid go-env entry")

// Var is one variable of the Go environment.
type Var struct {
	Name, Value string
}

// String is the variable as NAME=value.
func (v Var) String() string { return v.Name + "=" + v.Value }

// reserved are the variables go-build sets, each with the option that
// decides it: one table, so the message always says what to use instead.
var reserved = []struct {
	names []string
	// prefix marks names that are prefixes (CGO_ is every CGO_...).
	prefix bool
	why    string
}{
	{[]string{"GOOS", "GOARCH", "GOARM", "GOARM64", "GOAMD64", "GO386", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM"}, false,
		"go-build sets it from the target platform: choose it with --arch or --platforms (e.g. amd64v3, armv6)"},
	{[]string{"CGO_ENABLED", "CC", "CXX"}, false,
		"go-build sets it from --cgo and the target's C toolchain"},
	{[]string{"CGO_"}, true,
		"go-build sets the cgo flags for the target's C libraries: add libraries with --target-packages"},
	{[]string{"GOROOT", "GOTOOLCHAIN"}, false,
		"the Go version is the builder's: choose it with --go-version or --builder-image"},
	{[]string{"GOPATH", "GOMODCACHE", "GOCACHE"}, false,
		"go-build mounts its cache volumes there: choose separate caches with --cache-namespace"},
	{[]string{"GOWORK"}, false,
		"go-build decides the workspace from the source: use --gowork off to ignore a go.work"},
	{[]string{"GOPROXY", "GONOPROXY", "GOPRIVATE", "GONOSUMDB", "GONOSUMCHECK", "GOSUMDB", "GOINSECURE", "GOAUTH", "GOVCS"}, false,
		"module downloads have options of their own: use --goprivate, --goproxy, --gonoproxy, --gonosumdb and --gosumdb (logins in --netrc), which keep credentials out of the provenance"},
}

// goFlagsReserved are the go build flags go-build gives on the command
// line, where they override GOFLAGS: in GOFLAGS they would do nothing, or
// undo what go-build relies on.
var goFlagsReserved = []struct{ flag, why string }{
	{"-ldflags", "use --ldflags"},
	{"-tags", "use --tags"},
	{"-trimpath", "go-build always builds with -trimpath"},
	{"-buildvcs", "go-build sets it from the source's git checkout"},
	{"-o", "go-build writes the binaries"},
	{"-modcacherw", "go-build sets it already"},
}

var (
	// namePattern is an environment variable name in the style Go's own
	// use: upper case, digits and underscores.
	namePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
)

// Parse reads entries, each NAME=value, in order. It refuses a malformed
// entry, a name that is not Go's (GO...), a name go-build sets (naming the
// option that sets it), a name given twice, and GOFLAGS flags go-build
// gives itself.
func Parse(entries []string) ([]Var, error) {
	var vars []Var
	for _, e := range entries {
		name, value, ok := strings.Cut(e, "=")
		switch {
		case !ok:
			return nil, fmt.Errorf("%w %q: want NAME=value, e.g. GOEXPERIMENT=boringcrypto", ErrGoEnv, e)
		case !namePattern.MatchString(name):
			return nil, fmt.Errorf("%w %q: %q is not an environment variable name: want upper case, digits and _, e.g. GOEXPERIMENT=boringcrypto", ErrGoEnv, e, name)
		case value == "":
			return nil, fmt.Errorf("%w %q: empty value: want NAME=value, e.g. GOEXPERIMENT=boringcrypto", ErrGoEnv, e)
		case strings.ContainsAny(value, "\n\r\x00"):
			return nil, fmt.Errorf("%w %s: the value holds a line break or NUL", ErrGoEnv, name)
		}
		if why := reservedWhy(name); why != "" {
			return nil, fmt.Errorf("%w %q: %s is set by go-build, not by --go-env: %s", ErrGoEnv, e, name, why)
		}
		if !strings.HasPrefix(name, "GO") {
			return nil, fmt.Errorf("%w %q: %s is not a Go environment variable: --go-env takes Go's own (GO...), e.g. GOEXPERIMENT, GOFIPS140, GODEBUG, GOFLAGS", ErrGoEnv, e, name)
		}
		if slices.ContainsFunc(vars, func(v Var) bool { return v.Name == name }) {
			return nil, fmt.Errorf("%w %q: %s is given twice: give each variable once", ErrGoEnv, e, name)
		}
		if name == "GOFLAGS" {
			if err := checkGoFlags(value); err != nil {
				return nil, err
			}
		}
		vars = append(vars, Var{Name: name, Value: value})
	}
	return vars, nil
}

// reservedWhy says why go-build owns name, or "" when it does not.
func reservedWhy(name string) string {
	for _, r := range reserved {
		for _, n := range r.names {
			if name == n || (r.prefix && strings.HasPrefix(name, n)) {
				return r.why
			}
		}
	}
	return ""
}

// checkGoFlags checks a GOFLAGS value: space-separated flags (the go
// command's syntax, which has no quoting), none of those go-build gives.
func checkGoFlags(value string) error {
	for _, f := range strings.Fields(value) {
		if !strings.HasPrefix(f, "-") {
			return fmt.Errorf("%w GOFLAGS=%q: %q is not a flag: GOFLAGS holds space-separated flags, e.g. GOFLAGS=-mod=mod", ErrGoEnv, value, f)
		}
		// The go command takes -flag and --flag alike.
		name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		for _, r := range goFlagsReserved {
			if "-"+name == r.flag {
				return fmt.Errorf("%w GOFLAGS=%q: %s is go-build's own flag: %s", ErrGoEnv, value, r.flag, r.why)
			}
		}
	}
	return nil
}

// GoFlags is the GOFLAGS value for base (go-build's own flags) with vars'
// GOFLAGS appended: go reads both, and a flag the user adds comes after.
func GoFlags(base string, vars []Var) string {
	for _, v := range vars {
		if v.Name == "GOFLAGS" {
			return strings.TrimSpace(base + " " + v.Value)
		}
	}
	return base
}

// CheckExperiments fails when vars ask for a GOEXPERIMENT that the build
// would silently leave out: boringcrypto links BoringCrypto only with cgo on
// linux/amd64 and linux/arm64; elsewhere go builds its own crypto, and the
// binary still says X:boringcrypto.
func CheckExperiments(vars []Var, cgo bool, goos, goarch string) error {
	for _, v := range vars {
		if v.Name != "GOEXPERIMENT" || !slices.Contains(strings.Split(v.Value, ","), "boringcrypto") {
			continue
		}
		if !cgo {
			return fmt.Errorf("%w %s: BoringCrypto is linked through cgo: add --cgo (without it, go builds its own crypto and the binary still claims X:boringcrypto)", ErrGoEnv, v)
		}
		if goos != "" && (goos != "linux" || (goarch != "amd64" && goarch != "arm64")) {
			return fmt.Errorf("%w %s: BoringCrypto exists for linux/amd64 and linux/arm64 only, not %s/%s", ErrGoEnv, v, goos, goarch)
		}
	}
	return nil
}
