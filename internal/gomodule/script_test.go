package gomodule

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeGo stands in for the go command so the script's shell logic is tested
// without network: `go env GOSUMDB` prints $FAKE_GOSUMDB, `go mod download`
// knows only $FAKE_KNOWN (after --, as the real one takes it), and `go list
// -m` prints $FAKE_DIR. Every call is logged with its working directory and
// GOFLAGS.
const fakeGo = `#!/bin/sh
echo "$PWD|$GOFLAGS|$GOWORK|$*" >> "$FAKE_LOG"
case "$1 $2" in
"env GOSUMDB") echo "$FAKE_GOSUMDB" ;;
"mod download")
	[ "$3" = -- ] || { echo "fake go: no -- before the module: $*" >&2; exit 3; }
	[ "$4" = "$FAKE_KNOWN" ] && exit 0
	echo "go: $4: invalid version: unknown revision" >&2
	exit 1 ;;
"list -m") echo "$FAKE_DIR" ;;
*) echo "fake go: unexpected $*" >&2; exit 3 ;;
esac
`

type scriptRun struct {
	stderr string
	err    error
	log    string
	root   string
}

func runDownloadScript(t *testing.T, spec Spec, dest, gosumdb string) scriptRun {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh:", err)
	}
	root := t.TempDir()
	bin := filepath.Join(root, "bin")
	cache := filepath.Join(root, "modcache", "src")
	for _, dir := range []string{bin, filepath.Join(cache, "sub"), filepath.Join(root, "work")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fakeGo), 0o755); err != nil {
		t.Fatal(err)
	}
	// The module cache is read-only, like the real one.
	for path, body := range map[string]string{"go.mod": "module example.com/m\n", "sub/main.go": "package main\n"} {
		if err := os.WriteFile(filepath.Join(cache, path), []byte(body), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	for _, dir := range []string{filepath.Join(cache, "sub"), cache} {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = os.Chmod(filepath.Join(cache, "sub"), 0o755); _ = os.Chmod(cache, 0o755) })

	logFile := filepath.Join(root, "go.log")
	cmd := exec.Command(sh, "-c", spec.DownloadScript(dest))
	cmd.Dir = filepath.Join(root, "work")
	cmd.Env = append(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"FAKE_LOG="+logFile,
		"FAKE_GOSUMDB="+gosumdb,
		"FAKE_KNOWN=example.com/m@v1.0.0",
		"FAKE_DIR="+cache,
		"GOFLAGS=-mod=vendor",
	)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	log, _ := os.ReadFile(logFile)
	return scriptRun{stderr: stderr.String(), err: runErr, log: string(log), root: root}
}

func TestDownloadScriptCopiesWritableSource(t *testing.T) {
	run := runDownloadScript(t, Spec{"example.com/m", "v1.0.0"}, "out/src", "sum.golang.org")
	if run.err != nil {
		t.Fatalf("script failed: %v\n%s", run.err, run.stderr)
	}
	// A relative dest is relative to where the script started, not to the
	// scratch directory it runs go in.
	dest := filepath.Join(run.root, "work", "out", "src")
	for _, file := range []string{"go.mod", "sub/main.go"} {
		path := filepath.Join(dest, file)
		if err := os.WriteFile(path, []byte("changed\n"), 0o644); err != nil {
			t.Errorf("copied %s is not writable: %v", file, err)
		}
	}
	if err := os.WriteFile(filepath.Join(dest, "sub", "new.go"), nil, 0o644); err != nil {
		t.Errorf("copied directory is not writable: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(run.log), "\n") {
		dir, rest, _ := strings.Cut(line, "|")
		if strings.HasPrefix(dir, filepath.Join(run.root, "work")) {
			t.Errorf("go ran in %s, want a scratch directory outside any module", dir)
		}
		if !strings.HasPrefix(rest, "-mod=mod|off|") {
			t.Errorf("go ran with GOFLAGS|GOWORK %q, want -mod=mod|off", rest)
		}
	}
	if !strings.Contains(run.log, "|mod download -- example.com/m@v1.0.0") {
		t.Errorf("go calls = %q, want a go mod download of the module", run.log)
	}
}

func TestDownloadScriptFailures(t *testing.T) {
	tests := []struct {
		name    string
		spec    Spec
		gosumdb string
		wantErr []string
	}{
		{
			name:    "version does not exist",
			spec:    Spec{"example.com/m", "v9.9.9"},
			gosumdb: "sum.golang.org",
			wantErr: []string{"unknown revision", "go-build: cannot download module example.com/m@v9.9.9"},
		},
		{
			name:    "checksum database off",
			spec:    Spec{"example.com/m", "v1.0.0"},
			gosumdb: "off",
			wantErr: []string{"refusing to download example.com/m@v1.0.0 with GOSUMDB=off"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := runDownloadScript(t, tt.spec, "out", tt.gosumdb)
			if run.err == nil {
				t.Fatal("script succeeded, want failure")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(run.stderr, want) {
					t.Errorf("stderr = %q, want it to contain %q", run.stderr, want)
				}
			}
			if _, err := os.Stat(filepath.Join(run.root, "work", "out")); !os.IsNotExist(err) {
				t.Errorf("dest exists after a failure: %v", err)
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `''`},
		{"/src", `'/src'`},
		{"a b", `'a b'`},
		{"it's", `'it'\''s'`},
		{"$(rm -rf /)", `'$(rm -rf /)'`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := shellQuote(tt.in); got != tt.want {
				t.Fatalf("shellQuote(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestDownloadScriptQuotesDest(t *testing.T) {
	script := Spec{"example.com/m", "v1.0.0"}.DownloadScript("/tmp/it's $HOME")
	if !strings.Contains(script, `dest='/tmp/it'\''s $HOME'`) {
		t.Fatalf("script does not quote dest:\n%s", script)
	}
}
