package gotest

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"dagger/go-build/internal/platform"
)

// RunArgs is the argv running one test binary, in its package directory,
// inside a container of the target platform. The flags are the ones go test
// -json passes: -test.v=test2json makes the testing package frame its
// output with ^V markers so Convert can attribute every line to a test, and
// -test.paniconexit0 turns a test's os.Exit(0) into a failure. The
// binary's stdout and stderr must be captured together, in order (see
// RunShellArgs), so a panic's trace lands after the test it came from.
func (o Options) RunArgs(binary string) []string {
	args := []string{binary, "-test.v=test2json", "-test.paniconexit0", "-test.timeout=" + o.timeout()}
	if o.Run != "" {
		args = append(args, "-test.run="+o.Run)
	}
	if o.Skip != "" {
		args = append(args, "-test.skip="+o.Skip)
	}
	if o.Short {
		args = append(args, "-test.short")
	}
	if o.Count > 0 {
		args = append(args, "-test.count="+strconv.Itoa(o.Count))
	}
	return append(args, o.Args...)
}

// RunShellArgs is RunArgs under sh with stderr merged into stdout, for
// runtime images that have a shell (busybox, Debian, Alpine): go test reads
// the binary's two streams as one, and a container runtime that captures
// them apart loses their order. The binary and its arguments are passed as
// positional parameters, so nothing is quoted.
func (o Options) RunShellArgs(binary string) []string {
	return append([]string{"sh", "-c", `exec "$0" "$@" 2>&1`}, o.RunArgs(binary)...)
}

// RunPlatform is the container platform t's test binaries run on: t's own,
// without an amd64 level (linux/amd64/v3 runs in a linux/amd64 container,
// as images are not published per level; the binary then needs a CPU of
// that level, as it would anywhere).
func RunPlatform(t platform.Target) string {
	if t.Architecture == "amd64" && t.Variant != "" {
		return t.OS + "/" + t.Architecture
	}
	return t.String()
}

// RunScript is the POSIX shell script that runs every binary of bins (from
// binDir) in its package directory under srcRoot, one after the other,
// with the flags of o, writing into resultsDir, for the i-th binary,
// i.out (stdout and stderr together, in order), i.code (the exit status)
// and i.time (start and end, in hundredths of a second of uptime). It
// prints one line per package for the log, and always exits 0, so a
// crashing binary is a result, not a failed script. ReadOutcomes reads
// what it wrote.
func (o Options) RunScript(bins []Binary, srcRoot, binDir, resultsDir string) string {
	var s strings.Builder
	s.WriteString("set -u\n")
	fmt.Fprintf(&s, "res=%s\n", ShellQuote(resultsDir))
	s.WriteString(`rm -rf "$res" && mkdir -p "$res" || exit 1` + "\n")
	// /proc/uptime ("12345.67 ...") exists in every Linux container, and
	// needs no date with %N (busybox's may lack it).
	s.WriteString(`now() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}"; }` + "\n")
	for i, b := range bins {
		argv := o.RunArgs(path.Join(binDir, b.File))
		quoted := make([]string, len(argv))
		for j, a := range argv {
			quoted[j] = ShellQuote(a)
		}
		fmt.Fprintf(&s, "t0=$(now)\n")
		fmt.Fprintf(&s, "(cd %s && exec %s) </dev/null >\"$res/%d.out\" 2>&1\n",
			ShellQuote(path.Join(srcRoot, b.Dir)), strings.Join(quoted, " "), i)
		fmt.Fprintf(&s, "code=$?\necho \"$t0 $(now)\" >\"$res/%d.time\"\necho \"$code\" >\"$res/%d.code\"\n", i, i)
		fmt.Fprintf(&s, "echo \"exit $code: \"%s\n", ShellQuote(b.Package))
	}
	s.WriteString("exit 0\n")
	return s.String()
}

// Outcome is one test binary's run: its combined output, exit code and
// time, the input of Convert.
type Outcome struct {
	Output   []byte
	ExitCode int
	Elapsed  time.Duration
}

// ReadOutcomes reads the files RunScript wrote into dir for bins, by
// package import path. A missing output or exit code file, or an exit code
// that is not a number, is an error naming the package; missing or garbled
// times give a zero Elapsed.
func ReadOutcomes(dir string, bins []Binary) (map[string]Outcome, error) {
	outcomes := map[string]Outcome{}
	for i, b := range bins {
		file := func(ext string) ([]byte, error) {
			data, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)+ext))
			if err != nil {
				return nil, fmt.Errorf("the test run of %s left no result: %w", b.Package, err)
			}
			return data, nil
		}
		out, err := file(".out")
		if err != nil {
			return nil, err
		}
		codeText, err := file(".code")
		if err != nil {
			return nil, err
		}
		code, err := strconv.Atoi(strings.TrimSpace(string(codeText)))
		if err != nil {
			return nil, fmt.Errorf("the test run of %s: exit code %q is not a number", b.Package, codeText)
		}
		var elapsed time.Duration
		if times, err := file(".time"); err == nil {
			f := strings.Fields(string(times))
			if len(f) == 2 {
				t0, err0 := strconv.ParseInt(f[0], 10, 64)
				t1, err1 := strconv.ParseInt(f[1], 10, 64)
				if err0 == nil && err1 == nil && t1 >= t0 {
					elapsed = time.Duration(t1-t0) * 10 * time.Millisecond
				}
			}
		}
		outcomes[b.Package] = Outcome{Output: out, ExitCode: code, Elapsed: elapsed}
	}
	return outcomes, nil
}

// AssembleResults is every package's result and events, in the order of
// pkgs: no test files, build failed (in failed, with its part of the
// compiler output), or the conversion of its run's outcome.
func AssembleResults(pkgs []Package, failed []Binary, compiler string, outcomes map[string]Outcome) ([]Result, []Event) {
	var (
		results []Result
		events  []Event
	)
	for _, pkg := range pkgs {
		var (
			r  Result
			ev []Event
		)
		switch {
		case !pkg.HasTests:
			r, ev = NoTestFiles(pkg.ImportPath)
		case slices.ContainsFunc(failed, func(b Binary) bool { return b.Package == pkg.ImportPath }):
			r, ev = BuildFailure(pkg.ImportPath, BuildOutput(compiler, pkg.ImportPath))
		default:
			o, ok := outcomes[pkg.ImportPath]
			if !ok {
				// Not in the manifest: cannot happen, but never report
				// an unrun package as passed.
				r, ev = BuildFailure(pkg.ImportPath, "no test binary was built")
				break
			}
			r, ev = Convert(pkg.ImportPath, o.Output, o.ExitCode, o.Elapsed)
		}
		results = append(results, r)
		events = append(events, ev...)
	}
	return results, events
}
