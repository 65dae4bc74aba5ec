package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"dagger/go-build/internal/binverify"
	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/fixturebuild"
	"dagger/go-build/internal/platform"
)

// buildFixture cross-compiles the pure-Go fixture for target.
func buildFixture(t *testing.T, target platform.Target) string {
	return fixturebuild.Build(t, "tests/testdata/purego", target)
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
