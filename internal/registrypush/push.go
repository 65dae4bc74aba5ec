// Package registrypush pushes the image an OCI image layout holds to a
// registry byte for byte, so the pushed digest is the digest of the layout.
//
// The engine's own push would assemble the image again and stamp it with
// the time of the push; pushing the layout keeps a reproducible image
// reproducible.
//
// The push survives what registries and networks do: transient failures
// are retried as go-containerregistry's own clients retry them (Policy,
// Transient), a 429's Retry-After is waited for, a request that makes no
// progress is cut and retried (the stall timeout), and no tag moves before
// every blob and manifest is in. A failed push is an *Error naming the
// registry, repository, operation, status and tries.
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
	if opts.Retry.Tries < 0 || opts.StallTimeout < 0 {
		return "", fmt.Errorf("%w: retry tries %d, stall timeout %s: want neither negative", ErrPush, opts.Retry.Tries, opts.StallTimeout)
	}
	targets := make([]name.Reference, len(refs))
	for i, ref := range refs {
		target, err := opts.target(ref)
		if err != nil {
			return "", err
		}
		targets[i] = target
	}
	img, err := readImage(dir)
	if err != nil {
		return "", err
	}
	dgst, err := img.Digest()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrPush, err)
	}
	p, err := opts.pusher()
	if err != nil {
		return "", err
	}
	// The content, once per repository, before any tag.
	done := map[string]bool{}
	for i, target := range targets {
		repo := target.Context()
		if done[repo.String()] {
			continue
		}
		done[repo.String()] = true
		if err := p.content(ctx, repo, img); err != nil {
			return "", p.fail(err, refs[i], repo, nil)
		}
	}
	var moved []string
	for i, target := range targets {
		tag := operation{what: "writing tag " + target.Identifier(), method: http.MethodPut, path: manifestPath(target.Context(), target.Identifier())}
		if err := p.do(ctx, tag, func(ctx context.Context) error { return p.Push(ctx, target, img.taggable()) }); err != nil {
			return "", p.fail(err, refs[i], target.Context(), moved)
		}
		moved = append(moved, refs[i])
	}
	return dgst.String(), nil
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
	index    v1.ImageIndex
	manifest v1.Image
}

func (i image) Digest() (v1.Hash, error) {
	if i.index != nil {
		return i.index.Digest()
	}
	return i.manifest.Digest()
}

func (i image) taggable() remote.Taggable {
	if i.index != nil {
		return i.index
	}
	return i.manifest
}

// readImage opens the one image index.json lists.
func readImage(dir string) (image, error) {
	root, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return image{}, fmt.Errorf("%w: reading the image layout: %v", ErrPush, err)
	}
	manifest, err := root.IndexManifest()
	if err != nil {
		return image{}, fmt.Errorf("%w: reading the image layout: %v", ErrPush, err)
	}
	if len(manifest.Manifests) != 1 {
		return image{}, fmt.Errorf("%w: the image layout lists %d images, want 1", ErrPush, len(manifest.Manifests))
	}
	desc := manifest.Manifests[0]
	var img image
	switch {
	case desc.MediaType.IsIndex():
		img.index, err = root.ImageIndex(desc.Digest)
	case desc.MediaType.IsImage():
		img.manifest, err = root.Image(desc.Digest)
	default:
		return image{}, fmt.Errorf("%w: the image layout's root is a %s, want an index or a manifest", ErrPush, desc.MediaType)
	}
	if err != nil {
		return image{}, fmt.Errorf("%w: reading the image layout: %v", ErrPush, err)
	}
	return img, nil
}
