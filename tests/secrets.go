package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"dagger/tests/internal/dagger"
	"dagger/tests/internal/leaks"
)

// The credentials check's fixture: the pure-Go fixture made a git checkout
// whose origin carries a token, as GitLab CI clones, and what go-build must
// make of that remote.
const (
	credentialsRemoteHost = "gitlab.example.com"
	credentialsSource     = "https://gitlab.example.com/group/project"
	credentialsRepository = "registry.test/credentials"
	sourceLabel           = "org.opencontainers.image.source"
)

// credentialsPlatforms are the platforms the credentials check builds.
var credentialsPlatforms = []string{"linux/amd64", "linux/arm64"}

// CredentialsStayOut checks no credential reaches any output of build, release, image or publish.
//
// The pure-Go fixture is made a git checkout whose origin is
// https://gitlab-ci-token:<token>@gitlab.example.com/group/project.git
// (a random token, as GitLab CI clones), and go-build gets a netrc secret
// with another random token. Build, release, image and publish (to a
// registry service) run on it, and neither token may appear, as is,
// URL-escaped or in base64, in the exported binaries, the release's files
// (archives unpacked, SBOMs, checksums), the image tarball (configs and
// their labels, manifests and index annotations, attestations: SBOMs and
// provenance, layers unpacked), what publish printed, every manifest,
// config and blob read back from the registry, the builder's environment,
// or the errors of failing calls (a --goproxy with the token as password,
// one url.Parse refuses, a build of a missing package). The image's
// source label must be https://gitlab.example.com/group/project. A second
// origin whose password holds a '#' (url.Parse refuses it) must leave no
// source label and no trace of the token at all.
// +check
func (m *Tests) CredentialsStayOut(ctx context.Context) error {
	nonce, err := randomToken(6)
	if err != nil {
		return err
	}
	originToken, err := randomToken(20)
	if err != nil {
		return err
	}
	netrcToken, err := randomToken(20)
	if err != nil {
		return err
	}
	secrets := []leaks.Secret{
		{What: "the origin remote's token", Value: "gbtok-" + originToken},
		{What: "the netrc's token", Value: "gbnetrc-" + netrcToken},
	}
	remote := "https://gitlab-ci-token:" + secrets[0].Value + "@" + credentialsRemoteHost + "/group/project.git"
	src, err := m.remoteFixture(ctx, "purego", dag.SetSecret("credentials-check-origin-"+nonce, remote))
	if err != nil {
		return err
	}
	netrc := dag.SetSecret("credentials-check-netrc-"+nonce,
		"machine "+credentialsRemoteHost+" login gitlab-ci-token password "+secrets[1].Value+"\n")
	opts := func() dagger.GoBuildOpts {
		return dagger.GoBuildOpts{CacheNamespace: "credentials-check", Netrc: netrc}
	}
	gb := m.goBuildOf(src, opts())
	// Each step that fails is recorded (its error searched too) and the
	// search goes on: the result names every leak and every failure.
	s := &leakSearch{secrets: secrets}

	// build
	if files, err := exportRelease(ctx, gb.Build(dagger.GoBuildBuildOpts{Arch: "linux/arm64"})); err != nil {
		s.failed("build", err)
	} else {
		s.files("build's output", files)
	}

	// release: archives, SBOMs, checksums
	if files, err := exportRelease(ctx, gb.Release(dagger.GoBuildReleaseOpts{Platforms: credentialsPlatforms})); err != nil {
		s.failed("release", err)
	} else if len(files) == 0 {
		s.problems = append(s.problems, "release exported no file")
	} else {
		s.files("release's output", files)
	}

	// image: the OCI tarball, and its labels
	if err := m.searchImage(ctx, s, gb, credentialsSource); err != nil {
		s.failed("image", err)
	}

	// publish, and what the registry holds
	if err := m.searchPublished(ctx, s, gb); err != nil {
		s.failed("publish", err)
	}

	// the builder's environment
	if err := s.environment(ctx, gb.Builder(dagger.GoBuildBuilderOpts{Arch: "arm64"})); err != nil {
		s.failed("the arm64 builder's environment", err)
	}

	// errors: --goproxy with the token as password, one url.Parse
	// refuses, and a build of a missing package on the token checkout
	for _, c := range []struct {
		what, proxy, want string
	}{
		{what: "a --goproxy with the token as password",
			proxy: "https://gitlab-ci-token:" + secrets[0].Value + "@proxy.example/", want: "gitlab-ci-token:xxxxx@proxy.example"},
		{what: "a --goproxy url.Parse refuses (a '#' in the password)",
			proxy: "https://gitlab-ci-token:pa#" + secrets[0].Value + "@proxy.example/", want: "--goproxy (its value is not shown"},
		{what: "a build of a missing package", want: "nosuch"},
	} {
		o := opts()
		if c.proxy != "" {
			o.Goproxy = []string{c.proxy}
		} else {
			o.Packages = []string{"./nosuch"}
		}
		_, err := m.goBuildOf(src, o).Build(dagger.GoBuildBuildOpts{Arch: "arm64"}).Entries(ctx)
		if err == nil {
			s.problems = append(s.problems, c.what+": the build passed, want an error")
			continue
		}
		text := errorText(err)
		s.text("the error of "+c.what, text)
		if !strings.Contains(text, c.want) {
			// Searched on: every place a token is found is named.
			s.problems = append(s.problems, fmt.Sprintf("the error of %s does not say %q:\n%s", c.what, c.want, leaks.Redact(text, secrets)))
		}
	}

	// an origin url.Parse refuses: no source label, no token
	bad := "https://gitlab-ci-token:pa#" + secrets[0].Value + "@" + credentialsRemoteHost + "/group/project.git"
	badSrc, err := m.remoteFixture(ctx, "purego", dag.SetSecret("credentials-check-bad-origin-"+nonce, bad))
	if err != nil {
		return err
	}
	if err := m.searchImage(ctx, s, m.goBuildOf(badSrc, opts()), ""); err != nil {
		s.failed("the image of an origin url.Parse refuses", err)
	}
	return s.result()
}

