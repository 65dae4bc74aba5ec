package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"dagger/tests/internal/dagger"
)

// toolchainPlatforms are the platforms the toolchain publish check pushes,
// the ones the toolchain check builds.
var toolchainPlatforms = []string{"linux/amd64", "linux/arm64"}

// PublishToolchainSurvivesFaults publishes the toolchain through the fault proxy.
//
// With a 503 on every 4th write, publish-toolchain succeeds: <tag>-amd64
// and <tag>-arm64 name the platform images, <tag> the index listing both,
// and the registry holds every manifest and blob they name. With every tag
// write refused, it fails naming the registry, the repository, the tag
// write, the status and the tries, and no tag of the toolchain appears.
// +check
func (m *Tests) PublishToolchainSurvivesFaults(ctx context.Context) error {
	b, err := m.startFaultBench(ctx, "toolchain-faults")
	if err != nil {
		return err
	}
	defer b.stop(ctx)
	gb := m.toolchainBuild()
	tag, err := gb.Tag(ctx)
	if err != nil {
		return err
	}
	publish := func(repo string) (string, error) {
		return gb.PublishToolchain(ctx, faultRepository+repo, dagger.GoBuildPublishToolchainOpts{
			Platforms: toolchainPlatforms, RegistryService: b.proxy, StallTimeout: faultStallTimeout,
		})
	}

	if err := setFault(ctx, b.ctrl, "do=503&every=4"); err != nil {
		return err
	}
	out, err := publish("toolchain")
	if err != nil {
		return fmt.Errorf("publish-toolchain with a 503 on every 4th write failed, want it retried: %s", errorText(err))
	}
	stats, err := proxyStats(ctx, b.ctrl)
	if err != nil {
		return err
	}
	if stats.Injected == 0 {
		return fmt.Errorf("the proxy injected no fault, the check tests nothing: %+v", stats)
	}
	printed, err := pushedDigests(out, faultRepository+"toolchain")
	if err != nil {
		return err
	}
	tags := []string{tag + "-amd64", tag + "-arm64", tag}
	for _, t := range tags {
		want, ok := printed[t]
		if !ok {
			return fmt.Errorf("publish-toolchain printed no digest for tag %s:\n%s", t, out)
		}
		if in, err := tagDigest(ctx, b.registryURL, "toolchain", t); err != nil || in != want {
			return fmt.Errorf("the registry's %s is %q (%v), publish-toolchain printed %s", t, in, err, want)
		}
		if err := checkComplete(ctx, b.registryURL, "toolchain", t); err != nil {
			return err
		}
	}
	listed, err := indexDigests(ctx, b.registryURL, "toolchain", tag)
	if err != nil {
		return err
	}
	for _, t := range tags[:2] {
		if !slices.Contains(listed, printed[t]) {
			return fmt.Errorf("the index %s lists %v, not %s's image %s", tag, listed, t, printed[t])
		}
	}
	fmt.Printf("toolchain (do=503&every=4): %d faults injected, %d requests, pushed:\n%s", stats.Injected, total(stats), out)

	if err := setFault(ctx, b.ctrl, "do=500&match=tag"); err != nil {
		return err
	}
	_, err = publish("toolchain-refused")
	if err == nil {
		return fmt.Errorf("publish-toolchain succeeded though every tag write was refused")
	}
	msg := errorText(err)
	for _, part := range []string{
		"registry.test/faults/toolchain-refused:" + tag + "-amd64: writing tag " + tag + "-amd64 in repository faults/toolchain-refused at registry registry.test (reached at ",
		"PUT /v2/faults/toolchain-refused/manifests/" + tag + "-amd64: 500 Internal Server Error, after 5 tries",
	} {
		if !strings.Contains(msg, part) {
			return fmt.Errorf("the refused tag's error lacks %q:\n%s", part, msg)
		}
	}
	for _, t := range tags {
		if in, err := tagDigest(ctx, b.registryURL, "toolchain-refused", t); err != nil || in != "" {
			return fmt.Errorf("after the refused tag writes %s is %q (%v), want no tag", t, in, err)
		}
	}
	fmt.Printf("toolchain-refused (do=500&match=tag): failed as it should, no tag appeared:\n%s\n", firstLine(msg))
	return nil
}

