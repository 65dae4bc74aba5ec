package strip

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dagger/go-build/internal/platform"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		mode         Mode
		target       string
		defaultImage bool
		want         Mode
	}{
		{Target, "arm64", true, Target},
		{Target, "armv5", true, Target},
		{Target, "riscv64", true, Target},        // trixie has riscv64
		{Target, "mips64le", true, Native},       // trixie dropped mips64el
		{Target, "mips64le", false, Target},      // a user image may have it
		{Target, "windows/amd64", false, Native}, // no Linux container strips PE
		{Target, "darwin/arm64", true, Native},
		{Native, "arm64", true, Native},
		{None, "arm64", true, None},
		{None, "windows/amd64", true, None},
	}
	for _, tt := range tests {
		if got := Resolve(tt.mode, platform.MustParse(tt.target), tt.defaultImage); got != tt.want {
			t.Errorf("Resolve(%s, %s, default=%v) = %s, want %s", tt.mode, tt.target, tt.defaultImage, got, tt.want)
		}
	}
}

func TestAtLinkAndStep(t *testing.T) {
	for _, m := range []Mode{Target, Native} {
		if !AtLink(m) {
			t.Errorf("AtLink(%s) = false, want the link to strip", m)
		}
	}
	if AtLink(None) {
		t.Error("AtLink(NONE) = true")
	}
	tests := []struct {
		mode   Mode
		target string
		cgo    bool
		want   Mode
	}{
		// Pure Go: the link's -s -w is the whole strip, every format.
		{Target, "arm64", false, None},
		{Native, "arm64", false, None},
		{Target, "windows/amd64", false, None},
		{Target, "darwin/arm64", false, None},
		{None, "arm64", false, None},
		// cgo: a strip step after the C toolchain's link, where the mode says.
		{Target, "arm64", true, Target},
		{Target, "mips64le", true, Native},
		{Native, "arm64", true, Native},
		{None, "arm64", true, None},
	}
	for _, tt := range tests {
		if got := Step(tt.mode, platform.MustParse(tt.target), tt.cgo, true); got != tt.want {
			t.Errorf("Step(%s, %s, cgo=%v) = %s, want %s", tt.mode, tt.target, tt.cgo, got, tt.want)
		}
	}
}

func TestCommandStripsEveryFile(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a", "b c"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A stand-in strip tool records what it was asked to strip.
	log := filepath.Join(t.TempDir(), "log")
	bin := t.TempDir()
	tool := "#!/bin/sh\necho \"$1\" >> " + log + "\n"
	for _, name := range []string{"strip", "llvm-strip"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(tool), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, mode := range []Mode{Target, Native} {
		os.Remove(log)
		args := Command(mode, dir)
		if want := map[Mode]string{Target: "strip", Native: "llvm-strip"}[mode]; args[3] != want {
			t.Errorf("Command(%s) uses %q, want %q", mode, args[3], want)
		}
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("Command(%s): %v\n%s", mode, err, out)
		}
		data, _ := os.ReadFile(log)
		got := strings.Split(strings.TrimSpace(string(data)), "\n")
		slices.Sort(got)
		want := []string{filepath.Join(dir, "a"), filepath.Join(dir, "b c")}
		if !slices.Equal(got, want) {
			t.Errorf("Command(%s) stripped %q, want %q", mode, got, want)
		}
	}
}

func TestInstallScriptsAreShell(t *testing.T) {
	for _, cmd := range [][]string{InstallTargetStrip(), InstallNativeStrip()} {
		if cmd[0] != "sh" || cmd[1] != "-c" {
			t.Fatalf("install command %q is not sh -c", cmd)
		}
		if out, err := exec.Command("sh", "-n", "-c", cmd[2]).CombinedOutput(); err != nil {
			t.Errorf("install script does not parse: %v\n%s", err, out)
		}
	}
}
