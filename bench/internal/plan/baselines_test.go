package plan

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestGoEnv(t *testing.T) {
	tests := []struct {
		platform string
		want     []string
		err      bool
	}{
		{"linux/arm64", []string{"GOOS=linux", "GOARCH=arm64"}, false},
		{"linux/amd64", []string{"GOOS=linux", "GOARCH=amd64"}, false},
		{"linux/arm/v7", []string{"GOOS=linux", "GOARCH=arm", "GOARM=7"}, false},
		{"linux/amd64/v3", []string{"GOOS=linux", "GOARCH=amd64", "GOAMD64=v3"}, false},
		{"linux/arm64/v8", []string{"GOOS=linux", "GOARCH=arm64"}, false},
		{"windows/amd64", []string{"GOOS=windows", "GOARCH=amd64"}, false},
		{"arm64", nil, true},
		{"linux/", nil, true},
		{"linux/s390x/v2", nil, true},
		{"linux/arm/v7/x", nil, true},
	}
	for _, tt := range tests {
		got, err := GoEnv(tt.platform)
		if (err != nil) != tt.err {
			t.Errorf("GoEnv(%q) error = %v, want error %v", tt.platform, err, tt.err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("GoEnv(%q) = %q, want %q", tt.platform, got, tt.want)
		}
	}
	// Every platform the baselines target has an environment.
	for _, p := range slices.Concat(ImagePlatforms, TestPlatforms, ReleasePlatforms, []string{Foreign("linux/amd64"), Foreign("linux/arm64")}) {
		if _, err := GoEnv(p); err != nil {
			t.Errorf("GoEnv(%q): %v", p, err)
		}
	}
}

func TestPipelineBuild(t *testing.T) {
	got := PipelineBuild([]string{"."}, "/out")
	want := []string{"go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-buildid=", "-o", "/out/", "."}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PipelineBuild = %q, want %q", got, want)
	}
	if got := PipelineBuild(nil, "/out/"); got[len(got)-1] != "./..." || got[len(got)-2] != "/out/" {
		t.Errorf("PipelineBuild without packages = %q, want every package into /out/", got)
	}
	// Unstripped, like go-build with strip NONE: no -s or -w.
	for _, a := range PipelineBuild([]string{"./cmd/x", "./cmd/y"}, "/out") {
		if a == "-s" || a == "-w" || strings.HasPrefix(a, "-ldflags=") && a != "-ldflags=-buildid=" {
			t.Errorf("PipelineBuild strips or changes the linker flags: %q", a)
		}
	}
}

func TestTools(t *testing.T) {
	if got := ToolInstall("github.com/google/ko", "v0.18.0"); got != "github.com/google/ko@v0.18.0" {
		t.Errorf("ToolInstall = %q", got)
	}
	for in, want := range map[string]string{
		"github.com/google/ko":                "ko",
		"github.com/goreleaser/goreleaser/v2": "goreleaser",
		"example.com/tool/":                   "tool",
		"v2":                                  "v2",
	} {
		if got := ToolBinary(in); got != want {
			t.Errorf("ToolBinary(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKoBuild(t *testing.T) {
	got, err := KoBuild(ImagePlatforms, []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ko", "build", "--platform=linux/amd64,linux/arm64,linux/ppc64le,linux/s390x",
		"--insecure-registry", "--push", "--bare", "."}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("KoBuild = %q, want %q", got, want)
	}
	got, err = KoBuild([]string{"linux/amd64"}, []string{"./cmd/a", "./cmd/b"})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(got, "--bare") || !slices.Contains(got, "--base-import-paths") {
		t.Errorf("KoBuild of two packages = %q: two images cannot share the bare repository", got)
	}
	if _, err := KoBuild(nil, []string{"."}); err == nil {
		t.Error("KoBuild without platforms: no error")
	}
	if _, err := KoBuild(ImagePlatforms, nil); err == nil {
		t.Error("KoBuild without packages: no error")
	}
	if KoRepo() != "registry:5000/ko" || KoBase("base:latest") != "registry:5000/base:latest" {
		t.Errorf("KoRepo() = %q, KoBase = %q", KoRepo(), KoBase("base:latest"))
	}
}

// goreleaserFile is the part of .goreleaser.yaml the config sets.
type goreleaserFile struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		ID     string   `yaml:"id"`
		Main   string   `yaml:"main"`
		Binary string   `yaml:"binary"`
		Env    []string `yaml:"env"`
		Flags  []string `yaml:"flags"`
		Goos   []string `yaml:"goos"`
		Goarch []string `yaml:"goarch"`
		Goarm  []string `yaml:"goarm"`
		Ignore []struct {
			Goos   string `yaml:"goos"`
			Goarch string `yaml:"goarch"`
			Goarm  string `yaml:"goarm"`
		} `yaml:"ignore"`
	} `yaml:"builds"`
}

