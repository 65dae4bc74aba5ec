package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/bench/internal/dagger"
	"dagger/bench/internal/plan"
	"dagger/bench/internal/report"
)

// The states of the caches in the baseline tables.
const (
	tempCold        = "cold"
	tempWarmSame    = "warm, no change"
	tempWarmTouched = "warm, 1 file changed"
)

// Where the hand-written baselines put the source and the tools.
const (
	baselineSrc = "/src"
	baselineOut = "/out"
	toolDir     = "/usr/local/bin"
)

// koBaseRepository is where the ko base image is copied to in the registry
// service; goBuildImageRepository is the reference go-build publishes to
// there (its host is a name only: the image goes to the service).
const (
	koBaseRepository       = "base:latest"
	goBuildImageRepository = "registry.bench/go-build:1"
)

// Tools the baselines install, by package path (the version is an option).
const (
	koPackage         = "github.com/google/ko"
	goreleaserPackage = "github.com/goreleaser/goreleaser/v2"
	// crane seeds the registry service with ko's base image; untimed.
	cranePackage = "github.com/google/go-containerregistry/cmd/crane"
	craneVersion = "v0.20.7"
)

// baselines compares go-build with a hand-written Dagger pipeline, then
// with ko.
func (m *Bench) baselines(ctx context.Context, r run) ([]report.Part, error) {
	pipe, err := m.pipelineBaseline(ctx, r)
	if err != nil {
		return nil, err
	}
	ko, err := m.koBaseline(ctx, r)
	if err != nil {
		return nil, err
	}
	return []report.Part{pipe, ko}, nil
}

// pipelineBaseline times one unstripped cross build of project by go-build
// and by the least Dagger pipeline a user would write, cold, warm with
// nothing changed (the same calls made again: go-build's is its function
// call overhead) and warm with the touch file changed.
func (m *Bench) pipelineBaseline(ctx context.Context, r run) (report.Comparison, error) {
	p := m.project(false)
	src, original, err := m.source(ctx, p)
	if err != nil {
		return report.Comparison{}, err
	}
	touched, err := src.WithNewFile(p.touch, plan.Touch(original, r.id+" pipeline")).Sync(ctx)
	if err != nil {
		return report.Comparison{}, err
	}
	target := r.foreign
	gbNamespace := p.namespace(r, "vs pipeline")
	pipeNamespace := plan.Namespace(r.id, plan.ShortName(p.module), "pipeline")
	name := "build " + plan.Arch(target)
	temperatures := []struct {
		name string
		src  *dagger.Directory
	}{{tempCold, src}, {tempWarmSame, src}, {tempWarmTouched, touched}}
	var pairs []report.Pair
	for _, temp := range temperatures {
		// Each measurement builds its calls anew: a new Sync of the same
		// call, as a user running the command again would make.
		gb := m.goBuild(p, temp.src, gbNamespace, dagger.GoBuildBuildModeCross, dagger.GoBuildStripModeNone)
		gbSecs, err := timeBuild(ctx, fmt.Sprintf("%s, go-build %s, %s", p.name(), name, temp.name), gb, target)
		if err != nil {
			return report.Comparison{}, err
		}
		out, err := m.pipeline(p, temp.src, pipeNamespace, r.native, target)
		if err != nil {
			return report.Comparison{}, err
		}
		pipeSecs, err := timed(ctx, fmt.Sprintf("%s, pipeline %s, %s", p.name(), name, temp.name), func(ctx context.Context) error {
			_, err := out.Sync(ctx)
			return err
		})
		if err != nil {
			return report.Comparison{}, err
		}
		pairs = append(pairs, report.Pair{Project: p.name(), Case: name, Temperature: temp.name, Subject: gbSecs, Baseline: pipeSecs})
	}
	return report.Comparison{
		Title: "Baseline: go-build vs a hand-written Dagger pipeline",
		Note: fmt.Sprintf("The same unstripped %s build of %s from the same source: go-build (`build --arch %s`, "+
			"strip NONE) and the least pipeline a user would write (the builder image on the engine's platform, "+
			"module and build caches in cache volumes, `go mod download`, then `go build -trimpath -buildvcs=false "+
			"-ldflags=-buildid=` with GOOS/GOARCH and CGO_ENABLED=0: go-build's own compile flags). Cold: fresh "+
			"cache volumes for each; warm, no change: the same calls again (go-build's call overhead); warm, 1 file "+
			"changed: the same caches, %s changed. Ratio: go-build ÷ pipeline.",
			plan.Arch(target), packagesText(p.packages), plan.Arch(target), p.touch),
		SubjectHeader:  "go-build (s)",
		BaselineHeader: "pipeline (s)",
		RatioHeader:    "go-build ÷ pipeline",
		Pairs:          pairs,
	}, nil
}

