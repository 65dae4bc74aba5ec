// End-to-end checks of go-build on a real engine: `dagger check -m tests`.
//
// Every image pulled is a constructor argument with a public default, so the
// checks can run against a local registry mirror.
package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

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
	// +private
	CgoPlatforms []string
	// +private
	GoProxy string
}

// New configures the checks: the images they pull and the versions they use.
//
// Every image has a public default and can be replaced by a mirror's.
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
	// Platforms the cgo checks build for. A Debian mirror that cannot
	// install some architectures' C libraries (linux-libc-dev:<arch> not
	// installable) can be worked around with e.g. --cgo-platforms
	// linux/arm64; the pure-Go checks keep every platform.
	// +default=["linux/amd64","linux/arm64","linux/arm/v7","linux/arm/v6","linux/ppc64le","linux/s390x"]
	cgoPlatforms []string,
	// Go module proxy the --module checks read a version's record from,
	// to compare with what go-build made of it.
	// +default="https://proxy.golang.org"
	goProxy string,
) (*Tests, error) {
	for i, p := range cgoPlatforms {
		if !strings.HasPrefix(p, "linux/") {
			return nil, fmt.Errorf("cgo platform %q: want a linux/<arch>[/<variant>] platform, e.g. linux/arm64", p)
		}
		cgoPlatforms[i] = strings.TrimSpace(p)
	}
	return &Tests{
		BuilderImage: builderImage, StripImage: stripImage, RunImage: runImage,
		GoVersion: goVersion, LLVMVersion: llvmVersion, RegistryImage: registryImage,
		CgoPlatforms: cgoPlatforms, GoProxy: strings.TrimSuffix(goProxy, "/"),
	}, nil
}

// cgoPlatformsOf is those of platforms that are cgo platforms, in order.
func (m *Tests) cgoPlatformsOf(platforms ...string) []string {
	var in []string
	for _, p := range platforms {
		if slices.Contains(m.CgoPlatforms, p) {
			in = append(in, p)
		}
	}
	return in
}

// crossPlatforms are the targets every fixture is cross-built for.
var crossPlatforms = []string{"linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/ppc64le", "linux/s390x"}

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

// CrossBuildPureGo cross-builds the pure-Go fixture for six platforms.
//
// They are amd64, arm64, arm/v7, arm/v6, ppc64le and s390x; go-build
// verifies every binary.
// +check
func (m *Tests) CrossBuildPureGo(ctx context.Context) error {
	return buildAll(ctx, m.goBuild("purego", dagger.GoBuildOpts{}), "purego", crossPlatforms)
}

// CrossBuildCgo cross-builds the cgo fixture for every cgo platform.
//
// libc and zlib are installed for the target architecture. The platforms
// are the constructor's --cgo-platforms; a platform whose C libraries
// cannot be installed fails naming the platform and apt's reason.
// +check
func (m *Tests) CrossBuildCgo(ctx context.Context) error {
	return buildAll(ctx, m.goBuild("cgo", cgoOpts(false)), "cgo", m.CgoPlatforms)
}

