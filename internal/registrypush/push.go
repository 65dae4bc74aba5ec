// Package registrypush pushes the image an OCI image layout holds to a
// registry byte for byte, so the pushed digest is the digest of the layout.
//
// The engine's own push would assemble the image again and stamp it with
// the time of the push; pushing the layout keeps a reproducible image
// reproducible.
//
// The push survives what registries and networks do: transient failures
// are retried as go-containerregistry's own clients retry them (Policy,
// Transient), a 429's Retry-After is waited for (at most MaxRetryAfter), a
// request that makes no progress is cut and retried (the stall timeout),
// and no tag moves before every blob and manifest is in.
//
// And it always ends: a request is cut at the request deadline however
// steadily it moves, an operation (a blob's upload, a manifest's put, a
// tag's write) at the operation deadline however often it is tried, and an
// error answer's body is read up to MaxErrorBody. A failed push is an
// *Error naming the registry, repository, operation, status and tries.
package registrypush

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// ErrPush is wrapped by every error this package returns.
var ErrPush = errors.New("pushing the image")

// DefaultOperationTimeout is how long one operation may take, its tries
// and the waits between them included: four tries of a request that runs
// to DefaultRequestTimeout.
const DefaultOperationTimeout = 2 * time.Hour

// Options say how to reach the registry and as whom.
type Options struct {
	// Auth authenticates (user and password, or an identity or registry
	// token); the zero value pushes anonymously.
	Auth authn.AuthConfig
	// From says where Auth came from, for the message when the registry
	// refuses it, e.g. "docker config entry for ghcr.io". It must hold no
	// secret.
	From string
	// Endpoint, host[:port], is where to connect instead of the
	// reference's registry host, e.g. a registry service's address. The
	// image is still pushed under the reference's repository and tag.
	Endpoint string
	// Insecure allows plain HTTP. It is implied by Endpoint: a registry
	// service speaks plain HTTP unless it is given a certificate.
	Insecure bool
	// Retry bounds the tries of a failed request or blob upload; the zero
	// value is DefaultPolicy.
	Retry Policy
	// StallTimeout cuts a request that makes no progress for this long,
	// to be tried again; 0 is DefaultStallTimeout.
	StallTimeout time.Duration
	// RequestTimeout cuts a request not done within it, from its first
	// byte sent to its answer's last byte read, to be tried again; 0 is
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// OperationTimeout ends an operation (a blob's upload, a manifest's
	// put, a tag's write) not done within it, its tries and the waits
	// between them included, and the push with it; 0 is
	// DefaultOperationTimeout.
	OperationTimeout time.Duration
	// Logf, when set, is told of every transient failure.
	Logf func(format string, args ...any)
}

// Push pushes the single image (an index or a manifest) that the layout in
// dir lists in its index.json to every reference, and returns its digest.
// Every reference is checked before anything is pushed.
//
// It is all or nothing: every blob and manifest goes in by digest first,
// and only then are the tags written, the references' own order. A failed
// tag write leaves that tag as it was. Transient failures are tried again
// under the policy: a request on its own, a blob upload from its start.
func Push(ctx context.Context, dir string, refs []string, opts Options) (string, error) {
	if len(refs) == 0 {
		return "", fmt.Errorf("%w: no reference to push to", ErrPush)
	}
	return PushTags(ctx, dir, RootTags(refs), opts)
}

// RootTags are refs, each naming the layout's root.
func RootTags(refs []string) []Tag {
	tags := make([]Tag, len(refs))
	for i, ref := range refs {
		tags[i] = Tag{Ref: ref}
	}
	return tags
}

// Tag is a reference to push and the image of the layout it is to name.
type Tag struct {
	// Ref is the reference, repository:tag (or repository@digest).
	Ref string
	// Digest is the image's manifest digest: the layout's root or an
	// image its root index lists, e.g. one platform's. Empty is the root.
	Digest string
}

// PushTags pushes images of the layout in dir, each under its tags, as
// Push does one: every tag is checked first, then the content of every
// image goes in by digest, and only then are the tags written, in their
// order. It returns the root's digest.
func PushTags(ctx context.Context, dir string, tags []Tag, opts Options) (string, error) {
	if len(tags) == 0 {
		return "", fmt.Errorf("%w: no reference to push to", ErrPush)
	}
	if opts.Retry.Tries < 0 || opts.StallTimeout < 0 || opts.RequestTimeout < 0 || opts.OperationTimeout < 0 {
		return "", fmt.Errorf("%w: retry tries %d, stall timeout %s, request timeout %s, operation timeout %s: want none negative",
			ErrPush, opts.Retry.Tries, opts.StallTimeout, opts.RequestTimeout, opts.OperationTimeout)
	}
	targets := make([]name.Reference, len(tags))
	for i, tag := range tags {
		target, err := opts.target(tag.Ref)
		if err != nil {
			return "", err
		}
		targets[i] = target
	}
	l, err := openLayout(dir)
	if err != nil {
		return "", err
	}
	imgs := make([]image, len(tags))
	for i, tag := range tags {
		if imgs[i], err = l.find(tag.Digest); err != nil {
			return "", fmt.Errorf("%w: %s: %v", ErrPush, tag.Ref, err)
		}
	}
	p, err := opts.pusher()
	if err != nil {
		return "", err
	}
	// The content, once per repository and image, before any tag; the
	// root first, as the images of its index are in with it.
	done := map[string]bool{}
	for i, target := range targets {
		repo := target.Context()
		key := repo.String() + "@" + imgs[i].digest.String()
		if done[key] {
			continue
		}
		done[key] = true
		if err := p.content(ctx, repo, imgs[i]); err != nil {
			return "", p.fail(err, tags[i].Ref, repo, nil)
		}
	}
	var moved []string
	for i, target := range targets {
		tag := operation{what: "writing tag " + target.Identifier(), method: http.MethodPut, path: manifestPath(target.Context(), target.Identifier())}
		if err := p.do(ctx, tag, func(ctx context.Context) error { return p.Push(ctx, target, imgs[i].taggable()) }); err != nil {
			return "", p.fail(err, tags[i].Ref, target.Context(), moved)
		}
		moved = append(moved, tags[i].Ref)
	}
	return l.root.digest.String(), nil
}

