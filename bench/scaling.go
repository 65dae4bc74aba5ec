package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"dagger/bench/internal/dagger"
	"dagger/bench/internal/plan"
	"dagger/bench/internal/report"
)

// scaling times, for each count n of counts, the release project built for
// the first n scaling platforms by go-build's release (binaries only), by
// GoReleaser's build and by a plain go build loop, cold and then warm with
// the touch file changed.
func (m *Bench) scaling(ctx context.Context, r run, counts []int) (report.Scaling, error) {
	if err := plan.CheckScalingCounts(counts); err != nil {
		return report.Scaling{}, err
	}
	p := m.releaseProject()
	mains := releaseMains(p)
	src, original, err := m.source(ctx, p)
	if err != nil {
		return report.Scaling{}, err
	}
	touchedContents := plan.Touch(original, r.id+" scaling")
	touched, err := src.WithNewFile(p.touch, touchedContents).Sync(ctx)
	if err != nil {
		return report.Scaling{}, err
	}
	goreleaser, err := m.installTool(ctx, r, goreleaserPackage, m.GoreleaserVersion)
	if err != nil {
		return report.Scaling{}, err
	}

	var rows []report.ScalingRow
	for _, n := range counts {
		platforms, err := plan.ScalingTargets(n)
		if err != nil {
			return report.Scaling{}, err
		}
		config, err := plan.GoreleaserConfig(plan.ShortName(p.module), mains, platforms)
		if err != nil {
			return report.Scaling{}, err
		}
		script, err := plan.BuildLoop(platforms, p.packages, baselineOut)
		if err != nil {
			return report.Scaling{}, err
		}
		// Untimed: GoReleaser's committed source, and its warm variant with
		// the touch file edited over the commit, as a user edits a file.
		grSrc, err := m.goreleaserSource(ctx, r, p, src, config)
		if err != nil {
			return report.Scaling{}, err
		}
		grTouched, err := grSrc.WithNewFile(p.touch, touchedContents).Sync(ctx)
		if err != nil {
			return report.Scaling{}, err
		}
		// One namespace per tool and count, unique to the run: each cold
		// build starts from empty caches, and its warm build reuses them.
		count := strconv.Itoa(n)
		gbNamespace := p.namespace(r, "scaling", count, "go-build")
		grNamespace := plan.Namespace(r.id, plan.ShortName(p.module), "scaling", count, "goreleaser")
		loopNamespace := plan.Namespace(r.id, plan.ShortName(p.module), "scaling", count, "loop")
		temperatures := []struct {
			name       string
			src, grSrc *dagger.Directory
		}{{tempCold, src, grSrc}, {tempWarmTouched, touched, grTouched}}
		for _, temp := range temperatures {
			label := fmt.Sprintf("%s, %d of %d platforms, %s", p.name(), n, len(plan.ScalingPlatforms), temp.name)
			// As the release measurement: GoReleaser's -s -w, strip NONE.
			gb := m.goBuild(p, temp.src, gbNamespace, dagger.GoBuildBuildModeCross, dagger.GoBuildStripModeNone, "-s", "-w")
			gbSecs, err := timed(ctx, "go-build release, "+label, func(ctx context.Context) error {
				_, err := gb.Release(dagger.GoBuildReleaseOpts{Platforms: platforms, BinariesOnly: true}).Sync(ctx)
				return err
			})
			if err != nil {
				return report.Scaling{}, err
			}
			dist := m.goreleaserBuild(r, goreleaser, temp.grSrc, grNamespace)
			grSecs, err := timed(ctx, "goreleaser build, "+label, func(ctx context.Context) error {
				_, err := dist.Sync(ctx)
				return err
			})
			if err != nil {
				return report.Scaling{}, err
			}
			out := m.goContainer(r.native, loopNamespace).
				WithMountedDirectory(baselineSrc, temp.src).
				WithWorkdir(baselineSrc).
				WithExec([]string{"sh", "-c", script}).
				Directory(baselineOut)
			loopSecs, err := timed(ctx, "go build loop, "+label, func(ctx context.Context) error {
				_, err := out.Sync(ctx)
				return err
			})
			if err != nil {
				return report.Scaling{}, err
			}
			rows = append(rows, report.ScalingRow{
				Platforms: n, Temperature: temp.name, Subject: gbSecs, Baselines: []float64{grSecs, loopSecs},
			})
		}
	}
	last, _ := plan.ScalingTargets(len(plan.ScalingPlatforms))
	return report.Scaling{
		Title: "Scaling: go-build release vs GoReleaser vs a go build loop, by platforms: " + p.name(),
		Note: fmt.Sprintf("%s (%s) built for the first n of %s by go-build `release --binaries-only` (cross, "+
			"strip NONE, --ldflags -s,-w; every binary verified, an SPDX SBOM per binary), GoReleaser %s "+
			"`build --snapshot --clean` (a minimal .goreleaser.yaml: CGO_ENABLED=0, -trimpath, its default -s -w) "+
			"and a plain go build loop (the builder image on the engine's platform, one exec running `GOOS=.. "+
			"GOARCH=.. CGO_ENABLED=0 go build -trimpath -ldflags='-s -w'` for one platform after the other, "+
			"as a Makefile does). go-build and GoReleaser build the platforms concurrently. Cold: fresh Go caches "+
			"for each tool and n (module download included); warm: the same caches, %s changed. Ratios: "+
			"go-build ÷ each.",
			p.name(), packagesText(mains), strings.Join(last, ", "), m.GoreleaserVersion, p.touch),
		SubjectHeader: "go-build (s)",
		Versus: []report.Versus{
			{Header: "GoReleaser (s)", RatioHeader: "go-build ÷ GoReleaser"},
			{Header: "go build loop (s)", RatioHeader: "go-build ÷ loop"},
		},
		Rows: rows,
	}, nil
}