// environment searches ctr's environment variables.
func (s *leakSearch) environment(ctx context.Context, ctr *dagger.Container) error {
	env, err := ctr.EnvVariables(ctx)
	if err != nil {
		return err
	}
	for _, e := range env {
		name, err := e.Name(ctx)
		if err != nil {
			return err
		}
		value, err := e.Value(ctx)
		if err != nil {
			return err
		}
		s.text("the builder's environment", name+"="+value)
	}
	return nil
}

// failed records that step failed: its error is searched, and named with
// the secrets redacted.
func (s *leakSearch) failed(step string, err error) {
	text := errorText(err)
	s.text("the error of "+step, text)
	s.problems = append(s.problems, step+" failed: "+leaks.Redact(text, s.secrets))
}

// leakSearch gathers where the planted secrets were found, and what else
// was not as it should be.
type leakSearch struct {
	secrets  []leaks.Secret
	found    []string
	problems []string
}

// files searches every file of an exported directory, archives unpacked.
func (s *leakSearch) files(what string, files map[string][]byte) {
	for _, name := range sortedKeys(files) {
		s.data(what+": "+name, files[name])
	}
}

// data searches one file, and what it packs.
func (s *leakSearch) data(where string, data []byte) {
	found, err := leaks.Scan(where, data, s.secrets)
	for _, f := range found {
		s.found = append(s.found, f.String())
	}
	if err != nil {
		s.found = append(s.found, fmt.Sprintf("(could not unpack all of %s: %v)", where, err))
	}
}

// text searches a text: an error, an output.
func (s *leakSearch) text(where, text string) {
	for _, f := range leaks.Text(where, text, s.secrets) {
		s.found = append(s.found, f.String())
	}
}

// result fails naming every place a secret was found, and every problem.
func (s *leakSearch) result() error {
	var errs []error
	if len(s.found) > 0 {
		errs = append(errs, fmt.Errorf("a credential reached go-build's outputs:\n  %s", strings.Join(slices.Compact(slices.Sorted(slices.Values(s.found))), "\n  ")))
	}
	for _, p := range s.problems {
		errs = append(errs, errors.New(p))
	}
	return errors.Join(errs...)
}

// remoteFixture makes testdata/<fixture> a git checkout, tagged v1.0.0,
// whose origin is the secret remote. The remote reaches the checkout
// through a secret variable: it is in no argument or log of this check.
func (m *Tests) remoteFixture(ctx context.Context, fixture string, remote *dagger.Secret) (*dagger.Directory, error) {
	repo := dag.Container().From(m.BuilderImage).
		WithDirectory("/src", dag.CurrentModule().Source().Directory("testdata/"+fixture)).
		WithWorkdir("/src").
		WithEnvVariable("GIT_AUTHOR_DATE", fixtureCommitDate).
		WithEnvVariable("GIT_COMMITTER_DATE", fixtureCommitDate).
		WithSecretVariable("ORIGIN", remote).
		WithExec([]string{"sh", "-c", `set -eu
git -c init.defaultBranch=main init -q
git add -A
git -c user.name=check -c user.email=check@example.com commit -q -m fixture
git tag v1.0.0
git remote add origin "$ORIGIN"
test "$(git config --get remote.origin.url)" = "$ORIGIN"`})
	if _, err := repo.Sync(ctx); err != nil {
		return nil, fmt.Errorf("making testdata/%s a git checkout with a token in its origin: %s", fixture, errorText(err))
	}
	return repo.Directory("/src"), nil
}

