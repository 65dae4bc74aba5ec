// Package privmod holds the rules of private Go modules for go-build: the
// go command's module settings (GOPRIVATE, GOPROXY, GONOPROXY, GONOSUMDB,
// GOSUMDB) checked before any work, the host names services are bound
// under, the git configuration that hands a token to git over HTTPS
// without putting it in the environment, and the reading of go's and git's
// stderr that turns a refused login or an untrusted certificate into a
// message naming the module, the host and the option that fixes it. It has
// no Dagger dependency.
package privmod

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"dagger/go-build/internal/redact"
)

// ErrInvalid is wrapped by every error about a private-module setting.
var ErrInvalid = errors.New("invalid private-module setting")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Settings are the go command's module download settings. Empty fields
// keep go's defaults.
type Settings struct {
	// Private are GOPRIVATE's glob patterns of module path prefixes: go
	// asks neither the public proxy's checksum database nor, unless
	// NoProxy says otherwise, the proxy about them.
	Private []string
	// Proxy is GOPROXY's list: URLs, "direct" or "off". An entry may hold
	// several URLs separated by "|" (fall through on any error).
	Proxy []string
	// NoProxy is GONOPROXY: patterns fetched directly (from their
	// repositories) rather than through Proxy; "none" (a pattern no path
	// matches) sends private modules through Proxy too.
	NoProxy []string
	// NoSumDB is GONOSUMDB: patterns not checked against the checksum
	// database (GOPRIVATE's patterns are not, already).
	NoSumDB []string
	// SumDB is GOSUMDB: "off", a database name such as sum.golang.org, or
	// "name+key [url]".
	SumDB string
}

// Validate checks every setting and names the bad value.
func (s Settings) Validate() error {
	for _, list := range []struct {
		name     string
		patterns []string
	}{{"goprivate", s.Private}, {"gonoproxy", s.NoProxy}, {"gonosumdb", s.NoSumDB}} {
		for _, p := range list.patterns {
			if err := checkPattern(p); err != nil {
				return fmt.Errorf("%s: %w", shown("--"+list.name, p), err)
			}
		}
	}
	for _, entry := range s.Proxy {
		if err := checkProxyEntry(entry); err != nil {
			return fmt.Errorf("%s: %w", shown("--goproxy", entry), err)
		}
	}
	if err := checkSumDB(s.SumDB); err != nil {
		return fmt.Errorf("%s: %w", shown("--gosumdb", s.SumDB), err)
	}
	return nil
}

// shown is how an error names flag's value: every URL in it ("|"- or
// space-separated) as redact.URL masks it, quoted; only the flag's name
// when one of them cannot be masked (it does not parse, and may hold a
// credential).
func shown(flag, value string) string {
	out := value
	for _, part := range strings.FieldsFunc(value, func(r rune) bool { return r == '|' || r == ' ' }) {
		masked, ok := redact.URL(part)
		if !ok {
			return flag + " (its value is not shown: it holds a URL that does not parse, and may hold a credential)"
		}
		out = strings.Replace(out, part, masked, 1)
	}
	return flag + " " + strconv.Quote(out)
}

// Env is the settings as the go command's environment, in a fixed order;
// unset settings are left out.
func (s Settings) Env() [][2]string {
	var env [][2]string
	add := func(name string, values []string) {
		if len(values) > 0 {
			env = append(env, [2]string{name, strings.Join(values, ",")})
		}
	}
	add("GOPRIVATE", s.Private)
	add("GOPROXY", s.Proxy)
	add("GONOPROXY", s.NoProxy)
	add("GONOSUMDB", s.NoSumDB)
	if s.SumDB != "" {
		env = append(env, [2]string{"GOSUMDB", s.SumDB})
	}
	return env
}

// checkPattern accepts a path.Match glob of a module path prefix, as go's
// GOPRIVATE takes it (e.g. *.corp.example.com or github.com/acme/*).
func checkPattern(p string) error {
	switch {
	case p == "":
		return invalid("an empty pattern; want a module path prefix glob, e.g. *.corp.example.com or github.com/acme")
	case strings.ContainsAny(p, ", \t\n"):
		return invalid("a pattern holds no commas or spaces; give each pattern as its own value, e.g. --goprivate '*.corp.example.com,github.com/acme'")
	case strings.Contains(p, "://"):
		return invalid("a pattern is a module path prefix, not a URL: drop the scheme (e.g. github.com/acme)")
	}
	if _, err := path.Match(p, ""); err != nil {
		return invalid("not a path.Match glob (%v); want e.g. *.corp.example.com", err)
	}
	return nil
}

// checkProxyEntry accepts direct, off, or https/http/file URLs (several
// separated by "|"). A URL may not hold credentials: they would sit in the
// environment of every container; the netrc secret carries them instead.
func checkProxyEntry(entry string) error {
	if entry == "" {
		return invalid("an empty proxy; want a URL (https://athens.corp.example.com), direct or off")
	}
	for _, part := range strings.Split(entry, "|") {
		if part == "direct" || part == "off" {
			continue
		}
		// url.Parse's error quotes the URL: it is not passed on.
		u, err := url.Parse(part)
		if err != nil {
			return invalid("a proxy URL does not parse (a user or password in it would go in the --netrc secret); want https://host[:port][/path], direct or off")
		}
		masked, _ := redact.URL(part)
		if u.Host == "" && u.Scheme != "file" {
			return invalid("%q is not a proxy URL; want https://host[:port][/path], direct or off", masked)
		}
		switch u.Scheme {
		case "https", "http", "file":
		default:
			return invalid("%q: scheme %q; want https (or http, file), direct or off", masked, u.Scheme)
		}
		if u.User != nil {
			return invalid("%s: a proxy URL holds no user or password (it would sit in every container's environment): put them in the --netrc secret (machine %s login ... password ...)", masked, u.Hostname())
		}
	}
	return nil
}

