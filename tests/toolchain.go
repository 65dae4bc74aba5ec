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

// Toolchain builds the toolchain for amd64 and arm64 and checks each works.
//
// In each it runs go version, clang --version and ld.lld --version, and
// generates deep-copy code with deepcopy-gen for a small API package, then
// compiles and vets it. It checks the tag, and exports both toolchains as
// one OCI tarball whose index lists both platforms.
// +check
func (m *Tests) Toolchain(ctx context.Context) error {
	gb := m.toolchainBuild()
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		tc := gb.Toolchain(dagger.GoBuildToolchainOpts{Platform: p})
		out, err := tc.WithExec([]string{"sh", "-c", "go version && clang --version && ld.lld --version"}).Stdout(ctx)
		if err != nil {
			return fmt.Errorf("toolchain %s: %s", p, errorText(err))
		}
		for _, want := range []string{"go version go" + m.GoVersion, "clang version " + m.LLVMVersion, strings.TrimPrefix(p, "linux/")} {
			if !strings.Contains(out, want) {
				return fmt.Errorf("toolchain %s: output lacks %q:\n%s", p, want, out)
			}
		}
		if err := checkCodeGenerator(ctx, tc); err != nil {
			return fmt.Errorf("toolchain %s: %w", p, err)
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

// ToolchainRejectsMissingLLVM checks an LLVM major bookworm lacks is refused.
//
// The error must list the majors bookworm has.
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

// deepcopyScript writes a small API package with deepcopy-gen tags, runs
// deepcopy-gen on it, and compiles and vets the result. deepcopy-gen --help
// cannot serve as the check: pflag exits 2 after printing the help.
const deepcopyScript = `set -eu
mkdir -p /tmp/gen/api && cd /tmp/gen
printf 'module example.com/gen\n\ngo 1.22\n' > go.mod
printf '// +k8s:deepcopy-gen=package\n\npackage api\n' > api/doc.go
cat > api/types.go <<'EOF'
package api

type Widget struct {
	Name   string
	Labels map[string]string
	Parts  []Part
	Owner  *Part
}

type Part struct{ ID int }
EOF
: > header.txt
deepcopy-gen --output-file zz_generated.deepcopy.go --go-header-file header.txt ./api
grep -q 'func (in \*Widget) DeepCopy() \*Widget' api/zz_generated.deepcopy.go
go vet ./api
echo generated-and-compiled`

// checkCodeGenerator runs deepcopyScript in the toolchain tc.
func checkCodeGenerator(ctx context.Context, tc *dagger.Container) error {
	out, err := tc.WithExec([]string{"sh", "-c", deepcopyScript}).Stdout(ctx)
	if err != nil {
		return fmt.Errorf("deepcopy-gen on a small API package: %s", errorText(err))
	}
	if !strings.Contains(out, "generated-and-compiled") {
		return fmt.Errorf("deepcopy-gen on a small API package: the script ended early:\n%s", out)
	}
	return nil
}
