package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"dagger/tests/internal/dagger"
	"dagger/tests/internal/ocilayout"
)

// publishRepository is the repository the publish check pushes to; its host
// is a name only: the image goes to the registry service.
const publishRepository = "registry.test/purego"

// PublishToRegistry publishes the fixture to a registry service and reads it back.
//
// The pure-Go fixture for amd64, arm64 and
// arm/v7 goes to a registry run as a service, under two tags, and the
// manifest list back from the registry: both tags hold the digest publish
// printed, it is the digest of the image tarball built from the same
// inputs, and it lists one manifest per platform, each with exactly one
// attestation manifest naming it.
// +check
func (m *Tests) PublishToRegistry(ctx context.Context) error {
	registry, err := m.startRegistry(ctx, "PublishToRegistry")
	if err != nil {
		return err
	}
	defer registry.Stop(ctx)

	gb := m.goBuild("purego", dagger.GoBuildOpts{CacheNamespace: "publish-check"})
	out, err := gb.Publish(ctx, publishRepository+":1.0.0", dagger.GoBuildPublishOpts{
		Platforms: imagePlatformList(), Tags: []string{"latest"}, RegistryService: registry,
	})
	if err != nil {
		return err
	}
	pushed, err := parsePublished(out, []string{"1.0.0", "latest"})
	if err != nil {
		return err
	}
	layout, err := readLayout(ctx, gb.Image(dagger.GoBuildImageOpts{Platforms: imagePlatformList()}))
	if err != nil {
		return err
	}
	if root, err := layout.Root(); err != nil || root != pushed {
		return fmt.Errorf("publish pushed %s, but the image tarball of the same build is %s (%v): the digests must agree", pushed, root, err)
	}

	endpoint, err := registry.Endpoint(ctx, dagger.ServiceEndpointOpts{Scheme: "http"})
	if err != nil {
		return err
	}
	for _, tag := range []string{"1.0.0", "latest"} {
		if err := checkManifestList(ctx, endpoint, nil, tag, pushed); err != nil {
			return err
		}
	}
	return nil
}

// parsePublished reads publish's output, one reference@digest per tag, and
// returns the digest every line must share.
func parsePublished(out string, tags []string) (string, error) {
	lines := strings.Fields(out)
	if len(lines) != len(tags) {
		return "", fmt.Errorf("publish printed %q, want one line per tag %v", out, tags)
	}
	var digest string
	for i, line := range lines {
		ref, dgst, ok := strings.Cut(line, "@")
		if !ok || !strings.HasPrefix(dgst, "sha256:") {
			return "", fmt.Errorf("publish printed %q, want reference@sha256:…", line)
		}
		if want := publishRepository + ":" + tags[i]; ref != want {
			return "", fmt.Errorf("publish printed %s, want %s", ref, want)
		}
		if digest != "" && dgst != digest {
			return "", fmt.Errorf("the tags got different digests: %s", out)
		}
		digest = dgst
	}
	return digest, nil
}

// basicAuth is a registry login for reading back; nil reads anonymously.
type basicAuth struct{ username, password string }

// checkManifestList fetches the tag's manifest from the registry and checks
// its digest, its platforms, and that every platform manifest has exactly
// one attestation manifest, which names it. Attestation entries (platform
// unknown/unknown) are no platforms.
func checkManifestList(ctx context.Context, endpoint string, auth *basicAuth, tag, digest string) error {
	repo := strings.SplitN(publishRepository, "/", 2)[1]
	url := fmt.Sprintf("%s/v2/%s/manifests/%s", endpoint, repo, tag)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.oci.image.index.v1+json")
	if auth != nil {
		req.SetBasicAuth(auth.username, auth.password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reading %s back: %w", tag, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, body)
	}
	sum := sha256.Sum256(body)
	if got := "sha256:" + hex.EncodeToString(sum[:]); got != digest {
		return fmt.Errorf("%s in the registry is %s, publish printed %s", tag, got, digest)
	}
	var list struct {
		Manifests []struct {
			Digest      string            `json:"digest"`
			Annotations map[string]string `json:"annotations"`
			Platform    struct {
				OS           string `json:"os"`
				Architecture string `json:"architecture"`
				Variant      string `json:"variant"`
			} `json:"platform"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return fmt.Errorf("%s: %w", tag, err)
	}
	var got, manifests []string
	attestations := map[string][]string{} // by the manifest they name
	for _, m := range list.Manifests {
		if ocilayout.IsAttestation(m.Annotations) {
			about := m.Annotations[ocilayout.AnnotationReferenceDigest]
			attestations[about] = append(attestations[about], m.Digest)
			continue
		}
		p := m.Platform.OS + "/" + m.Platform.Architecture
		if m.Platform.Variant != "" {
			p += "/" + m.Platform.Variant
		}
		got = append(got, p)
		manifests = append(manifests, m.Digest)
	}
	if want := imagePlatformList(); strings.Join(got, ",") != strings.Join(want, ",") {
		return fmt.Errorf("%s lists %v, want %v", tag, got, want)
	}
	for i, d := range manifests {
		if n := len(attestations[d]); n != 1 {
			return fmt.Errorf("%s: the %s manifest %s has %d attestation manifests, want 1", tag, got[i], d, n)
		}
		delete(attestations, d)
	}
	if len(attestations) > 0 {
		return fmt.Errorf("%s: attestation manifests name manifests that are not in the list %v: %v (by the digest they name)", tag, manifests, attestations)
	}
	return nil
}
