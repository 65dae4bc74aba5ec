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

// statement is an in-toto statement about manifest digest d, as go-build
// writes one.
func statement(predicateType, d string, predicate any) map[string]any {
	return map[string]any{
		"_type":         "https://in-toto.io/Statement/v0.1",
		"predicateType": predicateType,
		"subject":       []any{map[string]any{"name": "_", "digest": map[string]string{"sha256": strings.TrimPrefix(d, "sha256:")}}},
		"predicate":     predicate,
	}
}

// attestationLayer is a statement layer; annotation is its
// in-toto.io/predicate-type annotation.
type attestationLayer struct {
	mediaType, annotation string
	statement             map[string]any
}

// attestation writes an attestation manifest about the platform image
// entry target and returns its index entry.
func (b *layoutBuilder) attestation(target map[string]any, layers ...attestationLayer) map[string]any {
	cfg := b.json(map[string]any{"os": "unknown", "architecture": "unknown", "rootfs": map[string]any{"type": "layers"}})
	var descs []map[string]any
	for _, l := range layers {
		descs = append(descs, map[string]any{
			"mediaType": l.mediaType, "digest": b.json(l.statement),
			"annotations": map[string]string{"in-toto.io/predicate-type": l.annotation},
		})
	}
	m := b.json(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		"config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg},
		"layers": descs,
	})
	return map[string]any{
		"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": m,
		"platform": map[string]any{"os": "unknown", "architecture": "unknown"},
		"annotations": map[string]string{
			"vnd.docker.reference.type":   "attestation-manifest",
			"vnd.docker.reference.digest": target["digest"].(string),
		},
	}
}

const (
	spdxType       = "https://spdx.dev/Document"
	provenanceType = "https://slsa.dev/provenance/v1"
)

