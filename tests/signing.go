package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"dagger/tests/internal/dagger"
)

// cosignVersion is the cosign release the signing checks verify with, and
// the one go-build signs with by default.
const cosignVersion = "v2.6.5"

// signingPlatforms are the platforms the signing checks publish and
// release: two keep them quick.
var signingPlatforms = []string{"linux/amd64", "linux/arm64"}

// cosign is a container with the real cosign CLI, installed from the Go
// module proxy at cosignVersion the way go-build installs it: the same
// exec, so the engine compiles it once for both.
func (m *Tests) cosign() *dagger.Container {
	built := dag.Container().From(m.BuilderImage).
		WithEnvVariable("CGO_ENABLED", "0").
		WithEnvVariable("GOBIN", "/out").
		WithExec([]string{"go", "install", "-trimpath", "github.com/sigstore/cosign/v2/cmd/cosign@" + cosignVersion})
	return dag.Container().From(m.BuilderImage).
		WithFile("/usr/local/bin/cosign", built.File("/out/cosign"))
}

// keyPair is a key pair cosign generate-key-pair made.
type keyPair struct {
	// key is cosign.key, password its password, as go-build takes them.
	key, password *dagger.Secret
	// pub is cosign.pub.
	pub *dagger.File
	// passwordText is the password, to check no error shows it.
	passwordText string
}

// generateKeyPair has cosign generate an encrypted key pair named name.
func (m *Tests) generateKeyPair(ctx context.Context, name string) (keyPair, error) {
	kp := keyPair{passwordText: "check-password-" + name}
	kp.password = dag.SetSecret("cosign-password-"+name, kp.passwordText)
	keys := m.keyPairDir(kp.password, name)
	key, err := keys.File("cosign.key").Contents(ctx)
	if err != nil {
		return keyPair{}, fmt.Errorf("cosign generate-key-pair: %w", err)
	}
	kp.key = dag.SetSecret("cosign-key-"+name, key)
	kp.pub = keys.File("cosign.pub")
	return kp, nil
}

// SigningKeyPair has the real cosign write a key pair: cosign.key and cosign.pub.
//
// For trying with-signing-key, e.g. from the docs' check: cosign
// generate-key-pair run in a container, with the password given.
func (m *Tests) SigningKeyPair(
	// Password to encrypt cosign.key with, e.g. env:COSIGN_PASSWORD.
	password *dagger.Secret,
) *dagger.Directory {
	return m.keyPairDir(password, "docs")
}

// keyPairDir is a key pair cosign generate-key-pair wrote; name keeps key
// pairs with different names apart in the cache.
func (m *Tests) keyPairDir(password *dagger.Secret, name string) *dagger.Directory {
	return m.cosign().WithWorkdir("/keys/"+name).
		WithSecretVariable("COSIGN_PASSWORD", password).
		WithExec([]string{"cosign", "generate-key-pair"}).
		Directory(".")
}

// cosignRun is one cosign run whose exit code the check reads.
type cosignRun struct {
	code           int
	stdout, stderr string
}

