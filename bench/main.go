// Benchmark of go-build: wall times of native, cross and emulated builds of
// real projects, and of go-build against the baselines a user could use
// instead (a hand-written Dagger pipeline, ko, emulated go test,
// GoReleaser, a go build loop as the platforms grow), all taken in one
// run, printed as markdown tables with ratios. `dagger call -m bench run`
// runs every measurement; compile, strip, image, baselines, go-test,
// release and scaling run one part.
//
// Every measurement runs alone, one after the other, so none steals CPU from
// another. Cold measurements use a fresh go-build cache namespace each (empty
// Go module and build caches, no exec cache key shared with anything); warm
// ones reuse their cold run's namespace with one source file changed. The
// images are pulled before anything is timed. The benchmark never asserts a
// time: it reports what the engine did.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"dagger/bench/internal/dagger"
	"dagger/bench/internal/plan"
	"dagger/bench/internal/report"
)

// sourceNamespace is the go-build cache namespace the projects' sources are
// fetched with, outside any timing; kept across runs so the fetch is cached.
const sourceNamespace = "bench-source"

// Bench measures go-build on a pure-Go project and a cgo project.
type Bench struct {
	// +private
	Project string
	// +private
	ProjectPackages []string
	// +private
	TouchFile string
	// +private
	CgoProject string
	// +private
	CgoPackages []string
	// +private
	CgoTouchFile string
	// +private
	CgoTags []string
	// +private
	CgoTargetPackages []string
	// +private
	BuilderImage string
	// +private
	StripImage string
	// +private
	RegistryImage string
	// +private
	KoBaseImage string
	// +private
	KoVersion string
	// +private
	GoreleaserVersion string
	// +private
	TestProject string
	// +private
	TestPackages []string
	// +private
	TestTouchFile string
	// +private
	TestShort bool
	// +private
	ReleaseProject string
	// +private
	ReleasePackages []string
	// +private
	ReleaseTouchFile string
	// +private
	GoProxy string
}

