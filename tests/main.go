// End-to-end checks of go-build on a real engine: `dagger check -m tests`.
//
// Every image pulled is a constructor argument with a public default, so the
// checks can run against a local registry mirror.
package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"dagger/tests/internal/dagger"
)

// Tests holds the images and versions the checks use.
type Tests struct {
	// +private
	BuilderImage string
	// +private
	StripImage string
	// +private
	RunImage string
	// +private
	GoVersion string
	// +private
	LLVMVersion string
	// +private
	RegistryImage string
}

func New(
	// Builder image of the cross builds (and of go version -m).
	// +default="golang:1.26-bookworm"
	builderImage string,
	// Image TARGET stripping runs in.
	// +default="debian:trixie-slim"
	stripImage string,
	// Image the built binaries run in, on their own platform under
	// emulation (glibc and zlib for the cgo fixture).
	// +default="debian:trixie-slim"
	runImage string,
	// Go version of the toolchain checks (its golang:<v>-bookworm image is
	// pulled for amd64 and arm64).
	// +default="1.26"
	goVersion string,
	// LLVM major of the toolchain checks.
	// +default="19"
	llvmVersion string,
	// Registry image the publish check pushes to, run as a service
	// (distribution's registry, listening on port 5000 over plain HTTP).
	// +default="registry:2"
	registryImage string,
) *Tests {
	return &Tests{
		BuilderImage: builderImage, StripImage: stripImage, RunImage: runImage,
		GoVersion: goVersion, LLVMVersion: llvmVersion, RegistryImage: registryImage,
	}
}

// crossPlatforms are the targets every fixture is cross-built for.
var crossPlatforms = []string{"amd64", "arm64", "linux/arm/v7", "linux/arm/v6", "ppc64le", "s390x"}

// stampedVersion is stamped into the fixtures and read back from their output.
const stampedVersion = "v9.9.9-check"

// goBuild configures go-build for a fixture under testdata/.
func (m *Tests) goBuild(fixture string, opts dagger.GoBuildOpts) *dagger.GoBuild {
	opts.Source = dag.CurrentModule().Source().Directory("testdata/" + fixture)
	opts.BuilderImage = m.BuilderImage
	opts.StripImage = m.StripImage
	opts.GoVersion = m.GoVersion
	if opts.Version == "" {
		opts.Version = stampedVersion
	}
	return dag.GoBuild(opts)
}

// cgoOpts builds the cgo fixture, which links zlib found with pkg-config.
func cgoOpts(static bool) dagger.GoBuildOpts {
	return dagger.GoBuildOpts{Cgo: true, Static: static, TargetPackages: []string{"zlib1g-dev"}}
}

// CrossBuildPureGo cross-builds the pure-Go fixture for amd64, arm64,
// arm/v7, arm/v6, ppc64le and s390x; go-build verifies every binary.
// +check
func (m *Tests) CrossBuildPureGo(ctx context.Context) error {
	return buildAll(ctx, m.goBuild("purego", dagger.GoBuildOpts{}), "purego", crossPlatforms)
}

// CrossBuildCgo cross-builds the cgo fixture (libc and zlib for the target
// architecture) for the same platforms.
// +check
func (m *Tests) CrossBuildCgo(ctx context.Context) error {
	return buildAll(ctx, m.goBuild("cgo", cgoOpts(false)), "cgo", crossPlatforms)
}

// CrossBuildStaticCgo builds static cgo binaries; go-build checks they have
// no interpreter and no shared library.
// +check
func (m *Tests) CrossBuildStaticCgo(ctx context.Context) error {
	return buildAll(ctx, m.goBuild("cgo", cgoOpts(true)), "cgo", []string{"arm64", "linux/arm/v7", "s390x"})
}

// BuildWindowsAndDarwin builds the pure-Go fixture for windows and darwin.
// +check
func (m *Tests) BuildWindowsAndDarwin(ctx context.Context) error {
	gb := m.goBuild("purego", dagger.GoBuildOpts{})
	for arch, name := range map[string]string{"windows/amd64": "purego.exe", "windows/arm64": "purego.exe", "darwin/arm64": "purego"} {
		if err := expectEntries(ctx, gb.Build(dagger.GoBuildBuildOpts{Arch: arch}), arch, name); err != nil {
			return err
		}
	}
	return nil
}

