package binrun

import (
	"fmt"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/platform"
)

func TestCheckRunnable(t *testing.T) {
	tests := []struct {
		target, want string
	}{
		{"arm64", ""},
		{"linux/amd64/v3", ""},
		{"armv6", ""},
		{"s390x", ""},
		{"windows/amd64", "windows/amd64: binaries run in Linux containers of their platform; run linux/amd64 instead"},
		{"windows/arm64", "run linux/arm64 instead"},
		{"darwin/arm64", "darwin/arm64"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			errtest.Check(t, CheckRunnable(platform.MustParse(tt.target)), ErrNotRunnable, tt.want)
		})
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		name  string
		built []string
		pick  string
		want  string
		err   string
	}{
		{"the only one by default", []string{"app"}, "", "app", ""},
		{"the only one by name", []string{"app"}, "app", "app", ""},
		{"one of several by name", []string{"app", "server"}, "server", "server", ""},
		{"several, none named", []string{"app", "server"}, "", "", "the build produced 2 binaries (app, server): name one with --binary"},
		{"a name not built", []string{"app", "server"}, "client", "", `binary "client" was not built; the build produced app, server`},
		{"a name not built, one built", []string{"app"}, "ap", "", `binary "ap" was not built; the build produced app`},
		{"nothing built", nil, "", "", "the build produced no binary"},
		{"nothing built, a name", nil, "app", "", "the build produced no binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Choose(tt.built, tt.pick)
			errtest.Check(t, err, ErrBinary, tt.err)
			if got != tt.want {
				t.Errorf("Choose(%v, %q) = %q, want %q", tt.built, tt.pick, got, tt.want)
			}
		})
	}
}

func TestPath(t *testing.T) {
	if got := Path("app"); got != "/usr/local/bin/app" {
		t.Errorf("Path(app) = %q", got)
	}
}

func TestOutput(t *testing.T) {
	tests := []struct {
		stdout, stderr, want string
	}{
		{"out\n", "err\n", "out\nerr\n"},
		{"out", "err\n", "out\nerr\n"},
		{"out", "", "out"},
		{"", "err", "err"},
		{"", "", ""},
		{"a\nb\n", "c\n", "a\nb\nc\n"},
	}
	for _, tt := range tests {
		if got := Output(tt.stdout, tt.stderr); got != tt.want {
			t.Errorf("Output(%q, %q) = %q, want %q", tt.stdout, tt.stderr, got, tt.want)
		}
	}
}

func TestExitError(t *testing.T) {
	long := make([]string, MaxOutputLines+5)
	for i := range long {
		long[i] = fmt.Sprintf("line %d", i+1)
	}
	tests := []struct {
		name    string
		err     ExitError
		want    string
		notWant string
	}{
		{
			name: "stderr shown",
			err:  ExitError{Binary: "app", Args: []string{"--fail", "3"}, Platform: "linux/arm64", Image: "debian:bookworm-slim", Code: 3, Stderr: "boom\n", Stdout: "partial\n"},
			want: "app --fail 3 on linux/arm64 (in debian:bookworm-slim) exited with code 3; its stderr:\nboom",
			// stdout is the call's output, not the failure's reason
			notWant: "partial",
		},
		{
			name: "stdout when stderr is empty",
			err:  ExitError{Binary: "app", Platform: "linux/s390x", Image: "img", Code: 1, Stdout: "usage: app\n"},
			want: "app on linux/s390x (in img) exited with code 1; no stderr, its stdout:\nusage: app",
		},
		{
			name: "nothing printed",
			err:  ExitError{Binary: "app", Platform: "linux/amd64", Image: "img", Code: 2, Stderr: " \n"},
			want: "app on linux/amd64 (in img) exited with code 2, printing nothing",
		},
		{
			name: "arguments quoted",
			err:  ExitError{Binary: "app", Args: []string{"hello world", "it's", "", "--x=1"}, Platform: "linux/arm64", Image: "img", Code: 1},
			want: `app 'hello world' 'it'\''s' '' --x=1 on linux/arm64`,
		},
		{
			name:    "long stderr cut to its last lines",
			err:     ExitError{Binary: "app", Platform: "linux/arm64", Image: "img", Code: 2, Stderr: strings.Join(long, "\n") + "\n"},
			want:    "[5 earlier lines left out]\nline 6\n",
			notWant: "line 5\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.err.Error()
			if !strings.Contains(got, tt.want) {
				t.Errorf("Error() = %q, want it to contain %q", got, tt.want)
			}
			if tt.notWant != "" && strings.Contains(got, tt.notWant) {
				t.Errorf("Error() = %q, want it without %q", got, tt.notWant)
			}
		})
	}
	if got := (&ExitError{Binary: "a", Code: 1, Stderr: strings.Join(long, "\n")}).Error(); !strings.HasSuffix(got, fmt.Sprintf("line %d", len(long))) {
		t.Errorf("a long stderr lost its last line: %q", got)
	}
}
