package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/fanout"
	"dagger/go-build/internal/imagecfg"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/registrypush"
)

const (
	scratchImage = "scratch"
	binDir       = "/usr/local/bin"
)

// WithRuntime sets the runtime image the binaries are put in.
//
// Containers, image and publish use it.
func (m *GoBuild) WithRuntime(
	// Base image, pulled for each target platform, e.g. busybox:latest or
	// debian:trixie-slim; scratch (the default) holds nothing but the
	// binaries, which must then be static.
	// +default="scratch"
	base string,
	// Entrypoint. Default: the binary, when the build makes exactly one.
	// +optional
	entrypoint []string,
	// Default arguments (the image's CMD), e.g. --port,8080. Default:
	// none.
	// +optional
	cmd []string,
	// Environment variables, as NAME=value, e.g. MODE=prod. Default: the
	// base image's.
	// +optional
	env []string,
	// Working directory of the image's process, e.g. /srv (--working-dir:
	// dagger call has a --workdir of its own). Default: the base image's,
	// / for scratch.
	// +optional
	workingDir string,
	// User to run as, e.g. 65532:65532. Default: the base image's, root
	// for scratch.
	// +optional
	user string,
	// Exposed ports, e.g. 8080, 8080/tcp or 53/udp. Default: none.
	// +optional
	ports []string,
	// Image labels, as key=value (e.g. org.opencontainers.image.title=app);
	// they override the computed OCI labels. Default: only the computed
	// org.opencontainers.image.* labels.
	// +optional
	labels []string,
	// Manifest annotations, as key=value (e.g.
	// org.opencontainers.image.vendor=me); they override the computed OCI
	// annotations. Default: only the computed ones.
	// +optional
	annotations []string,
	// Unix time for file timestamps and the created label (reproducible
	// builds' SOURCE_DATE_EPOCH), e.g. 1735689600. Default: the source's
	// commit time (a --module's version time), else 0.
	// +optional
	sourceDateEpoch string,
) (*GoBuild, error) {
	next := *m
	next.Runtime = &RuntimeImage{
		Base: base, Entrypoint: entrypoint, Cmd: cmd, Env: env, WorkingDir: workingDir, User: user,
		Ports: ports, Labels: labels, Annotations: annotations, SourceDateEpoch: sourceDateEpoch,
	}
	if _, err := next.Runtime.parse(); err != nil {
		return nil, err
	}
	return &next, nil
}

// Containers returns one runtime container per platform, in the order given.
//
// The binaries of every platform are built, stripped and verified
// concurrently; each container is created for its own platform.
func (m *GoBuild) Containers(
	ctx context.Context,
	// Target platforms (Linux), as for build, e.g.
	// linux/amd64,linux/arm64,linux/arm/v7. Default: linux/amd64,linux/arm64.
	// +default=["linux/amd64","linux/arm64"]
	platforms []string,
) ([]*dagger.Container, error) {
	if err := m.requireSource("containers"); err != nil {
		return nil, err
	}
	targets, err := platform.ParseList(platforms)
	if err != nil {
		return nil, err
	}
	ctrs, build, err := m.containers(ctx, targets)
	if err != nil {
		return nil, err
	}
	// The caller gets the containers only with every binary checked.
	if err := build.verifyExported(ctx); err != nil {
		return nil, err
	}
	return ctrs, nil
}

// Image writes the multi-platform image as an OCI tarball.
//
// Export it with `export --path app.tar`, for offline use and tests. It is
// the image publish pushes, attestations included: building the same
// commit again gives the same digests.
func (m *GoBuild) Image(
	ctx context.Context,
	// Target platforms (Linux), as for build, e.g.
	// linux/amd64,linux/arm64,linux/arm/v7. Default: linux/amd64,linux/arm64.
	// +default=["linux/amd64","linux/arm64"]
	platforms []string,
	// Attach an SPDX SBOM per platform (an in-toto attestation, as
	// BuildKit stores them); --sbom=false leaves it out.
	// +default=true
	sbom bool,
	// Attach a SLSA provenance attestation per platform;
	// --provenance=false leaves it out.
	// +default=true
	provenance bool,
) (*dagger.File, error) {
	if err := m.requireSource("image"); err != nil {
		return nil, err
	}
	targets, err := platform.ParseList(platforms)
	if err != nil {
		return nil, err
	}
	if err := m.checkImageTargets(targets); err != nil {
		return nil, err
	}
	layout, dir, err := m.imageLayout(ctx, targets, imageAttestations{SBOM: sbom, Provenance: provenance})
	defer os.RemoveAll(dir)
	if err != nil {
		return nil, err
	}
	return imageTarball(ctx, layout, dir)
}

