package privmod

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name string
		s    Settings
		want string // "" for no error
	}{
		{"empty", Settings{}, ""},
		{"company proxy", Settings{Private: []string{"*.corp.example.com", "github.com/acme"}, Proxy: []string{"https://athens.corp.example.com", "https://proxy.golang.org", "direct"}, NoProxy: []string{"none"}}, ""},
		{"pipe list", Settings{Proxy: []string{"https://a.example|https://b.example", "off"}}, ""},
		{"file proxy", Settings{Proxy: []string{"file:///srv/goproxy"}}, ""},
		{"port", Settings{Proxy: []string{"https://mods.internal:8443/api/go/go-virtual"}}, ""},
		{"sumdb off", Settings{SumDB: "off"}, ""},
		{"sumdb name", Settings{SumDB: "sum.golang.org"}, ""},
		{"sumdb key url", Settings{SumDB: "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8 https://sum.golang.google.cn"}, ""},
		{"empty pattern", Settings{Private: []string{""}}, `--goprivate "": ` + ErrInvalid.Error() + ": an empty pattern"},
		{"comma in pattern", Settings{Private: []string{"a.com,b.com"}}, `--goprivate "a.com,b.com"`},
		{"url pattern", Settings{NoSumDB: []string{"https://git.corp"}}, `--gonosumdb "https://git.corp": invalid private-module setting: a pattern is a module path prefix, not a URL`},
		{"bad glob", Settings{NoProxy: []string{"corp/[x"}}, `--gonoproxy "corp/[x"`},
		{"empty proxy", Settings{Proxy: []string{""}}, `--goproxy "": invalid private-module setting: an empty proxy`},
		{"no scheme", Settings{Proxy: []string{"athens.corp"}}, `"athens.corp" is not a proxy URL`},
		{"ftp", Settings{Proxy: []string{"ftp://athens.corp"}}, `scheme "ftp"`},
		{"credentials in url", Settings{Proxy: []string{"https://me:s3cret@athens.corp"}}, "put them in the --netrc secret (machine athens.corp login"},
		{"bad pipe part", Settings{Proxy: []string{"https://a.example|nope"}}, `"nope" is not a proxy URL`},
		{"sumdb three fields", Settings{SumDB: "a b c"}, `--gosumdb "a b c"`},
		{"sumdb bad url", Settings{SumDB: "sum.example+key ftp://x"}, `"ftp://x" is not the database's URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			errtest.Check(t, err, ErrInvalid, tt.want)
		})
	}
}

func TestCredentialsNeverInError(t *testing.T) {
	tests := []struct {
		name string
		s    Settings
		want string // in the error
	}{
		{"password", Settings{Proxy: []string{"https://me:s3cret@athens.corp"}}, `--goproxy "https://me:xxxxx@athens.corp": `},
		{"token as the user", Settings{Proxy: []string{"https://s3cret@athens.corp"}}, `--goproxy "https://xxxxx@athens.corp": `},
		{"password in a pipe list", Settings{Proxy: []string{"https://a.example|https://me:s3cret@athens.corp"}}, `--goproxy "https://a.example|https://me:xxxxx@athens.corp"`},
		{"password with # (url.Parse refuses it)", Settings{Proxy: []string{"https://me:pa#s3cret@athens.corp"}}, "--goproxy (its value is not shown"},
		{"password with a bad %-escape", Settings{Proxy: []string{"https://me:%zzs3cret@athens.corp/"}}, "--goproxy (its value is not shown"},
		{"no scheme", Settings{Proxy: []string{"me:s3cret@athens.corp"}}, "--goproxy (its value is not shown"},
		{"unknown scheme", Settings{Proxy: []string{"ftp://me:s3cret@athens.corp"}}, `--goproxy "ftp://me:xxxxx@athens.corp"`},
		{"sumdb password", Settings{SumDB: "sum.example+key https://me:s3cret@sum.example"}, `--gosumdb "sum.example+key https://me:xxxxx@sum.example"`},
		{"sumdb password with #", Settings{SumDB: "sum.example+key https://me:pa#s3cret@sum.example"}, "--gosumdb (its value is not shown"},
		{"sumdb password with %zz", Settings{SumDB: "sum.example+key https://me:%zzs3cret@sum.example"}, "--gosumdb (its value is not shown"},
		{"sumdb token in the query", Settings{SumDB: "sum.example+key ftp://sum.example/?t=s3cret"}, `"ftp://sum.example/?xxxxx" is not the database's URL`},
		{"pattern that is a URL with a password", Settings{Private: []string{"https://me:s3cret@git.corp"}}, `--goprivate "https://me:xxxxx@git.corp"`},
		{"pattern that is a URL url.Parse refuses", Settings{NoSumDB: []string{"https://me:pa#s3cret@git.corp"}}, "--gonosumdb (its value is not shown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v: want one that says %q, without the password", err, tt.want)
			}
		})
	}
}