// searchImage builds gb's image for the credentials platforms, searches
// the whole tarball and checks every platform's source label is source
// ("" for none).
func (m *Tests) searchImage(ctx context.Context, s *leakSearch, gb *dagger.GoBuild, source string) error {
	tarball := gb.Image(dagger.GoBuildImageOpts{Platforms: credentialsPlatforms})
	dir, err := os.MkdirTemp("", "credentials-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "image.tar")
	if _, err := tarball.Export(ctx, path); err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s.data("the image tarball", data)
	layout, err := readLayout(ctx, tarball)
	if err != nil {
		return err
	}
	imgs, err := layout.Images()
	if err != nil {
		return err
	}
	for _, img := range imgs {
		got, ok := img.Config.Config.Labels[sourceLabel]
		if got != source || (source == "" && ok) {
			s.problems = append(s.problems, fmt.Sprintf("the %s image's %s label is %q, want %q", img.Platform(), sourceLabel, leaks.Redact(got, s.secrets), source))
		}
	}
	if source == "" {
		// Not even the host: the remote was dropped whole.
		if blobs, err := layout.BlobsContaining(credentialsRemoteHost); err != nil || len(blobs) > 0 {
			s.problems = append(s.problems, fmt.Sprintf("the image of a remote url.Parse refuses names %s, in %v (%v): want no trace of the remote", credentialsRemoteHost, blobs, err))
		}
	} else if blobs, err := layout.BlobsContaining(source); err != nil || len(blobs) < 2 {
		// The configs' labels, the index's annotations and the provenance.
		s.problems = append(s.problems, fmt.Sprintf("the image names %s in %v (%v): want it in the configs, annotations and provenance", source, blobs, err))
	}
	return nil
}

// searchPublished publishes gb's image to a registry service and searches
// what publish printed and everything the registry holds of it.
func (m *Tests) searchPublished(ctx context.Context, s *leakSearch, gb *dagger.GoBuild) error {
	registry, err := m.startRegistry(ctx, "CredentialsStayOut")
	if err != nil {
		return err
	}
	defer registry.Stop(ctx)
	out, err := gb.Publish(ctx, credentialsRepository+":1.0.0", dagger.GoBuildPublishOpts{
		Platforms: credentialsPlatforms, RegistryService: registry,
	})
	if err != nil {
		return err
	}
	s.text("publish's output", out)
	endpoint, err := registry.Endpoint(ctx, dagger.ServiceEndpointOpts{Scheme: "http"})
	if err != nil {
		return err
	}
	repo := strings.SplitN(credentialsRepository, "/", 2)[1]
	pulled := map[string][]byte{}
	if err := pullAll(ctx, endpoint, repo, "manifests", "1.0.0", pulled); err != nil {
		return err
	}
	s.files("the registry", pulled)
	var withSource int
	for _, data := range pulled {
		if strings.Contains(string(data), credentialsSource) {
			withSource++
		}
	}
	if withSource < 2 {
		s.problems = append(s.problems, fmt.Sprintf("%d documents of the %d the registry holds name %s: want the configs, annotations and provenance to", withSource, len(pulled), credentialsSource))
	}
	return nil
}

// pullAll reads ref (a tag or digest) of kind ("manifests" or "blobs")
// from the registry into pulled, by "<kind> <ref>", and for a manifest
// everything it refers to: the manifests of an index, a manifest's config
// and layers.
func pullAll(ctx context.Context, endpoint, repo, kind, ref string, pulled map[string][]byte) error {
	key := kind + " " + ref
	if _, done := pulled[key]; done {
		return nil
	}
	url := fmt.Sprintf("%s/v2/%s/%s/%s", endpoint, repo, kind, ref)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", strings.Join([]string{
		"application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
		"application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json",
	}, ", "))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	pulled[key] = body
	if kind != "manifests" {
		return nil
	}
	var doc struct {
		Manifests []struct{ Digest string } `json:"manifests"`
		Config    *struct{ Digest string }  `json:"config"`
		Layers    []struct{ Digest string } `json:"layers"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	for _, d := range doc.Manifests {
		if err := pullAll(ctx, endpoint, repo, "manifests", d.Digest, pulled); err != nil {
			return err
		}
	}
	if doc.Config != nil {
		if err := pullAll(ctx, endpoint, repo, "blobs", doc.Config.Digest, pulled); err != nil {
			return err
		}
	}
	for _, d := range doc.Layers {
		if err := pullAll(ctx, endpoint, repo, "blobs", d.Digest, pulled); err != nil {
			return err
		}
	}
	return nil
}

// randomToken is n random bytes in hex.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
