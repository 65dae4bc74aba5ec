// Package registryauth finds the credentials to push to a registry: from
// --username/--password, from with-registry-auth entries, or from the
// caller's Docker config.json (what `docker login` wrote, passed to the
// module as a secret file).
//
// It reads config.json the way docker/cli does, except that it cannot run
// credential helpers: the module runs in a container without them, and
// without the keychain they talk to. When a config keeps credentials in a
// helper, Lookup says so and what to do instead, rather than pushing
// anonymously and failing with a bare 401.
//
// No error or message of this package contains a password, token or the
// encoded auth field: they name the registry and the config entry instead.
package registryauth

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"

	"dagger/go-build/internal/redact"
)

var (
	// ErrInvalidConfig is wrapped by every error about a malformed Docker
	// config.
	ErrInvalidConfig = errors.New("invalid docker config")
	// ErrInvalidEntry is wrapped by every error about credentials given
	// to the module directly (--username/--password, with-registry-auth).
	ErrInvalidEntry = errors.New("invalid registry credentials")
	// ErrCredentialHelper means the Docker config keeps the registry's
	// credentials in a credential helper, which cannot run in the module.
	ErrCredentialHelper = errors.New("registry credentials are in a credential helper")
	// ErrNoCredentials means nothing gives credentials for the registry;
	// the caller may push anonymously.
	ErrNoCredentials = errors.New("no registry credentials")
)

// Credential is what authenticates to one registry: a user name and
// password, or a token from `docker login`.
type Credential struct {
	Username string
	Password string
	// IdentityToken is an OAuth2 refresh token (config.json's
	// identitytoken, which `docker login` stores for registries such as
	// Azure's); the client trades it for an access token.
	IdentityToken string
	// RegistryToken is a bearer token sent to the registry as is
	// (config.json's registrytoken).
	RegistryToken string
}

// AuthConfig is the credential as go-containerregistry takes it;
// authn.FromConfig turns it into an authenticator that handles both
// tokens.
func (c Credential) AuthConfig() authn.AuthConfig {
	return authn.AuthConfig{Username: c.Username, Password: c.Password, IdentityToken: c.IdentityToken, RegistryToken: c.RegistryToken}
}

// String shows the user name and which secrets are set, never their
// values, so a credential printed by mistake leaks nothing.
func (c Credential) String() string {
	parts := []string{fmt.Sprintf("user %q", c.Username)}
	for _, s := range []struct{ name, value string }{
		{"password", c.Password}, {"identity token", c.IdentityToken}, {"registry token", c.RegistryToken},
	} {
		if s.value != "" {
			parts = append(parts, s.name+" set")
		}
	}
	return strings.Join(parts, ", ")
}

// GoString is String, so %#v leaks nothing either.
func (c Credential) GoString() string { return "registryauth.Credential{" + c.String() + "}" }

// usable reports whether c can authenticate: a user with a password, or a
// token. `docker login` with a credential helper leaves an empty entry in
// config.json, which is not usable.
func (c Credential) usable() bool {
	return (c.Username != "" && c.Password != "") || c.IdentityToken != "" || c.RegistryToken != ""
}

// Host is the registry host an address names, the way docker/cli
// normalizes config.json keys (credentials.ConvertToHostname): a scheme and
// path are dropped ("https://ghcr.io/v2/" is "ghcr.io"), a port is kept,
// and Docker Hub's names (index.docker.io, registry-1.docker.io, and the
// "https://index.docker.io/v1/" key docker writes) are all "docker.io", the
// registry of a reference such as "alpine". Host names are compared in
// lower case. A user and password in the address are dropped, and an
// address whose host part is not host[:port] is "" (no host): what is
// left of a password url.Parse cannot split off is never taken for a host.
func Host(address string) string {
	s := strings.TrimSpace(address)
	if strings.Contains(s, "://") {
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			s = u.Host
		} else {
			_, s, _ = strings.Cut(s, "://")
		}
	}
	s, _, _ = strings.Cut(s, "/")
	if at := strings.LastIndex(s, "@"); at >= 0 {
		s = s[at+1:]
	}
	s = strings.ToLower(s)
	if !hostPort.MatchString(s) {
		return ""
	}
	switch s {
	case "docker.io", "index.docker.io", "registry-1.docker.io":
		return dockerHub
	}
	return s
}

// hostPort is a host name or [IPv6 address], and an optional port.
var hostPort = regexp.MustCompile(`^([a-z0-9._-]+|\[[0-9a-f:.]+\])(:[0-9]+)?$`)

// ShownAddress is how a message names a with-registry-auth address or a
// docker config key: quoted, with a user and password masked
// (redact.URL), or as its host alone when it cannot be masked.
func ShownAddress(address string) string {
	if s, ok := redact.URL(address); ok {
		return strconv.Quote(s)
	}
	if h := Host(address); h != "" {
		return "for " + h + " (the address is not shown: it does not parse, and may hold a credential)"
	}
	return "(not shown: it does not parse, and may hold a credential)"
}

const (
	dockerHub = "docker.io"
	// dockerHubKey is the key docker/cli uses for Docker Hub in config.json.
	dockerHubKey = "https://index.docker.io/v1/"
)
