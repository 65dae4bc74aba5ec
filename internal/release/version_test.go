package release

import (
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

func TestProjectName(t *testing.T) {
	tests := []struct {
		module   string
		want     string
		sentinel error
		err      string
	}{
		{"github.com/mikefarah/yq/v4", "yq", nil, ""},
		{"github.com/goreleaser/goreleaser/v2", "goreleaser", nil, ""},
		{"github.com/spf13/cobra", "cobra", nil, ""},
		{"dagger/go-build", "go-build", nil, ""},
		{"example.com/cmd/v10", "cmd", nil, ""},
		{"hello", "hello", nil, ""},
		{"  github.com/a/b  ", "b", nil, ""},
		// v0 and v1 are never major version suffixes, as for go build.
		{"example.com/tool/v1", "v1", nil, ""},
		{"example.com/tool/v0", "v0", nil, ""},
		// gopkg.in keeps its .vN, as go build's binary name does.
		{"gopkg.in/yaml.v3", "yaml.v3", nil, ""},
		// A module named only a version is named that.
		{"v2", "v2", nil, ""},
		{"", "", ErrModulePath, "empty: want a module path"},
		{"example.com//x", "", ErrModulePath, `"example.com//x": empty path element`},
		{"example.com/x/", "", ErrModulePath, "empty path element"},
		{"example.com/my tool", "", ErrUnsafeName, `project name "my tool" from module path "my tool" has a space`},
		{"example.com/.hidden/v2", "", ErrUnsafeName, `(module "example.com/.hidden/v2"); give the project name explicitly`},
	}
	for _, tt := range tests {
		got, err := ProjectName(tt.module)
		errtest.Check(t, err, tt.sentinel, tt.err)
		if got != tt.want {
			t.Errorf("ProjectName(%q) = %q, want %q", tt.module, got, tt.want)
		}
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in       string
		want     Version
		sentinel error
		err      string
	}{
		{"v1.2.3", Version{Raw: "v1.2.3", Name: "1.2.3"}, nil, ""},
		{"1.2.3", Version{Raw: "1.2.3", Name: "1.2.3"}, nil, ""},
		{" v2.0.0-rc.1 ", Version{Raw: "v2.0.0-rc.1", Name: "2.0.0-rc.1"}, nil, ""},
		{"v1.0.0+build.7", Version{Raw: "v1.0.0+build.7", Name: "1.0.0+build.7"}, nil, ""},
		// Masterminds NewVersion, which GoReleaser uses, accepts these.
		{"v1.2", Version{Raw: "v1.2", Name: "1.2"}, nil, ""},
		{"", Version{}, ErrVersion, "empty: want a semantic version"},
		{"latest", Version{}, ErrVersion, `"latest": not a semantic version`},
		{"1.2.3.4", Version{}, ErrVersion, `"1.2.3.4": not a semantic version`},
	}
	for _, tt := range tests {
		got, err := ParseVersion(tt.in)
		errtest.Check(t, err, tt.sentinel, tt.err)
		if got != tt.want {
			t.Errorf("ParseVersion(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestFromDescribe(t *testing.T) {
	tests := []struct {
		describe, short string
		want            Version
		sentinel        error
		err             string
	}{
		{"v1.2.3\n", "", Version{Raw: "v1.2.3", Name: "1.2.3"}, nil, ""},
		{"v1.2.3", "abc1234", Version{Raw: "v1.2.3", Name: "1.2.3"}, nil, ""},
		{"1.2.3-rc.1", "", Version{Raw: "1.2.3-rc.1", Name: "1.2.3-rc.1"}, nil, ""},
		{"v1.2.3-4-gabc1234", "", Version{Raw: "v1.2.3-4-gabc1234", Name: "1.2.3-SNAPSHOT-abc1234", Snapshot: true}, nil, ""},
		{"v1.2.3-rc.1-12-gdeadbeef-dirty", "", Version{Raw: "v1.2.3-rc.1-12-gdeadbeef-dirty", Name: "1.2.3-rc.1-SNAPSHOT-deadbeef", Snapshot: true}, nil, ""},
		{"v1.2.3-dirty", "abc1234", Version{Raw: "v1.2.3-dirty", Name: "1.2.3-SNAPSHOT-abc1234", Snapshot: true}, nil, ""},
		{"abc1234", "", Version{Raw: "abc1234", Name: "0.0.0-SNAPSHOT-abc1234", Snapshot: true}, nil, ""},
		{"abc1234-dirty", "", Version{Raw: "abc1234-dirty", Name: "0.0.0-SNAPSHOT-abc1234", Snapshot: true}, nil, ""},
		// A snapshot of a tag that is not semver, as GoReleaser allows.
		{"nightly-3-gabc1234", "", Version{Raw: "nightly-3-gabc1234", Name: "nightly-SNAPSHOT-abc1234", Snapshot: true}, nil, ""},

		{"", "", Version{}, ErrVersion, "empty git describe output"},
		{"nightly", "", Version{}, ErrVersion, `"nightly": not a semantic version`},
		{"release-2024", "", Version{}, ErrVersion, `from git describe output "release-2024": tag a release like v1.2.3`},
		{"v1.2.3-dirty", "", Version{}, ErrVersion, `git describe output "v1.2.3-dirty" names no commit and the short commit "" is not a commit hash`},
		{"v1.2.3-dirty", "HEAD", Version{}, ErrVersion, `the short commit "HEAD"`},
		{"release/1.0-2-gabc1234", "", Version{}, ErrUnsafeName, `snapshot version from git describe output "release/1.0-2-gabc1234" "release/1.0-SNAPSHOT-abc1234" has '/'`},
	}
	for _, tt := range tests {
		got, err := FromDescribe(tt.describe, tt.short)
		errtest.Check(t, err, tt.sentinel, tt.err)
		if got != tt.want {
			t.Errorf("FromDescribe(%q, %q) = %+v, want %+v", tt.describe, tt.short, got, tt.want)
		}
	}
}

func TestParseSourceDateEpoch(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{"1700000000", time.Unix(1700000000, 0).UTC(), ""},
		{"315532800\n", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{"4294967295", time.Unix(1<<32-1, 0).UTC(), ""},
		{"0", time.Time{}, `SOURCE_DATE_EPOCH "0": invalid archive timestamp 1970-01-01T00:00:00Z: zip archives store times from 1980-01-01T00:00:00Z`},
		{"4294967296", time.Time{}, "2106-02-07T06:28:16Z"},
		{"", time.Time{}, `SOURCE_DATE_EPOCH "": want a decimal number`},
		{"-1", time.Time{}, `"-1": want a decimal number`},
		{"+1700000000", time.Time{}, `"+1700000000"`},
		{"1.5", time.Time{}, `"1.5"`},
		{"2024-01-01", time.Time{}, `"2024-01-01"`},
	}
	for _, tt := range tests {
		got, err := ParseSourceDateEpoch(tt.in)
		errtest.Check(t, err, ErrMTime, tt.err)
		if !got.Equal(tt.want) {
			t.Errorf("ParseSourceDateEpoch(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
