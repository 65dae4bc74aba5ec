package gotest

import (
	"reflect"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/platform"
)

var runLayout = RunLayout{SrcRoot: "/src", BinDir: "/tmp/t/bin", ResultsDir: "/tmp/t/results"}

func TestPlanRun(t *testing.T) {
	opts := Options{Run: "TestX", Args: []string{"-update"}}
	bins := []Binary{
		{Package: "example.com/m", Dir: ".", File: "example.com_m.test"},
		{Package: "example.com/m/a/b", Dir: "a/b", File: "example.com_m_a_b.test"},
	}
	tests := []struct {
		target       string
		wantPlatform string
	}{
		{"linux/arm64", "linux/arm64"},
		{"linux/arm/v7", "linux/arm/v7"},
		{"linux/amd64/v3", "linux/amd64"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			target := platform.MustParse(tt.target)
			got, err := opts.PlanRun(target, "debian:trixie-slim", bins, runLayout)
			if err != nil {
				t.Fatal(err)
			}
			want := RunContainer{
				Platform: tt.wantPlatform,
				Image:    "debian:trixie-slim",
				// The source and the binaries, nothing else: no cache,
				// no secret, no environment.
				Mounts:     []RunMount{{"/src", MountSource}, {"/tmp/t/bin", MountBinaries}},
				Workdir:    "/src",
				Script:     opts.RunScript(bins, "/src", "/tmp/t/bin", "/tmp/t/results"),
				ResultsDir: "/tmp/t/results",
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("PlanRun:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// Each binary still runs in its package's directory of the mounted source.
func TestPlanRunPackageDirs(t *testing.T) {
	bins := []Binary{{Package: "example.com/m/a/b", Dir: "a/b", File: "x.test"}}
	got, err := Options{}.PlanRun(platform.MustParse("linux/s390x"), "busybox", bins, runLayout)
	if err != nil {
		t.Fatal(err)
	}
	if want := "(cd /src/a/b && exec /tmp/t/bin/x.test "; !strings.Contains(got.Script, want) {
		t.Errorf("script lacks %q:\n%s", want, got.Script)
	}
}

func TestPlanRunErrors(t *testing.T) {
	ok := []Binary{{Package: "example.com/m", Dir: ".", File: "m.test"}}
	tests := []struct {
		name    string
		image   string
		layout  RunLayout
		bins    []Binary
		wantErr string
	}{
		{"no image", "", runLayout, ok, "no run image for linux/arm64"},
		{"relative source root", "i", RunLayout{"src", "/bin", "/res"}, ok, `source root "src": want an absolute`},
		{"unclean binaries directory", "i", RunLayout{"/src", "/tmp/../bin", "/res"}, ok, `binaries directory "/tmp/../bin"`},
		{"root as results", "i", RunLayout{"/src", "/bin", "/"}, ok, `results directory "/"`},
		{"binaries inside the source", "i", RunLayout{"/src", "/src/bin", "/res"}, ok, "source root /src and binaries directory /src/bin overlap"},
		{"source inside the results", "i", RunLayout{"/r/src", "/bin", "/r"}, ok, "source root /r/src and results directory /r overlap"},
		{"results in the binaries", "i", RunLayout{"/src", "/bin", "/bin/res"}, ok, "binaries directory /bin and results directory /bin/res overlap"},
		{"package outside the source", "i", runLayout, []Binary{{Package: "p", Dir: "../etc", File: "p.test"}}, `package p: directory "../etc" is not inside the source root /src`},
		{"absolute package directory", "i", runLayout, []Binary{{Package: "p", Dir: "/etc", File: "p.test"}}, `directory "/etc"`},
		{"binary name with a slash", "i", runLayout, []Binary{{Package: "p", Dir: ".", File: "a/p.test"}}, `binary file name "a/p.test"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Options{}.PlanRun(platform.MustParse("linux/arm64"), tt.image, tt.bins, tt.layout)
			errtest.Check(t, err, ErrRunLayout, tt.wantErr)
		})
	}
}

func TestOverlaps(t *testing.T) {
	c, err := Options{}.PlanRun(platform.MustParse("linux/arm64"), "i", nil, runLayout)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		paths []string
		want  string
	}{
		{[]string{"/root/.netrc", "/run/go-build", "/go/pkg/mod", "/root/.cache/go-build"}, ""},
		{[]string{"/root/.netrc", "/src/.netrc"}, "/src/.netrc"},
		{[]string{"/tmp"}, "/tmp"},
		{[]string{"/tmp/t/results/x"}, "/tmp/t/results/x"},
		{[]string{"/srcx", "/tmp/t/bins"}, ""},
		{[]string{"/src/"}, "/src"},
	}
	for _, tt := range tests {
		if got := c.Overlaps(tt.paths); got != tt.want {
			t.Errorf("Overlaps(%q) = %q, want %q", tt.paths, got, tt.want)
		}
	}
}
