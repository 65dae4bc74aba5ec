package grconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"dagger/go-build/internal/errtest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// facts are the facts of every golden plan: a snapshot of a commit three
// after v0.9.0 (cli/v1.2.0 for the monorepo).
func facts(name string) Facts {
	f := Facts{
		ModulePath: "github.com/example/" + name,
		Git: GitFacts{
			Tag:         "v0.9.0",
			PreviousTag: "v0.8.0",
			Branch:      "main",
			Commit:      "abc1234def5678abc1234def5678abc1234def56",
			ShortCommit: "abc1234",
			Summary:     "v0.9.0-3-gabc1234",
			URL:         "https://github.com/example/" + name + ".git",
			CommitDate:  time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		},
		Snapshot: true,
		Env:      map[string]string{"HOME": "/root", "GOPATH": "/go"},
		Date:     time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC),
		Now:      func() time.Time { return time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC) },
	}
	if name == "monorepo" {
		f.Git.Tag, f.Git.PreviousTag, f.Git.Summary = "cli/v1.2.0", "cli/v1.1.0", "cli/v1.2.0-3-gabc1234"
	}
	return f
}

// TestGolden plans every testdata/*.yaml and compares the plan with its
// golden file; -update rewrites them.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("only %d configurations in testdata", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Load(filepath.Base(file), data)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := NewPlan(c, facts(name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(plan, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(file, ".yaml") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("plan of %s differs from %s (go test -run TestGolden -update rewrites it); got:\n%s", file, golden, got)
			}
		})
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		want    string
		wantErr string
	}{
		{name: "yaml", files: []string{".goreleaser.yaml", "main.go"}, want: ".goreleaser.yaml"},
		{name: "yml before yaml, as GoReleaser", files: []string{".goreleaser.yaml", ".goreleaser.yml"}, want: ".goreleaser.yml"},
		{name: "hidden before plain", files: []string{"goreleaser.yml", ".goreleaser.yaml"}, want: ".goreleaser.yaml"},
		{name: ".config first", files: []string{".config/goreleaser.yaml", ".goreleaser.yml"}, want: ".config/goreleaser.yaml"},
		{name: "plain", files: []string{"goreleaser.yaml"}, want: "goreleaser.yaml"},
		{name: "none", files: []string{"main.go", "goreleaser.json"}, wantErr: "none of .config/goreleaser.yml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tt.files {
				fsys[f] = &fstest.MapFile{Data: []byte("version: 2\n")}
			}
			got, err := Find(fsys)
			if tt.wantErr != "" {
				errtest.Check(t, err, ErrNotFound, tt.wantErr)
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Find() = %q, %v; want %q", got, err, tt.want)
			}
			if _, err := ReadFile(fsys, got); err != nil {
				t.Fatal(err)
			}
		})
	}
	dir := fstest.MapFS{".goreleaser.yml/x": &fstest.MapFile{}}
	if _, err := Find(dir); err == nil || !strings.Contains(err.Error(), "is not a regular file") {
		t.Errorf("a directory named .goreleaser.yml: err = %v", err)
	}
}

