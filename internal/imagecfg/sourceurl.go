package imagecfg

import (
	"net/url"
	"strings"
)

// SourceURL turns a git remote into the browsable URL that
// org.opencontainers.image.source expects:
//
//	git@github.com:o/r.git            → https://github.com/o/r
//	ssh://git@github.com:22/o/r.git   → https://github.com/o/r
//	git://github.com/o/r.git          → https://github.com/o/r
//	https://user:token@github.com/o/r → https://github.com/o/r
//
// Credentials are always dropped because labels are public. http remotes keep
// their scheme: switching to https would invent a URL the server may not
// serve. Forms it does not recognize (local paths, file://) are returned
// unchanged.
func SourceURL(remote string) string {
	trimmed := strings.TrimSpace(remote)
	if host, path, ok := splitSCPLike(trimmed); ok {
		return browsable("https", host, path)
	}
	u, err := url.Parse(trimmed)
	if err != nil || u.Host == "" {
		return remote
	}
	switch u.Scheme {
	case "ssh", "git", "git+ssh", "ssh+git":
		// The ssh or git port says nothing about where https is served.
		return browsable("https", bracketIPv6(u.Hostname()), u.Path)
	case "https", "http":
		return browsable(u.Scheme, u.Host, u.Path)
	default:
		return remote
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
// suffix or trailing slash.
func browsable(scheme, host, path string) string {
	path = strings.TrimSuffix(strings.TrimRight(path, "/"), ".git")
	path = strings.TrimRight(path, "/")
	if path != "" && !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return (&url.URL{Scheme: scheme, Host: host, Path: path}).String()
}

func bracketIPv6(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}
