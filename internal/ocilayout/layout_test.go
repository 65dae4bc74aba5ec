package ocilayout

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	godigest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// testImage builds the layout the engine exports for a multi-platform
// image: index.json points at one index, which lists one manifest per
// platform, each with a config and one layer. stamp is the time the engine
// would have written into the configs.
type testImage struct {
	stamp      time.Time
	platforms  []string // architectures
	sharedBlob bool     // every platform uses the same config
	docker     bool     // add a Docker manifest.json naming the configs
}

func (ti testImage) tar(t *testing.T) []byte {
	t.Helper()
	blobs := map[string][]byte{}
	put := func(mediaType string, v any) Descriptor {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		d := digestOf(data)
		blobs[d] = data
		return Descriptor{MediaType: mediaType, Digest: digestType(d), Size: int64(len(data))}
	}
	var manifests []Descriptor
	var dockerEntries []map[string]any
	for i, arch := range ti.platforms {
		layer := []byte("layer for " + arch)
		layerDesc := Descriptor{MediaType: ocispec.MediaTypeImageLayerGzip, Digest: digestType(digestOf(layer)), Size: int64(len(layer))}
		blobs[string(layerDesc.Digest)] = layer
		configArch := arch
		if ti.sharedBlob {
			configArch = "shared"
		}
		stamp := ti.stamp.Add(time.Duration(i) * time.Second)
		if ti.sharedBlob {
			stamp = ti.stamp
		}
		config := put(ocispec.MediaTypeImageConfig, map[string]any{
			"architecture": configArch,
			"os":           "linux",
			"created":      stamp,
			"config":       map[string]any{"Entrypoint": []string{"/usr/local/bin/app"}, "Labels": map[string]string{"org.opencontainers.image.revision": "abc"}},
			"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{digestOf(layer)}},
			"history": []map[string]any{
				{"created": stamp.Add(-time.Hour), "created_by": "base", "empty_layer": true},
				{"created": stamp, "created_by": "created by buildkit", "comment": "buildkit.exporter.image.v0"},
			},
		})
		manifest := put(ocispec.MediaTypeImageManifest, map[string]any{
			"schemaVersion": 2,
			"mediaType":     ocispec.MediaTypeImageManifest,
			"config":        config,
			"layers":        []Descriptor{layerDesc},
			"annotations":   map[string]string{"org.opencontainers.image.created": "2024-01-01T00:00:00Z"},
		})
		manifest.Platform = &ocispec.Platform{OS: "linux", Architecture: arch}
		manifests = append(manifests, manifest)
		dockerEntries = append(dockerEntries, map[string]any{
			"Config": blobPath(string(config.Digest)), "RepoTags": []string{}, "Layers": []string{blobPath(string(layerDesc.Digest))},
		})
	}
	nested := put(ocispec.MediaTypeImageIndex, map[string]any{
		"schemaVersion": 2,
		"mediaType":     ocispec.MediaTypeImageIndex,
		"manifests":     manifests,
	})
	nested.Annotations = map[string]string{"org.opencontainers.image.ref.name": "latest"}
	index, err := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": ocispec.MediaTypeImageIndex, "manifests": []Descriptor{nested}})
	if err != nil {
		t.Fatal(err)
	}

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	write := func(name string, data []byte) {
		// Wall-clock mtimes, as a tarball written by any tool has.
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o444, Size: int64(len(data)), ModTime: ti.stamp, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	write("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	write("index.json", index)
	if ti.docker {
		data, _ := json.Marshal(dockerEntries)
		write("manifest.json", data)
	}
	for d, data := range blobs {
		write(blobPath(d), data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readTestImage(t *testing.T, ti testImage) *Layout {
	t.Helper()
	l, err := ReadTar(bytes.NewReader(ti.tar(t)))
	if err != nil {
		t.Fatalf("ReadTar: %v", err)
	}
	return l
}

func writeTar(t *testing.T, l *Layout) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := l.WriteTar(&buf); err != nil {
		t.Fatalf("WriteTar: %v", err)
	}
	return buf.Bytes()
}

var (
	epoch      = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	firstBuild = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	laterBuild = time.Date(2026, 11, 22, 11, 30, 7, 123456789, time.FixedZone("CET", 3600))
)

func TestSetCreatedGivesOneDigestForTwoBuilds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		image testImage
	}{
		{"one platform", testImage{platforms: []string{"amd64"}}},
		{"three platforms", testImage{platforms: []string{"amd64", "arm64", "arm"}}},
		{"shared config", testImage{platforms: []string{"amd64", "arm64"}, sharedBlob: true}},
		{"docker manifest.json", testImage{platforms: []string{"amd64", "arm64"}, docker: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first, later := tc.image, tc.image
			first.stamp, later.stamp = firstBuild, laterBuild
			a, b := readTestImage(t, first), readTestImage(t, later)
			if bytes.Equal(writeTar(t, a), writeTar(t, b)) {
				t.Fatal("the two builds are identical before SetCreated; the test proves nothing")
			}
			for _, l := range []*Layout{a, b} {
				if err := l.SetCreated(epoch); err != nil {
					t.Fatalf("SetCreated: %v", err)
				}
			}
			ta, tb := writeTar(t, a), writeTar(t, b)
			if !bytes.Equal(ta, tb) {
				t.Fatal("the two builds differ after SetCreated")
			}
			ra, _ := a.Manifests()
			rb, _ := b.Manifests()
			if ra[0].Digest != rb[0].Digest {
				t.Fatalf("root digests differ: %s, %s", ra[0].Digest, rb[0].Digest)
			}
		})
	}
}

func TestSetCreatedRewritesOnlyTimes(t *testing.T) {
	l := readTestImage(t, testImage{stamp: firstBuild, platforms: []string{"amd64", "arm64"}, docker: true})
	before := len(l.blobs)
	if err := l.SetCreated(epoch); err != nil {
		t.Fatal(err)
	}
	if len(l.blobs) != before {
		t.Errorf("%d blobs after SetCreated, want %d: replaced blobs must be dropped", len(l.blobs), before)
	}
	roots, err := l.Manifests()
	if err != nil || len(roots) != 1 {
		t.Fatalf("roots = %v, %v", roots, err)
	}
	if roots[0].Annotations["org.opencontainers.image.ref.name"] != "latest" {
		t.Errorf("root annotations lost: %v", roots[0].Annotations)
	}
	nested := mustDocument(t, l, roots[0])
	manifests, err := nested.descriptors("index", "manifests")
	if err != nil || len(manifests) != 2 {
		t.Fatalf("manifests = %v, %v", manifests, err)
	}
	var dockerConfigs []string
	for _, m := range manifests {
		if m.Platform == nil || m.Platform.OS != "linux" {
			t.Errorf("manifest %s lost its platform", m.Digest)
		}
		manifest := mustDocument(t, l, m)
		var config Descriptor
		var layers []Descriptor
		mustUnmarshal(t, manifest["config"], &config)
		mustUnmarshal(t, manifest["layers"], &layers)
		if _, err := l.Blob(string(layers[0].Digest)); err != nil {
			t.Errorf("layer: %v", err)
		}
		if !strings.Contains(string(manifest["annotations"]), "2024-01-01T00:00:00Z") {
			t.Errorf("manifest annotations changed: %s", manifest["annotations"])
		}
		cfg := mustDocument(t, l, config)
		var got struct {
			Architecture string    `json:"architecture"`
			Created      time.Time `json:"created"`
			Config       struct {
				Entrypoint []string
				Labels     map[string]string
			} `json:"config"`
			RootFS struct {
				DiffIDs []string `json:"diff_ids"`
			} `json:"rootfs"`
			History []struct {
				Created    time.Time `json:"created"`
				CreatedBy  string    `json:"created_by"`
				EmptyLayer bool      `json:"empty_layer"`
			} `json:"history"`
		}
		mustUnmarshal(t, mustMarshal(t, cfg), &got)
		if !got.Created.Equal(epoch) {
			t.Errorf("%s created = %v, want %v", got.Architecture, got.Created, epoch)
		}
		if string(cfg["created"]) != `"2025-03-01T12:00:00Z"` {
			t.Errorf("created is written as %s, want UTC RFC 3339", cfg["created"])
		}
		if len(got.History) != 2 || !got.History[1].Created.Equal(epoch) || !got.History[0].Created.Equal(epoch) {
			t.Errorf("%s history = %+v, want every entry created at %v", got.Architecture, got.History, epoch)
		}
		if got.History[0].CreatedBy != "base" || !got.History[0].EmptyLayer {
			t.Errorf("history fields other than created changed: %+v", got.History[0])
		}
		if got.Config.Entrypoint[0] != "/usr/local/bin/app" || got.Config.Labels["org.opencontainers.image.revision"] != "abc" || len(got.RootFS.DiffIDs) != 1 {
			t.Errorf("config fields other than created changed: %+v", got)
		}
		dockerConfigs = append(dockerConfigs, blobPath(string(config.Digest)))
	}
	var docker []struct{ Config string }
	mustUnmarshal(t, l.extra["manifest.json"], &docker)
	for i, entry := range docker {
		if entry.Config != dockerConfigs[i] {
			t.Errorf("manifest.json Config = %s, want the rewritten %s", entry.Config, dockerConfigs[i])
		}
	}
}

func TestWriteTarRoundTrips(t *testing.T) {
	l := readTestImage(t, testImage{stamp: firstBuild, platforms: []string{"amd64", "s390x"}})
	first := writeTar(t, l)
	again, err := ReadTar(bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(writeTar(t, again), first) {
		t.Error("reading and writing the tarball changed it")
	}
	tr := tar.NewReader(bytes.NewReader(first))
	for {
		hdr, err := tr.Next()
		if err != nil {
			break
		}
		if !hdr.ModTime.Equal(time.Unix(0, 0)) || hdr.Uid != 0 || hdr.Uname != "" {
			t.Errorf("%s: mtime %v uid %d uname %q, want fixed values", hdr.Name, hdr.ModTime, hdr.Uid, hdr.Uname)
		}
	}
}

func TestWriteDir(t *testing.T) {
	l := readTestImage(t, testImage{stamp: firstBuild, platforms: []string{"amd64"}})
	dir := t.TempDir()
	if err := l.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"oci-layout": "imageLayoutVersion", "index.json": "manifests"} {
		got, err := readFile(dir, name)
		if err != nil || !strings.Contains(got, want) {
			t.Errorf("%s = %q, %v", name, got, err)
		}
	}
	roots, _ := l.Manifests()
	if _, err := readFile(dir, blobPath(string(roots[0].Digest))); err != nil {
		t.Error(err)
	}
}

func TestReadTarRejects(t *testing.T) {
	valid := testImage{stamp: firstBuild, platforms: []string{"amd64"}}
	for _, tc := range []struct {
		name  string
		files map[string]string // replaces or adds files of a valid image
		drop  string            // removes a file whose name contains this
		want  string
	}{
		{name: "no index", drop: "index.json", want: "no index.json"},
		{name: "index not an object", files: map[string]string{"index.json": "[1]"}, want: "index.json is not a JSON object"},
		{name: "manifests not a list", files: map[string]string{"index.json": `{"manifests":{}}`}, want: "index.json: manifests"},
		{name: "bad blob name", files: map[string]string{"blobs/sha256/xyz": "x"}, want: "blob blobs/sha256/xyz: want blobs/sha256/<64 hex digits>"},
		{name: "other algorithm", files: map[string]string{"blobs/sha512/" + strings.Repeat("a", 64): "x"}, want: "want blobs/sha256/"},
		{name: "blob content does not match its name", files: map[string]string{"blobs/sha256/" + strings.Repeat("a", 64): "x"}, want: "has digest sha256:2d71"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadTar(bytes.NewReader(editTar(t, valid.tar(t), tc.files, tc.drop)))
			if !errors.Is(err, ErrInvalidLayout) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalidLayout containing %q", err, tc.want)
			}
		})
	}
}