func TestLoadKeys(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantErr string
	}{
		{name: "unknown top-level key", yaml: "version: 2\nprojct_name: x\n",
			wantErr: "c.yaml:2: projct_name: unknown key; did you mean project_name?"},
		{name: "unknown nested key", yaml: "version: 2\nbuilds:\n  - id: a\n    binaryy: x\n",
			wantErr: "c.yaml:4: builds[0].binaryy: unknown key; did you mean binary? (keys of builds: asmflags, binary"},
		{name: "pro key", yaml: "version: 2\nbuilds:\n  - id: a\n  - id: b\n    prebuilt:\n      path: x\n",
			wantErr: "c.yaml:5: builds[1].prebuilt: a GoReleaser Pro key go-build does not do"},
		{name: "pro top-level key", yaml: "version: 2\nincludes:\n  - from_file: {path: x.yaml}\n",
			wantErr: "c.yaml:2: includes: a GoReleaser Pro key go-build does not do"},
		{name: "pro key in an archive", yaml: "archives:\n  - templated_files: []\n",
			wantErr: "c.yaml:2: archives[0].templated_files: a GoReleaser Pro key"},
		{name: "pro key in a hook", yaml: "builds:\n  - hooks:\n      pre:\n        - cmd: x\n          if: '{{ true }}'\n",
			wantErr: "c.yaml:5: builds[0].hooks.pre[0].if: a GoReleaser Pro key"},
		{name: "pro hook object in before", yaml: "before:\n  hooks:\n    - go mod tidy\n    - cmd: make\n",
			wantErr: "c.yaml:4: before.hooks[1]: a hook object (cmd, dir, env, output) is GoReleaser Pro's"},
		{name: "oss key not done", yaml: "builds:\n  - overrides:\n      - goos: linux\n",
			wantErr: "c.yaml:2: builds[0].overrides: a GoReleaser key go-build does not do: per-target build settings are not applied"},
		{name: "oss top-level key not done", yaml: "gomod:\n  proxy: true\n",
			wantErr: "c.yaml:1: gomod: a GoReleaser key go-build does not do: builds from the module proxy"},
		{name: "nfpm override key not done", yaml: "nfpms:\n  - overrides:\n      deb:\n        deb:\n          compression: xz\n",
			wantErr: "c.yaml:4: nfpms[0].overrides.deb.deb: a GoReleaser key go-build does not do"},
		{name: "every bad key, by line", yaml: "zzz: 1\nbuilds:\n  - buildmode: pie\n    nope: 1\n",
			wantErr: "c.yaml:1: zzz: unknown key"},
		{name: "unknown key of a file object", yaml: "archives:\n  - files:\n      - LICENSE\n      - src: a\n        dest: b\n",
			wantErr: "c.yaml:5: archives[0].files[1].dest: unknown key; did you mean dst?"},
		{name: "unknown key of a content's file_info", yaml: "nfpms:\n  - contents:\n      - dst: /a\n        file_info: {mode: 0644, user: root}\n",
			wantErr: "c.yaml:4: nfpms[0].contents[0].file_info.user: unknown key"},
		{name: "v1 file with a v1 key", yaml: "version: 1\nbuild:\n  binary: x\n",
			wantErr: "c.yaml: only version: 2 configuration files are supported, yours is version: 1"},
		{name: "removed in v2", yaml: "build:\n  binary: x\narchives:\n  - rlcp: true\n",
			wantErr: "c.yaml:1: build: removed in GoReleaser v2; use builds"},
		{name: "duplicate key", yaml: "builds:\n  - id: a\n    id: b\n", wantErr: `mapping key "id" already defined`},
		{name: "type error", yaml: "builds:\n  - goos: {linux: true}\n",
			wantErr: "line 2: cannot unmarshal !!map into []string"},
		{name: "not a mapping", yaml: "- a\n- b\n", wantErr: "c.yaml:1: the configuration is not a mapping of keys"},
		{name: "empty", yaml: "", wantErr: "c.yaml is empty"},
		{name: "two documents", yaml: "version: 2\n---\nversion: 2\n", wantErr: "more than one YAML document"},
		{name: "bad yaml", yaml: "builds: [\n", wantErr: "c.yaml: yaml: line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("c.yaml", []byte(tt.yaml))
			errtest.Check(t, err, ErrConfig, tt.wantErr)
		})
	}
}

func TestLoadAllErrors(t *testing.T) {
	_, err := Load("c.yaml", []byte("version: 2\nzzz: 1\nbuilds:\n  - buildmode: pie\n    nope: 1\nincludes: []\n"))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"c.yaml:2: zzz", "c.yaml:4: builds[0].buildmode", "c.yaml:5: builds[0].nope", "c.yaml:6: includes"}
	if len(lines) != len(want) {
		t.Fatalf("errors:\n%v\nwant %d", err, len(want))
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("error %d = %q, want it to name %q", i, lines[i], w)
		}
	}
}

