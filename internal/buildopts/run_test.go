package buildopts

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
	run(opts.GoBuild(out, pkgs, Stamp{Version: "v1.2.3 dev", Revision: "abc123"}, runtime.GOOS, runtime.GOARCH, false))
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
	versioned := opts
	versioned.Version = "it's v2"
	run(versioned.BuildScript([]Target{
		{Name: "native", OutDir: native, NoMain: "no main package"},
		{Name: "linux/arm64", OutDir: arm64, Env: []string{"GOOS=linux", "GOARCH=arm64"}, NoMain: "no main package"},
	}, Stamp{}, 4))
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
		cmd := exec.Command("sh", opts.BuildScript(targets, Stamp{}, 1)[1:]...)
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
// Options.Stamp resolves from StampScript's output on the same checkout (as
// the module reads it): the same -X values, templates expanded the same,
// quoting and -buildvcs, byte for byte.
func TestBuildScriptStampsFromGit(t *testing.T) {
	src, run := stampFixture(t, true)
	// A second commit after the tag, and a dirty tree: git describe says
	// so, and the nearest tag is still v1.2.3.
	run("git", "commit", "-q", "--allow-empty", "-m", "second")
	writeStampMain(t, src, "2")
	git := ParseGitStamp(run("sh", "-c", StampScript))
	if len(git.Revision) != 40 || !strings.HasPrefix(git.Revision, git.Short) || len(git.Short) < 7 ||
		git.Tag != "v1.2.3" || !strings.HasPrefix(git.Describe, "v1.2.3-1-g") || !strings.HasSuffix(git.Describe, "-dirty") ||
		git.Date != "2025-01-02T01:04:05Z" || git.Time != "1735779845" {
		t.Fatalf("StampScript read %+v from the checkout", git)
	}
	fields := "-X main.fields=" + allFields
	for _, tt := range []struct {
		name string
		opts Options
		want string // what the binary prints
	}{
		{"git describe, stripped", Options{Strip: true}, git.Describe + " " + git.Revision + " 2025-01-02T01:04:05Z"},
		{"set version with a space and a quote", Options{Version: "it's v2"}, "it's v2 " + git.Revision + " 2025-01-02T01:04:05Z"},
		{"every field", Options{Ldflags: []string{fields}},
			git.Describe + " " + git.Revision + " 2025-01-02T01:04:05Z " + fmt.Sprintf("%s|v1.2.3|%s|%s|%s|2025-01-02T01:04:05Z|2025-01-02T01:04:05Z|1735779845|%s|%s",
				strings.TrimPrefix(git.Describe, "v"), git.Revision, git.Revision, git.Short, runtime.GOOS, runtime.GOARCH)},
		{"version template, stripped", Options{Strip: true, Version: "{{.Tag}}+{{.ShortCommit}}", Ldflags: []string{"-X 'main.fields={{.Version}} $HOME \\`x`'"}},
			"v1.2.3+" + git.Short + " " + git.Revision + " 2025-01-02T01:04:05Z 1.2.3+" + git.Short + " $HOME \\`x`"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stamp := tt.opts.Stamp(git, Stamp{})
			out := compareScriptBuild(t, src, run, tt.opts, stamp, Stamp{}, true)
			if out != tt.want {
				t.Fatalf("the stamped binary printed\n %q\nwant\n %q", out, tt.want)
			}
		})
	}
}

// TestBuildScriptKnownStamp checks a stamp known before the build (a
// module's, whose source is no git checkout) is linked and expanded as
// GoBuild does with it, without -buildvcs; and that a template asking for a
// commit nobody knows fails before any target builds, saying why.
func TestBuildScriptKnownStamp(t *testing.T) {
	src, run := stampFixture(t, false)
	known := Stamp{Tag: "v1.11.3", Revision: "a7ed346585e30b99317d36e4d007b7b19a228ea5", ShortRevision: "a7ed346",
		Date: "2024-04-26T19:08:47Z", Time: "1714158527"}
	opts := Options{Strip: true, Ldflags: []string{"-X main.fields=" + allFields}}
	stamp := opts.Stamp(GitStamp{}, known)
	if stamp.Version != "v1.11.3" {
		t.Fatalf("a module's version is %q, want its tag", stamp.Version)
	}
	out := compareScriptBuild(t, src, run, opts, stamp, known, false)
	want := "v1.11.3 a7ed346585e30b99317d36e4d007b7b19a228ea5 2024-04-26T19:08:47Z 1.11.3|v1.11.3|a7ed346585e30b99317d36e4d007b7b19a228ea5|a7ed346585e30b99317d36e4d007b7b19a228ea5|a7ed346|2024-04-26T19:08:47Z|2024-04-26T19:08:47Z|1714158527|" + runtime.GOOS + "|" + runtime.GOARCH
	if out != want {
		t.Fatalf("the stamped binary printed\n %q\nwant\n %q", out, want)
	}

	for _, tt := range []struct {
		name  string
		opts  Options
		known Stamp
		want  string
	}{
		{"commit", Options{Ldflags: []string{"-X main.fields={{.ShortCommit}}"}}, Stamp{Tag: "v1.0.0"}, "needs the commit, and the source is no git checkout"},
		{"date", Options{Ldflags: []string{"-X main.fields={{.Date}}"}}, Stamp{}, "needs the commit time"},
		{"tag", Options{Version: "{{.Tag}}"}, Stamp{}, "needs a git tag"},
		{"version", Options{Ldflags: []string{"-X main.fields={{.Version}}"}}, Stamp{}, "needs a version"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command("sh", tt.opts.BuildScript([]Target{{Name: "native", OutDir: dir, NoMain: "none"}}, tt.known, 1)[1:]...)
			cmd.Dir = src
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 4 || !strings.Contains(string(out), tt.want) {
				t.Fatalf("script: %v, want exit 4 saying %q\n%s", err, tt.want, out)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("the script built %v before failing", entries)
			}
		})
	}
}

