package coverage

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrInvalidOption is wrapped by the errors of Flags.
var ErrInvalidOption = errors.New("invalid coverage option")

// Flags are the go test -c flags that build test binaries writing a
// profile: -cover, -covermode and -coverpkg.
//
// mode "" is go test's default: set, or atomic with the race detector
// (go test refuses any other mode with -race). coverPkg "" covers the
// packages under test, testPackages (./... when none): each test binary
// then counts the statements it runs in any of them, not only in its own
// package, which is what a merged report of a module means, and a package
// no test imports still shows with 0%. Without -coverpkg, go test counts
// a package's statements only in its own test binary.
//
// The standard library (std, cmd, all) is refused: it is not the
// project's code, and instrumenting it rebuilds it in every test binary.
func Flags(mode string, race bool, coverPkg string, testPackages []string) ([]string, error) {
	switch {
	case mode == "" && race:
		mode = "atomic"
	case mode == "":
		mode = "set"
	case !slices.Contains(Modes, mode):
		return nil, fmt.Errorf("%w: covermode %q: want one of %s", ErrInvalidOption, mode, strings.Join(Modes, ", "))
	case race && mode != "atomic":
		return nil, fmt.Errorf("%w: covermode %q with --race: the race detector needs atomic counters, as go test requires; drop the mode or use atomic", ErrInvalidOption, mode)
	}
	pkgs := testPackages
	if coverPkg != "" {
		pkgs = strings.Split(coverPkg, ",")
	}
	if len(pkgs) == 0 {
		pkgs = []string{"./..."}
	}
	for _, p := range pkgs {
		switch {
		case p == "" || strings.ContainsAny(p, " \t\n") || strings.HasPrefix(p, "-"):
			return nil, fmt.Errorf("%w: coverpkg %q: want Go package patterns separated by commas, such as ./... or ./greet/...,./endian", ErrInvalidOption, p)
		case p == "std" || p == "cmd" || p == "all":
			return nil, fmt.Errorf("%w: coverpkg %q: the standard library is not the project's code and would be rebuilt in every test binary; name the module's packages, such as ./...", ErrInvalidOption, p)
		}
	}
	return []string{"-cover", "-covermode=" + mode, "-coverpkg=" + strings.Join(pkgs, ",")}, nil
}