func TestSettingsEnv(t *testing.T) {
	got := Settings{
		Private: []string{"*.corp", "github.com/acme"},
		Proxy:   []string{"https://athens.corp", "direct"},
		NoProxy: []string{"none"},
		SumDB:   "off",
	}.Env()
	want := [][2]string{
		{"GOPRIVATE", "*.corp,github.com/acme"},
		{"GOPROXY", "https://athens.corp,direct"},
		{"GONOPROXY", "none"},
		{"GOSUMDB", "off"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Env() = %v, want %v", got, want)
	}
	if env := (Settings{}).Env(); len(env) != 0 {
		t.Fatalf("empty settings Env() = %v, want none (go's defaults stay)", env)
	}
}

func TestCheckAlias(t *testing.T) {
	tests := []struct{ alias, want string }{
		{"mods.internal", ""},
		{"athens", ""},
		{"git-1.corp.example.com", ""},
		{"", "service alias \"\""},
		{"127.0.0.1", "is an address"},
		{"mods.internal:8443", `holds ':'`},
		{"-mods", "starts or ends with '-'"},
		{"a..b", "1 to 63 characters"},
		{"mods_internal", `holds '_'`},
	}
	for _, tt := range tests {
		t.Run(tt.alias, func(t *testing.T) {
			errtest.Check(t, CheckAlias(tt.alias), ErrInvalid, tt.want)
		})
	}
}

func TestParseGitHost(t *testing.T) {
	tests := []struct{ in, out, want string }{
		{"github.com", "github.com", ""},
		{"GitLab.Corp.Example.com", "gitlab.corp.example.com", ""},
		{"git.internal:8443", "git.internal:8443", ""},
		{"10.0.0.1:443", "10.0.0.1:443", ""},
		{"https://github.com", "", "without a scheme or path"},
		{"github.com/acme", "", "without a scheme or path"},
		{"git.internal:http", "", `port "http" is not a number`},
		{"", "", `git host ""`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseGitHost(tt.in)
			errtest.Check(t, err, ErrInvalid, tt.want)
			if got != tt.out {
				t.Fatalf("ParseGitHost(%q) = %q, want %q", tt.in, got, tt.out)
			}
		})
	}
}