func TestLoadValues(t *testing.T) {
	c, err := Load("c.yaml", []byte(`
project_name: app
release:
  gitlab:
    name: from-release
brews: [{name: app}]
announce: {skip: true}
builds:
  - goarm: [6, 7]
    flags: -trimpath -v
    ldflags: -s -w
    tags: netgo osusergo
    skip: false
    hooks:
      pre: make gen
      post:
        - echo one
        - cmd: echo two
          dir: sub
          env: [A=1]
          output: true
archives:
  - files:
      - LICENSE
      - src: docs/*
        dst: docs
        info: {mode: 0644}
nfpms:
  - contents:
      - dst: /var/lib/app
        type: dir
        file_info: {mode: 0o750}
`))
	if err != nil {
		t.Fatal(err)
	}
	b := c.Builds[0]
	checks := []struct {
		what      string
		got, want any
	}{
		{"goarm", strings.Join(b.Goarm, ","), "6,7"},
		{"flags split", strings.Join(b.Flags, "|"), "-trimpath|-v"},
		{"ldflags one", strings.Join(b.Ldflags, "|"), "-s -w"},
		{"tags split", strings.Join(b.Tags, "|"), "netgo|osusergo"},
		{"skip", b.Skip, "false"},
		{"pre hook string", b.Hooks.Pre[0].Cmd, "make gen"},
		{"post hook string", b.Hooks.Post[0].Cmd, "echo one"},
		{"post hook object", b.Hooks.Post[1], Hook{Cmd: "echo two", Dir: "sub", Env: []string{"A=1"}, Output: true}},
		{"file string", c.Archives[0].Files[0].Source, "LICENSE"},
		{"file object", c.Archives[0].Files[1].Destination, "docs"},
		{"octal mode", c.Archives[0].Files[1].Info.Mode, os.FileMode(0o644)},
		{"0o mode", c.NFPMs[0].Contents[0].FileInfo.Mode, os.FileMode(0o750)},
		{"release name", c.ReleaseRepoName, "from-release"},
		{"outside", len(c.Outside), 3},
		{"version warning", len(c.Warnings), 1},
	}
	for _, ch := range checks {
		if !equal(ch.got, ch.want) {
			t.Errorf("%s = %#v, want %#v", ch.what, ch.got, ch.want)
		}
	}
	if c.Outside[0] != (Outside{Key: "release", Line: 3, What: outside["release"]}) {
		t.Errorf("outside[0] = %+v", c.Outside[0])
	}
}

