package ocilayout

import (
	"bytes"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// flatten makes index.json list the platform manifests itself, the other
// shape a layout may have.
func flatten(t *testing.T, l *Layout) {
	t.Helper()
	manifests, err := l.IndexManifests()
	if err != nil {
		t.Fatal(err)
	}
	roots, _ := l.Manifests()
	delete(l.blobs, string(roots[0].Digest))
	if err := l.index.set("manifests", manifests); err != nil {
		t.Fatal(err)
	}
}

func TestAppendManifests(t *testing.T) {
	for _, tc := range []struct {
		name   string
		nested bool
	}{
		{"index.json points at an index", true},
		{"index.json lists the manifests", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := readTestImage(t, testImage{stamp: firstBuild, platforms: []string{"amd64", "arm64"}})
			if !tc.nested {
				flatten(t, l)
			}
			before, err := l.IndexManifests()
			if err != nil || len(before) != 2 {
				t.Fatalf("IndexManifests = %v, %v; want the 2 platform manifests", before, err)
			}
			rootsBefore, _ := l.Manifests()
			blobsBefore := len(l.blobs)

			added := l.AddBlob(ocispec.MediaTypeImageManifest, []byte(`{"schemaVersion":2}`))
			added.Annotations = map[string]string{"vnd.docker.reference.type": "attestation-manifest"}
			added.Platform = &ocispec.Platform{OS: "unknown", Architecture: "unknown"}
			if err := l.AppendManifests(added); err != nil {
				t.Fatalf("AppendManifests: %v", err)
			}

			after, err := l.IndexManifests()
			if err != nil || len(after) != 3 {
				t.Fatalf("IndexManifests = %v, %v; want 3 entries", after, err)
			}
			for i := range before {
				if after[i].Digest != before[i].Digest || after[i].Platform.Architecture != before[i].Platform.Architecture {
					t.Errorf("entry %d changed: %v, was %v", i, after[i], before[i])
				}
			}
			if after[2].Digest != added.Digest || after[2].Annotations["vnd.docker.reference.type"] != "attestation-manifest" || after[2].Platform.OS != "unknown" {
				t.Errorf("appended entry = %+v, want %+v", after[2], added)
			}
			roots, _ := l.Manifests()
			if tc.nested {
				if len(roots) != 1 || roots[0].Digest == rootsBefore[0].Digest {
					t.Fatalf("roots = %v; want the one index under a new digest", roots)
				}
				if roots[0].Annotations["org.opencontainers.image.ref.name"] != "latest" {
					t.Errorf("root annotations lost: %v", roots[0].Annotations)
				}
				mustDocument(t, l, roots[0])
				if _, err := l.Blob(string(rootsBefore[0].Digest)); err == nil {
					t.Error("the replaced index blob is still in the layout")
				}
				// One blob added, one index replaced.
				if len(l.blobs) != blobsBefore+1 {
					t.Errorf("%d blobs, want %d", len(l.blobs), blobsBefore+1)
				}
			} else if len(roots) != 3 {
				t.Errorf("index.json lists %d manifests, want 3", len(roots))
			}

			again, err := ReadTar(bytes.NewReader(writeTar(t, l)))
			if err != nil {
				t.Fatalf("the layout does not read back: %v", err)
			}
			if got, _ := again.IndexManifests(); len(got) != 3 {
				t.Errorf("read back %d entries, want 3", len(got))
			}
		})
	}
}

func TestAppendManifestsIsDeterministic(t *testing.T) {
	build := func() []byte {
		l := readTestImage(t, testImage{stamp: firstBuild, platforms: []string{"amd64", "arm64"}})
		a := l.AddBlob(ocispec.MediaTypeImageManifest, []byte(`{"a":1}`))
		b := l.AddBlob(ocispec.MediaTypeImageManifest, []byte(`{"b":2}`))
		if err := l.AppendManifests(a, b); err != nil {
			t.Fatal(err)
		}
		return writeTar(t, l)
	}
	if !bytes.Equal(build(), build()) {
		t.Error("the same appends give different layouts")
	}
}

func TestAddBlobKeepsOneCopy(t *testing.T) {
	l := readTestImage(t, testImage{stamp: firstBuild, platforms: []string{"amd64"}})
	n := len(l.blobs)
	data := []byte("attestation")
	first := l.AddBlob("application/vnd.in-toto+json", data)
	data[0] = 'X' // the layout keeps its own copy
	second := l.AddBlob("application/vnd.in-toto+json", []byte("attestation"))
	if first.Digest != second.Digest || first.Size != 11 || len(l.blobs) != n+1 {
		t.Fatalf("descriptors %v, %v with %d blobs; want one blob of 11 bytes", first, second, len(l.blobs)-n)
	}
	if got, _ := l.Blob(string(first.Digest)); string(got) != "attestation" {
		t.Errorf("blob = %q", got)
	}
}

func TestAppendManifestsRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, l *Layout) Descriptor
		want string
	}{
		{
			name: "blob not added",
			edit: func(t *testing.T, l *Layout) Descriptor {
				return Descriptor{MediaType: ocispec.MediaTypeImageManifest, Digest: digestType(digestOf([]byte("x"))), Size: 1}
			},
			want: "blob " + digestOf([]byte("x")) + " is missing; add it with AddBlob first",
		},
		{
			name: "wrong size",
			edit: func(t *testing.T, l *Layout) Descriptor {
				d := l.AddBlob(ocispec.MediaTypeImageManifest, []byte("xy"))
				d.Size = 3
				return d
			},
			want: "descriptor size 3, blob " + digestOf([]byte("xy")) + " has 2 bytes",
		},
		{
			name: "two roots, one an index",
			edit: func(t *testing.T, l *Layout) Descriptor {
				roots, _ := l.Manifests()
				manifests, _ := l.IndexManifests()
				if err := l.index.set("manifests", append(roots, manifests[0])); err != nil {
					t.Fatal(err)
				}
				return l.AddBlob(ocispec.MediaTypeImageManifest, []byte("{}"))
			},
			want: "index.json lists 2 roots, one a application/vnd.oci.image.index.v1+json; want one image index or only image manifests",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := readTestImage(t, testImage{stamp: firstBuild, platforms: []string{"amd64"}})
			desc := tc.edit(t, l)
			errtest.Check(t, l.AppendManifests(desc), ErrInvalidLayout, tc.want)
		})
	}
}

// The engine exports one platform as index.json listing the manifest
// itself, without a platform: EnsureImageIndex nests it in an image index
// with the platform from its config, and keeps the root's annotations.
func TestEnsureImageIndexNestsASinglePlatform(t *testing.T) {
	l := readTestImage(t, testImage{stamp: epoch, platforms: []string{"arm64"}})
	flatten(t, l)
	roots, _ := l.Manifests()
	roots[0].Platform = nil
	roots[0].Annotations = map[string]string{"org.opencontainers.image.ref.name": "latest"}
	if err := l.index.set("manifests", roots); err != nil {
		t.Fatal(err)
	}
	manifest := roots[0].Digest

	if err := l.EnsureImageIndex(); err != nil {
		t.Fatal(err)
	}
	newRoots, _ := l.Manifests()
	if len(newRoots) != 1 || newRoots[0].MediaType != ocispec.MediaTypeImageIndex || newRoots[0].Annotations["org.opencontainers.image.ref.name"] != "latest" {
		t.Fatalf("index.json lists %+v, want one image index keeping the ref name", newRoots)
	}
	inner, err := l.IndexManifests()
	if err != nil {
		t.Fatal(err)
	}
	if len(inner) != 1 || inner[0].Digest != manifest || inner[0].Platform == nil ||
		inner[0].Platform.OS != "linux" || inner[0].Platform.Architecture != "arm64" || inner[0].Annotations != nil {
		t.Fatalf("the image index lists %+v, want the manifest with platform linux/arm64", inner)
	}
	// Idempotent, and deterministic: a second layout gives the same bytes.
	before := writeTar(t, l)
	if err := l.EnsureImageIndex(); err != nil || !bytes.Equal(before, writeTar(t, l)) {
		t.Fatalf("a second EnsureImageIndex changed the layout (%v)", err)
	}
	// Attestations can now join the platform manifest.
	extra := l.AddBlob(ocispec.MediaTypeImageManifest, []byte(`{"schemaVersion":2}`))
	if err := l.AppendManifests(extra); err != nil {
		t.Fatal(err)
	}
}

func TestEnsureImageIndexKeepsAnIndex(t *testing.T) {
	l := readTestImage(t, testImage{stamp: epoch, platforms: []string{"amd64", "arm64"}})
	before := writeTar(t, l)
	if err := l.EnsureImageIndex(); err != nil || !bytes.Equal(before, writeTar(t, l)) {
		t.Fatalf("EnsureImageIndex changed a layout that has an image index (%v)", err)
	}
}

// PlatformManifests names every platform image with its platform, for a
// bare single manifest (from its config) as for an image index, and
// changes nothing.
func TestPlatformManifests(t *testing.T) {
	bare := readTestImage(t, testImage{stamp: epoch, platforms: []string{"arm64"}})
	flatten(t, bare)
	roots, _ := bare.Manifests()
	roots[0].Platform = nil
	if err := bare.index.set("manifests", roots); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		layout *Layout
		want   []string
	}{
		{"bare manifest", bare, []string{"linux/arm64"}},
		{"image index", readTestImage(t, testImage{stamp: epoch, platforms: []string{"amd64", "arm64"}}), []string{"linux/amd64", "linux/arm64"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := writeTar(t, tc.layout)
			descs, err := tc.layout.PlatformManifests()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range descs {
				got = append(got, d.Platform.OS+"/"+d.Platform.Architecture)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("platforms %v, want %v", got, tc.want)
			}
			if !bytes.Equal(before, writeTar(t, tc.layout)) {
				t.Fatal("PlatformManifests changed the layout")
			}
		})
	}
}