// New configures the benchmark: the projects and the images.
//
// Every default is public, and every image can be replaced (e.g. by a
// mirror).
func New(
	// Pure-Go project measured, a Go module as path@version (fetched through
	// the Go module proxy).
	// +default="github.com/coredns/coredns@v1.11.3"
	project string,
	// Packages of project to build, as go patterns.
	// +default=["."]
	projectPackages []string,
	// Go file of project, relative to its root, that warm builds change (a
	// comment is appended).
	// +default="coredns.go"
	touchFile string,
	// cgo project measured, as path@version. The default builds go-sqlite3's
	// sample program, which compiles the SQLite C amalgamation with the C
	// cross compiler and links it against the target's libc.
	// +default="github.com/mattn/go-sqlite3@v1.14.24"
	cgoProject string,
	// Packages of cgo-project to build, as go patterns (directories starting
	// with _ are skipped by ./... but can be named).
	// +default=["./_example/simple"]
	cgoPackages []string,
	// Go file of cgo-project, relative to its root, that warm builds change.
	// A file of the C-wrapping package (sqlite3.go) would make warm builds
	// recompile the C code too.
	// +default="_example/simple/simple.go"
	cgoTouchFile string,
	// Go build tags of the cgo-project builds (e.g. libsqlite3 to link the
	// system SQLite, with cgo-target-packages libsqlite3-dev).
	// +optional
	cgoTags []string,
	// Distribution packages installed for the target before the cgo-project
	// builds, e.g. libsqlite3-dev.
	// +optional
	cgoTargetPackages []string,
	// Builder image of every build, pulled for the engine's platform and,
	// for the emulated builds, for the foreign one.
	// +default="golang:1.26-bookworm"
	builderImage string,
	// Image TARGET stripping runs in, pulled for the foreign platform.
	// +default="debian:trixie-slim"
	stripImage string,
	// Registry image the image baselines push to, run as a service on the
	// engine's platform (distribution's registry: port 5000, plain HTTP).
	// +default="registry:2"
	registryImage string,
	// Base image of both sides of the ko baseline: ko's
	// KO_DEFAULTBASEIMAGE (copied into the registry service first) and
	// go-build's runtime base. It must have the four image platforms
	// (amd64, arm64, ppc64le, s390x).
	// +default="busybox:latest"
	koBaseImage string,
	// ko version the ko baseline installs (go install
	// github.com/google/ko@<version>).
	// +default="v0.18.0"
	koVersion string,
	// GoReleaser version the release baseline installs (go install
	// github.com/goreleaser/goreleaser/v2@<version>); the builder image's
	// Go must be at least the one its go.mod asks for (1.26.1 for v2.15.1).
	// +default="v2.15.1"
	goreleaserVersion string,
	// Project whose Go tests the test measurement runs, as path@version.
	// Its tests must pass on linux/arm64 and linux/s390x.
	// +default="gopkg.in/yaml.v3@v3.0.1"
	testProject string,
	// Packages of test-project to test, as go patterns.
	// +default=["."]
	testPackages []string,
	// Go file of test-project, relative to its root, that warm test runs
	// change.
	// +default="yaml.go"
	testTouchFile string,
	// Run the tests with go test -short, which skips yaml.v3's TestLimits
	// (about 30 s alone, natively). --test-short=false runs them all.
	// +default=true
	testShort bool,
	// Project of the release measurement, as path@version. A small one
	// keeps the run short; coredns makes it a large build.
	// +default="github.com/rakyll/hey@v0.1.4"
	releaseProject string,
	// Main packages of release-project to release, as go patterns naming
	// directories (GoReleaser builds one main package per build).
	// +default=["."]
	releasePackages []string,
	// Go file of release-project, relative to its root, that the warm
	// builds of the scaling measurement change.
	// +default="hey.go"
	releaseTouchFile string,
	// Go module proxy (GOPROXY) of every fetch, build and tool install,
	// go-build's and the baselines', e.g. http://10.87.0.1:8099 for a
	// forwarder on the engine's host. Default: go's.
	// +optional
	goproxy string,
) *Bench {
	return &Bench{
		Project:           project,
		ProjectPackages:   projectPackages,
		TouchFile:         touchFile,
		CgoProject:        cgoProject,
		CgoPackages:       cgoPackages,
		CgoTouchFile:      cgoTouchFile,
		CgoTags:           cgoTags,
		CgoTargetPackages: cgoTargetPackages,
		BuilderImage:      builderImage,
		StripImage:        stripImage,
		RegistryImage:     registryImage,
		KoBaseImage:       koBaseImage,
		KoVersion:         koVersion,
		GoreleaserVersion: goreleaserVersion,
		TestProject:       testProject,
		TestPackages:      testPackages,
		TestTouchFile:     testTouchFile,
		TestShort:         testShort,
		ReleaseProject:    releaseProject,
		ReleasePackages:   releasePackages,
		ReleaseTouchFile:  releaseTouchFile,
		GoProxy:           goproxy,
	}
}

