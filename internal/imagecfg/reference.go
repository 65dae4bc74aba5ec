package imagecfg

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/distribution/reference"
)

// defaultTag is what docker and every registry client assume when a reference
// names no tag.
const defaultTag = "latest"

// tagPattern is the distribution tag grammar, anchored so the whole string
// must match.
var tagPattern = regexp.MustCompile(`^` + reference.TagRegexp.String() + `$`)

const (
	referenceHint = "want [registry/]repository[:tag] in lowercase, e.g. registry.example/app:1.2.3 or app"
	tagHint       = "want 1 to 128 of letters, digits, '_', '.' and '-', not starting with '.' or '-'"
)

// Reference is a normalized image reference to push to.
type Reference struct {
	// Name is fully qualified, registry included: "docker.io/library/app",
	// "registry.example/app", "localhost:5000/app".
	Name string
	// Tag is never empty; a reference without one gets "latest".
	Tag string
}

// ParseReference normalizes s the way docker does (short Docker Hub names
// gain docker.io/library/). A digest is rejected: images are pushed by tag and
// the registry computes the digest.
func ParseReference(s string) (Reference, error) {
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return Reference{}, fmt.Errorf("%w: %q: %v; %s", ErrInvalidReference, s, err, referenceHint)
	}
	if _, ok := named.(reference.Digested); ok {
		return Reference{}, fmt.Errorf("%w: %q has a digest; images are pushed by tag, %s", ErrInvalidReference, s, referenceHint)
	}
	tag := defaultTag
	if tagged, ok := named.(reference.Tagged); ok {
		tag = tagged.Tag()
	}
	return Reference{Name: named.Name(), Tag: tag}, nil
}

// ParseRepository parses a repository that computed tags are pushed to (a
// toolchain's <tag> and <tag>-<arch>): a tag or digest in it is an error.
func ParseRepository(s string) (Reference, error) {
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return Reference{}, fmt.Errorf("%w: %q: %v; %s", ErrInvalidReference, s, err, referenceHint)
	}
	if !reference.IsNameOnly(named) {
		return Reference{}, fmt.Errorf("%w: %q: give the repository alone, e.g. registry.example/go-build; its tags are computed", ErrInvalidReference, s)
	}
	return Reference{Name: named.Name()}, nil
}

// String is the reference to push: "registry.example/app:1.2.3".
func (r Reference) String() string {
	return r.Name + ":" + r.Tag
}

// WithTag returns the same repository with another tag, for pushing one image
// under several tags.
func (r Reference) WithTag(tag string) (Reference, error) {
	if err := checkTag(tag); err != nil {
		return Reference{}, err
	}
	return Reference{Name: r.Name, Tag: tag}, nil
}

// Registry is the host (and port) that registry credentials are for:
// "registry.example", "docker.io", "localhost:5000".
func (r Reference) Registry() string {
	// Name is always normalized, so its first element is the registry.
	registry, _, _ := strings.Cut(r.Name, "/")
	return registry
}

// ParseTags validates extra tags in order. A repeated tag is an error rather
// than silently dropped, because it is almost always a typo for another tag.
func ParseTags(tags []string) ([]string, error) {
	seen := make(map[string]bool, len(tags))
	parsed := make([]string, 0, len(tags))
	for _, tag := range tags {
		if err := checkTag(tag); err != nil {
			return nil, err
		}
		if seen[tag] {
			return nil, fmt.Errorf("%w: tag %q given twice; want each tag once", ErrInvalidReference, tag)
		}
		seen[tag] = true
		parsed = append(parsed, tag)
	}
	return parsed, nil
}

func checkTag(tag string) error {
	if !tagPattern.MatchString(tag) {
		return fmt.Errorf("%w: tag %q: %s", ErrInvalidReference, tag, tagHint)
	}
	return nil
}
