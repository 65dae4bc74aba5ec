// go-build: fast multi-arch builds of Go projects from one typed call graph.
//
// The compiler always runs on the engine's own platform with an xx-style
// target environment (GOOS/GOARCH/GOARM..., clang --target, the target's C
// libraries), so an arm64 build costs what an amd64 build costs. Only the
// strip step of cgo binaries and smoke runs use emulation. Binaries are
// stripped at the link and verified against their target before they are
// returned or published.
package main

import (
	"context"
	"errors"
	"fmt"
	"path"

	"dagger/go-build/internal/buildopts"
	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/goenv"
	"dagger/go-build/internal/gomodule"
	"dagger/go-build/internal/gorepo"
	"dagger/go-build/internal/release"
	"dagger/go-build/internal/toolchainver"
)

// StripMode says how binaries are stripped of their symbol table and DWARF.
//
// Every mode but NONE links with -s -w, which strips pure-Go binaries of
// every format; the mode chooses where cgo binaries get their strip step.
type StripMode string

const (
	// Link with -s -w; strip cgo binaries again in a container of the
	// target platform with the target's own binutils (under emulation),
	// or NATIVE for targets with no such image.
	StripModeTarget StripMode = "TARGET"
	// Link with -s -w; strip cgo binaries again with llvm-strip on the
	// build platform: no emulation.
	StripModeNative StripMode = "NATIVE"
	// Keep the symbol table and DWARF: no -s -w, no strip step.
	StripModeNone StripMode = "NONE"
)

// BuildMode says how a foreign platform is built.
type BuildMode string

const (
	// Cross-compile on the engine's native platform (fast, the default).
	BuildModeCross BuildMode = "CROSS"
	// Run the whole build (download, compile, strip) in a container of the
	// target platform under emulation, like docker buildx without
	// cross-compilation: the speed baseline, and a fallback for code that
	// cannot be cross-compiled.
	BuildModeEmulate BuildMode = "EMULATE"
)

// GoWorkMode says whether a go.work decides the build, as GOWORK does.
type GoWorkMode string

const (
	// The nearest go.work above the directory dagger runs in, if any,
	// decides the build, as the go command does by default.
	GoWorkModeAuto GoWorkMode = "auto"
	// Build the nearest go.mod's module alone, ignoring any go.work
	// (GOWORK=off).
	GoWorkModeOff GoWorkMode = "off"
)

// GoBuild builds Go command binaries and images for many platforms.
type GoBuild struct {
	// Go source tree (module root) to build.
	// +private
	Source *dagger.Directory
	// Go module to build instead of Source, as path@version.
	// +private
	Module string
	// Why there is no source when neither Source nor Module is set: the
	// workspace has no go.mod. Only functions that build report it.
	// +private
	NoSourceReason string
	// Directory of Source the go command runs in: the module's root, or
	// the go.work's directory ("" is Source's root).
	// +private
	SourceDir string
	// What of Source was uploaded, as patterns relative to its root, when
	// only part of the checkout was (none: all of it).
	// +private
	SourceInclude []string
	// Package patterns built and tested when none are given: every module
	// of the go.work (none: every package of the module).
	// +private
	DefaultPackages []string
	// Module path the project is named after, as the workspace's layout
	// found it ("": read the source's go.mod).
	// +private
	SourceModulePath string
	// Workspace mode: "auto" (the nearest go.work decides) or "off".
	// +private
	GoWork GoWorkMode
	// Go version of the builder and of the toolchain.
	// +private
	GoVersion string
	// Image the builder starts from.
	// +private
	BuilderImage string
	// Ready-made builder container used instead of BuilderImage.
	// +private
	BuilderContainer *dagger.Container
	// Image cgo binaries are stripped in (TARGET), pulled per target platform.
	// +private
	StripImage string

	// Packages to build (default: the main packages of the module).
	// +private
	Packages []string
	// Go build tags.
	// +private
	Tags []string
	// Extra linker flags, templates such as {{.ShortCommit}} expanded.
	// +private
	Ldflags []string
	// Build with cgo.
	// +private
	Cgo bool
	// Require statically linked binaries.
	// +private
	Static bool
	// C library packages installed for the target before a cgo build.
	// +private
	TargetPackages []string
	// Version stamped into main.version, a template such as {{.Tag}}-fips
	// (default: git describe of Source).
	// +private
	Version string
	// Go's own environment for every go command of a build, as NAME=value
	// (GOEXPERIMENT=boringcrypto).
	// +private
	GoEnv []string
	// How binaries are stripped.
	// +private
	Strip StripMode
	// How foreign platforms are built.
	// +private
	Mode BuildMode
	// Suffix of the cache volume names, to keep separate caches.
	// +private
	CacheNamespace string

	// LLVM version of the toolchain (major, or full).
	// +private
	LLVMVersion string
	// Kubernetes version whose code generators the toolchain ships.
	// +private
	KubernetesVersion string
	// Base image of the toolchain when Go comes from a release archive.
	// +private
	ToolchainBaseImage string
	// Where Go release archives are downloaded from.
	// +private
	GoDownloadURL string
	// Go release archive checksums, by Go architecture.
	// +private
	GoChecksums []string
	// Toolchain re-release number, appended to the tag as -N.
	// +private
	Rerelease int

	// Runtime image configuration of containers, image and publish.
	// +private
	Runtime *RuntimeImage
	// Registry credentials publish uses, by withRegistryAuth.
	// +private
	RegistryAuths []RegistryAuth

	// GOPRIVATE patterns.
	// +private
	GoPrivate []string
	// GOPROXY list.
	// +private
	GoProxy []string
	// GONOPROXY patterns.
	// +private
	GoNoProxy []string
	// GONOSUMDB patterns.
	// +private
	GoNoSumDB []string
	// GOSUMDB.
	// +private
	GoSumDB string
	// .netrc for go and git, mounted as a secret file.
	// +private
	Netrc *dagger.Secret
	// Company CA certificates the builders trust beside the system bundle.
	// +private
	CACertificates *dagger.File
	// The same, as a secret.
	// +private
	CACertificatesSecret *dagger.Secret
	// Git tokens by host, by withGitToken.
	// +private
	GitTokens []GitToken
	// Services bound under host names, by withServiceBinding.
	// +private
	ServiceBindings []ServiceBinding
	// Key pair publish, publish-toolchain and release sign with, by
	// withSigningKey.
	// +private
	Signing *Signing
}