// pipeline is the hand-written baseline: the least Dagger pipeline a user
// would write to cross-compile p's packages for target, with its Go caches
// in cache volumes named after namespace. It returns the binaries'
// directory, not yet built.
func (m *Bench) pipeline(p project, src *dagger.Directory, namespace, native, target string) (*dagger.Directory, error) {
	env, err := plan.GoEnv(target)
	if err != nil {
		return nil, err
	}
	ctr := m.goContainer(native, namespace).
		WithMountedDirectory(baselineSrc, src).
		WithWorkdir(baselineSrc).
		WithExec([]string{"go", "mod", "download"}).
		WithEnvVariable("CGO_ENABLED", "0")
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		ctr = ctr.WithEnvVariable(name, value)
	}
	return ctr.WithExec(plan.PipelineBuild(p.packages, baselineOut)).Directory(baselineOut), nil
}

// goContainer is the builder image on platform with the Go module and
// build caches in the cache volumes <namespace>-gomod and
// <namespace>-gocache: how the baselines run the go command.
func (m *Bench) goContainer(platform, namespace string) *dagger.Container {
	ctr := dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(platform)}).
		From(m.BuilderImage).
		WithMountedCache(plan.GoModCache, dag.CacheVolume(namespace+"-gomod")).
		WithMountedCache(plan.GoBuildCache, dag.CacheVolume(namespace+"-gocache")).
		WithEnvVariable("GOMODCACHE", plan.GoModCache).
		WithEnvVariable("GOCACHE", plan.GoBuildCache)
	if m.GoProxy != "" {
		ctr = ctr.WithEnvVariable("GOPROXY", m.GoProxy)
	}
	return ctr
}

// installTool installs a Go tool with go install, untimed, on the engine's
// platform, and returns its binary. Its caches are kept across runs, so a
// second run installs nothing.
func (m *Bench) installTool(ctx context.Context, r run, pkgPath, version string) (*dagger.File, error) {
	spec := plan.ToolInstall(pkgPath, version)
	logf("untimed: installing %s", spec)
	bin, err := m.goContainer(r.native, plan.Namespace("tools", r.native)).
		WithEnvVariable("GOBIN", plan.ToolBin).
		WithEnvVariable("CGO_ENABLED", "0").
		WithExec([]string{"go", "install", spec}).
		File(plan.ToolBin + "/" + plan.ToolBinary(pkgPath)).
		Sync(ctx)
	if err != nil {
		return nil, fmt.Errorf("installing %s: %w", spec, err)
	}
	return bin, nil
}

// registry is the registry the image baselines push to, as a service on
// the engine's platform. Its storage is a cache volume of the run, so every
// instance of the service sees what the others pushed.
func (m *Bench) registry(r run) *dagger.Service {
	return dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(r.native)}).
		From(m.RegistryImage).
		WithMountedCache("/var/lib/registry", dag.CacheVolume(plan.Namespace(r.id, "registry"))).
		WithExposedPort(plan.RegistryPort).
		AsService()
}

