package main

// The attestation checks use go-build's defaults only: SBOM and provenance
// on. The generated Go bindings cannot turn them off: an optional bool whose
// default is true is a plain bool in GoBuildImageOpts and GoBuildPublishOpts,
// and the Dagger Go SDK sends no zero value (false), so the default applies.
// --sbom=false and --provenance=false can only be exercised from the CLI
// (dagger call ... image --sbom=false), which sends false.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"dagger/tests/internal/dagger"
	"dagger/tests/internal/ocilayout"
)

// The predicate types go-build attests with, as BuildKit writes them.
const (
	predicateSPDX       = "https://spdx.dev/Document"
	predicateProvenance = "https://slsa.dev/provenance/v1"
	statementType       = "https://in-toto.io/Statement/v0.1"
)

// The git checkout the attestation check builds: origin is fixtureRemote,
// and its one commit has a fixed author, committer, date and message, so
// its revision is the same on every run.
const (
	fixtureRemote = "https://github.com/example/purego"
	// fixtureCommitDate is 2025-01-01T00:00:00Z in git's internal format
	// (seconds and zone), which every git version parses.
	fixtureCommitDate = "1735689600 +0000"
	gitFixtureScript  = `set -eu
git -c init.defaultBranch=main init -q
git add -A
git -c user.name=check -c user.email=check@example.com commit -q -m fixture
git remote add origin ` + fixtureRemote
)

// gitFixture makes testdata/<fixture> a git checkout (see gitFixtureScript)
// and returns it, .git included, with its revision.
func (m *Tests) gitFixture(ctx context.Context, fixture string) (*dagger.Directory, string, error) {
	repo := dag.Container().From(m.BuilderImage).
		WithDirectory("/src", dag.CurrentModule().Source().Directory("testdata/"+fixture)).
		WithWorkdir("/src").
		WithEnvVariable("GIT_AUTHOR_DATE", fixtureCommitDate).
		WithEnvVariable("GIT_COMMITTER_DATE", fixtureCommitDate).
		WithExec([]string{"sh", "-c", gitFixtureScript})
	out, err := repo.WithExec([]string{"git", "rev-parse", "HEAD"}).Stdout(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("making testdata/%s a git checkout: %s", fixture, errorText(err))
	}
	rev := strings.TrimSpace(out)
	if len(rev) != 40 && len(rev) != 64 {
		return nil, "", fmt.Errorf("git rev-parse HEAD printed %q, want a full commit hash", out)
	}
	return repo.Directory("/src"), rev, nil
}

// goBuildOf configures go-build for the source src as goBuild does for a
// fixture under testdata/.
func (m *Tests) goBuildOf(src *dagger.Directory, opts dagger.GoBuildOpts) *dagger.GoBuild {
	opts.Source = src
	opts.BuilderImage = m.BuilderImage
	opts.StripImage = m.StripImage
	opts.GoVersion = m.GoVersion
	if opts.Version == "" {
		opts.Version = stampedVersion
	}
	return dag.GoBuild(opts)
}

// fixtureModulePath is the module path in testdata/<fixture>/go.mod.
func fixtureModulePath(ctx context.Context, fixture string) (string, error) {
	gomod, err := dag.CurrentModule().Source().File("testdata/" + fixture + "/go.mod").Contents(ctx)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(gomod, "\n") {
		if path, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(path), `"`), nil
		}
	}
	return "", fmt.Errorf("testdata/%s/go.mod has no module line:\n%s", fixture, gomod)
}

// AttestedImage checks the image attests every platform with an SBOM and provenance.
//
// The pure-Go fixture, made a git checkout with origin
// https://github.com/example/purego, is exported as an image for amd64,
// arm64 and arm/v7 and read back. Every platform manifest must have exactly
// one attestation manifest naming it, holding an SPDX statement and a SLSA
// provenance statement whose subject is that manifest's digest. The SBOM
// must list the fixture's main module and stdlib; the provenance must name
// the commit (as revision and as the gitCommit of a resolved dependency),
// the repository and the platform.
// +check
func (m *Tests) AttestedImage(ctx context.Context) error {
	src, rev, err := m.gitFixture(ctx, "purego")
	if err != nil {
		return err
	}
	module, err := fixtureModulePath(ctx, "purego")
	if err != nil {
		return err
	}
	gb := m.goBuildOf(src, dagger.GoBuildOpts{CacheNamespace: "attest-check"})
	layout, err := readLayout(ctx, gb.Image(dagger.GoBuildImageOpts{Platforms: imagePlatformList()}))
	if err != nil {
		return err
	}
	imgs, err := layout.Images()
	if err != nil {
		return err
	}
	if len(imgs) != len(imagePlatforms) {
		return fmt.Errorf("the image has %d platform manifests, want %d (%v)", len(imgs), len(imagePlatforms), imagePlatformList())
	}
	byManifest, err := attestationsOf(layout, imgs)
	if err != nil {
		return err
	}
	for _, img := range imgs {
		att := byManifest[img.Digest]
		if err := checkSBOMStatement(img, att, module); err != nil {
			return err
		}
		if err := checkProvenanceStatement(img, att, rev); err != nil {
			return err
		}
	}
	return nil
}