// pushedDigests reads what a publish printed, repo:tag@digest per line, as
// digests by tag; every line must be of repo.
func pushedDigests(out, repo string) (map[string]string, error) {
	digests := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		ref, dgst, ok := strings.Cut(line, "@")
		tag, inRepo := strings.CutPrefix(ref, repo+":")
		if !ok || !inRepo || !strings.HasPrefix(dgst, "sha256:") {
			return nil, fmt.Errorf("publish printed %q, want lines %s:<tag>@sha256:…", line, repo)
		}
		digests[tag] = dgst
	}
	return digests, nil
}

// indexDigests are the manifests the index repo:tag lists.
func indexDigests(ctx context.Context, registryURL, repo, tag string) ([]string, error) {
	resp, err := registryRequest(ctx, http.MethodGet, registryURL, repo, "manifests/"+tag)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var index struct {
		Manifests []struct{ Digest string } `json:"manifests"`
	}
	if err := json.Unmarshal(body, &index); err != nil {
		return nil, fmt.Errorf("%s:%s: %w", repo, tag, err)
	}
	var digests []string
	for _, d := range index.Manifests {
		digests = append(digests, d.Digest)
	}
	return digests, nil
}

// PublishToolchainSigned publishes the toolchain signed and verifies it with the real cosign.
//
// The amd64 and arm64 toolchain is published with a fresh key pair to a
// registry service: cosign verify --key passes for <tag>, <tag>-amd64 and
// <tag>-arm64, each signature names the digest its tag does, and the
// repository's tags are exactly those three and the three signatures.
// +check
func (m *Tests) PublishToolchainSigned(ctx context.Context) error {
	registry, err := m.startRegistry(ctx, "PublishToolchainSigned")
	if err != nil {
		return err
	}
	defer registry.Stop(ctx)
	signer, err := m.generateKeyPair(ctx, "toolchain-signer")
	if err != nil {
		return err
	}
	gb := m.toolchainBuild()
	tag, err := gb.Tag(ctx)
	if err != nil {
		return err
	}
	out, err := gb.WithSigningKey(signer.key, signer.password, dagger.GoBuildWithSigningKeyOpts{
		CosignVersion: cosignVersion, CosignImage: m.BuilderImage,
	}).PublishToolchain(ctx, "registry.test/go-build", dagger.GoBuildPublishToolchainOpts{
		Platforms: toolchainPlatforms, RegistryService: registry,
	})
	if err != nil {
		return fmt.Errorf("signed publish-toolchain: %s", errorText(err))
	}
	printed, err := pushedDigests(out, "registry.test/go-build")
	if err != nil {
		return err
	}
	tags := []string{tag, tag + "-amd64", tag + "-arm64"}
	want := slices.Clone(tags)
	for _, t := range tags {
		if printed[t] == "" {
			return fmt.Errorf("publish-toolchain printed no digest for %s:\n%s", t, out)
		}
		want = append(want, "sha256-"+strings.TrimPrefix(printed[t], "sha256:")+".sig")
	}
	endpoint, err := registry.Endpoint(ctx, dagger.ServiceEndpointOpts{Scheme: "http"})
	if err != nil {
		return err
	}
	if err := checkTags(ctx, endpoint, "go-build", want); err != nil {
		return err
	}
	verifier := m.cosign().WithServiceBinding("registry", registry).
		WithMountedFile("/keys/cosign.pub", signer.pub)
	port := endpoint[strings.LastIndex(endpoint, ":")+1:]
	for _, t := range tags {
		if err := verifySigned(ctx, verifier, "registry:"+port+"/go-build:"+t, printed[t]); err != nil {
			return err
		}
	}
	fmt.Printf("signed toolchain, verified by cosign:\n%s", out)
	return nil
}