// RunArm64 runs both fixtures' arm64 binaries in an arm64 container.
// +check
func (m *Tests) RunArm64(ctx context.Context) error {
	return m.runFixtures(ctx, "arm64", "linux/arm64", "linux/arm64", 64)
}

// RunArmV6 runs both fixtures' arm/v6 binaries in an arm/v6 container, and
// checks go version -m reports GOARM=6 (a GOARM=v6 would have built ARMv7).
// +check
func (m *Tests) RunArmV6(ctx context.Context) error {
	if err := m.runFixtures(ctx, "armv6", "linux/arm/v6", "linux/arm", 32); err != nil {
		return err
	}
	bin := m.goBuild("purego", dagger.GoBuildOpts{}).Build(dagger.GoBuildBuildOpts{Arch: "armv6"}).File("purego")
	out, err := dag.Container().From(m.BuilderImage).
		WithFile("/bin/purego", bin).
		WithExec([]string{"go", "version", "-m", "/bin/purego"}).
		Stdout(ctx)
	if err != nil {
		return err
	}
	if !strings.Contains(out, "GOARM=6") {
		return fmt.Errorf("go version -m of the armv6 binary lacks GOARM=6:\n%s", out)
	}
	return nil
}

// runFixtures builds both fixtures for arch and runs them in runPlatform,
// checking what they print.
func (m *Tests) runFixtures(ctx context.Context, arch, runPlatform, goPlatform string, pointerBits int) error {
	want := map[string]string{
		"purego": fmt.Sprintf("purego %s version=%s", goPlatform, stampedVersion),
		"cgo":    fmt.Sprintf("cgo %s pointer=%d zlib=", goPlatform, pointerBits),
	}
	builds := map[string]*dagger.GoBuild{
		"purego": m.goBuild("purego", dagger.GoBuildOpts{}),
		"cgo":    m.goBuild("cgo", cgoOpts(false)),
	}
	for name, gb := range builds {
		out, err := m.run(ctx, runPlatform, gb.Build(dagger.GoBuildBuildOpts{Arch: arch}).File(name))
		if err != nil {
			return fmt.Errorf("running the %s %s binary: %w", arch, name, err)
		}
		if !strings.HasPrefix(out, want[name]) {
			return fmt.Errorf("the %s %s binary printed %q, want %q...", arch, name, out, want[name])
		}
	}
	return nil
}

// run runs bin in a container of platform (under emulation) and returns its
// output.
func (m *Tests) run(ctx context.Context, platform string, bin *dagger.File) (string, error) {
	return dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(platform)}).
		From(m.RunImage).
		WithFile("/usr/local/bin/fixture", bin).
		WithExec([]string{"/usr/local/bin/fixture"}).
		Stdout(ctx)
}

// CompileRunsNatively checks the compile container of a foreign target is on
// the engine's own platform, with the target only in its environment.
// +check
func (m *Tests) CompileRunsNatively(ctx context.Context) error {
	native, err := dag.DefaultPlatform(ctx)
	if err != nil {
		return err
	}
	target := "s390x"
	if strings.Contains(string(native), "s390x") {
		target = "arm64"
	}
	b := m.goBuild("purego", dagger.GoBuildOpts{}).Builder(dagger.GoBuildBuilderOpts{Arch: target})
	got, err := b.Platform(ctx)
	if err != nil {
		return err
	}
	if got != native {
		return fmt.Errorf("the %s compile container is on %s, want the engine's %s", target, got, native)
	}
	goarch, err := b.EnvVariable(ctx, "GOARCH")
	if err != nil {
		return err
	}
	if goarch != target {
		return fmt.Errorf("the compile container has GOARCH=%q, want %q", goarch, target)
	}
	return nil
}