// koBaseline times a four-platform image of project pushed to a registry
// service by go-build's publish and by ko build, cold and warm with the
// touch file changed. Both put the unstripped binary on the same base
// image.
func (m *Bench) koBaseline(ctx context.Context, r run) (report.Comparison, error) {
	p := m.project(false)
	koArgs, err := plan.KoBuild(plan.ImagePlatforms, p.packages)
	if err != nil {
		return report.Comparison{}, fmt.Errorf("the ko baseline builds project-packages: %w", err)
	}
	src, original, err := m.source(ctx, p)
	if err != nil {
		return report.Comparison{}, err
	}
	touched, err := src.WithNewFile(p.touch, plan.Touch(original, r.id+" ko")).Sync(ctx)
	if err != nil {
		return report.Comparison{}, err
	}
	// Untimed: the base image for every platform, the registry image, ko.
	for _, platform := range plan.ImagePlatforms {
		if err := pull(ctx, platform, m.KoBaseImage, "true"); err != nil {
			return report.Comparison{}, err
		}
	}
	if err := pull(ctx, r.native, m.RegistryImage, "true"); err != nil {
		return report.Comparison{}, err
	}
	ko, err := m.installTool(ctx, r, koPackage, m.KoVersion)
	if err != nil {
		return report.Comparison{}, err
	}
	registry, err := m.registry(r).Start(ctx)
	if err != nil {
		return report.Comparison{}, fmt.Errorf("starting the registry %s: %w", m.RegistryImage, err)
	}
	defer registry.Stop(ctx)
	// ko pulls its base from a registry, not from the engine: the same
	// image is copied into the registry service first, by crane, since the
	// engine's own publish speaks only HTTPS to a service and the registry
	// speaks plain HTTP.
	logf("untimed: copying %s into the registry for ko", m.KoBaseImage)
	crane, err := m.installTool(ctx, r, cranePackage, craneVersion)
	if err != nil {
		return report.Comparison{}, err
	}
	variants := make([]*dagger.Container, len(plan.ImagePlatforms))
	for i, platform := range plan.ImagePlatforms {
		variants[i] = dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(platform)}).From(m.KoBaseImage)
	}
	// An OCI layout (the default media types) whose index.json names one
	// image index: crane pushes that index as it is.
	layout := dag.Container().AsTarball(dagger.ContainerAsTarballOpts{PlatformVariants: variants})
	if _, err := m.goContainer(r.native, plan.Namespace("tools", r.native)).
		WithFile(toolDir+"/crane", crane).
		WithServiceBinding(plan.RegistryAlias, registry).
		WithMountedFile("/base.tar", layout).
		WithExec([]string{"sh", "-c", `mkdir /base && tar -xf /base.tar -C /base && crane push --insecure /base "$0"`,
			plan.KoBase(koBaseRepository)}).
		Sync(ctx); err != nil {
		return report.Comparison{}, fmt.Errorf("copying %s into the registry service: %w", m.KoBaseImage, err)
	}

	gbNamespace := p.namespace(r, "vs ko")
	koNamespace := plan.Namespace(r.id, plan.ShortName(p.module), "ko")
	name := fmt.Sprintf("image, %d platforms, pushed", len(plan.ImagePlatforms))
	temperatures := []struct {
		name string
		src  *dagger.Directory
	}{{tempCold, src}, {tempWarmTouched, touched}}
	var pairs []report.Pair
	for _, temp := range temperatures {
		gb := m.goBuild(p, temp.src, gbNamespace, dagger.GoBuildBuildModeCross, dagger.GoBuildStripModeNone).
			WithRuntime(dagger.GoBuildWithRuntimeOpts{Base: m.KoBaseImage})
		gbSecs, err := timed(ctx, fmt.Sprintf("%s, go-build publish, %s", p.name(), temp.name), func(ctx context.Context) error {
			_, err := gb.Publish(ctx, goBuildImageRepository, dagger.GoBuildPublishOpts{
				Platforms: plan.ImagePlatforms, RegistryService: registry,
			})
			return err
		})
		if err != nil {
			return report.Comparison{}, err
		}
		built := m.goContainer(r.native, koNamespace).
			WithFile(toolDir+"/ko", ko).
			WithEnvVariable("CGO_ENABLED", "0").
			WithEnvVariable("KO_DOCKER_REPO", plan.KoRepo()).
			WithEnvVariable("KO_DEFAULTBASEIMAGE", plan.KoBase(koBaseRepository)).
			WithServiceBinding(plan.RegistryAlias, registry).
			WithMountedDirectory(baselineSrc, temp.src).
			WithWorkdir(baselineSrc).
			WithExec(koArgs)
		koSecs, err := timed(ctx, fmt.Sprintf("%s, ko build, %s", p.name(), temp.name), func(ctx context.Context) error {
			_, err := built.Sync(ctx)
			return err
		})
		if err != nil {
			return report.Comparison{}, err
		}
		pairs = append(pairs, report.Pair{Project: p.name(), Case: name, Temperature: temp.name, Subject: gbSecs, Baseline: koSecs})
	}
	return report.Comparison{
		Title: "Baseline: go-build publish vs ko build",
		Note: fmt.Sprintf("One image of %s for %s, pushed to a registry service (%s): go-build `publish` "+
			"(strip NONE, runtime base %s, its SPDX SBOM and SLSA provenance attestations on, the defaults) and "+
			"ko %s `build --bare` (unstripped, -trimpath, base %s copied into the same registry, its default SPDX "+
			"SBOM on), each with its own fresh Go caches. Warm, 1 file changed: the same caches, %s changed. "+
			"Ratio: go-build ÷ ko.",
			packagesText(p.packages), strings.Join(plan.ImagePlatforms, ", "), m.RegistryImage,
			m.KoBaseImage, m.KoVersion, m.KoBaseImage, p.touch),
		SubjectHeader:  "go-build (s)",
		BaselineHeader: "ko (s)",
		RatioHeader:    "go-build ÷ ko",
		Pairs:          pairs,
	}, nil
}
