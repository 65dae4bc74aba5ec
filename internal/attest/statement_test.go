package attest

import (
	"testing"

	"dagger/go-build/internal/errtest"

	godigest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

const testDigest = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func TestSubjectName(t *testing.T) {
	arm := &ocispec.Platform{OS: "linux", Architecture: "arm"}
	for _, tc := range []struct {
		ref      string
		platform *ocispec.Platform
		want     string
		wantErr  string
	}{
		// BuildKit's own cases (util/purl/image_test.go).
		{ref: "alpine", want: "pkg:docker/alpine@latest"},
		{ref: "library/alpine:3.15", want: "pkg:docker/alpine@3.15"},
		{ref: "docker.io/library/alpine:latest", want: "pkg:docker/alpine@latest"},
		{ref: "docker.io/library/alpine:latest@" + testDigest, want: "pkg:docker/alpine@latest?digest=" + testDigest},
		{ref: "docker.io/library/alpine@" + testDigest, want: "pkg:docker/alpine?digest=" + testDigest},
		{ref: "user/test:v2", want: "pkg:docker/user/test@v2"},
		{ref: "ghcr.io/foo/bar:v2", want: "pkg:docker/ghcr.io/foo/bar@v2"},
		{ref: "ghcr.io/foo/bar", want: "pkg:docker/ghcr.io/foo/bar@latest"},
		{ref: "busybox", platform: &ocispec.Platform{OS: "linux", Architecture: "amd64"}, want: "pkg:docker/busybox@latest?platform=linux%2Famd64"},
		{ref: "busybox@" + testDigest, platform: &ocispec.Platform{OS: "linux", Architecture: "amd64"}, want: "pkg:docker/busybox?digest=" + testDigest + "&platform=linux%2Famd64"},
		// Platforms are normalized: arm means arm/v7, arm64/v8 is arm64.
		{ref: "ghcr.io/o/app:1.0", platform: arm, want: "pkg:docker/ghcr.io/o/app@1.0?platform=linux%2Farm%2Fv7"},
		{ref: "ghcr.io/o/app:1.0", platform: &ocispec.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}, want: "pkg:docker/ghcr.io/o/app@1.0?platform=linux%2Farm64"},
		// A port is escaped as the package URL spec wants.
		{ref: "localhost:5000/team/app:1", want: "pkg:docker/localhost%3A5000/team/app@1"},
		{ref: "inv:al:id", wantErr: `image name "inv:al:id"`},
		{ref: "ghcr.io/o/App", wantErr: `image name "ghcr.io/o/App"`},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			got, err := SubjectName(tc.ref, tc.platform)
			errtest.Check(t, err, ErrAttestation, tc.wantErr)
			if got != tc.want {
				t.Errorf("SubjectName(%q) = %q, want %q", tc.ref, got, tc.want)
			}
		})
	}
}

func TestSubjects(t *testing.T) {
	amd64 := ocispec.Platform{OS: "linux", Architecture: "amd64"}
	hex := godigest.Digest(testDigest).Encoded()
	for _, tc := range []struct {
		name    string
		names   []string
		digest  godigest.Digest
		want    []string
		wantErr string
	}{
		{name: "no image name", digest: testDigest, want: []string{"_"}},
		{name: "every tag", names: []string{"ghcr.io/o/app:1.0", "ghcr.io/o/app:latest"}, digest: testDigest,
			want: []string{"pkg:docker/ghcr.io/o/app@1.0?platform=linux%2Famd64", "pkg:docker/ghcr.io/o/app@latest?platform=linux%2Famd64"}},
		{name: "bad digest", digest: "sha256:abc", wantErr: `manifest digest "sha256:abc"`},
		{name: "bad name", names: []string{"ghcr.io/o/App"}, digest: testDigest, wantErr: `image name "ghcr.io/o/App"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Subjects(tc.names, amd64, tc.digest)
			errtest.Check(t, err, ErrAttestation, tc.wantErr)
			if len(got) != len(tc.want) {
				t.Fatalf("subjects = %v, want names %v", got, tc.want)
			}
			for i, s := range got {
				if s.Name != tc.want[i] || len(s.Digest) != 1 || s.Digest["sha256"] != hex {
					t.Errorf("subject %d = %+v, want %s with sha256 %s", i, s, tc.want[i], hex)
				}
			}
		})
	}
}

func TestNewStatement(t *testing.T) {
	subjects := []Subject{{Name: "_", Digest: map[string]string{"sha256": "ab"}}}
	for _, tc := range []struct {
		name     string
		pred     Predicate
		subjects []Subject
		want     string
		wantErr  string
	}{
		{
			// BuildKit's field order; the predicate is compacted.
			name:     "spdx",
			pred:     Predicate{Type: PredicateSPDX, Body: []byte("{\n  \"spdxVersion\": \"SPDX-2.3\",\n  \"name\": \"a<b\"\n}\n")},
			subjects: subjects,
			want:     `{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","subject":[{"name":"_","digest":{"sha256":"ab"}}],"predicate":{"spdxVersion":"SPDX-2.3","name":"a\u003cb"}}`,
		},
		{name: "no type", pred: Predicate{Body: []byte("{}")}, subjects: subjects, wantErr: "empty predicate type"},
		{name: "not JSON", pred: Predicate{Type: PredicateSPDX, Body: []byte("{")}, subjects: subjects, wantErr: "https://spdx.dev/Document predicate is not a JSON object"},
		{name: "not an object", pred: Predicate{Type: PredicateSPDX, Body: []byte("[]")}, subjects: subjects, wantErr: "predicate is not a JSON object"},
		{name: "no subject", pred: Predicate{Type: PredicateSPDX, Body: []byte("{}")}, wantErr: "statement has no subject"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewStatement(tc.pred, tc.subjects)
			errtest.Check(t, err, ErrAttestation, tc.wantErr)
			if string(got) != tc.want {
				t.Errorf("statement =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
