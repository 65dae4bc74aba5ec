package main

import (
	"context"
	"fmt"

	"dagger/go-build/internal/cgoenv"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/sbom"
)

// targetCPackages lists the C packages installed for t's architecture in its
// cgo builder (libc, libgcc and --target-packages with what they pulled
// in): what a cgo binary for t was compiled and linked against, for its
// SBOM. Without cgo there are none.
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
	query := sbom.DpkgQueryCommand
	if b.Distro == cgoenv.Alpine {
		query = sbom.ApkListCommand + " --root " + cgoenv.Sysroot(t)
	}
	out, err := ctr.WithExec([]string{"sh", "-c", query}).Stdout(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing the C packages installed for %s: %w", t, withStderr(err))
	}
	if b.Distro == cgoenv.Alpine {
		// The sysroot holds only the target's packages.
		return sbom.CPackagesFromApk(out)
	}
	all, err := sbom.CPackagesFromDpkg(out)
	if err != nil {
		return nil, err
	}
	// The builder's own (amd64) packages are not in the binary.
	var pkgs []sbom.CPackage
	for _, pkg := range all {
		if pkg.Arch == t.DebianArch {
			pkgs = append(pkgs, pkg)
		}
	}
	return pkgs, nil
}
