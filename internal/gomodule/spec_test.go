package gomodule

import (
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in      string
		want    Spec
		wantErr string
	}{
		{in: "github.com/coredns/coredns@v1.11.3", want: Spec{"github.com/coredns/coredns", "v1.11.3"}},
		{in: "github.com/x/y/v2@v2.0.0", want: Spec{"github.com/x/y/v2", "v2.0.0"}},
		{in: "github.com/x/y@v2.0.0+incompatible", want: Spec{"github.com/x/y", "v2.0.0+incompatible"}},
		{in: "github.com/x/y@v1.0.0-rc.1", want: Spec{"github.com/x/y", "v1.0.0-rc.1"}},
		{in: "gopkg.in/yaml.v3@v3.0.1", want: Spec{"gopkg.in/yaml.v3", "v3.0.1"}},
		{in: "github.com/Azure/go-autorest@v14.2.0+incompatible", want: Spec{"github.com/Azure/go-autorest", "v14.2.0+incompatible"}},
		{in: "golang.org/x/mod@v0.0.0-20191109021931-daa7c04131f5", want: Spec{"golang.org/x/mod", "v0.0.0-20191109021931-daa7c04131f5"}},
		{in: "github.com/x/y@v1.2.4-0.20191109021931-daa7c04131f5", want: Spec{"github.com/x/y", "v1.2.4-0.20191109021931-daa7c04131f5"}},
		{in: "github.com/x/y/v3@v3.0.0-20191109021931-daa7c04131f5", want: Spec{"github.com/x/y/v3", "v3.0.0-20191109021931-daa7c04131f5"}},
		{in: "github.com/x/y@v2.0.1-0.20191109021931-daa7c04131f5+incompatible", want: Spec{"github.com/x/y", "v2.0.1-0.20191109021931-daa7c04131f5+incompatible"}},

		{in: "", wantErr: `"": no @version`},
		{in: "github.com/coredns/coredns", wantErr: `"github.com/coredns/coredns": no @version`},
		{in: "github.com/coredns/coredns@latest", wantErr: `version "latest" is not an exact version`},
		{in: "github.com/coredns/coredns@master", wantErr: `version "master" is not an exact version`},
		{in: "github.com/coredns/coredns@upgrade", wantErr: `version "upgrade"`},
		{in: "github.com/coredns/coredns@feature/x", wantErr: `version "feature/x"`},
		{in: "github.com/coredns/coredns@daa7c04131f5", wantErr: `version "daa7c04131f5"`},
		{in: "github.com/coredns/coredns@", wantErr: `version ""`},
		{in: "github.com/coredns/coredns@1.11.3", wantErr: `version "1.11.3"`},
		{in: "github.com/coredns/coredns@v1.11", wantErr: `(did you mean v1.11.0?)`},
		{in: "github.com/coredns/coredns@v1", wantErr: `(did you mean v1.0.0?)`},
		{in: "github.com/coredns/coredns@v1.11.3+meta", wantErr: `(did you mean v1.11.3?)`},
		{in: "github.com/coredns/coredns@>=v1.0.0", wantErr: `version ">=v1.0.0"`},
		{in: "github.com/coredns/coredns@v1.11.3@v1.11.4", wantErr: `version "v1.11.3@v1.11.4"`},
		{in: "@v1.11.3", wantErr: `"@v1.11.3": empty module path`},
		{in: "coredns@v1.11.3", wantErr: `"coredns@v1.11.3": malformed module path "coredns": missing dot in first path element`},
		{in: "GitHub.com/x/y@v1.0.0", wantErr: `"GitHub.com/x/y@v1.0.0": malformed module path`},
		{in: "github.com/x/y @v1.0.0", wantErr: `"github.com/x/y @v1.0.0": malformed module path`},
		{in: "./cmd/app@v1.0.0", wantErr: `"./cmd/app@v1.0.0": malformed module path`},
		{in: "github.com/x/y@v2.0.0", wantErr: `"github.com/x/y@v2.0.0": github.com/x/y@v2.0.0: invalid version: should be v0 or v1, not v2`},
		{in: "github.com/x/y/v2@v1.0.0", wantErr: `should be v2, not v1`},
		{in: "github.com/x/y/v2@v2.0.0+incompatible", wantErr: `+incompatible suffix not allowed`},
		{in: "github.com/x/y@v1.0.0+incompatible", wantErr: `+incompatible suffix not allowed`},
		{in: "github.com/x/y@v0.1.0+incompatible", wantErr: `+incompatible suffix not allowed on v0 of github.com/x/y`},
		{in: "gopkg.in/yaml.v3@v3.0.0+incompatible", wantErr: `+incompatible suffix not allowed on v3 of gopkg.in/yaml.v3`},
		{in: "gopkg.in/yaml.v3@v2.4.0", wantErr: `"gopkg.in/yaml.v3@v2.4.0"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSpec(tt.in)
			errtest.Check(t, err, ErrInvalidModule, tt.wantErr)
			if tt.wantErr != "" {
				if !strings.Contains(err.Error(), "want an exact version such as") || !strings.Contains(err.Error(), "reproducible") {
					t.Errorf("error %q does not say an exact version is needed and why", err)
				}
				return
			}
			if got != tt.want {
				t.Fatalf("ParseSpec(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Fatalf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestSpecErrorExampleUsesGivenPath(t *testing.T) {
	_, err := ParseSpec("github.com/coredns/coredns@main")
	if err == nil || !strings.Contains(err.Error(), "github.com/coredns/coredns@v1.11.3") {
		t.Fatalf("error = %v, want an example for the same module path", err)
	}
}
