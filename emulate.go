package main

import (
	"context"
	"fmt"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/platform"
)

// emulatedContainer is the EMULATE builder for t: the builder image pulled
// for t's platform and run under the engine's emulation, with the module
// download, the compiler and (later) strip all inside it, the way a plain
// `docker buildx build --platform` runs a Dockerfile. It is the baseline the
// cross build is measured against.
func (p *buildPlan) emulatedContainer(ctx context.Context, t platform.Target) (*dagger.Container, error) {
	ctr := p.m.builder(t)
	if p.m.Cgo {
		b, err := p.m.detectBuilder(ctx, ctr)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", t, err)
		}
		ctr = ctr.
			WithExec([]string{"sh", "-c", b.NativeSetupScript(p.m.TargetPackages)}).
			WithEnvVariable("CGO_ENABLED", "1")
	} else {
		ctr = ctr.WithEnvVariable("CGO_ENABLED", "0")
	}
	ctr = p.m.withSource(p.m.withGoEnvVars(ctr), p.src)
	return withGoEnv(ctr, t).WithMountedFile(downloadedMarker, p.m.downloadModules(ctr)), nil
}