// Publish pushes one multi-platform image and prints its digest per tag.
//
// Every platform is built and verified first: nothing is pushed unless
// every platform built. The image is the one image writes, attestations
// included, so the same commit gives the same digest. After
// with-signing-key, the image is pushed by digest, signed with cosign, and
// only then tagged; signing leaves the digest as it is. Credentials come from
// --username/--password, else with-registry-auth, else --docker-config
// (the caller's docker login), else the push is anonymous.
// +cache="never"
func (m *GoBuild) Publish(
	ctx context.Context,
	// Image reference to push, e.g. registry.example/app:1.2.3.
	image string,
	// Target platforms (Linux), as for build, e.g.
	// linux/amd64,linux/arm64,linux/arm/v7. Default: linux/amd64,linux/arm64.
	// +default=["linux/amd64","linux/arm64"]
	platforms []string,
	// More tags to push the same manifest list as, e.g. latest,1.2.
	// Default: none.
	// +optional
	tags []string,
	// Registry user name, with --password. The push is made by this
	// module, not the engine: pass the caller's docker login with
	// --docker-config, or use with-registry-auth. Default: none.
	// +optional
	username string,
	// Registry password or token, with --username, e.g.
	// env:REGISTRY_TOKEN. Default: none.
	// +optional
	password *dagger.Secret,
	// The caller's Docker config.json (e.g. file:$HOME/.docker/config.json),
	// as docker login or docker/login-action writes it; its auths entry for
	// the registry is used. Credential helpers cannot run in the module.
	// Default: none; with no credentials at all the push is anonymous.
	// +optional
	dockerConfig *dagger.Secret,
	// Allow plain HTTP to the registry (a registry without TLS).
	// +optional
	insecure bool,
	// Registry to push to instead of the reference's host, as a service
	// (e.g. a registry container run with as-service); the image goes to
	// the reference's repository and tag there, over plain HTTP (e.g.
	// tcp://localhost:5000 for a registry on the calling machine). Default:
	// none, the push goes to the reference's host.
	// +optional
	registryService *dagger.Service,
	// Attach an SPDX SBOM per platform; --sbom=false leaves it out.
	// +default=true
	sbom bool,
	// Attach a SLSA provenance attestation per platform;
	// --provenance=false leaves it out.
	// +default=true
	provenance bool,
	// How long a registry request may make no progress (no byte sent, no
	// byte received) before it is cut and tried again, as a Go duration,
	// e.g. 2m for a registry slow to verify large blobs.
	// +default="60s"
	stallTimeout string,
	// How long one registry request may take in all, from its first byte
	// sent to its answer's last byte received, before it is cut and tried
	// again however steadily it moves, as a Go duration, e.g. 1h to upload
	// a large layer over a slow link.
	// +default="30m"
	requestTimeout string,
	// How long one step of the push (a blob's upload, a manifest's put, a
	// tag's write) may take with all its tries and the waits between them
	// before the publish fails, as a Go duration, e.g. 4h.
	// +default="2h"
	operationTimeout string,
) (string, error) {
	if err := m.requireSource("publish"); err != nil {
		return "", err
	}
	ref, err := imagecfg.ParseReference(image)
	if err != nil {
		return "", err
	}
	extra, err := imagecfg.ParseTags(tags)
	if err != nil {
		return "", err
	}
	refs := []string{ref.String()}
	for _, tag := range extra {
		r, err := ref.WithTag(tag)
		if err != nil {
			return "", err
		}
		refs = append(refs, r.String())
	}
	targets, err := platform.ParseList(platforms)
	if err != nil {
		return "", err
	}
	if err := m.checkImageTargets(targets); err != nil {
		return "", err
	}
	// Credentials are checked before the build: a helper-only docker
	// config or a half given --username fails at once.
	to, err := m.newLayoutPush(ctx, ref.Registry(), username, password, dockerConfig, insecure, registryService, pushTimeouts{stall: stallTimeout, request: requestTimeout, operation: operationTimeout})
	if err != nil {
		return "", err
	}
	// The signing key is opened while the image builds.
	keyChecked := m.Signing.startKeyCheck(ctx)
	layout, dir, err := m.imageLayout(ctx, targets, imageAttestations{SBOM: sbom, Provenance: provenance})
	defer os.RemoveAll(dir)
	if err := errors.Join(err, keyChecked()); err != nil {
		return "", err
	}
	signed, err := m.Signing.signedDigests(layout)
	if err != nil {
		return "", err
	}
	layoutDir := filepath.Join(dir, "layout")
	if err := layout.WriteDir(layoutDir); err != nil {
		return "", err
	}
	// Push's errors name the reference.
	pushed := registrypush.RootTags(refs)
	dgst, err := m.push(ctx, to, layoutDir, ref.Name, pushed, signed)
	if err != nil {
		return "", err
	}
	return printPushed(pushed, dgst), nil
}