// CrossBuildStaticCgo builds static cgo binaries for the cgo platforms.
//
// go-build checks they have no interpreter and no shared library. The
// platforms are those of arm64, arm/v7 and s390x in --cgo-platforms.
// +check
func (m *Tests) CrossBuildStaticCgo(ctx context.Context) error {
	platforms := m.cgoPlatformsOf("linux/arm64", "linux/arm/v7", "linux/s390x")
	if len(platforms) == 0 {
		return fmt.Errorf("--cgo-platforms %v has none of linux/arm64, linux/arm/v7 and linux/s390x to build static cgo binaries for", m.CgoPlatforms)
	}
	return buildAll(ctx, m.goBuild("cgo", cgoOpts(true)), "cgo", platforms)
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

// RunArm64 runs the pure-Go fixture's arm64 binary in an arm64 container.
// +check
func (m *Tests) RunArm64(ctx context.Context) error {
	return m.runFixture(ctx, "purego", "linux/arm64", "linux/arm64")
}

// RunArmV6 runs the pure-Go fixture's arm/v6 binary and checks its GOARM.
//
// The binary runs in an arm/v6 container, and go version -m must report
// GOARM=6 (a GOARM=v6 would have built ARMv7). The cgo fixture is run by
// run-cgo, so this check does not depend on armel C libraries.
// +check
func (m *Tests) RunArmV6(ctx context.Context) error {
	if err := m.runFixture(ctx, "purego", "linux/arm/v6", "linux/arm"); err != nil {
		return err
	}
	bin := m.goBuild("purego", dagger.GoBuildOpts{}).Build(dagger.GoBuildBuildOpts{Arch: "linux/arm/v6"}).File("purego")
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

// RunCgo runs the cgo fixture's arm64 and arm/v6 binaries on their platforms.
//
// Only those of the two in --cgo-platforms run; with neither, the check
// says so and passes, having checked nothing.
// +check
func (m *Tests) RunCgo(ctx context.Context) error {
	platforms := m.cgoPlatformsOf("linux/arm64", "linux/arm/v6")
	if len(platforms) == 0 {
		fmt.Printf("run-cgo: --cgo-platforms %v has neither linux/arm64 nor linux/arm/v6; nothing run\n", m.CgoPlatforms)
		return nil
	}
	var errs []error
	for _, p := range platforms {
		goPlatform := p
		if strings.HasPrefix(p, "linux/arm/") {
			goPlatform = "linux/arm"
		}
		errs = append(errs, m.runFixture(ctx, "cgo", p, goPlatform))
	}
	return errors.Join(errs...)
}

// runFixture builds fixture for platform, runs it there and checks what it
// prints; goPlatform is the GOOS/GOARCH the binary reports.
func (m *Tests) runFixture(ctx context.Context, fixture, platform, goPlatform string) error {
	want := fmt.Sprintf("purego %s version=%s", goPlatform, stampedVersion)
	gb := m.goBuild(fixture, dagger.GoBuildOpts{})
	if fixture == "cgo" {
		pointerBits := 64
		if goPlatform == "linux/arm" {
			pointerBits = 32
		}
		want = fmt.Sprintf("cgo %s pointer=%d zlib=", goPlatform, pointerBits)
		gb = m.goBuild(fixture, cgoOpts(false))
	}
	out, err := m.run(ctx, platform, gb.Build(dagger.GoBuildBuildOpts{Arch: platform}).File(fixture))
	if err != nil {
		return fmt.Errorf("running the %s %s binary: %s", platform, fixture, errorText(err))
	}
	if !strings.HasPrefix(out, want) {
		return fmt.Errorf("the %s %s binary printed %q, want %q...", platform, fixture, out, want)
	}
	return nil
}

// run runs bin with args in a container of platform (under emulation) and
// returns its output.
func (m *Tests) run(ctx context.Context, platform string, bin *dagger.File, args ...string) (string, error) {
	return dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(platform)}).
		From(m.RunImage).
		WithFile("/usr/local/bin/fixture", bin).
		WithExec(append([]string{"/usr/local/bin/fixture"}, args...)).
		Stdout(ctx)
}

// CompileRunsNatively checks a foreign target compiles on the engine's platform.
//
// The compile container is on the engine's own platform, with the target
// only in its environment.
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

// StripModes checks NATIVE and TARGET stripping both shrink a binary.
//
// The arm64 binary must be smaller than with NONE.
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

// EmulatedBuild builds the pure-Go fixture wholly under emulation and runs it.
//
// The platform is arm64.
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

// ModuleAsSource builds a published module from its path and version.
//
// It builds rakyll/hey for arm64, and checks the errors for a version that
// does not exist and a module without a main package.
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
// exactly the binary name. Every platform is built to the end, so the error
// names each platform that failed, with its reason.
func buildAll(ctx context.Context, gb *dagger.GoBuild, name string, platforms []string) error {
	errs := make([]error, len(platforms))
	var wg sync.WaitGroup
	for i, p := range platforms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = expectEntries(ctx, gb.Build(dagger.GoBuildBuildOpts{Arch: p}), p, name)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func expectEntries(ctx context.Context, dir *dagger.Directory, platform string, names ...string) error {
	entries, err := dir.Entries(ctx)
	if err != nil {
		return fmt.Errorf("%s: %s", platform, errorText(err))
	}
	if strings.Join(entries, ",") != strings.Join(names, ",") {
		return fmt.Errorf("%s: built %v, want %v", platform, entries, names)
	}
	return nil
}
