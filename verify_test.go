package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dagger/go-build/internal/binverify"
	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/platform"
)

// buildFixture cross-compiles the pure-Go fixture for t with the local go
// command and the target environment the module applies.
func buildFixture(t *testing.T, target platform.Target) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	out := t.TempDir()
	cmd := exec.Command("go", "build", "-trimpath", "-o", out+"/", ".")
	cmd.Dir = "tests/testdata/purego"
	cmd.Env = append(os.Environ(), append(target.GoEnv(), "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for %s: %v\n%s", target, err, msg)
	}
	return out
}

// TestVerifyDirOnRealBinaries checks the module's verification, with the
// platform table's expectations, on binaries built as the module builds
// them: each passes for its own target and fails, naming the file, for
// another.
func TestVerifyDirOnRealBinaries(t *testing.T) {
	tests := []struct{ target, other, wantField string }{
		{"amd64", "arm64", binverify.FieldMachine},
		{"arm64", "amd64", binverify.FieldMachine},
		{"armv6", "arm64", binverify.FieldMachine},
		{"s390x", "ppc64le", binverify.FieldMachine},
		{"windows/amd64", "amd64", binverify.FieldFormat},
		{"darwin/arm64", "windows/arm64", binverify.FieldFormat},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			t.Parallel()
			target := platform.MustParse(tt.target)
			dir := buildFixture(t, target)
			if err := verifyDir(dir, target, target.IsLinux()); err != nil {
				t.Fatalf("verifyDir(own target) = %v", err)
			}
			err := verifyDir(dir, platform.MustParse(tt.other), false)
			errtest.Check(t, err, binverify.ErrMismatch, target.Executable("purego")+": "+tt.wantField)
			if strings.Contains(err.Error(), filepath.Dir(dir)) {
				t.Errorf("the error names the temporary path: %v", err)
			}
		})
	}
}

// TestEveryTargetHasACompleteExpectation checks binverify accepts every
// supported target's expectation: a gap in the platform table would make
// every build for that target fail verification.
func TestEveryTargetHasACompleteExpectation(t *testing.T) {
	dir := buildFixture(t, platform.MustParse("amd64"))
	freebsd := buildFixture(t, platform.MustParse("freebsd/amd64"))
	errtest.Check(t, verifyDir(freebsd, platform.MustParse("amd64"), false), binverify.ErrMismatch, "OS ABI")
	for _, name := range platform.Supported() {
		target := platform.MustParse(name)
		err := verifyDir(dir, target, false)
		if errors.Is(err, binverify.ErrBadExpect) {
			t.Errorf("%s: %v", name, err)
		}
		// The amd64 levels share the ELF header; everything else differs.
		if (err == nil) != (target.Name() == "amd64" || strings.HasPrefix(target.String(), "linux/amd64/")) {
			t.Errorf("%s: verifying an amd64 binary gave %v", name, err)
		}
	}
}
