package main

import (
	"context"
	"fmt"
	"path"
	"strings"
	"sync"

	"dagger/go-build/internal/buildopts"
	"dagger/go-build/internal/cgoenv"
	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/goenv"
	"dagger/go-build/internal/gomodule"
	"dagger/go-build/internal/platform"
)

const (
	srcDir       = "/src"
	outDir       = "/out"
	goModCache   = "/go/pkg/mod"
	goBuildCache = "/root/.cache/go-build"
)

// Build compiles the command binaries for one platform into a directory.
//
// The binaries come out stripped and verified; export them with
// `export --path ./bin`. The compiler runs on the engine's own platform
// with the target's environment; cgo code is compiled by clang against the
// target's C libraries.
func (m *GoBuild) Build(
	ctx context.Context,
	// Target platform: a short name (amd64, arm64, arm, armv7, armv6, armv5,
	// 386, ppc64le, s390x, riscv64, amd64v3, ...) or a platform string,
	// e.g. arm64, linux/arm/v7, linux/amd64/v3, windows/amd64 or
	// darwin/arm64 (the platforms function lists them all). Default: the
	// engine's own platform.
	// +optional
	arch string,
) (*dagger.Directory, error) {
	if err := m.requireSource("build"); err != nil {
		return nil, err
	}
	plan, t, err := m.planOne(ctx, arch)
	if err != nil {
		return nil, err
	}
	return plan.binaries(ctx, t, m.Static)
}

// Builder returns the container a target is compiled in.
//
// The source is at /src, the module cache is warm and the target
// environment applied: a place for a look around with `terminal`.
func (m *GoBuild) Builder(
	ctx context.Context,
	// Target platform, as for build, e.g. arm64 or linux/arm/v7. Default:
	// the engine's own platform.
	// +optional
	arch string,
) (*dagger.Container, error) {
	if err := m.requireSource("builder"); err != nil {
		return nil, err
	}
	plan, t, err := m.planOne(ctx, arch)
	if err != nil {
		return nil, err
	}
	return plan.targetContainer(ctx, t)
}

// TargetEnv prints the environment a target is compiled with.
//
// That is GOOS, GOARCH, GOARM..., with cgo CC, CGO_LDFLAGS and the
// pkg-config paths, and --go-env. It needs no source.
func (m *GoBuild) TargetEnv(
	// Target platform, as for build, e.g. arm64 or linux/arm/v7.
	arch string,
) (string, error) {
	t, err := platform.Parse(arch)
	if err != nil {
		return "", err
	}
	if err := m.checkTarget(t); err != nil {
		return "", err
	}
	lines := t.GoEnv()
	if m.Cgo {
		for _, kv := range (cgoenv.Builder{Distro: cgoenv.Debian}).Env(t) {
			lines = append(lines, kv[0]+"="+kv[1])
		}
	} else {
		lines = append(lines, "CGO_ENABLED=0")
	}
	for _, v := range m.goEnvVars() {
		lines = append(lines, v.String())
	}
	return strings.Join(lines, "\n") + "\n", nil
}

// Platforms lists the target platforms go-build accepts.
//
// It needs no source.
func (m *GoBuild) Platforms() []string {
	return platform.Supported()
}

// target parses arch, defaulting to the engine's platform, and checks it
// against the configuration.
func (m *GoBuild) target(ctx context.Context, arch string) (platform.Target, error) {
	if arch == "" {
		return m.nativeTarget(ctx)
	}
	t, err := platform.Parse(arch)
	if err != nil {
		return platform.Target{}, err
	}
	return t, m.checkTarget(t)
}

// checkTarget rejects combinations that cannot work, before any container
// work.
func (m *GoBuild) checkTarget(t platform.Target) error {
	if m.Cgo && !t.CgoSupported() {
		return fmt.Errorf("cgo cross-compilation for %s is not supported (cgo builds target Linux): turn cgo off to build it as pure Go", t)
	}
	if m.Mode == BuildModeEmulate && !t.IsLinux() {
		return fmt.Errorf("EMULATE runs the build in a %s container, and only Linux containers exist: use CROSS", t)
	}
	return goenv.CheckExperiments(m.goEnvVars(), m.Cgo, t.GOOS, t.GOARCH)
}

