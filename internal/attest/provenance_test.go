package attest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
)

const testCommit = "0123456789abcdef0123456789abcdef01234567"

func testProvenance() Provenance {
	return Provenance{
		Repository:     "https://github.com/o/r",
		Revision:       testCommit,
		Platform:       "linux/arm/v7",
		Packages:       []string{"./cmd/app", "./cmd/tool"},
		Tags:           []string{"netgo", "osusergo"},
		Ldflags:        "-s -w -X main.version=1.2.3",
		Cgo:            true,
		Static:         false,
		Env:            map[string]string{"GOOS": "linux", "GOARCH": "arm", "GOARM": "7", "CGO_ENABLED": "1", "CC": "arm-linux-gnueabihf-gcc"},
		BuilderImage:   "golang:1.26-bookworm",
		BuilderDigest:  testDigest,
		GoVersion:      "go1.26.1",
		BuilderVersion: "v0.9.0",
	}
}

func TestProvenancePredicate(t *testing.T) {
	pred, err := testProvenance().Predicate()
	if err != nil {
		t.Fatal(err)
	}
	if pred.Type != PredicateSLSAProvenanceV1 {
		t.Errorf("type = %s", pred.Type)
	}
	want := `{
  "buildDefinition": {
    "buildType": "https://github.com/dagger/go-build/provenance/v1",
    "externalParameters": {
      "repository": "https://github.com/o/r",
      "revision": "` + testCommit + `",
      "platform": "linux/arm/v7",
      "packages": ["./cmd/app", "./cmd/tool"],
      "tags": ["netgo", "osusergo"],
      "ldflags": "-s -w -X main.version=1.2.3",
      "cgo": true,
      "static": false,
      "env": {"CC": "arm-linux-gnueabihf-gcc", "CGO_ENABLED": "1", "GOARCH": "arm", "GOARM": "7", "GOOS": "linux"}
    },
    "internalParameters": {"builderImage": "golang:1.26-bookworm", "goVersion": "go1.26.1"},
    "resolvedDependencies": [
      {"uri": "git+https://github.com/o/r@` + testCommit + `", "digest": {"gitCommit": "` + testCommit + `"}},
      {"uri": "pkg:docker/golang@1.26-bookworm", "digest": {"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}
    ]
  },
  "runDetails": {"builder": {"id": "https://github.com/dagger/go-build", "version": {"go-build": "v0.9.0"}}}
}`
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(want)); err != nil {
		t.Fatal(err)
	}
	if string(pred.Body) != compact.String() {
		t.Errorf("predicate =\n%s\nwant\n%s", pred.Body, compact.String())
	}
	again, _ := testProvenance().Predicate()
	if !bytes.Equal(again.Body, pred.Body) {
		t.Error("the same provenance encodes differently")
	}
}

func TestProvenanceMinimal(t *testing.T) {
	pred, err := Provenance{Platform: "linux/amd64", Packages: []string{"."}, BuilderID: "https://ci.example/builder"}.Predicate()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"buildDefinition":{"buildType":"https://github.com/dagger/go-build/provenance/v1","externalParameters":{"platform":"linux/amd64","packages":["."],"cgo":false,"static":false},"internalParameters":{}},"runDetails":{"builder":{"id":"https://ci.example/builder"}}}`
	if string(pred.Body) != want {
		t.Errorf("predicate =\n%s\nwant\n%s", pred.Body, want)
	}
}

func TestProvenanceRejects(t *testing.T) {
	const token = "ghp_SECRETTOKEN123"
	for _, tc := range []struct {
		name string
		edit func(p *Provenance)
		want string
	}{
		{"short revision", func(p *Provenance) { p.Revision = "abc123" }, `revision "abc123": want a full commit hash`},
		{"uppercase revision", func(p *Provenance) { p.Revision = strings.ToUpper(testCommit) }, "want a full commit hash, 40 or 64 lowercase hex digits"},
		{"credentials in the repository", func(p *Provenance) { p.Repository = "https://x-access-token:" + token + "@github.com/o/r" }, "repository is not a URL without credentials"},
		{"token as user", func(p *Provenance) { p.Repository = "https://" + token + "@github.com/o/r" }, "repository is not a URL without credentials"},
		{"local path", func(p *Provenance) { p.Repository = "/home/me/src/r" }, `repository "/home/me/src/r": want the repository's URL`},
		{"file URL", func(p *Provenance) { p.Repository = "file:///home/me/src/r" }, "not a local path"},
		{"no platform", func(p *Provenance) { p.Platform = "" }, `platform "": want os/arch[/variant]`},
		{"bad platform", func(p *Provenance) { p.Platform = "linux/arm/v7/x" }, `platform "linux/arm/v7/x"`},
		{"no packages", func(p *Provenance) { p.Packages = nil }, "no packages"},
		{"absolute package", func(p *Provenance) { p.Packages = []string{"/work/src/cmd/app"} }, `package "/work/src/cmd/app": want a package path or pattern`},
		{"bad env name", func(p *Provenance) { p.Env = map[string]string{"GOOS": "linux", "1X": "y"} }, `env name "1X"`},
		{"digest without image", func(p *Provenance) { p.BuilderImage = "" }, "builder digest " + testDigest + " without a builder image"},
		{"bad builder digest", func(p *Provenance) { p.BuilderDigest = "sha256:xyz" }, `builder digest "sha256:xyz": want sha256:<64 hex digits>`},
		{"bad builder image", func(p *Provenance) { p.BuilderImage = "Golang:1" }, `image name "Golang:1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testProvenance()
			tc.edit(&p)
			_, err := p.Predicate()
			errtest.Check(t, err, ErrAttestation, tc.want)
			if strings.Contains(err.Error(), token) {
				t.Errorf("the error shows the token: %v", err)
			}
		})
	}
}

func TestContainsAny(t *testing.T) {
	pred, err := testProvenance().Predicate()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		doc     string
		secrets []string
		want    bool
	}{
		{"none given", string(pred.Body), nil, false},
		{"empty secrets are ignored", string(pred.Body), []string{""}, false},
		{"secrets absent from the provenance", string(pred.Body), []string{"s3cret-password", "ghp_abc"}, false},
		{"a value in the provenance", string(pred.Body), []string{"nope", "main.version=1.2.3"}, true},
		{"a secret JSON escapes", `{"ldflags":"-X main.k=a\u003cb\"c"}`, []string{`a<b"c`}, true},
		{"as is", `{"env":{"TOKEN":"abc"}}`, []string{"abc"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ContainsAny([]byte(tc.doc), tc.secrets); got != tc.want {
				t.Errorf("ContainsAny = %v, want %v", got, tc.want)
			}
		})
	}
}