// attestedLayout is a layout as go-build's image writes one: a nested index
// listing the platform manifests, then one attestation manifest each.
func attestedLayout(t *testing.T, b *layoutBuilder, entries ...map[string]any) *Layout {
	t.Helper()
	nested := b.json(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries})
	l, err := Read(bytes.NewReader(b.tarball(t, map[string]any{"schemaVersion": 2, "manifests": []any{map[string]any{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": nested}}})))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func goodLayers(target map[string]any) []attestationLayer {
	d := target["digest"].(string)
	return []attestationLayer{
		{MediaTypeInToto, spdxType, statement(spdxType, d, map[string]any{"spdxVersion": "SPDX-2.3", "packages": []any{map[string]string{"name": "stdlib"}}})},
		{MediaTypeInToto, provenanceType, statement(provenanceType, d, map[string]any{"buildDefinition": map[string]any{}})},
	}
}

func TestAttestations(t *testing.T) {
	b := &layoutBuilder{files: map[string][]byte{}}
	amd := b.image(t, "amd64", "", "", "amd64-binary")
	arm := b.image(t, "arm", "v7", "v7", "arm-binary")
	l := attestedLayout(t, b, amd, arm, b.attestation(amd, goodLayers(amd)...), b.attestation(arm, goodLayers(arm)...))

	imgs, err := l.Images()
	if err != nil {
		t.Fatal(err)
	}
	var platforms []string
	for _, img := range imgs {
		platforms = append(platforms, img.Platform())
	}
	if strings.Join(platforms, ",") != "linux/amd64,linux/arm/v7" {
		t.Fatalf("Images() platforms = %v, want the two platform images and no attestation", platforms)
	}

	atts, err := l.Attestations()
	if err != nil {
		t.Fatal(err)
	}
	if len(atts) != 2 {
		t.Fatalf("Attestations() = %d, want 2", len(atts))
	}
	for i, target := range []map[string]any{amd, arm} {
		a := atts[i]
		if a.Manifest != target["digest"] {
			t.Errorf("attestation %d is about %s, want %s", i, a.Manifest, target["digest"])
		}
		if a.Digest == "" || a.Digest == a.Manifest {
			t.Errorf("attestation %d digest = %q", i, a.Digest)
		}
		if len(a.Statements) != 2 {
			t.Fatalf("attestation %d has %d statements, want 2", i, len(a.Statements))
		}
		spdx := a.StatementsOf(spdxType)
		if len(spdx) != 1 {
			t.Fatalf("attestation %d: StatementsOf(SPDX) = %d statements, want 1", i, len(spdx))
		}
		s := spdx[0]
		if s.Type != "https://in-toto.io/Statement/v0.1" || len(s.Subjects) != 1 || s.Subjects[0].Name != "_" ||
			"sha256:"+s.Subjects[0].Digest["sha256"] != target["digest"] {
			t.Errorf("attestation %d: SPDX statement = %+v", i, s)
		}
		var doc struct {
			SPDXVersion string `json:"spdxVersion"`
		}
		if err := json.Unmarshal(s.Predicate, &doc); err != nil || doc.SPDXVersion != "SPDX-2.3" {
			t.Errorf("attestation %d: predicate %s (%v)", i, s.Predicate, err)
		}
		if len(a.StatementsOf(provenanceType)) != 1 || len(a.StatementsOf("https://example.com/none")) != 0 {
			t.Errorf("attestation %d: StatementsOf picks the wrong statements: %+v", i, a.Statements)
		}
	}
}

func TestAttestationsRejectMalformed(t *testing.T) {
	for name, tc := range map[string]struct {
		layers func(layers []attestationLayer) // edits the statement layers
		entry  func(entry map[string]any)      // edits the index entry
		want   string
	}{
		"annotation disagrees": {
			layers: func(layers []attestationLayer) { layers[0].annotation = provenanceType },
			want:   `annotation in-toto.io/predicate-type is "https://slsa.dev/provenance/v1", but the statement's predicateType is "https://spdx.dev/Document"`,
		},
		"not in-toto": {
			layers: func(layers []attestationLayer) { layers[1].mediaType = "application/vnd.oci.image.layer.v1.tar+gzip" },
			want:   `is "application/vnd.oci.image.layer.v1.tar+gzip", want application/vnd.in-toto+json`,
		},
		"no reference": {
			entry: func(entry map[string]any) {
				delete(entry["annotations"].(map[string]string), "vnd.docker.reference.digest")
			},
			want: "no vnd.docker.reference.digest annotation",
		},
		"a real platform": {
			entry: func(entry map[string]any) { entry["platform"] = map[string]any{"os": "linux", "architecture": "amd64"} },
			want:  "platform is linux/amd64, want unknown/unknown",
		},
	} {
		t.Run(name, func(t *testing.T) {
			b := &layoutBuilder{files: map[string][]byte{}}
			amd := b.image(t, "amd64", "", "", "amd64-binary")
			layers := goodLayers(amd)
			if tc.layers != nil {
				tc.layers(layers)
			}
			entry := b.attestation(amd, layers...)
			if tc.entry != nil {
				tc.entry(entry)
			}
			l := attestedLayout(t, b, amd, entry)
			if _, err := l.Attestations(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Attestations() = %v, want an error containing %q", err, tc.want)
			}
			// Images does not read attestation manifests.
			if imgs, err := l.Images(); err != nil || len(imgs) != 1 {
				t.Fatalf("Images() = %d images, %v; want the one platform image", len(imgs), err)
			}
		})
	}
}

func TestBlobsContaining(t *testing.T) {
	b := &layoutBuilder{files: map[string][]byte{}}
	img := b.image(t, "amd64", "", "", "binary with s3cret-in-a-layer inside")
	raw := b.json(map[string]string{"note": "s3cret-in-a-blob"})
	l := attestedLayout(t, b, img)
	for needle, want := range map[string]int{"s3cret-in-a-layer": 1, "s3cret-in-a-blob": 1, "s3cret": 2, "absent": 0, "unknown": 0} {
		got, err := l.BlobsContaining(needle)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != want {
			t.Errorf("BlobsContaining(%q) = %v, want %d blobs", needle, got, want)
		}
	}
	if got, _ := l.BlobsContaining("s3cret-in-a-blob"); len(got) != 1 || got[0] != raw {
		t.Errorf("BlobsContaining found %v, want %s", got, raw)
	}
}
