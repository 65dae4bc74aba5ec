package ocilayout

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExtractTarWritesTheLayout(t *testing.T) {
	ti := testImage{stamp: firstBuild, platforms: []string{"amd64", "arm64"}, docker: true}
	dir := t.TempDir()
	if err := ExtractTar(bytes.NewReader(ti.tar(t)), dir); err != nil {
		t.Fatal(err)
	}
	l := readTestImage(t, ti)
	for digest, data := range l.blobs {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(blobPath(digest))))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("blob %s: %q, %v; want the tarball's bytes", digest, got, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); !os.IsNotExist(err) {
		t.Errorf("manifest.json was written (%v), want it skipped", err)
	}
	images, err := Images(dir)
	if err != nil {
		t.Fatal(err)
	}
	roots, _ := l.Manifests()
	if images.Root.Digest != roots[0].Digest {
		t.Errorf("root %s, want %s", images.Root.Digest, roots[0].Digest)
	}
	var archs []string
	for _, p := range images.Platforms {
		archs = append(archs, p.Platform.Architecture)
	}
	if strings.Join(archs, ",") != "amd64,arm64" {
		t.Errorf("platforms %v, want amd64,arm64", archs)
	}
}

func TestImagesOfASinglePlatformLayout(t *testing.T) {
	l := readTestImage(t, testImage{stamp: firstBuild, platforms: []string{"amd64"}})
	index, err := l.IndexManifests()
	if err != nil {
		t.Fatal(err)
	}
	// The engine's single-platform export: index.json lists the manifest.
	if err := l.index.set("manifests", index); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := l.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	images, err := Images(dir)
	if err != nil {
		t.Fatal(err)
	}
	if images.Root.Digest != index[0].Digest || len(images.Platforms) != 0 {
		t.Errorf("images = %+v, want root %s and no platform images", images, index[0].Digest)
	}
}

func TestExtractTarRejects(t *testing.T) {
	valid := testImage{stamp: firstBuild, platforms: []string{"amd64"}}
	for _, tc := range []struct {
		name  string
		files map[string]string
		drop  string
		want  string
	}{
		{name: "no index", drop: "index.json", want: "no index.json"},
		{name: "bad blob name", files: map[string]string{"blobs/sha256/xyz": "x"}, want: "blob blobs/sha256/xyz: want blobs/sha256/<64 hex digits>"},
		{name: "blob content does not match its name", files: map[string]string{"blobs/sha256/" + strings.Repeat("a", 64): "x"}, want: "blobs/sha256/" + strings.Repeat("a", 64) + ": has digest sha256:2d71"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ExtractTar(bytes.NewReader(editTar(t, valid.tar(t), tc.files, tc.drop)), t.TempDir())
			if !errors.Is(err, ErrInvalidLayout) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalidLayout containing %q", err, tc.want)
			}
		})
	}
}

func TestExtractTarStaysInItsDirectory(t *testing.T) {
	outside := t.TempDir()
	dir := filepath.Join(outside, "layout")
	valid := testImage{stamp: firstBuild, platforms: []string{"amd64"}}
	tarball := editTar(t, valid.tar(t), map[string]string{"../escaped": "x", "blobs/../../escaped2": "x"}, "")
	if err := ExtractTar(bytes.NewReader(tarball), dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"escaped", "escaped2"} {
		if _, err := os.Stat(filepath.Join(outside, name)); !os.IsNotExist(err) {
			t.Errorf("%s was written outside the layout (%v)", name, err)
		}
	}
}

func TestImagesRejects(t *testing.T) {
	for _, tc := range []struct{ name, index, want string }{
		{"two roots", `{"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:` + strings.Repeat("a", 64) + `","size":1},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:` + strings.Repeat("b", 64) + `","size":1}]}`, "index.json lists 2 images, want 1"},
		{"not an image", `{"manifests":[{"mediaType":"text/plain","digest":"sha256:` + strings.Repeat("a", 64) + `","size":1}]}`, "index.json lists a text/plain"},
		{"missing index blob", `{"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:` + strings.Repeat("a", 64) + `","size":1}]}`, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "index.json"), []byte(tc.index), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Images(dir)
			if !errors.Is(err, ErrInvalidLayout) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalidLayout containing %q", err, tc.want)
			}
		})
	}
}