func equal(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// plan loads yaml and plans it with the facts of a test.
func plan(t *testing.T, yaml string, mod func(*Facts)) (*Plan, error) {
	t.Helper()
	c, err := Load("c.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	f := facts("app")
	if mod != nil {
		mod(&f)
	}
	return NewPlan(c, f)
}

func TestPlanErrors(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		facts   func(*Facts)
		wantErr string
	}{
		{name: "no tag, not a snapshot", yaml: "project_name: a\n", facts: func(f *Facts) { f.Snapshot = false; f.Git.Tag = "" },
			wantErr: "the commit has no tag: tag it"},
		{name: "dirty release", yaml: "project_name: a\n", facts: func(f *Facts) { f.Snapshot = false; f.Git.Dirty = true },
			wantErr: "git is dirty"},
		{name: "tag not semver", yaml: "project_name: a\n", facts: func(f *Facts) { f.Snapshot = false; f.Git.Tag = "release-1" },
			wantErr: `failed to parse tag "release-1" as semver`},
		{name: "monorepo tag without prefix", yaml: "project_name: a\nmonorepo: {tag_prefix: cli/}\n",
			wantErr: `tag "v0.9.0" does not start with monorepo.tag_prefix "cli/"`},
		{name: "empty snapshot version", yaml: "project_name: a\nsnapshot: {version_template: '{{ .Env.EMPTY }}'}\n",
			facts: func(f *Facts) { f.Env["EMPTY"] = "" }, wantErr: "gives an empty version"},
		{name: "no project name", yaml: "version: 2\n", facts: func(f *Facts) { f.ProjectName = "" }, wantErr: "no project name"},
		{name: "duplicate build ids", yaml: "project_name: a\nbuilds: [{id: x}, {id: x}]\n", wantErr: `found 2 builds with the ID "x"`},
		{name: "invalid goos", yaml: "project_name: a\nbuilds: [{goos: [linx]}]\n", wantErr: `invalid goos "linx"; accepted: aix, android`},
		{name: "invalid goarm", yaml: "project_name: a\nbuilds: [{goarch: [arm], goarm: [8]}]\n", wantErr: `invalid goarm "8"`},
		{name: "platform go-build lacks", yaml: "project_name: a\nbuilds: [{goos: [openbsd], goarch: [amd64]}]\n",
			wantErr: `target openbsd_amd64_v1: unsupported platform "openbsd/amd64"`},
		{name: "non-default goarm64", yaml: "project_name: a\nbuilds: [{goos: [linux], goarch: [arm64], goarm64: [v9.0]}]\n",
			wantErr: "go-build builds goarm64 v8.0 only (Go's default), not v9.0"},
		{name: "bad target", yaml: "project_name: a\nbuilds: [{targets: [linux]}]\n", wantErr: `invalid target "linux"`},
		{name: "everything ignored", yaml: "project_name: a\nbuilds: [{goos: [linux], goarch: [amd64], ignore: [{goos: linux}]}]\n",
			wantErr: "builds[0]: no target is left to build"},
		{name: "rust", yaml: "project_name: a\nbuilds: [{builder: rust}]\n", wantErr: `builder: "rust" is not built by go-build`},
		{name: "ellipsis main", yaml: "project_name: a\nbuilds: [{main: ./...}]\n", wantErr: "one main package per build"},
		{name: "bad mod_timestamp", yaml: "project_name: a\nbuilds: [{mod_timestamp: '{{ .CommitDate }}'}]\n", wantErr: "does not give Unix seconds"},
		{name: "bad template", yaml: "project_name: a\nbuilds: [{ldflags: ['{{ .Nope }}']}]\n", wantErr: `builds[0].ldflags[0] "{{ .Nope }}"`},
		{name: "archive format", yaml: "project_name: a\narchives: [{formats: [tar.zst]}]\n", wantErr: `format "tar.zst" is not one go-build writes`},
		{name: "archive name collision", yaml: "project_name: a\narchives: [{name_template: same}]\n", wantErr: "archive named dist/same.tar.gz already exists"},
		{name: "different binary counts", yaml: "project_name: a\nbuilds: [{id: a, goos: [linux]}, {id: b, goos: [linux, darwin]}]\n",
			wantErr: "different count of binaries"},
		{name: "sbom named like an archive", yaml: "project_name: a\nbuilds: [{goos: [linux], goarch: [amd64]}]\nsboms: [{documents: ['{{ .ArtifactName }}']}]\n",
			wantErr: "two files are named a_0.9.0-SNAPSHOT-abc1234_linux_amd64.tar.gz in dist"},
		{name: "checksum algorithm", yaml: "project_name: a\nchecksum: {algorithm: blake3}\n", wantErr: `checksum.algorithm "blake3" is not one go-build computes`},
		{name: "nfpm format", yaml: "project_name: a\nnfpms: [{formats: [archlinux]}]\n", wantErr: `"archlinux" is not a format go-build writes`},
		{name: "nfpm without linux", yaml: "project_name: a\nbuilds: [{goos: [darwin]}]\nnfpms: [{formats: [deb]}]\n", wantErr: "no linux binaries found"},
		{name: "nfpm content type", yaml: "project_name: a\nnfpms: [{formats: [deb], contents: [{src: a, dst: /a, type: tree}]}]\n", wantErr: `type "tree" is not one go-build packages`},
		{name: "apk of mips", yaml: "project_name: a\nbuilds: [{goos: [linux], goarch: [mips]}]\nnfpms: [{formats: [apk]}]\n", wantErr: "no package architecture"},
		{name: "sbom cmd", yaml: "project_name: a\nsboms: [{cmd: trivy}]\n", wantErr: "go-build writes the SPDX document itself"},
		{name: "sbom source", yaml: "project_name: a\nsboms: [{artifacts: source}]\n", wantErr: `artifacts "source": go-build describes archive, binary, package, none`},
		{name: "sign binaries", yaml: "project_name: a\nsigns: [{artifacts: all}]\n", wantErr: "go-build signs the checksums file"},
		{name: "keyless sign", yaml: "project_name: a\nsigns: [{artifacts: checksum, certificate: '${artifact}.pem'}]\n", wantErr: "makes no keyless certificate"},
		{name: "pro tag sort", yaml: "project_name: a\ngit: {tag_sort: semver}\n", wantErr: "is GoReleaser Pro's"},
		{name: "env not KEY=VALUE", yaml: "project_name: a\nenv: [NOPE]\n", wantErr: `env[0]: "NOPE" is not KEY=VALUE`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := plan(t, tt.yaml, tt.facts)
			errtest.Check(t, err, ErrPlan, tt.wantErr)
		})
	}
}