// runCosign runs cosign with args in ctr, whatever its exit code. fresh
// keeps the run out of the cache: its answer depends on a registry's
// content, which no input of the exec shows.
func runCosign(ctx context.Context, ctr *dagger.Container, fresh bool, args ...string) (cosignRun, error) {
	if fresh {
		ctr = ctr.WithEnvVariable("CHECK_RUN", fmt.Sprint(time.Now().UnixNano()))
	}
	ran := ctr.WithExec(append([]string{"cosign"}, args...), dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
	var r cosignRun
	var err error
	if r.code, err = ran.ExitCode(ctx); err != nil {
		return r, err
	}
	if r.stdout, err = ran.Stdout(ctx); err != nil {
		return r, err
	}
	r.stderr, err = ran.Stderr(ctx)
	return r, err
}

// want checks the run's outcome: pass or fail, as what describes it.
func (r cosignRun) want(pass bool, what string) error {
	switch {
	case pass && r.code != 0:
		return fmt.Errorf("%s: cosign exited %d, want it to pass:\n%s%s", what, r.code, r.stdout, r.stderr)
	case !pass && r.code == 0:
		return fmt.Errorf("%s: cosign passed, want it to refuse:\n%s%s", what, r.stdout, r.stderr)
	}
	return nil
}

// PublishSigned publishes the fixture signed and verifies it with the real cosign.
//
// The pure-Go fixture for amd64 and arm64 is published with a fresh key
// pair (attestations signed too) to a registry service. Then: the digest
// is the digest an unsigned publish of the same build gets; cosign verify
// --key with the public key passes for the image by digest and by tag and
// for every attestation manifest, and refuses another key's public key and
// an unsigned image; the signatures are at the sha256-<hex>.sig tags; and a
// publish with a wrong password fails before any tag is pushed, without
// showing the password.
// +check
func (m *Tests) PublishSigned(ctx context.Context) error {
	registry, err := m.startRegistry(ctx, "PublishSigned")
	if err != nil {
		return err
	}
	defer registry.Stop(ctx)
	signer, err := m.generateKeyPair(ctx, "signer")
	if err != nil {
		return err
	}
	other, err := m.generateKeyPair(ctx, "other")
	if err != nil {
		return err
	}

	gb := m.goBuild("purego", dagger.GoBuildOpts{CacheNamespace: "signing-check"})
	publish := func(gb *dagger.GoBuild, repo string) (string, error) {
		out, err := gb.Publish(ctx, "registry.test/"+repo+":1.0.0", dagger.GoBuildPublishOpts{
			Platforms: signingPlatforms, RegistryService: registry,
		})
		if err != nil {
			return "", err
		}
		_, digest, ok := strings.Cut(strings.TrimSpace(out), "@")
		if !ok || !strings.HasPrefix(digest, "sha256:") || strings.Contains(digest, "\n") {
			return "", fmt.Errorf("publish printed %q, want one registry.test/%s:1.0.0@sha256:…", out, repo)
		}
		return digest, nil
	}
	signed, err := publish(gb.WithSigningKey(signer.key, signer.password, dagger.GoBuildWithSigningKeyOpts{
		Attestations: true, CosignVersion: cosignVersion, CosignImage: m.BuilderImage,
	}), "signed")
	if err != nil {
		return fmt.Errorf("signed publish: %w", err)
	}
	unsigned, err := publish(gb, "unsigned")
	if err != nil {
		return fmt.Errorf("unsigned publish: %w", err)
	}
	if signed != unsigned {
		return fmt.Errorf("the signed publish pushed %s, the unsigned one %s: signing must not change the digest", signed, unsigned)
	}

	endpoint, err := registry.Endpoint(ctx, dagger.ServiceEndpointOpts{Scheme: "http"})
	if err != nil {
		return err
	}
	attestations, err := attestationDigests(ctx, endpoint, "signed", signed)
	if err != nil {
		return err
	}
	if len(attestations) != len(signingPlatforms) {
		return fmt.Errorf("the signed image lists attestation manifests %v, want one per platform %v", attestations, signingPlatforms)
	}
	wantTags := []string{"1.0.0"}
	for _, d := range append([]string{signed}, attestations...) {
		wantTags = append(wantTags, "sha256-"+strings.TrimPrefix(d, "sha256:")+".sig")
	}
	if err := checkTags(ctx, endpoint, "signed", wantTags); err != nil {
		return err
	}

	verifier := m.cosign().WithServiceBinding("registry", registry).
		WithMountedFile("/keys/cosign.pub", signer.pub).
		WithMountedFile("/keys/other.pub", other.pub)
	port := endpoint[strings.LastIndex(endpoint, ":")+1:]
	image := "registry:" + port + "/signed"
	for _, ref := range append([]string{image + "@" + signed, image + ":1.0.0"}, prefixAll(image+"@", attestations)...) {
		digest := signed
		if _, d, ok := strings.Cut(ref, "@"); ok {
			digest = d
		}
		if err := verifySigned(ctx, verifier, ref, digest); err != nil {
			return err
		}
	}
	for _, c := range []struct{ pub, ref, what string }{
		{"/keys/other.pub", image + "@" + signed, "another key's public key"},
		{"/keys/cosign.pub", "registry:" + port + "/unsigned@" + unsigned, "an unsigned image"},
	} {
		r, err := cosignVerify(ctx, verifier, c.pub, c.ref)
		if err != nil {
			return err
		}
		if err := r.want(false, "cosign verify with "+c.what); err != nil {
			return err
		}
	}

	// A wrong password fails before anything is tagged.
	wrong := dag.SetSecret("cosign-password-wrong", "not-the-password")
	_, err = publish(gb.WithSigningKey(signer.key, wrong, dagger.GoBuildWithSigningKeyOpts{
		CosignVersion: cosignVersion, CosignImage: m.BuilderImage,
	}), "refused")
	switch {
	case err == nil:
		return fmt.Errorf("publish with a wrong password passed, want it refused")
	case !strings.Contains(err.Error(), "cannot open the key"):
		return fmt.Errorf("publish with a wrong password: %v; want it to say cosign cannot open the key", err)
	case strings.Contains(err.Error(), "not-the-password") || strings.Contains(err.Error(), signer.passwordText):
		return fmt.Errorf("publish with a wrong password shows a password: %v", err)
	}
	return checkTags(ctx, endpoint, "refused", nil)
}

// ReleaseSigned releases the fixture signed and checks the checksums with the real cosign.
//
// The pure-Go fixture for amd64 and arm64 is released with a fresh key
// pair: dist holds <checksums>.sig and <checksums>.bundle next to the
// checksums file, which lists neither; cosign verify-blob --key passes with
// the signature and with the bundle, and refuses another key and a
// tampered checksums file. A binaries-only release with a key is refused.
// +check
func (m *Tests) ReleaseSigned(ctx context.Context) error {
	signer, err := m.generateKeyPair(ctx, "signer")
	if err != nil {
		return err
	}
	other, err := m.generateKeyPair(ctx, "other")
	if err != nil {
		return err
	}
	gb := m.goBuild("purego", dagger.GoBuildOpts{}).WithSigningKey(signer.key, signer.password, dagger.GoBuildWithSigningKeyOpts{
		CosignVersion: cosignVersion, CosignImage: m.BuilderImage,
	})
	dist := gb.Release(dagger.GoBuildReleaseOpts{Platforms: signingPlatforms})
	checksums := "purego_" + releaseVersionName + "_checksums.txt"
	sig, bundle := checksums+".sig", checksums+".bundle"
	entries, err := dist.Entries(ctx)
	if err != nil {
		return err
	}
	for _, name := range []string{checksums, sig, bundle} {
		if !slices.Contains(entries, name) {
			return fmt.Errorf("dist holds %v, want %s", entries, name)
		}
	}
	listed, err := dist.File(checksums).Contents(ctx)
	if err != nil {
		return err
	}
	if strings.Contains(listed, sig) || strings.Contains(listed, bundle) {
		return fmt.Errorf("the checksums file lists its own signature:\n%s", listed)
	}

	verifier := m.cosign().WithMountedDirectory("/dist", dist).WithWorkdir("/dist").
		WithMountedFile("/keys/cosign.pub", signer.pub).
		WithMountedFile("/keys/other.pub", other.pub).
		WithNewFile("/tampered/"+checksums, listed+strings.Repeat("0", 64)+"  purego_extra.tar.gz\n")
	for _, c := range []struct {
		pass       bool
		what       string
		pub, input string
		with       []string
	}{
		{true, "the signature", "/keys/cosign.pub", checksums, []string{"--signature", sig}},
		{true, "the bundle", "/keys/cosign.pub", checksums, []string{"--bundle", bundle}},
		{false, "another key", "/keys/other.pub", checksums, []string{"--signature", sig}},
		{false, "a tampered checksums file", "/keys/cosign.pub", "/tampered/" + checksums, []string{"--signature", sig}},
	} {
		args := append([]string{"verify-blob", "--key", c.pub, "--insecure-ignore-tlog"}, c.with...)
		r, err := runCosign(ctx, verifier, false, append(args, c.input)...)
		if err != nil {
			return err
		}
		if err := r.want(c.pass, "cosign verify-blob with "+c.what); err != nil {
			return err
		}
	}

	_, err = gb.Release(dagger.GoBuildReleaseOpts{Platforms: signingPlatforms, BinariesOnly: true}).Sync(ctx)
	if err == nil || !strings.Contains(err.Error(), "no checksums file to sign") {
		return fmt.Errorf("a signed binaries-only release gave %v, want it refused: there is no checksums file to sign", err)
	}
	return nil
}

// startRegistry starts a registry of the check named check, its own: the
// engine runs one instance of identical services, so registries of the
// same definition would be shared between checks running side by side
// (dagger check), and the first check to stop its registry would empty
// the others'. The check's name in the environment tells them apart.
func (m *Tests) startRegistry(ctx context.Context, check string) (*dagger.Service, error) {
	registry, err := dag.Container().From(m.RegistryImage).
		WithEnvVariable("GO_BUILD_CHECK", check).
		WithExposedPort(5000).AsService().Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting the registry: %w", err)
	}
	return registry, nil
}

