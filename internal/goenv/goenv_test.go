package goenv

import (
	"reflect"
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []Var
		wantErr string
	}{
		{name: "none", in: nil},
		{name: "boringcrypto and fips", in: []string{"GOEXPERIMENT=boringcrypto", "GOFIPS140=v1.0.0"},
			want: []Var{{"GOEXPERIMENT", "boringcrypto"}, {"GOFIPS140", "v1.0.0"}}},
		{name: "value with = and commas", in: []string{"GODEBUG=http2client=0,tlsrsakex=1"}, want: []Var{{"GODEBUG", "http2client=0,tlsrsakex=1"}}},
		{name: "goflags additions", in: []string{"GOFLAGS=-mod=mod -gcflags=all=-N"}, want: []Var{{"GOFLAGS", "-mod=mod -gcflags=all=-N"}}},
		{name: "no =", in: []string{"GOEXPERIMENT"}, wantErr: `"GOEXPERIMENT": want NAME=value`},
		{name: "lower case", in: []string{"goexperiment=boringcrypto"}, wantErr: `"goexperiment" is not an environment variable name`},
		{name: "junk name", in: []string{"GO EXPERIMENT=x"}, wantErr: `"GO EXPERIMENT" is not an environment variable name`},
		{name: "empty name", in: []string{"=x"}, wantErr: `"" is not an environment variable name`},
		{name: "empty value", in: []string{"GOEXPERIMENT="}, wantErr: "empty value"},
		{name: "line break", in: []string{"GODEBUG=a\nb"}, wantErr: "line break"},
		{name: "target", in: []string{"GOARCH=arm64"}, wantErr: "GOARCH is set by go-build, not by --go-env: go-build sets it from the target platform: choose it with --arch"},
		{name: "target variant", in: []string{"GOAMD64=v3"}, wantErr: "GOAMD64 is set by go-build"},
		{name: "goarm", in: []string{"GOARM=6"}, wantErr: "GOARM is set by go-build"},
		{name: "mips", in: []string{"GOMIPS=softfloat"}, wantErr: "GOMIPS is set by go-build"},
		{name: "cgo", in: []string{"CGO_ENABLED=1"}, wantErr: "from --cgo"},
		{name: "cc", in: []string{"CC=gcc"}, wantErr: "CC is set by go-build"},
		{name: "cgo flags", in: []string{"CGO_CFLAGS=-O3"}, wantErr: "CGO_CFLAGS is set by go-build, not by --go-env: go-build sets the cgo flags"},
		{name: "toolchain", in: []string{"GOTOOLCHAIN=go1.25.0"}, wantErr: "--go-version"},
		{name: "cache", in: []string{"GOCACHE=/tmp/c"}, wantErr: "cache volumes"},
		{name: "proxy", in: []string{"GOPROXY=https://u:p@proxy.example"}, wantErr: "GOPROXY is set by go-build"},
		{name: "sumdb off", in: []string{"GOSUMDB=off"}, wantErr: "use --goprivate, --goproxy"},
		{name: "not go's", in: []string{"HTTPS_PROXY=http://p"}, wantErr: "HTTPS_PROXY is not a Go environment variable"},
		{name: "twice", in: []string{"GOEXPERIMENT=a", "GOEXPERIMENT=b"}, wantErr: "GOEXPERIMENT is given twice"},
		{name: "goflags not a flag", in: []string{"GOFLAGS=mod=mod"}, wantErr: `"mod=mod" is not a flag`},
		{name: "goflags ldflags", in: []string{"GOFLAGS=-ldflags=-s"}, wantErr: "-ldflags is go-build's own flag: use --ldflags"},
		{name: "goflags double dash tags", in: []string{"GOFLAGS=--tags=x"}, wantErr: "-tags is go-build's own flag: use --tags"},
		{name: "goflags trimpath", in: []string{"GOFLAGS=-mod=mod -trimpath=false"}, wantErr: "-trimpath"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			errtest.Check(t, err, ErrGoEnv, tt.wantErr)
			if err == nil && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGoFlags(t *testing.T) {
	tests := []struct {
		vars []Var
		want string
	}{
		{nil, "-modcacherw"},
		{[]Var{{"GOEXPERIMENT", "boringcrypto"}}, "-modcacherw"},
		{[]Var{{"GOFLAGS", "-mod=mod -gcflags=all=-N"}}, "-modcacherw -mod=mod -gcflags=all=-N"},
	}
	for _, tt := range tests {
		if got := GoFlags("-modcacherw", tt.vars); got != tt.want {
			t.Errorf("GoFlags(%v) = %q, want %q", tt.vars, got, tt.want)
		}
	}
	if got := (Var{"GOFIPS140", "v1.0.0"}).String(); got != "GOFIPS140=v1.0.0" {
		t.Errorf("String() = %q", got)
	}
}

func TestCheckExperiments(t *testing.T) {
	boring := []Var{{"GOEXPERIMENT", "boringcrypto"}}
	tests := []struct {
		name         string
		vars         []Var
		cgo          bool
		goos, goarch string
		wantErr      string
	}{
		{name: "none", vars: nil},
		{name: "boring with cgo on arm64", vars: boring, cgo: true, goos: "linux", goarch: "arm64"},
		{name: "boring with cgo, any target yet", vars: boring, cgo: true},
		{name: "another experiment without cgo", vars: []Var{{"GOEXPERIMENT", "jsonv2"}}},
		{name: "boring without cgo", vars: boring, wantErr: "add --cgo"},
		{name: "boring among others without cgo", vars: []Var{{"GOEXPERIMENT", "jsonv2,boringcrypto"}}, wantErr: "add --cgo"},
		{name: "boring on armv7", vars: boring, cgo: true, goos: "linux", goarch: "arm", wantErr: "not linux/arm"},
		{name: "boring on s390x", vars: boring, cgo: true, goos: "linux", goarch: "s390x", wantErr: "linux/amd64 and linux/arm64 only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errtest.Check(t, CheckExperiments(tt.vars, tt.cgo, tt.goos, tt.goarch), ErrGoEnv, tt.wantErr)
		})
	}
}
