package attest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/containerd/platforms"
	godigest "github.com/opencontainers/go-digest"
)

const (
	// BuildType names the meaning of go-build's provenance: the fields of
	// externalParameters and internalParameters that Provenance documents.
	// A change of their meaning needs a new URI.
	BuildType = "https://github.com/dagger/go-build/provenance/v1"
	// DefaultBuilderID is runDetails.builder.id when Provenance names no
	// other: go-build, run by whoever runs it. SLSA wants the id to name
	// the trust base; a CI system that signs the result may give its own.
	DefaultBuilderID = "https://github.com/dagger/go-build"
)

// Provenance is what a SLSA provenance v1 predicate records about building
// one platform: the source, the go build parameters and the toolchain.
//
// It holds plain values only, and every one of them ends up in a public
// attestation: the caller must not put secrets in it (a token in an
// ldflags -X, a password in Env, credentials in Repository). Repository is
// checked for user info; use ContainsAny to check the result against known
// secrets. There are no times or ids: SLSA makes runDetails.metadata
// optional, and a wall-clock time or random invocation id would make every
// build's attestation, and so the image index, differ.
type Provenance struct {
	// Repository is the source repository's URL without credentials,
	// e.g. https://github.com/o/r (see redact.Remote). Empty when the
	// source has no remote.
	Repository string
	// Revision is the full commit hash the source was at, or empty.
	Revision string
	// Platform is the target, e.g. linux/arm/v7.
	Platform string
	// Packages are the packages built, e.g. ./cmd/app.
	Packages []string
	// Tags are the go build tags; Ldflags the go build -ldflags value.
	Tags    []string
	Ldflags string
	// Cgo says whether cgo was enabled; Static whether the binaries were
	// linked statically.
	Cgo    bool
	Static bool
	// Env is the environment the go command ran with that a rebuild needs:
	// GOOS, GOARCH, GOARM, CGO_ENABLED, CC and the like.
	Env map[string]string
	// BuilderImage is the reference of the image go ran in, e.g.
	// golang:1.26-bookworm, and BuilderDigest its digest as resolved
	// (preferably the index's, which is the same on every build host).
	BuilderImage  string
	BuilderDigest string
	// GoVersion is the go version that built, e.g. go1.26.1.
	GoVersion string
	// BuilderID overrides DefaultBuilderID; BuilderVersion, when set, is
	// recorded as runDetails.builder.version["go-build"].
	BuilderID      string
	BuilderVersion string
}

// The predicate's JSON. Field names are SLSA v1's; externalParameters and
// internalParameters are go-build's, described by BuildType.
type (
	slsaPredicate struct {
		BuildDefinition buildDefinition `json:"buildDefinition"`
		RunDetails      runDetails      `json:"runDetails"`
	}
	buildDefinition struct {
		BuildType            string               `json:"buildType"`
		ExternalParameters   externalParameters   `json:"externalParameters"`
		InternalParameters   internalParameters   `json:"internalParameters"`
		ResolvedDependencies []resourceDescriptor `json:"resolvedDependencies,omitempty"`
	}
	externalParameters struct {
		Repository string            `json:"repository,omitempty"`
		Revision   string            `json:"revision,omitempty"`
		Platform   string            `json:"platform"`
		Packages   []string          `json:"packages"`
		Tags       []string          `json:"tags,omitempty"`
		Ldflags    string            `json:"ldflags,omitempty"`
		Cgo        bool              `json:"cgo"`
		Static     bool              `json:"static"`
		Env        map[string]string `json:"env,omitempty"`
	}
	internalParameters struct {
		BuilderImage string `json:"builderImage,omitempty"`
		GoVersion    string `json:"goVersion,omitempty"`
	}
	resourceDescriptor struct {
		URI    string            `json:"uri,omitempty"`
		Digest map[string]string `json:"digest,omitempty"`
	}
	runDetails struct {
		Builder builder `json:"builder"`
	}
	builder struct {
		ID      string            `json:"id"`
		Version map[string]string `json:"version,omitempty"`
	}
)

var (
	// commitPattern is a full git commit hash: SHA-1 or SHA-256.
	commitPattern = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)
	envKeyPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// Predicate checks p and encodes it as a SLSA provenance v1 predicate.
