package main

import (
	"context"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/sbom"
)

// config is a valid configuration as the constructor's defaults make it.
func config() *GoBuild {
	return &GoBuild{
		// A source that is never read: these tests stop before any
		// container work.
		Source:             &dagger.Directory{},
		GoVersion:          "1.26",
		StripImage:         defaultStripImage,
		Strip:              StripModeTarget,
		Mode:               BuildModeCross,
		LLVMVersion:        "19",
		KubernetesVersion:  "1.34.1",
		ToolchainBaseImage: "debian:bookworm",
		GoDownloadURL:      "https://go.dev/dl",
	}
}

// These run before any container work: no engine is needed, and none may be
// touched (dag is nil here, so reaching it would panic the test).
func TestConfigurationErrors(t *testing.T) {
	tests := []struct {
		name    string
		change  func(m *GoBuild)
		wantErr string
	}{
		{"defaults are valid", func(*GoBuild) {}, ""},
		{"target package without cgo", func(m *GoBuild) { m.TargetPackages = []string{"libsqlite3-dev"} }, "need cgo"},
		{"static with cgo off is fine", func(m *GoBuild) { m.Static = true }, ""},
		{"empty package", func(m *GoBuild) { m.Packages = []string{""} }, `package ""`},
		{"bad tag", func(m *GoBuild) { m.Tags = []string{"a b"} }, `build tag "a b"`},
		{"module without version", func(m *GoBuild) { m.Module = "github.com/coredns/coredns" }, "github.com/coredns/coredns"},
		{"module at a branch", func(m *GoBuild) { m.Module = "github.com/coredns/coredns@master" }, "master"},
		{"unknown strip mode", func(m *GoBuild) { m.Strip = "SOMETIMES" }, `strip mode "SOMETIMES"`},
		{"unknown build mode", func(m *GoBuild) { m.Mode = "QUANTUM" }, `build mode "QUANTUM"`},
		{"negative rerelease", func(m *GoBuild) { m.Rerelease = -1 }, "rerelease -1"},
		{"empty go version", func(m *GoBuild) { m.GoVersion = " " }, "go version"},
		{"go version that is not one", func(m *GoBuild) { m.GoVersion = "1.x" }, `"1.x"`},
		{"llvm version that is not one", func(m *GoBuild) { m.LLVMVersion = "nineteen" }, `"nineteen"`},
		{"kubernetes version that is not one", func(m *GoBuild) { m.KubernetesVersion = "2.0.0" }, `"2.0.0"`},
		{"goprivate and a company proxy", func(m *GoBuild) {
			m.GoPrivate, m.GoProxy, m.GoNoProxy = []string{"*.corp.example.com"}, []string{"https://athens.corp.example.com", "direct"}, []string{"none"}
		}, ""},
		{"goprivate that is a URL", func(m *GoBuild) { m.GoPrivate = []string{"https://git.corp"} }, `--goprivate "https://git.corp"`},
		{"goproxy with a login", func(m *GoBuild) { m.GoProxy = []string{"https://me:s3cret@athens.corp"} }, "put them in the --netrc secret"},
		{"gosumdb that is not one", func(m *GoBuild) { m.GoSumDB = "a b c" }, `--gosumdb "a b c"`},
		{"ldflags templates", func(m *GoBuild) {
			m.Ldflags = []string{"-X a.B={{.ShortCommit}}", "-X a.C={{.Version}}-{{.Os}}"}
			m.Version = "{{.Tag}}-fips"
		}, ""},
		{"unknown ldflags field", func(m *GoBuild) { m.Ldflags = []string{"-X a.B={{.Shortcommit}}"} }, "unknown field {{.Shortcommit}}; want one of {{.Version}}, {{.Tag}}, {{.Commit}}"},
		{"version of the version", func(m *GoBuild) { m.Version = "{{.Version}}" }, "is the version itself"},
		{"go env", func(m *GoBuild) {
			m.Cgo, m.GoEnv = true, []string{"GOEXPERIMENT=boringcrypto", "GOFIPS140=v1.0.0", "GOFLAGS=-mod=mod"}
		}, ""},
		{"go env go-build sets", func(m *GoBuild) { m.GoEnv = []string{"GOARCH=arm64"} }, "GOARCH is set by go-build"},
		{"malformed go env", func(m *GoBuild) { m.GoEnv = []string{"goexperiment"} }, `"goexperiment": want NAME=value`},
		{"boringcrypto without cgo", func(m *GoBuild) { m.GoEnv = []string{"GOEXPERIMENT=boringcrypto"} }, "add --cgo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			tt.change(m)
			err := m.validate()
			errtest.Check(t, err, nil, tt.wantErr)
		})
	}
}

func TestTargetErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		change  func(m *GoBuild)
		arch    string
		wantErr string
	}{
		{"unknown architecture", nil, "sparc64", "sparc64"},
		{"malformed platform", nil, "linux//", "linux//"},
		{"cgo for windows", func(m *GoBuild) { m.Cgo = true }, "windows/amd64", "cgo cross-compilation for windows/amd64"},
		{"emulating darwin", func(m *GoBuild) { m.Mode = BuildModeEmulate }, "darwin/arm64", "EMULATE"},
		{"cgo for arm64", func(m *GoBuild) { m.Cgo = true }, "arm64", ""},
		{"pure go windows", nil, "windows/arm64", ""},
		{"boringcrypto on arm64", func(m *GoBuild) { m.Cgo, m.GoEnv = true, []string{"GOEXPERIMENT=boringcrypto"} }, "arm64", ""},
		{"boringcrypto on armv7", func(m *GoBuild) { m.Cgo, m.GoEnv = true, []string{"GOEXPERIMENT=boringcrypto"} }, "armv7", "linux/amd64 and linux/arm64 only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			if tt.change != nil {
				tt.change(m)
			}
			_, err := m.target(ctx, tt.arch)
			errtest.Check(t, err, nil, tt.wantErr)
		})
	}
}

func TestTargetEnv(t *testing.T) {
	tests := []struct {
		arch  string
		cgo   bool
		goEnv []string
		want  []string
		not   []string
	}{
		{arch: "armv6", want: []string{"GOOS=linux", "GOARCH=arm", "GOARM=6", "CGO_ENABLED=0"}, not: []string{"GOARM=v6"}},
		{arch: "linux/amd64/v3", want: []string{"GOARCH=amd64", "GOAMD64=v3"}},
		{arch: "arm64", cgo: true, want: []string{"CGO_ENABLED=1", "CC=clang --target=aarch64-linux-gnu", "CGO_LDFLAGS=-fuse-ld=lld"}},
		{arch: "s390x", cgo: true, want: []string{"CC=clang --target=s390x-linux-gnu"}, not: []string{"-fuse-ld=lld"}},
		{arch: "armv7", cgo: true, want: []string{"GOARM=7", "PKG_CONFIG_LIBDIR=/usr/lib/arm-linux-gnueabihf/pkgconfig"}},
		{arch: "arm64", cgo: true, goEnv: []string{"GOEXPERIMENT=boringcrypto"}, want: []string{"GOARCH=arm64", "CGO_ENABLED=1", "GOEXPERIMENT=boringcrypto"}},
	}
	for _, tt := range tests {
		t.Run(tt.arch, func(t *testing.T) {
			m := config()
			m.Cgo, m.GoEnv = tt.cgo, tt.goEnv
			got, err := m.TargetEnv(tt.arch)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("TargetEnv(%q) lacks %q:\n%s", tt.arch, w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("TargetEnv(%q) has %q:\n%s", tt.arch, n, got)
				}
			}
		})
	}
}

func TestImageErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		change    func(m *GoBuild)
		image     string
		platforms []string
		tags      []string
		username  string
		stall     string
		request   string
		operation string
		wantErr   string
	}{
		{name: "malformed reference", image: "Registry.Example/App:1", platforms: []string{"linux/amd64"}, wantErr: "Registry.Example/App:1"},
		{name: "duplicate platform", image: "registry.example/app:1", platforms: []string{"linux/arm/v7", "armv7"}, wantErr: "duplicate"},
		{name: "unbuildable platform", image: "registry.example/app:1", platforms: []string{"linux/sparc"}, wantErr: "linux/sparc"},
		{name: "no platform", image: "registry.example/app:1", platforms: nil, wantErr: "platform"},
		{name: "windows image", image: "registry.example/app:1", platforms: []string{"windows/amd64"}, wantErr: "Linux containers"},
		{name: "duplicate tag", image: "registry.example/app:1", platforms: []string{"amd64"}, tags: []string{"latest", "latest"}, wantErr: "latest"},
		{name: "user without password", image: "registry.example/app:1", platforms: []string{"amd64"}, username: "ci", wantErr: "--username and --password together"},
		{name: "stall timeout not a duration", image: "registry.example/app:1", platforms: []string{"amd64"}, stall: "60", wantErr: `stall timeout "60": want a positive Go duration`},
		{name: "stall timeout zero", image: "registry.example/app:1", platforms: []string{"amd64"}, stall: "0s", wantErr: `stall timeout "0s"`},
		{name: "request timeout not a duration", image: "registry.example/app:1", platforms: []string{"amd64"}, request: "30", wantErr: `request timeout "30": want a positive Go duration, e.g. 30m or 1h`},
		{name: "request timeout negative", image: "registry.example/app:1", platforms: []string{"amd64"}, request: "-5m", wantErr: `request timeout "-5m"`},
		{name: "operation timeout not a duration", image: "registry.example/app:1", platforms: []string{"amd64"}, operation: "forever", wantErr: `operation timeout "forever": want a positive Go duration, e.g. 2h or 4h`},
		{name: "operation timeout zero", image: "registry.example/app:1", platforms: []string{"amd64"}, operation: "0", wantErr: `operation timeout "0"`},
		{
			name:   "dynamic cgo on scratch",
			change: func(m *GoBuild) { m.Cgo = true }, image: "registry.example/app:1", platforms: []string{"amd64"},
			wantErr: "static",
		},
		{
			name:   "bad port",
			change: func(m *GoBuild) { m.Runtime = &RuntimeImage{Base: "scratch", Ports: []string{"99999"}} }, image: "registry.example/app:1", platforms: []string{"amd64"},
			wantErr: "99999",
		},
		{
			name:   "bad env",
			change: func(m *GoBuild) { m.Runtime = &RuntimeImage{Base: "scratch", Env: []string{"NOEQUALS"}} }, image: "registry.example/app:1", platforms: []string{"amd64"},
			wantErr: "NOEQUALS",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			if tt.change != nil {
				tt.change(m)
			}
			if tt.stall == "" {
				tt.stall = "60s"
			}
			if tt.request == "" {
				tt.request = "30m"
			}
			if tt.operation == "" {
				tt.operation = "2h"
			}
			_, err := m.Publish(ctx, tt.image, tt.platforms, tt.tags, tt.username, nil, nil, false, nil, true, true, tt.stall, tt.request, tt.operation)
			errtest.Check(t, err, nil, tt.wantErr)
		})
	}
}

