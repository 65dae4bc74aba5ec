package buildopts

import (
	"errors"
	"reflect"
	"strings"
	"testing"
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
		{name: "package that is a flag", opts: Options{Packages: []string{"-race"}}, wantErr: `package "-race"`},
		{name: "tag with comma", opts: Options{Tags: []string{"a,b"}}, wantErr: `build tag "a,b"`},
		{name: "blank ldflags entry", opts: Options{Ldflags: []string{"  "}}, wantErr: "empty ldflags"},
		{name: "bad target package", opts: Options{Cgo: true, TargetPackages: []string{"LibFoo"}}, wantErr: `target package "LibFoo"`},
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.opts.LinkerFlags(tt.stamp); got != tt.want {
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
			want:     "go build -trimpath -buildvcs=false -ldflags -buildid= -o /out/ example.com/app",
		},
		{
			name:     "tags, vcs and several packages",
			opts:     Options{Tags: []string{"sqlite"}},
			packages: []string{"example.com/a", "example.com/b"},
			vcs:      true,
			want:     "go build -trimpath -buildvcs=true -tags sqlite -ldflags -buildid= -o /out/ example.com/a example.com/b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(tt.opts.GoBuild("/out", tt.packages, Stamp{}, tt.vcs), " ")
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
		{Options{}, []string{"go", "list", "-f", format, "./..."}},
		{Options{Packages: []string{"./cmd/a"}, Tags: []string{"x"}}, []string{"go", "list", "-tags", "x", "-f", format, "./cmd/a"}},
	}
	for _, tt := range tests {
		if got := tt.opts.ListMainPackages(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ListMainPackages() = %q, want %q", got, tt.want)
		}
	}
}
