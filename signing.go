package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/ocilayout"
	"dagger/go-build/internal/registrypush"
	"dagger/go-build/internal/signing"
)

// Signing is the real cosign CLI, built at a pinned version, run in a
// container: its signatures are cosign's own, and keyless signing (a later
// withKeylessSigning) is the same CLI given an identity token instead of a
// key. The key and password reach it as mounted secret files.

// Signing is the cosign key pair publish, publish-toolchain and release
// sign with, set by withSigningKey.
type Signing struct {
	// Key is the encrypted private key (cosign.key).
	Key *dagger.Secret
	// Password opens Key.
	Password *dagger.Secret
	// Attestations also signs the SBOM and provenance attestation
	// manifests.
	Attestations bool
	// CosignVersion is the cosign release run, v2.MINOR.PATCH.
	CosignVersion string
	// CosignImage is the Go image cosign is compiled and run in.
	CosignImage string
}

// WithSigningKey signs what publish, publish-toolchain and release make, with a cosign key pair.
//
// publish and publish-toolchain push a cosign signature of each image (the
// sha256-<digest>.sig tag, as cosign sign writes it); release writes
// <checksums>.sig and <checksums>.bundle next to its checksums file, as
// cosign sign-blob does. The key is opened before anything is built, and an
// image's tags are only pushed once its signature is. Nothing goes to a
// transparency log: verify with cosign verify --key cosign.pub
// --insecure-ignore-tlog. The real cosign CLI signs, compiled at
// --cosign-version the first time (minutes; cached after).
func (m *GoBuild) WithSigningKey(
	ctx context.Context,
	// The encrypted private key cosign generate-key-pair writes, e.g.
	// file:./cosign.key or env:COSIGN_KEY.
	key *dagger.Secret,
	// The key's password, e.g. env:COSIGN_PASSWORD (a file: secret must
	// not end in a newline: cosign reads every byte).
	password *dagger.Secret,
	// Also sign each attestation manifest (SBOM and provenance) publish
	// attaches, not only the image index.
	// +optional
	attestations bool,
	// cosign release to sign with, v2.MINOR.PATCH; go install fetches it
	// from the Go module proxy.
	// +default="v2.6.5"
	cosignVersion string,
	// Go image cosign is compiled and run in, e.g. golang:1.26-bookworm.
	// +default="golang:1.26-bookworm"
	cosignImage string,
) (*GoBuild, error) {
	if _, err := signing.InstallPackage(cosignVersion); err != nil {
		return nil, err
	}
	if key == nil || password == nil {
		return nil, fmt.Errorf("with-signing-key: give --key (cosign.key) and --password")
	}
	data, err := key.Plaintext(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading --key: %v", err)
	}
	if err := signing.CheckPrivateKey([]byte(data)); err != nil {
		return nil, fmt.Errorf("with-signing-key --key: %v", err)
	}
	next := *m
	next.Signing = &Signing{Key: key, Password: password, Attestations: attestations, CosignVersion: cosignVersion, CosignImage: cosignImage}
	return &next, nil
}

// cosign is a container with the cosign CLI at s.CosignVersion on its
// PATH, compiled static with go install.
//
// The install mounts no cache volume, unlike the builds: its result is a
// function of the image and the version alone, so the engine's exec cache
// keeps it, and shares it with every module on the engine that installs
// the same version the same way (the tests module's checks do). A volume,
// namespaced per module, would split that cache.
func (s *Signing) cosign() *dagger.Container {
	pkg, _ := signing.InstallPackage(s.CosignVersion) // checked by WithSigningKey
	built := dag.Container().From(s.CosignImage).
		WithEnvVariable("CGO_ENABLED", "0").
		WithEnvVariable("GOBIN", "/out").
		WithExec([]string{"go", "install", "-trimpath", pkg})
	return dag.Container().From(s.CosignImage).
		WithFile("/usr/local/bin/cosign", built.File("/out/cosign"))
}

// withKey mounts the key and its password as secret files.
func (s *Signing) withKey(ctr *dagger.Container) *dagger.Container {
	return ctr.WithMountedSecret(signing.KeyPath, s.Key).WithMountedSecret(signing.PasswordPath, s.Password)
}

// startKeyCheck opens the key with its password in the background (the
// first call also compiles cosign) and returns what waits for the answer:
// a wrong password fails the call before anything is pushed. A nil s
// checks nothing.
func (s *Signing) startKeyCheck(ctx context.Context) func() error {
	if s == nil {
		return func() error { return nil }
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.withKey(s.cosign()).WithExec(signing.WithPassword(signing.PublicKey())).Sync(ctx)
		if err != nil {
			err = fmt.Errorf("with-signing-key: cosign cannot open the key with the password: %v", withStderr(err))
		}
		done <- err
	}()
	return func() error { return <-done }
}

// signTarget is where the signatures go: the registry as cosign reaches it
// and the login it uses there.
type signTarget struct {
	// host is the registry host[:port] the signed references name.
	host string
	// service, when set, is bound in cosign's container as alias.
	service *dagger.Service
	alias   string
	login   signing.Login
	// plainHTTP allows a registry without TLS.
	plainHTTP bool
}

// serviceTarget is a registry service as cosign's container reaches it:
// bound as "registry", at the port of address (host[:port]), over plain
// HTTP.
func serviceTarget(service *dagger.Service, address string) signTarget {
	const alias = "registry"
	host := alias
	if _, port, ok := strings.Cut(address, ":"); ok {
		host += ":" + port
	}
	return signTarget{host: host, service: service, alias: alias, plainHTTP: true}
}

