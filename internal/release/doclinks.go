package release

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// ErrDocLink is wrapped when a license, readme or changelog file of a
// release is a symbolic link that is not followed: one that points out of
// the source directory, or at something other than a regular file.
var ErrDocLink = errors.New("symbolic link refused")

// DocLinkRule is what is accepted of a doc file that is a symbolic link;
// DocLinksError says it once after the links refused.
const DocLinkRule = "a LICENSE, README or CHANGELOG file that is a symbolic link must point, by a relative path, at a regular file inside the source directory (the archive then holds that file's contents under the link's name); replace any other link with the file"

// ResolveDocLink resolves the symbolic link at link, a slash-separated
// path relative to the source directory, whose target (what readlink
// gives) is target: the slash-separated path, relative to the source
// directory, that it points at. It works on the text alone, so a link that
// could only reach a file outside the source directory is refused before
// anything is read: an absolute target (it names the machine that reads
// it, not the source) and one whose .. elements leave the source
// directory. The caller still checks that the path is a regular file and
// not a link again. Errors wrap ErrDocLink and name the link, its target
// and why; DocLinksError adds what is accepted.
func ResolveDocLink(link, target string) (string, error) {
	fail := func(why string) (string, error) {
		return "", fmt.Errorf("%w: %s -> %s %s", ErrDocLink, link, target, why)
	}
	switch {
	case target == "":
		return fail("has an empty target")
	case path.IsAbs(target) || strings.HasPrefix(target, `\`):
		return fail("points at an absolute path, outside the source directory")
	case strings.ContainsRune(target, 0):
		return fail("has a NUL byte in its target")
	}
	resolved := path.Join(path.Dir(link), target)
	if resolved == ".." || strings.HasPrefix(resolved, "../") {
		return fail("points outside the source directory")
	}
	if resolved == "." {
		return fail("points at the source directory itself, not a file")
	}
	return resolved, nil
}

// DocLinkTargetError is the error for a link whose target, inside the
// source directory, is not a regular file: kind says what it is (a
// directory, a symbolic link, or missing).
func DocLinkTargetError(link, target, kind string) error {
	return fmt.Errorf("%w: %s -> %s points at %s, not a regular file", ErrDocLink, link, target, kind)
}

// DocLinksError is the error of a release whose doc files have links it
// refused: each link's error (nil ones are skipped), then DocLinkRule once.
// It is nil when every error is.
func DocLinksError(errs []error) error {
	joined := errors.Join(errs...)
	if joined == nil {
		return nil
	}
	return fmt.Errorf("%w\n%s", joined, DocLinkRule)
}
