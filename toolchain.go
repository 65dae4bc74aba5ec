package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/fanout"
	"dagger/go-build/internal/imagecfg"
	"dagger/go-build/internal/ocilayout"
	"dagger/go-build/internal/pkgscript"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/registrypush"
	"dagger/go-build/internal/toolchainver"
)

// The default toolchain bases are Debian bookworm images; their LLVM majors
// are known without pulling anything.
const toolchainSuite = "bookworm"

// Toolchain returns the versioned build container for a platform.
//
// It holds Go, Clang, LLD and LLVM tools, pkg-config, git, make, file and
// the Kubernetes code generators, with GOTOOLCHAIN=local, GOPATH=/go and
// PATH set. Only the distribution's package installation runs in the
// target platform's container; the Go tools are cross-compiled natively and
// copied in. The installed versions are checked against the requested ones.
func (m *GoBuild) Toolchain(
	ctx context.Context,
	// Platform of the toolchain, as for build (Linux only), e.g.
	// linux/arm64. Default: the engine's own platform.
	// +optional
	platform string,
	// Extra Go tools to build in, as package@version, the version a
	// semantic version or latest (e.g.
	// golang.org/x/tools/cmd/goimports@v0.30.0). Default: none.
	// +optional
	tools []string,
) (*dagger.Container, error) {
	if err := toolchainver.CheckTools(tools); err != nil {
		return nil, err
	}
	t, err := m.target(ctx, platform)
	if err != nil {
		return nil, err
	}
	tc, _, err := m.toolchain(ctx, t, tools)
	return tc, err
}

// Tag prints the toolchain's image tag, e.g. 1.25.4-llvm18.1.8-k8s1.34.1.
//
// The tag is <go>-llvm<llvm>-k8s<k8s>[-N], from the versions installed in
// the native toolchain (which must match the requested ones).
func (m *GoBuild) Tag(ctx context.Context) (string, error) {
	t, err := m.nativeTarget(ctx)
	if err != nil {
		return "", err
	}
	_, tag, err := m.toolchain(ctx, t, nil)
	return tag, err
}

// Branch prints the release branch of the Go version, e.g. go1.25.
func (m *GoBuild) Branch() (string, error) {
	req, err := m.requested()
	if err != nil {
		return "", err
	}
	return req.Branch(), nil
}

// WithToolchain makes this module's own toolchain the builder of later builds.
//
// The toolchain is built for the engine's platform.
func (m *GoBuild) WithToolchain(
	ctx context.Context,
	// Extra Go tools to build in, as package@version, the version a
	// semantic version or latest (e.g.
	// golang.org/x/tools/cmd/goimports@v0.30.0). Default: none.
	// +optional
	tools []string,
) (*GoBuild, error) {
	if err := toolchainver.CheckTools(tools); err != nil {
		return nil, err
	}
	t, err := m.nativeTarget(ctx)
	if err != nil {
		return nil, err
	}
	tc, _, err := m.toolchain(ctx, t, tools)
	if err != nil {
		return nil, err
	}
	next := *m
	next.BuilderContainer = tc
	return &next, nil
}

// ToolchainImage writes the toolchains of several platforms as one OCI tarball.
//
// The tarball holds one multi-platform index.
func (m *GoBuild) ToolchainImage(
	ctx context.Context,
	// Platforms of the toolchain image, e.g. linux/amd64,linux/arm64.
	// Default: linux/amd64,linux/arm64,linux/ppc64le,linux/s390x.
	// +default=["linux/amd64","linux/arm64","linux/ppc64le","linux/s390x"]
	platforms []string,
	// Extra Go tools to build in, as package@version, the version a
	// semantic version or latest (e.g.
	// golang.org/x/tools/cmd/goimports@v0.30.0). Default: none.
	// +optional
	tools []string,
) (*dagger.File, error) {
	set, err := m.toolchains(ctx, platforms, tools)
	if err != nil {
		return nil, err
	}
	return dag.Container().AsTarball(dagger.ContainerAsTarballOpts{PlatformVariants: set.containers}), nil
}

