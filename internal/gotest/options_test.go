package gotest

import (
	"slices"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/platform"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string // substring; "" means valid
	}{
		{name: "zero value tests the whole module", opts: Options{}},
		{name: "everything set", opts: Options{
			Packages: []string{"./...", "./internal/x"}, Run: "^TestA$/sub", Skip: "Slow", Short: true,
			Count: 3, Timeout: "90s", Tags: []string{"integration", "go1.22"}, Race: true, Args: []string{"-update"}, Cgo: true,
		}},
		{name: "timeout zero disables it", opts: Options{Timeout: "0"}},
		{name: "empty package", opts: Options{Packages: []string{""}}, wantErr: `package ""`},
		{name: "package that is a flag", opts: Options{Packages: []string{"-race"}}, wantErr: `package "-race"`},
		{name: "two packages in one", opts: Options{Packages: []string{"./a ./b"}}, wantErr: `package "./a ./b"`},
		{name: "bad run regexp", opts: Options{Run: "Test("}, wantErr: `run "Test("`},
		{name: "bad skip regexp", opts: Options{Skip: "[z-a]"}, wantErr: `skip "[z-a]"`},
		{name: "negative count", opts: Options{Count: -1}, wantErr: "count -1"},
		{name: "timeout without unit", opts: Options{Timeout: "10"}, wantErr: `timeout "10": want a Go duration`},
		{name: "timeout garbage", opts: Options{Timeout: "soon"}, wantErr: `timeout "soon"`},
		{name: "negative timeout", opts: Options{Timeout: "-1m"}, wantErr: `timeout "-1m": want a positive duration`},
		{name: "tag with comma", opts: Options{Tags: []string{"a,b"}}, wantErr: `build tag "a,b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errtest.Check(t, tt.opts.Validate(), ErrInvalidOption, tt.wantErr)
		})
	}
}

func TestCompileEnv(t *testing.T) {
	tests := []struct {
		opts   Options
		target string
		want   string
	}{
		{Options{}, "linux/arm/v7", "GOOS=linux GOARCH=arm GOARM=7 CGO_ENABLED=0"},
		{Options{Cgo: true}, "linux/arm64", "GOOS=linux GOARCH=arm64 CGO_ENABLED=1"},
		{Options{Race: true}, "linux/amd64", "GOOS=linux GOARCH=amd64 CGO_ENABLED=1"},
	}
	for _, tt := range tests {
		if got := strings.Join(tt.opts.CompileEnv(platform.MustParse(tt.target)), " "); got != tt.want {
			t.Errorf("%+v.CompileEnv(%s) = %q, want %q", tt.opts, tt.target, got, tt.want)
		}
	}
}

func TestRaceSupported(t *testing.T) {
	for _, p := range platform.Supported() {
		target := platform.MustParse(p)
		want := slices.Contains(racePlatforms, target.GOOS+"/"+target.GOARCH)
		if got := RaceSupported(target); got != want {
			t.Errorf("RaceSupported(%s) = %v, want %v", p, got, want)
		}
	}
	for p, want := range map[string]bool{
		"linux/amd64": true, "linux/amd64/v3": true, "linux/arm64": true, "linux/s390x": true, "linux/riscv64": true,
		"linux/loong64": true, "linux/ppc64le": true, "windows/amd64": true, "darwin/arm64": true, "freebsd/amd64": true,
		"linux/arm/v7": false, "linux/386": false, "linux/mips64le": false, "windows/arm64": false, "freebsd/arm64": false,
	} {
		if got := RaceSupported(platform.MustParse(p)); got != want {
			t.Errorf("RaceSupported(%s) = %v, want %v", p, got, want)
		}
	}
}

func TestCheckRace(t *testing.T) {
	tests := []struct {
		target, native string
		wantErr        string
	}{
		{"linux/amd64", "linux/amd64", ""},
		{"linux/amd64/v2", "linux/amd64", ""},
		{"linux/arm64", "linux/arm64", ""},
		{"linux/s390x", "linux/amd64", "--race on linux/s390x: the race detector runs only natively (the engine's platform is linux/amd64); drop --race or test linux/amd64 only"},
		{"linux/amd64", "linux/arm64", "--race on linux/amd64: the race detector runs only natively (the engine's platform is linux/arm64)"},
		{"linux/arm/v7", "linux/amd64", "--race on linux/arm/v7: Go's race detector supports only darwin/amd64,"},
		{"linux/386", "linux/386", "--race on linux/386: Go's race detector supports only"},
		{"windows/amd64", "linux/amd64", "--race on windows/amd64: the race detector runs only natively"},
	}
	for _, tt := range tests {
		t.Run(tt.target+" on "+tt.native, func(t *testing.T) {
			errtest.Check(t, CheckRace(platform.MustParse(tt.target), platform.MustParse(tt.native)), ErrRace, tt.wantErr)
		})
	}
}

func TestCheckRunnable(t *testing.T) {
	errtest.Check(t, CheckRunnable(platform.MustParse("linux/riscv64")), ErrNotRunnable, "")
	errtest.Check(t, CheckRunnable(platform.MustParse("windows/arm64")), ErrNotRunnable, "windows/arm64: test binaries run in Linux containers; test linux/arm64 instead")
}

func TestRunArgs(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{name: "defaults as go test", want: "/bin/p.test -test.v=test2json -test.paniconexit0 -test.timeout=10m0s"},
		{
			name: "every flag",
			opts: Options{Run: "^TestA$", Skip: "Slow|Flaky", Short: true, Count: 2, Timeout: "90s", Args: []string{"-update", "x y"}},
			want: "/bin/p.test -test.v=test2json -test.paniconexit0 -test.timeout=1m30s -test.run=^TestA$ -test.skip=Slow|Flaky -test.short -test.count=2 -update|x y",
		},
		{name: "no timeout", opts: Options{Timeout: "0"}, want: "/bin/p.test -test.v=test2json -test.paniconexit0 -test.timeout=0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.opts.RunArgs("/bin/p.test")
			got := strings.Join(args, " ")
			if n := len(tt.opts.Args); n > 0 {
				got = strings.Join(args[:len(args)-n], " ") + " " + strings.Join(args[len(args)-n:], "|")
			}
			if got != tt.want {
				t.Fatalf("RunArgs() =\n %s\nwant\n %s", got, tt.want)
			}
			shell := tt.opts.RunShellArgs("/bin/p.test")
			if !slices.Equal(shell[:3], []string{"sh", "-c", `exec "$0" "$@" 2>&1`}) || !slices.Equal(shell[3:], args) {
				t.Fatalf("RunShellArgs() = %q", shell)
			}
		})
	}
}

func TestUnionTags(t *testing.T) {
	tests := []struct {
		name        string
		build, test []string
		want        []string
	}{
		{"build tags first, each once", []string{"netgo", "integration"}, []string{"integration", "e2e"}, []string{"netgo", "integration", "e2e"}},
		{"none", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := UnionTags(tt.build, tt.test)
			if len(tt.want) == 0 {
				if len(got) != 0 {
					t.Fatalf("UnionTags(%v, %v) = %v", tt.build, tt.test, got)
				}
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("UnionTags = %v, want %v", got, tt.want)
			}
		})
	}
}
