package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/registryauth"
)

// RegistryAuth is one registry's credentials, set by withRegistryAuth.
type RegistryAuth struct {
	// Registry host, e.g. ghcr.io.
	Address string
	// User name.
	Username string
	// Password or token.
	Secret *dagger.Secret
}

// WithRegistryAuth adds credentials for a registry publish pushes to.
//
// Like Dagger's Container.withRegistryAuth; it can be chained once per
// registry. Credentials given to publish itself (--username/--password)
// win over it, and it wins over --docker-config.
func (m *GoBuild) WithRegistryAuth(
	// Registry host, e.g. ghcr.io, docker.io or localhost:5000.
	address string,
	// User name.
	username string,
	// Password or token, e.g. env:REGISTRY_TOKEN.
	secret *dagger.Secret,
) (*GoBuild, error) {
	if host := registryauth.Host(address); host == "" || username == "" || secret == nil {
		return nil, fmt.Errorf("with-registry-auth %s: want a registry host (e.g. ghcr.io), a user name and a secret", registryauth.ShownAddress(address))
	}
	next := *m
	next.RegistryAuths = append(slices.Clone(m.RegistryAuths), RegistryAuth{Address: address, Username: username, Secret: secret})
	return &next, nil
}

// pushCredentials picks the credentials for registry: username and
// password, else a with-registry-auth entry, else the Docker config's
// entry, else none (an anonymous push). It reads the secrets; what it
// returns in errors and in the source never holds one.
func (m *GoBuild) pushCredentials(ctx context.Context, registry, username string, password, dockerConfig *dagger.Secret) (registryauth.Credential, registryauth.Source, error) {
	in := registryauth.Inputs{Username: username}
	if password != nil {
		plaintext, err := password.Plaintext(ctx)
		if err != nil {
			return registryauth.Credential{}, registryauth.Source{}, fmt.Errorf("reading --password: %v", err)
		}
		in.Password = plaintext
	}
	for _, a := range m.RegistryAuths {
		plaintext, err := a.Secret.Plaintext(ctx)
		if err != nil {
			return registryauth.Credential{}, registryauth.Source{}, fmt.Errorf("reading the with-registry-auth secret for %s: %v", registryauth.ShownAddress(a.Address), err)
		}
		in.Entries = append(in.Entries, registryauth.Entry{Address: a.Address, Username: a.Username, Password: plaintext})
	}
	if dockerConfig != nil {
		data, err := dockerConfig.Plaintext(ctx)
		if err != nil {
			return registryauth.Credential{}, registryauth.Source{}, fmt.Errorf("reading --docker-config: %v", err)
		}
		if in.Docker, err = registryauth.Parse([]byte(data)); err != nil {
			return registryauth.Credential{}, registryauth.Source{}, fmt.Errorf("--docker-config: %v", err)
		}
	}
	cred, source, err := registryauth.Resolve(registry, in)
	if errors.Is(err, registryauth.ErrNoCredentials) {
		return registryauth.Credential{}, source, nil
	}
	return cred, source, err
}
