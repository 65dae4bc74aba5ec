package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dagger/go-build/internal/binverify"
	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/fixturebuild"
	"dagger/go-build/internal/platform"
)

// buildFixture cross-compiles the pure-Go fixture for target, unstripped.
func buildFixture(t *testing.T, target platform.Target) string {
	return fixturebuild.Build(t, "tests/testdata/purego", target)
}

// buildStrippedFixture cross-compiles the pure-Go fixture for target, linked
// as go-build links it by default.
func buildStrippedFixture(t *testing.T, target platform.Target) string {
	return fixturebuild.Build(t, "tests/testdata/purego", target, "-ldflags=-s -w")
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
			dir := buildStrippedFixture(t, target)
			if err := verifyDir(dir, target, binaryRules{static: target.IsLinux(), stripped: true}); err != nil {
				t.Fatalf("verifyDir(own target) = %v", err)
			}
			err := verifyDir(dir, platform.MustParse(tt.other), binaryRules{})
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
	errtest.Check(t, verifyDir(freebsd, platform.MustParse("amd64"), binaryRules{}), binverify.ErrMismatch, "OS ABI")
	for _, name := range platform.Supported() {
		target := platform.MustParse(name)
		err := verifyDir(dir, target, binaryRules{})
		if errors.Is(err, binverify.ErrBadExpect) {
			t.Errorf("%s: %v", name, err)
		}
		// The amd64 levels share the ELF header; everything else differs.
		if (err == nil) != (target.Name() == "amd64" || strings.HasPrefix(target.String(), "linux/amd64/")) {
			t.Errorf("%s: verifying an amd64 binary gave %v", name, err)
		}
	}
}

// TestVerifyDirStripping checks verification rejects a binary with DWARF or
// a symbol table, every format, unless stripping is off (--strip NONE), and
// says how to keep them.
func TestVerifyDirStripping(t *testing.T) {
	for _, name := range []string{"amd64", "windows/amd64", "darwin/arm64"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			target := platform.MustParse(name)
			dir := buildFixture(t, target)
			if err := verifyDir(dir, target, binaryRules{}); err != nil {
				t.Fatalf("verifyDir(not stripped) = %v", err)
			}
			err := verifyDir(dir, target, binaryRules{stripped: true})
			errtest.Check(t, err, binverify.ErrMismatch, target.Executable("purego")+": stripping: want no DWARF and no symbol table, found DWARF sections")
			errtest.Check(t, err, binverify.ErrMismatch, "use --strip NONE")
		})
	}
}

// TestVerifyFilesChecksWhatTheImageHolds checks verification of binaries
// as an image's layers hold them: the built names only, each against the
// target, one missing from the image is an error, and so is no binary.
func TestVerifyFilesChecksWhatTheImageHolds(t *testing.T) {
	arm64 := platform.MustParse("arm64")
	data, err := os.ReadFile(filepath.Join(buildStrippedFixture(t, arm64), "purego"))
	if err != nil {
		t.Fatal(err)
	}
	rules := binaryRules{static: true, stripped: true}
	// A base image's own file in binDir is not one of the build's.
	files := map[string][]byte{"purego": data, "busybox-tool": []byte("#!/bin/sh\n")}
	tests := []struct {
		name   string
		names  []string
		target string
		want   string
	}{
		{"the built binary", []string{"purego"}, "arm64", ""},
		{"another target", []string{"purego"}, "amd64", "linux/amd64: purego: " + binverify.FieldMachine},
		{"missing from the image", []string{"purego", "other"}, "arm64", "linux/arm64: other: built, but not in /usr/local/bin of the image"},
		{"no binary", nil, "arm64", "linux/arm64: the build produced no binary"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := verifyFiles(files, tc.names, platform.MustParse(tc.target), rules)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("verifyFiles = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("verifyFiles = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
