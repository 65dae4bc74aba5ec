// Package signing plans how the real cosign CLI signs what go-build
// publishes and releases with a key pair from `cosign generate-key-pair`:
// the pinned cosign version, the private key's format, the command lines,
// and the registry login cosign reads.
//
// Signing is cosign's own: its command lines are built here and run by the
// module in a container, so the signatures are where and what cosign
// writes (the sha256-<hex>.sig tag with a simple-signing payload, and the
// signature and bundle files of sign-blob). Nothing is uploaded to a
// transparency log: a key-pair signature is checked with the public key
// alone, offline (cosign verify --insecure-ignore-tlog).
//
// Nothing this package returns holds a secret: the key and password are
// files the command lines name by path, and errors name the problem only.
package signing

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/semver"

	"dagger/go-build/internal/attest"
)

// ErrSigning is wrapped by every error this package returns.
var ErrSigning = errors.New("signing")

const (
	// CosignPackage is the cosign command's Go package, installed with
	// go install at a pinned version.
	CosignPackage = "github.com/sigstore/cosign/v2/cmd/cosign"
	// DefaultCosignVersion is the cosign release signing uses unless told.
	DefaultCosignVersion = "v2.6.5"
)

// Paths of the secrets in the signing container: mounted secret files,
// never layers or environment variables.
const (
	// KeyPath holds the encrypted private key.
	KeyPath = "/run/cosign/cosign.key"
	// PasswordPath holds the key's password; cosign reads it from stdin.
	PasswordPath = "/run/cosign/password"
	// DockerConfigDir is DOCKER_CONFIG: its config.json is the registry
	// login cosign pushes signatures with.
	DockerConfigDir = "/run/cosign/docker"
)

// privateKeyTypes are the PEM block types of an encrypted cosign private
// key: generate-key-pair's since cosign 1.x moved to sigstore, and the
// older cosign one, which cosign still reads.
var privateKeyTypes = []string{"ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY"}

// InstallPackage is the go install argument for cosign at version, e.g.
// github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5. The version must be a
// cosign v2 release (vMAJOR.MINOR.PATCH): the command lines here are
// cosign 2's, and a fixed version keeps the signing step cached.
func InstallPackage(version string) (string, error) {
	if !semver.IsValid(version) || semver.Canonical(version) != version || semver.Prerelease(version) != "" {
		return "", fmt.Errorf("%w: cosign version %q: want a release such as %s (vMAJOR.MINOR.PATCH)", ErrSigning, version, DefaultCosignVersion)
	}
	if semver.Major(version) != "v2" {
		return "", fmt.Errorf("%w: cosign version %q: want a cosign 2 release such as %s", ErrSigning, version, DefaultCosignVersion)
	}
	return CosignPackage + "@" + version, nil
}

// CheckPrivateKey checks that data is an encrypted cosign private key, as
// cosign generate-key-pair writes cosign.key. The message for a public key
// or an unencrypted key says which file to give instead. It never quotes
// the data.
func CheckPrivateKey(data []byte) error {
	block, _ := pem.Decode(data)
	if block == nil {
		return fmt.Errorf("%w: the signing key is not PEM: want cosign.key as cosign generate-key-pair writes it", ErrSigning)
	}
	for _, t := range privateKeyTypes {
		if block.Type == t {
			return nil
		}
	}
	hint := "want the encrypted private key cosign generate-key-pair writes (cosign.key)"
	switch {
	case strings.Contains(block.Type, "PUBLIC KEY"):
		hint = "it is a public key (cosign.pub): give the private key, cosign.key"
	case strings.Contains(block.Type, "PRIVATE KEY"):
		hint = "it is not encrypted: cosign signs with a password-protected key; convert it with cosign import-key-pair"
	}
	return fmt.Errorf("%w: the signing key is a %q PEM block: %s", ErrSigning, block.Type, hint)
}

// Registry says how cosign reaches the registry the signatures go to.
type Registry struct {
	// PlainHTTP allows a registry without TLS (a registry service, or
	// publish --insecure).
	PlainHTTP bool
}

// flags are cosign's registry flags for r.
func (r Registry) flags() []string {
	if !r.PlainHTTP {
		return nil
	}
	return []string{"--allow-http-registry", "--allow-insecure-registry"}
}

// SignImages is the cosign command line that signs each image, given by
// digest (host/repository@sha256:…), with the key: each signature goes to
// the image repository's sha256-<hex>.sig tag, no transparency log entry
// is made, and nothing is asked.
func SignImages(images []string, r Registry) ([]string, error) {
	if len(images) == 0 {
		return nil, fmt.Errorf("%w: no image to sign", ErrSigning)
	}
	for _, img := range images {
		if _, _, ok := strings.Cut(img, "@sha256:"); !ok || strings.HasPrefix(img, "-") {
			return nil, fmt.Errorf("%w: image %q: want a reference by digest, repository@sha256:…", ErrSigning, img)
		}
	}
	args := []string{"cosign", "sign", "--key", KeyPath, "--tlog-upload=false", "--yes"}
	args = append(args, r.flags()...)
	// The images after --: never options.
	return append(append(args, "--"), images...), nil
}

