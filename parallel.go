package main

import (
	"context"

	"dagger/go-build/internal/fanout"
	"dagger/go-build/internal/platform"
)

// maxParallelPlatforms bounds concurrent platform builds: each is a chain of
// container work, and the engine runs the execs of all of them at once. It
// also bounds the go builds one shared compile runs side by side.
const maxParallelPlatforms = 4

// forEachTarget runs job for every target, maxParallelPlatforms at a time,
// under rule: fanout.FirstErrorCancels where the result is only useful
// whole (a release, an image, a set of toolchains), fanout.EveryResult
// where each platform's outcome is wanted (test, verification).
func forEachTarget(ctx context.Context, targets []platform.Target, rule fanout.Rule, job func(ctx context.Context, i int, t platform.Target) error) error {
	return fanout.Run(ctx, len(targets), maxParallelPlatforms, rule, func(ctx context.Context, i int) error {
		return job(ctx, i, targets[i])
	})
}
