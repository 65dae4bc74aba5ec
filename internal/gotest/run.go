package gotest

import "strconv"

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