// attestationsOf returns the attestation manifest of each of imgs, by
// manifest digest: there must be exactly one per image and no other.
func attestationsOf(layout *ocilayout.Layout, imgs []ocilayout.Image) (map[string]ocilayout.Attestation, error) {
	atts, err := layout.Attestations()
	if err != nil {
		return nil, err
	}
	byManifest := map[string]ocilayout.Attestation{}
	for _, a := range atts {
		if prev, ok := byManifest[a.Manifest]; ok {
			return nil, fmt.Errorf("manifest %s has two attestation manifests, %s and %s; want one", a.Manifest, prev.Digest, a.Digest)
		}
		byManifest[a.Manifest] = a
	}
	var digests []string
	for _, img := range imgs {
		if _, ok := byManifest[img.Digest]; !ok {
			return nil, fmt.Errorf("%s: manifest %s has no attestation manifest; want one (the image's attestations: %d)", img.Platform(), img.Digest, len(atts))
		}
		digests = append(digests, img.Digest)
	}
	for _, a := range atts {
		if !slices.Contains(digests, a.Manifest) {
			return nil, fmt.Errorf("attestation manifest %s names %s, which is no platform manifest of the image (%v)", a.Digest, a.Manifest, digests)
		}
	}
	return byManifest, nil
}

// statementOf returns att's one statement of predicateType, checked to be
// about img alone: subject "_" with img's manifest digest.
func statementOf(img ocilayout.Image, att ocilayout.Attestation, predicateType string) (ocilayout.Statement, error) {
	var types []string
	for _, s := range att.Statements {
		types = append(types, s.PredicateType)
	}
	found := att.StatementsOf(predicateType)
	if len(found) != 1 {
		return ocilayout.Statement{}, fmt.Errorf("%s: attestation manifest %s has %d %s statements, want 1 (it has %v)", img.Platform(), att.Digest, len(found), predicateType, types)
	}
	s := found[0]
	if s.Type != statementType {
		return s, fmt.Errorf("%s: %s statement _type is %q, want %q", img.Platform(), predicateType, s.Type, statementType)
	}
	want := strings.TrimPrefix(img.Digest, "sha256:")
	if len(s.Subjects) != 1 || s.Subjects[0].Name != "_" || len(s.Subjects[0].Digest) != 1 || s.Subjects[0].Digest["sha256"] != want {
		return s, fmt.Errorf("%s: %s statement subjects are %+v, want one named _ with digest sha256 %s (the platform manifest)", img.Platform(), predicateType, s.Subjects, want)
	}
	return s, nil
}

// checkSBOMStatement checks img's SPDX statement lists the main module and stdlib.
func checkSBOMStatement(img ocilayout.Image, att ocilayout.Attestation, module string) error {
	s, err := statementOf(img, att, predicateSPDX)
	if err != nil {
		return err
	}
	var doc struct {
		SPDXVersion string        `json:"spdxVersion"`
		Packages    []spdxPackage `json:"packages"`
	}
	if err := json.Unmarshal(s.Predicate, &doc); err != nil {
		return fmt.Errorf("%s: the SPDX predicate is not an SPDX document: %w", img.Platform(), err)
	}
	if doc.SPDXVersion != "SPDX-2.3" {
		return fmt.Errorf("%s: the SBOM is %q, want SPDX-2.3", img.Platform(), doc.SPDXVersion)
	}
	var names []string
	for _, p := range doc.Packages {
		names = append(names, p.Name+" "+p.VersionInfo)
	}
	for _, want := range []string{module, "stdlib"} {
		if !slices.ContainsFunc(doc.Packages, func(p spdxPackage) bool { return p.Name == want }) {
			return fmt.Errorf("%s: the SBOM has no package %s; its packages: %v", img.Platform(), want, names)
		}
	}
	return nil
}

// spdxPackage is the part of an SPDX package the checks read.
type spdxPackage struct {
	Name        string `json:"name"`
	VersionInfo string `json:"versionInfo"`
}

