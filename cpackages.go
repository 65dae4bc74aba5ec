package main

import (
	"context"
	"fmt"

	"dagger/go-build/internal/cgoenv"
	"dagger/go-build/internal/pkgscript"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/sbom"
)

// targetCPackages lists the C packages a cgo binary for t was compiled and
// linked against, for its SBOM. Without cgo there are none.
//
// A foreign target's C libraries are installed for its architecture only
// (Debian multiarch, an Alpine sysroot), so every package of that
// architecture counts. A target built on its own platform (the engine's, or
// any under EMULATE) shares the system with the builder, so only the C
// essentials the cgo setup installs and --target-packages are named.
func (p *buildPlan) targetCPackages(ctx context.Context, t platform.Target) ([]sbom.CPackage, error) {
	if !p.m.Cgo {
		return nil, nil
	}
	ctr, err := p.targetContainer(ctx, t)
	if err != nil {
		return nil, err
	}
	b, err := p.m.detectBuilder(ctx, ctr)
	if err != nil {
		return nil, err
	}
	sameSystem := p.m.Mode == BuildModeEmulate || t.String() == p.native.String()
	query := cPackagesQuery(b, t, sameSystem, p.m.TargetPackages)
	out, err := ctr.WithExec([]string{"sh", "-c", query}).Stdout(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing the C packages installed for %s: %v", t, withStderr(err))
	}
	if b.Distro == cgoenv.Alpine {
		return sbom.CPackagesFromApk(out)
	}
	all, err := sbom.CPackagesFromDpkg(out)
	if err != nil || sameSystem {
		return all, err
	}
	// The builder's own packages are not in a foreign binary.
	var pkgs []sbom.CPackage
	for _, pkg := range all {
		if pkg.Arch == t.DebianArch {
			pkgs = append(pkgs, pkg)
		}
	}
	return pkgs, nil
}

// cPackagesQuery is the shell command listing t's C packages on builder b.
// On a shared system it names the packages (dpkg-query and apk list
// print nothing for a name that is not installed).
func cPackagesQuery(b cgoenv.Builder, t platform.Target, sameSystem bool, extra []string) string {
	if b.Distro == cgoenv.Alpine {
		if !sameSystem {
			return sbom.ApkListCommand + " --root " + cgoenv.Sysroot(t)
		}
		return sbom.ApkListCommand + " " + pkgscript.Words(append([]string{"musl", "musl-dev", "libgcc"}, extra...))
	}
	if !sameSystem {
		return sbom.DpkgQueryCommand
	}
	names := pkgscript.Words(append([]string{"libc6", "libc6-dev", "linux-libc-dev", "libgcc-*-dev", "libgcc-s1"}, extra...))
	// Known but uninstalled packages print an empty version: drop them.
	// The names (--target-packages checked by buildopts) are quoted
	// shell words after --.
	return sbom.DpkgQueryCommand + " -- " + names + ` 2>/dev/null | awk -F'\t' '$2 != ""'`
}
