package registryauth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Config is a parsed Docker config.json: its credentials by registry host,
// and the credential helpers it names.
type Config struct {
	// entries are the auths entries, by the host their key names.
	entries map[string][]configEntry
	// credsStore is the helper for every registry; credHelpers, by host,
	// for one registry.
	credsStore  string
	credHelpers map[string]string
}

// configEntry is one auths entry: its key as written and what it holds.
type configEntry struct {
	key  string
	cred Credential
}

// dockerConfig is the part of config.json that holds credentials.
type dockerConfig struct {
	Auths       map[string]authEntry `json:"auths"`
	CredsStore  string               `json:"credsStore"`
	CredHelpers map[string]string    `json:"credHelpers"`
}

// authEntry is one auths entry as docker/cli writes it: auth is
// base64("user:password") and wins over username and password.
type authEntry struct {
	Auth          string `json:"auth"`
	Username      string `json:"username"`
	Password      string `json:"password"`
	IdentityToken string `json:"identitytoken"`
	RegistryToken string `json:"registrytoken"`
}

// Parse reads a Docker config.json. Empty input is a config without
// credentials, as docker/cli reads it. Like docker/cli, a malformed auth
// field in any entry fails the whole config: it is worth fixing, and
// docker itself refuses that file. Errors name the entry and the problem,
// never its content.
func Parse(configJSON []byte) (*Config, error) {
	var raw dockerConfig
	if len(bytes.TrimSpace(configJSON)) > 0 {
		if err := json.Unmarshal(configJSON, &raw); err != nil {
			return nil, describeJSONError(err)
		}
	}
	c := &Config{entries: map[string][]configEntry{}, credsStore: raw.CredsStore, credHelpers: map[string]string{}}
	for key, entry := range raw.Auths {
		cred := Credential{Username: entry.Username, Password: entry.Password, IdentityToken: entry.IdentityToken, RegistryToken: entry.RegistryToken}
		if entry.Auth != "" {
			user, password, err := decodeAuth(entry.Auth)
			if err != nil {
				return nil, fmt.Errorf("%w: auths entry %s: %v", ErrInvalidConfig, ShownAddress(key), err)
			}
			cred.Username, cred.Password = user, password
		}
		host := Host(key)
		if host == "" {
			return nil, fmt.Errorf("%w: auths entry %s names no registry host; want e.g. ghcr.io or https://index.docker.io/v1/", ErrInvalidConfig, ShownAddress(key))
		}
		c.entries[host] = append(c.entries[host], configEntry{key: key, cred: cred})
	}
	for host, entries := range c.entries {
		sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
		c.entries[host] = entries
	}
	for key, helper := range raw.CredHelpers {
		if helper != "" {
			c.credHelpers[Host(key)] = helper
		}
	}
	return c, nil
}

// describeJSONError says where the JSON is wrong without quoting it: a
// syntax error's message quotes the character it stopped at.
func describeJSONError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("%w: not valid JSON (syntax error at byte %d); want the config.json `docker login` writes", ErrInvalidConfig, syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the top level"
		}
		return fmt.Errorf("%w: %s is a JSON %s, want %s", ErrInvalidConfig, field, typ.Value, jsonKind(typ.Type.Kind().String()))
	default:
		return fmt.Errorf("%w: not valid JSON; want the config.json `docker login` writes", ErrInvalidConfig)
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "struct", "map":
		return "an object"
	case "slice":
		return "an array"
	default:
		return "a " + goKind
	}
}

// decodeAuth splits base64("user:password") at the first colon: user names
// have none, passwords may. Padded and unpadded base64 are both accepted,
// as go-containerregistry accepts them. Errors never include the value.
func decodeAuth(auth string) (user, password string, err error) {
	decoded, err := base64.StdEncoding.DecodeString(auth)
	if err != nil {
		decoded, err = base64.RawStdEncoding.DecodeString(auth)
	}
	if err != nil {
		return "", "", errors.New("auth is not base64; want base64 of user:password, as `docker login` writes it")
	}
	user, password, ok := strings.Cut(string(decoded), ":")
	if !ok {
		return "", "", errors.New("auth does not decode to user:password (no ':')")
	}
	if user == "" {
		return "", "", errors.New("auth decodes to an empty user name; want base64 of user:password")
	}
	return user, password, nil
}

// Lookup returns the credentials config.json holds for registryHost (a
// host, host:port or any key form Host accepts).
//
// The first usable auths entry for the host wins; when several keys name
// the host (docker.io and https://index.docker.io/v1/), the one spelled as
// given wins, then the one docker writes, then the first by name. docker
// itself would ask a configured helper even then; the helper cannot run
// here, and an entry with credentials in it is what the caller put there.
//
// Without a usable entry: ErrCredentialHelper when credHelpers names a
// helper for the host, or when credsStore is set and auths lists the host
// (the empty entry `docker login` leaves when a helper took the
// credentials); else ErrNoCredentials.
func (c *Config) Lookup(registryHost string) (Credential, error) {
	cred, _, err := c.lookup(registryHost)
	return cred, err
}

func (c *Config) lookup(registryHost string) (Credential, string, error) {
	host := Host(registryHost)
	if host == "" {
		return Credential{}, "", fmt.Errorf("%w: registry host %q: want e.g. ghcr.io or localhost:5000", ErrInvalidEntry, registryHost)
	}
	entries := c.entries[host]
	preferred := func(e configEntry) int {
		switch e.key {
		case registryHost:
			return 0
		case dockerKey(host):
			return 1
		}
		return 2
	}
	sorted := append([]configEntry(nil), entries...)
	sort.SliceStable(sorted, func(i, j int) bool { return preferred(sorted[i]) < preferred(sorted[j]) })
	for _, e := range sorted {
		if e.cred.usable() {
			return e.cred, e.key, nil
		}
	}
	if helper := c.credHelpers[host]; helper != "" {
		return Credential{}, "", helperError(host, helper, "credHelpers")
	}
	if c.credsStore != "" && len(entries) > 0 {
		return Credential{}, "", helperError(host, c.credsStore, "credsStore")
	}
	if c.credsStore != "" {
		return Credential{}, "", fmt.Errorf("%w for %s in the docker config (it has no entry for %s, and its credsStore, docker-credential-%s, cannot be asked inside the module)", ErrNoCredentials, host, host, c.credsStore)
	}
	return Credential{}, "", fmt.Errorf("%w for %s in the docker config", ErrNoCredentials, host)
}

// dockerKey is the auths key docker/cli writes for host.
func dockerKey(host string) string {
	if host == dockerHub {
		return dockerHubKey
	}
	return host
}

func helperError(host, helper, field string) error {
	return fmt.Errorf("%w: the docker config names credential helper docker-credential-%s for %s (%q), and credential helpers cannot run inside the module; "+
		"pass --username and --password, or with-registry-auth for %s, "+
		"or a config.json that holds the credentials itself (an auths entry %q with \"auth\": base64 of user:password)",
		ErrCredentialHelper, helper, host, field, host, dockerKey(host))
}
