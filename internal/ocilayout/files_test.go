package ocilayout

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// layerTar is a layer holding files (name -> content; "" content for a
// directory when the name ends in /).
func layerTar(t *testing.T, gz bool, files ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w = &buf
	var zw *gzip.Writer
	tw := tar.NewWriter(w)
	if gz {
		zw = gzip.NewWriter(w)
		tw = tar.NewWriter(zw)
	}
	for _, f := range files {
		hdr := &tar.Header{Name: f[0], Mode: 0o755, Size: int64(len(f[1])), Typeflag: tar.TypeReg}
		if strings.HasSuffix(f[0], "/") {
			hdr = &tar.Header{Name: f[0], Mode: 0o755, Typeflag: tar.TypeDir}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// addManifest adds a manifest with layers to l and returns its descriptor.
func addManifest(t *testing.T, l *Layout, layers ...Descriptor) Descriptor {
	t.Helper()
	config := l.AddBlob(ocispec.MediaTypeImageConfig, []byte(`{"architecture":"arm64","os":"linux"}`))
	data, err := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": ocispec.MediaTypeImageManifest, "config": config, "layers": layers})
	if err != nil {
		t.Fatal(err)
	}
	return l.AddBlob(ocispec.MediaTypeImageManifest, data)
}

func TestFilesAppliesLayersInOrder(t *testing.T) {
	l := readTestImage(t, testImage{stamp: epoch, platforms: []string{"amd64"}})
	base := l.AddBlob(ocispec.MediaTypeImageLayerGzip, layerTar(t, true,
		[2]string{"etc/passwd", "root:x:0:0"},
		[2]string{"usr/local/bin/", ""},
		[2]string{"usr/local/bin/app", "app v1"},
		[2]string{"usr/local/bin/old", "to be removed"},
		[2]string{"./usr/local/bin/helper", "helper"},
	))
	top := l.AddBlob(ocispec.MediaTypeImageLayer, layerTar(t, false,
		[2]string{"usr/local/bin/app", "app v2"},
		[2]string{"usr/local/bin/.wh.old", ""},
		[2]string{"usr/local/bin/sub/tool", "tool"},
		[2]string{"usr/local/binary", "not under the directory"},
	))
	files, err := l.Files(addManifest(t, l, base, top), "/usr/local/bin")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"app": "app v2", "helper": "helper", "sub/tool": "tool"}
	if got := slices.Sorted(maps.Keys(files)); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
		t.Fatalf("Files = %v, want %v", got, slices.Sorted(maps.Keys(want)))
	}
	for name, content := range want {
		if string(files[name]) != content {
			t.Errorf("%s = %q, want %q", name, files[name], content)
		}
	}
}

func TestFilesOpaqueWhiteout(t *testing.T) {
	l := readTestImage(t, testImage{stamp: epoch, platforms: []string{"amd64"}})
	base := l.AddBlob(ocispec.MediaTypeImageLayer, layerTar(t, false, [2]string{"usr/local/bin/a", "a"}, [2]string{"usr/local/bin/sub/b", "b"}))
	top := l.AddBlob(ocispec.MediaTypeImageLayer, layerTar(t, false, [2]string{"usr/local/bin/sub/.wh..wh..opq", ""}, [2]string{"usr/local/bin/sub/c", "c"}))
	files, err := l.Files(addManifest(t, l, base, top), "usr/local/bin")
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(files)); !slices.Equal(got, []string{"a", "sub/c"}) {
		t.Fatalf("Files = %v, want [a sub/c]", got)
	}
}

func TestFilesRejects(t *testing.T) {
	l := readTestImage(t, testImage{stamp: epoch, platforms: []string{"amd64"}})
	zstd := l.AddBlob("application/vnd.oci.image.layer.v1.tar+zstd", []byte("zstd"))
	_, err := l.Files(addManifest(t, l, zstd), "usr/local/bin")
	if !errors.Is(err, ErrInvalidLayout) || !strings.Contains(err.Error(), "tar+zstd") {
		t.Fatalf("zstd layer: error %v, want one naming the media type", err)
	}
	notGzip := l.AddBlob(ocispec.MediaTypeImageLayerGzip, []byte("not gzip"))
	if _, err := l.Files(addManifest(t, l, notGzip), "usr/local/bin"); !errors.Is(err, ErrInvalidLayout) {
		t.Fatalf("corrupt layer: error %v, want ErrInvalidLayout", err)
	}
}
