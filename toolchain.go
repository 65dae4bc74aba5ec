package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/imagecfg"
	"dagger/go-build/internal/pkgscript"
	"dagger/go-build/internal/platform"
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
	// Extra Go tools to build in, as package@version (e.g.
	// golang.org/x/tools/cmd/goimports@v0.30.0). Default: none.
	// +optional
	tools []string,
) (*dagger.Container, error) {
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
	// Extra Go tools to build in, as package@version (e.g.
	// golang.org/x/tools/cmd/goimports@v0.30.0). Default: none.
	// +optional
	tools []string,
) (*GoBuild, error) {
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
	// Extra Go tools to build in, as package@version (e.g.
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
// Every platform is built concurrently and checked, and only then is one
// image per architecture pushed as <tag>-<arch> and the multi-arch
// manifest list at <tag>. It prints the references with their digests.
// After with-signing-key, cosign signs every image pushed, once all are
// pushed (the engine's push moves the tags itself).
// +cache="never"
func (m *GoBuild) PublishToolchain(
	ctx context.Context,
	// Repository to push to, without a tag (e.g. registry.example/go-build).
	image string,
	// Platforms to publish, e.g. linux/amd64,linux/arm64. Default:
	// linux/amd64,linux/arm64,linux/ppc64le,linux/s390x.
	// +default=["linux/amd64","linux/arm64","linux/ppc64le","linux/s390x"]
	platforms []string,
	// Extra Go tools to build in, as package@version (e.g.
	// golang.org/x/tools/cmd/goimports@v0.30.0). Default: none.
	// +optional
	tools []string,
	// Registry user name, with --password. Default: none, an anonymous
	// push.
	// +optional
	username string,
	// Registry password or token, with --username, e.g. env:REGISTRY_TOKEN.
	// Default: none.
	// +optional
	password *dagger.Secret,
	// Registry to push through, as a service bound to the repository's
	// host name, e.g. tcp://localhost:5000. Default: none, the push goes
	// to the repository's host.
	// +optional
	registryService *dagger.Service,
) (string, error) {
	repo, err := imagecfg.ParseRepository(image)
	if err != nil {
		return "", err
	}
	if err := checkCredentials(username, password); err != nil {
		return "", err
	}
	// The signing key is opened while the toolchains build.
	keyChecked := m.Signing.startKeyCheck(ctx)
	set, err := m.toolchains(ctx, platforms, tools)
	if err := errors.Join(err, keyChecked()); err != nil {
		return "", err
	}
	var refs []string
	push := func(tag string, variants []*dagger.Container) error {
		ref, err := repo.WithTag(tag)
		if err != nil {
			return err
		}
		pushed, err := enginePush(ctx, ref, variants, username, password, registryService)
		refs = append(refs, pushed)
		return err
	}
	// Per-architecture images first, then the manifest list over all.
	for i, t := range set.targets {
		if err := push(toolchainver.ArchTag(set.tag, t.Name()), set.containers[i:i+1]); err != nil {
			return "", err
		}
	}
	if err := push(set.tag, set.containers); err != nil {
		return "", err
	}
	if m.Signing != nil {
		if err := m.Signing.signPushed(ctx, refs, repo.Registry(), username, password, registryService); err != nil {
			return "", err
		}
	}
	return strings.Join(refs, "\n") + "\n", nil
}

// enginePush has the engine push the platform variants as ref, and returns
// the reference with its digest. The toolchain is pushed this way, not as a
// reproducible layout like application images: it is gigabytes, and built
// from apt packages that change anyway.
func enginePush(ctx context.Context, ref imagecfg.Reference, variants []*dagger.Container, username string, password *dagger.Secret, service *dagger.Service) (string, error) {
	ctr := dag.Container()
	if username != "" {
		ctr = ctr.WithRegistryAuth(ref.Registry(), username, password)
	}
	pushed, err := ctr.Publish(ctx, ref.String(), dagger.ContainerPublishOpts{PlatformVariants: variants, RegistryService: service})
	if err != nil {
		return "", fmt.Errorf("publishing %s: %w", ref, err)
	}
	return pushed, nil
}

// toolchainSet is the toolchains of several platforms, all built and checked.
type toolchainSet struct {
	targets    []platform.Target
	containers []*dagger.Container
	tag        string
}

// maxParallelPlatforms bounds concurrent platform builds: each is a chain of
// container work, and the engine runs the execs of all of them at once. It
// also bounds the go builds one shared compile runs side by side.
const maxParallelPlatforms = 4

func (m *GoBuild) toolchains(ctx context.Context, platforms, tools []string) (*toolchainSet, error) {
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
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(maxParallelPlatforms)
	for i, t := range targets {
		g.Go(func() error {
			tc, tag, err := m.toolchain(gctx, t, tools)
			set.containers[i], tags[i] = tc, tag
			return err
		})
	}
	if err := g.Wait(); err != nil {
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
pkg_run apt-get install -y -q --no-install-recommends "$@" ca-certificates git make file pkg-config
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
		return nil, "", fmt.Errorf("toolchain for %s: %w", t, withStderr(err))
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
	for _, tool := range tools {
		if path, version, ok := strings.Cut(tool, "@"); !ok || path == "" || version == "" {
			return nil, fmt.Errorf("tool %q: want package@version, e.g. golang.org/x/tools/cmd/goimports@v0.30.0", tool)
		}
		pkgs = append(pkgs, tool)
	}
	// A throwaway module resolves each package@version to its module like
	// go install does; go build then cross-compiles them all at once.
	script := `set -eu
mkdir -p /tools && cd /tools && go mod init tools >/dev/null 2>&1
paths=""
for p in "$@"; do GOFLAGS=-mod=mod go get "$p"; paths="$paths ${p%@*}"; done
go build -trimpath -ldflags=-buildid= -o /out/ $paths`
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