// SignBlob is the cosign command line that signs the file at path with the
// key, writing the base64 signature to signature and cosign's bundle (the
// signature with its public key material) to bundle, with no
// transparency log entry.
func SignBlob(path, signature, bundle string) []string {
	return []string{
		"cosign", "sign-blob", "--key", KeyPath, "--tlog-upload=false", "--yes",
		"--output-signature", signature, "--bundle", bundle, "--", path,
	}
}

// PublicKey is the cosign command line that prints the key pair's public
// key: it opens the private key with the password, so a wrong password
// fails it before anything is built or pushed.
func PublicKey() []string {
	return []string{"cosign", "public-key", "--key", KeyPath}
}

// WithPassword wraps a cosign command line so that cosign reads the key's
// password from the file at PasswordPath on its stdin, as cosign does when
// COSIGN_PASSWORD is unset and stdin is no terminal: the password is in no
// environment variable and no command line.
func WithPassword(args []string) []string {
	return append([]string{"sh", "-c", `exec "$@" < ` + PasswordPath, "sh"}, args...)
}

// SignatureTag is the tag cosign stores the signatures of the image with
// digest under: sha256-<hex>.sig.
func SignatureTag(digest string) (string, error) {
	hex, ok := strings.CutPrefix(digest, "sha256:")
	if !ok || len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "" {
		return "", fmt.Errorf("%w: digest %q: want sha256: and 64 lower-case hex digits", ErrSigning, digest)
	}
	return "sha256-" + hex + ".sig", nil
}

// Login is one registry's credentials for DockerConfig.
type Login struct {
	// Username and Password; or an IdentityToken or RegistryToken.
	Username, Password, IdentityToken, RegistryToken string
}

// empty reports whether l holds no credential: cosign then pulls and
// pushes anonymously.
func (l Login) empty() bool { return l == Login{} }

// DockerConfig is the config.json that logs cosign in to host (host[:port],
// as the signed references name it), or nil for no login. cosign reads it
// from DOCKER_CONFIG, as docker/cli writes it.
func DockerConfig(host string, l Login) ([]byte, error) {
	if l.empty() {
		return nil, nil
	}
	if host == "" || strings.ContainsAny(host, "/@ ") {
		return nil, fmt.Errorf("%w: registry host %q: want host[:port]", ErrSigning, host)
	}
	type entry struct {
		Auth          string `json:"auth,omitempty"`
		IdentityToken string `json:"identitytoken,omitempty"`
		RegistryToken string `json:"registrytoken,omitempty"`
	}
	e := entry{IdentityToken: l.IdentityToken, RegistryToken: l.RegistryToken}
	if l.Username != "" || l.Password != "" {
		e.Auth = base64.StdEncoding.EncodeToString([]byte(l.Username + ":" + l.Password))
	}
	key := host
	if dockerHubHosts[host] {
		// The key docker login writes, and the one cosign's keychain
		// looks up, for Docker Hub.
		key = "https://index.docker.io/v1/"
	}
	return json.Marshal(map[string]map[string]entry{"auths": {key: e}})
}

// dockerHubHosts are the names Docker Hub's registry goes by.
var dockerHubHosts = map[string]bool{"docker.io": true, "index.docker.io": true, "registry-1.docker.io": true}

// ChecksumsSignature and ChecksumsBundle name the files sign-blob writes
// next to the checksums file: <checksums>.sig (GoReleaser's default
// signature name) and <checksums>.bundle.
func ChecksumsSignature(checksums string) string { return checksums + ".sig" }

// ChecksumsBundle: see ChecksumsSignature.
func ChecksumsBundle(checksums string) string { return checksums + ".bundle" }

// AttestationDigests are the digests of the attestation manifests (SBOM,
// provenance) an image index lists, in its order: BuildKit's form, index
// entries annotated vnd.docker.reference.type=attestation-manifest.
func AttestationDigests(index []byte) ([]string, error) {
	var doc struct {
		Manifests []struct {
			Digest      string            `json:"digest"`
			Annotations map[string]string `json:"annotations"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(index, &doc); err != nil {
		return nil, fmt.Errorf("%w: reading the image index: %v", ErrSigning, err)
	}
	var digests []string
	for _, m := range doc.Manifests {
		if m.Annotations[attest.AnnotationReferenceType] == attest.ReferenceTypeAttestation {
			digests = append(digests, m.Digest)
		}
	}
	return digests, nil
}

// ByDigest is repository@digest for a reference as pushed,
// repository[:tag]@digest (what the engine's publish prints): the form
// cosign signs.
func ByDigest(pushed string) (string, error) {
	repo, digest, ok := strings.Cut(pushed, "@")
	if _, err := SignatureTag(digest); !ok || err != nil || repo == "" {
		return "", fmt.Errorf("%w: pushed reference %q: want repository[:tag]@sha256:…", ErrSigning, pushed)
	}
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
	return repo + "@" + digest, nil
}
