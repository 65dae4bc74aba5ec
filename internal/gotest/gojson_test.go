package gotest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestGoTestJSONCommand(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"every option", Options{
			Packages: []string{"./pkg/..."}, Run: "TestA", Skip: "TestB", Short: true, Tags: []string{"e2e"},
			Race: true, Args: []string{"-flag", "x y"},
		}, "go test -json -tags e2e -race -run=TestA -skip=TestB -short -count=1 -timeout=10m0s ./pkg/... -args -flag x y"},
		{"count and timeout given", Options{Count: 3, Timeout: "90s"}, "go test -json -count=3 -timeout=90s ./..."},
		// A pattern that looks like a flag stays -run's value.
		{"run pattern starting with a dash", Options{Run: "-v", Skip: "-x"}, "go test -json -run=-v -skip=-x -count=1 -timeout=10m0s ./..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(tt.opts.GoTestJSONCommand(), " "); got != tt.want {
				t.Fatalf("command\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// The EMULATE baseline reads go test -json; run here with the local go.
func TestParseGoTestJSON(t *testing.T) {
	goTool(t)
	dir := writeFixture(t, brokenModule)
	opts := Options{}
	list, err := exec.Command("sh", "-c", "cd \"$0\" && GOWORK=off go list -f '"+
		"{{.ImportPath}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}\t{{.Dir}}' ./...", dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := opts.ParseList(string(list), dir)
	if err != nil {
		t.Fatal(err)
	}
	args := opts.GoTestJSONCommand()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatal(err)
		}
		code = exit.ExitCode()
	}
	results, js, err := ParseGoTestJSON("linux/amd64", pkgs, stdout.String(), stderr.String(), code)
	if err != nil {
		t.Fatal(err)
	}
	got := statuses(results)
	for pkg, want := range wantBroken {
		if got[pkg] != want {
			t.Errorf("%s is %v, want %v", pkg, got[pkg], want)
		}
	}
	if !Result.Failed(results[slices.IndexFunc(results, func(r Result) bool { return strings.HasSuffix(r.Package, "/exits") })]) {
		t.Error("exits did not fail")
	}
	run := PlatformRun{Platform: "linux/amd64", Results: results}
	msg := errorMessage(FailureError([]PlatformRun{run}))
	for _, want := range []string{"example.com/broken/subfail: TestParent/child", "example.com/broken/bad: build failed"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q: %s", want, msg)
		}
	}
	if lines := GoTestLines(results); !strings.Contains(lines, "child broke") || !strings.Contains(lines, "ok  \texample.com/broken/good\t") {
		t.Errorf("go test lines:\n%s", lines)
	}
	if !bytes.Contains(js, []byte(`"Platform":"linux/amd64"`)) {
		t.Errorf("events lack their platform:\n%s", js)
	}

	if _, _, err := ParseGoTestJSON("linux/amd64", pkgs, "", "go: something broke\n", 1); err == nil || !strings.Contains(err.Error(), "something broke") {
		t.Errorf("go test that printed no event: %v", err)
	}
}