// PublishToolchain pushes the toolchain for every platform under its tag.
//
// Every platform is built concurrently and checked, and only then is
// anything pushed: one image per architecture as <tag>-<arch> and the
// multi-arch manifest list at <tag>, each tag written once every blob and
// manifest is in, with transient registry failures retried as for publish.
// It prints the references with their digests. After with-signing-key,
// cosign signs the manifest list and every per-architecture image before
// any tag moves.
// +cache="never"
func (m *GoBuild) PublishToolchain(
	ctx context.Context,
	// Repository to push to, without a tag (e.g. registry.example/go-build).
	image string,
	// Platforms to publish, e.g. linux/amd64,linux/arm64. Default:
	// linux/amd64,linux/arm64,linux/ppc64le,linux/s390x.
	// +default=["linux/amd64","linux/arm64","linux/ppc64le","linux/s390x"]
	platforms []string,
	// Extra Go tools to build in, as package@version, the version a
	// semantic version or latest (e.g.
	// golang.org/x/tools/cmd/goimports@v0.30.0). Default: none.
	// +optional
	tools []string,
	// Registry user name, with --password. Default: none.
	// +optional
	username string,
	// Registry password or token, with --username, e.g. env:REGISTRY_TOKEN.
	// Default: none.
	// +optional
	password *dagger.Secret,
	// The caller's Docker config.json (e.g. file:$HOME/.docker/config.json),
	// as for publish. Default: none; with no credentials at all the push
	// is anonymous.
	// +optional
	dockerConfig *dagger.Secret,
	// Allow plain HTTP to the registry (a registry without TLS).
	// +optional
	insecure bool,
	// Registry to push to instead of the repository's host, as a service,
	// over plain HTTP, e.g. tcp://localhost:5000. Default: none, the push
	// goes to the repository's host.
	// +optional
	registryService *dagger.Service,
	// How long a registry request may make no progress before it is cut
	// and tried again, as a Go duration, e.g. 2m.
	// +default="60s"
	stallTimeout string,
	// How long one registry request may take in all before it is cut and
	// tried again however steadily it moves, as a Go duration, e.g. 1h to
	// upload a toolchain layer (hundreds of MB) over a slow link.
	// +default="30m"
	requestTimeout string,
	// How long one step of the push (a blob's upload, a manifest's put, a
	// tag's write) may take with all its tries and the waits between them
	// before the publish fails, as a Go duration, e.g. 4h.
	// +default="2h"
	operationTimeout string,
) (string, error) {
	repo, err := imagecfg.ParseRepository(image)
	if err != nil {
		return "", err
	}
	if err := toolchainver.CheckTools(tools); err != nil {
		return "", err
	}
	to, err := m.newLayoutPush(ctx, repo.Registry(), username, password, dockerConfig, insecure, registryService, pushTimeouts{stall: stallTimeout, request: requestTimeout, operation: operationTimeout})
	if err != nil {
		return "", err
	}
	// The signing key is opened while the toolchains build.
	keyChecked := m.Signing.startKeyCheck(ctx)
	set, err := m.toolchains(ctx, platforms, tools)
	if err := errors.Join(err, keyChecked()); err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp(".", "toolchain-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	layoutDir := filepath.Join(dir, "layout")
	if err := exportLayout(ctx, set.containers, dir, layoutDir); err != nil {
		return "", err
	}
	images, err := ocilayout.Images(layoutDir)
	if err != nil {
		return "", err
	}
	tags, signed, err := set.pushTags(repo, images)
	if err != nil {
		return "", err
	}
	dgst, err := m.push(ctx, to, layoutDir, repo.Name, tags, signed)
	if err != nil {
		return "", err
	}
	return printPushed(tags, dgst), nil
}

// exportLayout has the engine assemble the containers into one image and
// writes its layout into layoutDir, one file at a time: the toolchain is
// gigabytes. The engine's tarball goes to dir and is removed once read.
// The toolchain is pushed as the engine assembles it, not made
// reproducible like application images: it is built from apt packages
// that change anyway.
func exportLayout(ctx context.Context, variants []*dagger.Container, dir, layoutDir string) error {
	tarball, err := filepath.Abs(filepath.Join(dir, "engine.tar"))
	if err != nil {
		return err
	}
	if _, err := dag.Container().AsTarball(dagger.ContainerAsTarballOpts{PlatformVariants: variants}).Export(ctx, tarball); err != nil {
		return fmt.Errorf("assembling the image: %v", err)
	}
	defer os.Remove(tarball)
	f, err := os.Open(tarball)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := ocilayout.ExtractTar(f, layoutDir); err != nil {
		return fmt.Errorf("reading the assembled image: %v", err)
	}
	return nil
}

// pushTags are the toolchain's tags, <tag>-<arch> naming each platform's
// image and <tag> the root, and the images to sign: the root, then each
// platform's. A single platform's layout is one image, named by both.
func (s *toolchainSet) pushTags(repo imagecfg.Reference, images ocilayout.DirImages) ([]registrypush.Tag, []string, error) {
	var tags []registrypush.Tag
	signed := []string{images.Root.Digest.String()}
	for _, t := range s.targets {
		ref, err := repo.WithTag(toolchainver.ArchTag(s.tag, t.Name()))
		if err != nil {
			return nil, nil, err
		}
		digest, err := platformImage(images, t)
		if err != nil {
			return nil, nil, err
		}
		tags = append(tags, registrypush.Tag{Ref: ref.String(), Digest: digest})
		if digest != signed[0] {
			signed = append(signed, digest)
		}
	}
	ref, err := repo.WithTag(s.tag)
	if err != nil {
		return nil, nil, err
	}
	return append(tags, registrypush.Tag{Ref: ref.String()}), signed, nil
}

// platformImage is the digest of t's image in images.
func platformImage(images ocilayout.DirImages, t platform.Target) (string, error) {
	if len(images.Platforms) == 0 {
		return images.Root.Digest.String(), nil
	}
	for _, desc := range images.Platforms {
		p := desc.Platform
		if p.OS == t.OS && p.Architecture == t.Architecture && p.Variant == t.Variant {
			return desc.Digest.String(), nil
		}
	}
	return "", fmt.Errorf("the assembled toolchain has no image for %s", t)
}

// toolchainSet is the toolchains of several platforms, all built and checked.
type toolchainSet struct {
	targets    []platform.Target
	containers []*dagger.Container
	tag        string
}

func (m *GoBuild) toolchains(ctx context.Context, platforms, tools []string) (*toolchainSet, error) {
	if err := toolchainver.CheckTools(tools); err != nil {
		return nil, err
	}
	targets, err := platform.ParseList(platforms)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		if !t.IsLinux() {
			return nil, fmt.Errorf("toolchain for %s: toolchains are Linux containers", t)
		}
	}
	if _, err := m.requested(); err != nil {
		return nil, err
	}
	set := &toolchainSet{targets: targets, containers: make([]*dagger.Container, len(targets))}
	tags := make([]string, len(targets))
	err = forEachTarget(ctx, targets, fanout.FirstErrorCancels, func(ctx context.Context, i int, t platform.Target) error {
		tc, tag, err := m.toolchain(ctx, t, tools)
		set.containers[i], tags[i] = tc, tag
		return err
	})
	if err != nil {
		return nil, err
	}
	for i, tag := range tags {
		if tag != tags[0] {
			return nil, fmt.Errorf("toolchains disagree on versions: %s is %s, %s is %s", targets[0], tags[0], targets[i], tag)
		}
	}
	set.tag = tags[0]
	return set, nil
}