// Run takes every measurement, one after the other, and returns the tables.
//
// The tables are native vs cross vs emulated builds, cold and warm, of both
// projects; strip TARGET vs NATIVE; a four-platform image vs four single
// builds; go-build vs a hand-written Dagger pipeline and vs ko; go-build's
// cross-compiled tests vs emulated go test; go-build's release vs
// GoReleaser; and go-build vs GoReleaser vs a go build loop for 1, 2, 4
// and 8 platforms. With the emulated builds this takes a long time (cold
// emulated builds of a large project take tens of minutes).
// +cache="never"
func (m *Bench) Run(
	ctx context.Context,
	// Leave out the emulated builds and the emulated go test runs, by far
	// the slowest part (the test table keeps its cross rows).
	// +optional
	skipEmulated bool,
	// Leave out the comparisons with other tools: the hand-written
	// pipeline, ko and GoReleaser, and the scaling table (which compares
	// with GoReleaser too).
	// +optional
	skipBaselines bool,
	// Leave out the scaling table (go-build, GoReleaser and a go build
	// loop for 1, 2, 4 and 8 platforms, cold and warm), the longest of the
	// comparisons.
	// +optional
	skipScaling bool,
) (string, error) {
	e, err := m.prepare(ctx)
	if err != nil {
		return "", err
	}
	var parts []report.Part
	for _, cgo := range []bool{false, true} {
		s, err := m.compile(ctx, e, cgo, skipEmulated)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	s, err := m.strip(ctx, e)
	if err != nil {
		return "", err
	}
	parts = append(parts, s)
	img, err := m.image(ctx, e)
	if err != nil {
		return "", err
	}
	for _, s := range img {
		parts = append(parts, s)
	}
	if !skipBaselines {
		b, err := m.baselines(ctx, e)
		if err != nil {
			return "", err
		}
		parts = append(parts, b...)
	}
	t, err := m.goTest(ctx, e, skipEmulated)
	if err != nil {
		return "", err
	}
	parts = append(parts, t)
	if !skipBaselines {
		r, err := m.release(ctx, e)
		if err != nil {
			return "", err
		}
		parts = append(parts, r)
	}
	if !skipBaselines && !skipScaling {
		sc, err := m.scaling(ctx, e, plan.DefaultScalingCounts)
		if err != nil {
			return "", err
		}
		parts = append(parts, sc)
	}
	return m.document(e, parts...), nil
}

// Compile times native, cross and emulated builds of one project.
//
// Each is timed cold and warm; ratios in the table are relative to the
// native build of the same temperature.
// +cache="never"
func (m *Bench) Compile(
	ctx context.Context,
	// Measure cgo-project instead of project.
	// +optional
	cgo bool,
	// Leave out the emulated builds, by far the slowest part.
	// +optional
	skipEmulated bool,
) (string, error) {
	return m.report(ctx, func(ctx context.Context, e run) ([]report.Part, error) {
		return one(m.compile(ctx, e, cgo, skipEmulated))
	})
}

// Strip times TARGET against NATIVE stripping of a foreign binary.
//
// The compile is cached; the table gives the ratio TARGET/NATIVE.
// +cache="never"
func (m *Bench) Strip(ctx context.Context) (string, error) {
	return m.report(ctx, func(ctx context.Context, e run) ([]report.Part, error) {
		return one(m.strip(ctx, e))
	})
}

// Image times a cold four-platform image against four cold single builds.
//
// The platforms are amd64, arm64, ppc64le and s390x; the table gives the
// ratio image/sum.
// +cache="never"
func (m *Bench) Image(ctx context.Context) (string, error) {
	e, err := m.prepare(ctx)
	if err != nil {
		return "", err
	}
	s, err := m.image(ctx, e)
	if err != nil {
		return "", err
	}
	parts := make([]report.Part, len(s))
	for i := range s {
		parts[i] = s[i]
	}
	return m.document(e, parts...), nil
}

// Baselines times go-build against a hand-written Dagger pipeline and against ko.
//
// The pipeline table compares one unstripped cross build, cold, warm with
// nothing changed and warm with one file changed; the ko table compares a
// four-platform image pushed to a registry service, cold and warm with one
// file changed. Ratios are go-build's time over the other tool's.
// +cache="never"
func (m *Bench) Baselines(ctx context.Context) (string, error) {
	return m.report(ctx, m.baselines)
}

// PipelineBaseline times go-build against a hand-written Dagger pipeline alone.
//
// It is the first table of baselines: one unstripped cross build, cold,
// warm with nothing changed and warm with one file changed.
// +cache="never"
func (m *Bench) PipelineBaseline(ctx context.Context) (string, error) {
	return m.report(ctx, func(ctx context.Context, e run) ([]report.Part, error) {
		return one(m.pipelineBaseline(ctx, e))
	})
}

// KoBaseline times go-build's publish against ko alone.
//
// It is the second table of baselines: a four-platform image pushed to a
// registry service, cold and warm with one file changed.
// +cache="never"
func (m *Bench) KoBaseline(ctx context.Context) (string, error) {
	return m.report(ctx, func(ctx context.Context, e run) ([]report.Part, error) {
		return one(m.koBaseline(ctx, e))
	})
}

// GoTest times go-build's cross-compiled tests against go test run wholly under emulation.
//
// Both run the test project's tests on linux/arm64 and linux/s390x, cold
// and warm with one file changed; the ratio is cross over emulated.
// +cache="never"
func (m *Bench) GoTest(ctx context.Context) (string, error) {
	return m.report(ctx, func(ctx context.Context, e run) ([]report.Part, error) {
		return one(m.goTest(ctx, e, false))
	})
}

// Release times go-build's release of six platforms against GoReleaser's build of the same platforms.
//
// Both build the release project cold (empty Go caches) for linux/amd64,
// linux/arm64, linux/arm/v7, darwin/arm64, windows/amd64 and linux/s390x;
// the ratio is go-build over GoReleaser.
// +cache="never"
func (m *Bench) Release(ctx context.Context) (string, error) {
	return m.report(ctx, func(ctx context.Context, e run) ([]report.Part, error) {
		return one(m.release(ctx, e))
	})
}

// Scaling times go-build's release, GoReleaser and a go build loop as platforms are added.
//
// For each count n, all three build the release project for the first n
// of linux/amd64, linux/arm64, linux/arm/v7, linux/s390x, linux/ppc64le,
// darwin/arm64, windows/amd64 and linux/riscv64: go-build `release
// --binaries-only`, GoReleaser `build --snapshot --clean`, and one go build
// per platform, one after the other, in one container. Each is timed cold
// (fresh Go caches) and warm with release-touch-file changed; the ratios
// are go-build over GoReleaser and over the loop.
// +cache="never"
func (m *Bench) Scaling(
	ctx context.Context,
	// Numbers of platforms to measure, each from 1 to 8 and each once: n
	// builds the first n platforms of the list above.
	// +default=[1,2,4,8]
	counts []int,
) (string, error) {
	return m.report(ctx, func(ctx context.Context, e run) ([]report.Part, error) {
		return one(m.scaling(ctx, e, counts))
	})
}

// report prepares a run, takes the measurements of measure and returns
// them as one markdown document: the body of every function that measures
// one part.
func (m *Bench) report(ctx context.Context, measure func(context.Context, run) ([]report.Part, error)) (string, error) {
	e, err := m.prepare(ctx)
	if err != nil {
		return "", err
	}
	parts, err := measure(ctx, e)
	if err != nil {
		return "", err
	}
	return m.document(e, parts...), nil
}

// one makes a single measured table a list of parts, for report.
func one[P report.Part](part P, err error) ([]report.Part, error) {
	if err != nil {
		return nil, err
	}
	return []report.Part{part}, nil
}

// run is what the measurements of one call share.
type run struct {
	id      string // unique to the call: part of every cache namespace and nonce
	started time.Time
	native  string // the engine's platform, e.g. linux/amd64
	foreign string // the cross and emulated target, e.g. linux/arm64
}

// project is one measured Go module and how it is built.
type project struct {
	module         string
	packages       []string
	touch          string
	cgo            bool
	tags           []string
	targetPackages []string
}

func (m *Bench) project(cgo bool) project {
	if cgo {
		return project{
			module: m.CgoProject, packages: m.CgoPackages, touch: m.CgoTouchFile,
			cgo: true, tags: m.CgoTags, targetPackages: m.CgoTargetPackages,
		}
	}
	return project{module: m.Project, packages: m.ProjectPackages, touch: m.TouchFile}
}

// name is the project's name in the tables.
func (p project) name() string {
	if p.cgo {
		return plan.DisplayName(p.module) + " (cgo)"
	}
	return plan.DisplayName(p.module)
}

// namespace is the cache namespace of one measurement of p.
func (p project) namespace(r run, measurement ...string) string {
	parts := []string{plan.ShortName(p.module)}
	if p.cgo {
		parts = append(parts, "cgo")
	}
	return plan.Namespace(r.id, append(parts, measurement...)...)
}

// prepare finds the engine's platform and pulls every image the builds use,
// so no pull is timed.
func (m *Bench) prepare(ctx context.Context) (run, error) {
	p, err := dag.DefaultPlatform(ctx)
	if err != nil {
		return run{}, err
	}
	r := run{
		id:      strconv.FormatInt(time.Now().UnixNano(), 36),
		started: time.Now().UTC(),
		native:  string(p),
		foreign: plan.Foreign(string(p)),
	}
	pulls := []struct {
		platform, image string
		check           []string
	}{
		{r.native, m.BuilderImage, []string{"go", "version"}},
		{r.foreign, m.BuilderImage, []string{"go", "version"}},
		{r.foreign, m.StripImage, []string{"true"}},
	}
	for _, p := range pulls {
		if err := pull(ctx, p.platform, p.image, p.check...); err != nil {
			return run{}, err
		}
	}
	return r, nil
}

// pull has the engine fetch image for platform, so no timing includes the
// pull, and runs check in it.
func pull(ctx context.Context, platform, image string, check ...string) error {
	logf("pulling %s for %s", image, platform)
	// An exec makes the engine fetch every layer; resolving the image
	// alone may leave them to be pulled lazily, inside a timing.
	_, err := dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(platform)}).
		From(image).
		WithExec(check).
		Sync(ctx)
	if err != nil {
		return fmt.Errorf("pulling %s for %s: %w", image, platform, err)
	}
	return nil
}