// checkProvenanceStatement checks img's provenance names revision rev of
// fixtureRemote and img's platform.
func checkProvenanceStatement(img ocilayout.Image, att ocilayout.Attestation, rev string) error {
	s, err := statementOf(img, att, predicateProvenance)
	if err != nil {
		return err
	}
	var pred struct {
		BuildDefinition struct {
			ExternalParameters struct {
				Repository string   `json:"repository"`
				Revision   string   `json:"revision"`
				Platform   string   `json:"platform"`
				Packages   []string `json:"packages"`
			} `json:"externalParameters"`
			ResolvedDependencies []struct {
				URI    string            `json:"uri"`
				Digest map[string]string `json:"digest"`
			} `json:"resolvedDependencies"`
		} `json:"buildDefinition"`
	}
	if err := json.Unmarshal(s.Predicate, &pred); err != nil {
		return fmt.Errorf("%s: the provenance predicate: %w", img.Platform(), err)
	}
	def := pred.BuildDefinition
	params := def.ExternalParameters
	switch {
	case params.Revision != rev:
		return fmt.Errorf("%s: provenance revision %q, want the fixture's commit %s", img.Platform(), params.Revision, rev)
	case params.Repository != fixtureRemote:
		return fmt.Errorf("%s: provenance repository %q, want %s (the origin remote)", img.Platform(), params.Repository, fixtureRemote)
	case params.Platform != img.Platform():
		return fmt.Errorf("%s: provenance platform %q, want %s", img.Platform(), params.Platform, img.Platform())
	case len(params.Packages) == 0:
		return fmt.Errorf("%s: provenance names no packages built", img.Platform())
	}
	var deps []string
	for _, d := range def.ResolvedDependencies {
		if d.Digest["gitCommit"] == rev {
			return nil
		}
		deps = append(deps, fmt.Sprintf("%s %v", d.URI, d.Digest))
	}
	return fmt.Errorf("%s: no provenance resolved dependency has gitCommit %s; they are %v", img.Platform(), rev, deps)
}

// The registry of PublishWithDockerConfig accepts one login: registryUser
// with registryPassword. registryHtpasswd is its htpasswd file: the
// password's bcrypt hash (cost 4, made with golang.org/x/crypto/bcrypt).
const (
	registryUser     = "ci"
	registryPassword = "go-build-check-s3cret"
	registryHtpasswd = "ci:$2a$04$pmia71qt2pSourrGTjzhCuF/egBIy53m1A5yffTFQqM964.8OnjF.\n"
)

// authRegistry starts a registry that refuses every request without
// registryUser's login.
func (m *Tests) authRegistry(ctx context.Context) (*dagger.Service, error) {
	registry, err := dag.Container().From(m.RegistryImage).
		WithNewFile("/auth/htpasswd", registryHtpasswd).
		WithEnvVariable("REGISTRY_AUTH", "htpasswd").
		WithEnvVariable("REGISTRY_AUTH_HTPASSWD_REALM", "go-build-check").
		WithEnvVariable("REGISTRY_AUTH_HTPASSWD_PATH", "/auth/htpasswd").
		WithExposedPort(5000).
		AsService().
		Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting the registry that requires a login: %w", err)
	}
	return registry, nil
}

