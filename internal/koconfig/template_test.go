package koconfig

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

var commit = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

var data = Data{
	Env:   map[string]string{"VERSION": "1.2.3"},
	GoEnv: map[string]string{"GOOS": "linux", "GOARCH": "amd64"},
	Git:   Git{Branch: "main", Tag: "v1.2.3", ShortCommit: "abc1234", FullCommit: "abc1234def", CommitDate: commit},
	Date:  commit,
}

func TestBoundedExecutor(t *testing.T) {
	tests := []struct {
		text, want, err string
	}{
		{text: "-X main.version={{.Env.VERSION}}", want: "-X main.version=1.2.3"},
		{text: "-X main.commit={{.Git.ShortCommit}} -X main.tag={{.Git.Tag}}", want: "-X main.commit=abc1234 -X main.tag=v1.2.3"},
		{text: "{{.Git.FullCommit}} {{.Git.Branch}} {{.Git.TreeState}} {{.Git.IsClean}} {{.Git.IsDirty}}", want: "abc1234def main clean true false"},
		{text: "{{.Date}} {{.Timestamp}} {{.Git.CommitDate}} {{.Git.CommitTimestamp}}", want: "2026-03-04T05:06:07Z 1772600767 2026-03-04T05:06:07Z 1772600767"},
		{text: "{{.GoEnv.GOARCH}}[{{.Env.LDFLAGS}}]", want: "amd64[]"},
		{text: `{{if .Git.IsDirty}}dirty{{else}}{{printf "%.7s" .Git.FullCommit}}{{end}}`, want: "abc1234"},
		{text: `{{index .Env "VERSION" | print}} {{html "<"}}`, want: "1.2.3 &lt;"},
		{text: "no template", want: "no template"},
		{text: "{{.Env.MISSING}}", err: `"{{.Env.MISSING}}": ko:1:6: executing "ko" at <.Env.MISSING>: map has no entry for key "MISSING"`},
		{text: "{{.Nope}}", err: `map has no entry for key "Nope"`},
		{text: "{{.Env.VERSION", err: `"{{.Env.VERSION": ko:1: unclosed action`},
		{text: "{{range .Env}}x{{end}}", err: "range is not accepted: a template here runs each action once (want fields such as {{.Env.VERSION}})"},
		{text: "{{range .Timestamp}}{{end}}", err: "range is not accepted"},
		{text: `{{define "x"}}a{{end}}{{template "x"}}`, err: "define and block are not accepted"},
		{text: `{{if true}}{{template "x"}}{{end}}`, err: `{{template "x"}} is not accepted`},
		{text: `{{with .Env}}{{else}}{{template "ko"}}{{end}}`, err: `{{template "ko"}} is not accepted`},
		{text: `{{printf "%099999999d" 1}}`, err: `printf "%099999999d": a width or precision passes 65536`},
		{text: `{{printf "%.*d" 99999999 1}}`, err: `printf "%.*d": a * width or precision is not accepted`},
		{text: `{{call .Env}}`, err: "function call is not accepted"},
		{text: `{{printf "%1000d%%" 1}}`, want: strings.Repeat(" ", 999) + "1%"},
		{text: `{{print (printf "%1024s" "") (printf "%1024s" "")}}`, want: strings.Repeat(" ", 2048)},
		{text: strings.Repeat(`{{printf "%1024s" ""}}`, 65), err: "the output would be 66560 bytes long: at most 65536 are accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.text[:min(len(tt.text), 40)], func(t *testing.T) {
			got, err := BoundedExecutor(tt.text, data.value())
			errtest.Check(t, err, ErrTemplate, tt.err)
			if got != tt.want {
				t.Errorf("BoundedExecutor(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestBoundedExecutorNestedGrowth: strings built by nesting functions are
// bounded before they are written.
func TestBoundedExecutorNestedGrowth(t *testing.T) {
	text := `{{printf "%1024s" ""}}`
	for range 5 {
		text = strings.Replace(`{{print (X) (X) (X) (X)}}`, "X", strings.Trim(text, "{}"), -1)
	}
	_, err := BoundedExecutor(text, data.value())
	errtest.Check(t, err, ErrTemplate, "the result of print would be 262144 bytes long: at most 65536 are accepted")
}

func TestInvocation(t *testing.T) {
	c := &Config{File: ".ko.yaml", DefaultEnv: []string{"D=1"}, DefaultFlags: []string{"-v"}, DefaultLdflags: []string{"-s", "-X main.v={{.Env.VERSION}}"}}
	base := []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}
	tests := []struct {
		name string
		cfg  *Config
		b    Build
		want Invocation
		args []string
		err  string
	}{
		{
			name: "defaults alone",
			cfg:  c,
			want: Invocation{Env: []string{"D=1"}, Flags: []string{"-v"}, Ldflags: []string{"-s", "-X main.v=1.2.3"}},
			args: []string{"-v", "-ldflags=-s -X main.v=1.2.3"},
		},
		{
			name: "a build's lists replace the defaults; its env reaches the templates, over the base env",
			cfg:  c,
			b:    Build{ID: "app", Env: []string{"VERSION=9", "GOARCH=riscv64"}, Flags: []string{"-tags", "{{.GoEnv.GOARCH}}"}, Ldflags: []string{"-X main.c={{.Git.ShortCommit}}-{{.Env.VERSION}}"}},
			want: Invocation{Env: []string{"VERSION=9", "GOARCH=riscv64"}, Flags: []string{"-tags", "riscv64"}, Ldflags: []string{"-X main.c=abc1234-9"}},
			args: []string{"-tags", "riscv64", "-ldflags=-X main.c=abc1234-9"},
		},
		{
			name: "nothing",
			cfg:  &Config{},
			want: Invocation{Flags: []string{}, Ldflags: []string{}},
			args: nil,
		},
		{name: "template error names the build", cfg: c, b: Build{ID: "app", Ldflags: []string{"{{.Env.NOPE}}"}}, err: `.ko.yaml: builds entry app: ldflags: invalid ko template: template refused: ko "{{.Env.NOPE}}": ko:1:6: executing "ko" at <.Env.NOPE>: map has no entry for key "NOPE"`},
		{name: "toolexec refused", cfg: c, b: Build{ID: "app", Flags: []string{"--toolexec=/bin/sh"}}, err: `.ko.yaml: builds entry app: flag "--toolexec=/bin/sh" is refused`},
		{name: "toolexec in defaults", cfg: &Config{File: ".ko.yaml", DefaultFlags: []string{"-toolexec"}}, err: `.ko.yaml: defaults: flag "-toolexec" is refused`},
		{name: "env without =", cfg: c, b: Build{ID: "app", Env: []string{"NOPE"}}, err: `builds entry app: env entry "NOPE" has no '='`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cfg.Invocation(tt.b, base, data, nil)
			if tt.err != "" {
				errtest.Check(t, err, nil, tt.err)
				return
			}
			errtest.Check(t, err, nil, "")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Invocation = %#v, want %#v", got, tt.want)
			}
			if a := got.Args(); !reflect.DeepEqual(a, tt.args) {
				t.Errorf("Args = %q, want %q", a, tt.args)
			}
		})
	}
}

// TestInvocationExecutorIsSwappable: every template goes through the
// executor given.
func TestInvocationExecutorIsSwappable(t *testing.T) {
	var seen []string
	upper := func(text string, _ any) (string, error) {
		seen = append(seen, text)
		return strings.ToUpper(text), nil
	}
	c := &Config{DefaultFlags: []string{"-tags", "x"}, DefaultLdflags: []string{"-s {{.A}}"}}
	got, err := c.Invocation(Build{}, nil, Data{}, upper)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"-TAGS", "X", "-ldflags=-S {{.A}}"}; !reflect.DeepEqual(got.Args(), want) {
		t.Errorf("Args = %q, want %q", got.Args(), want)
	}
	if want := []string{"-tags", "x", "-s {{.A}}"}; !reflect.DeepEqual(seen, want) {
		t.Errorf("executor saw %q, want %q", seen, want)
	}
}