func TestPlanDefaults(t *testing.T) {
	p, err := plan(t, "version: 2\n", func(f *Facts) { f.ProjectName = "app" })
	if err != nil {
		t.Fatal(err)
	}
	if p.ProjectName != "app" || p.Dist != "dist" || p.Version != "0.9.0-SNAPSHOT-abc1234" {
		t.Errorf("project %q, dist %q, version %q", p.ProjectName, p.Dist, p.Version)
	}
	var targets []string
	for _, tp := range p.Builds[0].Targets {
		targets = append(targets, tp.Target+"="+tp.Platform)
	}
	want := "linux_amd64_v1=linux/amd64 linux_arm64_v8.0=linux/arm64 linux_386_sse2=linux/386 darwin_amd64_v1=darwin/amd64 darwin_arm64_v8.0=darwin/arm64 windows_amd64_v1=windows/amd64 windows_arm64_v8.0=windows/arm64 windows_386_sse2=windows/386"
	if got := strings.Join(targets, " "); got != want {
		t.Errorf("default targets:\n%s\nwant\n%s", got, want)
	}
	tp := p.Builds[0].Targets[5]
	if tp.Binary != "app.exe" || tp.Path != "dist/app_windows_amd64_v1/app.exe" {
		t.Errorf("windows binary %q at %q", tp.Binary, tp.Path)
	}
	if tp.Ldflags != "-s -w -X main.version=0.9.0-SNAPSHOT-abc1234 -X main.commit=abc1234def5678abc1234def5678abc1234def56 -X main.date=2025-02-03T04:05:06Z -X main.builtBy=goreleaser" {
		t.Errorf("default ldflags %q", tp.Ldflags)
	}
	if n := p.Archives[0].Archives[0].Name; n != "app_0.9.0-SNAPSHOT-abc1234_linux_amd64.tar.gz" {
		t.Errorf("default archive name %q", n)
	}
	if len(p.Archives[0].Archives[0].Files) != len(defaultFiles) {
		t.Errorf("default files %+v", p.Archives[0].Archives[0].Files)
	}
	if p.Checksum.Name != "app_0.9.0-SNAPSHOT-abc1234_checksums.txt" || p.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum %+v", p.Checksum)
	}
	if p.GitTagSort != "-version:refname" {
		t.Errorf("tag sort %q", p.GitTagSort)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings %q", p.Warnings)
	}
}