// allFields is every template field, |-separated.
const allFields = "{{.Version}}|{{.Tag}}|{{.Commit}}|{{.FullCommit}}|{{.ShortCommit}}|{{.Date}}|{{.CommitDate}}|{{.CommitTimestamp}}|{{.Os}}|{{.Arch}}"

// stampFixture is a main package printing main.version, main.commit,
// main.date and main.fields, in a git checkout tagged v1.2.3 when git is
// true, and the command runner in it.
func stampFixture(t *testing.T, git bool) (string, func(args ...string) string) {
	t.Helper()
	tools := []string{"go"}
	if git {
		tools = append(tools, "git")
	}
	for _, tool := range tools {
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
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/stamped\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeStampMain(t, src, "1")
	if git {
		run("git", "init", "-q")
		run("git", "add", ".")
		run("git", "commit", "-q", "-m", "first")
		run("git", "tag", "v1.2.3")
	}
	return src, run
}

func writeStampMain(t *testing.T, src, edition string) {
	t.Helper()
	body := "package main\n\nimport \"fmt\"\n\nvar version, commit, date, fields string\n\nconst edition = " + edition + "\n\nfunc main() { fmt.Println(version, commit, date, fields) }\n"
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
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

// compareScriptBuild builds src with GoBuild and stamp, and with the build
// script and known, checks the binaries are the same, stripped of their
// symbol table and DWARF exactly when opts.Strip, and returns what the
// binary prints.
func compareScriptBuild(t *testing.T, src string, run func(...string) string, opts Options, stamp, known Stamp, vcs bool) string {
	t.Helper()
	want, got := t.TempDir(), t.TempDir()
	run(opts.GoBuild(want, []string{"example.com/stamped"}, stamp, runtime.GOOS, runtime.GOARCH, vcs)...)
	run("sh", "-c", opts.BuildScript([]Target{{Name: "native", OutDir: got, NoMain: "none", GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}}, known, 1)[2])
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
			stamp, run(filepath.Join(got, "stamped")), run(filepath.Join(want, "stamped")))
	}
	if runtime.GOOS == "linux" {
		if symbols := elfSymbolData(t, filepath.Join(got, "stamped")); (len(symbols) == 0) != opts.Strip {
			t.Fatalf("Strip is %v, and the binary's symbol table and DWARF sections are %q", opts.Strip, symbols)
		}
	}
	return run(filepath.Join(got, "stamped"))
}

// elfSymbolData names the ELF binary's symbol table and DWARF sections.
func elfSymbolData(t *testing.T, path string) []string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	for _, sec := range f.Sections {
		if sec.Type == elf.SHT_SYMTAB || strings.HasPrefix(sec.Name, ".debug_") || strings.HasPrefix(sec.Name, ".zdebug_") {
			names = append(names, sec.Name)
		}
	}
	return names
}

// TestStampScriptKeepsTheRemoteOutOfItsOutput runs the stamp script and
// the remote script as readStamp's exec does, on a checkout whose origin
// carries a token (as GitLab CI clones): neither the output nor the errors
// hold the token, and the remote reaches the file alone. The build script,
// which reads the stamp too, holds no remote either.
func TestStampScriptKeepsTheRemoteOutOfItsOutput(t *testing.T) {
	src, run := stampFixture(t, true)
	const token = "glcbt-64_Sekr1tT0ken"
	remote := "https://gitlab-ci-token:" + token + "@gitlab.example.com/group/project.git"
	run("git", "remote", "add", "origin", remote)
	file := filepath.Join(t.TempDir(), "remote")
	script := StampScript + "\n" + strings.ReplaceAll(RemoteScript, RemoteFile, file)
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = src
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("stamp script: %v\n%s", err, out)
	}
	if strings.Contains(string(out), token) || strings.Contains(string(out), "gitlab.example.com") {
		t.Fatalf("the stamp script printed the remote:\n%s", out)
	}
	if git := ParseGitStamp(string(out)); len(git.Revision) != 40 {
		t.Fatalf("the stamp script read %+v", git)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(got)) != remote {
		t.Fatalf("the remote file holds %q, want %q", got, remote)
	}
	if s := strings.Join(Options{}.BuildScript([]Target{{Name: "native", OutDir: "/out"}}, Stamp{}, 1), " "); strings.Contains(s, "remote") {
		t.Fatalf("the build script reads the remote:\n%s", s)
	}

	// Outside a checkout, or with no git: an empty file, and no output.
	for _, path := range []string{os.Getenv("PATH"), ""} {
		cmd := exec.Command("/bin/sh", "-c", strings.ReplaceAll(RemoteScript, RemoteFile, file))
		cmd.Dir = t.TempDir()
		cmd.Env = []string{"PATH=" + path, "HOME=" + t.TempDir()}
		out, err := cmd.CombinedOutput()
		if err != nil || len(out) != 0 {
			t.Fatalf("remote script with PATH=%q: %v, output %q", path, err, out)
		}
		if got, err := os.ReadFile(file); err != nil || len(got) != 0 {
			t.Fatalf("remote script with PATH=%q wrote %q (%v), want an empty file", path, got, err)
		}
	}
}
