package buildopts

import (
	"bytes"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
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

	// The one-exec script lists and builds the same binaries for every
	// target, each with its own environment...
	native, arm64 := t.TempDir(), t.TempDir()
	run(opts.BuildScript([]Target{
		{Name: "native", OutDir: native, NoMain: "no main package"},
		{Name: "linux/arm64", OutDir: arm64, Env: []string{"GOOS=linux", "GOARCH=arm64"}, NoMain: "no main package"},
	}, "it's v2", 4))
	for _, dir := range []string{native, arm64} {
		for _, name := range []string{"hello", "other"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Fatalf("script-built binary %s: %v", name, err)
			}
		}
	}
	if got := strings.TrimSpace(run([]string{filepath.Join(native, "hello")})); got != "it's v2 unset" {
		t.Fatalf("script-stamped binary printed %q", got)
	}
	bin, err := elf.Open(filepath.Join(arm64, "hello"))
	if err != nil {
		t.Fatalf("the linux/arm64 binary: %v", err)
	}
	defer bin.Close()
	if bin.Machine != elf.EM_AARCH64 {
		t.Fatalf("the linux/arm64 binary is for %v", bin.Machine)
	}

	// ...builds every target to the end, naming the one that failed with
	// its reason and exiting with its status: 3 when it has no command.
	script := func(opts Options, targets []Target) (int, string) {
		t.Helper()
		cmd := exec.Command("sh", opts.BuildScript(targets, "", 1)[1:]...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("script: %v, want a failed exit\n%s", err, out)
		}
		return exit.ExitCode(), string(out)
	}
	code, out := script(Options{Packages: []string{"./lib"}}, []Target{
		{Name: "native", OutDir: t.TempDir(), NoMain: "no main package in ./lib: it's a library"},
	})
	if code != 3 || !strings.Contains(out, "build for native failed:\nno main package in ./lib: it's a library") {
		t.Fatalf("script for a library: exit %d\n%s", code, out)
	}
	good := t.TempDir()
	code, out = script(opts, []Target{
		{Name: "bogus/arch", OutDir: t.TempDir(), Env: []string{"GOARCH=bogus"}, NoMain: "none"},
		{Name: "native", OutDir: good, NoMain: "none"},
	})
	if code == 0 || code == 3 || !strings.Contains(out, "build for bogus/arch failed:") || !strings.Contains(out, "bogus") {
		t.Fatalf("script with a bad target: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(good, "hello")); err != nil {
		t.Fatalf("the good target was not built beside the bad one: %v", err)
	}
}