// RuntimeImage is the configuration of the images binaries are published in,
// set by withRuntime.
type RuntimeImage struct {
	// Base image, or scratch.
	Base string
	// Entrypoint; default: the only binary.
	Entrypoint []string
	// Default arguments.
	Cmd []string
	// Environment variables, NAME=value.
	Env []string
	// Working directory.
	WorkingDir string
	// User to run as.
	User string
	// Exposed ports.
	Ports []string
	// Labels, key=value.
	Labels []string
	// Manifest annotations, key=value.
	Annotations []string
	// SOURCE_DATE_EPOCH for timestamps and the created label.
	SourceDateEpoch string
}

// parsedRuntime is a RuntimeImage checked and parsed.
type parsedRuntime struct {
	env, labels, annotations []imagecfg.KV
	ports                    []imagecfg.Port
}

func (r *RuntimeImage) base() string {
	if r.Base == "" {
		return scratchImage
	}
	return r.Base
}

func (r *RuntimeImage) parse() (parsedRuntime, error) {
	var p parsedRuntime
	var err error
	if p.env, err = imagecfg.ParseEnv(r.Env); err != nil {
		return p, err
	}
	if p.labels, err = imagecfg.ParseLabels(r.Labels); err != nil {
		return p, err
	}
	if p.annotations, err = imagecfg.ParseLabels(r.Annotations); err != nil {
		return p, fmt.Errorf("annotations: %w", err)
	}
	if p.ports, err = imagecfg.ParsePorts(r.Ports); err != nil {
		return p, err
	}
	if _, err := imagecfg.ParseSourceDateEpoch(r.SourceDateEpoch); err != nil {
		return p, err
	}
	return p, nil
}

// checkImageTargets refuses, before any work, targets no image can hold
// with the runtime configuration.
func (m *GoBuild) checkImageTargets(targets []platform.Target) error {
	runtime := m.runtime()
	if _, err := runtime.parse(); err != nil {
		return err
	}
	for _, t := range targets {
		if !t.IsLinux() {
			return fmt.Errorf("image for %s: images are Linux containers; build %s binaries with build", t, t.OS)
		}
	}
	if m.Cgo && !m.Static && runtime.base() == scratchImage {
		return fmt.Errorf("a scratch image needs static binaries and cgo links dynamically: add --static, or pick a --base with a C library")
	}
	return nil
}

