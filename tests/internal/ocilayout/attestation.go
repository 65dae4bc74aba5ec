package ocilayout

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// BuildKit's attestation storage (its docs/attestations/attestation-storage.md):
// per platform manifest, one more manifest in the image index whose layers
// are in-toto statements about it.
const (
	// AnnotationReferenceType, on an index entry, marks an attestation
	// manifest when it is ReferenceTypeAttestation.
	AnnotationReferenceType = "vnd.docker.reference.type"
	// ReferenceTypeAttestation is AnnotationReferenceType's value on an
	// attestation manifest.
	ReferenceTypeAttestation = "attestation-manifest"
	// AnnotationReferenceDigest, on an attestation manifest's index entry,
	// is the digest of the platform manifest it describes.
	AnnotationReferenceDigest = "vnd.docker.reference.digest"
	// AnnotationPredicateType, on a statement layer, repeats the
	// statement's predicate type.
	AnnotationPredicateType = "in-toto.io/predicate-type"
	// MediaTypeInToto is the media type of a statement layer.
	MediaTypeInToto = "application/vnd.in-toto+json"
	// UnknownPlatform is the platform of an attestation manifest's index
	// entry, which no runtime picks.
	UnknownPlatform = "unknown/unknown"
)

// IsAttestation tells whether an index entry with these annotations is an
// attestation manifest rather than a platform image.
func IsAttestation(annotations map[string]string) bool {
	return annotations[AnnotationReferenceType] == ReferenceTypeAttestation
}

// Attestation is one attestation manifest of the layout.
type Attestation struct {
	// Digest is the attestation manifest's own digest.
	Digest string
	// Manifest is the digest of the platform manifest it describes (its
	// vnd.docker.reference.digest annotation).
	Manifest string
	// Statements are its layers' in-toto statements, in layer order.
	Statements []Statement
}

// Statement is an in-toto statement as an attestation layer holds it.
type Statement struct {
	Type          string          `json:"_type"`
	PredicateType string          `json:"predicateType"`
	Subjects      []Subject       `json:"subject"`
	Predicate     json.RawMessage `json:"predicate"`
}

// Subject is what a statement is about: a name and digests by algorithm
// ("sha256": hex).
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// StatementsOf returns the attestation's statements of predicateType.
func (a Attestation) StatementsOf(predicateType string) []Statement {
	var out []Statement
	for _, s := range a.Statements {
		if s.PredicateType == predicateType {
			out = append(out, s)
		}
	}
	return out
}

// Attestations lists the attestation manifests in index order, following
// nested image indexes, with their statements parsed. Each must have a
// platform of unknown/unknown and name the manifest it describes; each layer
// must be an in-toto statement whose predicate-type annotation is the
// statement's predicateType.
func (l *Layout) Attestations() ([]Attestation, error) {
	var out []Attestation
	err := l.walkManifests(func(d descriptor, blob []byte) error {
		if !IsAttestation(d.Annotations) {
			return nil
		}
		a, err := l.attestation(d, blob)
		if err != nil {
			return fmt.Errorf("attestation manifest %s: %w", d.Digest, err)
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (l *Layout) attestation(d descriptor, blob []byte) (Attestation, error) {
	a := Attestation{Digest: d.Digest, Manifest: d.Annotations[AnnotationReferenceDigest]}
	if a.Manifest == "" {
		return a, fmt.Errorf("no %s annotation naming the manifest it describes (annotations %v)", AnnotationReferenceDigest, d.Annotations)
	}
	platform := "none"
	if p := d.Platform; p != nil {
		platform = p.OS + "/" + p.Architecture
		if p.Variant != "" {
			platform += "/" + p.Variant
		}
	}
	if platform != UnknownPlatform {
		return a, fmt.Errorf("index entry platform is %s, want %s", platform, UnknownPlatform)
	}
	var m manifest
	if err := json.Unmarshal(blob, &m); err != nil {
		return a, err
	}
	if len(m.Layers) == 0 {
		return a, fmt.Errorf("no layers, want one in-toto statement per layer")
	}
	for i, layer := range m.Layers {
		if layer.MediaType != MediaTypeInToto {
			return a, fmt.Errorf("layer %d (%s) is %q, want %s", i, layer.Digest, layer.MediaType, MediaTypeInToto)
		}
		data, ok := l.blobs[layer.Digest]
		if !ok {
			return a, fmt.Errorf("layer %d: blob %s is missing", i, layer.Digest)
		}
		var s Statement
		if err := json.Unmarshal(data, &s); err != nil {
			return a, fmt.Errorf("layer %d (%s) is not an in-toto statement: %w", i, layer.Digest, err)
		}
		if got := layer.Annotations[AnnotationPredicateType]; got != s.PredicateType {
			return a, fmt.Errorf("layer %d (%s): annotation %s is %q, but the statement's predicateType is %q", i, layer.Digest, AnnotationPredicateType, got, s.PredicateType)
		}
		a.Statements = append(a.Statements, s)
	}
	return a, nil
}

// BlobsContaining lists, sorted, the digests of the blobs that contain s:
// in their bytes or, for a gzip-compressed blob (a layer), in its
// uncompressed bytes. index.json, which is no blob, is listed as
// "index.json" when it contains s.
func (l *Layout) BlobsContaining(s string) ([]string, error) {
	if s == "" {
		return nil, fmt.Errorf("BlobsContaining wants a non-empty string")
	}
	needle := []byte(s)
	var found []string
	if bytes.Contains(l.indexJSON, needle) {
		found = append(found, "index.json")
	}
	for digest, blob := range l.blobs {
		hit := bytes.Contains(blob, needle)
		if !hit && len(blob) > 2 && blob[0] == 0x1f && blob[1] == 0x8b {
			gz, err := gzip.NewReader(bytes.NewReader(blob))
			if err != nil {
				return nil, fmt.Errorf("blob %s: %w", digest, err)
			}
			data, err := io.ReadAll(gz)
			if err != nil {
				return nil, fmt.Errorf("blob %s: %w", digest, err)
			}
			hit = bytes.Contains(data, needle)
		}
		if hit {
			found = append(found, digest)
		}
	}
	sort.Strings(found)
	return found, nil
}
