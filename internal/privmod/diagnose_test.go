package privmod

import (
	"strings"
	"testing"
)

// The stderr texts are go 1.26's and git 2.39's (Debian bookworm, GnuTLS),
// as they printed them against the checks' servers.
func TestDiagnose(t *testing.T) {
	tests := []struct {
		name   string
		stderr string
		want   Diagnosis
	}{
		{"go proxy 401", `go: downloading mods.internal/greet v1.0.0
main.go:9:2: mods.internal/greet@v1.0.0: reading https://mods.internal:8443/mods.internal/greet/@v/v1.0.0.zip: 401 Unauthorized
	server response: 401 Unauthorized: this server wants a login`,
			Diagnosis{Refused, "mods.internal:8443", "mods.internal/greet", "401 Unauthorized", false}},
		{"go mod download 401", `go: git.internal/words@v1.0.0: reading https://127.0.0.1:8443/git.internal/words/@v/v1.0.0.mod: 401 Unauthorized`,
			Diagnosis{Refused, "127.0.0.1:8443", "git.internal/words", "401 Unauthorized", false}},
		{"go 403 escaped path", `go: reading https://athens.corp/github.com/!acme/lib/@v/list: 403 Forbidden`,
			Diagnosis{Refused, "athens.corp", "github.com/Acme/lib", "403 Forbidden", false}},
		{"go x509", `go: git.internal/words@v1.0.0: Get "https://mods.internal:8443/git.internal/words/@v/v1.0.0.mod": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
			Diagnosis{Untrusted, "mods.internal:8443", "git.internal/words", "", false}},
		{"git no credentials", `go: git.internal/words@v1.0.0: invalid version: git ls-remote -q origin in /go/pkg/mod/cache/vcs/0123: exit status 128:
	fatal: could not read Username for 'https://git.internal': terminal prompts disabled`,
			Diagnosis{Refused, "git.internal", "git.internal/words", "401 Unauthorized", true}},
		{"git wrong credentials", `main.go:8:2: git.internal/words@v1.0.0: invalid version: git ls-remote -q origin in /go/pkg/mod/cache/vcs/0123: exit status 128:
	remote: 401 Unauthorized: this server wants a login
	fatal: Authentication failed for 'https://git.internal/words.git/'`,
			Diagnosis{Refused, "git.internal", "git.internal/words", "401 Unauthorized", true}},
		{"git untrusted", `go: module git.internal/words: git ls-remote -q origin in /go/pkg/mod/cache/vcs/0123: exit status 128:
	fatal: unable to access 'https://git.internal/words.git/': server certificate verification failed. CAfile: /etc/ssl/certs/ca-certificates.crt CRLfile: none`,
			Diagnosis{Untrusted, "git.internal", "git.internal/words", "", false}},
		{"go-get page untrusted", `main.go:8:2: unrecognized import path "git.internal/words": https fetch: Get "https://git.internal/words?go-get=1": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
			Diagnosis{Untrusted, "git.internal", "git.internal/words", "", false}},
		{"git no credentials, go.mod at a revision", `go: downloading git.internal/words v1.0.0
main.go:8:2: reading git.internal/words/go.mod at revision v1.0.0: git ls-remote -q --end-of-options origin in /go/pkg/mod/cache/vcs/2da7: exit status 128:
	fatal: could not read Username for 'https://git.internal': terminal prompts disabled
Confirm the import path was entered correctly.`,
			Diagnosis{Refused, "git.internal", "git.internal/words", "401 Unauthorized", true}},
		{"compile error", "./main.go:3:1: syntax error: non-declaration statement outside function body", Diagnosis{}},
		{"not found", "go: example.com/x@v1.0.0: reading https://proxy.golang.org/example.com/x/@v/v1.0.0.mod: 404 Not Found", Diagnosis{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Diagnose(tt.stderr); got != tt.want {
				t.Fatalf("Diagnose() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestHint(t *testing.T) {
	tests := []struct {
		name string
		d    Diagnosis
		want []string
	}{
		{"proxy refused on a port", Diagnosis{Refused, "mods.internal:8443", "mods.internal/greet", "401 Unauthorized", false},
			[]string{"mods.internal:8443 refused the credentials for module mods.internal/greet (401 Unauthorized)", "give --netrc with a line `machine mods.internal:8443 login"}},
		{"git refused on a port", Diagnosis{Refused, "git.internal:8443", "git.internal/words", "401 Unauthorized", true},
			[]string{"with-git-token --host git.internal:8443, or --netrc", "machine git.internal:8443 login"}},
		{"refused on 443", Diagnosis{Refused, "git.internal:443", "", "403 Forbidden", false},
			[]string{"git.internal:443 refused the credentials (403 Forbidden)", "machine git.internal login"}},
		{"untrusted", Diagnosis{Untrusted, "mods.internal:8443", "mods.internal/greet", "", false},
			[]string{"the certificate of mods.internal:8443 is not trusted for module mods.internal/greet", "--ca-certificates", "names mods.internal"}},
		{"unknown host", Diagnosis{Untrusted, "", "", "", false}, []string{"the certificate of the server is not trusted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hint := tt.d.Hint()
			for _, w := range tt.want {
				if !strings.Contains(hint, w) {
					t.Fatalf("Hint() = %q, want it to hold %q", hint, w)
				}
			}
		})
	}
	if hint := (Diagnosis{}).Hint(); hint != "" {
		t.Fatalf("no problem: Hint() = %q, want none", hint)
	}
}
