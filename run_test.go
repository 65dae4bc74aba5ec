package main

import (
	"context"
	"testing"

	"dagger/go-build/internal/binrun"
	"dagger/go-build/internal/errtest"
)

// TestRunFailsBeforeAnyWork checks that run and run-container refuse a
// target no container runs, a bad platform and an empty run image before
// any container work (dag is nil here: reaching the engine would panic).
func TestRunFailsBeforeAnyWork(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, arch, runImage string
		sentinel             error
		want                 string
	}{
		{"windows", "windows/amd64", defaultRunImage, binrun.ErrNotRunnable, "windows/amd64: binaries run in Linux containers"},
		{"darwin", "darwin/arm64", defaultRunImage, binrun.ErrNotRunnable, "run linux/arm64 instead"},
		{"unknown platform", "sparc64", defaultRunImage, nil, "sparc64"},
		{"empty run image", "arm64", "", nil, "--run-image is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config().Run(ctx, tt.arch, "", []string{"--version"}, tt.runImage)
			errtest.Check(t, err, tt.sentinel, tt.want)
			_, err = config().RunContainer(ctx, tt.arch, "", tt.runImage)
			errtest.Check(t, err, tt.sentinel, tt.want)
		})
	}
	t.Run("no source", func(t *testing.T) {
		m := config()
		m.Source = nil
		_, err := m.Run(ctx, "arm64", "", nil, defaultRunImage)
		errtest.Check(t, err, nil, "run needs a Go source")
		_, err = m.RunContainer(ctx, "arm64", "", defaultRunImage)
		errtest.Check(t, err, nil, "run-container needs a Go source")
	})
}
