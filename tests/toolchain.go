package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"dagger/tests/internal/dagger"
)

// toolchainBuild is go-build configured for the toolchain checks.
func (m *Tests) toolchainBuild() *dagger.GoBuild {
	return dag.GoBuild(dagger.GoBuildOpts{
		Source:       dag.CurrentModule().Source().Directory("testdata/purego"),
		GoVersion:    m.GoVersion,
		LlvmVersion:  m.LLVMVersion,
		BuilderImage: m.BuilderImage,
		StripImage:   m.StripImage,
	})
}

// Toolchain builds the toolchain for amd64 and arm64, runs go version,
// clang --version and a code generator in each, checks the tag, and exports
// both as one OCI tarball whose index lists both platforms.
// +check
func (m *Tests) Toolchain(ctx context.Context) error {
	gb := m.toolchainBuild()
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		out, err := gb.Toolchain(dagger.GoBuildToolchainOpts{Platform: p}).
			WithExec([]string{"sh", "-c", "go version && clang --version && ld.lld --version && deepcopy-gen --help >/dev/null 2>&1 && echo generators-ok"}).
			Stdout(ctx)
		if err != nil {
			return fmt.Errorf("toolchain %s: %w", p, err)
		}
		for _, want := range []string{"go version go" + m.GoVersion, "clang version " + m.LLVMVersion, "generators-ok", strings.TrimPrefix(p, "linux/")} {
			if !strings.Contains(out, want) {
				return fmt.Errorf("toolchain %s: output lacks %q:\n%s", p, want, out)
			}
		}
	}
	tag, err := gb.Tag(ctx)
	if err != nil {
		return err
	}
	tagPattern := regexp.MustCompile(`^` + regexp.QuoteMeta(m.GoVersion) + `(\.\d+)?-llvm` + regexp.QuoteMeta(m.LLVMVersion) + `\.\d+\.\d+-k8s1\.34\.1$`)
	if !tagPattern.MatchString(tag) {
		return fmt.Errorf("tag %q does not match %s", tag, tagPattern)
	}
	layout, err := readLayout(ctx, gb.ToolchainImage(dagger.GoBuildToolchainImageOpts{Platforms: []string{"linux/amd64", "linux/arm64"}}))
	if err != nil {
		return err
	}
	imgs, err := layout.Images()
	if err != nil {
		return err
	}
	var platforms []string
	for _, img := range imgs {
		platforms = append(platforms, img.Platform())
	}
	if strings.Join(platforms, ",") != "linux/amd64,linux/arm64" {
		return fmt.Errorf("the toolchain tarball lists %v, want linux/amd64 and linux/arm64", platforms)
	}
	return nil
}

// ToolchainRejectsMissingLLVM checks an LLVM major bookworm lacks fails
// with the majors it has.
// +check
func (m *Tests) ToolchainRejectsMissingLLVM(ctx context.Context) error {
	_, err := dag.GoBuild(dagger.GoBuildOpts{
		Source:      dag.CurrentModule().Source().Directory("testdata/purego"),
		LlvmVersion: "18",
	}).Tag(ctx)
	if err == nil || !strings.Contains(err.Error(), "19") {
		return fmt.Errorf("LLVM 18 on bookworm: error %v, want one listing the available majors", err)
	}
	return nil
}
