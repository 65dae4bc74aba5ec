package ocilayout

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The functions in this file work on a layout on disk, for images too
// large to hold in memory (the toolchain is gigabytes): ExtractTar streams
// an image tarball into a directory, Images reads what its index lists.

// ExtractTar writes the layout the image tarball r holds into dir, one
// file at a time, checking every blob's digest as it is written. Only the
// layout's own files are written (oci-layout, index.json and blobs); a
// Docker manifest.json and directories are skipped. A name that would
// leave dir, or a blob whose bytes do not match its name, is an error.
func ExtractTar(r io.Reader, dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, blobsDir, "sha256"), 0o755); err != nil {
		return err
	}
	var haveIndex bool
	err := eachTarFile(r, func(name string, r io.Reader) error {
		var want string
		var err error
		switch {
		case name == indexFile:
			haveIndex = true
		case name == layoutFile:
		case strings.HasPrefix(name, blobsDir+"/"):
			if want, err = blobDigest(name); err != nil {
				return err
			}
		default:
			return nil
		}
		if err := writeChecked(filepath.Join(dir, filepath.FromSlash(name)), r, want); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrInvalidLayout, name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !haveIndex {
		return fmt.Errorf("%w: no %s", ErrInvalidLayout, indexFile)
	}
	return nil
}

// writeChecked copies r to the file name; with want set, the bytes must
// have that digest.
func writeChecked(name string, r io.Reader, want string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	sum := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, sum), r)
	if err := errors.Join(err, f.Close()); err != nil {
		return err
	}
	if got := "sha256:" + hex.EncodeToString(sum.Sum(nil)); want != "" && got != want {
		return fmt.Errorf("has digest %s", got)
	}
	return nil
}

// DirImages are the images of the layout in a directory: its root, and the
// platform images of the root when it is an index.
type DirImages struct {
	// Root is the one manifest index.json lists: an image index, or a
	// single-platform image's manifest.
	Root Descriptor
	// Platforms are the images of the root index that name a platform, in
	// its order; none when the root is an image manifest.
	Platforms []Descriptor
}

// Images reads the root and platform images of the layout in dir. The
// layout must list one root, as the engine exports an image.
func Images(dir string) (DirImages, error) {
	var images DirImages
	index, err := readDirDocument(filepath.Join(dir, indexFile), indexFile)
	if err != nil {
		return images, err
	}
	roots, err := index.descriptors(indexFile, "manifests")
	if err != nil {
		return images, err
	}
	if len(roots) != 1 {
		return images, fmt.Errorf("%w: %s lists %d images, want 1", ErrInvalidLayout, indexFile, len(roots))
	}
	images.Root = roots[0]
	switch {
	case isManifest(images.Root.MediaType):
		return images, nil
	case !isIndex(images.Root.MediaType):
		return images, fmt.Errorf("%w: %s lists a %s, want an image index or manifest", ErrInvalidLayout, indexFile, images.Root.MediaType)
	}
	nested, err := readDirDocument(filepath.Join(dir, filepath.FromSlash(blobPath(string(images.Root.Digest)))), string(images.Root.Digest))
	if err != nil {
		return images, err
	}
	children, err := nested.descriptors(string(images.Root.Digest), "manifests")
	if err != nil {
		return images, err
	}
	for _, child := range children {
		// An attestation manifest's platform is unknown/unknown.
		if child.Platform != nil && child.Platform.OS != "unknown" && isManifest(child.MediaType) {
			images.Platforms = append(images.Platforms, child)
		}
	}
	return images, nil
}

func readDirDocument(file, name string) (document, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidLayout, err)
	}
	return parseDocument(name, data)
}
