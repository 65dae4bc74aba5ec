package registryauth

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
)

// Secrets of the test configs: no error or message may contain any of them.
var secrets = []string{"hubpass", "ghp_T0KEN", "pa:ss:word", "p:with:colons", "eyJidentity", "regtoken", "flagpass", "entrypass", "s3cret"}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// loginConfig is what `docker login` writes without a credential helper,
// plus entries other tools write.
var loginConfig = `{
	"auths": {
		"https://index.docker.io/v1/": {"auth": "` + b64("hubuser:hubpass") + `"},
		"ghcr.io": {"auth": "` + b64("octo:ghp_T0KEN") + `"},
		"localhost:5000": {"username": "ci", "password": "pa:ss:word"},
		"https://registry.example/v2/": {"auth": "` + b64("u:p:with:colons") + `"},
		"myregistry.azurecr.io": {"auth": "` + b64("00000000-0000-0000-0000-000000000000:") + `", "identitytoken": "eyJidentity"},
		"tokens.example": {"registrytoken": "regtoken"},
		"unpadded.example": {"auth": "` + strings.TrimRight(b64("nopad:s3cret"), "=") + `"},
		"quay.io": {}
	},
	"credHelpers": {"gcr.io": "gcloud", "quay.io": "quay"},
	"HttpHeaders": {"User-Agent": "Docker-Client/27.0.0 (linux)"}
}`

func TestHost(t *testing.T) {
	for _, tc := range []struct{ address, want string }{
		{"https://index.docker.io/v1/", "docker.io"},
		{"index.docker.io", "docker.io"},
		{"docker.io", "docker.io"},
		{"registry-1.docker.io", "docker.io"},
		{"Docker.IO", "docker.io"},
		{"ghcr.io", "ghcr.io"},
		{"ghcr.io/o/app", "ghcr.io"},
		{"localhost:5000", "localhost:5000"},
		{"https://localhost:5000/v2/", "localhost:5000"},
		{"http://registry.example", "registry.example"},
		{"https://[::1]:5000/v2/", "[::1]:5000"},
		{"  ghcr.io  ", "ghcr.io"},
		{"", ""},
	} {
		if got := Host(tc.address); got != tc.want {
			t.Errorf("Host(%q) = %q, want %q", tc.address, got, tc.want)
		}
	}
}

func TestLookup(t *testing.T) {
	cfg, err := Parse([]byte(loginConfig))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		host     string
		want     Credential
		sentinel error
		wantErr  string
	}{
		{host: "docker.io", want: Credential{Username: "hubuser", Password: "hubpass"}},
		{host: "index.docker.io", want: Credential{Username: "hubuser", Password: "hubpass"}},
		{host: "registry-1.docker.io", want: Credential{Username: "hubuser", Password: "hubpass"}},
		{host: "https://index.docker.io/v1/", want: Credential{Username: "hubuser", Password: "hubpass"}},
		{host: "ghcr.io", want: Credential{Username: "octo", Password: "ghp_T0KEN"}},
		{host: "localhost:5000", want: Credential{Username: "ci", Password: "pa:ss:word"}},
		{host: "registry.example", want: Credential{Username: "u", Password: "p:with:colons"}},
		{host: "myregistry.azurecr.io", want: Credential{Username: "00000000-0000-0000-0000-000000000000", IdentityToken: "eyJidentity"}},
		{host: "tokens.example", want: Credential{RegistryToken: "regtoken"}},
		{host: "unpadded.example", want: Credential{Username: "nopad", Password: "s3cret"}},
		{host: "localhost", sentinel: ErrNoCredentials, wantErr: "no registry credentials for localhost in the docker config"},
		{host: "registry.example:5000", sentinel: ErrNoCredentials, wantErr: "for registry.example:5000"},
		{host: "gcr.io", sentinel: ErrCredentialHelper, wantErr: `names credential helper docker-credential-gcloud for gcr.io ("credHelpers"), and credential helpers cannot run inside the module`},
		// The empty entry a helper leaves is not credentials.
		{host: "quay.io", sentinel: ErrCredentialHelper, wantErr: "docker-credential-quay for quay.io"},
		{host: "", sentinel: ErrInvalidEntry, wantErr: `registry host ""`},
	} {
		t.Run(tc.host, func(t *testing.T) {
			got, err := cfg.Lookup(tc.host)
			errtest.Check(t, err, tc.sentinel, tc.wantErr)
			assertNoSecret(t, err)
			if got != tc.want {
				t.Errorf("Lookup(%q) = %#v, want %#v", tc.host, got, tc.want)
			}
		})
	}
}

