package gotest

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

var (
	// ErrNoPackages is wrapped when the patterns match no package for a
	// target (build constraints can exclude every package on one platform).
	ErrNoPackages = errors.New("no packages to test")
	// ErrList is wrapped when the go list output cannot be read.
	ErrList = errors.New("unreadable package list")
)

// Package is one package matched by the patterns, for one target: build
// constraints depend on GOOS and GOARCH, so the list can differ by platform.
type Package struct {
	// ImportPath is the package's import path.
	ImportPath string
	// Dir is the package directory relative to the module root, with
	// slashes; "." for the root package. Test binaries run there so that
	// relative paths such as testdata/ work as under go test.
	Dir string
	// HasTests says whether the package has _test.go files (in package p or
	// p_test). Without them go test prints "[no test files]" and builds
	// nothing.
	HasTests bool
}

// listFormat prints one tab-separated line per package. The directory is
// last so that a directory name containing a tab cannot shift the counts.
const listFormat = "{{.ImportPath}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}\t{{.Dir}}"

// patterns are the package patterns to list: the user's or the whole module.
func (o Options) patterns() []string {
	if len(o.Packages) == 0 {
		return []string{"./..."}
	}
	return o.Packages
}

// ListCommand is the go list command line, run in the module root with the
// target's CompileEnv, whose output ParseList reads. It runs without -e so a
// pattern naming a missing directory fails with go's own message.
func (o Options) ListCommand() []string {
	args := []string{"go", "list"}
	if len(o.Tags) > 0 {
		args = append(args, "-tags", strings.Join(o.Tags, ","))
	}
	args = append(args, "-f", listFormat)
	return append(args, o.patterns()...)
}

// ParseList reads the output of ListCommand run in moduleRoot (the absolute
// directory go list ran in). A package outside the module (a standard library
// or dependency pattern) is refused: its tests are not the project's, and it
// has no directory in the source tree to run in.
func (o Options) ParseList(output, moduleRoot string) ([]Package, error) {
	var pkgs []Package
	for n, line := range strings.Split(output, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.SplitN(line, "\t", 4)
		if len(f) != 4 {
			return nil, fmt.Errorf("%w: line %d %q: want import path, test file counts and directory separated by tabs", ErrList, n+1, line)
		}
		tests, err1 := strconv.Atoi(f[1])
		xtests, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%w: line %d %q: test file counts are not numbers", ErrList, n+1, line)
		}
		rel, err := filepath.Rel(moduleRoot, f[3])
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			return nil, fmt.Errorf("%w: package %s is in %s, outside the module root %s: test the module's own packages",
				ErrList, f[0], f[3], moduleRoot)
		}
		pkgs = append(pkgs, Package{ImportPath: f[0], Dir: filepath.ToSlash(rel), HasTests: tests+xtests > 0})
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("%w: patterns %s matched no packages", ErrNoPackages, strings.Join(o.patterns(), " "))
	}
	return pkgs, nil
}
