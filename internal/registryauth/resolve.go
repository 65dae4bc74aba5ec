package registryauth

import (
	"fmt"
	"strings"
)

// Entry is credentials given for one registry (with-registry-auth).
type Entry struct {
	// Address names the registry in any form Host accepts: ghcr.io,
	// localhost:5000, https://index.docker.io/v1/.
	Address  string
	Username string
	Password string
}

// Inputs are every place credentials may come from, most specific first.
type Inputs struct {
	// Username and Password (--username/--password) apply to every
	// registry pushed to, and win over everything else: they are what the
	// caller typed for this push.
	Username string
	Password string
	// Entries (with-registry-auth) win over the Docker config for their
	// registry: they were given to this module on purpose, the config is
	// whatever the caller's machine has.
	Entries []Entry
	// Docker is the caller's config.json; nil when none was given.
	Docker *Config
}

// SourceKind says where credentials came from.
type SourceKind int

// Where credentials come from, in Resolve's order.
const (
	// SourceNone: no credentials; the push is anonymous.
	SourceNone SourceKind = iota
	// SourceFlags: --username/--password.
	SourceFlags
	// SourceEntry: a with-registry-auth entry.
	SourceEntry
	// SourceDockerConfig: an auths entry of the Docker config.
	SourceDockerConfig
)

// Source says where the credentials for a registry came from, for messages
// such as "the registry refused <source>". It holds no secret.
type Source struct {
	Kind SourceKind
	// Host is the registry host, as Host normalizes it.
	Host string
	// Key is the with-registry-auth address or the config.json key the
	// credentials came from.
	Key string
}

func (s Source) String() string {
	switch s.Kind {
	case SourceFlags:
		return "--username/--password"
	case SourceEntry:
		return "with-registry-auth for " + s.Host
	case SourceDockerConfig:
		if s.Key != s.Host {
			return fmt.Sprintf("docker config entry %s for %s", ShownAddress(s.Key), s.Host)
		}
		return "docker config entry for " + s.Host
	default:
		if s.Host == "" {
			return "no credentials"
		}
		return "no credentials for " + s.Host
	}
}

// Resolve picks the credentials for registryHost: --username/--password,
// else its with-registry-auth entry, else the Docker config's entry. It
// checks every input, not only the ones for this host, so a typo in
// another entry surfaces on the first push.
//
// With no credentials anywhere it returns ErrNoCredentials (the caller may
// push anonymously); when the Docker config keeps them in a helper,
// ErrCredentialHelper. Either way Source says SourceNone.
func Resolve(registryHost string, in Inputs) (Credential, Source, error) {
	host := Host(registryHost)
	none := Source{Kind: SourceNone, Host: host}
	if host == "" || strings.ContainsAny(host, " \t") {
		return Credential{}, none, fmt.Errorf("%w: registry host %q: want e.g. ghcr.io or localhost:5000", ErrInvalidEntry, registryHost)
	}
	if (in.Username == "") != (in.Password == "") {
		return Credential{}, none, fmt.Errorf("%w: give --username and --password together (got only one)", ErrInvalidEntry)
	}
	entries, err := checkEntries(in.Entries)
	if err != nil {
		return Credential{}, none, err
	}
	if in.Username != "" {
		return Credential{Username: in.Username, Password: in.Password}, Source{Kind: SourceFlags, Host: host}, nil
	}
	if e, ok := entries[host]; ok {
		return Credential{Username: e.Username, Password: e.Password}, Source{Kind: SourceEntry, Host: host, Key: e.Address}, nil
	}
	if in.Docker == nil {
		return Credential{}, none, fmt.Errorf("%w for %s (no docker config given)", ErrNoCredentials, host)
	}
	cred, key, err := in.Docker.lookup(host)
	if err != nil {
		return Credential{}, none, err
	}
	return cred, Source{Kind: SourceDockerConfig, Host: host, Key: key}, nil
}

// checkEntries indexes entries by host. An entry must name a host and hold
// a user and a password; a host given twice is an error, since which entry
// should win is a guess.
func checkEntries(entries []Entry) (map[string]Entry, error) {
	byHost := make(map[string]Entry, len(entries))
	for _, e := range entries {
		host := Host(e.Address)
		if host == "" || strings.ContainsAny(host, " \t") {
			return nil, fmt.Errorf("%w: with-registry-auth address %s: want a registry host, e.g. ghcr.io or localhost:5000", ErrInvalidEntry, ShownAddress(e.Address))
		}
		if e.Username == "" || e.Password == "" {
			return nil, fmt.Errorf("%w: with-registry-auth for %s: want a user name and a password (user %q, password given: %v)", ErrInvalidEntry, host, e.Username, e.Password != "")
		}
		if prev, dup := byHost[host]; dup {
			return nil, fmt.Errorf("%w: with-registry-auth given twice for %s (addresses %s and %s); want one entry per registry", ErrInvalidEntry, host, ShownAddress(prev.Address), ShownAddress(e.Address))
		}
		byHost[host] = e
	}
	return byHost, nil
}
