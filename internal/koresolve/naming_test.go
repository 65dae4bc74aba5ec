package koresolve

import (
	"reflect"
	"testing"

	"dagger/go-build/internal/errtest"
)

const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestName(t *testing.T) {
	tests := []struct {
		name, repo, ip string
		mode           Mode
		want           string
	}{
		// ko's own table (pkg/commands/options/namer_test.go).
		{"ko default", "registry.example.org/foo/bar", "example.org/sample/cmd/example", MD5, "registry.example.org/foo/bar/example-51d74b7127c5f7495a338df33ecdeb19"},
		{"ko preserve", "registry.example.org/foo/bar", "example.org/sample/cmd/example", PreserveImportPaths, "registry.example.org/foo/bar/example.org/sample/cmd/example"},
		{"ko base", "registry.example.org/foo/bar", "example.org/sample/cmd/example", BaseImportPaths, "registry.example.org/foo/bar/example"},
		{"ko bare", "registry.example.org/foo/bar", "example.org/sample/cmd/example", Bare, "registry.example.org/foo/bar"},
		// md5 of "github.com/foo/bar/cmd/baz" (printf %s ... | md5sum).
		{"md5 of the import path", "registry.example/app", "ko://github.com/foo/bar/cmd/baz", MD5, "registry.example/app/baz-eea223f8ddd109c20ed83761af9e0039"},
		// ko lowercases before naming: the md5 is the lowercased path's.
		{"lowercased first", "registry.example/app", "github.com/GoogleCloudPlatform/foo/cmd/bar", MD5, "registry.example/app/bar-d7737cc04c88a7fa1986389fc502b2a6"},
		{"preserve lowercased", "registry.example/app", "github.com/GoogleCloudPlatform/foo/cmd/Bar", PreserveImportPaths, "registry.example/app/github.com/googlecloudplatform/foo/cmd/bar"},
		{"registry alone", "localhost:5000", "example.com/app/cmd/api", BaseImportPaths, "localhost:5000/api"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Name(tt.repo, tt.ip, tt.mode); got != tt.want {
				t.Errorf("Name(%q, %q, %v) = %q, want %q", tt.repo, tt.ip, tt.mode, got, tt.want)
			}
		})
	}
}

func TestModeFor(t *testing.T) {
	tests := []struct {
		bare, base, preserve bool
		want                 Mode
		err                  string
	}{
		{want: MD5},
		{bare: true, want: Bare},
		{base: true, want: BaseImportPaths},
		{preserve: true, want: PreserveImportPaths},
		{bare: true, base: true, err: "--bare and --base-import-paths are given together"},
		{base: true, preserve: true, err: "--base-import-paths and --preserve-import-paths are given together"},
	}
	for _, tt := range tests {
		got, err := ModeFor(tt.bare, tt.base, tt.preserve)
		errtest.Check(t, err, ErrNaming, tt.err)
		if err == nil && got != tt.want {
			t.Errorf("ModeFor(%v, %v, %v) = %v, want %v", tt.bare, tt.base, tt.preserve, got, tt.want)
		}
	}
}

func TestCheckRepo(t *testing.T) {
	tests := []struct{ repo, err string }{
		{repo: "registry.example/app"},
		{repo: "registry.example"},
		{repo: "localhost:5000"},
		{repo: "127.0.0.1:5000/team/app"},
		{repo: "", err: "no repository"},
		{repo: "ko.local", err: `"ko.local" is ko's ko.local publisher`},
		{repo: "kind.local/app", err: `"kind.local/app" is ko's kind.local publisher`},
		{repo: "Registry.example/App", err: `repository "Registry.example/App"`},
		{repo: "registry.example/app:tag", err: `repository "registry.example/app:tag"`},
	}
	for _, tt := range tests {
		t.Run(tt.repo, func(t *testing.T) {
			errtest.Check(t, CheckRepo(tt.repo), ErrNaming, tt.err)
		})
	}
}

func TestTags(t *testing.T) {
	tests := []struct {
		name  string
		image string
		tags  []string
		want  []string
		err   string
	}{
		{"latest when none", "registry.example/app", nil, []string{"latest"}, ""},
		{"duplicates once, in order", "registry.example/app", []string{"v1", "latest", "v1"}, []string{"v1", "latest"}, ""},
		{"bad tag", "registry.example/app", []string{"a b"}, nil, "registry.example/app:a b"},
		{"bad name", "registry.example/App", nil, nil, "registry.example/App:latest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Tags(tt.image, tt.tags)
			errtest.Check(t, err, ErrNaming, tt.err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tags = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReference(t *testing.T) {
	const img = "registry.example/app/api-0123"
	tests := []struct {
		name    string
		tags    []string
		tagOnly bool
		digest  string
		want    string
		err     string
	}{
		{"digest", []string{"latest"}, false, digest, img + "@" + digest, ""},
		{"one release tag is kept", []string{"v1.2.3"}, false, digest, img + ":v1.2.3@" + digest, ""},
		{"several tags: digest alone", []string{"v1.2.3", "latest"}, false, digest, img + "@" + digest, ""},
		{"tag only", []string{"v1.2.3"}, true, "", img + ":v1.2.3", ""},
		{"tag only wants one tag", []string{"v1", "v2"}, true, "", "", "--tag-only wants exactly one tag other than latest"},
		{"tag only refuses latest", []string{"latest"}, true, "", "", "--tag-only wants exactly one tag other than latest"},
		{"bad digest", []string{"latest"}, false, "sha256:beef", "", img + "@sha256:beef"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Reference(img, tt.tags, tt.tagOnly, tt.digest)
			errtest.Check(t, err, ErrNaming, tt.err)
			if got != tt.want {
				t.Errorf("Reference = %q, want %q", got, tt.want)
			}
		})
	}
}
