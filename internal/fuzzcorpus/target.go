package fuzzcorpus

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrInvalidOption is wrapped by the errors of the option checks.
var ErrInvalidOption = errors.New("invalid fuzz option")

// ValidTarget checks a fuzz target name as go test finds fuzz targets: a
// Go identifier that is "Fuzz" or starts with "Fuzz" and a character that
// is not a lower-case letter (FuzzParse, Fuzz_x, Fuzz2; not Fuzzy). The
// name is matched exactly (go-build passes -fuzz=^name$) and names the
// corpus directory, so no pattern is accepted.
func ValidTarget(name string) error {
	rest, ok := strings.CutPrefix(name, "Fuzz")
	if !ok {
		return fmt.Errorf("%w: target %q: want a fuzz test's name, starting with Fuzz, such as FuzzParse", ErrInvalidOption, name)
	}
	if rest != "" {
		if r, _ := utf8.DecodeRuneInString(rest); unicode.IsLower(r) {
			return fmt.Errorf("%w: target %q: go test runs only Fuzz followed by an upper-case letter, a digit or _ (FuzzParse), not %q", ErrInvalidOption, name, "Fuzz"+string(r))
		}
	}
	for _, r := range name {
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return fmt.Errorf("%w: target %q: want a Go function name (letters, digits, _), not a pattern", ErrInvalidOption, name)
		}
	}
	return nil
}

// ValidPackage checks the package to fuzz: go test -fuzz runs exactly one
// package, so a pattern with "..." (or a list) is refused, as go test does
// ("cannot use -fuzz flag with multiple packages").
func ValidPackage(pkg string) error {
	switch {
	case pkg == "" || strings.ContainsAny(pkg, " \t\n,") || strings.HasPrefix(pkg, "-"):
		return fmt.Errorf("%w: package %q: want one Go package such as ./parser", ErrInvalidOption, pkg)
	case strings.Contains(pkg, "..."):
		return fmt.Errorf("%w: package %q: go test -fuzz runs one package; name it, such as %s", ErrInvalidOption, pkg, strings.TrimSuffix(strings.TrimSuffix(pkg, "..."), "/"))
	case pkg == "std" || pkg == "cmd" || pkg == "all":
		return fmt.Errorf("%w: package %q: want one package of the project, such as ./parser", ErrInvalidOption, pkg)
	}
	return nil
}

var iterations = regexp.MustCompile(`^[0-9]+x$`)

// ValidFuzztime checks -fuzztime as go test takes it: a positive Go
// duration (60s, 5m) or a number of runs (10000x). An empty value is
// refused: without a bound, go test fuzzes until it finds a crash.
func ValidFuzztime(s string) error {
	if iterations.MatchString(s) {
		if n, err := strconv.ParseInt(strings.TrimSuffix(s, "x"), 10, 64); err != nil || n <= 0 {
			return fmt.Errorf("%w: fuzztime %q: want a positive number of runs such as 10000x", ErrInvalidOption, s)
		}
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Errorf("%w: fuzztime %q: want a positive duration such as 60s or 5m, or a number of runs such as 10000x", ErrInvalidOption, s)
	}
	return nil
}

// SeedDir is where target's seed corpus lives, relative to its package's
// directory: go test runs each file there as a test, and writes a crash's
// input there.
func SeedDir(target string) string {
	return path.Join("testdata", "fuzz", target)
}

// CacheDir is where go test -fuzz keeps the inputs it generated for target
// of the package importPath (cmd/go passes -test.fuzzcachedir=$GOCACHE/fuzz/<import
// path>): the corpus a cache volume keeps between runs.
func CacheDir(gocache, importPath, target string) string {
	return path.Join(gocache, "fuzz", importPath, target)
}

var entryID = regexp.MustCompile(`^[0-9a-f]{16,64}$`)

// EntryPath is the seed corpus file of target with the given id (the
// hexadecimal hash go test names a crash's input by), relative to the
// package's directory.
func EntryPath(target, id string) (string, error) {
	if err := ValidTarget(target); err != nil {
		return "", err
	}
	if !entryID.MatchString(id) {
		return "", fmt.Errorf("%w: corpus entry %q: want the hexadecimal name go test gives an input", ErrInvalidOption, id)
	}
	return path.Join(SeedDir(target), id), nil
}