// requested is the versions the user asked for, with the Calico versions
// file's checksums when one was given.
func (m *GoBuild) requested() (toolchainver.Requested, error) {
	req, err := toolchainver.NewRequested(m.GoVersion, m.LLVMVersion, m.KubernetesVersion)
	if err != nil {
		return req, err
	}
	req.Rerelease = m.Rerelease
	req.GoSHA256 = map[string]string{}
	for _, kv := range m.GoChecksums {
		arch, sum, _ := strings.Cut(kv, "=")
		req.GoSHA256[arch] = sum
	}
	return req, nil
}

// applyVersionsFile takes Go, LLVM and Kubernetes versions and the Go
// archive checksums from a Calico versions.yaml.
func (m *GoBuild) applyVersionsFile(ctx context.Context, f *dagger.File) error {
	data, err := f.Contents(ctx)
	if err != nil {
		return err
	}
	req, err := toolchainver.ParseCalicoVersions([]byte(data))
	if err != nil {
		return err
	}
	m.GoVersion, m.LLVMVersion, m.KubernetesVersion = req.Go, req.LLVM, req.Kubernetes
	m.GoChecksums = nil
	for arch, sum := range req.GoSHA256 {
		m.GoChecksums = append(m.GoChecksums, arch+"="+sum)
	}
	return nil
}