// checkSumDB accepts go's GOSUMDB forms: off, a name, name+key, each
// optionally followed by a URL.
func checkSumDB(v string) error {
	if v == "" || v == "off" {
		return nil
	}
	fields := strings.Fields(v)
	if len(fields) > 2 || strings.TrimSpace(v) != v {
		return invalid("want off, a database name (sum.golang.org), or name+key followed by an optional URL")
	}
	if len(fields) == 2 {
		// url.Parse's error quotes the URL: it is not passed on.
		u, err := url.Parse(fields[1])
		if err != nil {
			return invalid("the database's URL does not parse; want https://host[/path]")
		}
		if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			masked, _ := redact.URL(fields[1])
			return invalid("%q is not the database's URL; want https://host[/path]", masked)
		}
		if u.User != nil {
			return invalid("the database URL holds no user or password: put them in the --netrc secret")
		}
	}
	return nil
}

// CheckAlias accepts the host name a service is bound under: a DNS name of
// letters, digits and hyphens (mods.internal, athens), not an address.
func CheckAlias(alias string) error {
	if net.ParseIP(alias) != nil {
		return invalid("service alias %q is an address; want a host name such as mods.internal", alias)
	}
	if err := checkHostName(alias); err != nil {
		return invalid("service alias %q: %v; want a host name such as mods.internal", alias, err)
	}
	return nil
}

func checkHostName(name string) error {
	if name == "" || len(name) > 253 {
		return errors.New("a host name has 1 to 253 characters")
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("label %q: each dot-separated label has 1 to 63 characters", label)
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("label %q starts or ends with '-'", label)
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return fmt.Errorf("label %q holds %q; want letters, digits and '-'", label, r)
			}
		}
	}
	return nil
}

// ParseGitHost accepts the host a git token is for, host or host:port
// (github.com, gitlab.corp.example.com, git.internal:8443), and returns it
// in lower case.
func ParseGitHost(host string) (string, error) {
	name, port := host, ""
	if h, p, err := net.SplitHostPort(host); err == nil {
		name, port = h, p
	}
	if strings.Contains(host, "/") {
		return "", invalid("git host %q: want a host name, or host:port, without a scheme or path (e.g. github.com)", host)
	}
	if err := checkHostName(name); err != nil && net.ParseIP(name) == nil {
		return "", invalid("git host %q: %v; want e.g. github.com or git.internal:8443", host, err)
	}
	if port != "" {
		for _, r := range port {
			if r < '0' || r > '9' {
				return "", invalid("git host %q: port %q is not a number", host, port)
			}
		}
	}
	return strings.ToLower(host), nil
}

// GitToken is a token git presents over HTTPS for one host, read at run
// time from the file the token secret is mounted at.
type GitToken struct {
	// Host is host or host:port, checked by ParseGitHost.
	Host string
	// Username goes with the token (GitHub and GitLab take any non-empty
	// name with a personal access token).
	Username string
	// TokenFile is where the token secret is mounted.
	TokenFile string
}

// gitUserPattern is the user names GitConfig writes into the credential
// helper, a shell script: a closed set of characters no shell or git
// credential line reads as anything but the name.
var gitUserPattern = regexp.MustCompile(`^[A-Za-z0-9._@+][A-Za-z0-9._@+-]{0,255}$`)

// GitConfig is the git configuration (key, value) that makes git answer a
// credential request for https://Host with Username and the token read
// from TokenFile when git asks. The value holds the file's path, never the
// token, so it can sit in the environment (GIT_CONFIG_KEY_n/VALUE_n).
func (g GitToken) GitConfig() (key, value string, err error) {
	if _, err := ParseGitHost(g.Host); err != nil {
		return "", "", err
	}
	if !gitUserPattern.MatchString(g.Username) {
		return "", "", invalid("git user name %q: want 1 to 256 ASCII letters, digits and ._@+-, not starting with '-' (e.g. oauth2, gitlab-ci-token or me@corp.example)", g.Username)
	}
	if !path.IsAbs(g.TokenFile) || strings.ContainsAny(g.TokenFile, "'\n\r\\ ") {
		return "", "", invalid("token file %q: want an absolute path without quotes or spaces", g.TokenFile)
	}
	// A shell credential helper: git runs it with "get" (and "store",
	// "erase", which it ignores) and reads key=value lines from it. Only the
	// token's file name is here; cat reads it when git asks.
	helper := fmt.Sprintf(`!f() { test "$1" = get || exit 0; echo 'username=%s'; printf 'password=%%s\n' "$(cat '%s')"; }; f`, g.Username, g.TokenFile)
	return "credential.https://" + g.Host + ".helper", helper, nil
}

// CheckCABundle accepts a PEM bundle of one or more CA certificates and
// nothing else (a private key or a broken block fails, naming it).
func CheckCABundle(data string) error {
	rest := []byte(data)
	n := 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		n++
		if block.Type != "CERTIFICATE" {
			return invalid("--ca-certificates: block %d is a %q, not a CERTIFICATE: give the CA certificates alone, in PEM", n, block.Type)
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return invalid("--ca-certificates: certificate %d does not parse: %v", n, err)
		}
	}
	if n == 0 {
		return invalid("--ca-certificates holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA bundle in PEM, not DER")
	}
	if strings.TrimSpace(string(rest)) != "" {
		return invalid("--ca-certificates: text after certificate %d is not PEM", n)
	}
	return nil
}
