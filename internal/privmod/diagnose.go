package privmod

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Problem is what went wrong fetching a module, read from go's (and the
// git it runs) stderr.
type Problem int

const (
	// NoProblem: stderr shows neither of the two below.
	NoProblem Problem = iota
	// Refused: the server answered 401 or 403, or git found no
	// credentials to send: no login, or a wrong one.
	Refused
	// Untrusted: the server's certificate did not verify.
	Untrusted
)

// Diagnosis names the problem, the host that caused it and the module
// being fetched (either may be empty when stderr does not say).
type Diagnosis struct {
	Problem Problem
	Host    string
	Module  string
	// Status is the HTTP status for Refused, e.g. "401 Unauthorized".
	Status string
	// Git says git was refused (a repository), not go (a proxy or a
	// go-get page).
	Git bool
}

var (
	// A quoted or bare https URL: its host is the server.
	urlPattern = regexp.MustCompile(`https?://[^\s'"]+`)
	// go: "reading https://...: 401 Unauthorized" and "... 403 Forbidden".
	statusPattern = regexp.MustCompile(`\b(401 Unauthorized|403 Forbidden)\b`)
	// git (through curl): a refused or missing login.
	gitRefusedPattern = regexp.MustCompile(`Authentication failed for|could not read Username for|could not read Password for|The requested URL returned error: (401|403)`)
	// go's crypto/x509 and git's curl (GnuTLS or OpenSSL).
	untrustedPattern = regexp.MustCompile(`x509: |tls: failed to verify certificate|server certificate verification failed|SSL certificate problem|certificate verify failed`)
	// path@version as go names the module it was fetching.
	moduleVersionPattern = regexp.MustCompile(`([A-Za-z0-9][A-Za-z0-9._~/-]*\.[A-Za-z0-9._~/-]+)@(v[0-9][A-Za-z0-9.+-]*|latest|upgrade|patch)\b`)
	// "module path:" as go names a module it resolves without a version,
	// the import path whose go-get page it could not read,
	// and the module whose go.mod it reads from a repository.
	modulePattern = regexp.MustCompile(`\bmodule ([A-Za-z0-9][A-Za-z0-9._~/-]*\.[A-Za-z0-9._~/-]+):|import path "([^"\s]+)"|reading ([^\s]+)/go\.mod at revision`)
	// A proxy request's URL: https://host/<escaped module path>/@v/...
	proxyPathPattern = regexp.MustCompile(`https?://[^/\s'"]+/(?:[^\s'"]*?/)??([^\s'"@]+)/@(?:v|latest)`)
)

// Diagnose reads stderr of a failed go (or git) command.
func Diagnose(stderr string) Diagnosis {
	lines := strings.Split(stderr, "\n")
	for i, line := range lines {
		var d Diagnosis
		switch {
		case untrustedPattern.MatchString(line):
			d.Problem = Untrusted
		case statusPattern.MatchString(line):
			d.Problem = Refused
			d.Status = statusPattern.FindString(line)
			// git's "remote: 401 ..." line, before its fatal: line.
			d.Git = strings.HasPrefix(strings.TrimSpace(line), "remote:")
		case gitRefusedPattern.MatchString(line):
			d.Problem, d.Git = Refused, true
			if m := gitRefusedPattern.FindStringSubmatch(line); m[1] == "403" {
				d.Status = "403 Forbidden"
			} else {
				d.Status = "401 Unauthorized"
			}
		default:
			continue
		}
		d.Host = hostOf(line)
		// The module is on this line or on the go: line above, which
		// git's own fatal: line continues.
		for j := i; j >= 0 && d.Module == ""; j-- {
			d.Module = moduleOf(lines[j])
		}
		// git's "remote: 401 ..." precedes the fatal: line naming the URL;
		// go's server response line follows the one naming it.
		if d.Host == "" && i+1 < len(lines) {
			d.Host = hostOf(lines[i+1])
		}
		for j := i - 1; j >= 0 && d.Host == ""; j-- {
			d.Host = hostOf(lines[j])
		}
		return d
	}
	return Diagnosis{}
}

func hostOf(line string) string {
	raw := urlPattern.FindString(line)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(strings.TrimRight(raw, ".:,;)'\""))
	if err != nil {
		return ""
	}
	return u.Host
}

func moduleOf(line string) string {
	if m := moduleVersionPattern.FindStringSubmatch(line); m != nil && !strings.Contains(m[1], "://") {
		return strings.TrimPrefix(m[1], "/")
	}
	if m := modulePattern.FindStringSubmatch(line); m != nil {
		return m[1] + m[2] + m[3]
	}
	if m := proxyPathPattern.FindStringSubmatch(line); m != nil {
		return unescapePath(m[1])
	}
	return ""
}

// unescapePath undoes the proxy protocol's case encoding (!x is X).
func unescapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '!' && i+1 < len(p) {
			i++
			b.WriteString(strings.ToUpper(p[i : i+1]))
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// Hint is the sentence that tells the user what to do, or "" when the
// diagnosis found nothing. It names the host and module, never a
// credential (stderr holds none: go and git print URLs without passwords,
// and go-build puts no credential in a URL).
func (d Diagnosis) Hint() string {
	host := d.Host
	if host == "" {
		host = "the server"
	}
	module := ""
	if d.Module != "" {
		module = " for module " + d.Module
	}
	switch d.Problem {
	case Refused:
		status := d.Status
		if status == "" {
			status = "401 Unauthorized"
		}
		fix := fmt.Sprintf("give --netrc with a line `machine %s login <user> password <token>` (the port is part of the machine name when it is not 443)", netrcMachine(host))
		if d.Git {
			fix = fmt.Sprintf("give git a login with with-git-token --host %s, or %s", host, strings.TrimPrefix(fix, "give "))
		}
		return fmt.Sprintf("%s refused the credentials%s (%s): no or a wrong login reached it; %s", host, module, status, fix)
	case Untrusted:
		return fmt.Sprintf("the certificate of %s is not trusted%s: give the CA that signed it with --ca-certificates (a PEM file), or check that the certificate names %s",
			host, module, hostName(host))
	}
	return ""
}

func netrcMachine(host string) string {
	if host == "the server" {
		return "<host[:port]>"
	}
	return strings.TrimSuffix(host, ":443")
}

func hostName(host string) string {
	if i := strings.LastIndex(host, ":"); i > 0 && !strings.Contains(host[i:], "]") {
		return host[:i]
	}
	return host
}
