package release

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
)

var (
	// ErrModulePath is wrapped when no project name can be taken from a
	// Go module path.
	ErrModulePath = errors.New("invalid module path")
	// ErrVersion is wrapped when a version, or the git describe output it
	// is read from, cannot name a release.
	ErrVersion = errors.New("invalid version")
)

// ProjectName is the default project name of the Go module at modulePath:
// its last element, or the one before when the last is a major version
// suffix (v2, v3...), the way `go build` names a module's binary
// (cmd/go/internal/load/pkg.go, isVersionElement): github.com/mikefarah/yq/v4
// is yq. gopkg.in/yaml.v3 stays yaml.v3, as with go build. GoReleaser's own
// fallback takes the last element as is (v4); go-build does not follow it
// there because the repository name, GoReleaser's other source, is what
// such projects are known by.
//
// Errors wrap ErrModulePath for a malformed path and ErrUnsafeName when the
// name cannot be used in file names; pass a project name explicitly then.
func ProjectName(modulePath string) (string, error) {
	path := strings.TrimSpace(modulePath)
	if path == "" {
		return "", fmt.Errorf("%w: empty: want a module path such as github.com/mikefarah/yq/v4", ErrModulePath)
	}
	elems := strings.Split(path, "/")
	if slices.Contains(elems, "") {
		return "", fmt.Errorf("%w %q: empty path element: want a module path such as github.com/mikefarah/yq/v4", ErrModulePath, modulePath)
	}
	name := elems[len(elems)-1]
	if len(elems) > 1 && isMajorVersion(name) {
		name = elems[len(elems)-2]
	}
	if err := CheckName(fmt.Sprintf("project name %q from module path", name), name); err != nil {
		return "", fmt.Errorf("%w (module %q); give the project name explicitly", err, modulePath)
	}
	return name, nil
}

// isMajorVersion reports whether elem is a module path major version
// suffix, v2 and up; v0 and v1 never are (cmd/go's isVersionElement).
func isMajorVersion(elem string) bool {
	if len(elem) < 2 || elem[0] != 'v' || elem[1] == '0' || elem[1] == '1' && len(elem) == 2 {
		return false
	}
	for _, c := range elem[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Version is a release's version in its two spellings.
type Version struct {
	// Raw is the version as given or as git describe printed it, e.g.
	// v1.2.3 or v1.2.3-4-gabc1234-dirty: the value to stamp into the
	// binaries, which says exactly which commit they came from.
	Raw string
	// Name is the version in file names: Raw without a leading "v" for a
	// release (GoReleaser strips it from the tag to make .Version), or,
	// for a snapshot, GoReleaser's default snapshot version_template
	// {{ .Version }}-SNAPSHOT-{{ .ShortCommit }}: 1.2.3-SNAPSHOT-abc1234,
	// or 0.0.0-SNAPSHOT-abc1234 with no tag (GoReleaser's v0.0.0).
	Name string
	// Snapshot is set when the commit is not exactly a clean tag.
	Snapshot bool
}

// describeAhead is git describe's <tag>-<commits since>-g<commit>.
var describeAhead = regexp.MustCompile(`^(.+)-([0-9]+)-g([0-9a-f]{4,})$`)

// ParseVersion reads a version given explicitly (--version): a semantic
// version, with or without a leading v, as GoReleaser requires of tags
// (it parses them with Masterminds semver's NewVersion): v1.2.3, 1.2.3-rc.1.
// Errors wrap ErrVersion, or ErrUnsafeName for a version that parses but
// cannot be in a file name (build metadata with characters other than
// letters, digits, '.', '-').
func ParseVersion(v string) (Version, error) {
	raw := strings.TrimSpace(v)
	if raw == "" {
		return Version{}, fmt.Errorf("%w: empty: want a semantic version such as v1.2.3", ErrVersion)
	}
	if _, err := semver.NewVersion(raw); err != nil {
		return Version{}, fmt.Errorf("%w %q: not a semantic version (%v): want one such as v1.2.3 or 1.2.3-rc.1", ErrVersion, v, err)
	}
	name := strings.TrimPrefix(raw, "v")
	if err := CheckName("version", name); err != nil {
		return Version{}, err
	}
	return Version{Raw: raw, Name: name}, nil
}

// FromDescribe reads the output of `git describe --tags --always --dirty`:
//
//   - v1.2.3: a release of that tag, named 1.2.3. The tag must be a
//     semantic version, as GoReleaser requires.
//   - v1.2.3-4-gabc1234, v1.2.3-dirty, v1.2.3-4-gabc1234-dirty: commits
//     after the tag or uncommitted changes, which GoReleaser refuses to
//     release: a snapshot, 1.2.3-SNAPSHOT-abc1234. The tag need not be a
//     semantic version, as GoReleaser only warns in snapshot mode.
//   - abc1234, abc1234-dirty: no tag at all: 0.0.0-SNAPSHOT-abc1234.
//
// shortCommit is the abbreviated commit (git rev-parse --short HEAD, which
// is GoReleaser's .ShortCommit); it is needed only for a dirty exact tag,
// where describe prints no commit, and ignored otherwise.
//
// Errors wrap ErrVersion, or ErrUnsafeName for a tag that cannot be in a
// file name.
func FromDescribe(describe, shortCommit string) (Version, error) {
	raw := strings.TrimSpace(describe)
	if raw == "" {
		return Version{}, fmt.Errorf("%w: empty git describe output: want a tag such as v1.2.3 or a commit", ErrVersion)
	}
	rest, dirty := strings.CutSuffix(raw, "-dirty")
	var tag, commit string
	switch m := describeAhead.FindStringSubmatch(rest); {
	case isCommit(rest):
		commit = rest
	case m != nil:
		tag, commit = m[1], m[3]
	default:
		tag = rest
	}
	if tag != "" && commit == "" && !dirty {
		v, err := ParseVersion(tag)
		if err != nil {
			return Version{}, fmt.Errorf("%w; from git describe output %q: tag a release like v1.2.3 or give the version explicitly", err, describe)
		}
		return v, nil
	}
	if commit == "" {
		commit = strings.TrimSpace(shortCommit)
		if !isCommit(commit) {
			return Version{}, fmt.Errorf("%w: git describe output %q names no commit and the short commit %q is not a commit hash (4 to 64 lower-case hex digits)",
				ErrVersion, describe, shortCommit)
		}
	}
	base := "0.0.0"
	if tag != "" {
		base = strings.TrimPrefix(tag, "v")
	}
	name := base + "-SNAPSHOT-" + commit
	if err := CheckName(fmt.Sprintf("snapshot version from git describe output %q", raw), name); err != nil {
		return Version{}, err
	}
	return Version{Raw: raw, Name: name, Snapshot: true}, nil
}

// isCommit reports whether s is an abbreviated or full commit hash as git
// prints it, SHA-1 or SHA-256.
func isCommit(s string) bool {
	if len(s) < 4 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
