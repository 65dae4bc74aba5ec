package buildopts

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/stamptmpl"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string // substring; "" means valid
	}{
		{name: "zero value builds every main package", opts: Options{}},
		{name: "patterns and tags", opts: Options{Packages: []string{"./cmd/app", "./..."}, Tags: []string{"netgo", "go1.22", "x_y"}}},
		{name: "cgo with target packages", opts: Options{Cgo: true, TargetPackages: []string{"libsqlite3-dev", "libstdc++-12-dev"}}},
		{name: "static without cgo is fine", opts: Options{Static: true}},
		{name: "empty package", opts: Options{Packages: []string{""}}, wantErr: `package ""`},
		{name: "package with space", opts: Options{Packages: []string{"./cmd/a ./cmd/b"}}, wantErr: `package "./cmd/a ./cmd/b"`},
		{name: "package that is a flag", opts: Options{Packages: []string{"-race"}}, wantErr: `package "-race": want a Go package pattern such as ./cmd/app or ./...: ASCII letters, digits and -._~+/, not starting with '-'`},
		{name: "package that is a flag with a value", opts: Options{Packages: []string{"-toolexec=/bin/sh"}}, wantErr: `package "-toolexec=/bin/sh"`},
		{name: "package with a newline", opts: Options{Packages: []string{"./cmd/a\n-race"}}, wantErr: `package "./cmd/a\n-race"`},
		{name: "package with shell", opts: Options{Packages: []string{"./cmd/$(id)"}}, wantErr: `package "./cmd/$(id)"`},
		{name: "package with a glob", opts: Options{Packages: []string{"./cmd/*"}}, wantErr: `package "./cmd/*"`},
		{name: "import paths and absolute", opts: Options{Packages: []string{"example.com/app/v2/cmd/x", "/src/cmd/app", "../other/...", "app_1.0+x~y"}}},
		{name: "tag with comma", opts: Options{Tags: []string{"a,b"}}, wantErr: `build tag "a,b"`},
		{name: "blank ldflags entry", opts: Options{Ldflags: []string{"  "}}, wantErr: "empty ldflags"},
		{name: "ldflags templates", opts: Options{Ldflags: []string{"-X a.B={{.ShortCommit}} -X a.C={{ .Os }}"}, Version: "{{.Tag}}-fips"}},
		{name: "unknown ldflags field", opts: Options{Ldflags: []string{"-X a.B={{.Commmit}}"}}, wantErr: "--ldflags: invalid stamp template \"-X a.B={{.Commmit}}\": unknown field {{.Commmit}}; want one of"},
		{name: "unknown version field", opts: Options{Version: "{{.Nope}}"}, wantErr: "--version: invalid stamp template"},
		{name: "version of the version", opts: Options{Version: "v{{.Version}}"}, wantErr: "{{.Version}} is the version itself"},
		{name: "version per target", opts: Options{Version: "{{.Tag}}-{{.Arch}}"}, wantErr: "{{.Arch}} differs per target"},
		{name: "bad target package", opts: Options{Cgo: true, TargetPackages: []string{"LibFoo"}}, wantErr: `target package "LibFoo"`},
		{name: "target package that is an option", opts: Options{Cgo: true, TargetPackages: []string{"--allow-unauthenticated"}}, wantErr: `target package "--allow-unauthenticated": want a Debian or Alpine package name`},
		{name: "target package with an arch", opts: Options{Cgo: true, TargetPackages: []string{"libfoo-dev:arm64"}}, wantErr: `target package "libfoo-dev:arm64"`},
		{name: "target package with shell", opts: Options{Cgo: true, TargetPackages: []string{"libfoo-dev;id"}}, wantErr: `target package "libfoo-dev;id"`},
		{name: "target package without cgo", opts: Options{TargetPackages: []string{"libsqlite3-dev"}}, wantErr: "need cgo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want ErrInvalidOption containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestLinkerFlags(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		stamp Stamp
		want  string
	}{
		{name: "reproducible by default", want: "-buildid="},
		{
			name:  "stamped",
			stamp: Stamp{Version: "v1.2.3-4-gabc", Revision: "abc123", Date: "2026-01-02T03:04:05Z"},
			want:  "-buildid= -X main.version=v1.2.3-4-gabc -X main.commit=abc123 -X main.date=2026-01-02T03:04:05Z",
		},
		{name: "value with a space is quoted", stamp: Stamp{Version: "dev build"}, want: "-buildid= -X 'main.version=dev build'"},
		{name: "value with a quote and a space", stamp: Stamp{Version: "it's dev"}, want: `-buildid= -X "main.version=it's dev"`},
		{name: "static cgo links externally", opts: Options{Cgo: true, Static: true}, want: "-buildid= -linkmode=external -extldflags=-static"},
		{name: "static pure Go needs nothing", opts: Options{Static: true}, want: "-buildid="},
		{name: "user flags last", opts: Options{Ldflags: []string{"-s", "-w"}}, want: "-buildid= -s -w"},
		{name: "stripped", opts: Options{Strip: true}, want: "-buildid= -s -w"},
		{
			name:  "stripped, stamped, static cgo and user flags",
			opts:  Options{Strip: true, Cgo: true, Static: true, Ldflags: []string{"-w=false"}},
			stamp: Stamp{Version: "v1"},
			want:  "-buildid= -X main.version=v1 -s -w -linkmode=external -extldflags=-static -w=false",
		},
		{
			name:  "templates expanded, the target's os and arch",
			opts:  Options{Cgo: true, Static: true, Ldflags: []string{"-X example.com/v.Commit={{.ShortCommit}}", "-X example.com/v.V={{.Version}}-{{.Os}}-{{.Arch}}"}},
			stamp: Stamp{Version: "v1.2.3", ShortRevision: "abc1234"},
			want:  "-buildid= -X main.version=v1.2.3 -linkmode=external -extldflags=-static -X example.com/v.Commit=abc1234 -X example.com/v.V=1.2.3-linux-arm64",
		},
		{
			name:  "stamp, then -s -w, then static, then the user's templates expanded",
			opts:  Options{Strip: true, Cgo: true, Static: true, Ldflags: []string{"-X example.com/v.C={{.ShortCommit}}-{{.Os}}"}},
			stamp: Stamp{Version: "v1", ShortRevision: "abc1234"},
			want:  "-buildid= -X main.version=v1 -s -w -linkmode=external -extldflags=-static -X example.com/v.C=abc1234-linux",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.opts.LinkerFlags(tt.stamp, "linux", "arm64"); got != tt.want {
				t.Fatalf("LinkerFlags() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBuildTags(t *testing.T) {
	tests := []struct {
		opts Options
		want []string
	}{
		{Options{}, []string{}},
		{Options{Tags: []string{"b", "a", "b"}}, []string{"a", "b"}},
		{Options{Cgo: true, Static: true, Tags: []string{"netgo"}}, []string{"netgo", "osusergo"}},
		{Options{Static: true}, []string{}},
	}
	for _, tt := range tests {
		if got := tt.opts.BuildTags(); !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("%+v.BuildTags() = %q, want %q", tt.opts, got, tt.want)
		}
	}
}

func TestGoBuild(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		packages []string
		vcs      bool
		want     string
	}{
		{
			name:     "one package",
			packages: []string{"example.com/app"},
			want:     "go build -trimpath -buildvcs=false -ldflags -buildid= -o /out/ -- example.com/app",
		},
		{
			name:     "tags, vcs and several packages",
			opts:     Options{Tags: []string{"sqlite"}},
			packages: []string{"example.com/a", "example.com/b"},
			vcs:      true,
			want:     "go build -trimpath -buildvcs=true -tags sqlite -ldflags -buildid= -o /out/ -- example.com/a example.com/b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(tt.opts.GoBuild("/out", tt.packages, Stamp{}, "linux", "amd64", tt.vcs), " ")
			if got != tt.want {
				t.Fatalf("GoBuild() =\n %s\nwant\n %s", got, tt.want)
			}
		})
	}
}

func TestListMainPackages(t *testing.T) {
	format := `{{if eq .Name "main"}}{{.ImportPath}}{{end}}`
	tests := []struct {
		opts Options
		want []string
	}{
		{Options{}, []string{"go", "list", "-f", format, "--", "./..."}},
		{Options{Packages: []string{"./cmd/a"}, Tags: []string{"x"}}, []string{"go", "list", "-tags", "x", "-f", format, "--", "./cmd/a"}},
	}
	for _, tt := range tests {
		if got := tt.opts.ListMainPackages(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ListMainPackages() = %q, want %q", got, tt.want)
		}
	}
}

func TestStampSourcesAndCheck(t *testing.T) {
	commitOnly := func(stamptmpl.Source) string { return "the reason" }
	tests := []struct {
		name    string
		opts    Options
		sources []stamptmpl.Source
		stamp   Stamp  // checked with CheckStamp
		wantErr string // from CheckStamp
	}{
		{name: "no templates", opts: Options{Ldflags: []string{"-s"}, Version: "v1"}},
		{name: "os and arch need nothing", opts: Options{Ldflags: []string{"-X a.B={{.Os}}/{{.Arch}}"}}},
		{name: "commit", opts: Options{Ldflags: []string{"-X a.B={{.ShortCommit}} -X a.C={{.Commit}}"}},
			sources: []stamptmpl.Source{stamptmpl.FromCommit},
			wantErr: `--ldflags "-X a.B={{.ShortCommit}} -X a.C={{.Commit}}": {{.ShortCommit}} (the abbreviated commit hash) is not known: the reason`},
		{name: "commit known", opts: Options{Ldflags: []string{"-X a.B={{.ShortCommit}}"}},
			sources: []stamptmpl.Source{stamptmpl.FromCommit}, stamp: Stamp{Revision: "abc", ShortRevision: "abc"}},
		{name: "version without --version needs git describe", opts: Options{Ldflags: []string{"{{.Version}} {{.Date}}"}},
			sources: []stamptmpl.Source{stamptmpl.FromVersion, stamptmpl.FromCommitTime}, wantErr: "{{.Version}} (the version without its leading v) is not known"},
		{name: "a set version's own fields", opts: Options{Ldflags: []string{"{{.Version}}"}, Version: "{{.Tag}}+{{.CommitTimestamp}}"},
			sources: []stamptmpl.Source{stamptmpl.FromTag, stamptmpl.FromCommitTime}, stamp: Stamp{Tag: "v1"},
			wantErr: `--version "{{.Tag}}+{{.CommitTimestamp}}": {{.CommitTimestamp}}`},
		{name: "a set plain version is known", opts: Options{Ldflags: []string{"{{.Version}}"}, Version: "v2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.opts.StampSources(); !reflect.DeepEqual(got, tt.sources) {
				t.Errorf("StampSources() = %v, want %v", got, tt.sources)
			}
			err := tt.opts.CheckStamp(tt.stamp, commitOnly)
			errtest.Check(t, err, ErrInvalidOption, tt.wantErr)
		})
	}
}