// source fetches p's source (untimed) and returns it with the contents of
// its touch file.
func (m *Bench) source(ctx context.Context, p project) (*dagger.Directory, string, error) {
	src, err := m.fetch(ctx, p.module)
	if err != nil {
		return nil, "", err
	}
	contents, err := src.File(p.touch).Contents(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("reading %s of %s, the file warm builds change: %w", p.touch, p.module, err)
	}
	return src, contents, nil
}

// fetch fetches a module's source through go-build, untimed.
func (m *Bench) fetch(ctx context.Context, module string) (*dagger.Directory, error) {
	logf("fetching %s", module)
	src, err := dag.GoBuild(dagger.GoBuildOpts{
		Module:         module,
		BuilderImage:   m.BuilderImage,
		StripImage:     m.StripImage,
		CacheNamespace: sourceNamespace,
		Goproxy:        m.goProxies(),
	}).FetchModule(module).Sync(ctx)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", module, err)
	}
	return src, nil
}

// goBuild configures go-build for p's source src in cache namespace ns.
func (m *Bench) goBuild(p project, src *dagger.Directory, ns string, mode dagger.GoBuildBuildMode, strip dagger.GoBuildStripMode, ldflags ...string) *dagger.GoBuild {
	return dag.GoBuild(dagger.GoBuildOpts{
		Source:         src,
		BuilderImage:   m.BuilderImage,
		StripImage:     m.StripImage,
		Packages:       p.packages,
		Tags:           p.tags,
		Cgo:            p.cgo,
		TargetPackages: p.targetPackages,
		Ldflags:        ldflags,
		Strip:          strip,
		Mode:           mode,
		CacheNamespace: ns,
		Goproxy:        m.goProxies(),
	})
}

