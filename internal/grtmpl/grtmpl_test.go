package grtmpl

import (
	"slices"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

var ctx = Context{
	ProjectName: "kubectx",
	ModulePath:  "github.com/example/kubectx",
	Version:     "0.9.1-SNAPSHOT-abc1234",
	Tag:         "v0.9.0",
	PrefixedTag: "cli/v0.9.0",
	PreviousTag: "v0.8.0",
	Branch:      "main",
	FullCommit:  "abc1234def5678abc1234def5678abc1234def56",
	ShortCommit: "abc1234",
	Summary:     "v0.9.0-3-gabc1234",
	CommitDate:  time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
	Dirty:       true,
	Major:       0, Minor: 9, Patch: 0,
	Prerelease: "",
	Snapshot:   true,
	Env:        map[string]string{"GOVERSION": "go1.26.8", "EMPTY": ""},
	Date:       time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC),
}

var arm6 = Target{Target: "linux_arm_6", Os: "linux", Arch: "arm", Arm: "6"}
var amd64 = Target{Target: "windows_amd64_v1", Os: "windows", Arch: "amd64", Amd64: "v1"}

const archiveDefault = `{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}{{ with .Mips }}_{{ . }}{{ end }}{{ if not (eq .Amd64 "v1") }}{{ .Amd64 }}{{ end }}`

