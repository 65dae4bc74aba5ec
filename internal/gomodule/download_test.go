package gomodule

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDownloadCommand(t *testing.T) {
	got := Spec{"github.com/coredns/coredns", "v1.11.3"}.DownloadCommand()
	want := []string{"go", "mod", "download", "-json", "github.com/coredns/coredns@v1.11.3"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DownloadCommand() = %q, want %q", got, want)
	}
}

// The testdata files are real output of `go mod download -json` captured on
// the machine this package was written on; the error one is what its module
// proxy answered for a version that does not exist.
func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseDownloadSuccess(t *testing.T) {
	got, err := ParseDownload(readTestdata(t, "download-ok.json"))
	if err != nil {
		t.Fatalf("ParseDownload() error = %v", err)
	}
	want := Download{
		Path:     "github.com/google/uuid",
		Version:  "v1.6.0",
		Info:     "/root/go/pkg/mod/cache/download/github.com/google/uuid/@v/v1.6.0.info",
		GoMod:    "/root/go/pkg/mod/cache/download/github.com/google/uuid/@v/v1.6.0.mod",
		Zip:      "/root/go/pkg/mod/cache/download/github.com/google/uuid/@v/v1.6.0.zip",
		Dir:      "/root/go/pkg/mod/github.com/google/uuid@v1.6.0",
		Sum:      "h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=",
		GoModSum: "h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=",
	}
	if got != want {
		t.Fatalf("ParseDownload() = %+v, want %+v", got, want)
	}
}

func TestParseDownloadErrors(t *testing.T) {
	tests := []struct {
		name     string
		output   []byte
		sentinel error
		wantErr  string
	}{
		{
			name:     "unknown version, real output",
			output:   readTestdata(t, "download-unknown-version.json"),
			sentinel: ErrInvalidModule,
			wantErr:  "invalid module: github.com/google/uuid@v9.9.9 cannot be downloaded: reading https://proxy.golang.org/github.com/google/uuid/@v/v9.9.9.info: 403 Forbidden",
		},
		{
			name:     "unknown revision as proxy.golang.org words it",
			output:   []byte(`{"Path":"github.com/x/y","Version":"v9.9.9","Error":"github.com/x/y@v9.9.9: invalid version: unknown revision v9.9.9"}`),
			sentinel: ErrInvalidModule,
			wantErr:  "github.com/x/y@v9.9.9 cannot be downloaded: invalid version: unknown revision v9.9.9; want a version that exists",
		},
		{
			name:     "error without module prefix kept whole",
			output:   []byte(`{"Path":"github.com/x/y","Version":"v1.0.0","Error":"verifying module: checksum mismatch"}`),
			sentinel: ErrInvalidModule,
			wantErr:  "github.com/x/y@v1.0.0 cannot be downloaded: verifying module: checksum mismatch",
		},
		{
			name:     "two modules, real output",
			output:   readTestdata(t, "download-two-modules.json"),
			sentinel: ErrDownloadOutput,
			wantErr:  "more than one JSON value after github.com/google/uuid@v1.6.0",
		},
		{
			name:     "no Dir",
			output:   []byte(`{"Path":"github.com/x/y","Version":"v1.0.0"}`),
			sentinel: ErrDownloadOutput,
			wantErr:  "no Dir for github.com/x/y@v1.0.0",
		},
		{
			name:     "empty output",
			output:   nil,
			sentinel: ErrDownloadOutput,
			wantErr:  `got ""`,
		},
		{
			name:     "stderr text instead of JSON",
			output:   []byte("go: unknown flag -json"),
			sentinel: ErrDownloadOutput,
			wantErr:  `got "go: unknown flag -json"`,
		},
		{
			name:     "huge garbage abbreviated",
			output:   []byte(strings.Repeat("x", 1000)),
			sentinel: ErrDownloadOutput,
			wantErr:  strings.Repeat("x", 200) + `…"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDownload(tt.output)
			checkErr(t, err, tt.sentinel, tt.wantErr)
		})
	}
}

func TestParseDownloadErrorKeepsFields(t *testing.T) {
	got, err := ParseDownload(readTestdata(t, "download-unknown-version.json"))
	if err == nil {
		t.Fatal("ParseDownload() error = nil, want an error")
	}
	if got.Path != "github.com/google/uuid" || got.Version != "v9.9.9" || got.Error == "" {
		t.Fatalf("ParseDownload() = %+v, want Path, Version and Error decoded", got)
	}
}
