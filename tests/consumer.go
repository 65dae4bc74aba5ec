package main

import (
	"context"

	"dagger/tests/internal/dagger"
)

// ConsumerExample runs the docs' example of calling go-build from a module.
//
// The code between the readme markers is docs/calling-from-a-module.md's
// example word for word (a unit test of go-build keeps the two in step), so
// the example is compiled and run here against the real bindings.
// +check
func (m *Tests) ConsumerExample(ctx context.Context) error {
	bins := buildArm64(dag.CurrentModule().Source().Directory("testdata/purego"))
	return expectEntries(ctx, bins, "linux/arm64", "purego")
}

// readme:consumer-example begin

// buildArm64 cross-compiles the commands of a Go module for linux/arm64.
func buildArm64(src *dagger.Directory) *dagger.Directory {
	return dag.GoBuild(dagger.GoBuildOpts{Source: src}).
		Build(dagger.GoBuildBuildOpts{Arch: "arm64"})
}

// readme:consumer-example end
