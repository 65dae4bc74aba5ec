package imagecfg

import (
	"reflect"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestParseReference(t *testing.T) {
	tests := []struct {
		in           string
		want         Reference
		wantRegistry string
		wantErr      string
	}{
		{in: "app", want: Reference{"docker.io/library/app", "latest"}, wantRegistry: "docker.io"},
		{in: "app:1.2.3", want: Reference{"docker.io/library/app", "1.2.3"}, wantRegistry: "docker.io"},
		{in: "org/app:v1", want: Reference{"docker.io/org/app", "v1"}, wantRegistry: "docker.io"},
		{in: "docker.io/library/app", want: Reference{"docker.io/library/app", "latest"}, wantRegistry: "docker.io"},
		{in: "registry.example/app:1.2.3", want: Reference{"registry.example/app", "1.2.3"}, wantRegistry: "registry.example"},
		{in: "registry.example/team/sub/app", want: Reference{"registry.example/team/sub/app", "latest"}, wantRegistry: "registry.example"},
		{in: "localhost:5000/app", want: Reference{"localhost:5000/app", "latest"}, wantRegistry: "localhost:5000"},
		{in: "localhost:5000/app:dev", want: Reference{"localhost:5000/app", "dev"}, wantRegistry: "localhost:5000"},
		{in: "localhost/app", want: Reference{"localhost/app", "latest"}, wantRegistry: "localhost"},
		{in: "ghcr.io/o/r:sha-abc_1.x", want: Reference{"ghcr.io/o/r", "sha-abc_1.x"}, wantRegistry: "ghcr.io"},
		{in: "", wantErr: `""`},
		{in: "App", wantErr: `"App"`},
		{in: "registry.example/App:1", wantErr: `"registry.example/App:1"`},
		{in: "my app", wantErr: `"my app"`},
		{in: " app", wantErr: `" app"`},
		{in: "app:", wantErr: `"app:"`},
		{in: "app:-bad", wantErr: `"app:-bad"`},
		{in: "app@sha256:" + strings.Repeat("a", 64), wantErr: "has a digest"},
		{in: "app:1@sha256:" + strings.Repeat("a", 64), wantErr: "has a digest"},
		{in: "app@sha256:short", wantErr: `"app@sha256:short"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseReference(tt.in)
			errtest.Check(t, err, ErrInvalidReference, tt.wantErr)
			if tt.wantErr != "" {
				if !strings.Contains(err.Error(), "want [registry/]repository[:tag]") {
					t.Errorf("error %q does not say what is accepted", err)
				}
				return
			}
			if got != tt.want {
				t.Fatalf("ParseReference(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if r := got.Registry(); r != tt.wantRegistry {
				t.Errorf("Registry() = %q, want %q", r, tt.wantRegistry)
			}
		})
	}
}

func TestReferenceString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"app", "docker.io/library/app:latest"},
		{"registry.example/app:1.2.3", "registry.example/app:1.2.3"},
		{"localhost:5000/app:dev", "localhost:5000/app:dev"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ref, err := ParseReference(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := ref.String(); got != tt.want {
				t.Fatalf("String() = %q, want %q", got, tt.want)
			}
			// String must round-trip through ParseReference.
			again, err := ParseReference(ref.String())
			if err != nil || again != ref {
				t.Fatalf("ParseReference(%q) = %+v, %v; want %+v", ref.String(), again, err, ref)
			}
		})
	}
}

func TestReferenceWithTag(t *testing.T) {
	base := Reference{Name: "registry.example/app", Tag: "latest"}
	tests := []struct {
		tag     string
		want    string
		wantErr string
	}{
		{tag: "1.2.3", want: "registry.example/app:1.2.3"},
		{tag: "v1", want: "registry.example/app:v1"},
		{tag: "_x", want: "registry.example/app:_x"},
		{tag: "Sha-ABC.1", want: "registry.example/app:Sha-ABC.1"},
		{tag: strings.Repeat("a", 128), want: "registry.example/app:" + strings.Repeat("a", 128)},
		{tag: "", wantErr: `tag ""`},
		{tag: ".hidden", wantErr: `tag ".hidden"`},
		{tag: "-flag", wantErr: `tag "-flag"`},
		{tag: "a b", wantErr: `tag "a b"`},
		{tag: "a/b", wantErr: `tag "a/b"`},
		{tag: "a:b", wantErr: `tag "a:b"`},
		{tag: strings.Repeat("a", 129), wantErr: "want 1 to 128"},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			got, err := base.WithTag(tt.tag)
			errtest.Check(t, err, ErrInvalidReference, tt.wantErr)
			if tt.wantErr == "" && got.String() != tt.want {
				t.Fatalf("WithTag(%q) = %q, want %q", tt.tag, got, tt.want)
			}
		})
	}
	if base.Tag != "latest" {
		t.Fatalf("WithTag modified its receiver: %+v", base)
	}
}

func TestParseTags(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []string
		wantErr string
	}{
		{name: "none", in: nil, want: []string{}},
		{name: "kept in order", in: []string{"1.2.3", "1.2", "latest"}, want: []string{"1.2.3", "1.2", "latest"}},
		{name: "duplicate", in: []string{"1.2", "latest", "1.2"}, wantErr: `tag "1.2" given twice`},
		{name: "invalid", in: []string{"ok", "not ok"}, wantErr: `tag "not ok"`},
		{name: "empty", in: []string{""}, wantErr: `tag ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTags(tt.in)
			errtest.Check(t, err, ErrInvalidReference, tt.wantErr)
			if tt.wantErr == "" && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseTags(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRepository(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "registry.example/go-build", want: "registry.example/go-build"},
		{in: "localhost:5000/go-build", want: "localhost:5000/go-build"},
		{in: "go-build", want: "docker.io/library/go-build"},
		{in: "registry.example/go-build:1.25.4", wantErr: `"registry.example/go-build:1.25.4": give the repository alone`},
		{in: "registry.example/go-build@sha256:" + strings.Repeat("a", 64), wantErr: "give the repository alone"},
		{in: "Registry.Example/Go-Build", wantErr: `"Registry.Example/Go-Build"`},
	}
	for _, tt := range tests {
		got, err := ParseRepository(tt.in)
		errtest.Check(t, err, ErrInvalidReference, tt.wantErr)
		if tt.wantErr == "" && got.Name != tt.want {
			t.Errorf("ParseRepository(%q) = %q, want %q", tt.in, got.Name, tt.want)
		}
	}
}
