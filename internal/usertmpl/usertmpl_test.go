package usertmpl

import (
	"strings"
	"testing"
	"text/template"
	"time"

	"dagger/go-build/internal/errtest"
)

var data = map[string]string{"ProjectName": "app", "Os": "linux", "Arch": "amd64", "Arm": ""}

// doubling is a template of at most 205 bytes that, run without bounds,
// makes a string of n bytes n*n+2n long with every replace (from "app": 15,
// 255, 65535 bytes, then 4 GiB).
func doubling(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{{$a:=.ProjectName}}`)
	for b.Len()+len(`{{$a = replace $a "" $a}}`)+len(`{{$a}}`) <= 205 {
		b.WriteString(`{{$a = replace $a "" $a}}`)
	}
	b.WriteString(`{{$a}}`)
	if b.Len() > 205 {
		t.Fatalf("the doubling template is %d bytes", b.Len())
	}
	return b.String()
}

// ranging is the 205-byte template of the issue: ranges over a long list
// nested in each other, which text/template runs for every element.
func ranging() string {
	long := `(split (replace (replace .ProjectName "" .ProjectName) "" .ProjectName) "")`
	s := `{{range ` + long + `}}{{range ` + long + `}}{{.}}{{end}}{{end}}`
	return s + strings.Repeat("x", 205-len(s))
}

func TestExecute(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"fields", `{{ .ProjectName }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}`, "app_linux_amd64"},
		{"if else", `{{ if eq .Arch "amd64" }}x86_64{{ else }}{{ .Arch }}{{ end }}`, "x86_64"},
		{"functions", `{{ title .Os }}-{{ toupper .ProjectName }}-{{ replace .Arch "amd" "x" }}-{{ trimprefix .Os "li" }}`, "Linux-APP-x64-nux"},
		{"split and index", `{{ index (split "a-b-c" "-") 1 }}{{ len (split .Os "") }}`, "b5"},
		{"variables", `{{ $a := .Os }}{{ $a = replace $a "l" "L" }}{{ $a }}`, "Linux"},
		{"comment", `{{/* a comment */}}{{ .Os }}`, "linux"},
		{"builtins", `{{ if and (ne .Os "darwin") (not (eq .Arch "arm")) }}{{ slice .Os 0 3 }}{{ end }}`, "lin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse("name template", tt.text, NameLimits, Names)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tmpl.Execute(data)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"range of the issue", ranging(), "range is not accepted"},
		{"range over a field", `{{ range .Os }}x{{ end }}`, "range is not accepted"},
		{"range with break", `{{ range .Os }}{{ break }}{{ end }}`, "range is not accepted"},
		{"range in else", `{{ if .Os }}{{ else }}{{ range .Os }}{{ end }}{{ end }}`, "range is not accepted"},
		{"range in a pipeline's with", `{{ with .Os }}{{ range . }}{{ end }}{{ end }}`, "range is not accepted"},
		{"define", `{{ define "x" }}a{{ end }}{{ .Os }}`, "define and block are not accepted"},
		{"block", `{{ block "x" . }}a{{ end }}`, "define and block are not accepted"},
		{"template call", `{{ template "name template" . }}`, `{{template "name template"}} is not accepted`},
		{"printf with a width", `{{ printf "%0999999999d" 1 }}`, "function printf is not accepted (its output is not bounded); accepted: and, contains, eq, ge, gt, index, le, len, lt, ne, not, or, replace, slice, split, title, tolower, toupper, trim, trimprefix, trimsuffix"},
		{"print", `{{ print .Os .Os }}`, "function print is not accepted"},
		{"js doubles backslashes", `{{ js (js (js .Os)) }}`, "function js is not accepted"},
		{"html", `{{ html .Os }}`, "function html is not accepted"},
		{"urlquery", `{{ urlquery .Os }}`, "function urlquery is not accepted"},
		{"call", `{{ call .Os }}`, "function call is not accepted"},
		{"function in a condition", `{{ if printf "%d" 1 }}x{{ end }}`, "function printf is not accepted"},
		{"function in a parenthesized argument", `{{ toupper (println .Os) }}`, "function println is not accepted"},
		{"does not parse", `{{ .Os `, `name template "{{ .Os ": name template:1: unclosed action`},
		{"unknown function", `{{ env "HOME" }}`, `function "env" not defined`},
		{"too long", strings.Repeat("x", 4097), "name template is 4097 bytes long: at most 4096 are accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("name template", tt.text, NameLimits, Names)
			errtest.Check(t, err, ErrTemplate, tt.want)
		})
	}
}

func TestExecuteBounds(t *testing.T) {
	tests := []struct {
		name, text string
		limits     Limits
		want       string
	}{
		{"205 bytes doubling a string", doubling(t), NameLimits, "the result of replace would be 65535 bytes long: at most 4096 are accepted"},
		{"replace inserting a long string", `{{ replace (replace .Os "" "0123456789012345678901234567890123456789") "" "0123456789012345678901234567890123456789" }}`, NameLimits,
			"the result of replace would be 10085 bytes long: at most 4096 are accepted"},
		{"output past the limit", strings.Repeat("x", 90) + `{{ .ProjectName }}{{ .Os }}{{ .Arch }}`, Limits{MaxText: 4096, MaxOutput: 100, Timeout: time.Second},
			"the output would be 103 bytes long: at most 100 are accepted"},
		{"toupper of a long string", `{{ toupper (replace (replace .Os "" .Os) "" .Os) }}`, Limits{MaxText: 4096, MaxOutput: 500, Timeout: time.Second},
			"the result of toupper would be 860 bytes long: at most 500 are accepted"},
		{"out of time", `{{ toupper .Os }}`, Limits{MaxText: 4096, MaxOutput: 4096, Timeout: -time.Second}, "the template ran for more than -1s"},
		{"out of time writing", `text`, Limits{MaxText: 4096, MaxOutput: 4096, Timeout: -time.Second}, "the template ran for more than -1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse("name template", tt.text, tt.limits, Names)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tmpl.Execute(data)
			errtest.Check(t, err, ErrTemplate, tt.want)
			if got != "" {
				t.Errorf("a cut run returned %d bytes", len(got))
			}
		})
	}
}

func TestExecuteMissingField(t *testing.T) {
	tmpl, err := Parse("name template", `{{ .Commit }}`, NameLimits, Names)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tmpl.Execute(data)
	errtest.Check(t, err, ErrTemplate, `map has no entry for key "Commit"`)
}

func TestTitle(t *testing.T) {
	for in, want := range map[string]string{
		"linux": "Linux", "darwin_arm64": "Darwin_Arm64", "HELLO world": "Hello World", "": "", "x86_64": "X86_64",
	} {
		if got := Title(in); got != want {
			t.Errorf("Title(%q) = %q, want %q", in, got, want)
		}
	}
}

// lang is a Lang with the printing builtins, one refused function and one
// of its own, as internal/grtmpl and internal/koconfig make theirs.
var lang = Lang{
	Funcs: func(r *Run) template.FuncMap {
		m := BoundedPrinting(r)
		m["twice"] = func(s string) (string, error) {
			if err := r.Size("the result of twice", 2*len(s)); err != nil {
				return "", err
			}
			return s + s, nil
		}
		return m
	},
	Refused:  map[string]string{"readFile": "reads a file while the template runs"},
	LoopHint: "use index",
}

func TestLang(t *testing.T) {
	tests := []struct {
		name, text, want, wantErr string
		limits                    Limits
	}{
		{name: "printf", text: `{{ printf "%s-%05d" .Os 7 }}`, want: "linux-00007"},
		{name: "print and escapes", text: `{{ print .Os 1 }} {{ html "<a>" }} {{ js "'" }} {{ urlquery "a b" }}`, want: `linux1 &lt;a&gt; \' a+b`},
		{name: "own function", text: `{{ twice .Arch }}`, want: "amd64amd64"},
		{name: "refused with its reason", text: `{{ readFile "/etc/passwd" }}`, wantErr: "function readFile is not run by go-build: it reads a file while the template runs"},
		{name: "range with the hint", text: `{{ range .Os }}{{ end }}`, wantErr: "range is not accepted: a template here runs each action once (use index)"},
		{name: "call still refused", text: `{{ call .Os }}`, wantErr: "function call is not accepted (its output is not bounded); accepted: and, eq, ge, gt, html, index, js, le, len, lt, ne, not, or, print, printf, println, slice, twice, urlquery"},
		{name: "printf width", text: `{{ printf "%0999999999d" 1 }}`, wantErr: `printf "%0999999999d": a width or precision passes 4096`},
		{name: "printf star", text: `{{ printf "%*d" 5 1 }}`, wantErr: `printf "%*d": a * width or precision is not accepted`},
		// Each js doubles the backslashes: 2, 4, ... 4096, then 8192.
		{name: "js doubling", text: "{{ " + strings.Repeat("js (", 12) + `"\\\\"` + strings.Repeat(")", 12) + " }}", wantErr: "the result of js would be 8192 bytes long: at most 4096"},
		{name: "own function doubling", text: `{{ twice (twice (twice (twice (twice (twice (twice (twice (twice (twice .Os))))))))) }}`, wantErr: "the result of twice would be 5120 bytes long: at most 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse("a template", tt.text, NameLimits, lang)
			if err == nil {
				var got string
				got, err = tmpl.Execute(data)
				if err == nil && got != tt.want {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			}
			errtest.Check(t, err, ErrTemplate, tt.wantErr)
		})
	}
}