func (m *GoBuild) nativeTarget(ctx context.Context) (platform.Target, error) {
	p, err := dag.DefaultPlatform(ctx)
	if err != nil {
		return platform.Target{}, err
	}
	t, err := platform.Parse(string(p))
	if err != nil {
		return platform.Target{}, fmt.Errorf("the engine's platform %q: %v", p, err)
	}
	return t, nil
}

// planOne resolves arch and prepares a build of it alone.
func (m *GoBuild) planOne(ctx context.Context, arch string) (*buildPlan, platform.Target, error) {
	t, err := m.target(ctx, arch)
	if err != nil {
		return nil, t, err
	}
	plan, err := m.plan(ctx, []platform.Target{t})
	return plan, t, err
}

// buildPlan is what every target of one call shares: the source, the
// version stamp and, for a pure-Go cross build, the one exec that compiles
// every target.
type buildPlan struct {
	m       *GoBuild
	native  platform.Target
	targets []platform.Target
	src     *dagger.Directory
	// known is the stamp known before the build: a --module's version,
	// commit and time; the compile reads the rest from git itself.
	known buildopts.Stamp
	// stamp, remote and commitTS are set by readStamp, for what is
	// written about the binaries (labels, names, attestations); the
	// compile reads the stamp it links by itself. remote is the origin
	// remote as redact.Remote reduces it: scheme://host/path, or "".
	stamp    buildopts.Stamp
	remote   string
	commitTS string
	// stampRead runs readStamp once, when the first caller needs the
	// stamp; a build of binaries alone never does.
	stampRead func() error
	// compileAll runs the shared compile once, however many targets
	// ask for their binaries.
	compileAll func() (*dagger.Container, error)
}

// plan prepares the shared part of a build for targets: the source. Nothing
// runs before the compile: no module download (the compile's own go list
// and go build fetch what the build needs into the module cache volume, and
// nothing when it is warm), and no stamp read (the compile reads the stamp
// it links from git itself; stampRead reads it for the caller, beside the
// compile).
func (m *GoBuild) plan(ctx context.Context, targets []platform.Target) (*buildPlan, error) {
	for _, t := range targets {
		if err := m.checkTarget(t); err != nil {
			return nil, err
		}
	}
	native, err := m.nativeTarget(ctx)
	if err != nil {
		return nil, err
	}
	builder := m.builder(native)
	src, known, err := m.source(ctx, builder)
	if err != nil {
		return nil, err
	}
	p := &buildPlan{m: m, native: native, targets: targets, src: src, known: known}
	if err := p.checkStampSources(ctx); err != nil {
		return nil, err
	}
	p.stampRead = sync.OnceValue(func() error { return p.readStamp(ctx, builder) })
	p.compileAll = sync.OnceValues(func() (*dagger.Container, error) { return p.runCompileAll(ctx) })
	return p, nil
}

// moduleDir is the source's directory the go command runs in: the module's
// root, or the go.work's directory.
func (p *buildPlan) moduleDir() *dagger.Directory {
	if p.m.SourceDir == "" || p.m.SourceDir == "." {
		return p.src
	}
	return p.src.Directory(p.m.SourceDir)
}

// builder is the builder image (or ready-made toolchain) on platform p, with
// the Go caches mounted and the private modules' access (the company CA,
// settings, credentials and services): every container that fetches
// modules or runs git starts here. GOCACHE is per builder platform; the
// module cache is shared by all.
func (m *GoBuild) builder(p platform.Target) *dagger.Container {
	var ctr *dagger.Container
	if m.BuilderContainer != nil && m.Mode == BuildModeCross {
		ctr = m.BuilderContainer
	} else {
		ctr = dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(p.String())}).From(m.builderImage())
	}
	ctr = m.withCompanyCA(ctr)
	if m.GoWork == GoWorkModeOff {
		// A go.work in the source must not decide the build either.
		ctr = ctr.WithEnvVariable("GOWORK", "off")
	}
	ctr = ctr.
		WithMountedCache(goModCache, dag.CacheVolume(m.cacheName("gomod"))).
		WithMountedCache(goBuildCache, dag.CacheVolume(m.cacheName("gocache-"+p.Name()))).
		WithEnvVariable("GOMODCACHE", goModCache).
		WithEnvVariable("GOCACHE", goBuildCache).
		WithEnvVariable("GOFLAGS", goFlags)
	// Private modules' settings, credentials and services, and git's
	// configuration (the source is owned by another user than the
	// builder's: git, and so go's VCS stamping, must read it anyway).
	return m.withModuleAccess(ctr)
}