// New configures go-build: the source, the builder and the build options.
//
// Flags given before the function name land here, e.g.
// `dagger call --cgo --static build --arch arm64`.
func New(
	ctx context.Context,
	// The caller's workspace, filled in by Dagger: the source is found from
	// the directory dagger runs in as the go command finds it: the nearest
	// go.work (see gowork), else the nearest go.mod, with every directory
	// their local replace directives point at.
	ws *dagger.Workspace,
	// Go source tree to build, the root of a Go module (or of a go.work
	// workspace, naming --packages), e.g. --source ../app. Default: the
	// workspace's, found from the directory dagger runs in.
	// +optional
	source *dagger.Directory,
	// Workspace mode, as GOWORK: auto (the nearest go.work above the
	// directory dagger runs in decides the build: the source is its
	// directory, the default packages every module it uses) or off (the
	// nearest go.mod's module alone).
	// +default="auto"
	gowork GoWorkMode,
	// Build a published Go module instead of the source, as path@version
	// (e.g. github.com/coredns/coredns@v1.11.3). Its source is fetched
	// through the Go module proxy inside the builder, checksum-verified.
	// Default: none, the source is built.
	// +optional
	module string,
	// Go version: the builder image tag (golang:<version>-bookworm) and the
	// Go the toolchain installs, a minor or an exact version, e.g. 1.26 or
	// 1.26.8.
	// +default="1.26"
	goVersion string,
	// Builder image, run on the engine's native platform, e.g.
	// golang:1.26-alpine. Any Debian or Alpine image with Go works.
	// Default: golang:<go-version>-bookworm.
	// +optional
	builderImage string,
	// Ready-made builder container (e.g. an existing calico/go-build tag, or
	// this module's toolchain) used instead of builder-image. Default:
	// none, builder-image is pulled.
	// +optional
	toolchain *dagger.Container,
	// Image that TARGET stripping of cgo binaries runs in, pulled for each
	// target platform, e.g. debian:bookworm-slim; binutils is installed
	// into it when it has no strip.
	// +default="debian:trixie-slim"
	stripImage string,
	// Packages to build, as go patterns read from the module's root (or
	// the go.work's directory), e.g. ./cmd/app. Default: every main package
	// of the module; with a go.work, of every module it uses.
	// +optional
	packages []string,
	// Go build tags, e.g. netgo,osusergo. Default: none.
	// +optional
	tags []string,
	// Extra linker flags, after the ones go-build sets (-buildid= and the
	// version stamp). GoReleaser's template fields are expanded per target:
	// {{.Version}}, {{.Tag}}, {{.Commit}}, {{.ShortCommit}}, {{.Date}},
	// {{.CommitDate}}, {{.CommitTimestamp}}, {{.Os}}, {{.Arch}}, e.g.
	// --ldflags='-X example.com/app/version.Commit={{.ShortCommit}}' (with
	// =, or dagger reads the -X... as its own short flags). Default: none.
	// +optional
	ldflags []string,
	// Build with cgo: clang cross-compiles the C parts against the target's
	// C libraries (Linux targets only).
	// +optional
	cgo bool,
	// Require statically linked binaries; with cgo the external linker is
	// asked for a static binary. Checked on every binary.
	// +optional
	static bool,
	// Distribution packages installed for the target architecture before a
	// cgo build, like xx-apt install (e.g. libsqlite3-dev). Needs cgo.
	// Default: none beyond libc and libgcc.
	// +optional
	targetPackages []string,
	// Version stamped with -X main.version (with main.commit and main.date
	// from git), e.g. v1.2.3. Default: git describe of the source, when it
	// has .git, or a --module's version. Takes the --ldflags templates but
	// {{.Version}}, {{.Os}} and {{.Arch}}, e.g. '{{.Tag}}-fips'.
	// +optional
	version string,
	// Go's own environment for every build, test and image, as NAME=value,
	// e.g. GOEXPERIMENT=boringcrypto or GOFIPS140=v1.0.0; GOFLAGS is added
	// after go-build's -modcacherw. Variables go-build sets (GOOS, GOARCH,
	// GOARM..., CGO_ENABLED, CC, CGO_*...) are refused. Recorded in the
	// provenance. Default: none, the builder's.
	// +optional
	goEnv []string,
	// How binaries are stripped of their symbol table and DWARF: TARGET,
	// NATIVE or NONE. Every mode but NONE links with -s -w (all a pure-Go
	// binary needs) and strips cgo binaries again, TARGET with the
	// target's binutils, NATIVE with llvm-strip; NONE keeps both.
	// +default="TARGET"
	strip StripMode,
	// How foreign platforms are built: CROSS (native compiler, the default)
	// or EMULATE (the whole build under emulation, the baseline).
	// +default="CROSS"
	mode BuildMode,
	// Suffix for the cache volume names, e.g. ci-main; a fresh value gives
	// cold caches. Default: none, the shared go-build-gomod and
	// go-build-gocache-<platform> volumes.
	// +optional
	cacheNamespace string,
	// LLVM version of the toolchain: a major or a full version, e.g. 19 or
	// 19.1.7.
	// +default="19"
	llvmVersion string,
	// Kubernetes version whose code generators the toolchain ships, e.g.
	// 1.33.5.
	// +default="1.34.1"
	kubernetesVersion string,
	// Calico go-build versions.yaml, e.g. --versions-file versions.yaml; its
	// Go, LLVM and Kubernetes versions and Go archive checksums replace
	// go-version, llvm-version and kubernetes-version. Default: none.
	// +optional
	versionsFile *dagger.File,
	// Base image of the toolchain when Go is installed from the release
	// archive (when versions-file gives checksums), e.g. debian:trixie.
	// +default="debian:bookworm"
	toolchainBaseImage string,
	// Where Go release archives are downloaded from, e.g. a mirror's
	// https://mirror.example/golang. No user or password: the URL is in
	// the call's trace.
	// +default="https://go.dev/dl"
	goDownloadUrl string,
	// Toolchain re-release number: N > 0 appends -N to the tag, e.g. 2
	// gives 1.26.8-llvm19.1.7-k8s1.34.1-2. Default: 0, no suffix.
	// +optional
	rerelease int,
	// Private module path patterns (GOPRIVATE), e.g.
	// '*.corp.example.com,github.com/acme': no checksum database is asked
	// about them, and (unless --gonoproxy says otherwise) no proxy: go
	// fetches them from their repositories. Default: none.
	// +optional
	goprivate []string,
	// Module proxies (GOPROXY) in order, e.g.
	// https://athens.corp.example.com,https://proxy.golang.org,direct.
	// Default: go's (https://proxy.golang.org,direct). Logins go in
	// --netrc, not in the URL.
	// +optional
	goproxy []string,
	// Patterns fetched from their repositories rather than a proxy
	// (GONOPROXY), e.g. git.corp.example.com. Default: --goprivate's; none sends private modules
	// through --goproxy too, as a company proxy serving them wants.
	// +optional
	gonoproxy []string,
	// Patterns not checked against the checksum database (GONOSUMDB), on
	// top of --goprivate's, e.g. example.com/internal. Default: none.
	// +optional
	gonosumdb []string,
	// Checksum database (GOSUMDB): off, a name such as sum.golang.org, or
	// name+key [url]. Default: go's (sum.golang.org).
	// +optional
	gosumdb string,
	// A .netrc as a secret, e.g. file:$HOME/.netrc: logins go sends to
	// proxies and go-get pages, and git to HTTPS remotes. Off port 443 the
	// machine carries the port: machine mods.internal:8443 login me
	// password <token>. Mounted as a secret file, never in the
	// environment or a layer. Default: none, no logins.
	// +optional
	netrc *dagger.Secret,
	// PEM bundle of the company's CA certificates (e.g. ./corp-ca.pem),
	// trusted beside the system bundle by go and git in every container
	// that fetches modules or runs git; the public CAs stay trusted.
	// Default: none, the system bundle alone.
	// +optional
	caCertificates *dagger.File,
	// The same PEM bundle as a secret (e.g. env:CORP_CA_PEM), for a CI
	// that keeps it in one: mounted as a secret file, in no layer.
	// Default: none.
	// +optional
	caCertificatesSecret *dagger.Secret,
) (*GoBuild, error) {
	switch gowork {
	case GoWorkModeAuto, GoWorkModeOff:
	default:
		return nil, fmt.Errorf("gowork %q: want auto or off", gowork)
	}
	var (
		noSource      string
		layout        gorepo.Layout
		sourceInclude []string
	)
	if source == nil && module == "" {
		var err error
		source, layout, sourceInclude, err = workspaceSource(ctx, ws, gowork)
		switch {
		case errors.Is(err, errNoGoMod):
			// platforms, target-env, tag... need no source: keep going.
			noSource = err.Error()
		case err != nil:
			return nil, err
		}
	}
	m := &GoBuild{
		NoSourceReason:       noSource,
		Source:               source,
		SourceDir:            layout.Dir,
		SourceInclude:        sourceInclude,
		DefaultPackages:      layout.Packages,
		SourceModulePath:     layout.ModulePath,
		GoWork:               gowork,
		Module:               module,
		GoVersion:            goVersion,
		BuilderImage:         builderImage,
		BuilderContainer:     toolchain,
		StripImage:           stripImage,
		Packages:             packages,
		Tags:                 tags,
		Ldflags:              ldflags,
		Cgo:                  cgo,
		Static:               static,
		TargetPackages:       targetPackages,
		Version:              version,
		GoEnv:                goEnv,
		Strip:                strip,
		Mode:                 mode,
		CacheNamespace:       cacheNamespace,
		LLVMVersion:          llvmVersion,
		KubernetesVersion:    kubernetesVersion,
		ToolchainBaseImage:   toolchainBaseImage,
		GoDownloadURL:        goDownloadUrl,
		Rerelease:            rerelease,
		GoPrivate:            goprivate,
		GoProxy:              goproxy,
		GoNoProxy:            gonoproxy,
		GoNoSumDB:            gonosumdb,
		GoSumDB:              gosumdb,
		Netrc:                netrc,
		CACertificates:       caCertificates,
		CACertificatesSecret: caCertificatesSecret,
	}
	if versionsFile != nil {
		if err := m.applyVersionsFile(ctx, versionsFile); err != nil {
			return nil, err
		}
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	if err := checkCABundle(ctx, caCertificates, caCertificatesSecret); err != nil {
		return nil, err
	}
	// Spellings such as go1.26 or v1.34.1 become the plain versions image
	// tags use.
	req, _ := m.requested()
	m.GoVersion, m.LLVMVersion, m.KubernetesVersion = req.Go, req.LLVM, req.Kubernetes
	return m, nil
}

// validate checks the configuration before any container work.
func (m *GoBuild) validate() error {
	if err := m.buildOptions().Validate(); err != nil {
		return err
	}
	vars, err := goenv.Parse(m.GoEnv)
	if err != nil {
		return err
	}
	if err := goenv.CheckExperiments(vars, m.Cgo, "", ""); err != nil {
		return err
	}
	if m.Module != "" {
		if _, err := gomodule.ParseSpec(m.Module); err != nil {
			return err
		}
	}
	// Go, LLVM and Kubernetes versions are checked together, so a typo in
	// one fails here rather than as an image that does not exist.
	if _, err := m.requested(); err != nil {
		return err
	}
	switch m.Strip {
	case StripModeTarget, StripModeNative, StripModeNone:
	default:
		return fmt.Errorf("strip mode %q: want TARGET, NATIVE or NONE", m.Strip)
	}
	switch m.Mode {
	case BuildModeCross, BuildModeEmulate:
	default:
		return fmt.Errorf("build mode %q: want CROSS or EMULATE", m.Mode)
	}
	if err := m.privateSettings().Validate(); err != nil {
		return err
	}
	if err := toolchainver.CheckDownloadURL(m.GoDownloadURL); err != nil {
		return err
	}
	if m.Rerelease < 0 {
		return fmt.Errorf("rerelease %d: want 0 (none) or a positive number", m.Rerelease)
	}
	return nil
}

func (m *GoBuild) buildOptions() buildopts.Options {
	return buildopts.Options{
		Packages:       m.packages(),
		Tags:           m.Tags,
		Ldflags:        m.Ldflags,
		Version:        m.Version,
		Cgo:            m.Cgo,
		Static:         m.Static,
		TargetPackages: m.TargetPackages,
		Strip:          m.stripped(),
	}
}

// packages are the package patterns to build: the configured ones, else
// the layout's default (nil: every package of the module).
func (m *GoBuild) packages() []string {
	if len(m.Packages) > 0 {
		return m.Packages
	}
	return m.DefaultPackages
}

// builderImage is the image the compiler runs in.
func (m *GoBuild) builderImage() string {
	if m.BuilderImage != "" {
		return m.BuilderImage
	}
	return "golang:" + m.GoVersion + "-bookworm"
}

// workspaceSource is the source of the workspace directory dagger runs in,
// found as the go command finds it (gorepo.Discover): the smallest directory
// holding the nearest go.work (unless gowork is off) or go.mod and every
// directory they need, with only those uploaded, without what their
// .gitignore files ignore.
//
// It returns the source, its layout, and what of it was uploaded when not
// all of it was.
func workspaceSource(ctx context.Context, ws *dagger.Workspace, gowork GoWorkMode) (*dagger.Directory, gorepo.Layout, []string, error) {
	if ws == nil {
		ws = dag.CurrentWorkspace()
	}
	var goWork string
	if gowork != GoWorkModeOff {
		var err error
		if goWork, err = ws.FindUp(ctx, "go.work"); err != nil {
			return nil, gorepo.Layout{}, nil, fmt.Errorf("finding the Go workspace to build: %v", err)
		}
	}
	goMod, err := ws.FindUp(ctx, "go.mod")
	if err != nil {
		return nil, gorepo.Layout{}, nil, fmt.Errorf("finding the Go module to build: %v", err)
	}
	if goMod == "" && goWork == "" {
		return nil, gorepo.Layout{}, nil, errNoGoMod
	}
	layout, err := gorepo.Discover(goWork, goMod, func(p string) ([]byte, error) {
		s, err := ws.File(p).Contents(ctx)
		return []byte(s), err
	})
	if err != nil {
		return nil, layout, nil, err
	}
	opts := dagger.WorkspaceDirectoryOpts{
		// The project's .gitignore applies: outputs such as bin/ or dist/
		// exported into the checkout are not source, and must not change
		// the cache keys of the next build.
		Gitignore: true,
	}
	if layout.Include != nil {
		// Only the directories the build needs: a change anywhere else in
		// the repository keeps the build cached. The release's license
		// and readme files come from the build's directory.
		opts.Include = layout.Include
		for _, pattern := range release.DefaultFilePatterns {
			opts.Include = append(opts.Include, path.Join(layout.Dir, pattern))
		}
	}
	return ws.Directory(layout.Root, opts), layout, opts.Include, nil
}

// errNoGoMod says the workspace is not in a Go module.
var errNoGoMod = errors.New("no go.mod or go.work in the workspace's directory or above it: run dagger in a Go module or workspace, or pass --source or --module")

// requireSource fails fn, a function that builds, when there is nothing to
// build; it runs before any other work of fn.
func (m *GoBuild) requireSource(fn string) error {
	if m.Source == nil && m.Module == "" {
		reason := m.NoSourceReason
		if reason == "" {
			reason = errNoGoMod.Error()
		}
		return fmt.Errorf("%s needs a Go source to build: %s", fn, reason)
	}
	return nil
}
