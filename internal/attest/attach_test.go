package attest

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/ocilayout"
	"dagger/go-build/internal/registrypush"

	"github.com/containerd/platforms"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	godigest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// testLayout is the tarball the engine exports for a multi-platform image:
// index.json points at an image index listing one manifest per platform,
// each with a config and one layer. flat makes index.json list the
// manifests itself.
func testLayout(t *testing.T, flat bool, archs ...string) *ocilayout.Layout {
	t.Helper()
	blobs := map[string][]byte{}
	put := func(mediaType string, data []byte) ocispec.Descriptor {
		d := godigest.FromBytes(data)
		blobs[d.String()] = data
		return ocispec.Descriptor{MediaType: mediaType, Digest: d, Size: int64(len(data))}
	}
	putJSON := func(mediaType string, v any) ocispec.Descriptor {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return put(mediaType, data)
	}
	var manifests []ocispec.Descriptor
	for _, arch := range archs {
		layer := put(ocispec.MediaTypeImageLayer, tarOf(t, "usr/local/bin/app", "binary for "+arch))
		config := putJSON(ocispec.MediaTypeImageConfig, map[string]any{
			"architecture": arch, "os": "linux",
			"rootfs": map[string]any{"type": "layers", "diff_ids": []string{layer.Digest.String()}},
		})
		manifest := putJSON(ocispec.MediaTypeImageManifest, map[string]any{
			"schemaVersion": 2, "mediaType": ocispec.MediaTypeImageManifest,
			"config": config, "layers": []ocispec.Descriptor{layer},
		})
		manifest.Platform = &ocispec.Platform{OS: "linux", Architecture: arch}
		manifests = append(manifests, manifest)
	}
	roots := manifests
	if !flat {
		nested := putJSON(ocispec.MediaTypeImageIndex, map[string]any{
			"schemaVersion": 2, "mediaType": ocispec.MediaTypeImageIndex, "manifests": manifests,
		})
		roots = []ocispec.Descriptor{nested}
	}
	index, err := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": ocispec.MediaTypeImageIndex, "manifests": roots})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"oci-layout": []byte(`{"imageLayoutVersion":"1.0.0"}`), "index.json": index}
	for d, data := range blobs {
		files[path.Join("blobs", strings.Replace(d, ":", "/", 1))] = data
	}
	l, err := ocilayout.ReadTar(bytes.NewReader(tarOfFiles(t, files)))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func tarOf(t *testing.T, name, content string) []byte {
	return tarOfFiles(t, map[string][]byte{name: []byte(content)})
}

func tarOfFiles(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var testNames = []string{"ghcr.io/o/app:1.0", "ghcr.io/o/app:latest"}

// sbomAndProvenance gives each platform an SBOM and a provenance naming it.
func sbomAndProvenance(p ocispec.Platform) ([]Predicate, error) {
	target := platforms.Format(p)
	prov := testProvenance()
	prov.Platform = target
	provenance, err := prov.Predicate()
	if err != nil {
		return nil, err
	}
	sbom := Predicate{Type: PredicateSPDX, Body: []byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"app ` + target + `"}`)}
	return []Predicate{sbom, provenance}, nil
}

func attachedTar(t *testing.T, flat bool) []byte {
	t.Helper()
	l := testLayout(t, flat, "amd64", "arm64")
	if err := Attach(l, testNames, sbomAndProvenance); err != nil {
		t.Fatalf("Attach: %v", err)
	}
	var buf bytes.Buffer
	if err := l.WriteTar(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ggcrIndex opens the layout with go-containerregistry, as registrypush
// does, and returns the image index with attestations.
func ggcrIndex(t *testing.T, tarball []byte, flat bool) (dir string, idx v1.ImageIndex) {
	t.Helper()
	l, err := ocilayout.ReadTar(bytes.NewReader(tarball))
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	if err := l.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	root, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if flat {
		return dir, root
	}
	m, err := root.IndexManifest()
	if err != nil || len(m.Manifests) != 1 {
		t.Fatalf("index.json lists %v, %v; want one index", m, err)
	}
	idx, err = root.ImageIndex(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	return dir, idx
}

func TestAttach(t *testing.T) {
	for _, flat := range []bool{false, true} {
		name := "index.json points at the index"
		if flat {
			name = "index.json is the index"
		}
		t.Run(name, func(t *testing.T) {
			_, idx := ggcrIndex(t, attachedTar(t, flat), flat)
			checkAttestations(t, idx)
		})
	}
}

// checkAttestations checks idx the way buildx imagetools reads it: the
// platform manifests first, then one attestation manifest each, found by
// annotation, whose layers are statements about that manifest.
func checkAttestations(t *testing.T, idx v1.ImageIndex) {
	t.Helper()
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 4 {
		t.Fatalf("index lists %d entries, want 2 platform manifests and 2 attestation manifests", len(m.Manifests))
	}
	for i, arch := range []string{"amd64", "arm64"} {
		image, att := m.Manifests[i], m.Manifests[i+2]
		if image.Platform == nil || image.Platform.Architecture != arch || len(image.Annotations) != 0 {
			t.Errorf("entry %d = %+v; want the %s image unchanged", i, image, arch)
		}
		if att.MediaType != ocispec.MediaTypeImageManifest || att.Platform == nil || att.Platform.OS != "unknown" || att.Platform.Architecture != "unknown" {
			t.Errorf("attestation entry %d: media type %s, platform %+v; want an OCI manifest for unknown/unknown", i+2, att.MediaType, att.Platform)
		}
		wantAnn := map[string]string{AnnotationReferenceType: ReferenceTypeAttestation, AnnotationReferenceDigest: image.Digest.String()}
		if len(att.Annotations) != 2 || att.Annotations[AnnotationReferenceType] != wantAnn[AnnotationReferenceType] || att.Annotations[AnnotationReferenceDigest] != wantAnn[AnnotationReferenceDigest] {
			t.Errorf("attestation entry %d annotations = %v, want %v", i+2, att.Annotations, wantAnn)
		}
		img, err := idx.Image(att.Digest)
		if err != nil {
			t.Fatal(err)
		}
		manifest, err := img.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		if len(manifest.Layers) != 2 {
			t.Fatalf("attestation manifest has %d layers, want SBOM and provenance", len(manifest.Layers))
		}
		config, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if config.OS != "unknown" || config.Architecture != "unknown" || config.RootFS.Type != "layers" || len(config.RootFS.DiffIDs) != 2 {
			t.Errorf("attestation config = %+v; want unknown/unknown with 2 diff_ids", config)
		}
		// BuildKit's config, byte for byte: an ocispec.Image, compact.
		rawConfig, _ := img.RawConfigFile()
		wantConfig := `{"architecture":"unknown","os":"unknown","config":{},"rootfs":{"type":"layers","diff_ids":["` +
			manifest.Layers[0].Digest.String() + `","` + manifest.Layers[1].Digest.String() + `"]}}`
		if string(rawConfig) != wantConfig || manifest.Config.MediaType != ocispec.MediaTypeImageConfig {
			t.Errorf("attestation config (%s) =\n%s\nwant\n%s", manifest.Config.MediaType, rawConfig, wantConfig)
		}
		for j, want := range []string{PredicateSPDX, PredicateSLSAProvenanceV1} {
			layer := manifest.Layers[j]
			if string(layer.MediaType) != MediaTypeInToto || layer.Annotations[AnnotationPredicateType] != want || len(layer.Annotations) != 1 {
				t.Errorf("layer %d = %s %v; want %s annotated %s", j, layer.MediaType, layer.Annotations, MediaTypeInToto, want)
			}
			if config.RootFS.DiffIDs[j] != layer.Digest {
				t.Errorf("diff_id %d = %s, want the layer digest %s", j, config.RootFS.DiffIDs[j], layer.Digest)
			}
			blob, err := img.LayerByDigest(layer.Digest)
			if err != nil {
				t.Fatal(err)
			}
			rc, err := blob.Compressed()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			var st Statement
			if err := json.Unmarshal(data, &st); err != nil {
				t.Fatalf("layer %d is not a statement: %v", j, err)
			}
			if st.Type != StatementType || st.PredicateType != want || len(st.Subject) != len(testNames) {
				t.Errorf("statement = %s %s with %d subjects", st.Type, st.PredicateType, len(st.Subject))
			}
			for k, s := range st.Subject {
				wantName := "pkg:docker/ghcr.io/o/app@" + []string{"1.0", "latest"}[k] + "?platform=linux%2F" + arch
				if s.Name != wantName || s.Digest["sha256"] != image.Digest.Hex {
					t.Errorf("subject %d = %+v, want %s with the %s manifest digest %s", k, s, wantName, arch, image.Digest)
				}
			}
			if want == PredicateSLSAProvenanceV1 && !strings.Contains(string(st.Predicate), `"platform":"linux/`+arch+`"`) {
				t.Errorf("the %s provenance is for another platform: %s", arch, st.Predicate)
			}
			if want == PredicateSPDX && !strings.Contains(string(st.Predicate), `"name":"app linux/`+arch+`"`) {
				t.Errorf("the %s SBOM is another platform's: %s", arch, st.Predicate)
			}
		}
	}
}

func TestAttachIsDeterministic(t *testing.T) {
	for _, flat := range []bool{false, true} {
		if !bytes.Equal(attachedTar(t, flat), attachedTar(t, flat)) {
			t.Errorf("flat=%v: the same inputs give different layouts", flat)
		}
	}
}

func TestAttachSkipsPlatformsWithoutPredicates(t *testing.T) {
	l := testLayout(t, false, "amd64", "arm64")
	err := Attach(l, nil, func(p ocispec.Platform) ([]Predicate, error) {
		if p.Architecture == "arm64" {
			return nil, nil
		}
		return sbomAndProvenance(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := l.IndexManifests()
	if len(entries) != 3 || entries[2].Annotations[AnnotationReferenceDigest] != entries[0].Digest.String() {
		t.Fatalf("entries = %v; want one attestation manifest, for amd64", entries)
	}
}

func TestAttachRejects(t *testing.T) {
	errSBOM := errors.New("sbom failed")
	for _, tc := range []struct {
		name  string
		edit  func(t *testing.T, l *ocilayout.Layout)
		names []string
		preds func(ocispec.Platform) ([]Predicate, error)
		want  string
		is    error
	}{
		{
			name: "attached twice",
			edit: func(t *testing.T, l *ocilayout.Layout) {
				if err := Attach(l, nil, sbomAndProvenance); err != nil {
					t.Fatal(err)
				}
			},
			want: ") already has an attestation manifest",
		},
		{
			name: "docker media types",
			edit: appendEntry("application/vnd.docker.distribution.manifest.v2+json", &ocispec.Platform{OS: "linux", Architecture: "s390x"}),
			want: "is a application/vnd.docker.distribution.manifest.v2+json; attestations attach only to application/vnd.oci.image.manifest.v1+json",
		},
		{
			name: "manifest without platform",
			edit: appendEntry(ocispec.MediaTypeImageManifest, nil),
			want: "has no platform; want os/architecture on every platform manifest",
		},
		{name: "bad image name", names: []string{"ghcr.io/o/App:1"}, want: `image name "ghcr.io/o/App:1"`},
		{
			name:  "predicates fail",
			preds: func(ocispec.Platform) ([]Predicate, error) { return nil, errSBOM },
			want:  "linux/amd64: sbom failed",
			is:    errSBOM,
		},
		{
			name: "bad predicate",
			preds: func(ocispec.Platform) ([]Predicate, error) {
				return []Predicate{{Type: PredicateSPDX, Body: []byte("nope")}}, nil
			},
			want: "https://spdx.dev/Document predicate is not a JSON object (linux/amd64)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := testLayout(t, false, "amd64", "arm64")
			if tc.edit != nil {
				tc.edit(t, l)
			}
			before, _ := l.IndexManifests()
			var buf bytes.Buffer
			_ = l.WriteTar(&buf)
			preds := tc.preds
			if preds == nil {
				preds = sbomAndProvenance
			}
			err := Attach(l, tc.names, preds)
			errtest.Check(t, err, ErrAttestation, tc.want)
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want it to wrap %v", err, tc.is)
			}
			after, _ := l.IndexManifests()
			var again bytes.Buffer
			_ = l.WriteTar(&again)
			if len(after) != len(before) || !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Error("a failed Attach changed the layout")
			}
		})
	}
}

func TestAttachedImagePushes(t *testing.T) {
	srv := httptest.NewServer(registry.New())
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")

	dir, idx := ggcrIndex(t, attachedTar(t, false), false)
	want, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	ref := host + "/o/app:1.0"
	got, err := registrypush.Push(context.Background(), dir, []string{ref}, registrypush.Options{Insecure: true})
	if err != nil {
		t.Fatalf("Push: %v", err)
	}
	if got != want.String() {
		t.Errorf("pushed %s, want the layout's index %s", got, want)
	}
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	pushed, err := remote.Index(r)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := pushed.Digest(); d != want {
		t.Errorf("the registry holds %s, want %s byte for byte", d, want)
	}
	checkAttestations(t, pushed)
}

// appendEntry adds an index entry of the given media type and platform.
func appendEntry(mediaType string, platform *ocispec.Platform) func(t *testing.T, l *ocilayout.Layout) {
	return func(t *testing.T, l *ocilayout.Layout) {
		desc := l.AddBlob(mediaType, []byte(`{"schemaVersion":2}`))
		desc.Platform = platform
		if err := l.AppendManifests(desc); err != nil {
			t.Fatal(err)
		}
	}
}
