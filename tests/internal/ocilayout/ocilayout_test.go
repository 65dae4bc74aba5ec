package ocilayout

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

// layoutBuilder writes a small OCI tarball the way an engine exports one.
type layoutBuilder struct {
	files map[string][]byte
}

func (b *layoutBuilder) blob(data []byte) string {
	sum := sha256.Sum256(data)
	d := "sha256:" + hex.EncodeToString(sum[:])
	b.files["blobs/sha256/"+hex.EncodeToString(sum[:])] = data
	return d
}

func (b *layoutBuilder) json(v any) string {
	data, _ := json.Marshal(v)
	return b.blob(data)
}

func layer(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func (b *layoutBuilder) image(t *testing.T, arch, variant, configVariant string, body string) map[string]any {
	cfg := b.json(map[string]any{"os": "linux", "architecture": arch, "variant": configVariant, "config": map[string]any{"Entrypoint": []string{"/usr/local/bin/app"}}})
	base := b.blob(layer(t, map[string]string{"etc/os-release": "x"}))
	top := b.blob(layer(t, map[string]string{"usr/local/bin/app": body}))
	m := b.json(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		"config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg},
		"layers": []map[string]any{{"digest": base}, {"digest": top}},
	})
	p := map[string]any{"os": "linux", "architecture": arch}
	if variant != "" {
		p["variant"] = variant
	}
	return map[string]any{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": m, "platform": p}
}

func (b *layoutBuilder) tarball(t *testing.T, index any) []byte {
	b.files["index.json"], _ = json.Marshal(index)
	b.files["oci-layout"] = []byte(`{"imageLayoutVersion":"1.0.0"}`)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range b.files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
	}
	tw.Close()
	return buf.Bytes()
}

func TestReadNestedIndex(t *testing.T) {
	b := &layoutBuilder{files: map[string][]byte{}}
	arm := b.image(t, "arm", "v7", "v7", "arm-binary")
	amd := b.image(t, "amd64", "", "", "amd64-binary")
	nested := b.json(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []any{arm, amd}})
	data := b.tarball(t, map[string]any{"schemaVersion": 2, "manifests": []any{map[string]any{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": nested}}})

	l, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := l.Images()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, img := range imgs {
		got = append(got, img.Platform())
	}
	if strings.Join(got, ",") != "linux/amd64,linux/arm/v7" {
		t.Fatalf("platforms = %v", got)
	}
	body, err := l.File(imgs[1], "/usr/local/bin/app")
	if err != nil || string(body) != "arm-binary" {
		t.Fatalf("File = %q, %v", body, err)
	}
	if _, err := l.File(imgs[0], "/bin/sh"); err == nil {
		t.Fatal("File of a missing path succeeded")
	}
	if imgs[0].Config.Config.Entrypoint[0] != "/usr/local/bin/app" {
		t.Fatalf("entrypoint = %v", imgs[0].Config.Config.Entrypoint)
	}
	if root, err := l.Root(); err != nil || root != nested {
		t.Fatalf("Root() = %s, %v; want the nested index %s", root, err, nested)
	}
}

func TestPlatformDisagreement(t *testing.T) {
	b := &layoutBuilder{files: map[string][]byte{}}
	bad := b.image(t, "arm", "v7", "v6", "x")
	data := b.tarball(t, map[string]any{"schemaVersion": 2, "manifests": []any{bad}})
	l, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Images(); err == nil || !strings.Contains(err.Error(), "config says linux/arm/v6") {
		t.Fatalf("Images() = %v, want a platform disagreement", err)
	}
}

func TestRootWantsOneImage(t *testing.T) {
	b := &layoutBuilder{files: map[string][]byte{}}
	one, two := b.image(t, "amd64", "", "", "a"), b.image(t, "arm64", "", "", "b")
	l, err := Read(bytes.NewReader(b.tarball(t, map[string]any{"schemaVersion": 2, "manifests": []any{one, two}})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Root(); err == nil || !strings.Contains(err.Error(), "lists 2 images") {
		t.Fatalf("Root() = %v, want an error for two images", err)
	}
}

func TestNotALayout(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "hello", Size: 2, Typeflag: tar.TypeReg})
	tw.Write([]byte("hi"))
	tw.Close()
	if _, err := Read(&buf); err == nil || !strings.Contains(err.Error(), "index.json") {
		t.Fatalf("Read = %v", err)
	}
}