func (m *GoBuild) cacheName(kind string) string {
	name := "go-build-" + kind
	if m.CacheNamespace != "" {
		name += "-" + m.CacheNamespace
	}
	return name
}

// downloadedMarker is the file an EMULATE target's module download
// leaves; mounting it makes the build wait for the download.
const downloadedMarker = "/tmp/go-build-downloaded"

// withSource mounts the source in ctr and works in the source's module (or
// go.work) directory. It comes after the toolchain setup, so a changed
// source file does not repeat the setup.
func (m *GoBuild) withSource(ctr *dagger.Container, src *dagger.Directory) *dagger.Container {
	if len(m.SourceInclude) > 0 {
		// The stamp script tells the files left out from deleted ones.
		ctr = ctr.WithEnvVariable(buildopts.PartialSourceEnv, strings.Join(m.SourceInclude, "\n"))
	}
	return ctr.WithMountedDirectory(srcDir, src).WithWorkdir(path.Join(srcDir, m.SourceDir))
}

// downloadModules downloads the source's modules into the module cache in
// ctr and returns the marker it left. In a go.work workspace go mod download
// asks the proxy for the workspace's own modules, so the packages' imports
// are listed instead, which fetches what they need.
func (m *GoBuild) downloadModules(ctr *dagger.Container) *dagger.File {
	script := []string{"sh", "-c", `go mod download && echo downloaded > "$1"`, "sh", downloadedMarker}
	if len(m.DefaultPackages) > 0 {
		script = append([]string{"sh", "-c", `marker=$1; shift; go list -deps -- "$@" >/dev/null && echo downloaded > "$marker"`,
			"sh", downloadedMarker}, m.DefaultPackages...)
	}
	return ctr.WithExec(script).File(downloadedMarker)
}

// targetContainer is the builder for t: the cgo cross toolchain (or
// CGO_ENABLED=0) first, then Go's target variables, then the source.
func (p *buildPlan) targetContainer(ctx context.Context, t platform.Target) (*dagger.Container, error) {
	if p.m.Mode == BuildModeEmulate {
		return p.emulatedContainer(ctx, t)
	}
	ctr := p.m.builder(p.native)
	if p.m.Cgo {
		b, err := p.m.detectBuilder(ctx, ctr)
		if err != nil {
			return nil, err
		}
		script, err := b.SetupScript(t, p.m.TargetPackages)
		if err != nil {
			return nil, fmt.Errorf("builder %s: %v", p.m.builderName(), err)
		}
		// Run the setup now, so that a target whose C libraries cannot be
		// installed fails naming the target and the package manager's
		// reason.
		ctr, err = ctr.WithExec([]string{"sh", "-c", script}).Sync(ctx)
		if err != nil {
			return nil, fmt.Errorf("setting up cgo for %s on %s (target packages: %s): %v",
				t, p.m.builderName(), targetPackagesText(p.m.TargetPackages), withStderr(err))
		}
		for _, kv := range b.Env(t) {
			ctr = ctr.WithEnvVariable(kv[0], kv[1])
		}
	} else {
		ctr = ctr.WithEnvVariable("CGO_ENABLED", "0")
	}
	return p.m.withSource(withGoEnv(p.m.withGoEnvVars(ctr), t), p.src), nil
}

// targetPackagesText lists the extra target packages for messages; libc and
// libgcc are always installed.
func targetPackagesText(pkgs []string) string {
	return strings.Join(append([]string{"libc", "libgcc"}, pkgs...), ", ")
}

// detectBuilder tells the builder's package system, for the cgo setup.
func (m *GoBuild) detectBuilder(ctx context.Context, ctr *dagger.Container) (cgoenv.Builder, error) {
	out, err := ctr.WithExec(cgoenv.DetectCommand()).Stdout(ctx)
	if err != nil {
		return cgoenv.Builder{}, fmt.Errorf("builder %s: telling its package system: %v", m.builderName(), withStderr(err))
	}
	b, err := cgoenv.ParseBuilder(out)
	if err != nil {
		return b, fmt.Errorf("builder %s: %v", m.builderName(), err)
	}
	return b, nil
}

func withGoEnv(ctr *dagger.Container, t platform.Target) *dagger.Container {
	for _, kv := range t.GoEnv() {
		name, value, _ := strings.Cut(kv, "=")
		ctr = ctr.WithEnvVariable(name, value)
	}
	return ctr
}

