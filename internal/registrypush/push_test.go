package registrypush

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// testRegistry is an in-memory registry that counts requests and, when
// user is set, wants basic authentication.
type testRegistry struct {
	host     string
	requests atomic.Int32
}

func newTestRegistry(t *testing.T, user, password string) *testRegistry {
	t.Helper()
	reg := &testRegistry{}
	handler := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reg.requests.Add(1)
		if user != "" && r.URL.Path != "/v2/" {
			if u, p, ok := r.BasicAuth(); !ok || u != user || p != password {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
				return
			}
		}
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	reg.host = strings.TrimPrefix(srv.URL, "http://")
	return reg
}

// indexLayout writes a layout holding a two-platform index, as the engine
// exports it, and returns its directory and the index's digest.
func indexLayout(t *testing.T) (string, v1.Hash) {
	t.Helper()
	idx, err := random.Index(256, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	return writeLayout(t, mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: idx})), mustDigest(t, idx)
}

func writeLayout(t *testing.T, root v1.ImageIndex) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := layout.Write(dir, root); err != nil {
		t.Fatal(err)
	}
	return dir
}

func mustDigest(t *testing.T, d interface{ Digest() (v1.Hash, error) }) v1.Hash {
	t.Helper()
	h, err := d.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// pushedDigest is the digest ref resolves to in the registry.
func pushedDigest(t *testing.T, ref string) string {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Head(r)
	if err != nil {
		t.Fatalf("%s was not pushed: %v", ref, err)
	}
	return desc.Digest.String()
}

func TestPushIndexToEveryTag(t *testing.T) {
	reg := newTestRegistry(t, "", "")
	dir, want := indexLayout(t)
	refs := []string{reg.host + "/team/app:1.2.3", reg.host + "/team/app:latest"}
	got, err := Push(context.Background(), dir, refs, Options{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if got != want.String() {
		t.Errorf("Push returned %s, want the layout's index %s", got, want)
	}
	for _, ref := range refs {
		if d := pushedDigest(t, ref); d != want.String() {
			t.Errorf("%s is %s, want %s: the registry must hold the layout's bytes", ref, d, want)
		}
	}
	idx, err := remote.Index(mustRef(t, refs[0]))
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := idx.IndexManifest()
	if err != nil || len(manifest.Manifests) != 2 {
		t.Fatalf("pushed index lists %v, %v; want both platforms", manifest, err)
	}
	for _, m := range manifest.Manifests {
		img, err := idx.Image(m.Digest)
		if err != nil {
			t.Fatal(err)
		}
		layers, err := img.Layers()
		if err != nil || len(layers) != 1 {
			t.Fatalf("layers = %v, %v", layers, err)
		}
		if _, err := layers[0].Compressed(); err != nil {
			t.Errorf("layer blob of %s not pushed: %v", m.Digest, err)
		}
	}
}

func TestPushSingleImage(t *testing.T) {
	reg := newTestRegistry(t, "", "")
	img, err := random.Image(128, 2)
	if err != nil {
		t.Fatal(err)
	}
	dir := writeLayout(t, mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: img}))
	got, err := Push(context.Background(), dir, []string{reg.host + "/app:v1"}, Options{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := mustDigest(t, img).String(); got != want || pushedDigest(t, reg.host+"/app:v1") != want {
		t.Errorf("pushed %s, want %s", got, want)
	}
}

func TestPushThroughEndpoint(t *testing.T) {
	reg := newTestRegistry(t, "", "")
	dir, want := indexLayout(t)
	got, err := Push(context.Background(), dir, []string{"registry.example/team/app:1.0"}, Options{Endpoint: reg.host})
	if err != nil {
		t.Fatal(err)
	}
	if got != want.String() || pushedDigest(t, reg.host+"/team/app:1.0") != want.String() {
		t.Errorf("the image did not land under the reference's repository and tag at the endpoint")
	}
}

func TestPushByDigestThroughEndpoint(t *testing.T) {
	reg := newTestRegistry(t, "", "")
	dir, want := indexLayout(t)
	ref := "registry.example/team/app@" + want.String()
	got, err := Push(context.Background(), dir, []string{ref}, Options{Endpoint: reg.host})
	if err != nil {
		t.Fatal(err)
	}
	if got != want.String() || pushedDigest(t, reg.host+"/team/app@"+want.String()) != want.String() {
		t.Errorf("the image did not land by digest under the reference's repository at the endpoint")
	}
	tags, err := remote.List(mustRef(t, reg.host+"/team/app").Context())
	if err != nil || len(tags) != 0 {
		t.Errorf("a push by digest made the tags %v (%v), want none", tags, err)
	}
}

func TestPushAuthentication(t *testing.T) {
	reg := newTestRegistry(t, "ci", "s3cret")
	dir, want := indexLayout(t)
	ref := reg.host + "/app:1"
	for _, tc := range []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"anonymous", Options{Insecure: true}, "the registry refused an anonymous push (no credentials given): 401 Unauthorized"},
		{"wrong password", Options{Insecure: true, Auth: authn.AuthConfig{Username: "ci", Password: "nope"}, From: "--username/--password"}, `the registry refused user "ci" from --username/--password: 401 Unauthorized`},
		{"right password", Options{Insecure: true, Auth: authn.AuthConfig{Username: "ci", Password: "s3cret"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Push(context.Background(), dir, []string{ref}, tc.opts)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrPush) || !strings.Contains(err.Error(), ref+": ") || !strings.Contains(err.Error(), ": "+tc.wantErr+", after 1 try") {
					t.Fatalf("err = %v, want ErrPush naming %s: %s", err, ref, tc.wantErr)
				}
				return
			}
			if err != nil || got != want.String() {
				t.Fatalf("Push = %s, %v", got, err)
			}
		})
	}
}

