package main

import (
	"context"
	"fmt"
	"os"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/registryauth"
	"dagger/go-build/internal/registrypush"
)

// layoutPush is where and as whom publish and publish-toolchain push the
// image layout they wrote: both push with internal/registrypush, so both
// retry, cut stalled requests and move no tag before everything is in.
type layoutPush struct {
	opts    registrypush.Options
	cred    registryauth.Credential
	service *dagger.Service
}

// newLayoutPush checks the push's options and picks its credentials, before
// any build: a bad --stall-timeout, --request-timeout or
// --operation-timeout, a half given --username or a helper-only docker
// config fails at once.
func (m *GoBuild) newLayoutPush(ctx context.Context, registry, username string, password, dockerConfig *dagger.Secret, insecure bool, service *dagger.Service, timeouts pushTimeouts) (*layoutPush, error) {
	opts := registrypush.Options{Insecure: insecure, Logf: logStderr}
	if err := timeouts.apply(&opts); err != nil {
		return nil, err
	}
	cred, from, err := m.pushCredentials(ctx, registry, username, password, dockerConfig)
	if err != nil {
		return nil, err
	}
	opts.Auth, opts.From = cred.AuthConfig(), from.String()
	return &layoutPush{opts: opts, cred: cred, service: service}, nil
}

// push pushes the images of the layout in layoutDir under their tags and
// returns the root's digest. With a signing key, it pushes the content by
// digest first, has cosign sign the images named by signed (manifest
// digests of the layout), and only then writes the tags. name is the
// repository, normalized (registry.example/team/app).
func (m *GoBuild) push(ctx context.Context, p *layoutPush, layoutDir, name string, tags []registrypush.Tag, signed []string) (string, error) {
	if p.service != nil {
		endpoint, err := serviceEndpoint(ctx, p.service)
		if err != nil {
			return "", err
		}
		p.opts.Endpoint = endpoint
	}
	if m.Signing == nil {
		return registrypush.PushTags(ctx, layoutDir, tags, p.opts)
	}
	return m.Signing.pushSigned(ctx, p, layoutDir, name, tags, signed)
}

// printPushed is what publish prints: each tag with the digest it names.
func printPushed(tags []registrypush.Tag, root string) string {
	var out string
	for _, t := range tags {
		d := t.Digest
		if d == "" {
			d = root
		}
		out += fmt.Sprintf("%s@%s\n", t.Ref, d)
	}
	return out
}

// logStderr prints a line to the module's stderr, which the call's
// progress output shows.
func logStderr(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

// serviceEndpoint starts the registry service and returns its host:port.
func serviceEndpoint(ctx context.Context, service *dagger.Service) (string, error) {
	started, err := service.Start(ctx)
	if err != nil {
		return "", fmt.Errorf("starting the registry service: %v", err)
	}
	endpoint, err := started.Endpoint(ctx)
	if err != nil {
		return "", fmt.Errorf("registry service address: %v", err)
	}
	return endpoint, nil
}
