package redact

import (
	"strings"
	"testing"
)

func TestRemote(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// GitLab CI clones with the job token in the remote.
		{"gitlab ci job token", "https://gitlab-ci-token:glcbt-64_SECRET@gitlab.example.com/group/project.git", "https://gitlab.example.com/group/project"},
		{"github app token", "https://x-access-token:ghs_SECRET@github.com/o/r.git", "https://github.com/o/r"},
		{"token as the user name", "https://ghp_SECRET@github.com/o/r.git", "https://github.com/o/r"},
		{"password holding an @", "https://user:p@SECRET@github.com/o/r.git", "https://github.com/o/r"},
		{"query and fragment dropped", "https://github.com/o/r.git?private_token=SECRET#SECRET", "https://github.com/o/r"},
		// url.Parse refuses these: dropped, never passed through.
		{"password with # (url.Parse refuses)", "https://user:pa#SECRET@host.example/o/r.git", ""},
		{"password with bad %-escape", "https://user:pa%zzSECRET@host.example/o/r.git", ""},
		// A digit-only password before a '#' parses as a port: the '@'
		// left behind drops it.
		{"numeric password before #", "https://user:123456#SECRET@host.example/o/r.git", ""},
		{"password with / leaves an @ in the path", "https://user:pa/SECRET@host.example/o/r.git", ""},
		{"password with ? leaves an @ in the query", "https://user:pa?SECRET@host.example/o/r.git", ""},
		{"unknown scheme", "ftp://user:SECRET@host.example/x", ""},
		{"unknown scheme without user", "ftp://host/r.git", ""},
		{"git+https", "git+https://user:SECRET@host.example/o/r", ""},
		// scp-like
		{"scp-like github", "git@github.com:o/r.git", "https://github.com/o/r"},
		{"scp-like without .git", "git@github.com:o/r", "https://github.com/o/r"},
		{"scp-like without user", "github.com:o/r.git", "https://github.com/o/r"},
		{"scp-like absolute path", "git@git.example:/srv/r.git", "https://git.example/srv/r"},
		{"scp-like nested group", "git@gitlab.com:group/sub/r.git", "https://gitlab.com/group/sub/r"},
		{"scp-like with a password", "user:SECRET@host.example:o/r.git", ""},
		{"scp-like empty host", "@:o/r", ""},
		{"scp-like empty path", "git@github.com:", ""},
		{"scp-like host not a name", "git@ho$t:o/r", ""},
		// ssh:// and git://
		{"ssh url", "ssh://git@github.com/o/r.git", "https://github.com/o/r"},
		{"ssh url with port", "ssh://git@git.example:2222/o/r.git", "https://git.example/o/r"},
		{"ssh url with password", "ssh://git:SECRET@git.example/o/r.git", "https://git.example/o/r"},
		{"git+ssh url", "git+ssh://git@github.com/o/r.git", "https://github.com/o/r"},
		{"git protocol", "git://github.com/o/r.git", "https://github.com/o/r"},
		{"ssh ipv6", "ssh://git@[fd00::1]:22/o/r.git", "https://[fd00::1]/o/r"},
		// http(s)
		{"https with .git", "https://github.com/o/r.git", "https://github.com/o/r"},
		{"https clean", "https://github.com/o/r", "https://github.com/o/r"},
		{"https trailing slash", "https://github.com/o/r/", "https://github.com/o/r"},
		{"https .git and slash", "https://github.com/o/r.git/", "https://github.com/o/r"},
		{"https user stripped", "https://user@bitbucket.org/o/r.git", "https://bitbucket.org/o/r"},
		{"https port kept", "https://git.example:8443/o/r.git", "https://git.example:8443/o/r"},
		{"https ipv6 with port", "https://[fd00::1]:8443/o/r", "https://[fd00::1]:8443/o/r"},
		{"http kept as http", "http://user:pw@git.internal/o/r.git", "http://git.internal/o/r"},
		{"scheme in capitals", "HTTPS://github.com/o/r", "https://github.com/o/r"},
		{"repo named dotgit", "https://github.com/o/dotgit.git", "https://github.com/o/dotgit"},
		{"trailing newline from git config", "git@github.com:o/r.git\n", "https://github.com/o/r"},
		{"an @ in the path", "https://github.com/o/r@SECRET", ""},
		{"an escaped @ in the path", "https://github.com/o/r%40SECRET", ""},
		{"space inside", "https://github.com/o/r SECRET", ""},
		{"host not a name", "https://ho%2Fst/o/r", ""},
		// Local: a path on the build machine.
		{"empty", "", ""},
		{"local path", "/srv/repos/r.git", ""},
		{"relative path", "../r", ""},
		{"relative path with colon after slash", "./a:b", ""},
		{"file url", "file:///srv/r.git", ""},
		{"file url with host", "file://host/srv/r.git", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Remote(tt.in)
			if got != tt.want {
				t.Fatalf("Remote(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.Contains(got, "SECRET") || strings.Contains(got, "@") {
				t.Fatalf("Remote(%q) = %q keeps a credential", tt.in, got)
			}
		})
	}
}

func TestURL(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"user and password", "https://user:SECRET@proxy.example/path", "https://user:xxxxx@proxy.example/path", true},
		{"user alone is the token", "https://SECRET@proxy.example/", "https://xxxxx@proxy.example/", true},
		{"token as user with x-oauth-basic", "https://SECRET:x-oauth-basic@github.com/o/r", "https://xxxxx@github.com/o/r", true},
		{"query masked", "https://proxy.example/?token=SECRET", "https://proxy.example/?xxxxx", true},
		{"fragment masked", "https://proxy.example/#SECRET", "https://proxy.example/#xxxxx", true},
		{"no credentials", "https://proxy.example/go", "https://proxy.example/go", true},
		{"a word", "direct", "direct", true},
		{"password with #", "https://user:pa#SECRET@proxy.example/", "", false},
		{"password with bad %-escape", "https://user:%zzSECRET@proxy.example/", "", false},
		{"no scheme, user and password", "user:SECRET@proxy.example", "", false},
		{"an @ in the path", "https://proxy.example/a/SECRET@b", "", false},
		{"a newline", "https://proxy.example/\nSECRET", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := URL(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("URL(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			if strings.Contains(got, "SECRET") {
				t.Fatalf("URL(%q) = %q keeps a credential", tt.in, got)
			}
		})
	}
}

func TestFlag(t *testing.T) {
	if got, want := Flag("--goproxy", "https://u:SECRET@p.example/"), `--goproxy "https://u:xxxxx@p.example/"`; got != want {
		t.Errorf("Flag() = %q, want %q", got, want)
	}
	got := Flag("--gosumdb", "https://u:pa#SECRET@p.example/")
	if strings.Contains(got, "SECRET") || !strings.HasPrefix(got, "--gosumdb (") {
		t.Errorf("Flag() = %q, want the flag named and the value left out", got)
	}
}