func TestSetCreatedRejectsMissingBlobs(t *testing.T) {
	l := readTestImage(t, testImage{stamp: firstBuild, platforms: []string{"amd64"}})
	var config string
	for d, data := range l.blobs {
		if strings.Contains(string(data), `"architecture"`) {
			config = d
		}
	}
	delete(l.blobs, config)
	err := l.SetCreated(epoch)
	if !errors.Is(err, ErrInvalidLayout) || !strings.Contains(err.Error(), "blob "+config+" is missing") {
		t.Fatalf("err = %v, want the missing config named", err)
	}
}

// editTar rewrites a tarball: files replace or add entries, and entries
// whose name contains drop are removed.
func editTar(t *testing.T, in []byte, files map[string]string, drop string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tr := tar.NewReader(bytes.NewReader(in))
	for {
		hdr, err := tr.Next()
		if err != nil {
			break
		}
		if _, replaced := files[hdr.Name]; replaced || (drop != "" && strings.Contains(hdr.Name, drop)) {
			continue
		}
		data := new(bytes.Buffer)
		_, _ = data.ReadFrom(tr)
		_ = tw.WriteHeader(hdr)
		_, _ = tw.Write(data.Bytes())
	}
	for name, data := range files {
		_ = tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		_, _ = tw.Write([]byte(data))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustDocument(t *testing.T, l *Layout, desc Descriptor) document {
	t.Helper()
	data, err := l.Blob(string(desc.Digest))
	if err != nil {
		t.Fatal(err)
	}
	if got := digestOf(data); got != string(desc.Digest) || int64(len(data)) != desc.Size {
		t.Fatalf("descriptor %s/%d does not match its blob %s/%d", desc.Digest, desc.Size, got, len(data))
	}
	doc, err := parseDocument(string(desc.Digest), data)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func mustUnmarshal(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func digestType(s string) godigest.Digest { return godigest.Digest(s) }

func readFile(dir, name string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	return string(data), err
}
