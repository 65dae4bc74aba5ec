package ocilayout

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Files returns the regular files under dir (e.g. usr/local/bin) in the
// filesystem of the platform image manifest, by path relative to dir, as
// the image's layers leave them: a later layer's file replaces an earlier
// one's, and a whiteout removes it. It is how the binaries an image holds
// are read back, so what is attested is what was shipped.
func (l *Layout) Files(manifest Descriptor, dir string) (map[string][]byte, error) {
	doc, err := l.blobDocument(manifest)
	if err != nil {
		return nil, err
	}
	layers, err := doc.descriptors(string(manifest.Digest), "layers")
	if err != nil {
		return nil, err
	}
	dir = strings.Trim(path.Clean("/"+dir), "/")
	files := map[string][]byte{}
	for _, layer := range layers {
		if err := l.readLayer(layer, dir, files); err != nil {
			return nil, fmt.Errorf("%w: layer %s of %s: %v", ErrInvalidLayout, layer.Digest, manifest.Digest, err)
		}
	}
	return files, nil
}

// readLayer applies one layer's entries under dir to files.
func (l *Layout) readLayer(layer Descriptor, dir string, files map[string][]byte) error {
	data, err := l.Blob(string(layer.Digest))
	if err != nil {
		return err
	}
	var r io.Reader = bytes.NewReader(data)
	switch layer.MediaType {
	case ocispec.MediaTypeImageLayerGzip, "application/vnd.docker.image.rootfs.diff.tar.gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return err
		}
		defer zr.Close()
		r = zr
	case ocispec.MediaTypeImageLayer:
	default:
		return fmt.Errorf("layer media type %s: want a tar or tar+gzip layer", layer.MediaType)
	}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := strings.Trim(path.Clean("/"+hdr.Name), "/")
		rel, ok := strings.CutPrefix(name, dir+"/")
		if !ok {
			continue
		}
		base := path.Base(rel)
		if base == ".wh..wh..opq" {
			prefix := strings.TrimSuffix(path.Dir(rel), ".")
			for f := range files {
				if prefix == "" || strings.HasPrefix(f, prefix+"/") {
					delete(files, f)
				}
			}
			continue
		}
		if strings.HasPrefix(base, ".wh.") {
			delete(files, path.Join(path.Dir(rel), strings.TrimPrefix(base, ".wh.")))
			continue
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		content, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		files[rel] = content
	}
}