func TestStamp(t *testing.T) {
	git := GitStamp{Revision: "0123abcd", Short: "0123abc", Describe: "v1.2.3-4-g0123abc", Tag: "v1.2.3", Time: "1700000000", Date: "2023-11-14T22:13:20Z"}
	tests := []struct {
		name  string
		opts  Options
		git   GitStamp
		known Stamp
		want  Stamp
	}{
		{name: "git describe", git: git,
			want: Stamp{Version: "v1.2.3-4-g0123abc", Tag: "v1.2.3", Revision: "0123abcd", ShortRevision: "0123abc", Date: "2023-11-14T22:13:20Z", Time: "1700000000"}},
		{name: "version template", opts: Options{Version: "{{.Tag}}-fips.{{.ShortCommit}}"}, git: git,
			want: Stamp{Version: "v1.2.3-fips.0123abc", Tag: "v1.2.3", Revision: "0123abcd", ShortRevision: "0123abc", Date: "2023-11-14T22:13:20Z", Time: "1700000000"}},
		{name: "a module: known, no git", known: Stamp{Tag: "v1.11.3", Revision: "a7ed", ShortRevision: "a7e", Date: "d", Time: "1"},
			want: Stamp{Version: "v1.11.3", Tag: "v1.11.3", Revision: "a7ed", ShortRevision: "a7e", Date: "d", Time: "1"}},
		{name: "nothing", want: Stamp{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.opts.Stamp(tt.git, tt.known); got != tt.want {
				t.Fatalf("Stamp() = %+v, want %+v", got, tt.want)
			}
		})
	}
	out := "revision=0123abcd\nshort=0123abc\ndescribe=v1.2.3-4-g0123abc\ntag=v1.2.3\ntime=1700000000\ndate=2023-11-14T22:13:20Z\n"
	if got := ParseGitStamp(out); got != (GitStamp{Revision: "0123abcd", Short: "0123abc", Describe: "v1.2.3-4-g0123abc", Tag: "v1.2.3",
		Time: "1700000000", Date: "2023-11-14T22:13:20Z"}) {
		t.Fatalf("ParseGitStamp() = %+v", got)
	}
}
