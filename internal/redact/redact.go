// Package redact keeps credentials out of what go-build prints and
// stores. A git remote becomes scheme://host/path, or nothing, before it
// is put in a label, an annotation, a provenance statement or a message
// (Remote); a URL given as a flag is shown in an error with its user info
// masked, or not at all when it does not parse (URL). It has no Dagger
// dependency.
package redact

import (
	"net/url"
	"strconv"
	"strings"
)

// Mask stands for a credential left out of a URL, as go's
// url.URL.Redacted writes it.
const Mask = "xxxxx"

// Remote is what a git remote becomes wherever go-build prints or stores
// it (the image's org.opencontainers.image.source label and annotation,
// the provenance's repository): the browsable scheme://host/path, with no
// user, password, query, fragment, ".git" suffix or trailing slash.
//
//	https://gitlab-ci-token:T@gitlab.example.com/g/p.git → https://gitlab.example.com/g/p
//	http://user:pw@git.internal/o/r.git               → http://git.internal/o/r
//	git@github.com:o/r.git                            → https://github.com/o/r
//	ssh://git@github.com:22/o/r.git                   → https://github.com/o/r
//	git://github.com/o/r.git                          → https://github.com/o/r
//
// http remotes keep their scheme: switching to https would invent a URL
// the server may not serve; ssh and git remotes become https, as the
// forges serve them. Everything else is dropped (""), never passed
// through: a remote url.Parse refuses (a password holding '#' or a bad
// %-escape), one with an '@' it did not read as the user info (part of a
// password may sit there), an unknown scheme (ftp://user:pw@host/x), a
// host that is not a host name, local paths and file:// (a path on the
// build machine names nothing anyone else can fetch).
func Remote(remote string) string {
	s := strings.TrimSpace(remote)
	if s == "" || strings.IndexFunc(s, isSpaceOrControl) >= 0 {
		return ""
	}
	if host, path, ok := splitSCPLike(s); ok {
		if strings.Contains(path, "@") {
			return ""
		}
		return browsable("https", host, path)
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return ""
	}
	// An '@' that is not the user info's end: a password cut short by a
	// '#', '?' or '/' leaves its rest, and the real host, behind it.
	if (u.User == nil && strings.Contains(s, "@")) ||
		strings.Contains(u.Path+u.RawPath+u.RawQuery+u.Fragment, "@") {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "ssh", "git", "git+ssh", "ssh+git":
		// The ssh or git port says nothing about where https is served.
		return browsable("https", bracketIPv6(u.Hostname()), u.Path)
	case "https", "http":
		return browsable(strings.ToLower(u.Scheme), u.Host, u.Path)
	default:
		return ""
	}
}

// splitSCPLike recognizes git's scp-like syntax "[user@]host:path", which git
// uses when there is no "://" and a ':' comes before any '/'.
func splitSCPLike(remote string) (host, path string, ok bool) {
	if strings.Contains(remote, "://") {
		return "", "", false
	}
	hostPart, path, found := strings.Cut(remote, ":")
	if !found || strings.Contains(hostPart, "/") || path == "" {
		return "", "", false
	}
	if at := strings.LastIndex(hostPart, "@"); at >= 0 {
		hostPart = hostPart[at+1:]
	}
	if hostPart == "" {
		return "", "", false
	}
	return hostPart, path, true
}

// browsable builds scheme://host/path without credentials, query, ".git"
// suffix or trailing slash; "" when host is not a host name, an IP
// address or either with a port.
func browsable(scheme, host, path string) string {
	if !validHost(host) {
		return ""
	}
	path = strings.TrimSuffix(strings.TrimRight(path, "/"), ".git")
	path = strings.TrimRight(path, "/")
	if path != "" && !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return (&url.URL{Scheme: scheme, Host: host, Path: path}).String()
}

// validHost accepts name[:port] of letters, digits, '.', '-' and '_', or
// [ipv6][:port].
func validHost(host string) bool {
	name, port := host, ""
	if strings.HasPrefix(host, "[") {
		end := strings.Index(host, "]")
		if end < 0 {
			return false
		}
		name, port = host[1:end], host[end+1:]
		if name == "" || strings.Trim(name, "0123456789abcdefABCDEF:.") != "" {
			return false
		}
		if port != "" && !strings.HasPrefix(port, ":") {
			return false
		}
		port = strings.TrimPrefix(port, ":")
	} else if i := strings.LastIndex(host, ":"); i >= 0 {
		name, port = host[:i], host[i+1:]
		if port == "" {
			return false
		}
	}
	if name == "" || strings.Trim(port, "0123456789") != "" {
		return false
	}
	if strings.HasPrefix(host, "[") {
		return true
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func bracketIPv6(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

func isSpaceOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f
}

// URL is raw as an error message may show it: the password replaced by
// xxxxx (https://user:xxxxx@host/path), a user name with no password
// (often the token itself, https://<token>@github.com) replaced whole, and
// a query and fragment replaced too (they may carry a token). ok is false
// when raw may hold a credential that cannot be masked: url.Parse refuses
// it (a password with '#' or a bad %-escape), or it holds an '@' that is
// not the end of the user info; the caller then names the flag, not the
// value.
func URL(raw string) (shown string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || strings.IndexFunc(raw, isSpaceOrControl) >= 0 {
		return "", false
	}
	if (u.User == nil && strings.Contains(raw, "@")) ||
		strings.Contains(u.Opaque+u.Path+u.RawPath, "@") {
		return "", false
	}
	if u.User != nil {
		password, set := u.User.Password()
		switch {
		case !set || tokenAsUser[password]:
			u.User = url.User(Mask)
		default:
			u.User = url.UserPassword(u.User.Username(), Mask)
		}
	}
	if u.RawQuery != "" || u.ForceQuery {
		u.RawQuery = Mask
	}
	if u.Fragment != "" {
		u.Fragment, u.RawFragment = Mask, ""
	}
	return u.String(), true
}

// tokenAsUser are the placeholder passwords that go with a token given as
// the user name (GitHub's https://<token>:x-oauth-basic@github.com).
var tokenAsUser = map[string]bool{"x-oauth-basic": true, "x-oauth-token": true}

// Flag is how an error names the value of a URL flag: the value masked by
// URL, quoted, or, when it cannot be masked, the flag's name with "(not
// shown: not a URL url.Parse accepts)". flag is e.g. "--goproxy".
func Flag(flag, raw string) string {
	if shown, ok := URL(raw); ok {
		return flag + " " + strconv.Quote(shown)
	}
	return flag + " (its value is not shown: it is not a URL that parses, and may hold a credential)"
}
