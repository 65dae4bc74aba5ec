// Package ocilayout reads a multi-platform image written as an OCI tarball
// (an OCI image layout in a tar): its platforms, each platform's config,
// files inside each platform's layers, and the in-toto attestations
// attached to each platform the way BuildKit stores them. The checks use it
// to prove what an exported image holds without a registry.
package ocilayout

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// Image is one platform's manifest in the layout.
type Image struct {
	Digest       string // manifest digest
	OS           string
	Architecture string
	Variant      string
	Config       Config
	Layers       []string // layer blob digests, bottom first
}

// Platform is "os/arch[/variant]".
func (i Image) Platform() string {
	p := i.OS + "/" + i.Architecture
	if i.Variant != "" {
		p += "/" + i.Variant
	}
	return p
}

// Config is the part of the image config the checks read.
type Config struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant,omitempty"`
	Created      string `json:"created,omitempty"`
	RootFS       struct {
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
	Config struct {
		Entrypoint []string          `json:"Entrypoint"`
		Cmd        []string          `json:"Cmd"`
		Env        []string          `json:"Env"`
		Labels     map[string]string `json:"Labels"`
	} `json:"config"`
}

// Layout is an OCI layout read whole into memory (test images are small).
type Layout struct {
	blobs     map[string][]byte // by digest "sha256:..."
	indexJSON []byte
	Index     index
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Platform    *struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
		Variant      string `json:"variant,omitempty"`
	} `json:"platform,omitempty"`
}

type index struct {
	MediaType string       `json:"mediaType"`
	Manifests []descriptor `json:"manifests"`
}

type manifest struct {
	Config descriptor   `json:"config"`
	Layers []descriptor `json:"layers"`
}

// Read loads an OCI tarball.
func Read(r io.Reader) (*Layout, error) {
	l := &Layout{blobs: map[string][]byte{}}
	var indexJSON []byte
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the OCI tarball: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		switch {
		case name == "index.json":
			indexJSON = data
		case strings.HasPrefix(name, "blobs/"):
			parts := strings.Split(name, "/")
			if len(parts) == 3 {
				l.blobs[parts[1]+":"+parts[2]] = data
			}
		}
	}
	if indexJSON == nil {
		return nil, errors.New("the tarball has no index.json: not an OCI layout")
	}
	l.indexJSON = indexJSON
	if err := json.Unmarshal(indexJSON, &l.Index); err != nil {
		return nil, fmt.Errorf("index.json: %w", err)
	}
	return l, nil
}

// Root is the digest of the one image index.json lists: the digest a
// registry would give the pushed image.
func (l *Layout) Root() (string, error) {
	if len(l.Index.Manifests) != 1 {
		return "", fmt.Errorf("index.json lists %d images, want 1", len(l.Index.Manifests))
	}
	return l.Index.Manifests[0].Digest, nil
}

// Images lists the platform manifests, following nested image indexes,
// sorted by platform. Attestation manifests are not images: see
// Attestations.
func (l *Layout) Images() ([]Image, error) {
	var out []Image
	err := l.walkManifests(func(d descriptor, blob []byte) error {
		if IsAttestation(d.Annotations) {
			return nil
		}
		img, err := l.image(d, blob)
		if err != nil {
			return err
		}
		out = append(out, img)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Platform() < out[j].Platform() })
	return out, nil
}

// walkManifests calls visit with every image manifest the layout lists,
// in index order, following nested image indexes.
func (l *Layout) walkManifests(visit func(d descriptor, blob []byte) error) error {
	var walk func(ds []descriptor, depth int) error
	walk = func(ds []descriptor, depth int) error {
		for _, d := range ds {
			blob, ok := l.blobs[d.Digest]
			if !ok {
				return fmt.Errorf("blob %s is missing", d.Digest)
			}
			if isIndex(d.MediaType, blob) {
				if depth > 2 {
					return errors.New("image indexes nest too deep")
				}
				var nested index
				if err := json.Unmarshal(blob, &nested); err != nil {
					return fmt.Errorf("index %s: %w", d.Digest, err)
				}
				if err := walk(nested.Manifests, depth+1); err != nil {
					return err
				}
				continue
			}
			if err := visit(d, blob); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(l.Index.Manifests, 0)
}

func isIndex(mediaType string, blob []byte) bool {
	if strings.Contains(mediaType, "index") || strings.Contains(mediaType, "manifest.list") {
		return true
	}
	var probe struct {
		Manifests []json.RawMessage `json:"manifests"`
	}
	return mediaType == "" && json.Unmarshal(blob, &probe) == nil && probe.Manifests != nil
}

func (l *Layout) image(d descriptor, blob []byte) (Image, error) {
	var m manifest
	if err := json.Unmarshal(blob, &m); err != nil {
		return Image{}, fmt.Errorf("manifest %s: %w", d.Digest, err)
	}
	cfgBlob, ok := l.blobs[m.Config.Digest]
	if !ok {
		return Image{}, fmt.Errorf("config %s of manifest %s is missing", m.Config.Digest, d.Digest)
	}
	img := Image{Digest: d.Digest}
	if err := json.Unmarshal(cfgBlob, &img.Config); err != nil {
		return Image{}, fmt.Errorf("config %s: %w", m.Config.Digest, err)
	}
	// The config is what a runtime reads; the descriptor's platform must
	// agree with it when present.
	img.OS, img.Architecture, img.Variant = img.Config.OS, img.Config.Architecture, img.Config.Variant
	if p := d.Platform; p != nil && (p.OS != img.OS || p.Architecture != img.Architecture || p.Variant != img.Variant) {
		return Image{}, fmt.Errorf("manifest %s: index says %s/%s/%s, config says %s", d.Digest, p.OS, p.Architecture, p.Variant, img.Platform())
	}
	for _, layer := range m.Layers {
		img.Layers = append(img.Layers, layer.Digest)
	}
	return img, nil
}

// File returns the contents of name (an absolute path) in img's filesystem:
// the topmost layer that has it wins.
func (l *Layout) File(img Image, name string) ([]byte, error) {
	want := strings.TrimPrefix(path.Clean(name), "/")
	var found []byte
	for _, digest := range img.Layers {
		data, ok, err := l.fileInLayer(digest, want)
		if err != nil {
			return nil, err
		}
		if ok {
			found = data
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%s: no %s in its layers", img.Platform(), name)
	}
	return found, nil
}

func (l *Layout) fileInLayer(digest, want string) ([]byte, bool, error) {
	blob, ok := l.blobs[digest]
	if !ok {
		return nil, false, fmt.Errorf("layer %s is missing", digest)
	}
	var r io.Reader = bytes.NewReader(blob)
	if len(blob) > 2 && blob[0] == 0x1f && blob[1] == 0x8b {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, false, err
		}
		r = gz
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("layer %s: %w", digest, err)
		}
		if strings.TrimPrefix(path.Clean(h.Name), "./") == want && h.Typeflag == tar.TypeReg {
			data, err := io.ReadAll(tr)
			return data, true, err
		}
	}
}