func TestWithRegistryAuth(t *testing.T) {
	for _, tt := range []struct{ address, user, wantErr string }{
		{"ghcr.io", "ci", ""},
		{"", "ci", `with-registry-auth ""`},
		{"ghcr.io", "", `with-registry-auth "ghcr.io"`},
	} {
		_, err := config().WithRegistryAuth(tt.address, tt.user, &dagger.Secret{})
		errtest.Check(t, err, nil, tt.wantErr)
	}
	m, err := config().WithRegistryAuth("ghcr.io", "ci", &dagger.Secret{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.WithRegistryAuth("docker.io", "me", &dagger.Secret{}); err != nil || len(m.RegistryAuths) != 1 {
		t.Fatalf("chaining changed the earlier object: %d entries, %v", len(m.RegistryAuths), err)
	}
}

func TestWithRuntimeRejectsBadOptions(t *testing.T) {
	_, err := config().WithRuntime("scratch", nil, nil, nil, "", "", nil, []string{"novalue"}, nil, "")
	errtest.Check(t, err, nil, "novalue")
	_, err = config().WithRuntime("scratch", nil, nil, nil, "", "", nil, nil, nil, "yesterday")
	errtest.Check(t, err, nil, "yesterday")
	m, err := config().WithRuntime("alpine:3.22", []string{"/usr/local/bin/app"}, nil, []string{"A=b"}, "/", "65532", []string{"8080/tcp"}, []string{"a=b"}, nil, "1700000000")
	if err != nil || m.runtime().base() != "alpine:3.22" {
		t.Fatalf("WithRuntime = %v, %v", m, err)
	}
}

func TestBranch(t *testing.T) {
	m := config()
	m.GoVersion = "1.25.4"
	got, err := m.Branch()
	if err != nil || got != "go1.25" {
		t.Fatalf("Branch() = %q, %v; want go1.25", got, err)
	}
	m.GoVersion = "one.two"
	_, err = m.Branch()
	errtest.Check(t, err, nil, "one.two")
}

func TestVerifyDirNeedsBinaries(t *testing.T) {
	err := verifyDir(t.TempDir(), platform.MustParse("arm64"), binaryRules{})
	errtest.Check(t, err, nil, "no binary")
}

func TestPublishToolchainErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		image     string
		platforms []string
		username  string
		stall     string
		request   string
		operation string
		wantErr   string
	}{
		{"repository with a tag", "registry.example/go-build:1.0", []string{"amd64"}, "", "60s", "30m", "2h", "give the repository alone"},
		{"unknown architecture", "registry.example/go-build", []string{"amd64", "sparc64"}, "", "60s", "30m", "2h", "sparc64"},
		{"windows toolchain", "registry.example/go-build", []string{"windows/amd64"}, "", "60s", "30m", "2h", "Linux containers"},
		{"duplicate platform", "registry.example/go-build", []string{"arm64", "aarch64"}, "", "60s", "30m", "2h", "duplicate"},
		{"user without password", "registry.example/go-build", []string{"amd64"}, "me", "60s", "30m", "2h", "--password"},
		{"bad stall timeout", "registry.example/go-build", []string{"amd64"}, "", "forever", "30m", "2h", `stall timeout "forever"`},
		{"bad request timeout", "registry.example/go-build", []string{"amd64"}, "", "60s", "1 hour", "2h", `request timeout "1 hour": want a positive Go duration`},
		{"bad operation timeout", "registry.example/go-build", []string{"amd64"}, "", "60s", "30m", "-2h", `operation timeout "-2h": want a positive Go duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config().PublishToolchain(ctx, tt.image, tt.platforms, nil, tt.username, nil, nil, false, nil, tt.stall, tt.request, tt.operation)
			errtest.Check(t, err, nil, tt.wantErr)
		})
	}
}

func TestToolchainVersionsFromTheConstructor(t *testing.T) {
	m := config()
	m.LLVMVersion = "18"
	_, _, err := m.toolchain(context.Background(), platform.MustParse("amd64"), nil)
	// Bookworm has no LLVM 18: the error lists what it has, before any
	// container work (dag is nil here).
	errtest.Check(t, err, nil, "19")
}

// Functions that build name themselves when there is nothing to build;
// the others never ask.
func TestRequireSource(t *testing.T) {
	m := config()
	m.Source, m.NoSourceReason = nil, errNoGoMod.Error()
	errtest.Check(t, m.requireSource("build"), nil, "build needs a Go source to build: no go.mod or go.work in the workspace's directory")
	m.Module = "github.com/rakyll/hey@v0.1.4"
	errtest.Check(t, m.requireSource("build"), nil, "")
	if got := len(m.Platforms()); got == 0 {
		t.Fatal("platforms needs no source, and listed none")
	}
	if _, err := config().TargetEnv("arm64"); err != nil {
		t.Fatalf("target-env without a source: %v", err)
	}
}

// withGitToken and withServiceBinding refuse bad hosts before any work,
// and chain without changing the configuration they came from.
func TestPrivateModuleChains(t *testing.T) {
	base := config()
	tok := &dagger.Secret{}
	m, err := base.WithGitToken("GitHub.com", tok, "oauth2")
	if err != nil {
		t.Fatal(err)
	}
	m, err = m.WithGitToken("git.internal:8443", tok, "x-access-token")
	if err != nil {
		t.Fatal(err)
	}
	if len(base.GitTokens) != 0 || len(m.GitTokens) != 2 || m.GitTokens[0].Host != "github.com" {
		t.Fatalf("git tokens: base %v, chained %v", base.GitTokens, m.GitTokens)
	}
	config, err := m.gitConfig()
	if err != nil {
		t.Fatal(err)
	}
	if len(config) != 3 || config[0] != [2]string{"safe.directory", "*"} ||
		config[2][0] != "credential.https://git.internal:8443.helper" || !strings.Contains(config[2][1], gitTokenFile(1)) {
		t.Fatalf("git config %q", config)
	}
	for _, tt := range []struct {
		name string
		call func() error
		want string
	}{
		{"token host with scheme", func() error { _, err := base.WithGitToken("https://github.com", tok, "oauth2"); return err }, `git host "https://github.com"`},
		{"token without secret", func() error { _, err := base.WithGitToken("github.com", nil, "oauth2"); return err }, "want --token"},
		{"token user with quote", func() error { _, err := base.WithGitToken("github.com", tok, "o'k"); return err }, `git user name "o'k"`},
		{"alias with port", func() error { _, err := base.WithServiceBinding("mods.internal:8443", &dagger.Service{}); return err }, `service alias "mods.internal:8443"`},
		{"alias that is an address", func() error { _, err := base.WithServiceBinding("127.0.0.1", &dagger.Service{}); return err }, "is an address"},
		{"binding without service", func() error { _, err := base.WithServiceBinding("mods.internal", nil); return err }, "want --service"},
	} {
		t.Run(tt.name, func(t *testing.T) { errtest.Check(t, tt.call(), nil, tt.want) })
	}
	bound, err := base.WithServiceBinding("mods.internal", &dagger.Service{})
	if err != nil || len(bound.ServiceBindings) != 1 || len(base.ServiceBindings) != 0 {
		t.Fatalf("with-service-binding: %v, %v", bound, err)
	}
}

// TestProvenanceRecordsGoEnv checks the provenance of an image build records
// every --go-env variable, GOFLAGS as go ran with it, beside the target
// environment the binaries' build info gives.
func TestProvenanceRecordsGoEnv(t *testing.T) {
	m := config()
	m.Cgo = true
	m.GoEnv = []string{"GOEXPERIMENT=boringcrypto", "GODEBUG=tlsrsakex=1", "GOFLAGS=-mod=mod"}
	arm64, err := platform.Parse("arm64")
	if err != nil {
		t.Fatal(err)
	}
	bin := sbom.Binary{Name: "app", Info: &debug.BuildInfo{GoVersion: "go1.26.8", Path: "example.com/app"}}
	bin.Info.Settings = []debug.BuildSetting{{Key: "GOARCH", Value: "arm64"}, {Key: "GOEXPERIMENT", Value: "boringcrypto"}, {Key: "CGO_ENABLED", Value: "1"}}
	p := m.provenance(&imageBuild{plan: &buildPlan{m: m}}, arm64, []sbom.Binary{bin}, builderRef{})
	want := map[string]string{
		"GOARCH": "arm64", "CGO_ENABLED": "1", "GOEXPERIMENT": "boringcrypto",
		"GODEBUG": "tlsrsakex=1", "GOFLAGS": "-modcacherw -mod=mod",
	}
	if !reflect.DeepEqual(p.Env, want) {
		t.Fatalf("provenance env = %v, want %v", p.Env, want)
	}
}
