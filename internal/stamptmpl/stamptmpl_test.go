package stamptmpl

import (
	"reflect"
	"testing"

	"dagger/go-build/internal/errtest"
)

var values = Values{
	Version:         "v1.2.3-4-gabc1234",
	Tag:             "v1.2.3",
	Commit:          "abc1234def5678abc1234def5678abc1234def56",
	ShortCommit:     "abc1234",
	CommitDate:      "2025-01-02T01:04:05Z",
	CommitTimestamp: "1735779845",
	Os:              "linux",
	Arch:            "arm64",
}

func TestParseAndExpand(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string  // expanded with values
		fields  []Field // used, in order
		wantErr string
	}{
		{name: "plain text", in: "-s -w", want: "-s -w"},
		{name: "empty", in: "", want: ""},
		{name: "goreleaser's default", in: "-X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.Date}}",
			want:   "-X main.version=1.2.3-4-gabc1234 -X main.commit=abc1234def5678abc1234def5678abc1234def56 -X main.date=2025-01-02T01:04:05Z",
			fields: []Field{Version, Commit, Date}},
		{name: "coredns", in: "-X github.com/coredns/coredns/coremain.GitCommit={{.ShortCommit}}",
			want: "-X github.com/coredns/coredns/coremain.GitCommit=abc1234", fields: []Field{ShortCommit}},
		{name: "spaces and trims", in: "v={{ .Tag }} t={{- .CommitTimestamp -}} .",
			want: "v=v1.2.3 t=1735779845.", fields: []Field{Tag, CommitTimestamp}},
		{name: "each field once", in: "{{.Os}}/{{.Arch}}/{{.Os}} {{.FullCommit}} {{.CommitDate}}",
			want: "linux/arm64/linux abc1234def5678abc1234def5678abc1234def56 2025-01-02T01:04:05Z", fields: []Field{Os, Arch, FullCommit, CommitDate}},
		{name: "unknown field", in: "-X main.v={{.Versoin}}", wantErr: "unknown field {{.Versoin}}; want one of {{.Version}}, {{.Tag}}"},
		{name: "goreleaser field go-build lacks", in: "{{.ProjectName}}", wantErr: "unknown field {{.ProjectName}}"},
		{name: "env is not a field here", in: "{{.Env.HOME}}", wantErr: "is not supported"},
		{name: "function", in: `{{ time "2006" }}`, wantErr: `function "time" not defined`},
		{name: "function in a pipeline", in: `{{ .Version | printf "%s" }}`, wantErr: `function "printf" not defined`},
		{name: "field with arguments", in: `{{.Tag .Version}}`, wantErr: "is not supported"},
		{name: "if", in: `{{if .Tag}}x{{end}}`, wantErr: "is not supported"},
		{name: "unclosed", in: `{{.Version`, wantErr: "unclosed action"},
		{name: "variable", in: `{{$x := .Tag}}`, wantErr: "is not supported"},
		{name: "define", in: `{{define "x"}}y{{end}}`, wantErr: "defines templates"},
		// Stamp templates expand fields alone, so their output is their
		// text plus the fields' values: nothing that loops is accepted.
		{name: "range", in: `-X main.v={{range .Tag}}{{.}}{{end}}`, wantErr: "is not supported: go-build expands fields alone"},
		{name: "nested ranges of the issue", in: `{{range split .Tag ""}}{{range split .Tag ""}}{{.}}{{end}}{{end}}`, wantErr: `function "split" not defined`},
		{name: "range over a variable", in: `{{$t := .Tag}}{{range $t}}{{range $t}}x{{end}}{{end}}`, wantErr: "is not supported"},
		{name: "template call", in: `{{template "stamp" .}}`, wantErr: "is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse(tt.in)
			errtest.Check(t, err, ErrTemplate, tt.wantErr)
			if err != nil {
				return
			}
			if got := tmpl.Expand(values); got != tt.want {
				t.Errorf("Expand() = %q, want %q", got, tt.want)
			}
			if got := tmpl.Fields(); !reflect.DeepEqual(got, tt.fields) {
				t.Errorf("Fields() = %v, want %v", got, tt.fields)
			}
			if tmpl.String() != tt.in {
				t.Errorf("String() = %q, want %q", tmpl.String(), tt.in)
			}
		})
	}
}

func TestUses(t *testing.T) {
	tests := []struct {
		in   string
		src  Source
		want bool
	}{
		{"{{.ShortCommit}}", FromCommit, true},
		{"{{.ShortCommit}}", FromCommitTime, false},
		{"{{.Date}}", FromCommitTime, true},
		{"{{.CommitTimestamp}}", FromCommitTime, true},
		{"{{.Version}}", FromVersion, true},
		{"{{.Tag}}", FromTag, true},
		{"{{.Os}}-{{.Arch}}", FromTarget, true},
		{"{{.Os}}-{{.Arch}}", FromCommit, false},
		{"plain", FromVersion, false},
	}
	for _, tt := range tests {
		tmpl, err := Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := tmpl.Uses(tt.src); got != tt.want {
			t.Errorf("Parse(%q).Uses(%v) = %v, want %v", tt.in, tt.src, got, tt.want)
		}
	}
}

// TestFields checks every field has a meaning and a value, and that Version
// loses exactly one leading v, as GoReleaser's does.
func TestFields(t *testing.T) {
	for _, f := range Fields() {
		if f.About() == "" {
			t.Errorf("field %s has no meaning", f)
		}
		if f.Value(values) == "" {
			t.Errorf("field %s has no value in %+v", f, values)
		}
	}
	if Field("Nope").About() != "" {
		t.Error("an unknown field has a meaning")
	}
	for in, want := range map[string]string{"v1.0.0": "1.0.0", "1.0.0": "1.0.0", "vv2": "v2", "": ""} {
		if got := Version.Value(Values{Version: in}); got != want {
			t.Errorf("Version of %q = %q, want %q", in, got, want)
		}
	}
}

func TestParts(t *testing.T) {
	tmpl, err := Parse("a={{.Tag}} b")
	if err != nil {
		t.Fatal(err)
	}
	want := []Part{{Text: "a="}, {Field: Tag}, {Text: " b"}}
	if got := tmpl.Parts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Parts() = %+v, want %+v", got, want)
	}
}
