package imagecfg

import (
	"time"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Provenance feeds the OCI labels and annotations
// org.opencontainers.image.{source,revision,version,created}.
type Provenance struct {
	// Source is the URL of the source code without credentials (see
	// redact.Remote).
	Source string
	// Revision is the VCS commit the image was built from.
	Revision string
	// Version is the version of the packaged software.
	Version string
	// Created is when the image was built; see CreatedTime for why it is the
	// commit time rather than the wall clock.
	Created time.Time
}

// Labels returns the non-empty fields as OCI keys, sorted by key so the image
// config is reproducible. Created is RFC 3339 in UTC, as the OCI spec asks.
func (p Provenance) Labels() []KV {
	var labels []KV
	add := func(key, value string) {
		if value != "" {
			labels = append(labels, KV{Key: key, Value: value})
		}
	}
	add(ocispec.AnnotationSource, p.Source)
	add(ocispec.AnnotationRevision, p.Revision)
	add(ocispec.AnnotationVersion, p.Version)
	if !p.Created.IsZero() {
		add(ocispec.AnnotationCreated, p.Created.UTC().Format(time.RFC3339))
	}
	sortByKey(labels)
	return labels
}
