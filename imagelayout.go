package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/ocilayout"
	"dagger/go-build/internal/platform"
)

// workdirFile loads a file this process wrote into its working directory
// (the module's scratch directory) so it can be returned.
var workdirFile = func(rel string) *dagger.File {
	return dag.CurrentModule().WorkdirFile(rel)
}

// imageLayout builds the runtime containers of every target, has the engine
// assemble them into one multi-platform image, then gives every config the
// fixed created time and attaches the attestations wanted. The engine stamps the configs with the time of the
// export, which would make each build's digests differ; with the stamp
// fixed, the same inputs give the same image, byte for byte.
//
// It works in a fresh directory under the working directory, which the
// caller removes.
func (m *GoBuild) imageLayout(ctx context.Context, targets []platform.Target, want imageAttestations) (*ocilayout.Layout, string, error) {
	ctrs, build, err := m.containers(ctx, targets)
	if err != nil {
		return nil, "", err
	}
	dir, err := os.MkdirTemp(".", "image-")
	if err != nil {
		return nil, "", err
	}
	tarball, err := filepath.Abs(filepath.Join(dir, "engine.tar"))
	if err != nil {
		return nil, dir, err
	}
	if _, err := dag.Container().AsTarball(dagger.ContainerAsTarballOpts{PlatformVariants: ctrs}).Export(ctx, tarball); err != nil {
		// A failed build or strip fails the export too; its check says
		// which platform and why.
		if verr := build.verifyExported(ctx); verr != nil {
			return nil, dir, verr
		}
		return nil, dir, fmt.Errorf("assembling the image: %v", err)
	}
	f, err := os.Open(tarball)
	if err != nil {
		return nil, dir, err
	}
	defer f.Close()
	layout, err := ocilayout.ReadTar(f)
	if err != nil {
		return nil, dir, fmt.Errorf("reading the assembled image: %v", err)
	}
	// The binaries are checked as the image holds them, read back from
	// its layers: what is checked is what ships, and no export of its own
	// competes with the engine's writing of the layers.
	if err := build.verifyImage(layout); err != nil {
		return nil, dir, err
	}
	if err := layout.SetCreated(build.created); err != nil {
		return nil, dir, fmt.Errorf("fixing the image's created time: %v", err)
	}
	// After SetCreated: attestations name the final manifest digests.
	if err := m.attest(ctx, build, layout, want); err != nil {
		return nil, dir, fmt.Errorf("attestations: %v", err)
	}
	return layout, dir, nil
}

// imageTarball writes the layout as an OCI tarball and returns it as a File.
func imageTarball(ctx context.Context, layout *ocilayout.Layout, dir string) (*dagger.File, error) {
	rel := filepath.Join(dir, "image.tar")
	f, err := os.Create(rel)
	if err != nil {
		return nil, err
	}
	if err := layout.WriteTar(f); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	// Sync loads the file now, while it is still on disk.
	return workdirFile(rel).Sync(ctx)
}
