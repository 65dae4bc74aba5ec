package gomodule

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestParseInfo(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantCommit string
		wantWhy    string
		wantErr    bool
	}{
		{
			name: "proxy.golang.org's record of coredns",
			in: `{"Path":"github.com/coredns/coredns","Version":"v1.11.3","Time":"2024-04-26T19:08:47Z","Dir":"/go/pkg/mod/x",
				"Origin":{"VCS":"git","URL":"https://github.com/coredns/coredns","Ref":"refs/tags/v1.11.3","Hash":"a7ed346585e30b99317d36e4d007b7b19a228ea5"}}`,
			wantCommit: "a7ed346585e30b99317d36e4d007b7b19a228ea5",
		},
		{name: "no origin", in: `{"Version":"v1.0.0","Time":"2024-04-26T19:08:47Z"}`, wantWhy: "has no origin"},
		{name: "not git", in: `{"Version":"v1.0.0","Time":"2024-04-26T19:08:47Z","Origin":{"VCS":"hg","Hash":"abc"}}`, wantWhy: `in "hg", not git`},
		{name: "short hash", in: `{"Version":"v1.0.0","Time":"2024-04-26T19:08:47Z","Origin":{"VCS":"git","Hash":"a7ed346"}}`, wantWhy: "no commit hash"},
		{name: "not json", in: `go: error`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := ParseInfo([]byte(tt.in))
			if tt.wantErr {
				if err == nil {
					t.Fatal("ParseInfo() = nil error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !info.Time.Equal(time.Date(2024, 4, 26, 19, 8, 47, 0, time.UTC)) {
				t.Errorf("Time = %v", info.Time)
			}
			commit, why := info.Commit()
			if commit != tt.wantCommit || (tt.wantWhy == "") != (why == "") || !strings.Contains(why, tt.wantWhy) {
				t.Errorf("Commit() = %q, %q; want %q, %q", commit, why, tt.wantCommit, tt.wantWhy)
			}
		})
	}
}

func TestInfoScript(t *testing.T) {
	got := Spec{Path: "github.com/coredns/coredns", Version: "v1.11.3"}.InfoScript("/module-info.json")
	want := "(cd / && GOFLAGS=-mod=mod GOWORK=off go list -m -json -- 'github.com/coredns/coredns@v1.11.3' > '/module-info.json')\n"
	if got != want {
		t.Fatalf("InfoScript() = %q, want %q", got, want)
	}
}

// TestParseInfoOfTheGoCommand parses what the real go command prints for
// one of this module's own requirements, read from the local module cache
// (GOPROXY=off), skipping when the cache does not have it: the version's
// time is what dates a --module's release files.
func TestParseInfoOfTheGoCommand(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command("go", "list", "-m", "-json", "golang.org/x/mod")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("go list -m -json golang.org/x/mod: %v", err)
	}
	info, err := ParseInfo(out)
	if err != nil {
		t.Fatalf("ParseInfo: %v\n%s", err, out)
	}
	if !strings.HasPrefix(info.Version, "v") || info.Time.IsZero() || info.Time.Year() < 2018 {
		t.Errorf("the record of golang.org/x/mod is %+v, want its version and time\n%s", info, out)
	}
}
