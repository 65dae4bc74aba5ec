// Package fixturebuild cross-compiles a test fixture with the local go
// command, for the tests that need real binaries of a target (verification,
// release packing) without an engine.
package fixturebuild

import (
	"os"
	"os/exec"
	"testing"

	"dagger/go-build/internal/platform"
)

// Build compiles the pure-Go main package in dir for target, with the
// target environment go-build applies, cgo off and args added to the go
// build command line (such as "-ldflags=-s -w"), into a fresh directory it
// returns. Without a go command the test is skipped.
func Build(t testing.TB, dir string, target platform.Target, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	out := t.TempDir()
	cmd := exec.Command("go", append(append([]string{"build", "-trimpath", "-o", out + "/"}, args...), ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(target.GoEnv(), "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for %s: %v\n%s", target, err, msg)
	}
	return out
}