// TestBuildScriptStampsFromGit checks the stamp the build script reads from
// a git checkout itself gives the very binary GoBuild links with the Stamp
// read from the same checkout (as the module's stamp script reads it): the
// same -X values, quoting and -buildvcs, byte for byte.
func TestBuildScriptStampsFromGit(t *testing.T) {
	for _, tool := range []string{"go", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s command on PATH", tool)
		}
	}
	src := t.TempDir()
	env := append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_AUTHOR_DATE=2025-01-02T03:04:05+02:00", "GIT_COMMITTER_DATE=2025-01-02T03:04:05+02:00")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = src
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	for name, body := range map[string]string{
		"go.mod":  "module example.com/stamped\n\ngo 1.22\n",
		"main.go": "package main\n\nimport \"fmt\"\n\nvar version, commit, date string\n\nfunc main() { fmt.Println(version, commit, date) }\n",
	} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("git", "init", "-q")
	run("git", "add", ".")
	run("git", "commit", "-q", "-m", "first")
	run("git", "tag", "v1.2.3")
	// A dirty tree: git describe says so.
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nvar version, commit, date string\n\nfunc main() { fmt.Println(version, commit, date, 2) }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The stamp as the caller reads it, with StampScript.
	info := map[string]string{}
	for _, line := range strings.Split(run("sh", "-c", StampScript), "\n") {
		k, v, _ := strings.Cut(line, "=")
		info[k] = v
	}
	secs, err := strconv.ParseInt(info["time"], 10, 64)
	if err != nil {
		t.Fatalf("StampScript's time %q: %v", info["time"], err)
	}
	gitStamp := Stamp{Version: info["describe"], Revision: info["revision"], Date: time.Unix(secs, 0).UTC().Format(time.RFC3339)}
	if gitStamp.Version != "v1.2.3-dirty" || len(gitStamp.Revision) != 40 || gitStamp.Date != "2025-01-02T01:04:05Z" {
		t.Fatalf("StampScript read %+v from the checkout", gitStamp)
	}
	opts := Options{Strip: true}
	for _, tt := range []struct {
		name    string
		version string // the script's set version
		stamp   Stamp  // what GoBuild links
	}{
		{"git describe", "", gitStamp},
		{"set version with a space and a quote", "it's v2", Stamp{Version: "it's v2", Revision: gitStamp.Revision, Date: gitStamp.Date}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want, got := t.TempDir(), t.TempDir()
			run(opts.GoBuild(want, []string{"example.com/stamped"}, tt.stamp, true)...)
			run("sh", "-c", opts.BuildScript([]Target{{Name: "native", OutDir: got, NoMain: "none"}}, tt.version, 1)[2])
			wantBin, err := os.ReadFile(filepath.Join(want, "stamped"))
			if err != nil {
				t.Fatal(err)
			}
			gotBin, err := os.ReadFile(filepath.Join(got, "stamped"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(gotBin, wantBin) {
				t.Fatalf("the script's binary differs from GoBuild's with %+v; it prints %q, GoBuild's %q",
					tt.stamp, run(filepath.Join(got, "stamped")), run(filepath.Join(want, "stamped")))
			}
			// Strip links without a symbol table or DWARF.
			f, err := elf.Open(filepath.Join(got, "stamped"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for _, sec := range f.Sections {
				if sec.Type == elf.SHT_SYMTAB || strings.HasPrefix(sec.Name, ".debug_") {
					t.Errorf("the stripped binary has section %s", sec.Name)
				}
			}
			if out := run(filepath.Join(got, "stamped")); !strings.HasPrefix(out, tt.stamp.Version+" "+tt.stamp.Revision+" 2025-01-02T01:04:05Z") {
				t.Fatalf("the stamped binary printed %q", out)
			}
		})
	}
}

// TestStampScriptPartialSource checks a checkout uploaded in part: the files
// left out are not changes, a file deleted in an uploaded directory is.
func TestStampScriptPartialSource(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git command on PATH")
	}
	tests := []struct {
		name, remove, want string
	}{
		{"only directories left out", "", "v1.0.0"},
		{"a file deleted in an uploaded directory", "app/main.go", "v1.0.0-dirty"},
		{"a file deleted that an uploaded pattern names", "app/LICENSE", "v1.0.0-dirty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := t.TempDir()
			env := append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
				"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
			run := func(dir string, args ...string) string {
				t.Helper()
				cmd := exec.Command(args[0], args[1:]...)
				cmd.Dir, cmd.Env = dir, env
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
				}
				return string(out)
			}
			for _, f := range []string{"app/main.go", "app/LICENSE", "lib/lib.go", "unrelated/notes.txt", "other/deep/x.go", "README.md"} {
				if err := os.MkdirAll(filepath.Join(src, filepath.Dir(f)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(src, f), []byte(f), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			run(src, "git", "init", "-q")
			run(src, "git", "add", ".")
			run(src, "git", "commit", "-q", "-m", "first")
			run(src, "git", "tag", "v1.0.0")
			// What the upload leaves out, and what the test deletes.
			for _, f := range []string{"unrelated", "other", "README.md", tt.remove} {
				if f != "" {
					if err := os.RemoveAll(filepath.Join(src, f)); err != nil {
						t.Fatal(err)
					}
				}
			}
			env = append(env, PartialSourceEnv+"=app/\nlib/\napp/LICENSE*\n.git/")
			out := run(filepath.Join(src, "app"), "sh", "-c", StampScript)
			if !strings.Contains(out, "describe="+tt.want+"\n") {
				t.Errorf("StampScript printed %q, want describe=%s", out, tt.want)
			}
		})
	}
}
