package imagecfg

import "testing"

func TestSourceURL(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"scp-like github", "git@github.com:o/r.git", "https://github.com/o/r"},
		{"scp-like without .git", "git@github.com:o/r", "https://github.com/o/r"},
		{"scp-like without user", "github.com:o/r.git", "https://github.com/o/r"},
		{"scp-like absolute path", "git@git.example:/srv/r.git", "https://git.example/srv/r"},
		{"scp-like nested group", "git@gitlab.com:group/sub/r.git", "https://gitlab.com/group/sub/r"},
		{"trailing newline from git config", "git@github.com:o/r.git\n", "https://github.com/o/r"},
		{"https with .git", "https://github.com/o/r.git", "https://github.com/o/r"},
		{"https clean", "https://github.com/o/r", "https://github.com/o/r"},
		{"https trailing slash", "https://github.com/o/r/", "https://github.com/o/r"},
		{"https .git and slash", "https://github.com/o/r.git/", "https://github.com/o/r"},
		{"https token stripped", "https://x-access-token:ghs_secret@github.com/o/r.git", "https://github.com/o/r"},
		{"https user stripped", "https://user@bitbucket.org/o/r.git", "https://bitbucket.org/o/r"},
		{"https port kept", "https://git.example:8443/o/r.git", "https://git.example:8443/o/r"},
		{"http kept as http", "http://user:pw@git.internal/o/r.git", "http://git.internal/o/r"},
		{"ssh url", "ssh://git@github.com/o/r.git", "https://github.com/o/r"},
		{"ssh url with port", "ssh://git@git.example:2222/o/r.git", "https://git.example/o/r"},
		{"git+ssh url", "git+ssh://git@github.com/o/r.git", "https://github.com/o/r"},
		{"git protocol", "git://github.com/o/r.git", "https://github.com/o/r"},
		{"ssh ipv6", "ssh://git@[fd00::1]:22/o/r.git", "https://[fd00::1]/o/r"},
		{"repo named .git only suffix stripped", "https://github.com/o/dotgit.git", "https://github.com/o/dotgit"},
		{"empty", "", ""},
		{"local path", "/srv/repos/r.git", "/srv/repos/r.git"},
		{"relative path", "../r", "../r"},
		{"relative path with colon after slash", "./a:b", "./a:b"},
		{"file url", "file:///srv/r.git", "file:///srv/r.git"},
		{"unknown scheme", "ftp://host/r.git", "ftp://host/r.git"},
		{"scp-like empty host", "@:o/r", "@:o/r"},
		{"scp-like empty path", "git@github.com:", "git@github.com:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SourceURL(tt.in); got != tt.want {
				t.Fatalf("SourceURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