func TestRender(t *testing.T) {
	r := Renderer{Now: func() time.Time { return time.Date(2026, 7, 8, 9, 10, 11, 0, time.UTC) }}
	tests := []struct {
		name    string
		in      string
		target  Target
		want    string
		wantErr string
	}{
		{name: "text alone", in: "-s -w", want: "-s -w"},
		{name: "archive default, arm", in: archiveDefault, target: arm6, want: "kubectx_0.9.1-SNAPSHOT-abc1234_linux_armv6"},
		{name: "archive default, amd64 v1", in: archiveDefault, target: amd64, want: "kubectx_0.9.1-SNAPSHOT-abc1234_windows_amd64"},
		{name: "goreleaser init name", target: amd64,
			in:   `{{ .ProjectName }}_{{ title .Os }}_{{ if eq .Arch "amd64" }}x86_64{{ else if eq .Arch "386" }}i386{{ else }}{{ .Arch }}{{ end }}{{ if .Arm }}v{{ .Arm }}{{ end }}`,
			want: "kubectx_Windows_x86_64"},
		{name: "ldflags", in: "-s -w -X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.Date}} -X main.builtBy=goreleaser",
			want: "-s -w -X main.version=0.9.1-SNAPSHOT-abc1234 -X main.commit=abc1234def5678abc1234def5678abc1234def56 -X main.date=2025-02-03T04:05:06Z -X main.builtBy=goreleaser"},
		{name: "git fields", in: "{{.Tag}} {{.PrefixedTag}} {{.PreviousTag}} {{.ShortCommit}} {{.Branch}} {{.Summary}} {{.GitTreeState}} {{.IsGitDirty}} {{.IsSnapshot}}",
			want: "v0.9.0 cli/v0.9.0 v0.8.0 abc1234 main v0.9.0-3-gabc1234 dirty true true"},
		{name: "dates", in: "{{.CommitDate}} {{.CommitTimestamp}} {{.Timestamp}} {{ .Now.Format \"2006\" }} {{ time \"2006-01\" }}",
			want: "2025-01-02T03:04:05Z 1735787045 1738555506 2025 2026-07"},
		{name: "semver parts", in: "{{.Major}}.{{.Minor}}.{{.Patch}} {{.RawVersion}}", want: "0.9.0 0.9.0"},
		{name: "snapshot version template", in: `{{ incpatch .Version }}-next`, want: "0.9.1-next"},
		{name: "incpatch keeps v", in: `{{ incpatch .Tag }} {{ incminor .Tag }} {{ incmajor "v1.2.3" }}`, want: "v0.9.1 v0.10.0 v2.0.0"},
		{name: "incpatch not semver", in: `{{ incpatch "next" }}`, wantErr: `incpatch: its argument is not a semantic version`},
		{name: "env", in: "{{ .Env.GOVERSION }} {{ envOrDefault \"NOPE\" \"dflt\" }} {{ envOrDefault \"EMPTY\" \"dflt\" }} {{ isEnvSet \"EMPTY\" }} {{ isEnvSet \"GOVERSION\" }}",
			want: "go1.26.8 dflt  false true"},
		{name: "missing env", in: "{{ .Env.NOPE }}", wantErr: `map has no entry for key "NOPE"`},
		{name: "unknown field", in: "{{ .Versoin }}", wantErr: `map has no entry for key "Versoin"`},
		{name: "strings", in: `{{ tolower "ABC" }} {{ toupper "abc" }} {{ trim "  x " }} {{ trimprefix .Tag "v" }} {{ trimsuffix "a.exe" ".exe" }} {{ replace .Version "-" "~" }} {{ index (split "a.b.c" ".") 1 }} {{ contains .Tag "v0" }}`,
			want: "abc ABC x 0.9.0 a 0.9.1~SNAPSHOT~abc1234 b true"},
		{name: "title", in: `{{ title "linux" }} {{ title "hELLO wORLD" }}`, want: "Linux Hello World"},
		{name: "paths and escapes", in: `{{ dir "a/b/c" }} {{ base "a/b/c" }} {{ urlPathEscape "a b/c" }} {{ mdv2escape "a_b" }}`, want: `a/b c a%20b%2Fc a\_b`},
		{name: "filter", in: "{{ filter \"a\\nb\\nab\" \"^a\" }}|{{ reverseFilter \"a\\nb\\nab\" \"^a\" }}", want: "a\nab|b"},
		{name: "map and list", in: `{{ $m := map "a" "1" "b" "2" }}{{ indexOrDefault $m "b" "x" }}{{ indexOrDefault $m "c" "x" }} {{ englishJoin (list "a" "b" "c") }} {{ englishJoin (list "a" "" "b") }}`,
			want: "2x a, b, and c a and b"},
		{name: "printf", in: `{{ printf "%s-%d" .Tag 3 }}`, want: "v0.9.0-3"},
		{name: "runtime", in: `{{ if .Runtime.Goos }}ok{{ end }}`, want: "ok"},
		{name: "errors keep env values", in: `{{ incpatch .Env.GOVERSION }}`, wantErr: "incpatch: its argument is not"},
		{name: "bad filter", in: `{{ filter "a" .Env.GOVERSION }}{{ filter "a" "(" }}`, wantErr: "filter: its expression is not"},
		{name: "range refused", in: `{{ range split "a,b" "," }}{{ . }}{{ end }}`, wantErr: "range is not accepted"},
		{name: "define refused", in: `{{ define "x" }}y{{ end }}{{ template "x" }}`, wantErr: "define and block are not accepted"},
		{name: "readFile refused", in: `{{ readFile "/etc/passwd" }}`, wantErr: "function readFile is not run by go-build: it reads a file"},
		{name: "sha256 refused", in: `{{ sha256 .ArtifactPath }}`, wantErr: "checksums a file"},
		{name: "pro function refused", in: `{{ in (list "a") "a" }}`, wantErr: "is a GoReleaser Pro function"},
		{name: "unknown function", in: `{{ nope .Tag }}`, wantErr: `function "nope" not defined`},
		{name: "printf width", in: `{{ printf "%0999999999d" 1 }}`, wantErr: `printf "%0999999999d": a width or precision passes 65536`},
		{name: "replace growth", in: `{{ replace (replace (replace (replace .Summary "" .Summary) "" .Summary) "" .Summary) "" .Summary }}`, wantErr: "the result of replace would be 104975 bytes long: at most 65536 are accepted"},
		{name: "unclosed", in: `{{ .Tag `, wantErr: "unclosed action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := ctx.Fields().Merge(tt.target.Fields())
			got, err := r.Render("test", tt.in, fields)
			errtest.Check(t, err, ErrTemplate, tt.wantErr)
			if err == nil && got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	r := Renderer{Limits: Limits{MaxText: 64, MaxOutput: 32, Timeout: time.Second}}
	fields := ctx.Fields()
	if _, err := r.Render("long", "{{ .Tag }}"+strings.Repeat("x", 64), fields); err == nil || !strings.Contains(err.Error(), "at most 64 are accepted") {
		t.Errorf("long text: err = %v", err)
	}
	if _, err := r.Render("out", "{{ .FullCommit }}{{ .FullCommit }}", fields); err == nil || !strings.Contains(err.Error(), "the output would be 40 bytes long: at most 32 are accepted") {
		t.Errorf("long output: err = %v", err)
	}
	if _, err := r.Render("fn", `{{ $x := toupper .FullCommit }}`, fields); err == nil || !strings.Contains(err.Error(), "a function's result would be 40 bytes long: at most 32 are accepted") {
		t.Errorf("long function result: err = %v", err)
	}
	if _, err := r.Render("plain", strings.Repeat("x", 33), fields); err == nil {
		t.Error("plain text longer than the output limit accepted")
	}
	slow := Renderer{Limits: Limits{Timeout: time.Nanosecond}}
	time.Sleep(time.Millisecond)
	if _, err := slow.Render("slow", `{{ tolower .Tag }}`, fields); err == nil || !strings.Contains(err.Error(), "the template ran for more than 1ns") {
		t.Errorf("timeout: err = %v", err)
	}
}

func TestFuncs(t *testing.T) {
	got := Funcs()
	for _, want := range []string{"replace", "split", "time", "contains", "tolower", "toupper", "title", "trim", "trimprefix", "trimsuffix", "envOrDefault", "isEnvSet", "incpatch", "incminor", "incmajor", "englishJoin", "list", "map", "indexOrDefault", "eq", "printf"} {
		if !slices.Contains(got, want) {
			t.Errorf("Funcs() lacks %s", want)
		}
	}
	for name := range refused {
		if slices.Contains(got, name) {
			t.Errorf("Funcs() has refused %s", name)
		}
	}
	if !slices.IsSorted(got) {
		t.Error("Funcs() not sorted")
	}
}

func TestCheck(t *testing.T) {
	var r Renderer
	if err := r.Check("ok", "{{ .Os }}"); err != nil {
		t.Fatal(err)
	}
	if err := r.Check("bad", "{{ range .Env }}{{ end }}"); err == nil {
		t.Fatal("range accepted")
	}
}

// TestErrorsKeepValues: an error names the template, never a value the
// fields hold (an .Env entry may be a secret).
func TestErrorsKeepValues(t *testing.T) {
	fields := ctx.Fields().Merge(Fields{"Env": map[string]string{"TOKEN": "s3cr3t("}})
	for _, in := range []string{`{{ incpatch .Env.TOKEN }}`, `{{ filter "x" .Env.TOKEN }}`, `{{ .Env.TOKEN.Nope }}`, `{{ index .Env.TOKEN 99 }}`, `{{ printf "%d" .Env.TOKEN | len | toupper }}`} {
		_, err := Renderer{}.Render("t", in, fields)
		if err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("Render(%q): err = %v", in, err)
		}
	}
}
