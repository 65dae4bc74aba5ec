package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/bench/internal/dagger"
	"dagger/bench/internal/plan"
	"dagger/bench/internal/report"
)

// release times a cold release of the release project for the six release
// platforms by go-build's release (binaries only) and by GoReleaser's
// build.
func (m *Bench) release(ctx context.Context, r run) (report.Comparison, error) {
	p := m.releaseProject()
	mains := releaseMains(p)
	config, err := plan.GoreleaserConfig(plan.ShortName(p.module), mains, plan.ReleasePlatforms)
	if err != nil {
		return report.Comparison{}, err
	}
	src, err := m.fetch(ctx, p.module)
	if err != nil {
		return report.Comparison{}, err
	}
	goreleaser, err := m.installTool(ctx, r, goreleaserPackage, m.GoreleaserVersion)
	if err != nil {
		return report.Comparison{}, err
	}
	grSrc, err := m.goreleaserSource(ctx, r, p, src, config)
	if err != nil {
		return report.Comparison{}, err
	}

	name := fmt.Sprintf("binaries, %d platforms", len(plan.ReleasePlatforms))
	// GoReleaser links with -s -w by default; go-build is given the same
	// flags, with strip NONE, so both write the same kind of binary.
	gb := m.goBuild(p, src, p.namespace(r, "release"), dagger.GoBuildBuildModeCross, dagger.GoBuildStripModeNone, "-s", "-w")
	gbSecs, err := timed(ctx, fmt.Sprintf("%s, go-build release, cold", p.name()), func(ctx context.Context) error {
		_, err := gb.Release(dagger.GoBuildReleaseOpts{Platforms: plan.ReleasePlatforms, BinariesOnly: true}).Sync(ctx)
		return err
	})
	if err != nil {
		return report.Comparison{}, err
	}
	dist := m.goreleaserBuild(r, goreleaser, grSrc, plan.Namespace(r.id, plan.ShortName(p.module), "goreleaser"))
	grSecs, err := timed(ctx, fmt.Sprintf("%s, goreleaser build, cold", p.name()), func(ctx context.Context) error {
		_, err := dist.Sync(ctx)
		return err
	})
	if err != nil {
		return report.Comparison{}, err
	}
	return report.Comparison{
		Title: "Release: go-build release vs GoReleaser",
		Note: fmt.Sprintf("Cold builds (fresh Go caches, module download included) of %s for %s: go-build "+
			"`release --binaries-only` (every binary verified; it also writes an SPDX SBOM per binary, which "+
			"cannot be turned off from a Dagger module's Go code) and GoReleaser %s `build --snapshot --clean` "+
			"with a minimal .goreleaser.yaml (CGO_ENABLED=0, -trimpath). Both link with -s -w (GoReleaser's "+
			"default; go-build with strip NONE and --ldflags -s,-w) and build the platforms concurrently. "+
			"Ratio: go-build ÷ GoReleaser.",
			packagesText(mains), strings.Join(plan.ReleasePlatforms, ", "), m.GoreleaserVersion),
		SubjectHeader:  "go-build (s)",
		BaselineHeader: "GoReleaser (s)",
		RatioHeader:    "go-build ÷ GoReleaser",
		Pairs:          []report.Pair{{Project: p.name(), Case: name, Temperature: tempCold, Subject: gbSecs, Baseline: grSecs}},
	}, nil
}

// goreleaserSource is GoReleaser's source of p, prepared untimed: src
// with config as its plan.GoreleaserConfigFile, committed to a git repository
// (GoReleaser reads the commit).
func (m *Bench) goreleaserSource(ctx context.Context, r run, p project, src *dagger.Directory, config string) (*dagger.Directory, error) {
	logf("untimed: preparing the GoReleaser source of %s", p.module)
	grSrc, err := withGit(dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(r.native)}).From(m.BuilderImage)).
		WithDirectory(baselineSrc, src).
		WithNewFile(baselineSrc+"/"+plan.GoreleaserConfigFile, config).
		WithWorkdir(baselineSrc).
		WithExec([]string{"sh", "-c", plan.GitSnapshot()}).
		Directory(baselineSrc).
		Sync(ctx)
	if err != nil {
		return nil, fmt.Errorf("preparing the GoReleaser source of %s: %w", p.module, err)
	}
	return grSrc, nil
}

// goreleaserBuild is GoReleaser's snapshot build of grSrc on the engine's
// platform, its Go caches in the cache volumes of namespace: the dist
// directory, not yet built.
func (m *Bench) goreleaserBuild(r run, goreleaser *dagger.File, grSrc *dagger.Directory, namespace string) *dagger.Directory {
	return withGit(m.goContainer(r.native, namespace)).
		WithFile(toolDir+"/goreleaser", goreleaser).
		WithMountedDirectory(baselineSrc, grSrc).
		WithWorkdir(baselineSrc).
		WithExec(plan.GoreleaserBuild()).
		Directory(baselineSrc + "/dist")
}

// releaseProject is the project of the release and scaling measurements.
func (m *Bench) releaseProject() project {
	return project{module: m.ReleaseProject, packages: m.ReleasePackages, touch: m.ReleaseTouchFile}
}

// releaseMains are the main packages GoReleaser builds of p, one build
// each: its packages, or the module root.
func releaseMains(p project) []string {
	if len(p.packages) == 0 {
		return []string{"."}
	}
	return p.packages
}

// withGit lets git read a tree owned by another user, as go-build's
// builder does.
func withGit(ctr *dagger.Container) *dagger.Container {
	return ctr.
		WithEnvVariable("GIT_CONFIG_COUNT", "1").
		WithEnvVariable("GIT_CONFIG_KEY_0", "safe.directory").
		WithEnvVariable("GIT_CONFIG_VALUE_0", "*")
}
