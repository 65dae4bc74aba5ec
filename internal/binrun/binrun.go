// Package binrun holds what running a built binary decides without an
// engine: whether a target can run at all, which of the built binaries runs,
// where it sits in the run container, and how a failed run is reported.
package binrun

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"dagger/go-build/internal/platform"
)

var (
	// ErrNotRunnable is wrapped by the error for a target no container
	// can run.
	ErrNotRunnable = errors.New("cannot run")
	// ErrBinary is wrapped by the errors for a binary that cannot be
	// chosen: none built, several and none named, or a name not built.
	ErrBinary = errors.New("choosing the binary to run")
)

// BinDir is where the run container holds the binary: on every image's
// PATH, ahead of the distribution's own /usr/bin.
const BinDir = "/usr/local/bin"

// Path is where the run container holds the binary named name.
func Path(name string) string {
	return path.Join(BinDir, name)
}

// CheckRunnable fails for a target whose binaries no container can run:
// containers are Linux, so windows and darwin binaries are built, not run.
func CheckRunnable(t platform.Target) error {
	if !t.IsLinux() {
		return fmt.Errorf("%w: %s: binaries run in Linux containers of their platform; run linux/%s instead, or only build %s",
			ErrNotRunnable, t, t.Architecture, t)
	}
	return nil
}

// Choose picks the binary to run from built, the names of the binaries the
// build produced: the one named name, or with no name the only one there is.
func Choose(built []string, name string) (string, error) {
	switch {
	case len(built) == 0:
		return "", fmt.Errorf("%w: the build produced no binary", ErrBinary)
	case name == "" && len(built) == 1:
		return built[0], nil
	case name == "":
		return "", fmt.Errorf("%w: the build produced %d binaries (%s): name one with --binary",
			ErrBinary, len(built), strings.Join(built, ", "))
	case !slices.Contains(built, name):
		return "", fmt.Errorf("%w: binary %q was not built; the build produced %s",
			ErrBinary, name, strings.Join(built, ", "))
	}
	return name, nil
}

// Output is what a successful run returns: its stdout, then its stderr,
// each whole. The engine captures the two streams apart, and its combined
// stream does not keep the order they were written in (an arm64 run of a
// program writing stdout first came back stderr first), so they are
// joined in a fixed order instead of a shuffled one.
func Output(stdout, stderr string) string {
	if stdout != "" && stderr != "" && !strings.HasSuffix(stdout, "\n") {
		stdout += "\n"
	}
	return stdout + stderr
}

// MaxOutputLines is how many of its last lines of output a failed run's
// error shows: enough for a panic's first goroutine or a usage message, not
// a whole log.
const MaxOutputLines = 40

// ExitError is a run that exited with a non-zero code.
type ExitError struct {
	// Binary is the binary's name, Args its arguments.
	Binary string
	Args   []string
	// Platform is the platform it ran on, Image the image it ran in.
	Platform, Image string
	// Code is the exit code.
	Code int
	// Stderr and Stdout are what it printed on each.
	Stderr, Stdout string
}

// Error names the command, the platform and the exit code, then shows the
// last lines of stderr, or of stdout when stderr is empty.
func (e *ExitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s (in %s) exited with code %d", CommandLine(e.Binary, e.Args), e.Platform, e.Image, e.Code)
	switch {
	case strings.TrimSpace(e.Stderr) != "":
		b.WriteString("; its stderr:\n")
		b.WriteString(tail(e.Stderr, MaxOutputLines))
	case strings.TrimSpace(e.Stdout) != "":
		b.WriteString("; no stderr, its stdout:\n")
		b.WriteString(tail(e.Stdout, MaxOutputLines))
	default:
		b.WriteString(", printing nothing")
	}
	return b.String()
}

// tail is the last n lines of s, after a line saying how many were left
// out.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) <= n {
		return strings.Join(lines, "\n")
	}
	return fmt.Sprintf("[%d earlier lines left out]\n%s", len(lines)-n, strings.Join(lines[len(lines)-n:], "\n"))
}

// CommandLine is binary and args as a shell would take them, for messages.
func CommandLine(binary string, args []string) string {
	words := []string{quote(binary)}
	for _, a := range args {
		words = append(words, quote(a))
	}
	return strings.Join(words, " ")
}

// quote single-quotes s unless it is made only of characters a shell
// takes literally.
func quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+./:,@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
