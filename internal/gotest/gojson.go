package gotest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// GoTestJSONCommand is the go test -json command line of o, for the
// EMULATE baseline, which runs the whole go test in a container of the
// target platform. It runs with -count=1 unless a count is given: the
// baseline measures a run, not go's cache of test results.
func (o Options) GoTestJSONCommand() []string {
	args := append([]string{"go", "test", "-json"}, o.CompileFlags()...)
	// -run=value, one argument: a pattern starting with - stays the
	// flag's value.
	if o.Run != "" {
		args = append(args, "-run="+o.Run)
	}
	if o.Skip != "" {
		args = append(args, "-skip="+o.Skip)
	}
	if o.Short {
		args = append(args, "-short")
	}
	count := max(o.Count, 1)
	args = append(args, "-count="+strconv.Itoa(count))
	timeout := o.Timeout
	if timeout == "" {
		timeout = DefaultTimeout
	}
	args = append(args, "-timeout="+timeout)
	if len(o.Packages) == 0 {
		args = append(args, "./...")
	} else {
		args = append(args, o.Packages...)
	}
	if len(o.Args) > 0 {
		args = append(append(args, "-args"), o.Args...)
	}
	return args
}

// goTestEvent is an event of go test -json: test2json's fields, and the
// ImportPath of build output events (build-output, build-fail).
type goTestEvent struct {
	Event
	ImportPath string `json:",omitempty"`
}

// packageEvents is what go test -json said about one package.
type packageEvents struct {
	final       string // pass, fail or skip
	elapsed     float64
	failedBuild string
	failed      []string // failed tests, in order
	output      map[string]*strings.Builder
	noTestFiles bool
	noTestsRun  bool
}

// ParseGoTestJSON turns the stdout of GoTestJSONCommand (and its stderr,
// where older Go and the go command's own errors go) run on platform plat
// into a result for each of pkgs, and the events with their Platform, one
// JSON object a line. A go test that failed without saying anything of a
// package is an error holding its stderr.
func ParseGoTestJSON(plat string, pkgs []Package, stdout, stderr string, exitCode int) ([]Result, []byte, error) {
	state := map[string]*packageEvents{}
	buildOutput := map[string]*strings.Builder{}
	var js []byte
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var e goTestEvent
		if err := json.Unmarshal(line, &e); err != nil {
			continue // not an event: a stray print
		}
		e.Platform = plat
		enc, err := json.Marshal(e)
		if err != nil {
			return nil, nil, err
		}
		js = append(append(js, enc...), '\n')
		if e.ImportPath != "" && e.Action == "build-output" {
			key, _, _ := strings.Cut(e.ImportPath, " ")
			if buildOutput[key] == nil {
				buildOutput[key] = &strings.Builder{}
			}
			buildOutput[key].WriteString(e.Output)
			continue
		}
		if e.Package == "" {
			continue
		}
		st := state[e.Package]
		if st == nil {
			st = &packageEvents{output: map[string]*strings.Builder{}}
			state[e.Package] = st
		}
		switch e.Action {
		case "output":
			if st.output[e.Test] == nil {
				st.output[e.Test] = &strings.Builder{}
			}
			st.output[e.Test].WriteString(e.Output)
			if e.Test == "" && strings.Contains(e.Output, "[no test files]") {
				st.noTestFiles = true
			}
			if e.Test == "" && strings.HasPrefix(e.Output, "ok  \t") && strings.Contains(e.Output, "[no tests to run]") {
				st.noTestsRun = true
			}
		case "pass", "fail", "skip":
			if e.Test != "" {
				if e.Action == "fail" {
					st.failed = append(st.failed, e.Test)
				}
				continue
			}
			st.final = e.Action
			if e.Elapsed != nil {
				st.elapsed = *e.Elapsed
			}
			st.failedBuild = e.FailedBuild
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("reading go test -json on %s: %w", plat, err)
	}
	if len(state) == 0 && exitCode != 0 {
		return nil, nil, fmt.Errorf("go test on %s failed (exit code %d):\n%s", plat, exitCode, strings.TrimSpace(stderr))
	}

	var results []Result
	for _, pkg := range pkgs {
		st := state[pkg.ImportPath]
		if st == nil || st.final == "" {
			if !pkg.HasTests && exitCode == 0 {
				r, _ := NoTestFiles(pkg.ImportPath)
				results = append(results, r)
				continue
			}
			// go test said nothing of the package: it stopped first.
			r, _ := BuildFailure(pkg.ImportPath, BuildOutput(stderr, pkg.ImportPath))
			results = append(results, r)
			continue
		}
		elapsed := time.Duration(st.elapsed * float64(time.Second))
		switch {
		case st.final == "skip" || st.noTestFiles:
			r, _ := NoTestFiles(pkg.ImportPath)
			results = append(results, r)
		case st.final == "pass":
			results = append(results, Result{Package: pkg.ImportPath, Status: Pass, Elapsed: elapsed, NoTestsToRun: st.noTestsRun})
		case st.failedBuild != "" || buildOutput[pkg.ImportPath] != nil:
			out := BuildOutput(stderr, pkg.ImportPath)
			if b := buildOutput[pkg.ImportPath]; b != nil {
				out = b.String()
			}
			r, _ := BuildFailure(pkg.ImportPath, out)
			results = append(results, r)
		default:
			results = append(results, Result{
				Package:     pkg.ImportPath,
				Status:      Fail,
				Elapsed:     elapsed,
				FailedTests: leafFailures(st.failed),
				Output:      failedOutput(pkg.ImportPath, st),
				ExitCode:    1,
			})
		}
	}
	return results, js, nil
}

// failedOutput is a failed package's output: everything its failed tests
// printed, and what it printed outside tests but go test's own result
// lines.
func failedOutput(importPath string, st *packageEvents) string {
	var b strings.Builder
	if pkgOut := st.output[""]; pkgOut != nil {
		for _, line := range strings.SplitAfter(pkgOut.String(), "\n") {
			trim := strings.TrimSpace(line)
			if trim == "" || trim == "FAIL" || trim == "PASS" || strings.HasPrefix(trim, "FAIL\t"+importPath) || strings.HasPrefix(trim, "ok  \t"+importPath) {
				continue
			}
			b.WriteString(line)
		}
	}
	for _, name := range st.failed {
		if out := st.output[name]; out != nil {
			b.WriteString(out.String())
		}
	}
	return b.String()
}