// signImages has cosign sign each image, named by digest, and push the
// signatures. The run is never cached: a signature is pushed each time.
func (s *Signing) signImages(ctx context.Context, images []string, to signTarget) error {
	// One cosign run per image: cosign sign reads the password once per
	// image it signs, and stdin holds it once.
	var runs [][]string
	for _, img := range images {
		args, err := signing.SignImages([]string{img}, signing.Registry{PlainHTTP: to.plainHTTP})
		if err != nil {
			return err
		}
		runs = append(runs, signing.WithPassword(args))
	}
	nonce, err := randomHex()
	if err != nil {
		return err
	}
	ctr := s.withKey(s.cosign())
	if to.service != nil {
		ctr = ctr.WithServiceBinding(to.alias, to.service)
	}
	config, err := signing.DockerConfig(to.host, to.login)
	if err != nil {
		return err
	}
	if config != nil {
		secret := dag.SetSecret("go-build-cosign-docker-config-"+nonce, string(config))
		ctr = ctr.WithMountedSecret(signing.DockerConfigDir+"/config.json", secret).
			WithEnvVariable("DOCKER_CONFIG", signing.DockerConfigDir)
	}
	ctr = ctr.WithEnvVariable("GO_BUILD_SIGNING_RUN", nonce)
	for _, args := range runs {
		ctr = ctr.WithExec(args)
	}
	if _, err := ctr.Sync(ctx); err != nil {
		return fmt.Errorf("cosign sign %s: %v", strings.Join(images, " "), withStderr(err))
	}
	return nil
}

// pushSigned pushes the images signed names (manifest digests of the
// layout, its root first) by digest, untagged; has cosign sign them; then
// writes the tags. A failed signature leaves no tag moved: the untagged
// images are left to the registry's garbage collection.
func (s *Signing) pushSigned(ctx context.Context, p *layoutPush, layoutDir, name string, tags []registrypush.Tag, signed []string) (string, error) {
	byDigest := make([]registrypush.Tag, len(signed))
	for i, d := range signed {
		byDigest[i] = registrypush.Tag{Ref: name + "@" + d, Digest: d}
	}
	if _, err := registrypush.PushTags(ctx, layoutDir, byDigest, p.opts); err != nil {
		return "", err
	}
	target := signTarget{host: registryOf(name), plainHTTP: p.opts.Insecure}
	if p.opts.Endpoint != "" {
		target = serviceTarget(p.service, p.opts.Endpoint)
	}
	target.login = signing.Login{Username: p.cred.Username, Password: p.cred.Password, IdentityToken: p.cred.IdentityToken, RegistryToken: p.cred.RegistryToken}
	repo := target.host + strings.TrimPrefix(name, registryOf(name))
	images := make([]string, len(signed))
	for i, d := range signed {
		images[i] = repo + "@" + d
	}
	if err := s.signImages(ctx, images, target); err != nil {
		return "", fmt.Errorf("%v (the image was pushed by digest only; no tag was moved)", err)
	}
	return registrypush.PushTags(ctx, layoutDir, tags, p.opts)
}

// signedDigests are the manifests of the layout to sign: its root and,
// with Attestations, its attestation manifests. A nil s signs none.
func (s *Signing) signedDigests(layout *ocilayout.Layout) ([]string, error) {
	if s == nil {
		return nil, nil
	}
	roots, err := layout.Manifests()
	if err != nil {
		return nil, err
	}
	if len(roots) != 1 {
		return nil, fmt.Errorf("signing: the image layout lists %d images, want 1", len(roots))
	}
	digests := []string{roots[0].Digest.String()}
	if !s.Attestations {
		return digests, nil
	}
	index, err := layout.Blob(digests[0])
	if err != nil {
		return nil, err
	}
	attestations, err := signing.AttestationDigests(index)
	if err != nil {
		return nil, err
	}
	return append(digests, attestations...), nil
}

// signChecksums has cosign sign-blob the checksums file in the directory
// dist this process wrote, and writes its signature and bundle next to it.
func (s *Signing) signChecksums(ctx context.Context, dist, checksums string) error {
	abs, err := filepath.Abs(dist)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(".", filepath.Join(dist, checksums))
	if err != nil {
		return err
	}
	const dir = "/dist"
	sig, bundle := signing.ChecksumsSignature(checksums), signing.ChecksumsBundle(checksums)
	signed := s.withKey(s.cosign()).
		WithMountedFile(dir+"/"+checksums, dag.CurrentModule().WorkdirFile(rel)).
		WithWorkdir(dir).
		WithExec(signing.WithPassword(signing.SignBlob(checksums, sig, bundle)))
	for _, name := range []string{sig, bundle} {
		if _, err := signed.File(dir+"/"+name).Export(ctx, filepath.Join(abs, name)); err != nil {
			return fmt.Errorf("cosign sign-blob %s: %v", checksums, withStderr(err))
		}
	}
	return nil
}

// checkRelease refuses signing a binaries tree: it has no checksums file
// to sign. A nil s checks nothing.
func (s *Signing) checkRelease(binariesOnly bool) error {
	if s != nil && binariesOnly {
		return fmt.Errorf("release --binaries-only writes no checksums file to sign: drop --binaries-only, or with-signing-key")
	}
	return nil
}

// registryOf is the registry host of a normalized repository name.
func registryOf(name string) string {
	host, _, _ := strings.Cut(name, "/")
	return host
}

// randomHex is a fresh random token, to keep a run out of the cache.
func randomHex() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