// Slices keep their order (it is the order go was given them); Env is
// written with sorted keys.
func (p Provenance) Predicate() (Predicate, error) {
	pred := slsaPredicate{
		BuildDefinition: buildDefinition{
			BuildType: BuildType,
			ExternalParameters: externalParameters{
				Repository: p.Repository,
				Revision:   p.Revision,
				Platform:   p.Platform,
				Packages:   p.Packages,
				Tags:       p.Tags,
				Ldflags:    p.Ldflags,
				Cgo:        p.Cgo,
				Static:     p.Static,
				Env:        p.Env,
			},
			InternalParameters: internalParameters{BuilderImage: p.BuilderImage, GoVersion: p.GoVersion},
		},
		RunDetails: runDetails{Builder: builder{ID: p.BuilderID}},
	}
	if pred.RunDetails.Builder.ID == "" {
		pred.RunDetails.Builder.ID = DefaultBuilderID
	}
	if p.BuilderVersion != "" {
		pred.RunDetails.Builder.Version = map[string]string{"go-build": p.BuilderVersion}
	}
	source, err := p.source()
	if err != nil {
		return Predicate{}, err
	}
	if err := p.checkBuild(); err != nil {
		return Predicate{}, err
	}
	image, err := p.builderImage()
	if err != nil {
		return Predicate{}, err
	}
	for _, dep := range []*resourceDescriptor{source, image} {
		if dep != nil {
			pred.BuildDefinition.ResolvedDependencies = append(pred.BuildDefinition.ResolvedDependencies, *dep)
		}
	}
	data, err := json.Marshal(pred)
	if err != nil {
		return Predicate{}, fmt.Errorf("%w: provenance: %v", ErrAttestation, err)
	}
	return Predicate{Type: PredicateSLSAProvenanceV1, Body: data}, nil
}

// source is the source as a resolved dependency, in the form SLSA's own
// example uses: git+<repository>@<revision> with the commit as digest.
func (p Provenance) source() (*resourceDescriptor, error) {
	if p.Revision != "" && !commitPattern.MatchString(p.Revision) {
		return nil, fmt.Errorf("%w: provenance revision %q: want a full commit hash, 40 or 64 lowercase hex digits", ErrAttestation, p.Revision)
	}
	if p.Repository != "" {
		u, err := url.Parse(p.Repository)
		if err != nil || u.User != nil {
			// Do not echo it: the user info may be a token.
			return nil, fmt.Errorf("%w: provenance repository is not a URL without credentials; want e.g. https://github.com/o/r", ErrAttestation)
		}
		if u.Scheme == "" || u.Scheme == "file" || u.Host == "" {
			return nil, fmt.Errorf("%w: provenance repository %q: want the repository's URL, e.g. https://github.com/o/r, not a local path", ErrAttestation, p.Repository)
		}
	}
	dep := &resourceDescriptor{}
	if p.Repository != "" {
		dep.URI = "git+" + p.Repository
		if p.Revision != "" {
			dep.URI += "@" + p.Revision
		}
	}
	if p.Revision != "" {
		dep.Digest = map[string]string{"gitCommit": p.Revision}
	}
	if dep.URI == "" && dep.Digest == nil {
		return nil, nil
	}
	return dep, nil
}

func (p Provenance) checkBuild() error {
	if _, err := platforms.Parse(p.Platform); err != nil || p.Platform == "" {
		return fmt.Errorf("%w: provenance platform %q: want os/arch[/variant], e.g. linux/arm64", ErrAttestation, p.Platform)
	}
	if len(p.Packages) == 0 {
		return fmt.Errorf("%w: provenance has no packages; want the packages built, e.g. ./cmd/app", ErrAttestation)
	}
	for _, pkg := range p.Packages {
		if pkg == "" || path.IsAbs(pkg) || strings.HasPrefix(pkg, `\`) {
			return fmt.Errorf("%w: provenance package %q: want a package path or pattern, e.g. ./cmd/app, not an absolute path on the build host", ErrAttestation, pkg)
		}
	}
	keys := make([]string, 0, len(p.Env))
	for key := range p.Env {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if !envKeyPattern.MatchString(key) {
			return fmt.Errorf("%w: provenance env name %q: want letters, digits and '_', not starting with a digit", ErrAttestation, key)
		}
	}
	return nil
}

// builderImage is the builder image as a resolved dependency, named by its
// package URL as BuildKit names base images.
func (p Provenance) builderImage() (*resourceDescriptor, error) {
	if p.BuilderImage == "" {
		if p.BuilderDigest != "" {
			return nil, fmt.Errorf("%w: provenance builder digest %s without a builder image; want both or neither", ErrAttestation, p.BuilderDigest)
		}
		return nil, nil
	}
	uri, err := SubjectName(p.BuilderImage, nil)
	if err != nil {
		return nil, err
	}
	dep := &resourceDescriptor{URI: uri}
	if p.BuilderDigest != "" {
		d, err := godigest.Parse(p.BuilderDigest)
		if err != nil {
			return nil, fmt.Errorf("%w: provenance builder digest %q: want sha256:<64 hex digits>", ErrAttestation, p.BuilderDigest)
		}
		dep.Digest = map[string]string{d.Algorithm().String(): d.Encoded()}
	}
	return dep, nil
}

// ContainsAny reports whether doc contains any of the non-empty secrets,
// as is or as JSON escapes it (a secret with a quote, '<' or '&' is
// written escaped). Tests use it to prove a value given as a secret never
// reaches an attestation; a caller may use it as a last check before
// publishing one.
func ContainsAny(doc []byte, secrets []string) bool {
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if strings.Contains(string(doc), s) {
			return true
		}
		escaped, err := json.Marshal(s)
		if err == nil && strings.Contains(string(doc), string(escaped[1:len(escaped)-1])) {
			return true
		}
	}
	return false
}