// StripModes checks NATIVE and TARGET stripping both shrink the arm64
// binary compared with NONE.
// +check
func (m *Tests) StripModes(ctx context.Context) error {
	sizes := map[dagger.GoBuildStripMode]int{}
	for _, mode := range []dagger.GoBuildStripMode{dagger.GoBuildStripModeNone, dagger.GoBuildStripModeNative, dagger.GoBuildStripModeTarget} {
		size, err := m.goBuild("purego", dagger.GoBuildOpts{Strip: mode}).
			Build(dagger.GoBuildBuildOpts{Arch: "arm64"}).File("purego").Size(ctx)
		if err != nil {
			return fmt.Errorf("strip %s: %w", mode, err)
		}
		sizes[mode] = size
	}
	for _, mode := range []dagger.GoBuildStripMode{dagger.GoBuildStripModeNative, dagger.GoBuildStripModeTarget} {
		if sizes[mode] >= sizes[dagger.GoBuildStripModeNone] {
			return fmt.Errorf("strip %s left %d bytes, unstripped is %d", mode, sizes[mode], sizes[dagger.GoBuildStripModeNone])
		}
	}
	return nil
}

// EmulatedBuild builds the pure-Go fixture for arm64 with the whole build
// under emulation and runs it.
// +check
func (m *Tests) EmulatedBuild(ctx context.Context) error {
	bin := m.goBuild("purego", dagger.GoBuildOpts{Mode: dagger.GoBuildBuildModeEmulate}).
		Build(dagger.GoBuildBuildOpts{Arch: "arm64"}).File("purego")
	out, err := m.run(ctx, "linux/arm64", bin)
	if err != nil {
		return err
	}
	if want := "purego linux/arm64 version=" + stampedVersion; !strings.HasPrefix(out, want) {
		return fmt.Errorf("the emulated build printed %q, want %q", out, want)
	}
	return nil
}

// ModuleAsSource builds a published module (rakyll/hey) for arm64 from its
// path and version, and checks the errors for a version that does not exist
// and a module without a main package.
// +check
func (m *Tests) ModuleAsSource(ctx context.Context) error {
	build := func(module string) *dagger.Directory {
		return dag.GoBuild(dagger.GoBuildOpts{Module: module, BuilderImage: m.BuilderImage, StripImage: m.StripImage}).
			Build(dagger.GoBuildBuildOpts{Arch: "arm64"})
	}
	if err := expectEntries(ctx, build("github.com/rakyll/hey@v0.1.4"), "arm64", "hey"); err != nil {
		return err
	}
	for module, want := range map[string]string{
		"github.com/rakyll/hey@v0.999.0":  "v0.999.0",
		"github.com/google/uuid@v1.6.0":   "no main package",
		"github.com/rakyll/hey":           "version",
		"github.com/rakyll/hey@master":    "master",
		"github.com/rakyll/hey@v0.1.4/..": "hey",
	} {
		_, err := build(module).Entries(ctx)
		if msg := errorText(err); err == nil || !strings.Contains(msg, want) {
			return fmt.Errorf("building %s: error %q, want one containing %q", module, msg, want)
		}
	}
	return nil
}

// errorText is what a user sees of err: its message and, for a failed
// command, the command's stderr, which the message leaves out.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	var exec *dagger.ExecError
	if errors.As(err, &exec) {
		return err.Error() + "\n" + exec.Stderr
	}
	return err.Error()
}

// buildAll builds gb for every platform concurrently and checks each gives
// exactly the binary name.
func buildAll(ctx context.Context, gb *dagger.GoBuild, name string, platforms []string) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, p := range platforms {
		g.Go(func() error {
			return expectEntries(gctx, gb.Build(dagger.GoBuildBuildOpts{Arch: p}), p, name)
		})
	}
	return g.Wait()
}

func expectEntries(ctx context.Context, dir *dagger.Directory, platform string, names ...string) error {
	entries, err := dir.Entries(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", platform, err)
	}
	if strings.Join(entries, ",") != strings.Join(names, ",") {
		return fmt.Errorf("%s: built %v, want %v", platform, entries, names)
	}
	return nil
}