// toolchain builds and checks the toolchain for t and returns it with its tag.
func (m *GoBuild) toolchain(ctx context.Context, t platform.Target, tools []string) (*dagger.Container, string, error) {
	if !t.IsLinux() {
		return nil, "", fmt.Errorf("toolchain for %s: toolchains are Linux containers", t)
	}
	req, err := m.requested()
	if err != nil {
		return nil, "", err
	}
	llvm, err := toolchainver.LLVMPackages(toolchainSuite, req.LLVMMajor())
	if err != nil {
		return nil, "", err
	}
	native, err := m.nativeTarget(ctx)
	if err != nil {
		return nil, "", err
	}
	base, err := m.toolchainBase(req, native, t)
	if err != nil {
		return nil, "", err
	}
	llvmBin := fmt.Sprintf("/usr/lib/llvm-%d/bin", req.LLVMMajor())
	tc := base.
		// The one emulated step: the distribution's packages for t.
		WithExec(append([]string{"sh", "-c", `set -eu
` + pkgscript.Prelude + `export DEBIAN_FRONTEND=noninteractive
pkg_run apt-get update -q
pkg_run apt-get install -y -q --no-install-recommends -- "$@" ca-certificates git make file pkg-config
rm -rf /var/lib/apt/lists/*`, "install"}, llvm...)).
		WithEnvVariable("GOTOOLCHAIN", "local").
		WithEnvVariable("GOPATH", "/go").
		WithEnvVariable("PATH", "/go/bin:/usr/local/go/bin:"+llvmBin+":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	bins, err := m.toolBinaries(ctx, native, t, req, tools)
	if err != nil {
		return nil, "", err
	}
	tc = tc.WithDirectory("/go/bin", bins)
	tag, err := toolchainTag(ctx, tc, req)
	if err != nil {
		return nil, "", fmt.Errorf("toolchain for %s: %v", t, withStderr(err))
	}
	return tc.
		WithLabel("org.opencontainers.image.title", "go-build").
		WithLabel("org.opencontainers.image.version", tag), tag, nil
}

// toolchainBase is Debian with Go at /usr/local/go for t: the official
// golang image at the requested version, or, when a checksum for t's
// architecture is known, the release archive checked against it (a
// mismatch stops the build) and unpacked natively.
func (m *GoBuild) toolchainBase(req toolchainver.Requested, native, t platform.Target) (*dagger.Container, error) {
	ctr := dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(t.String())})
	sum, ok := req.GoChecksum(t.GOARCH)
	if !ok {
		return ctr.From("golang:" + req.Go + "-" + toolchainSuite), nil
	}
	archive := dag.HTTP(toolchainver.GoArchiveURL(m.GoDownloadURL, req.Go, t.GOOS, t.GOARCH), dagger.HTTPOpts{Checksum: "sha256:" + sum})
	goroot := m.builder(native).
		WithMountedFile("/tmp/go.tar.gz", archive).
		WithExec([]string{"sh", "-c", "mkdir -p /dist && tar -C /dist -xzf /tmp/go.tar.gz"}).
		Directory("/dist/go")
	return ctr.From(m.ToolchainBaseImage).WithDirectory("/usr/local/go", goroot), nil
}

// toolBinaries cross-compiles the Kubernetes code generators and the extra
// tools for t on the native builder, and verifies them.
func (m *GoBuild) toolBinaries(ctx context.Context, native, t platform.Target, req toolchainver.Requested, tools []string) (*dagger.Directory, error) {
	pkgs := make([]string, 0, len(toolchainver.DefaultCodeGenerators)+len(tools))
	for _, gen := range toolchainver.DefaultCodeGenerators {
		pkgs = append(pkgs, "k8s.io/code-generator/"+strings.TrimPrefix(gen, "./")+"@"+req.CodeGeneratorVersion())
	}
	// Checked by the callers before any work; again here, where they
	// become arguments.
	if err := toolchainver.CheckTools(tools); err != nil {
		return nil, err
	}
	pkgs = append(pkgs, tools...)
	// A throwaway module resolves each package@version to its module like
	// go install does; go build then cross-compiles them all at once. The
	// packages come after --: never options, whatever they hold.
	script := `set -euf
mkdir -p /tools && cd /tools && go mod init tools >/dev/null 2>&1
paths=""
for p in "$@"; do GOFLAGS=-mod=mod go get -- "$p"; paths="$paths ${p%@*}"; done
go build -trimpath -ldflags=-buildid= -o /out/ -- $paths`
	bins := withGoEnv(m.builder(native), t).
		WithEnvVariable("CGO_ENABLED", "0").
		WithExec(append([]string{"sh", "-c", script, "tools"}, pkgs...)).
		Directory(outDir)
	// The tools are the toolchain's own, built as go install builds them:
	// not stripped.
	if err := verify(ctx, bins, t, binaryRules{static: true}); err != nil {
		return nil, err
	}
	return bins, nil
}

// toolchainTag reads the installed Go and Clang versions, and the
// code-generator module version linked into deepcopy-gen, from the toolchain,
// checks them against the request and returns the tag.
func toolchainTag(ctx context.Context, tc *dagger.Container, req toolchainver.Requested) (string, error) {
	out, err := tc.WithExec([]string{"sh", "-c", `go version
clang --version | head -n 1
go version -m /go/bin/deepcopy-gen | awk '$2 == "` + toolchainver.CodeGeneratorModule + `" { print $3 }'`}).Stdout(ctx)
	if err != nil {
		return "", err
	}
	lines := strings.SplitN(out, "\n", 3)
	for len(lines) < 3 {
		lines = append(lines, "")
	}
	var in toolchainver.Installed
	if in.Go, err = toolchainver.ParseGoVersion(lines[0]); err != nil {
		return "", err
	}
	if in.LLVM, err = toolchainver.ParseClangVersion(lines[1]); err != nil {
		return "", err
	}
	if in.Kubernetes, err = toolchainver.KubernetesFromCodeGenerator(strings.TrimSpace(lines[2])); err != nil {
		return "", err
	}
	if err := req.Check(in); err != nil {
		return "", err
	}
	return toolchainver.Tag(in, req.Rerelease), nil
}
