package main

import (
	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/strip"
)

const defaultStripImage = "debian:trixie-slim"

// strip strips the binaries bins as the strip mode says and returns them.
// TARGET runs the target's own strip in a container of the target
// platform, the only emulated step of a cross build.
func (p *buildPlan) strip(bins *dagger.Directory, t platform.Target) *dagger.Directory {
	if p.m.Strip == StripModeNone {
		return bins
	}
	if p.m.Mode == BuildModeEmulate {
		// Everything runs on the target already; so does strip.
		return stripWith(p.m.builder(t), bins, strip.Target)
	}
	if strip.Resolve(strip.Mode(p.m.Strip), t, p.m.StripImage == defaultStripImage) == strip.Target {
		target := dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(t.String())}).From(p.m.StripImage)
		return stripWith(target, bins, strip.Target)
	}
	return stripWith(p.m.builder(p.native), bins, strip.Native)
}

// stripWith installs the strip tool in base (before the binaries arrive, so
// the install is cached once per platform) and strips bins there.
func stripWith(base *dagger.Container, bins *dagger.Directory, mode strip.Mode) *dagger.Directory {
	install := strip.InstallNativeStrip()
	if mode == strip.Target {
		install = strip.InstallTargetStrip()
	}
	return base.
		WithExec(install).
		WithDirectory(outDir, bins).
		WithExec(strip.Command(mode, outDir)).
		Directory(outDir)
}