func TestLookupCredentialHelpers(t *testing.T) {
	for _, tc := range []struct {
		name     string
		config   string
		host     string
		want     Credential
		sentinel error
		wantErr  []string
	}{
		{
			name: "docker desktop login",
			// What `docker login ghcr.io` writes on Docker Desktop.
			config:   `{"auths": {"ghcr.io": {}}, "credsStore": "desktop"}`,
			host:     "ghcr.io",
			sentinel: ErrCredentialHelper,
			wantErr: []string{
				`names credential helper docker-credential-desktop for ghcr.io ("credsStore")`,
				"credential helpers cannot run inside the module",
				"pass --username and --password, or with-registry-auth for ghcr.io",
				`or a config.json that holds the credentials itself (an auths entry "ghcr.io" with "auth": base64 of user:password)`,
			},
		},
		{
			name:     "docker hub through the desktop helper",
			config:   `{"auths": {"https://index.docker.io/v1/": {}}, "credsStore": "desktop"}`,
			host:     "docker.io",
			sentinel: ErrCredentialHelper,
			wantErr:  []string{"docker-credential-desktop for docker.io", `an auths entry "https://index.docker.io/v1/" with "auth"`},
		},
		{
			name:     "credsStore, never logged in to the host",
			config:   `{"auths": {"ghcr.io": {}}, "credsStore": "osxkeychain"}`,
			host:     "registry.example",
			sentinel: ErrNoCredentials,
			wantErr:  []string{"for registry.example", "credsStore, docker-credential-osxkeychain, cannot be asked inside the module"},
		},
		{
			name:     "a per-host helper wins over credsStore",
			config:   `{"credsStore": "desktop", "credHelpers": {"https://gcr.io": "gcloud"}}`,
			host:     "gcr.io",
			sentinel: ErrCredentialHelper,
			wantErr:  []string{"docker-credential-gcloud for gcr.io"},
		},
		{
			name:   "credentials in the file win over a helper",
			config: `{"auths": {"ghcr.io": {"auth": "` + b64("octo:ghp_T0KEN") + `"}}, "credsStore": "desktop", "credHelpers": {"ghcr.io": "gh"}}`,
			host:   "ghcr.io",
			want:   Credential{Username: "octo", Password: "ghp_T0KEN"},
		},
		{
			name:   "the key spelled as asked wins",
			config: `{"auths": {"https://index.docker.io/v1/": {"auth": "` + b64("a:hubpass") + `"}, "docker.io": {"auth": "` + b64("b:hubpass") + `"}}}`,
			host:   "docker.io",
			want:   Credential{Username: "b", Password: "hubpass"},
		},
		{
			name:   "then the key docker writes",
			config: `{"auths": {"https://index.docker.io/v1/": {"auth": "` + b64("a:hubpass") + `"}, "docker.io": {"auth": "` + b64("b:hubpass") + `"}}}`,
			host:   "registry-1.docker.io",
			want:   Credential{Username: "a", Password: "hubpass"},
		},
		{
			name:   "a usable entry wins over an empty one",
			config: `{"auths": {"https://index.docker.io/v1/": {}, "index.docker.io": {"username": "c", "password": "hubpass"}}}`,
			host:   "docker.io",
			want:   Credential{Username: "c", Password: "hubpass"},
		},
		{
			name:     "empty config",
			config:   "",
			host:     "ghcr.io",
			sentinel: ErrNoCredentials,
			wantErr:  []string{"for ghcr.io"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tc.config))
			if err != nil {
				t.Fatal(err)
			}
			got, err := cfg.Lookup(tc.host)
			if len(tc.wantErr) == 0 {
				errtest.Check(t, err, nil, "")
			}
			for _, want := range tc.wantErr {
				errtest.Check(t, err, tc.sentinel, want)
			}
			assertNoSecret(t, err)
			if got != tc.want {
				t.Errorf("Lookup = %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config string
		want   string
	}{
		{"not JSON", `{"auths": {"ghcr.io": {"auth": "` + b64("octo:ghp_T0KEN") + `"}}`, "not valid JSON"},
		{"syntax error next to a secret", `{"auths": {"ghcr.io": {"password": "s3cret" x}}}`, "syntax error at byte"},
		{"auths is a list", `{"auths": ["ghcr.io"]}`, "auths is a JSON array, want an object"},
		{"auth is a number", `{"auths": {"ghcr.io": {"auth": 12}}}`, "is a JSON number, want a string"},
		{"a list", `["s3cret"]`, "the top level is a JSON array, want an object"},
		{"bad base64", `{"auths": {"ghcr.io": {"auth": "octo:ghp_T0KEN"}}}`, `auths entry "ghcr.io": auth is not base64; want base64 of user:password`},
		{"no colon", `{"auths": {"ghcr.io": {"auth": "` + b64("ghp_T0KEN") + `"}}}`, `auths entry "ghcr.io": auth does not decode to user:password (no ':')`},
		{"empty user", `{"auths": {"ghcr.io": {"auth": "` + b64(":ghp_T0KEN") + `"}}}`, `auths entry "ghcr.io": auth decodes to an empty user name`},
		{"no host", `{"auths": {"https:///v2/": {"auth": "` + b64("u:s3cret") + `"}}}`, `auths entry "https:///v2/" names no registry host`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.config))
			errtest.Check(t, err, ErrInvalidConfig, tc.want)
			assertNoSecret(t, err)
			if strings.Contains(err.Error(), b64("octo:ghp_T0KEN")) || strings.Contains(err.Error(), "octo:") {
				t.Errorf("the error shows the auth field: %v", err)
			}
		})
	}
}

