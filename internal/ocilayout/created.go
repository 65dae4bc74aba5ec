package ocilayout

import (
	"encoding/json"
	"fmt"
	"time"

	godigest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Docker's media types, which an image may use instead of the OCI ones.
const (
	dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
	dockerManifest     = "application/vnd.docker.distribution.manifest.v2+json"
)

func isIndex(mediaType string) bool {
	return mediaType == ocispec.MediaTypeImageIndex || mediaType == dockerManifestList
}

func isManifest(mediaType string) bool {
	return mediaType == ocispec.MediaTypeImageManifest || mediaType == dockerManifest
}

// SetCreated sets the created time of every image config in the layout, and
// of every entry of each config's history, to t. The configs, manifests and
// indexes that change get new digests, every reference to them follows, and
// the blobs they replace are dropped. Layers are not touched.
//
// Every history entry gets t, not only those later than t: the engine dates
// entries it adds by when it made each layer, which may be before t (a base
// image pulled long ago), and would still differ between machines.
func (l *Layout) SetCreated(t time.Time) error {
	rw := &rewriter{layout: l, created: t.UTC(), done: map[string]Descriptor{}}
	roots, err := l.Manifests()
	if err != nil {
		return err
	}
	for i, desc := range roots {
		if roots[i], err = rw.descriptor(desc); err != nil {
			return err
		}
	}
	if err := l.index.set("manifests", roots); err != nil {
		return err
	}
	if err := l.renameDockerConfigs(rw.done); err != nil {
		return err
	}
	for old, desc := range rw.done {
		if string(desc.Digest) != old {
			delete(l.blobs, old)
		}
	}
	return nil
}

// rewriter walks the image graph once, depth first, rewriting configs and
// the documents that reference them.
type rewriter struct {
	layout  *Layout
	created time.Time
	// done maps a rewritten blob's old digest to its new descriptor; a
	// blob two indexes share is rewritten once.
	done map[string]Descriptor
}

func (rw *rewriter) descriptor(desc Descriptor) (Descriptor, error) {
	old := string(desc.Digest)
	if renamed, ok := rw.done[old]; ok {
		desc.Digest, desc.Size = renamed.Digest, renamed.Size
		return desc, nil
	}
	var rewrite func(document) error
	switch {
	case isIndex(desc.MediaType):
		rewrite = rw.index
	case isManifest(desc.MediaType):
		rewrite = rw.manifest
	default:
		// Layers, attestations and unknown blobs hold no time the
		// engine added.
		return desc, nil
	}
	data, err := rw.layout.Blob(old)
	if err != nil {
		return desc, err
	}
	doc, err := parseDocument(old, data)
	if err != nil {
		return desc, err
	}
	if err := rewrite(doc); err != nil {
		return desc, fmt.Errorf("%s %s: %w", desc.MediaType, old, err)
	}
	if desc, err = rw.layout.replace(desc, doc); err != nil {
		return desc, err
	}
	rw.done[old] = desc
	return desc, nil
}

func (rw *rewriter) index(doc document) error {
	manifests, err := doc.descriptors("index", "manifests")
	if err != nil {
		return err
	}
	for i, desc := range manifests {
		if manifests[i], err = rw.descriptor(desc); err != nil {
			return err
		}
	}
	return doc.set("manifests", manifests)
}

func (rw *rewriter) manifest(doc document) error {
	var config Descriptor
	if err := json.Unmarshal(doc["config"], &config); err != nil {
		return fmt.Errorf("%w: manifest config: %v", ErrInvalidLayout, err)
	}
	old := string(config.Digest)
	if renamed, ok := rw.done[old]; ok {
		config.Digest, config.Size = renamed.Digest, renamed.Size
		return doc.set("config", config)
	}
	data, err := rw.layout.Blob(old)
	if err != nil {
		return err
	}
	cfg, err := parseDocument(old, data)
	if err != nil {
		return err
	}
	if err := rw.config(cfg); err != nil {
		return fmt.Errorf("config %s: %w", old, err)
	}
	if config, err = rw.layout.replace(config, cfg); err != nil {
		return err
	}
	rw.done[old] = config
	return doc.set("config", config)
}

func (rw *rewriter) config(cfg document) error {
	if err := cfg.set("created", rw.created); err != nil {
		return err
	}
	raw, ok := cfg["history"]
	if !ok {
		return nil
	}
	var history []document
	if err := json.Unmarshal(raw, &history); err != nil {
		return fmt.Errorf("%w: history: %v", ErrInvalidLayout, err)
	}
	for _, entry := range history {
		if err := entry.set("created", rw.created); err != nil {
			return err
		}
	}
	return cfg.set("history", history)
}

// replace stores doc as the new content of the blob desc points at and
// returns desc pointing at it.
func (l *Layout) replace(desc Descriptor, doc document) (Descriptor, error) {
	data, err := doc.marshal()
	if err != nil {
		return desc, err
	}
	dgst := digestOf(data)
	l.blobs[dgst] = data
	desc.Digest = godigest.Digest(dgst)
	desc.Size = int64(len(data))
	return desc, nil
}

// renameDockerConfigs points a Docker manifest.json, which names each
// image's config by path, at the rewritten configs.
func (l *Layout) renameDockerConfigs(renamed map[string]Descriptor) error {
	const name = "manifest.json"
	data, ok := l.extra[name]
	if !ok {
		return nil
	}
	var entries []document
	if err := json.Unmarshal(data, &entries); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalidLayout, name, err)
	}
	for _, entry := range entries {
		var config string
		if err := json.Unmarshal(entry["Config"], &config); err != nil {
			return fmt.Errorf("%w: %s: Config: %v", ErrInvalidLayout, name, err)
		}
		for old, desc := range renamed {
			if config == blobPath(old) {
				if err := entry.set("Config", blobPath(string(desc.Digest))); err != nil {
					return err
				}
			}
		}
	}
	data, err := json.Marshal(entries)
	if err != nil {
		return err
	}
	l.extra[name] = data
	return nil
}