func (m *GoBuild) builderName() string {
	if m.BuilderContainer != nil && m.Mode == BuildModeCross {
		return "(ready-made toolchain)"
	}
	return m.builderImage()
}

// sharesCompile says whether one exec compiles every target: in a pure-Go
// cross build the targets differ only in Go's environment, so one
// container on the engine's platform builds them all, side by side, with
// one build cache. A cgo target needs its own C libraries installed, and an
// EMULATE target its own platform: those get a container each.
func (p *buildPlan) sharesCompile() bool {
	return p.m.Mode == BuildModeCross && !p.m.Cgo
}

// compile runs go build for t and returns its unstripped binaries.
func (p *buildPlan) compile(ctx context.Context, t platform.Target) (*dagger.Directory, error) {
	if p.sharesCompile() {
		built, err := p.compileAll()
		if err != nil {
			return nil, err
		}
		return built.Directory(targetOutDir(t)), nil
	}
	ctr, err := p.targetContainer(ctx, t)
	if err != nil {
		return nil, err
	}
	// The container has t's environment already. Listing the main
	// packages and building them is one exec: nothing waits on a round
	// trip between the two, and the build stays lazy until its binaries
	// are read.
	script := p.m.buildOptions().BuildScript([]buildopts.Target{p.scriptTarget(t, nil)}, p.known, 1)
	return ctr.WithExec(script).Directory(targetOutDir(t)), nil
}

// runCompileAll compiles every target of a pure-Go cross build in one exec
// and returns the container, its binaries under targetOutDir. A target that
// fails does not stop the others; the error names each failed target with
// the compiler's reason.
func (p *buildPlan) runCompileAll(ctx context.Context) (*dagger.Container, error) {
	targets := make([]buildopts.Target, len(p.targets))
	names := make([]string, len(p.targets))
	for i, t := range p.targets {
		targets[i] = p.scriptTarget(t, t.GoEnv())
		names[i] = t.String()
	}
	ctr := p.m.withSource(p.m.withGoEnvVars(p.m.builder(p.native).WithEnvVariable("CGO_ENABLED", "0")), p.src)
	built, err := ctr.WithExec(p.m.buildOptions().BuildScript(targets, p.known, maxParallelPlatforms)).Sync(ctx)
	if err != nil {
		return nil, fmt.Errorf("building %s: %v", strings.Join(names, ", "), withStderr(err))
	}
	return built, nil
}

// compileShared runs the shared compile, when there is one, before a
// fan-out over the targets: a failure is reported once, naming the targets
// that failed, not as the failure of whichever target asked first.
func (p *buildPlan) compileShared() error {
	if !p.sharesCompile() {
		return nil
	}
	_, err := p.compileAll()
	return err
}

// scriptTarget is t in a build script, with env as its environment.
func (p *buildPlan) scriptTarget(t platform.Target, env []string) buildopts.Target {
	return buildopts.Target{
		Name: t.String(), OutDir: targetOutDir(t), Env: env, NoMain: p.m.noMainPackage(t).Error(),
		GOOS: t.GOOS, GOARCH: t.GOARCH,
	}
}

// targetOutDir is where t's binaries are compiled to.
func targetOutDir(t platform.Target) string {
	return path.Join(outDir, targetDir(t))
}

func (m *GoBuild) noMainPackage(t platform.Target) error {
	if m.Module != "" {
		return gomodule.NoMainPackageError(m.Module)
	}
	patterns := "./..."
	if pkgs := m.packages(); len(pkgs) > 0 {
		patterns = strings.Join(pkgs, " ")
	}
	return fmt.Errorf("no main package to build for %s in %s: name command packages with --packages", t, patterns)
}

// binaries builds, strips and verifies the binaries for t. static demands
// statically linked binaries.
func (p *buildPlan) binaries(ctx context.Context, t platform.Target, static bool) (*dagger.Directory, error) {
	out, err := p.stripped(ctx, t)
	if err != nil {
		return nil, err
	}
	rules := p.m.rules()
	rules.static = static
	if err := verify(ctx, out, t, rules); err != nil {
		return nil, err
	}
	return out, nil
}

// stripped is t's binaries built and stripped but not yet verified: for a
// caller that exports them anyway and verifies them there (exportVerified).
func (p *buildPlan) stripped(ctx context.Context, t platform.Target) (*dagger.Directory, error) {
	built, err := p.compile(ctx, t)
	if err != nil {
		return nil, err
	}
	return p.strip(built, t), nil
}