func TestCredentialPrintsNoSecret(t *testing.T) {
	c := Credential{Username: "octo", Password: "ghp_T0KEN", IdentityToken: "eyJidentity", RegistryToken: "regtoken"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		got := fmt.Sprintf(format, c)
		assertNoSecretIn(t, got)
		if !strings.Contains(got, `user "octo"`) || !strings.Contains(got, "password set") {
			t.Errorf("%s = %q; want the user and which secrets are set", format, got)
		}
	}
	a := c.AuthConfig()
	if a.Username != "octo" || a.Password != "ghp_T0KEN" || a.IdentityToken != "eyJidentity" || a.RegistryToken != "regtoken" {
		t.Errorf("AuthConfig = %+v", a)
	}
}

func TestResolve(t *testing.T) {
	docker, err := Parse([]byte(loginConfig))
	if err != nil {
		t.Fatal(err)
	}
	ghcrEntry := Entry{Address: "https://ghcr.io", Username: "bot", Password: "entrypass"}
	for _, tc := range []struct {
		name       string
		host       string
		in         Inputs
		want       Credential
		wantSource string
		sentinel   error
		wantErr    string
	}{
		{
			name: "flags win over everything",
			host: "ghcr.io",
			in:   Inputs{Username: "me", Password: "flagpass", Entries: []Entry{ghcrEntry}, Docker: docker},
			want: Credential{Username: "me", Password: "flagpass"}, wantSource: "--username/--password",
		},
		{
			name: "with-registry-auth wins over the docker config",
			host: "ghcr.io",
			in:   Inputs{Entries: []Entry{{Address: "docker.io", Username: "x", Password: "entrypass"}, ghcrEntry}, Docker: docker},
			want: Credential{Username: "bot", Password: "entrypass"}, wantSource: "with-registry-auth for ghcr.io",
		},
		{
			name: "docker config",
			host: "ghcr.io",
			in:   Inputs{Entries: []Entry{{Address: "quay.io", Username: "x", Password: "entrypass"}}, Docker: docker},
			want: Credential{Username: "octo", Password: "ghp_T0KEN"}, wantSource: "docker config entry for ghcr.io",
		},
		{
			name: "docker hub's key",
			host: "docker.io",
			in:   Inputs{Docker: docker},
			want: Credential{Username: "hubuser", Password: "hubpass"}, wantSource: `docker config entry "https://index.docker.io/v1/" for docker.io`,
		},
		{
			name: "with-registry-auth for a helper's registry",
			host: "gcr.io",
			in:   Inputs{Entries: []Entry{{Address: "gcr.io", Username: "_json_key", Password: "entrypass"}}, Docker: docker},
			want: Credential{Username: "_json_key", Password: "entrypass"}, wantSource: "with-registry-auth for gcr.io",
		},
		{name: "helper", host: "gcr.io", in: Inputs{Docker: docker}, wantSource: "no credentials for gcr.io", sentinel: ErrCredentialHelper, wantErr: "docker-credential-gcloud for gcr.io"},
		{name: "nothing for the host", host: "registry.example:5000", in: Inputs{Docker: docker}, wantSource: "no credentials for registry.example:5000", sentinel: ErrNoCredentials, wantErr: "for registry.example:5000 in the docker config"},
		{name: "no docker config", host: "ghcr.io", wantSource: "no credentials for ghcr.io", sentinel: ErrNoCredentials, wantErr: "for ghcr.io (no docker config given)"},
		{name: "username alone", host: "ghcr.io", in: Inputs{Username: "me"}, wantSource: "no credentials for ghcr.io", sentinel: ErrInvalidEntry, wantErr: "give --username and --password together"},
		{name: "password alone", host: "ghcr.io", in: Inputs{Password: "flagpass"}, wantSource: "no credentials for ghcr.io", sentinel: ErrInvalidEntry, wantErr: "give --username and --password together"},
		{
			name: "entry without password", host: "ghcr.io", in: Inputs{Username: "me", Password: "flagpass", Entries: []Entry{{Address: "quay.io", Username: "q"}}},
			wantSource: "no credentials for ghcr.io", sentinel: ErrInvalidEntry, wantErr: `with-registry-auth for quay.io: want a user name and a password (user "q", password given: false)`,
		},
		{
			name: "entry without user", host: "ghcr.io", in: Inputs{Entries: []Entry{{Address: "quay.io", Password: "entrypass"}}},
			wantSource: "no credentials for ghcr.io", sentinel: ErrInvalidEntry, wantErr: `(user "", password given: true)`,
		},
		{
			name: "entry without address", host: "ghcr.io", in: Inputs{Entries: []Entry{{Username: "q", Password: "entrypass"}}},
			wantSource: "no credentials for ghcr.io", sentinel: ErrInvalidEntry, wantErr: `with-registry-auth address "": want a registry host`,
		},
		{
			name: "entry given twice", host: "ghcr.io", in: Inputs{Entries: []Entry{{Address: "index.docker.io", Username: "a", Password: "entrypass"}, {Address: "https://index.docker.io/v1/", Username: "b", Password: "s3cret"}}},
			wantSource: "no credentials for ghcr.io", sentinel: ErrInvalidEntry, wantErr: `with-registry-auth given twice for docker.io (addresses "index.docker.io" and "https://index.docker.io/v1/")`,
		},
		{name: "bad host", host: "a b", wantSource: "no credentials", sentinel: ErrInvalidEntry, wantErr: `registry host "a b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, source, err := Resolve(tc.host, tc.in)
			errtest.Check(t, err, tc.sentinel, tc.wantErr)
			assertNoSecret(t, err)
			assertNoSecretIn(t, source.String())
			if got != tc.want || source.String() != tc.wantSource {
				t.Errorf("Resolve = %#v from %q, want %#v from %q", got, source, tc.want, tc.wantSource)
			}
		})
	}
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		assertNoSecretIn(t, err.Error())
	}
}

func assertNoSecretIn(t *testing.T, s string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(s, secret) || strings.Contains(s, b64(secret)) {
			t.Errorf("%q shows the secret %q", s, secret)
		}
	}
}

// TestCredentialsInAddresses checks an address or docker config key that
// holds a user and password: Host drops them, and no message shows them.
func TestCredentialsInAddresses(t *testing.T) {
	for _, tc := range []struct{ address, host, shown string }{
		{"https://me:s3cret@ghcr.io/v2/", "ghcr.io", `"https://me:xxxxx@ghcr.io/v2/"`},
		{"me:s3cret@ghcr.io", "ghcr.io", "for ghcr.io (the address is not shown"},
		{"https://me:pa#s3cret@ghcr.io/", "ghcr.io", "for ghcr.io (the address is not shown"},
		{"https://me:%zzs3cret@ghcr.io/", "ghcr.io", "for ghcr.io (the address is not shown"},
		// A password with a '/' leaves part of itself where the host
		// would be: no host.
		{"https://me:pa/s3cret@ghcr.io/", "", "(not shown"},
		{"ghcr.io", "ghcr.io", `"ghcr.io"`},
	} {
		if got := Host(tc.address); got != tc.host {
			t.Errorf("Host(%q) = %q, want %q", tc.address, got, tc.host)
		}
		if got := ShownAddress(tc.address); strings.Contains(got, "s3cret") || !strings.Contains(got, tc.shown) {
			t.Errorf("ShownAddress(%q) = %q, want %q without the password", tc.address, got, tc.shown)
		}
	}
	_, _, err := Resolve("ghcr.io", Inputs{Entries: []Entry{
		{Address: "https://me:s3cret@ghcr.io", Username: "me", Password: "p"},
		{Address: "me:s3cret@ghcr.io", Username: "me", Password: "p"},
	}})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Resolve with an entry given twice: %v, want an error without the password", err)
	}
	_, err = Parse([]byte(`{"auths":{"https://me:s3cret@ghcr.io":{"auth":"bm90LWJhc2U2NA=!"}}}`))
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Parse of a bad entry: %v, want an error without the password", err)
	}
}
