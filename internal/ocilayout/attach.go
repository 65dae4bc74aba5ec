package ocilayout

import (
	"encoding/json"
	"fmt"

	godigest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// The methods in this file let a caller add documents to the image index,
// the way BuildKit adds attestation manifests next to the platform
// manifests. They work on the layout the engine exports for a
// multi-platform image (index.json points at one image index that lists the
// platform manifests) and on a layout whose index.json lists the platform
// manifests itself.

// AddBlob stores data as a blob and returns a descriptor for it with the
// given media type. Storing the same bytes twice keeps one blob.
func (l *Layout) AddBlob(mediaType string, data []byte) Descriptor {
	dgst := digestOf(data)
	l.blobs[dgst] = append([]byte(nil), data...)
	return Descriptor{MediaType: mediaType, Digest: godigest.Digest(dgst), Size: int64(len(data))}
}

// IndexManifests lists the descriptors of the image index, in order: the
// nested index's manifests when index.json points at one index, else
// index.json's own.
func (l *Layout) IndexManifests() ([]Descriptor, error) {
	nested, err := l.imageIndexRoot()
	if err != nil {
		return nil, err
	}
	if nested == nil {
		return l.Manifests()
	}
	doc, err := l.blobDocument(*nested)
	if err != nil {
		return nil, err
	}
	return doc.descriptors(string(nested.Digest), "manifests")
}

// AppendManifests appends descs to the image index (see IndexManifests).
// Every blob they point at must be in the layout already, with the size
// the descriptor gives, so the layout never names a blob it lacks. A nested
// index is rewritten, and index.json follows its new digest; the blob it
// replaces is dropped.
func (l *Layout) AppendManifests(descs ...Descriptor) error {
	for _, desc := range descs {
		data, ok := l.blobs[string(desc.Digest)]
		if !ok {
			return fmt.Errorf("%w: cannot append %s: blob %s is missing; add it with AddBlob first", ErrInvalidLayout, desc.MediaType, desc.Digest)
		}
		if int64(len(data)) != desc.Size {
			return fmt.Errorf("%w: cannot append %s: descriptor size %d, blob %s has %d bytes", ErrInvalidLayout, desc.MediaType, desc.Size, desc.Digest, len(data))
		}
	}
	nested, err := l.imageIndexRoot()
	if err != nil {
		return err
	}
	if nested == nil {
		roots, err := l.Manifests()
		if err != nil {
			return err
		}
		return l.index.set("manifests", append(roots, descs...))
	}
	doc, err := l.blobDocument(*nested)
	if err != nil {
		return err
	}
	old := string(nested.Digest)
	manifests, err := doc.descriptors(old, "manifests")
	if err != nil {
		return err
	}
	if err := doc.set("manifests", append(manifests, descs...)); err != nil {
		return err
	}
	root, err := l.replace(*nested, doc)
	if err != nil {
		return err
	}
	if string(root.Digest) != old {
		delete(l.blobs, old)
	}
	return l.index.set("manifests", []Descriptor{root})
}

// imageIndexRoot is the one index index.json points at, or nil when
// index.json lists manifests itself. Other shapes (several roots of which
// one is an index) have no single image index to add to.
func (l *Layout) imageIndexRoot() (*Descriptor, error) {
	roots, err := l.Manifests()
	if err != nil {
		return nil, err
	}
	if len(roots) == 1 && isIndex(roots[0].MediaType) {
		return &roots[0], nil
	}
	for _, root := range roots {
		if !isManifest(root.MediaType) {
			return nil, fmt.Errorf("%w: %s lists %d roots, one a %s; want one image index or only image manifests", ErrInvalidLayout, indexFile, len(roots), root.MediaType)
		}
	}
	return nil, nil
}

// blobDocument parses the JSON blob desc points at.
func (l *Layout) blobDocument(desc Descriptor) (document, error) {
	data, err := l.Blob(string(desc.Digest))
	if err != nil {
		return nil, err
	}
	return parseDocument(string(desc.Digest), data)
}

// EnsureImageIndex makes index.json point at one image index, as it does
// for a multi-platform image, so more manifests (attestations) can join the
// platform manifests. The engine exports a single-platform image as
// index.json listing the platform manifest itself, without a platform: that
// manifest moves into a new image index, with its platform read from its
// config, and index.json points at the index (keeping the root's
// annotations, such as the reference name). A layout that already has an
// image index is left as it is.
func (l *Layout) EnsureImageIndex() error {
	nested, err := l.imageIndexRoot()
	if err != nil || nested != nil {
		return err
	}
	roots, err := l.Manifests()
	if err != nil {
		return err
	}
	if len(roots) == 0 {
		return fmt.Errorf("%w: %s lists no manifest", ErrInvalidLayout, indexFile)
	}
	var annotations map[string]string
	for i, root := range roots {
		if root.Platform == nil {
			if roots[i].Platform, err = l.configPlatform(root); err != nil {
				return err
			}
		}
		if len(roots) == 1 {
			annotations, roots[i].Annotations = root.Annotations, nil
		}
	}
	data, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     ocispec.MediaTypeImageIndex,
		"manifests":     roots,
	})
	if err != nil {
		return err
	}
	index := l.AddBlob(ocispec.MediaTypeImageIndex, data)
	index.Annotations = annotations
	return l.index.set("manifests", []Descriptor{index})
}

// configPlatform reads the platform of the image manifest desc from its
// config.
func (l *Layout) configPlatform(desc Descriptor) (*ocispec.Platform, error) {
	manifest, err := l.Blob(string(desc.Digest))
	if err != nil {
		return nil, err
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(manifest, &m); err != nil {
		return nil, fmt.Errorf("%w: manifest %s: %v", ErrInvalidLayout, desc.Digest, err)
	}
	data, err := l.Blob(string(m.Config.Digest))
	if err != nil {
		return nil, err
	}
	var config ocispec.Image
	if err := json.Unmarshal(data, &config); err != nil || config.OS == "" || config.Architecture == "" {
		return nil, fmt.Errorf("%w: config %s of manifest %s names no os/architecture", ErrInvalidLayout, m.Config.Digest, desc.Digest)
	}
	return &ocispec.Platform{OS: config.OS, Architecture: config.Architecture, Variant: config.Variant, OSVersion: config.OSVersion, OSFeatures: config.OSFeatures}, nil
}

// PlatformManifests lists the platform images as IndexManifests does, each
// with its platform: taken from the descriptor, or read from the image's
// config when a bare manifest's descriptor names none. The layout is left
// as it is.
func (l *Layout) PlatformManifests() ([]Descriptor, error) {
	descs, err := l.IndexManifests()
	if err != nil {
		return nil, err
	}
	var out []Descriptor
	for _, desc := range descs {
		if !isManifest(desc.MediaType) {
			continue
		}
		if desc.Platform == nil {
			if desc.Platform, err = l.configPlatform(desc); err != nil {
				return nil, err
			}
		}
		out = append(out, desc)
	}
	return out, nil
}
