package attest

import (
	"encoding/json"
	"fmt"

	"dagger/go-build/internal/ocilayout"

	"github.com/containerd/platforms"
	godigest "github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// The media type and annotations of BuildKit's attestation storage.
const (
	// MediaTypeInToto is the media type of a layer holding a statement.
	MediaTypeInToto = "application/vnd.in-toto+json"
	// AnnotationPredicateType, on a layer, repeats its statement's
	// predicate type so readers pick a layer without fetching the others.
	AnnotationPredicateType = "in-toto.io/predicate-type"
	// AnnotationReferenceType, on an index entry, marks an attestation
	// manifest; readers ignore the entry unless it is
	// ReferenceTypeAttestation.
	AnnotationReferenceType = "vnd.docker.reference.type"
	// AnnotationReferenceDigest, on an index entry, is the digest of the
	// platform manifest the attestations are about.
	AnnotationReferenceDigest = "vnd.docker.reference.digest"
	// ReferenceTypeAttestation is the value of AnnotationReferenceType.
	ReferenceTypeAttestation = "attestation-manifest"
)

// unknownPlatform is the platform of an attestation manifest's index entry
// and config: no runtime matches it, so none pulls the attestations as an
// image.
var unknownPlatform = ocispec.Platform{Architecture: "unknown", OS: "unknown"}

// Attach adds attestations to every platform manifest of the layout's image
// index, as BuildKit does: for each platform manifest, in index order, one
// attestation manifest whose layers are the statements binding
// predicates(platform) to that manifest (see Subjects for names), appended
// to the index after the existing entries. A platform for which predicates
// returns nothing gets no attestation manifest.
//
// Attach must run after anything that rewrites the platform manifests
// (ocilayout's SetCreated): the attestations name the manifests by digest.
// A platform manifest that already has attestations is an error rather than
// getting a second set. Nothing is added to the layout when an error is
// returned.
func Attach(l *ocilayout.Layout, names []string, predicates func(ocispec.Platform) ([]Predicate, error)) error {
	entries, err := l.IndexManifests()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrAttestation, err)
	}
	attested := map[godigest.Digest]bool{}
	for _, e := range entries {
		if e.Annotations[AnnotationReferenceType] == ReferenceTypeAttestation {
			attested[godigest.Digest(e.Annotations[AnnotationReferenceDigest])] = true
		}
	}
	var (
		blobs []blob
		descs []ocispec.Descriptor
	)
	for _, e := range entries {
		if _, isAttestation := e.Annotations[AnnotationReferenceType]; isAttestation {
			continue
		}
		if e.MediaType != ocispec.MediaTypeImageManifest {
			return fmt.Errorf("%w: index entry %s is a %s; attestations attach only to %s, as BuildKit's need OCI media types", ErrAttestation, e.Digest, e.MediaType, ocispec.MediaTypeImageManifest)
		}
		if e.Platform == nil || e.Platform.OS == unknownPlatform.OS {
			return fmt.Errorf("%w: index entry %s has no platform; want os/architecture on every platform manifest", ErrAttestation, e.Digest)
		}
		platform := platforms.Format(*e.Platform)
		if attested[e.Digest] {
			return fmt.Errorf("%w: platform manifest %s (%s) already has an attestation manifest", ErrAttestation, e.Digest, platform)
		}
		preds, err := predicates(*e.Platform)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrAttestation, platform, err)
		}
		if len(preds) == 0 {
			continue
		}
		subjects, err := Subjects(names, *e.Platform, e.Digest)
		if err != nil {
			return err
		}
		manifest, err := attestationManifest(e, preds, subjects)
		if err != nil {
			return fmt.Errorf("%w (%s)", err, platform)
		}
		blobs = append(blobs, manifest.blobs...)
		descs = append(descs, manifest.desc)
	}
	for _, b := range blobs {
		l.AddBlob(b.mediaType, b.data)
	}
	if err := l.AppendManifests(descs...); err != nil {
		return fmt.Errorf("%w: %v", ErrAttestation, err)
	}
	return nil
}

type blob struct {
	mediaType string
	data      []byte
}

// built is an attestation manifest: its index entry and every blob it
// needs, the manifest's own included.
type built struct {
	desc  ocispec.Descriptor
	blobs []blob
}

// attestationManifest lays out the attestations of one platform manifest
// as BuildKit's ImageWriter does: one layer per statement, a config that is
// a valid image config for platform unknown/unknown whose diff_ids are the
// layers (they are not compressed), and an indented manifest.
func attestationManifest(target ocispec.Descriptor, preds []Predicate, subjects []Subject) (built, error) {
	var b built
	layers := make([]ocispec.Descriptor, 0, len(preds))
	config := ocispec.Image{Platform: unknownPlatform, RootFS: ocispec.RootFS{Type: "layers"}}
	for _, p := range preds {
		data, err := NewStatement(p, subjects)
		if err != nil {
			return b, err
		}
		layer := ocispec.Descriptor{
			MediaType:   MediaTypeInToto,
			Digest:      godigest.FromBytes(data),
			Size:        int64(len(data)),
			Annotations: map[string]string{AnnotationPredicateType: p.Type},
		}
		layers = append(layers, layer)
		config.RootFS.DiffIDs = append(config.RootFS.DiffIDs, layer.Digest)
		b.blobs = append(b.blobs, blob{layer.MediaType, data})
	}
	configData, err := json.Marshal(config)
	if err != nil {
		return b, fmt.Errorf("%w: config: %v", ErrAttestation, err)
	}
	configDesc := ocispec.Descriptor{MediaType: ocispec.MediaTypeImageConfig, Digest: godigest.FromBytes(configData), Size: int64(len(configData))}
	b.blobs = append(b.blobs, blob{configDesc.MediaType, configData})

	manifest, err := json.MarshalIndent(ocispec.Manifest{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageManifest,
		Config:    configDesc,
		Layers:    layers,
	}, "", "  ")
	if err != nil {
		return b, fmt.Errorf("%w: manifest: %v", ErrAttestation, err)
	}
	b.blobs = append(b.blobs, blob{ocispec.MediaTypeImageManifest, manifest})
	platform := unknownPlatform
	b.desc = ocispec.Descriptor{
		MediaType: ocispec.MediaTypeImageManifest,
		Digest:    godigest.FromBytes(manifest),
		Size:      int64(len(manifest)),
		Annotations: map[string]string{
			AnnotationReferenceType:   ReferenceTypeAttestation,
			AnnotationReferenceDigest: target.Digest.String(),
		},
		Platform: &platform,
	}
	return b, nil
}
