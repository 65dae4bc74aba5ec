package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/ocilayout"
)

// workdirFile loads a file this process wrote into its working directory
// (the module's scratch directory) so it can be returned.
var workdirFile = func(rel string) *dagger.File {
	return dag.CurrentModule().WorkdirFile(rel)
}

// imageLayout has the engine assemble the platform containers into one
// multi-platform image, then gives every config the fixed created time. The
// engine stamps the configs with the time of the export, which would make
// each build's digests differ; with the stamp fixed, the same inputs give
// the same image, byte for byte.
//
// It works in a fresh directory under the working directory, which the
// caller removes.
func imageLayout(ctx context.Context, ctrs []*dagger.Container, created time.Time) (*ocilayout.Layout, string, error) {
	dir, err := os.MkdirTemp(".", "image-")
	if err != nil {
		return nil, "", err
	}
	tarball := filepath.Join(dir, "engine.tar")
	abs, err := filepath.Abs(tarball)
	if err != nil {
		return nil, dir, err
	}
	if _, err := dag.Container().AsTarball(dagger.ContainerAsTarballOpts{PlatformVariants: ctrs}).Export(ctx, abs); err != nil {
		return nil, dir, fmt.Errorf("assembling the image: %w", err)
	}
	f, err := os.Open(tarball)
	if err != nil {
		return nil, dir, err
	}
	defer f.Close()
	layout, err := ocilayout.ReadTar(f)
	if err != nil {
		return nil, dir, fmt.Errorf("reading the assembled image: %w", err)
	}
	if err := layout.SetCreated(created); err != nil {
		return nil, dir, fmt.Errorf("fixing the image's created time: %w", err)
	}
	return layout, dir, os.Remove(tarball)
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