// target is the reference to connect to: ref itself, or ref's repository
// and tag at the endpoint.
func (o Options) target(ref string) (name.Reference, error) {
	var nameOpts []name.Option
	if o.Insecure || o.Endpoint != "" {
		nameOpts = append(nameOpts, name.Insecure)
	}
	parsed, err := name.ParseReference(ref, append(nameOpts, name.StrictValidation)...)
	if err != nil {
		return nil, fmt.Errorf("%w: reference %q: %v", ErrPush, ref, err)
	}
	if o.Endpoint == "" {
		return parsed, nil
	}
	if strings.ContainsAny(o.Endpoint, "/@ ") {
		return nil, fmt.Errorf("%w: endpoint %q: want host[:port]", ErrPush, o.Endpoint)
	}
	// A reference by digest (repository@sha256:…) pushes the image
	// untagged, as signing wants it before the tags move.
	sep := ":"
	if _, byDigest := parsed.(name.Digest); byDigest {
		sep = "@"
	}
	at := o.Endpoint + "/" + parsed.Context().RepositoryStr() + sep + parsed.Identifier()
	target, err := name.ParseReference(at, nameOpts...)
	if err != nil {
		return nil, fmt.Errorf("%w: endpoint %q for %q: %v", ErrPush, o.Endpoint, ref, err)
	}
	return target, nil
}

func (o Options) authenticator() authn.Authenticator {
	if o.Auth == (authn.AuthConfig{}) {
		return authn.Anonymous
	}
	return authn.FromConfig(o.Auth)
}

// image is an index or a single-platform image.
type image struct {
	digest   v1.Hash
	index    v1.ImageIndex
	manifest v1.Image
}

func (i image) taggable() remote.Taggable {
	if i.index != nil {
		return i.index
	}
	return i.manifest
}

// imageLayout is a layout on disk, by the one image its index.json lists.
type imageLayout struct {
	root image
}

// openLayout opens the layout in dir and its root.
func openLayout(dir string) (*imageLayout, error) {
	index, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: reading the image layout: %v", ErrPush, err)
	}
	manifest, err := index.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("%w: reading the image layout: %v", ErrPush, err)
	}
	if len(manifest.Manifests) != 1 {
		return nil, fmt.Errorf("%w: the image layout lists %d images, want 1", ErrPush, len(manifest.Manifests))
	}
	l := &imageLayout{}
	if l.root, err = openImage(index, manifest.Manifests[0]); err != nil {
		return nil, err
	}
	return l, nil
}

// find is the image with the given manifest digest: the root, or an image
// of the root index; "" is the root.
func (l *imageLayout) find(digest string) (image, error) {
	if digest == "" || digest == l.root.digest.String() {
		return l.root, nil
	}
	if l.root.index != nil {
		manifest, err := l.root.index.IndexManifest()
		if err != nil {
			return image{}, fmt.Errorf("reading the image layout: %v", err)
		}
		for _, desc := range manifest.Manifests {
			if desc.Digest.String() == digest {
				return openImage(l.root.index, desc)
			}
		}
	}
	return image{}, fmt.Errorf("the image layout has no image %s: want its root %s or an image its index lists", digest, l.root.digest)
}

// openImage opens the image desc of index describes.
func openImage(index v1.ImageIndex, desc v1.Descriptor) (image, error) {
	img := image{digest: desc.Digest}
	var err error
	switch {
	case desc.MediaType.IsIndex():
		img.index, err = index.ImageIndex(desc.Digest)
	case desc.MediaType.IsImage():
		img.manifest, err = index.Image(desc.Digest)
	default:
		return image{}, fmt.Errorf("%w: the image layout's %s is a %s, want an index or a manifest", ErrPush, desc.Digest, desc.MediaType)
	}
	if err != nil {
		return image{}, fmt.Errorf("%w: reading the image layout: %v", ErrPush, err)
	}
	return img, nil
}