// PublishWithDockerConfig publishes to a registry that requires a login, with a Docker config.
//
// The registry, run as a service, accepts only user ci. Publishing the
// pure-Go fixture without credentials must fail with the registry's 401;
// with a docker config.json whose auths entry for registry.test holds the
// login, it must succeed, and the manifest list read back (with the login)
// must have the digest publish printed, that of the image tarball of the
// same build. A wrong password must be refused as the docker config's
// credentials (a 401, not an anonymous push). Neither password nor its
// base64 login may appear in any error, in publish's output or in any blob
// (or index.json) of the image. A docker config that
// names only a credential helper must fail before anything is built, naming
// docker-credential-desktop. The builds share the caches of
// publish-to-registry: no check here needs a cold build.
// +check
func (m *Tests) PublishWithDockerConfig(ctx context.Context) error {
	registry, err := m.authRegistry(ctx)
	if err != nil {
		return err
	}
	defer registry.Stop(ctx)

	const tag = "auth"
	ref := publishRepository + ":" + tag
	gb := m.goBuild("purego", dagger.GoBuildOpts{CacheNamespace: "publish-check"})
	publish := func(gb *dagger.GoBuild, dockerConfig *dagger.Secret) (string, error) {
		return gb.Publish(ctx, ref, dagger.GoBuildPublishOpts{
			Platforms: imagePlatformList(), RegistryService: registry, DockerConfig: dockerConfig,
		})
	}
	dockerConfig := func(name, auth string) *dagger.Secret {
		return dag.SetSecret(name, fmt.Sprintf(`{"auths":{"registry.test":{"auth":%q}}}`, auth))
	}
	login := base64.StdEncoding.EncodeToString([]byte(registryUser + ":" + registryPassword))
	const wrongPassword = "go-build-check-wr0ng"
	wrongLogin := base64.StdEncoding.EncodeToString([]byte(registryUser + ":" + wrongPassword))
	secrets := []struct{ what, value string }{
		{"the password", registryPassword}, {"the base64 login", login},
		{"the wrong password", wrongPassword}, {"the wrong base64 login", wrongLogin},
	}
	// noSecret fails when what publish said holds a secret, and says
	// which without showing it.
	noSecret := func(what, text string) error {
		for _, secret := range secrets {
			if strings.Contains(text, secret.value) {
				return fmt.Errorf("%s appears in %s:\n%s", secret.what, what,
					strings.ReplaceAll(text, secret.value, "<"+secret.what+">"))
			}
		}
		return nil
	}

	// No credentials: the registry's 401.
	_, err = publish(gb, nil)
	anonymous := errorText(err)
	if err := noSecret("the error of the anonymous publish", anonymous); err != nil {
		return err
	}
	if lower := strings.ToLower(anonymous); err == nil || !strings.Contains(lower, "401") && !strings.Contains(lower, "unauthorized") {
		return fmt.Errorf("publishing without credentials to a registry that requires a login: error %q, want the registry's 401 Unauthorized", anonymous)
	}

	// A wrong password: refused, and said to be the docker config's
	// credentials, not an anonymous push.
	_, err = publish(gb, dockerConfig("go-build-check-wrong-docker-config", wrongLogin))
	refused := errorText(err)
	if err := noSecret("the error of the publish with a wrong password", refused); err != nil {
		return err
	}
	if err == nil || !strings.Contains(refused, "401") || !strings.Contains(refused, "docker config") {
		return fmt.Errorf("publishing with a wrong password in --docker-config: error %q, want the registry's 401 for the docker config's credentials", refused)
	}

	// The login from the docker config.
	out, err := publish(gb, dockerConfig("go-build-check-docker-config", login))
	if err != nil {
		return fmt.Errorf("publishing with --docker-config holding the login for registry.test: %s", errorText(err))
	}
	if err := noSecret("publish's output", out); err != nil {
		return err
	}
	pushed, err := parsePublished(out, []string{tag})
	if err != nil {
		return err
	}
	endpoint, err := registry.Endpoint(ctx, dagger.ServiceEndpointOpts{Scheme: "http"})
	if err != nil {
		return err
	}
	if err := checkManifestList(ctx, endpoint, &basicAuth{registryUser, registryPassword}, tag, pushed); err != nil {
		return err
	}
	layout, err := readLayout(ctx, gb.Image(dagger.GoBuildImageOpts{Platforms: imagePlatformList()}))
	if err != nil {
		return err
	}
	if root, err := layout.Root(); err != nil || root != pushed {
		return fmt.Errorf("publish pushed %s, but the image tarball of the same build is %s (%v): the digests must agree", pushed, root, err)
	}

	// A credential helper cannot run in the module: publish says so before
	// building. The source does not compile, so an error from a build
	// would name broken.go instead.
	broken := m.goBuildOf(dag.CurrentModule().Source().Directory("testdata/purego").
		WithNewFile("broken.go", "package main\n\nthis is not Go\n"), dagger.GoBuildOpts{CacheNamespace: "publish-check"})
	_, err = publish(broken, dag.SetSecret("go-build-check-helper-docker-config", `{"credHelpers":{"registry.test":"desktop"}}`))
	helper := errorText(err)
	if err := noSecret("the error of the publish with a credential helper", helper); err != nil {
		return err
	}
	switch {
	case err == nil || !strings.Contains(helper, "docker-credential-desktop"):
		return fmt.Errorf("publishing with a docker config naming only credential helper desktop: error %q, want one naming docker-credential-desktop", helper)
	case strings.Contains(helper, "broken.go"):
		return fmt.Errorf("publishing with a docker config naming only a credential helper built the source before refusing it: %q", helper)
	}

	for _, secret := range secrets {
		blobs, err := layout.BlobsContaining(secret.value)
		if err != nil {
			return err
		}
		if len(blobs) > 0 {
			return fmt.Errorf("%s appears in the image, in %v", secret.what, blobs)
		}
	}
	return nil
}