// goProxies is go-build's --goproxy: the benchmark's proxy, or go's default.
func (m *Bench) goProxies() []string {
	if m.GoProxy == "" {
		return nil
	}
	return []string{m.GoProxy}
}

// compile times p's native, cross and emulated builds, all cold, then all
// warm, without stripping.
func (m *Bench) compile(ctx context.Context, r run, cgo, skipEmulated bool) (report.Section, error) {
	p := m.project(cgo)
	src, original, err := m.source(ctx, p)
	if err != nil {
		return report.Section{}, err
	}
	touched, err := src.WithNewFile(p.touch, plan.Touch(original, r.id)).Sync(ctx)
	if err != nil {
		return report.Section{}, err
	}
	type buildCase struct {
		name, platform string
		mode           dagger.GoBuildBuildMode
	}
	cases := []buildCase{
		{"native " + plan.Arch(r.native), r.native, dagger.GoBuildBuildModeCross},
		{"cross " + plan.Arch(r.foreign), r.foreign, dagger.GoBuildBuildModeCross},
	}
	if !skipEmulated {
		cases = append(cases, buildCase{"emulated " + plan.Arch(r.foreign), r.foreign, dagger.GoBuildBuildModeEmulate})
	}
	temperatures := []struct {
		name string
		src  *dagger.Directory
	}{{"cold", src}, {"warm", touched}}
	var rows []report.Row
	for _, temp := range temperatures {
		for _, c := range cases {
			// The warm build reuses its cold build's namespace: its caches
			// are warm and only the touched file differs.
			gb := m.goBuild(p, temp.src, p.namespace(r, c.name), c.mode, dagger.GoBuildStripModeNone)
			secs, err := timeBuild(ctx, fmt.Sprintf("%s, %s, %s", p.name(), c.name, temp.name), gb, c.platform)
			if err != nil {
				return report.Section{}, err
			}
			rows = append(rows, report.Row{Project: p.name(), Case: c.name, Temperature: temp.name, Seconds: secs})
		}
	}
	return report.Section{
		Title: "Compile: " + p.name(),
		Note: fmt.Sprintf("Unstripped builds of %s. Cold: empty Go caches (module download included); "+
			"warm: the same caches, %s changed. Ratio: time ÷ the native build's at the same temperature.",
			packagesText(p.packages), p.touch),
		Baseline:    cases[0].name,
		RatioHeader: "× native",
		Rows:        rows,
	}, nil
}