func TestGitConfig(t *testing.T) {
	tests := []struct {
		name      string
		tok       GitToken
		key, want string // want: a part of the value, or of the error
		fails     bool
	}{
		{"github", GitToken{Host: "github.com", Username: "x-access-token", TokenFile: "/run/go-build/git-token-0"},
			"credential.https://github.com.helper", `echo 'username=x-access-token'; printf 'password=%s\n' "$(cat '/run/go-build/git-token-0')"`, false},
		{"port", GitToken{Host: "git.internal:8443", Username: "oauth2", TokenFile: "/run/t"},
			"credential.https://git.internal:8443.helper", "username=oauth2", false},
		{"quote in user", GitToken{Host: "github.com", Username: "a'b", TokenFile: "/run/t"}, "", `git user name "a'b": want 1 to 256 ASCII letters, digits and ._@+-, not starting with '-'`, true},
		{"shell in user", GitToken{Host: "github.com", Username: "$(id)", TokenFile: "/run/t"}, "", `git user name "$(id)"`, true},
		{"space in user", GitToken{Host: "github.com", Username: "a b", TokenFile: "/run/t"}, "", `git user name "a b"`, true},
		{"newline in user", GitToken{Host: "github.com", Username: "u\npassword=x", TokenFile: "/run/t"}, "", `git user name "u\npassword=x"`, true},
		{"option-like user", GitToken{Host: "github.com", Username: "-u", TokenFile: "/run/t"}, "", `git user name "-u"`, true},
		{"email user", GitToken{Host: "github.com", Username: "me+ci@corp.example", TokenFile: "/run/t"}, "credential.https://github.com.helper", "username=me+ci@corp.example", false},
		{"gitlab job token user", GitToken{Host: "gitlab.com", Username: "gitlab-ci-token", TokenFile: "/run/t"}, "credential.https://gitlab.com.helper", "username=gitlab-ci-token", false},
		{"empty user", GitToken{Host: "github.com", TokenFile: "/run/t"}, "", `git user name ""`, true},
		{"relative file", GitToken{Host: "github.com", Username: "u", TokenFile: "t"}, "", `token file "t"`, true},
		{"bad host", GitToken{Host: "https://github.com", Username: "u", TokenFile: "/run/t"}, "", "without a scheme", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, value, err := tt.tok.GitConfig()
			if tt.fails {
				errtest.Check(t, err, ErrInvalid, tt.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if key != tt.key || !strings.Contains(value, tt.want) || !strings.HasPrefix(value, "!") {
				t.Fatalf("GitConfig() = %q, %q; want key %q and a shell helper holding %q", key, value, tt.key, tt.want)
			}
		})
	}
}

// TestGitConfigWithGit has the real git ask the helper for the host's
// credentials.
func TestGitConfigWithGit(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git on PATH")
	}
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("tok-123\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	key, value, err := GitToken{Host: "git.internal:8443", Username: "oauth2", TokenFile: tokenFile}.GitConfig()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ host, want string }{
		{"git.internal:8443", "username=oauth2\npassword=tok-123\n"},
		// Another host (or port) gets nothing from the helper.
		{"git.internal", ""},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			cmd := exec.Command(git, "-c", key+"="+value, "credential", "fill")
			cmd.Env = append(os.Environ(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=")
			cmd.Stdin = strings.NewReader("protocol=https\nhost=" + tt.host + "\n\n")
			out, err := cmd.Output()
			if tt.want == "" {
				if err == nil && strings.Contains(string(out), "password=") {
					t.Fatalf("git credential fill for %s gave %q, want no password", tt.host, out)
				}
				return
			}
			if err != nil {
				t.Fatalf("git credential fill: %v", err)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Fatalf("git credential fill = %q, want it to hold %q", out, tt.want)
			}
		})
	}
}

func TestCredentialsNeverInErrors(t *testing.T) {
	for _, s := range []Settings{
		{Proxy: []string{"https://a.example|https://me:s3cret@athens.corp"}},
		{SumDB: "sum.example+key https://me:s3cret@sum.corp"},
	} {
		if err := s.Validate(); err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("%+v: error %v, want one without the password", s, err)
		}
	}
}

// selfSignedCA is a fresh CA certificate in PEM, made with crypto/x509.
func selfSignedCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "check CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestCheckCABundle(t *testing.T) {
	ca := selfSignedCA(t)
	tests := []struct{ name, bundle, want string }{
		{"one", ca, ""},
		{"two", ca + ca, ""},
		{"empty", "", "holds no PEM certificate"},
		{"der", "0\x82\x01", "holds no PEM certificate"},
		{"key", ca + "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n", `block 2 is a "EC PRIVATE KEY"`},
		{"broken", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "certificate 1 does not parse"},
		{"trailing", ca + "garbage", "text after certificate 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errtest.Check(t, CheckCABundle(tt.bundle), ErrInvalid, tt.want)
		})
	}
}