// cosignVerify runs cosign verify --key pub of ref, over plain HTTP,
// offline, whatever its outcome.
func cosignVerify(ctx context.Context, verifier *dagger.Container, pub, ref string) (cosignRun, error) {
	return runCosign(ctx, verifier, true, "verify", "--key", pub, "--insecure-ignore-tlog",
		"--allow-http-registry", "--allow-insecure-registry", ref)
}

// verifySigned wants cosign verify --key /keys/cosign.pub to pass for
// ref and to print a signature of digest.
func verifySigned(ctx context.Context, verifier *dagger.Container, ref, digest string) error {
	r, err := cosignVerify(ctx, verifier, "/keys/cosign.pub", ref)
	if err != nil {
		return err
	}
	if err := r.want(true, "cosign verify --key cosign.pub "+ref); err != nil {
		return err
	}
	if !strings.Contains(r.stdout, `"docker-manifest-digest":"`+digest+`"`) {
		return fmt.Errorf("cosign verify %s printed no signature of %s:\n%s", ref, digest, r.stdout)
	}
	return nil
}

// prefixAll is each of items after prefix.
func prefixAll(prefix string, items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = prefix + s
	}
	return out
}

// registryGet reads path from the registry at endpoint (http://host:port),
// with accept as the Accept header when set. It returns the status too.
func registryGet(ctx context.Context, endpoint, path, accept string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+path, nil)
	if err != nil {
		return 0, nil, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// attestationDigests are the digests of the attestation manifests the
// index digest of repo lists.
func attestationDigests(ctx context.Context, endpoint, repo, digest string) ([]string, error) {
	status, body, err := registryGet(ctx, endpoint, "/v2/"+repo+"/manifests/"+digest, "application/vnd.oci.image.index.v1+json")
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("GET %s@%s: %d: %s", repo, digest, status, body)
	}
	var index struct {
		Manifests []struct {
			Digest      string            `json:"digest"`
			Annotations map[string]string `json:"annotations"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(body, &index); err != nil {
		return nil, err
	}
	var digests []string
	for _, d := range index.Manifests {
		if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
			digests = append(digests, d.Digest)
		}
	}
	return digests, nil
}

// checkTags wants repo's tags in the registry to be exactly want (in any
// order); no tag at all may also be an unknown repository.
func checkTags(ctx context.Context, endpoint, repo string, want []string) error {
	status, body, err := registryGet(ctx, endpoint, "/v2/"+repo+"/tags/list", "")
	if err != nil {
		return err
	}
	if status == http.StatusNotFound && len(want) == 0 {
		return nil
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s tags: %d: %s", repo, status, body)
	}
	var list struct {
		Tags []string `json:"tags"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return err
	}
	slices.Sort(list.Tags)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(list.Tags, want) {
		return fmt.Errorf("%s has the tags %v, want %v", repo, list.Tags, want)
	}
	return nil
}
