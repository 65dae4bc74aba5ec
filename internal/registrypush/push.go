// Package registrypush pushes the image an OCI image layout holds to a
// registry byte for byte, so the pushed digest is the digest of the layout.
//
// The engine's own push would assemble the image again and stamp it with
// the time of the push; pushing the layout keeps a reproducible image
// reproducible.
package registrypush

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
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
}

// Push pushes the single image (an index or a manifest) that the layout in
// dir lists in its index.json to every reference, and returns its digest.
// Every reference is checked before anything is pushed.
func Push(ctx context.Context, dir string, refs []string, opts Options) (string, error) {
	if len(refs) == 0 {
		return "", fmt.Errorf("%w: no reference to push to", ErrPush)
	}
	targets := make([]name.Reference, len(refs))
	for i, ref := range refs {
		target, err := opts.target(ref)
		if err != nil {
			return "", err
		}
		targets[i] = target
	}
	image, err := readImage(dir)
	if err != nil {
		return "", err
	}
	dgst, err := image.Digest()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrPush, err)
	}
	remoteOpts := []remote.Option{remote.WithContext(ctx), remote.WithAuth(opts.authenticator()), remote.WithUserAgent("go-build")}
	for i, target := range targets {
		if err := image.write(target, remoteOpts...); err != nil {
			return "", fmt.Errorf("%w: %s: %v", ErrPush, refs[i], opts.explain(err))
		}
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

// explain puts a refused authentication in words: the registry's own
// answer to a HEAD request has no body to say it.
func (o Options) explain(err error) error {
	var terr *transport.Error
	if !errors.As(err, &terr) || (terr.StatusCode != http.StatusUnauthorized && terr.StatusCode != http.StatusForbidden) {
		return err
	}
	who := "an anonymous push (no credentials given)"
	if o.Auth != (authn.AuthConfig{}) {
		who = "the credentials"
		if o.Auth.Username != "" {
			who = fmt.Sprintf("user %q", o.Auth.Username)
		}
		if o.From != "" {
			who += " from " + o.From
		}
	}
	return fmt.Errorf("the registry refused %s: %d %s", who, terr.StatusCode, http.StatusText(terr.StatusCode))
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

// write pushes the image's blobs, then its manifests.
func (i image) write(target name.Reference, opts ...remote.Option) error {
	if i.index != nil {
		return remote.WriteIndex(target, i.index, opts...)
	}
	return remote.Write(target, i.manifest, opts...)
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
