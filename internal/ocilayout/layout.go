// Package ocilayout reads, rewrites and writes OCI image layouts (the
// directory structure an image tarball holds: oci-layout, index.json and
// content-addressed blobs).
//
// It exists to make images reproducible. The engine stamps every image
// config it exports with the time of the export: the config's created field
// and each history entry's created field. Two builds of the same commit then
// have identical layers but different config, manifest and index digests.
// SetCreated rewrites those times to one fixed time and recomputes every
// digest that depends on them, so the same inputs give the same digests.
package ocilayout

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// ErrInvalidLayout is wrapped by every error about a malformed layout.
var ErrInvalidLayout = errors.New("invalid OCI image layout")

// File names the OCI image layout specification fixes.
const (
	layoutFile = "oci-layout"
	indexFile  = "index.json"
	blobsDir   = "blobs"
)

// Layout is an OCI image layout held in memory: the images this module
// builds are a few binaries per platform.
type Layout struct {
	// index is index.json, kept as a document so unknown fields survive.
	index document
	// blobs are the content-addressed blobs, by digest ("sha256:…").
	blobs map[string][]byte
	// extra are other top-level files (oci-layout, a Docker manifest.json),
	// by name.
	extra map[string][]byte
}

// ReadTar reads a layout from an image tarball.
func ReadTar(r io.Reader) (*Layout, error) {
	l := &Layout{blobs: map[string][]byte{}, extra: map[string][]byte{}}
	var haveIndex bool
	err := eachTarFile(r, func(name string, r io.Reader) error {
		data, err := io.ReadAll(r)
		if err != nil {
			return fmt.Errorf("%w: reading %s: %v", ErrInvalidLayout, name, err)
		}
		switch {
		case name == indexFile:
			if l.index, err = parseDocument(name, data); err != nil {
				return err
			}
			haveIndex = true
		case strings.HasPrefix(name, blobsDir+"/"):
			dgst, err := blobDigest(name)
			if err != nil {
				return err
			}
			if got := digestOf(data); got != dgst {
				return fmt.Errorf("%w: blob %s has digest %s", ErrInvalidLayout, name, got)
			}
			l.blobs[dgst] = data
		case !strings.Contains(name, "/"):
			l.extra[name] = data
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !haveIndex {
		return nil, fmt.Errorf("%w: no %s", ErrInvalidLayout, indexFile)
	}
	if _, err := l.Manifests(); err != nil {
		return nil, err
	}
	return l, nil
}

// eachTarFile calls f with every regular file of the tarball r, by its
// cleaned name, in the tarball's order.
func eachTarFile(r io.Reader, f func(name string, r io.Reader) error) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: reading tar: %v", ErrInvalidLayout, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if err := f(path.Clean(strings.TrimPrefix(hdr.Name, "./")), tr); err != nil {
			return err
		}
	}
}

// Manifests are the descriptors index.json lists: the layout's roots.
func (l *Layout) Manifests() ([]Descriptor, error) {
	return l.index.descriptors(indexFile, "manifests")
}

// Blob returns the blob with the given digest.
func (l *Layout) Blob(digest string) ([]byte, error) {
	data, ok := l.blobs[digest]
	if !ok {
		return nil, fmt.Errorf("%w: blob %s is missing", ErrInvalidLayout, digest)
	}
	return data, nil
}

// WriteTar writes the layout as a tarball whose bytes depend only on its
// content: fixed order, modes, owners and times.
func (l *Layout) WriteTar(w io.Writer) error {
	tw := tar.NewWriter(w)
	for _, dir := range []string{blobsDir + "/", blobsDir + "/sha256/"} {
		if err := tw.WriteHeader(fixedHeader(dir, tar.TypeDir, 0o755, 0)); err != nil {
			return err
		}
	}
	for _, f := range l.files() {
		if err := tw.WriteHeader(fixedHeader(f.name, tar.TypeReg, 0o644, int64(len(f.data)))); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	return tw.Close()
}

// WriteDir writes the layout into dir, which is created if needed.
func (l *Layout) WriteDir(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, blobsDir, "sha256"), 0o755); err != nil {
		return err
	}
	for _, f := range l.files() {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(f.name)), f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

type namedFile struct {
	name string
	data []byte
}

// files lists every file of the layout, sorted by name.
func (l *Layout) files() []namedFile {
	index, _ := l.index.marshal()
	files := []namedFile{{indexFile, index}}
	for name, data := range l.extra {
		files = append(files, namedFile{name, data})
	}
	if _, ok := l.extra[layoutFile]; !ok {
		files = append(files, namedFile{layoutFile, []byte(`{"imageLayoutVersion":"1.0.0"}`)})
	}
	for dgst, data := range l.blobs {
		files = append(files, namedFile{blobPath(dgst), data})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	return files
}

func fixedHeader(name string, typ byte, mode, size int64) *tar.Header {
	return &tar.Header{
		Typeflag: typ,
		Name:     name,
		Mode:     mode,
		Size:     size,
		Format:   tar.FormatPAX,
		// A fixed time keeps the tarball's bytes independent of when it
		// was written; the image's own times are in its configs.
		ModTime: time.Unix(0, 0),
	}
}

// blobPath is a blob's name in the layout: blobs/<algorithm>/<hex>.
func blobPath(digest string) string {
	algorithm, hex, _ := strings.Cut(digest, ":")
	return path.Join(blobsDir, algorithm, hex)
}

// blobDigest is the digest a blob path names.
func blobDigest(name string) (string, error) {
	parts := strings.Split(name, "/")
	if len(parts) != 3 || parts[1] != "sha256" || !isSHA256Hex(parts[2]) {
		return "", fmt.Errorf("%w: blob %s: want blobs/sha256/<64 hex digits>", ErrInvalidLayout, name)
	}
	return "sha256:" + parts[2], nil
}

func isSHA256Hex(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

func digestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Descriptor points at a blob: its media type, digest, size and platform.
type Descriptor = ocispec.Descriptor

// document is a JSON object whose fields are kept raw, so rewriting one field
// leaves the others, known or not, as they were.
type document map[string]json.RawMessage

func parseDocument(name string, data []byte) (document, error) {
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %s is not a JSON object: %v", ErrInvalidLayout, name, err)
	}
	return doc, nil
}

// marshal encodes the document with sorted keys: the same content always
// gives the same bytes, and so the same digest.
func (d document) marshal() ([]byte, error) {
	return json.Marshal(map[string]json.RawMessage(d))
}

func (d document) set(field string, value any) error {
	raw, err := json.Marshal(value)
	if err != nil {
		return err
	}
	d[field] = raw
	return nil
}

func (d document) descriptors(name, field string) ([]Descriptor, error) {
	raw, ok := d[field]
	if !ok {
		return nil, nil
	}
	var descs []Descriptor
	if err := json.Unmarshal(raw, &descs); err != nil {
		return nil, fmt.Errorf("%w: %s: %s: %v", ErrInvalidLayout, name, field, err)
	}
	return descs, nil
}