func TestPushRejectsBeforeConnecting(t *testing.T) {
	reg := newTestRegistry(t, "", "")
	dir, _ := indexLayout(t)
	twoRoots := writeLayout(t, mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: mustRandomIndex(t)}, mutate.IndexAddendum{Add: mustRandomIndex(t)}))
	for _, tc := range []struct {
		name string
		dir  string
		refs []string
		opts Options
		want string
	}{
		{"no reference", dir, nil, Options{}, "no reference"},
		{"bad reference", dir, []string{reg.host + "/app:1", reg.host + "/App:1"}, Options{Insecure: true}, `reference "` + reg.host + `/App:1"`},
		{"digest only", dir, []string{reg.host + "/app"}, Options{Insecure: true}, `reference "` + reg.host + `/app"`},
		{"bad endpoint", dir, []string{"registry.example/app:1"}, Options{Endpoint: "http://x/y"}, `endpoint "http://x/y"`},
		{"two images in the layout", twoRoots, []string{reg.host + "/app:1"}, Options{Insecure: true}, "lists 2 images, want 1"},
		{"not a layout", t.TempDir(), []string{reg.host + "/app:1"}, Options{Insecure: true}, "reading the image layout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := reg.requests.Load()
			_, err := Push(context.Background(), tc.dir, tc.refs, tc.opts)
			if !errors.Is(err, ErrPush) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrPush containing %q", err, tc.want)
			}
			if n := reg.requests.Load() - before; n != 0 {
				t.Errorf("%d requests reached the registry before the error", n)
			}
		})
	}
}

func TestPushUnreachable(t *testing.T) {
	dir, _ := indexLayout(t)
	// Port 1 on the loopback address: nothing listens there.
	ref := "127.0.0.1:1/app:1"
	_, err := Push(context.Background(), dir, []string{ref}, Options{Insecure: true})
	if !errors.Is(err, ErrPush) || !strings.Contains(err.Error(), ref) {
		t.Fatalf("err = %v, want ErrPush naming %s", err, ref)
	}
}

func mustRef(t *testing.T, ref string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustRandomIndex(t *testing.T) v1.ImageIndex {
	t.Helper()
	idx, err := random.Index(64, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

func TestPushTagsNamesPlatformImages(t *testing.T) {
	reg := newTestRegistry(t, "", "")
	dir, root := indexLayout(t)
	l, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := l.ImageIndex(root)
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	children := manifest.Manifests
	tags := []Tag{
		{Ref: reg.host + "/go-build:v1-amd64", Digest: children[0].Digest.String()},
		{Ref: reg.host + "/go-build:v1-arm64", Digest: children[1].Digest.String()},
		{Ref: reg.host + "/go-build:v1"},
	}
	got, err := PushTags(context.Background(), dir, tags, Options{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if got != root.String() {
		t.Errorf("PushTags returned %s, want the root %s", got, root)
	}
	for i, want := range []string{children[0].Digest.String(), children[1].Digest.String(), root.String()} {
		if d := pushedDigest(t, tags[i].Ref); d != want {
			t.Errorf("%s is %s, want %s", tags[i].Ref, d, want)
		}
	}
}

func TestPushTagsRejectsAnImageNotInTheLayout(t *testing.T) {
	reg := newTestRegistry(t, "", "")
	dir, root := indexLayout(t)
	missing := "sha256:" + strings.Repeat("0", 64)
	_, err := PushTags(context.Background(), dir, []Tag{{Ref: reg.host + "/app:1-amd64", Digest: missing}, {Ref: reg.host + "/app:1"}}, Options{Insecure: true})
	want := reg.host + "/app:1-amd64: the image layout has no image " + missing + ": want its root " + root.String()
	if !errors.Is(err, ErrPush) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want ErrPush containing %q", err, want)
	}
	if n := reg.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the registry, want none before the images are found", n)
	}
}
