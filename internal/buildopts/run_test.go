package buildopts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandsRunWithGo runs the go list and go build command lines this
// package writes against a small module with the local go command: the
// main-package filter, -o into a directory, and -X stamping must work for
// real, not only as strings.
func TestCommandsRunWithGo(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	src := t.TempDir()
	files := map[string]string{
		"go.mod":            "module example.com/demo\n\ngo 1.22\n",
		"cmd/hello/main.go": "package main\n\nimport \"fmt\"\n\nvar version, commit = \"unset\", \"unset\"\n\nfunc main() { fmt.Println(version, commit) }\n",
		"cmd/other/main.go": "package main\n\nfunc main() {}\n",
		"lib/lib.go":        "package lib\n\nconst X = 1\n",
	}
	for name, body := range files {
		path := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args []string) string {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	opts := Options{Tags: []string{"demo"}}
	var pkgs []string
	for _, line := range strings.Split(run(opts.ListMainPackages()), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			pkgs = append(pkgs, line)
		}
	}
	if got := strings.Join(pkgs, " "); got != "example.com/demo/cmd/hello example.com/demo/cmd/other" {
		t.Fatalf("main packages = %q", got)
	}

	out := t.TempDir()
	run(opts.GoBuild(out, pkgs, Stamp{Version: "v1.2.3 dev", Revision: "abc123"}, false))
	for _, name := range []string{"hello", "other"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Fatalf("binary %s: %v", name, err)
		}
	}
	if got := strings.TrimSpace(run([]string{filepath.Join(out, "hello")})); got != "v1.2.3 dev abc123" {
		t.Fatalf("stamped binary printed %q", got)
	}

	// The one-exec script lists and builds the same binaries...
	scripted := t.TempDir()
	run(opts.BuildScript(scripted, Stamp{Version: "it's v2"}, false, "no main package"))
	for _, name := range []string{"hello", "other"} {
		if _, err := os.Stat(filepath.Join(scripted, name)); err != nil {
			t.Fatalf("script-built binary %s: %v", name, err)
		}
	}
	if got := strings.TrimSpace(run([]string{filepath.Join(scripted, "hello")})); got != "it's v2 unset" {
		t.Fatalf("script-stamped binary printed %q", got)
	}
	// ...and says so, with exit code 3, when the patterns name no command.
	libOnly := Options{Packages: []string{"./lib"}}
	cmd := exec.Command("sh", libOnly.BuildScript(t.TempDir(), Stamp{}, false, "no main package in ./lib: it's a library")[1:]...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")
	outText, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 3 || !strings.Contains(string(outText), "no main package in ./lib: it's a library") {
		t.Fatalf("script for a library: %v\n%s", err, outText)
	}
}
