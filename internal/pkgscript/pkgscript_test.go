package pkgscript

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
)

// aptUnmet is what apt-get install -q printed on a mirror whose armel
// security lists are out of step (seen on a v0.21.8 engine).
const aptUnmet = `Reading package lists...
Building dependency tree...
Reading state information...
The following additional packages will be installed:
  libc6:armel libgcc-s1:armel
Some packages could not be installed. This may mean that you have
requested an impossible situation or if you are using the unstable
distribution that some required packages have not yet been created
or been moved out of Incoming.
The following information may help to resolve the situation:

The following packages have unmet dependencies:
 libc6-dev:armel : Depends: linux-libc-dev:armel but it is not installable
E: Unable to correct problems, you have held broken packages.
`

const apkMissing = `fetch https://dl-cdn.alpinelinux.org/alpine/v3.22/main/aarch64/APKINDEX.tar.gz
ERROR: unable to select packages:
  libfoo-dev (no such package):
    required by: world[libfoo-dev]
`

func TestReason(t *testing.T) {
	tests := []struct {
		name, stderr, want string
		ok                 bool
		unwanted           []string
	}{
		{
			name:   "apt unmet dependency",
			stderr: "+ something before\n" + Marker + " apt-get install -y -q libc6-dev:armel libgcc-12-dev:armel (exit code 100)\n" + aptUnmet,
			want: "apt-get install -y -q libc6-dev:armel libgcc-12-dev:armel (exit code 100)\n" +
				"The following packages have unmet dependencies:\n" +
				" libc6-dev:armel : Depends: linux-libc-dev:armel but it is not installable\n" +
				"E: Unable to correct problems, you have held broken packages.",
			ok:       true,
			unwanted: []string{"Reading package lists", "something before", "impossible situation", "libgcc-s1:armel"},
		},
		{
			name:   "apk missing package",
			stderr: Marker + " apk add --no-cache libfoo-dev (exit code 1)\n" + apkMissing,
			want:   "apk add --no-cache libfoo-dev (exit code 1)\nERROR: unable to select packages:\n  libfoo-dev (no such package):\n    required by: world[libfoo-dev]",
			ok:     true,
		},
		{name: "not a package command", stderr: "undefined: foo\n", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Reason(tt.stderr)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("Reason = %q, %v\nwant %q, %v", got, ok, tt.want, tt.ok)
			}
			for _, u := range tt.unwanted {
				if strings.Contains(got, u) {
					t.Errorf("Reason keeps %q", u)
				}
			}
		})
	}
}

func TestReasonKeepsTheLastLines(t *testing.T) {
	var b strings.Builder
	b.WriteString(Marker + " apt-get update -q (exit code 100)\n")
	for i := range 100 {
		b.WriteString("W: line " + strings.Repeat("x", i%3) + "\n")
	}
	b.WriteString("E: the last word\n")
	got, _ := Reason(b.String())
	lines := strings.Split(got, "\n")
	if len(lines) != MaxReasonLines+1 || lines[len(lines)-1] != "E: the last word" {
		t.Fatalf("Reason kept %d lines ending %q", len(lines), lines[len(lines)-1])
	}
}

// TestPreludeRunsForReal runs the shell function: a succeeding command
// prints nothing, a failing one exits with its code and prints the marker
// and its output on stderr, which Reason reads back.
func TestPreludeRunsForReal(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "apt-get")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nif [ \"$1\" = update ]; then echo 'Hit:1 http://deb.debian.org bookworm InRelease'; exit 0; fi\nprintf '%s' \"$APT_OUT\"\nexit 100\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := "set -eu\n" + Prelude + "pkg_run apt-get update -q\necho updated\npkg_run apt-get install -y -q libc6-dev:armel\necho not-reached\n"
	cmd := exec.Command("sh", "-c", script)
	cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "APT_OUT="+aptUnmet)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	exit, ok := err.(*exec.ExitError)
	if !ok || exit.ExitCode() != 100 {
		t.Fatalf("script error = %v, want exit code 100; stderr:\n%s", err, stderr.String())
	}
	if stdout.String() != "updated\n" {
		t.Errorf("stdout = %q, want only the script's own line (the update's output hidden)", stdout.String())
	}
	reason, ok := Reason(stderr.String())
	if !ok || !strings.Contains(reason, "apt-get install -y -q libc6-dev:armel (exit code 100)") ||
		!strings.Contains(reason, "linux-libc-dev:armel but it is not installable") {
		t.Fatalf("Reason(stderr) = %q, %v", reason, ok)
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"libsqlite3-dev", ""},
		{"zlib1g-dev", ""},
		{"libstdc++-12-dev", ""},
		{"g++", ""},
		{"sqlite-dev", ""},
		{"py3.11-foo", ""},
		{"-x", `target package "-x": want a Debian or Alpine package name`},
		{"--allow-unauthenticated", `"--allow-unauthenticated"`},
		{"-oDebug::pkgProblemResolver=1", `"-oDebug::pkgProblemResolver=1"`},
		{"a", `"a"`},
		{"", `""`},
		{"LibFoo", `"LibFoo"`},
		{"libfoo:arm64", `"libfoo:arm64"`},
		{"libfoo=1.2-3", `"libfoo=1.2-3"`},
		{"libfoo dev", `"libfoo dev"`},
		{"libfoo;id", `"libfoo;id"`},
		{"$(id)", `"$(id)"`},
		{"libfoo\n", `"libfoo\n"`},
		{".hidden", `".hidden"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errtest.Check(t, CheckName("target package", tt.name), ErrPackageName, tt.want)
		})
	}
}

func TestWords(t *testing.T) {
	if got, want := Words([]string{"zlib1g-dev:arm64", "it's", ""}), `'zlib1g-dev:arm64' 'it'\''s' ''`; got != want {
		t.Errorf("Words = %s, want %s", got, want)
	}
}
