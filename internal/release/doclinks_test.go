package release

import (
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestResolveDocLink(t *testing.T) {
	tests := []struct {
		link, target, want, wantErr string
	}{
		{"LICENSE", "docs/LICENSE.txt", "docs/LICENSE.txt", ""},
		{"LICENSE", "./COPYING", "COPYING", ""},
		{"README.md", "docs/../README.txt", "README.txt", ""},
		{"LICENSES/MIT.txt", "../legal/MIT.txt", "legal/MIT.txt", ""},
		{"LICENSES/MIT.txt", "MIT-0.txt", "LICENSES/MIT-0.txt", ""},

		{"LICENSE", "/etc/passwd", "", "LICENSE -> /etc/passwd points at an absolute path, outside the source directory"},
		{"LICENSE", "../../../../etc/shadow", "", "LICENSE -> ../../../../etc/shadow points outside the source directory"},
		{"LICENSE", "..", "", "LICENSE -> .. points outside the source directory"},
		{"LICENSE", "docs/../../x", "", "LICENSE -> docs/../../x points outside the source directory"},
		{"LICENSES/MIT.txt", "../../go.mod", "", "LICENSES/MIT.txt -> ../../go.mod points outside the source directory"},
		{"LICENSE", ".", "", "LICENSE -> . points at the source directory itself"},
		{"LICENSES/x", "..", "", "LICENSES/x -> .. points at the source directory itself"},
		{"LICENSE", "", "", "LICENSE ->  has an empty target"},
		{"LICENSE", `\etc\passwd`, "", "points at an absolute path"},
		{"LICENSE", "a\x00b", "", "has a NUL byte"},
	}
	for _, tt := range tests {
		t.Run(tt.link+"->"+tt.target, func(t *testing.T) {
			got, err := ResolveDocLink(tt.link, tt.target)
			errtest.Check(t, err, ErrDocLink, tt.wantErr)
			if got != tt.want {
				t.Errorf("ResolveDocLink(%q, %q) = %q, want %q", tt.link, tt.target, got, tt.want)
			}
		})
	}
}

func TestDocLinkTargetError(t *testing.T) {
	err := DocLinkTargetError("LICENSE", "legal", "a directory")
	errtest.Check(t, err, ErrDocLink, "LICENSE -> legal points at a directory, not a regular file")
}

func TestDocLinksError(t *testing.T) {
	errtest.Check(t, DocLinksError([]error{nil, nil}), nil, "")
	_, abs := ResolveDocLink("LICENSE", "/etc/passwd")
	_, out := ResolveDocLink("README", "../x")
	err := DocLinksError([]error{abs, nil, out})
	want := "symbolic link refused: LICENSE -> /etc/passwd points at an absolute path, outside the source directory\n" +
		"symbolic link refused: README -> ../x points outside the source directory\n" +
		"a LICENSE, README or CHANGELOG file that is a symbolic link must point, by a relative path, at a regular file inside the source directory"
	errtest.Check(t, err, ErrDocLink, want)
}