func TestPlanRelease(t *testing.T) {
	p, err := plan(t, "project_name: app\nrelease: {github: {name: other}}\n", func(f *Facts) { f.Snapshot = false; f.Git.Tag = "v1.2.3-rc.1" })
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "1.2.3-rc.1" || p.Tag != "v1.2.3-rc.1" || p.ProjectName != "app" {
		t.Errorf("version %q tag %q project %q", p.Version, p.Tag, p.ProjectName)
	}
	p, err = plan(t, "release: {github: {name: other}}\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.ProjectName != "other" {
		t.Errorf("project from release.github.name = %q", p.ProjectName)
	}
}

func TestPlanEnv(t *testing.T) {
	p, err := plan(t, `project_name: app
env:
  - FROM_ENV={{ .Env.HOME }}
  - CGO_ENABLED=0
builds:
  - goos: [linux]
    goarch: [amd64]
    env:
      - GOPATH_COPY=$GOPATH
      - FIRST=one
      - SECOND={{ .Env.FIRST }}-{{ .Env.FROM_ENV }}
      - '{{ if eq .Os "windows" }}CC=x86_64-w64-mingw32-gcc{{ end }}'
    flags: ['-X={{ .Env.SECOND }}']
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	tp := p.Builds[0].Targets[0]
	if got := strings.Join(p.Env, " "); got != "FROM_ENV=/root CGO_ENABLED=0" {
		t.Errorf("env %q", got)
	}
	if got := strings.Join(tp.Env, " "); got != "GOPATH_COPY=/go FIRST=one SECOND=one-/root" {
		t.Errorf("build env %q", got)
	}
	if got := strings.Join(tp.Flags, " "); got != "-X=one-/root" {
		t.Errorf("flags %q", got)
	}
}

// TestPlanHooks: a hook's env is the build's then its own, each templated
// with the run's environment alone (as GoReleaser's runHook does); its
// command sees them all.
func TestPlanHooks(t *testing.T) {
	p, err := plan(t, `project_name: app
builds:
  - goos: [linux]
    goarch: [amd64]
    env: ['B={{ .Os }}']
    hooks:
      pre:
        - cmd: echo {{ .Env.HOOK }} {{ .Env.B }} {{ .Name }} {{ .Path }}
          dir: '{{ .Os }}'
          env: [HOOK=h]
      post: make check
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	tp := p.Builds[0].Targets[0]
	if h := tp.PreHooks[0]; h.Cmd != "echo h linux app dist/app_linux_amd64_v1/app" || h.Dir != "linux" || strings.Join(h.Env, " ") != "B=linux HOOK=h" {
		t.Errorf("pre hook %+v", h)
	}
	if h := tp.PostHooks[0]; h.Cmd != "make check" {
		t.Errorf("post hook %+v", h)
	}
	_, err = plan(t, `project_name: app
builds:
  - env: [A=1, 'B={{ .Env.A }}']
    hooks: {pre: make}
`, nil)
	if err == nil || !strings.Contains(err.Error(), `hooks.pre[0].env[1]`) {
		t.Errorf("a hook env entry seeing the build's: err = %v", err)
	}
}

func TestErrorsKeepSecrets(t *testing.T) {
	_, err := plan(t, "project_name: a\nbuilds: [{ldflags: ['-X main.t={{ .Env.TOKEN }} {{ .Nope }}']}]\n", func(f *Facts) { f.Env["TOKEN"] = "s3cr3t" })
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(err, ErrPlan) {
		t.Fatalf("err = %v does not wrap ErrPlan", err)
	}
}

func TestPlanSigns(t *testing.T) {
	tests := []struct{ signature, want string }{
		{"", "dist/app_0.9.0-SNAPSHOT-abc1234_checksums.txt.sig"},
		{"${artifact}.sigstore.json", "dist/app_0.9.0-SNAPSHOT-abc1234_checksums.txt.sigstore.json"},
		{"{{ .ProjectName }}_{{ .Version }}.sig", "dist/app_0.9.0-SNAPSHOT-abc1234.sig"},
		{"$HOME.sig", "dist/root.sig"},
	}
	for _, tt := range tests {
		p, err := plan(t, "project_name: app\nsigns:\n  - artifacts: checksum\n    signature: '"+tt.signature+"'\n", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Signs) != 1 || p.Signs[0].Signature != tt.want || p.Signs[0].Of != "dist/app_0.9.0-SNAPSHOT-abc1234_checksums.txt" {
			t.Errorf("signature %q: %+v, want %s", tt.signature, p.Signs, tt.want)
		}
	}
}

// TestPlanMonorepo: a cli/ tag versions the project; builds and archive
// files default to monorepo.dir.
func TestPlanMonorepo(t *testing.T) {
	p, err := plan(t, `project_name: cli
monorepo: {tag_prefix: cli/, dir: cli}
builds: [{goos: [linux], goarch: [amd64]}, {id: other, dir: tools, goos: [linux], goarch: [amd64]}]
archives: [{files: [LICENSE, /abs/NOTICE]}]
`, func(f *Facts) { f.Snapshot = false; f.Git.Tag = "cli/v1.2.3"; f.Git.PreviousTag = "cli/v1.2.2" })
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "1.2.3" || p.Tag != "v1.2.3" {
		t.Errorf("version %q tag %q", p.Version, p.Tag)
	}
	if p.Builds[0].Dir != "cli" || p.Builds[1].Dir != "tools" {
		t.Errorf("dirs %q %q", p.Builds[0].Dir, p.Builds[1].Dir)
	}
	files := p.Archives[0].Archives[0].Files
	if files[0].Source != "cli/LICENSE" || files[1].Source != "/abs/NOTICE" {
		t.Errorf("files %+v", files)
	}
}

// TestDocsListEveryKey holds docs/drafts/goreleaser.md to the tables: every key
// Config holds, every key outside go-build, every GoReleaser key it does
// not do and every Pro key it refuses is named there, quoted.
func TestDocsListEveryKey(t *testing.T) {
	data, err := os.ReadFile("../../docs/drafts/goreleaser.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	if !strings.HasPrefix(doc, "# ") || !strings.Contains(strings.SplitN(doc, "\n## ", 2)[0], "```sh\ndagger call release export --path dist\n```") {
		t.Error("docs/drafts/goreleaser.md does not open with dagger call release export --path dist")
	}
	named := func(key, what string) {
		if !strings.Contains(doc, "`"+key+"`") {
			t.Errorf("docs/drafts/goreleaser.md does not name %s key `%s`", what, key)
		}
	}
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, at string) {
		for ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map || ty.Kind() == reflect.Pointer {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct {
			return
		}
		for key, f := range yamlFields(ty) {
			named(key, "the supported ("+at+")")
			walk(f.Type, at+"."+key)
		}
	}
	walk(configType, "")
	for key := range outside {
		named(key, "the outside")
	}
	for at, keys := range notDone {
		for key := range keys {
			named(key, "the not-done ("+at+")")
		}
	}
	for at, keys := range pro {
		for _, key := range keys {
			named(key, "the Pro ("+at+")")
		}
	}
}

// TestPlanFlagFields: flags see the artifact's fields and the target's GO*
// environment; .Path is the build's, which GoReleaser does not give them.
func TestPlanFlagFields(t *testing.T) {
	p, err := plan(t, "project_name: app\nbuilds: [{goos: [linux], goarch: [arm], goarm: [7], ldflags: ['-X main.t={{ .Target }}/{{ .Binary }}/{{ .ArtifactName }}/{{ .Env.GOARM }}']}]\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Builds[0].Targets[0].Ldflags; got != "-X main.t=linux_arm_7/app/app/7" {
		t.Errorf("ldflags %q", got)
	}
	_, err = plan(t, "project_name: app\nbuilds: [{ldflags: ['{{ .Path }}']}]\n", nil)
	errtest.Check(t, err, ErrPlan, `map has no entry for key "Path"`)
}