// containers builds every target concurrently (one failure cancels the rest)
// and wraps each target's verified binaries in its runtime container.
// It returns the containers and what they were built from.
func (m *GoBuild) containers(ctx context.Context, targets []platform.Target) ([]*dagger.Container, *imageBuild, error) {
	if err := m.checkImageTargets(targets); err != nil {
		return nil, nil, err
	}
	runtime := m.runtime()
	rt, _ := runtime.parse()
	static := m.Static || runtime.base() == scratchImage
	plan, err := m.plan(ctx, targets)
	if err != nil {
		return nil, nil, err
	}
	// The stamp, for the labels, is read beside the compile.
	go plan.stampRead()
	if err := plan.compileShared(); err != nil {
		return nil, nil, err
	}
	if err := plan.stampRead(); err != nil {
		return nil, nil, err
	}
	created, err := imagecfg.CreatedTime(runtime.SourceDateEpoch, plan.commitTS)
	if err != nil {
		return nil, nil, err
	}
	provenance := imagecfg.Provenance{
		Source:   plan.remote,
		Revision: plan.stamp.Revision,
		Version:  plan.stamp.Version,
		Created:  created,
	}
	labels := imagecfg.MergeLabels(provenance.Labels(), rt.labels)
	annotations := imagecfg.MergeLabels(provenance.Labels(), rt.annotations)

	ctrs := make([]*dagger.Container, len(targets))
	build := &imageBuild{
		plan: plan, targets: targets, created: created, static: static,
		bins: make([]*dagger.Directory, len(targets)), names: make([][]string, len(targets)),
	}
	err = forEachTarget(ctx, targets, fanout.FirstErrorCancels, func(ctx context.Context, i int, t platform.Target) error {
		// Checked later, by the caller (imageBuild.verifyImage or
		// verifyExported).
		bins, err := plan.stripped(ctx, t)
		if err != nil {
			return err
		}
		names, err := bins.Entries(ctx)
		if err != nil {
			return err
		}
		build.bins[i], build.names[i] = bins, names
		// The whole tree, parents of binDir included, gets the fixed
		// time: directories WithDirectory creates would carry the
		// wall clock into the layer.
		tree := dag.Directory().WithDirectory(strings.TrimPrefix(binDir, "/"), bins).WithTimestamps(int(created.Unix()))
		ctr := m.runtimeBase(t).WithDirectory("/", tree)
		ctr = runtime.apply(ctr, rt, names)
		for _, kv := range labels {
			ctr = ctr.WithLabel(kv.Key, kv.Value)
		}
		for _, kv := range annotations {
			ctr = ctr.WithAnnotation(kv.Key, kv.Value)
		}
		// Resolve the base image and layers now: a platform whose
		// base does not exist fails before anything is pushed.
		ctrs[i], err = ctr.Sync(ctx)
		return err
	})
	if err != nil {
		// A build or strip failure shows best in the export's check, which
		// names the platform and carries the build's output.
		if verr := build.verifyExported(ctx); verr != nil {
			return nil, nil, verr
		}
		return nil, nil, err
	}
	return ctrs, build, nil
}

// runtime is the runtime image configuration, scratch by default.
func (m *GoBuild) runtime() *RuntimeImage {
	if m.Runtime == nil {
		return &RuntimeImage{Base: scratchImage}
	}
	return m.Runtime
}

// runtimeBase is the base image for t's own platform: never an image of
// another platform holding t's binary.
func (m *GoBuild) runtimeBase(t platform.Target) *dagger.Container {
	ctr := dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(t.String())})
	if base := m.runtime().base(); base != scratchImage {
		ctr = ctr.From(base)
	}
	return ctr
}

// apply sets the image configuration; names are the binaries in binDir.
func (r *RuntimeImage) apply(ctr *dagger.Container, rt parsedRuntime, names []string) *dagger.Container {
	switch {
	case len(r.Entrypoint) > 0:
		ctr = ctr.WithEntrypoint(r.Entrypoint)
	case len(names) == 1:
		ctr = ctr.WithEntrypoint([]string{path.Join(binDir, names[0])})
	}
	if len(r.Cmd) > 0 {
		ctr = ctr.WithDefaultArgs(r.Cmd)
	}
	for _, kv := range rt.env {
		ctr = ctr.WithEnvVariable(kv.Key, kv.Value)
	}
	if r.WorkingDir != "" {
		ctr = ctr.WithWorkdir(r.WorkingDir)
	}
	if r.User != "" {
		ctr = ctr.WithUser(r.User)
	}
	for _, p := range rt.ports {
		protocol := dagger.NetworkProtocolTcp
		if p.Protocol == "udp" {
			protocol = dagger.NetworkProtocolUdp
		}
		ctr = ctr.WithExposedPort(p.Number, dagger.ContainerWithExposedPortOpts{Protocol: protocol})
	}
	return ctr
}

// pushTimeouts are the --stall-timeout, --request-timeout and
// --operation-timeout of a push, as given.
type pushTimeouts struct {
	stall, request, operation string
}

// apply reads the timeouts into opts: each a positive Go duration.
func (t pushTimeouts) apply(opts *registrypush.Options) error {
	var err error
	if opts.StallTimeout, err = parsePushTimeout("stall timeout", t.stall, "60s or 2m"); err != nil {
		return err
	}
	if opts.RequestTimeout, err = parsePushTimeout("request timeout", t.request, "30m or 1h"); err != nil {
		return err
	}
	opts.OperationTimeout, err = parsePushTimeout("operation timeout", t.operation, "2h or 4h")
	return err
}

// parsePushTimeout reads one of a push's timeouts: a positive Go duration.
func parsePushTimeout(what, s, examples string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s %q: want a positive Go duration, e.g. %s", what, s, examples)
	}
	return d, nil
}
