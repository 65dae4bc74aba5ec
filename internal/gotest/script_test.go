package gotest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dagger/go-build/internal/platform"
)

// The run script passes every argument through unchanged and records each
// binary's combined output, exit code and time, even when it cannot start.
func TestRunScript(t *testing.T) {
	src, bin, res := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "results")
	if err := os.MkdirAll(filepath.Join(src, "sub dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	echo := "#!/bin/sh\npwd\nprintf '<%s>\\n' \"$@\"\necho to-stderr >&2\nexit 3\n"
	if err := os.WriteFile(filepath.Join(bin, "echo.test"), []byte(echo), 0o755); err != nil {
		t.Fatal(err)
	}
	bins := []Binary{
		{Package: "example.com/m/sub", Dir: "sub dir", File: "echo.test"},
		{Package: "example.com/m/gone", Dir: ".", File: "missing.test"},
	}
	opts := Options{Run: "Test'A b", Args: []string{"it's", "$HOME"}}
	cmd := exec.Command("sh", "-c", opts.RunScript(bins, src, bin, res))
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("run script: %v\n%s", err, log)
	}
	if !strings.Contains(string(log), "exit 3: example.com/m/sub") {
		t.Errorf("log lacks the package's line:\n%s", log)
	}
	outcomes, err := ReadOutcomes(res, bins)
	if err != nil {
		t.Fatal(err)
	}
	sub := outcomes["example.com/m/sub"]
	wantOut := filepath.Join(src, "sub dir") + "\n<-test.v=test2json>\n<-test.paniconexit0>\n<-test.timeout=10m0s>\n<-test.run=Test'A b>\n<it's>\n<$HOME>\nto-stderr\n"
	if string(sub.Output) != wantOut || sub.ExitCode != 3 {
		t.Errorf("outcome %q (exit %d), want %q (exit 3)", sub.Output, sub.ExitCode, wantOut)
	}
	gone := outcomes["example.com/m/gone"]
	if gone.ExitCode == 0 || len(gone.Output) == 0 {
		t.Errorf("a binary that cannot start: exit %d, output %q", gone.ExitCode, gone.Output)
	}
	r, _ := Convert("example.com/m/gone", gone.Output, gone.ExitCode, gone.Elapsed)
	if r.Status != Crashed {
		t.Errorf("a binary that cannot start is %v, want crashed", r.Status)
	}
	if _, err := ReadOutcomes(t.TempDir(), bins); err == nil || !strings.Contains(err.Error(), "example.com/m/sub") {
		t.Errorf("missing results: %v", err)
	}
}

func TestRunPlatform(t *testing.T) {
	tests := []struct{ in, want string }{
		{"linux/amd64/v3", "linux/amd64"},
		{"amd64", "linux/amd64"},
		{"linux/arm/v7", "linux/arm/v7"},
		{"s390x", "linux/s390x"},
	}
	for _, tt := range tests {
		if got := RunPlatform(platform.MustParse(tt.in)); got != tt.want {
			t.Errorf("RunPlatform(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
