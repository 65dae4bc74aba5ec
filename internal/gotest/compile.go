package gotest

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"dagger/go-build/internal/platform"
)

// Binary is one entry of the manifest: which test binary belongs to which
// package and where it runs.
type Binary struct {
	// Package is the import path.
	Package string `json:"package"`
	// Dir is the package directory relative to the module root, with
	// slashes; the binary runs there.
	Dir string `json:"dir"`
	// File is the binary's file name in the output directory.
	File string `json:"file"`
}

// Manifest names a test binary for every package of pkgs that has tests, in
// order. The file name is the import path made into one path element, so
// binaries of every package share one directory without go's own pkg.test
// names colliding (two packages named util); when two import paths sanitize
// alike (a/b_c and a_b/c) the later one gets a numeric suffix.
func Manifest(t platform.Target, pkgs []Package) []Binary {
	var bins []Binary
	used := map[string]bool{}
	for _, p := range pkgs {
		if !p.HasTests {
			continue
		}
		base := sanitize(p.ImportPath)
		name := base
		for i := 2; used[name]; i++ {
			name = base + "." + strconv.Itoa(i)
		}
		used[name] = true
		bins = append(bins, Binary{Package: p.ImportPath, Dir: p.Dir, File: t.Executable(name + ".test")})
	}
	return bins
}

// sanitize maps an import path to a file name: slashes become '_', and any
// byte outside letters, digits, '.', '-' and '_' becomes '_' too.
func sanitize(importPath string) string {
	b := []byte(importPath)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
		default:
			b[i] = '_'
		}
	}
	return string(b)
}

// goTestBinaryName is the file go test -c -o dir/ writes for a package: the
// last import path element, or the one before a major version suffix
// (example.com/m/v2 gives m.test), as cmd/go's testBinaryName.
func goTestBinaryName(t platform.Target, importPath string) string {
	elem := path.Base(importPath)
	if elem != importPath && isVersionElement(elem) {
		elem = path.Base(path.Dir(importPath))
	}
	return t.Executable(elem + ".test")
}

// isVersionElement reports whether s is a major version suffix v2, v3, ...
func isVersionElement(s string) bool {
	if len(s) < 2 || s[0] != 'v' || s[1] == '0' || (s[1] == '1' && len(s) == 2) {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// batches splits bins into groups whose go test binary names are unique:
// go test -c -o dir/ with several packages compiles them in one go command
// (sharing the work on common dependencies) but refuses, before compiling
// anything, packages whose binaries would have the same name.
func batches(t platform.Target, bins []Binary) [][]Binary {
	var (
		groups [][]Binary
		names  []map[string]bool
	)
	for _, b := range bins {
		name := goTestBinaryName(t, b.Package)
		i := 0
		for i < len(groups) && names[i][name] {
			i++
		}
		if i == len(groups) {
			groups = append(groups, nil)
			names = append(names, map[string]bool{})
		}
		groups[i] = append(groups[i], b)
		names[i][name] = true
	}
	return groups
}

// CompileFlags are the go test flags shared by every compile of one run:
// build tags and the race detector. No -trimpath: go test does not trim,
// and tests reading their own source through runtime.Caller need real paths.
func (o Options) CompileFlags() []string {
	var flags []string
	if len(o.Tags) > 0 {
		flags = append(flags, "-tags", strings.Join(o.Tags, ","))
	}
	if o.Race {
		flags = append(flags, "-race")
	}
	return flags
}

// CompileScript is a POSIX shell script, run in the module root with the
// target's CompileEnv, that writes the test binary of every entry of bins
// (from Manifest) into outDir under its File name.
//
// Packages are compiled by as few go test -c -o dir/ commands as their
// binary names allow, each into a scratch directory under outDir, then moved
// to their manifest names. A package that fails to compile does not stop the
// others: the compiler's errors go to stderr, its binary is missing from
// outDir (see Built), and the script exits 1 at the end.
func (o Options) CompileScript(t platform.Target, bins []Binary, outDir string) string {
	var s strings.Builder
	s.WriteString("set -u\nstatus=0\n")
	fmt.Fprintf(&s, "out=%s\nmkdir -p \"$out\"\n", ShellQuote(strings.TrimSuffix(outDir, "/")))
	flags := o.CompileFlags()
	for i, group := range batches(t, bins) {
		dir := fmt.Sprintf("\"$out\"/.batch%d", i+1)
		fmt.Fprintf(&s, "rm -rf %s\n", dir)
		cmd := []string{"go", "test", "-c", "-o", dir + "/"}
		for _, f := range flags {
			cmd = append(cmd, ShellQuote(f))
		}
		for _, b := range group {
			cmd = append(cmd, ShellQuote(b.Package))
		}
		fmt.Fprintf(&s, "%s || status=1\n", strings.Join(cmd, " "))
		for _, b := range group {
			from := dir + "/" + ShellQuote(goTestBinaryName(t, b.Package))
			to := "\"$out\"/" + ShellQuote(b.File)
			fmt.Fprintf(&s, "if [ -f %s ]; then mv -f %s %s; else status=1; fi\n", from, from, to)
		}
		fmt.Fprintf(&s, "rm -rf %s\n", dir)
	}
	s.WriteString("exit $status\n")
	return s.String()
}

// Built splits bins into those whose binary is among files (the names in the
// output directory after CompileScript) and those that failed to compile.
func Built(bins []Binary, files []string) (built, failed []Binary) {
	have := map[string]bool{}
	for _, f := range files {
		have[path.Base(strings.TrimSuffix(f, "/"))] = true
	}
	for _, b := range bins {
		if have[b.File] {
			built = append(built, b)
		} else {
			failed = append(failed, b)
		}
	}
	return built, failed
}

// BuildOutput picks importPath's part of the compile errors: the go
// command prints them in blocks headed "# pkg", "# pkg [pkg.test]" or
// "# pkg_test [pkg.test]". A package that failed because a dependency did has
// no block of its own, so then the whole output is returned.
func BuildOutput(stderr, importPath string) string {
	var (
		out  strings.Builder
		keep bool
	)
	for _, line := range strings.SplitAfter(stderr, "\n") {
		if strings.HasPrefix(line, "# ") {
			head := strings.TrimSpace(strings.TrimPrefix(line, "# "))
			name, variant, _ := strings.Cut(head, " ")
			keep = name == importPath || name == importPath+"_test" || variant == "["+importPath+".test]"
		}
		if keep {
			out.WriteString(line)
		}
	}
	if out.Len() == 0 {
		return stderr
	}
	return out.String()
}

// ShellQuote quotes s for a POSIX shell when it needs it: a word of only
// safe characters stays as it is, anything else is single-quoted.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/,=+:@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
