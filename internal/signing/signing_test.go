package signing

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestInstallPackage(t *testing.T) {
	for _, tc := range []struct {
		version, want, wantErr string
	}{
		{version: "v2.6.5", want: "github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5"},
		{version: DefaultCosignVersion, want: CosignPackage + "@" + DefaultCosignVersion},
		{version: "2.6.5", wantErr: `"2.6.5": want a release`},
		{version: "v2.6", wantErr: `"v2.6": want a release`},
		{version: "latest", wantErr: `"latest": want a release`},
		{version: "v2.6.5-rc.1", wantErr: `"v2.6.5-rc.1": want a release`},
		{version: "v1.13.1", wantErr: `"v1.13.1": want a cosign 2 release`},
		{version: "v3.0.2", wantErr: `"v3.0.2": want a cosign 2 release`},
		{version: "", wantErr: `"": want a release`},
	} {
		got, err := InstallPackage(tc.version)
		if tc.wantErr != "" {
			if !errors.Is(err, ErrSigning) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("InstallPackage(%q) = %q, %v; want an ErrSigning naming %s", tc.version, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("InstallPackage(%q) = %q, %v; want %q", tc.version, got, err, tc.want)
		}
	}
}

func pemBlock(typ string) []byte {
	return []byte("-----BEGIN " + typ + "-----\nAAAA\n-----END " + typ + "-----\n")
}

func TestCheckPrivateKey(t *testing.T) {
	for _, tc := range []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{name: "cosign 2 key", data: pemBlock("ENCRYPTED SIGSTORE PRIVATE KEY")},
		{name: "older cosign key", data: pemBlock("ENCRYPTED COSIGN PRIVATE KEY")},
		{name: "public key", data: pemBlock("PUBLIC KEY"), wantErr: "public key (cosign.pub): give the private key"},
		{name: "plain EC key", data: pemBlock("EC PRIVATE KEY"), wantErr: "not encrypted"},
		{name: "other PEM", data: pemBlock("CERTIFICATE"), wantErr: `"CERTIFICATE" PEM block`},
		{name: "not PEM", data: []byte("hunter2"), wantErr: "not PEM"},
		{name: "empty", data: nil, wantErr: "not PEM"},
	} {
		err := CheckPrivateKey(tc.data)
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if !errors.Is(err, ErrSigning) || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err = %v, want an ErrSigning saying %q", tc.name, err, tc.wantErr)
		}
		if err != nil && (strings.Contains(err.Error(), "AAAA") || strings.Contains(err.Error(), "hunter2")) {
			t.Errorf("%s: the error %q quotes the key", tc.name, err)
		}
	}
}