// strip times TARGET and NATIVE stripping of project's foreign binary. The
// compile, and the install of both strip tools, are done untimed first, so
// the timings differ by the strip step alone.
func (m *Bench) strip(ctx context.Context, r run) (report.Section, error) {
	p := m.project(false)
	src, _, err := m.source(ctx, p)
	if err != nil {
		return report.Section{}, err
	}
	ns := p.namespace(r, "strip")
	build := func(mode dagger.GoBuildStripMode, buildID string) *dagger.GoBuild {
		return m.goBuild(p, src, ns, dagger.GoBuildBuildModeCross, mode, buildID)
	}
	// Each build ID gives binaries whose bytes no earlier run built, so no
	// strip step is answered from the cache.
	seed := uint64(time.Now().UnixNano())
	warmup, measured := plan.BuildIDFlag(seed), plan.BuildIDFlag(seed+1)
	untimed := []struct {
		label   string
		mode    dagger.GoBuildStripMode
		buildID string
	}{
		{"compile", dagger.GoBuildStripModeNone, warmup},
		{"TARGET strip tools", dagger.GoBuildStripModeTarget, warmup},
		{"NATIVE strip tools", dagger.GoBuildStripModeNative, warmup},
		{"link with the measured build ID", dagger.GoBuildStripModeNone, measured},
	}
	for _, u := range untimed {
		logf("untimed: %s %s, %s", p.name(), plan.Arch(r.foreign), u.label)
		if _, err := build(u.mode, u.buildID).Build(dagger.GoBuildBuildOpts{Arch: r.foreign}).Sync(ctx); err != nil {
			return report.Section{}, fmt.Errorf("preparing the strip measurement (%s): %w", u.label, err)
		}
	}
	arch := plan.Arch(r.foreign)
	timedModes := []struct {
		label string
		mode  dagger.GoBuildStripMode
	}{
		{"TARGET", dagger.GoBuildStripModeTarget},
		{"NATIVE", dagger.GoBuildStripModeNative},
	}
	var rows []report.Row
	for _, t := range timedModes {
		name := fmt.Sprintf("strip %s %s", t.label, arch)
		secs, err := timeBuild(ctx, fmt.Sprintf("%s, %s", p.name(), name), build(t.mode, measured), r.foreign)
		if err != nil {
			return report.Section{}, err
		}
		rows = append(rows, report.Row{Project: p.name(), Case: name, Temperature: "warm", Seconds: secs})
	}
	return report.Section{
		Title: "Strip: TARGET vs NATIVE",
		Note: fmt.Sprintf("The same unstripped %s build (compile cached, strip tools installed), stripped "+
			"by the target's strip under emulation (TARGET) or by llvm-strip on the engine (NATIVE). "+
			"Ratio: TARGET ÷ NATIVE.", arch),
		Baseline:    rows[1].Case,
		RatioHeader: "÷ NATIVE",
		Rows:        rows,
	}, nil
}

