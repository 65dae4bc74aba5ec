package toolchainver

import (
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestCheckTool(t *testing.T) {
	tests := []struct {
		entry, want string
	}{
		{"golang.org/x/tools/cmd/goimports@v0.30.0", ""},
		{"golang.org/x/tools/cmd/goimports@v0.30", ""},
		{"golang.org/x/tools/cmd/goimports@latest", ""},
		{"github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.1.6", ""},
		{"github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5", ""},
		{"honnef.co/go/tools/cmd/staticcheck@v0.0.0-20250101000000-0123456789ab", ""},
		{"gopkg.in/yaml.v3@v3.0.1", ""},
		{"github.com/Acme/Tool@v1.0.0+incompatible", ""},

		// The entry of the issue: an option for go get and go install.
		{"-x@v", `invalid tool "-x@v": malformed module path "-x": leading dash`},
		{"-modfile=/etc/passwd@v1.0.0", `leading dash`},
		{"golang.org/x/tools/cmd/goimports@-x", `version "-x" is not a semantic version`},
		{"golang.org/x/tools/cmd/goimports@master", `version "master" is not a semantic version`},
		{"golang.org/x/tools/cmd/goimports@0.30.0", `version "0.30.0" is not a semantic version`},
		{"golang.org/x/tools/cmd/goimports@v0.30.0;rm", `version "v0.30.0;rm" is not a semantic version`},
		{"golang.org/x/tools/cmd/goimports", `no @version`},
		{"@v1.0.0", `no package path before @`},
		{"golang.org/x/tools/cmd/goimports@", `no version after @`},
		{"golang.org/x/tools/cmd/$(id)@v1.0.0", `invalid char '$'`},
		{"golang.org/x/tools/cmd/goimports something@v1.0.0", `invalid char ' '`},
		{"goimports@v0.30.0", `missing dot in first path element`},
		{"./cmd/tool@v1.0.0", `malformed module path "./cmd/tool"`},
		{"/abs/tool@v1.0.0", `malformed module path "/abs/tool"`},
	}
	for _, tt := range tests {
		t.Run(tt.entry, func(t *testing.T) {
			err := CheckTool(tt.entry)
			errtest.Check(t, err, ErrTool, tt.want)
			if err != nil {
				errtest.Check(t, err, ErrTool, "want package@version, the package a Go package path and the version a semantic version such as v0.30.0 or latest")
			}
		})
	}
}

func TestCheckToolsReportsAll(t *testing.T) {
	err := CheckTools([]string{"-x@v", "golang.org/x/tools/cmd/goimports@v0.30.0", "a.b/c@main"})
	errtest.Check(t, err, ErrTool, `"-x@v"`)
	errtest.Check(t, err, ErrTool, `"a.b/c@main"`)
	errtest.Check(t, CheckTools(nil), nil, "")
}