func TestSignImages(t *testing.T) {
	img := "registry:5000/team/app@sha256:" + strings.Repeat("ab", 32)
	att := "registry:5000/team/app@sha256:" + strings.Repeat("cd", 32)
	for _, tc := range []struct {
		name    string
		images  []string
		reg     Registry
		want    []string
		wantErr string
	}{
		{
			name: "TLS registry", images: []string{img},
			want: []string{"cosign", "sign", "--key", KeyPath, "--tlog-upload=false", "--yes", "--", img},
		},
		{
			name: "plain HTTP, with an attestation", images: []string{img, att}, reg: Registry{PlainHTTP: true},
			want: []string{"cosign", "sign", "--key", KeyPath, "--tlog-upload=false", "--yes", "--allow-http-registry", "--allow-insecure-registry", "--", img, att},
		},
		{name: "by tag", images: []string{"registry:5000/team/app:1.0"}, wantErr: `"registry:5000/team/app:1.0": want a reference by digest`},
		{name: "flag", images: []string{"--key=x@sha256:" + strings.Repeat("ab", 32)}, wantErr: "want a reference by digest"},
		{name: "none", wantErr: "no image to sign"},
	} {
		got, err := SignImages(tc.images, tc.reg)
		if tc.wantErr != "" {
			if !errors.Is(err, ErrSigning) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: SignImages = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestCommandLinesNameNoSecret(t *testing.T) {
	// The key and password are files; no command line carries them, and
	// the password reaches cosign on stdin only.
	blob := SignBlob("app_checksums.txt", "app_checksums.txt.sig", "app_checksums.txt.bundle")
	want := []string{"cosign", "sign-blob", "--key", KeyPath, "--tlog-upload=false", "--yes",
		"--output-signature", "app_checksums.txt.sig", "--bundle", "app_checksums.txt.bundle", "--", "app_checksums.txt"}
	if !slices.Equal(blob, want) {
		t.Errorf("SignBlob = %q, want %q", blob, want)
	}
	wrapped := WithPassword(PublicKey())
	if want := []string{"sh", "-c", `exec "$@" < ` + PasswordPath, "sh", "cosign", "public-key", "--key", KeyPath}; !slices.Equal(wrapped, want) {
		t.Errorf("WithPassword(PublicKey()) = %q, want %q", wrapped, want)
	}
}

func TestSignatureTag(t *testing.T) {
	hex := strings.Repeat("0f", 32)
	if got, err := SignatureTag("sha256:" + hex); err != nil || got != "sha256-"+hex+".sig" {
		t.Errorf("SignatureTag = %q, %v", got, err)
	}
	for _, bad := range []string{"", "sha256:abc", "sha512:" + hex, "sha256:" + strings.ToUpper(hex), hex} {
		if got, err := SignatureTag(bad); !errors.Is(err, ErrSigning) {
			t.Errorf("SignatureTag(%q) = %q, %v; want an ErrSigning", bad, got, err)
		}
	}
}

func TestByDigest(t *testing.T) {
	d := "sha256:" + strings.Repeat("12", 32)
	for _, tc := range []struct{ in, want, wantErr string }{
		{in: "registry.test:5000/go-build:1.26-llvm19@" + d, want: "registry.test:5000/go-build@" + d},
		{in: "registry.test:5000/go-build@" + d, want: "registry.test:5000/go-build@" + d},
		{in: "ghcr.io/team/app:v1@" + d, want: "ghcr.io/team/app@" + d},
		{in: "ghcr.io/team/app:v1", wantErr: "want repository[:tag]@sha256"},
		{in: "@" + d, wantErr: "want repository[:tag]@sha256"},
		{in: "ghcr.io/team/app@sha256:12", wantErr: "want repository[:tag]@sha256"},
	} {
		got, err := ByDigest(tc.in)
		if tc.wantErr != "" {
			if !errors.Is(err, ErrSigning) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ByDigest(%q) = %q, %v; want %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ByDigest(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestDockerConfig(t *testing.T) {
	type entry struct {
		Auth          string `json:"auth"`
		IdentityToken string `json:"identitytoken"`
		RegistryToken string `json:"registrytoken"`
	}
	for _, tc := range []struct {
		name, host string
		login      Login
		want       map[string]entry // nil: no config
		wantErr    string
	}{
		{name: "anonymous", host: "registry:5000"},
		{
			name: "user and password", host: "registry:5000", login: Login{Username: "ci", Password: "s3cret"},
			want: map[string]entry{"registry:5000": {Auth: "Y2k6czNjcmV0"}},
		},
		{
			name: "identity token", host: "example.azurecr.io", login: Login{Username: "00000000-0000-0000-0000-000000000000", IdentityToken: "tok"},
			want: map[string]entry{"example.azurecr.io": {Auth: "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==", IdentityToken: "tok"}},
		},
		{
			name: "registry token", host: "ghcr.io", login: Login{RegistryToken: "bearer"},
			want: map[string]entry{"ghcr.io": {RegistryToken: "bearer"}},
		},
		{
			name: "Docker Hub", host: "docker.io", login: Login{Username: "ci", Password: "s3cret"},
			want: map[string]entry{"https://index.docker.io/v1/": {Auth: "Y2k6czNjcmV0"}},
		},
		{name: "bad host", host: "ghcr.io/team", login: Login{Username: "ci", Password: "s3cret"}, wantErr: `"ghcr.io/team": want host[:port]`},
	} {
		data, err := DockerConfig(tc.host, tc.login)
		if tc.wantErr != "" {
			if !errors.Is(err, ErrSigning) || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("%s: err = %v, want %q and no password", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.want == nil {
			if data != nil {
				t.Errorf("%s: config %s, want none", tc.name, data)
			}
			continue
		}
		var got struct{ Auths map[string]entry }
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(got.Auths) != len(tc.want) {
			t.Errorf("%s: auths %v, want %v", tc.name, got.Auths, tc.want)
		}
		for k, v := range tc.want {
			if got.Auths[k] != v {
				t.Errorf("%s: auths[%q] = %+v, want %+v", tc.name, k, got.Auths[k], v)
			}
		}
	}
}

func TestAttestationDigests(t *testing.T) {
	index := `{"schemaVersion":2,"manifests":[
		{"digest":"sha256:aa","platform":{"os":"linux","architecture":"amd64"}},
		{"digest":"sha256:bb","annotations":{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"sha256:aa"}},
		{"digest":"sha256:cc","annotations":{"vnd.docker.reference.type":"something-else"}},
		{"digest":"sha256:dd","annotations":{"vnd.docker.reference.type":"attestation-manifest"}}]}`
	got, err := AttestationDigests([]byte(index))
	if err != nil || !slices.Equal(got, []string{"sha256:bb", "sha256:dd"}) {
		t.Errorf("AttestationDigests = %q, %v; want the two attestation manifests", got, err)
	}
	if _, err := AttestationDigests([]byte("{")); !errors.Is(err, ErrSigning) {
		t.Errorf("a malformed index gave %v, want an ErrSigning", err)
	}
}

func TestChecksumsSignatureNames(t *testing.T) {
	if got := ChecksumsSignature("app_1.0.0_checksums.txt"); got != "app_1.0.0_checksums.txt.sig" {
		t.Errorf("ChecksumsSignature = %q", got)
	}
	if got := ChecksumsBundle("app_1.0.0_checksums.txt"); got != "app_1.0.0_checksums.txt.bundle" {
		t.Errorf("ChecksumsBundle = %q", got)
	}
}
