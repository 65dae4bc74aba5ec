package main

import (
	"context"
	"fmt"
	"os"

	"dagger/go-build/internal/binrun"
	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/gotest"
	"dagger/go-build/internal/platform"
)

// defaultRunImage is the image built binaries run in. It is the Debian
// release of the default builder (golang:<go-version>-bookworm), so a cgo
// binary finds the glibc it was linked against and the same library
// sonames; a pure-Go binary runs in it as in any image.
const defaultRunImage = "debian:bookworm-slim"

// Run builds a target's binaries and runs one in a container of its platform.
//
// The binaries are built as build builds them (stripped, verified); a
// foreign platform's binary runs under the engine's emulation. It returns
// what the program printed: its stdout, then its stderr (Go's flag package
// writes -help there; the engine keeps no order between the two streams).
// A program that exits non-zero fails the call with its exit code and
// stderr. It waits for the program to exit: run a server with
// run-container's as-service. Like any Dagger exec, a run with the same
// binary, arguments and image is cached. Example: `dagger call run --arch
// arm64 --args=--version`.
func (m *GoBuild) Run(
	ctx context.Context,
	// Target platform, as for build (Linux only: binaries run in Linux
	// containers), e.g. arm64 or linux/arm/v7. Default: the engine's own
	// platform.
	// +optional
	arch string,
	// Binary to run, by its file name (e.g. app for ./cmd/app). Default:
	// the only binary the build produces; with several it must be named.
	// +optional
	binary string,
	// Arguments passed to the binary, e.g. --args=--version or
	// --args=serve,--port,8080 (use the = form for one starting with -).
	// Default: none.
	// +optional
	args []string,
	// Image the binary runs in, pulled for the target platform, e.g.
	// busybox:latest. Its C library must suit a cgo binary (the default
	// matches the default builder's glibc); a pure-Go binary runs in any
	// image.
	// +default="debian:bookworm-slim"
	runImage string,
) (string, error) {
	ctr, name, t, err := m.runContainer(ctx, "run", arch, binary, runImage)
	if err != nil {
		return "", err
	}
	ran := ctr.WithExec(append([]string{binrun.Path(name)}, args...), dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
	code, err := ran.ExitCode(ctx)
	if err != nil {
		// Not the program's failure (its exit code is a result here): the
		// exec could not start, e.g. a dynamic binary whose loader the
		// image lacks.
		return "", fmt.Errorf("running %s on %s in %s: %v", binrun.CommandLine(name, args), t, runImage, withStderr(err))
	}
	stdout, err := ran.Stdout(ctx)
	if err != nil {
		return "", err
	}
	stderr, err := ran.Stderr(ctx)
	if err != nil {
		return "", err
	}
	if code != 0 {
		return "", &binrun.ExitError{Binary: name, Args: args, Platform: t.String(), Image: runImage, Code: code, Stderr: stderr, Stdout: stdout}
	}
	return binrun.Output(stdout, stderr), nil
}

// RunContainer returns a container of a target's platform with a built binary as its entrypoint.
//
// The binary, built as build builds it, is at /usr/local/bin/<binary>, on
// PATH, and is the container's entrypoint: ready for `with-exec
// --args=<binary>,...`, `with-exec --use-entrypoint --args=...`,
// `terminal` or `as-service`. A foreign platform's container runs under
// the engine's emulation. It is not named container: that is a root field
// of Dagger's core API, and a function of that name breaks dagger query
// and dagger call in the module's directory. Example: `dagger call
// run-container --arch arm64 with-exec --args=app,--version stdout`.
func (m *GoBuild) RunContainer(
	ctx context.Context,
	// Target platform, as for build (Linux only), e.g. arm64. Default:
	// the engine's own platform.
	// +optional
	arch string,
	// Binary to put in the container, by its file name. Default: the only
	// binary the build produces; with several it must be named.
	// +optional
	binary string,
	// Image the container starts from, pulled for the target platform,
	// e.g. busybox:latest (see run's --run-image).
	// +default="debian:bookworm-slim"
	runImage string,
) (*dagger.Container, error) {
	ctr, _, _, err := m.runContainer(ctx, "run-container", arch, binary, runImage)
	return ctr, err
}

// runContainer builds arch's binaries and returns runImage on arch's
// platform with the chosen binary at binrun.Path as the entrypoint, and the
// binary's name. fn names the calling function in errors. A target no
// container runs fails before any build, a binary that cannot be chosen
// before any run.
func (m *GoBuild) runContainer(ctx context.Context, fn, arch, binary, runImage string) (*dagger.Container, string, platform.Target, error) {
	if err := m.requireSource(fn); err != nil {
		return nil, "", platform.Target{}, err
	}
	if runImage == "" {
		return nil, "", platform.Target{}, fmt.Errorf("%s: --run-image is empty: name an image, e.g. %s", fn, defaultRunImage)
	}
	t, err := m.target(ctx, arch)
	if err != nil {
		return nil, "", t, err
	}
	if err := binrun.CheckRunnable(t); err != nil {
		return nil, "", t, err
	}
	plan, err := m.plan(ctx, []platform.Target{t})
	if err != nil {
		return nil, "", t, err
	}
	bins, err := plan.stripped(ctx, t)
	if err != nil {
		return nil, "", t, err
	}
	tmp, err := os.MkdirTemp("", "go-build-run-")
	if err != nil {
		return nil, "", t, err
	}
	defer os.RemoveAll(tmp)
	built, err := exportVerified(ctx, bins, t, m.rules(), tmp)
	if err != nil {
		return nil, "", t, err
	}
	name, err := binrun.Choose(built, binary)
	if err != nil {
		return nil, "", t, fmt.Errorf("%s --arch %s: %v", fn, t, err)
	}
	// Pull the image now, so a platform it lacks fails naming both.
	ctr, err := dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(gotest.RunPlatform(t))}).
		From(runImage).
		WithFile(binrun.Path(name), bins.File(name)).
		WithEntrypoint([]string{binrun.Path(name)}).
		Sync(ctx)
	if err != nil {
		return nil, "", t, fmt.Errorf("%s: the run image %s for %s: %v", fn, runImage, gotest.RunPlatform(t), withStderr(err))
	}
	return ctr, name, t, nil
}