// targets expands a build's matrix as GoReleaser does, less the ignored
// combinations, into platform strings.
func (f goreleaserFile) targets(build int) []string {
	b := f.Builds[build]
	ignored := func(os, arch, arm string) bool {
		for _, ig := range b.Ignore {
			if ig.Goos == os && ig.Goarch == arch && (ig.Goarm == "" || ig.Goarm == arm) {
				return true
			}
		}
		return false
	}
	var out []string
	for _, os := range b.Goos {
		for _, arch := range b.Goarch {
			if arch != "arm" {
				if !ignored(os, arch, "") {
					out = append(out, os+"/"+arch)
				}
				continue
			}
			for _, arm := range b.Goarm {
				if !ignored(os, arch, arm) {
					out = append(out, os+"/arm/v"+arm)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestGoreleaserConfig(t *testing.T) {
	text, err := GoreleaserConfig("hey", []string{"."}, ReleasePlatforms)
	if err != nil {
		t.Fatal(err)
	}
	var f goreleaserFile
	if err := yaml.Unmarshal([]byte(text), &f); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, text)
	}
	if f.Version != 2 || f.ProjectName != "hey" || len(f.Builds) != 1 {
		t.Fatalf("config = %+v", f)
	}
	b := f.Builds[0]
	if b.Main != "." || b.Binary != "hey" || !slices.Equal(b.Env, []string{"CGO_ENABLED=0"}) || !slices.Equal(b.Flags, []string{"-trimpath"}) {
		t.Errorf("build = %+v", b)
	}
	want := slices.Clone(ReleasePlatforms)
	slices.Sort(want)
	if got := f.targets(0); !slices.Equal(got, want) {
		t.Errorf("the matrix builds %q, want exactly %q\n%s", got, want, text)
	}
	// goarm stays a string: 7, not the number 7.
	if !strings.Contains(text, `- "7"`) {
		t.Errorf("goarm is not quoted:\n%s", text)
	}

	// Two mains: one build each, binaries named after their directories.
	text, err = GoreleaserConfig("tools", []string{"./cmd/a", "cmd/b/"}, []string{"linux/amd64", "linux/arm/v6", "linux/arm/v7"})
	if err != nil {
		t.Fatal(err)
	}
	f = goreleaserFile{}
	if err := yaml.Unmarshal([]byte(text), &f); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, text)
	}
	if len(f.Builds) != 2 || f.Builds[0].Binary != "a" || f.Builds[1].Binary != "b" || f.Builds[0].ID == f.Builds[1].ID {
		t.Fatalf("builds = %+v", f.Builds)
	}
	if got, want := f.targets(1), []string{"linux/amd64", "linux/arm/v6", "linux/arm/v7"}; !slices.Equal(got, want) {
		t.Errorf("the matrix builds %q, want %q", got, want)
	}

	for _, bad := range [][]string{nil, {"linux"}, {"linux/arm"}, {"linux/amd64/v3"}} {
		if _, err := GoreleaserConfig("p", []string{"."}, bad); err == nil {
			t.Errorf("GoreleaserConfig(%q): no error", bad)
		}
	}
	if _, err := GoreleaserConfig("p", nil, ReleasePlatforms); err == nil {
		t.Error("GoreleaserConfig without mains: no error")
	}
}

func TestGitSnapshotAndGoreleaserBuild(t *testing.T) {
	s := GitSnapshot()
	for _, part := range []string{"git init", "git add -A", "commit"} {
		if !strings.Contains(s, part) {
			t.Errorf("GitSnapshot() = %q lacks %q", s, part)
		}
	}
	if got := strings.Join(GoreleaserBuild(), " "); got != "goreleaser build --snapshot --clean --config .goreleaser.bench.yaml" {
		t.Errorf("GoreleaserBuild() = %q", got)
	}
}

func TestTestsRan(t *testing.T) {
	table := "PLATFORM     PASSED  FAILED  NO TESTS  WALL\nlinux/s390x       0       1         0  3.2s\n"
	tests := []struct {
		name string
		err  string
		want bool
	}{
		{"a test failed", "input: goBuild.test: tests failed: linux/s390x: gopkg.in/yaml.v3: TestX\n\n== linux/s390x\n--- FAIL: TestX\nFAIL\tgopkg.in/yaml.v3\t3.1s\nFAIL\n" + table, true},
		{"a package did not compile", "tests failed: linux/s390x: example.com/m: build failed\n\nFAIL\texample.com/m [build failed]\nFAIL\n" + table, false},
		{"no report", "pulling golang:1.26-bookworm for linux/s390x: not found", false},
		{"compile of every package failed", "compiling the linux/arm64 test binaries failed (exit code 1): none compiled", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if got := TestsRan(tt.err); got != tt.want {
			t.Errorf("%s: TestsRan = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCompleteGoSum(t *testing.T) {
	tests := []struct {
		packages []string
		want     string
	}{
		{[]string{"."}, `go list -test -deps '.' >/dev/null 2>&1 || go mod tidy`},
		{nil, `go list -test -deps ./... >/dev/null 2>&1 || go mod tidy`},
		{[]string{"./a", "it's"}, `go list -test -deps './a' 'it'\''s' >/dev/null 2>&1 || go mod tidy`},
	}
	for _, tt := range tests {
		if got := CompleteGoSum(tt.packages); got != tt.want {
			t.Errorf("CompleteGoSum(%q) = %q, want %q", tt.packages, got, tt.want)
		}
	}
}
