package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"dagger/tests/internal/dagger"
)

// RunBinary runs built binaries through go-build's run and run-container.
//
// On arm64, under emulation: the pure-Go fixture's only binary by default,
// the two-command fixture's binaries by name with arguments (stdout, then
// stderr, in the output), a failing one whose exit code and stderr
// must reach the error, a missing and a wrong binary name, and a windows
// target, refused before any build. The pure-Go fixture also runs on the
// engine's own platform, and its run-container with with-exec.
// +check
func (m *Tests) RunBinary(ctx context.Context) error {
	purego := m.goBuild("purego", dagger.GoBuildOpts{})
	twocmds := m.goBuild("twocmds", dagger.GoBuildOpts{})
	native, err := dag.DefaultPlatform(ctx)
	if err != nil {
		return err
	}
	runs := []struct {
		what string
		gb   *dagger.GoBuild
		opts dagger.GoBuildRunOpts
		// fails says the run must fail; want are what its output, or
		// its error, must contain.
		fails bool
		want  []string
	}{
		{"run --arch arm64 --args=--version (purego)", purego,
			dagger.GoBuildRunOpts{Arch: "arm64", Args: []string{"--version"}},
			false, []string{"purego linux/arm64 version=" + stampedVersion + "\n"}},
		{"run (purego, the engine's platform)", purego,
			dagger.GoBuildRunOpts{},
			false, []string{"purego " + goPlatform(string(native)) + " version=" + stampedVersion + "\n"}},
		{"run --binary greet", twocmds,
			dagger.GoBuildRunOpts{Arch: "arm64", Binary: "greet", Args: []string{"a", "b c"}},
			false, []string{"greet linux/arm64 args=a,b c\ngreet: done\n"}}, // stdout, then stderr
		{"run --binary fail --args=5", twocmds,
			dagger.GoBuildRunOpts{Arch: "arm64", Binary: "fail", Args: []string{"5"}},
			true, []string{"fail 5 on linux/arm64", "exited with code 5", "fail: failing on linux/arm64 with code 5"}},
		{"run without --binary, two binaries built", twocmds,
			dagger.GoBuildRunOpts{Arch: "arm64"},
			true, []string{"the build produced 2 binaries (fail, greet): name one with --binary"}},
		{"run --binary nope", twocmds,
			dagger.GoBuildRunOpts{Arch: "arm64", Binary: "nope"},
			true, []string{`binary "nope" was not built; the build produced fail, greet`}},
		{"run --arch windows/amd64", purego,
			dagger.GoBuildRunOpts{Arch: "windows/amd64"},
			true, []string{"windows/amd64: binaries run in Linux containers"}},
	}
	var errs []error
	for _, r := range runs {
		r.opts.RunImage = m.RunImage
		out, err := r.gb.Run(ctx, r.opts)
		check := expectRun
		if r.fails {
			check = expectRunError
		}
		if err := check(out, err, r.want...); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.what, err))
		}
	}
	if err := m.checkRunContainer(ctx, purego); err != nil {
		errs = append(errs, fmt.Errorf("run-container --arch arm64: %w", err))
	}
	return errors.Join(errs...)
}

// checkRunContainer checks the arm64 run container of the pure-Go fixture:
// its platform, its entrypoint, and the binary run from PATH and through
// the entrypoint.
func (m *Tests) checkRunContainer(ctx context.Context, gb *dagger.GoBuild) error {
	ctr := gb.RunContainer(dagger.GoBuildRunContainerOpts{Arch: "arm64", RunImage: m.RunImage})
	platform, err := ctr.Platform(ctx)
	if err != nil {
		return errors.New(errorText(err))
	}
	if platform != "linux/arm64" {
		return fmt.Errorf("platform %s, want linux/arm64", platform)
	}
	entrypoint, err := ctr.Entrypoint(ctx)
	if err != nil {
		return err
	}
	if want := []string{"/usr/local/bin/purego"}; !slices.Equal(entrypoint, want) {
		return fmt.Errorf("entrypoint %q, want %q", entrypoint, want)
	}
	want := "purego linux/arm64 version=" + stampedVersion + "\n"
	for what, exec := range map[string]*dagger.Container{
		"from PATH":           ctr.WithExec([]string{"purego", "--version"}),
		"with the entrypoint": ctr.WithExec([]string{"--version"}, dagger.ContainerWithExecOpts{UseEntrypoint: true}),
	} {
		out, err := exec.Stdout(ctx)
		if err != nil {
			return fmt.Errorf("%s: %s", what, errorText(err))
		}
		if out != want {
			return fmt.Errorf("%s: with-exec printed %q, want %q", what, out, want)
		}
	}
	return nil
}

// RunCgoBinary runs the cgo fixture's arm64 binary through go-build's run.
//
// It needs linux/arm64 in --cgo-platforms; without it, the check says so
// and passes, having checked nothing.
// +check
func (m *Tests) RunCgoBinary(ctx context.Context) error {
	if len(m.cgoPlatformsOf("linux/arm64")) == 0 {
		fmt.Printf("run-cgo-binary: --cgo-platforms %v lacks linux/arm64; nothing run\n", m.CgoPlatforms)
		return nil
	}
	out, err := m.goBuild("cgo", cgoOpts(false)).Run(ctx, dagger.GoBuildRunOpts{Arch: "arm64", RunImage: m.RunImage})
	return expectRun(out, err, "cgo linux/arm64 pointer=64 zlib=")
}

// RunEmulatedBinary runs the pure-Go fixture built wholly under emulation.
//
// go-build's run builds it with --mode EMULATE for arm64 and runs it there.
// +check
func (m *Tests) RunEmulatedBinary(ctx context.Context) error {
	out, err := m.goBuild("purego", dagger.GoBuildOpts{Mode: dagger.GoBuildBuildModeEmulate}).
		Run(ctx, dagger.GoBuildRunOpts{Arch: "arm64", RunImage: m.RunImage})
	return expectRun(out, err, "purego linux/arm64 version="+stampedVersion+"\n")
}

// expectRun checks a run succeeded and its output contains every one of
// want.
func expectRun(out string, err error, want ...string) error {
	if err != nil {
		return errors.New(errorText(err))
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			return fmt.Errorf("printed %q, want it to contain %q", out, w)
		}
	}
	return nil
}

// expectRunError checks a run failed with an error containing every one of
// want.
func expectRunError(out string, err error, want ...string) error {
	if err == nil {
		return fmt.Errorf("succeeded, printing %q; want an error containing %q", out, want)
	}
	msg := errorText(err)
	for _, w := range want {
		if !strings.Contains(msg, w) {
			return fmt.Errorf("error %q, want one containing %q", msg, w)
		}
	}
	return nil
}

// goPlatform is the GOOS/GOARCH a binary built for platform reports: the
// platform without its variant.
func goPlatform(platform string) string {
	parts := strings.SplitN(platform, "/", 3)
	if len(parts) < 2 {
		return platform
	}
	return parts[0] + "/" + parts[1]
}