// image times four cold single builds of project, one per image platform,
// then one cold image of the four platforms.
func (m *Bench) image(ctx context.Context, r run) ([]report.Section, error) {
	p := m.project(false)
	src, _, err := m.source(ctx, p)
	if err != nil {
		return nil, err
	}
	var singles []report.Row
	for _, platform := range plan.ImagePlatforms {
		name := "build " + plan.Arch(platform)
		gb := m.goBuild(p, src, p.namespace(r, "single", plan.Arch(platform)), dagger.GoBuildBuildModeCross, dagger.GoBuildStripModeNone)
		secs, err := timeBuild(ctx, fmt.Sprintf("%s, %s, cold", p.name(), name), gb, platform)
		if err != nil {
			return nil, err
		}
		singles = append(singles, report.Row{Project: p.name(), Case: name, Temperature: "cold", Seconds: secs})
	}
	gb := m.goBuild(p, src, p.namespace(r, "image"), dagger.GoBuildBuildModeCross, dagger.GoBuildStripModeNone)
	secs, err := timed(ctx, p.name()+", image of four platforms, cold", func(ctx context.Context) error {
		_, err := gb.Image(dagger.GoBuildImageOpts{Platforms: plan.ImagePlatforms}).Size(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	sum := report.Sum(p.name(), fmt.Sprintf("%d single builds (sum)", len(singles)), "cold", singles)
	img := report.Row{Project: p.name(), Case: fmt.Sprintf("1 image, %d platforms", len(plan.ImagePlatforms)), Temperature: "cold", Seconds: secs}
	return []report.Section{
		{
			Title:       "Single builds: one per image platform",
			Note:        "Cold cross builds, unstripped, one after the other. Ratio: time ÷ the native build's.",
			Baseline:    "build " + plan.Arch(r.native),
			RatioHeader: "× native",
			Rows:        singles,
		},
		{
			Title: "Image: four platforms at once vs four single builds",
			Note: "One cold multi-platform image (its platforms compiled side by side in one exec, " +
				"written as an OCI tarball) against the sum of the four builds above.",
			Baseline:    sum.Case,
			RatioHeader: "÷ sum",
			Rows:        []report.Row{sum, img},
		},
	}, nil
}

// document is the heading and setting of the run, then the tables.
func (m *Bench) document(r run, parts ...report.Part) string {
	return fmt.Sprintf("## go-build benchmark\n\n"+
		"Engine platform %s; builder %s; strip image %s; run %s started %s.\n"+
		"Wall-clock seconds of one run, each measurement alone. A ratio of 1.00 against native is the "+
		"physical limit: a cross build costing what a native build costs.\n\n",
		r.native, m.BuilderImage, m.StripImage, r.id, r.started.Format(time.RFC3339)) +
		report.Document(parts...)
}

// timeBuild times building gb for platform: go-build compiles, strips and
// verifies before the directory is ready.
func timeBuild(ctx context.Context, label string, gb *dagger.GoBuild, platform string) (float64, error) {
	return timed(ctx, label, func(ctx context.Context) error {
		_, err := gb.Build(dagger.GoBuildBuildOpts{Arch: platform}).Sync(ctx)
		return err
	})
}

// timed runs f and returns its wall time in seconds.
func timed(ctx context.Context, label string, f func(context.Context) error) (float64, error) {
	logf("timing %s", label)
	start := time.Now()
	err := f(ctx)
	secs := time.Since(start).Seconds()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", label, err)
	}
	logf("%s: %.1f s", label, secs)
	return secs, nil
}

// packagesText names the built packages in a note, as markdown.
func packagesText(pkgs []string) string {
	if len(pkgs) == 0 {
		return "every main package"
	}
	// Code-quoted: a package named "." would run into the sentence's period.
	return "package `" + strings.Join(pkgs, " ") + "`"
}

// logf prints progress to the function's log.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}
