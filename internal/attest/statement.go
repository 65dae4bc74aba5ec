// Package attest makes in-toto attestations (an SPDX SBOM, SLSA provenance)
// and attaches them to the platform images of an OCI image layout the way
// BuildKit does, so `docker buildx imagetools inspect --format '{{ json .SBOM }}'`
// and `'{{ json .Provenance }}'` show them for an image go-build pushes.
//
// BuildKit's layout is documented in its docs/attestations/attestation-storage.md:
// per platform manifest, one extra image manifest in the image index whose
// layers are in-toto statements, with platform unknown/unknown so runtimes
// never pick it, and annotations naming the manifest it describes.
//
// Everything here is deterministic: the same inputs give the same bytes, so
// a reproducible image stays reproducible with its attestations.
package attest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	godigest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// ErrAttestation is wrapped by every error this package returns.
var ErrAttestation = errors.New("invalid attestation")

// The in-toto and predicate type URIs BuildKit writes.
const (
	// StatementType is the in-toto statement version BuildKit up to v0.30
	// writes (v0.31 moved to https://in-toto.io/Statement/v1). Readers,
	// buildx imagetools included, do not look at it.
	StatementType = "https://in-toto.io/Statement/v0.1"
	// PredicateSPDX is the predicate type of an SPDX JSON SBOM.
	PredicateSPDX = "https://spdx.dev/Document"
	// PredicateSLSAProvenanceV1 is the predicate type of SLSA provenance v1.
	PredicateSLSAProvenanceV1 = "https://slsa.dev/provenance/v1"
)

// Statement is an in-toto statement. The field order is BuildKit's, so the
// bytes match what it writes for the same content.
type Statement struct {
	Type          string          `json:"_type"`
	PredicateType string          `json:"predicateType"`
	Subject       []Subject       `json:"subject"`
	Predicate     json.RawMessage `json:"predicate"`
}

// Subject is what a statement is about: a name and the digest of the
// platform image manifest.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Predicate is one attestation before it is bound to a platform manifest:
// its predicate type and its JSON body (an SPDX document, a SLSA provenance
// predicate), taken as opaque bytes.
type Predicate struct {
	Type string
	Body []byte
}

// NewStatement is the statement binding p to subjects, encoded as BuildKit
// encodes it: compact JSON, the predicate compacted too.
func NewStatement(p Predicate, subjects []Subject) ([]byte, error) {
	if p.Type == "" {
		return nil, fmt.Errorf("%w: empty predicate type; want a URI such as %s", ErrAttestation, PredicateSPDX)
	}
	if !json.Valid(p.Body) || !strings.HasPrefix(strings.TrimSpace(string(p.Body)), "{") {
		return nil, fmt.Errorf("%w: %s predicate is not a JSON object", ErrAttestation, p.Type)
	}
	if len(subjects) == 0 {
		return nil, fmt.Errorf("%w: %s statement has no subject; in-toto wants at least one", ErrAttestation, p.Type)
	}
	data, err := json.Marshal(Statement{Type: StatementType, PredicateType: p.Type, Subject: subjects, Predicate: p.Body})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrAttestation, p.Type, err)
	}
	return data, nil
}

// anonymousSubject names the subject when the image has no name yet (an
// image exported as a tarball). BuildKit's documented example uses it;
// BuildKit itself then writes no subject at all, which leaves the
// statement about nothing.
const anonymousSubject = "_"

// Subjects are the subjects of the statements for one platform manifest:
// one per image name, named as BuildKit names them (see SubjectName), all
// with the manifest's digest. No names give one subject named "_".
func Subjects(names []string, platform ocispec.Platform, manifest godigest.Digest) ([]Subject, error) {
	if err := manifest.Validate(); err != nil {
		return nil, fmt.Errorf("%w: manifest digest %q: %v", ErrAttestation, manifest, err)
	}
	digest := map[string]string{manifest.Algorithm().String(): manifest.Encoded()}
	if len(names) == 0 {
		return []Subject{{Name: anonymousSubject, Digest: digest}}, nil
	}
	subjects := make([]Subject, 0, len(names))
	for _, name := range names {
		purl, err := SubjectName(name, &platform)
		if err != nil {
			return nil, err
		}
		subjects = append(subjects, Subject{Name: purl, Digest: digest})
	}
	return subjects, nil
}

// SubjectName is the package URL BuildKit gives an image reference, e.g.
// "ghcr.io/o/app:1.0" on linux/arm/v7 is
// "pkg:docker/ghcr.io/o/app@1.0?platform=linux%2Farm%2Fv7": Docker Hub names
// are shortened as docker shows them, a missing tag is "latest", a digest
// becomes a digest qualifier, and the platform is normalized. platform may
// be nil.
func SubjectName(ref string, platform *ocispec.Platform) (string, error) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", fmt.Errorf("%w: image name %q: %v; want [registry/]repository[:tag]", ErrAttestation, ref, err)
	}
	var qualifiers []string
	if canonical, ok := named.(reference.Canonical); ok {
		qualifiers = append(qualifiers, "digest="+url.PathEscape(canonical.Digest().String()))
	} else {
		named = reference.TagNameOnly(named)
	}
	version := ""
	if tagged, ok := named.(reference.Tagged); ok {
		version = tagged.Tag()
	}
	if platform != nil {
		qualifiers = append(qualifiers, "platform="+url.PathEscape(platforms.Format(platforms.Normalize(*platform))))
	}

	// The package URL spec escapes each namespace segment and the name.
	segments := strings.Split(reference.FamiliarName(named), "/")
	for i, s := range segments {
		segments[i] = url.QueryEscape(s)
	}
	purl := "pkg:docker/" + strings.Join(segments, "/")
	if version != "" {
		purl += "@" + url.PathEscape(version)
	}
	if len(qualifiers) > 0 {
		purl += "?" + strings.Join(qualifiers, "&")
	}
	return purl, nil
}
