package main

import (
	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/strip"
)

const defaultStripImage = "debian:trixie-slim"

// strip runs the strip step on t's binaries bins, when there is one, and
// returns them. Every mode but NONE has stripped them at the link already
// (-s -w); only cgo binaries, from the C toolchain's linker, get a strip
// step too (internal/strip says why). TARGET runs the target's own strip
// in a container of the target platform, the one emulated step of a
// cross build; NATIVE runs llvm-strip on the build platform.
func (p *buildPlan) strip(bins *dagger.Directory, t platform.Target) *dagger.Directory {
	step := strip.Step(strip.Mode(p.m.Strip), t, p.m.Cgo, p.m.StripImage == defaultStripImage)
	switch {
	case step == strip.None:
		return bins
	case p.m.Mode == BuildModeEmulate:
		// Everything runs on the target already; so does strip.
		return stripWith(p.m.builder(t), bins, strip.Target)
	case step == strip.Target:
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

// stripped says whether binaries come out stripped: verification then
// rejects one with DWARF or a symbol table.
func (m *GoBuild) stripped() bool { return strip.AtLink(strip.Mode(m.Strip)) }
