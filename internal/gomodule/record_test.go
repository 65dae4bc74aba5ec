package gomodule

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

func TestParseRecord(t *testing.T) {
	hey := Spec{"github.com/rakyll/hey", "v0.1.4"}
	tests := []struct {
		name    string
		json    string
		want    Record
		wantErr string
	}{
		{
			name: "go list -m -json output",
			json: `{
	"Path": "github.com/rakyll/hey",
	"Version": "v0.1.4",
	"Time": "2020-08-06T02:32:57Z",
	"Dir": "/go/pkg/mod/github.com/rakyll/hey@v0.1.4",
	"GoMod": "/go/pkg/mod/cache/download/github.com/rakyll/hey/@v/v0.1.4.mod",
	"GoVersion": "1.13"
}`,
			want: Record{Path: hey.Path, Version: hey.Version, Time: time.Date(2020, 8, 6, 2, 32, 57, 0, time.UTC), Dir: "/go/pkg/mod/github.com/rakyll/hey@v0.1.4"},
		},
		{
			name: "an offset time",
			json: `{"Path": "github.com/rakyll/hey", "Version": "v0.1.4", "Time": "2020-08-06T04:32:57+02:00"}`,
			want: Record{Path: hey.Path, Version: hey.Version, Time: time.Date(2020, 8, 6, 2, 32, 57, 0, time.UTC)},
		},
		{
			name: "no time",
			json: `{"Path": "github.com/rakyll/hey", "Version": "v0.1.4"}`,
			want: Record{Path: hey.Path, Version: hey.Version},
		},
		{name: "another version", json: `{"Path": "github.com/rakyll/hey", "Version": "v0.1.3"}`, wantErr: "is of github.com/rakyll/hey@v0.1.3"},
		{name: "not JSON", json: `go: downloading`, wantErr: "the go command's record of github.com/rakyll/hey@v0.1.4"},
		{name: "bad time", json: `{"Path": "github.com/rakyll/hey", "Version": "v0.1.4", "Time": "yesterday"}`, wantErr: "yesterday"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRecord([]byte(tt.json), hey)
			if tt.wantErr != "" {
				errtest.Check(t, err, ErrInvalidModule, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Time.Equal(tt.want.Time) || got.Path != tt.want.Path || got.Version != tt.want.Version || got.Dir != tt.want.Dir {
				t.Errorf("ParseRecord = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestParseRecordOfTheGoCommand parses what the real go command prints for
// one of this module's own requirements, read from the local module cache
// (GOPROXY=off), skipping when the cache does not have it.
func TestParseRecordOfTheGoCommand(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command("go", "list", "-m", "-json", "golang.org/x/mod")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("go list -m -json golang.org/x/mod: %v", err)
	}
	var spec Spec
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), `"Version": "`); ok {
			spec = Spec{"golang.org/x/mod", strings.TrimSuffix(v, `",`)}
		}
	}
	r, err := ParseRecord(out, spec)
	if err != nil {
		t.Fatalf("ParseRecord(%s): %v\n%s", spec, err, out)
	}
	if r.Time.IsZero() || r.Time.Year() < 2018 {
		t.Errorf("the record of %s has time %v, want the version's time\n%s", spec, r.Time, out)
	}
}
