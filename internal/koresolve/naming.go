package koresolve

import (
	"crypto/md5" // #nosec G501 -- ko's naming, not security: the image name's suffix
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// ErrNaming is wrapped by every error of an image name, a repository or a
// tag.
var ErrNaming = errors.New("invalid image naming")

// Mode is how an image is named under the repository, as ko's flags choose.
type Mode int

const (
	// MD5 is ko's default: <repo>/<last element of the import path>-<md5
	// hex of the import path>.
	MD5 Mode = iota
	// BaseImportPaths (--base-import-paths, -B): <repo>/<last element>.
	BaseImportPaths
	// PreserveImportPaths (--preserve-import-paths, -P): <repo>/<import
	// path>.
	PreserveImportPaths
	// Bare (--bare): <repo> alone.
	Bare
)

// String is the mode as its ko flag names it.
func (m Mode) String() string {
	switch m {
	case BaseImportPaths:
		return "--base-import-paths"
	case PreserveImportPaths:
		return "--preserve-import-paths"
	case Bare:
		return "--bare"
	}
	return "the default (<name>-<md5>)"
}

// ModeFor is the mode of ko's three flags. ko lets --preserve-import-paths
// win over --base-import-paths, which wins over --bare, with a warning that
// this will become an error; here more than one is an error now.
func ModeFor(bare, baseImportPaths, preserveImportPaths bool) (Mode, error) {
	var set []string
	mode := MD5
	for _, f := range []struct {
		on   bool
		mode Mode
	}{{bare, Bare}, {baseImportPaths, BaseImportPaths}, {preserveImportPaths, PreserveImportPaths}} {
		if f.on {
			set = append(set, f.mode.String())
			mode = f.mode
		}
	}
	if len(set) > 1 {
		return MD5, fmt.Errorf("%w: %s are given together; want at most one naming mode", ErrNaming, strings.Join(set, " and "))
	}
	return mode, nil
}

// CheckRepo checks the repository images are pushed under (ko's
// KO_DOCKER_REPO): a registry, or a registry and repository path.
// ko.local and kind.local, ko's daemon and kind publishers, are refused:
// go-build pushes to registries.
func CheckRepo(repo string) error {
	if repo == "" {
		return fmt.Errorf("%w: no repository; want one such as registry.example/app", ErrNaming)
	}
	for _, local := range []string{"ko.local", "kind.local"} {
		if repo == local || strings.HasPrefix(repo, local+"/") {
			return fmt.Errorf("%w: repository %q is ko's %s publisher, which go-build does not have; want a registry such as registry.example/app", ErrNaming, repo, local)
		}
	}
	if _, err := name.NewRegistry(repo); err == nil {
		return nil
	}
	if _, err := name.NewRepository(repo); err != nil {
		return fmt.Errorf("%w: repository %q: %v; want one such as registry.example/app", ErrNaming, repo, err)
	}
	return nil
}

// Name is the image name ko gives importPath under repo in mode. The
// import path is lowercased first, as ko does (registries want lowercase
// names), so the MD5 is of the lowercased path; a "ko://" prefix is
// ignored.
func Name(repo, importPath string, mode Mode) string {
	ip := strings.ToLower(strings.TrimPrefix(importPath, Scheme))
	switch mode {
	case BaseImportPaths:
		return path.Join(repo, path.Base(ip))
	case PreserveImportPaths:
		return path.Join(repo, ip)
	case Bare:
		return repo
	}
	sum := md5.Sum([]byte(ip)) // #nosec G401 -- ko's naming, not security
	return path.Join(repo, path.Base(ip)+"-"+hex.EncodeToString(sum[:]))
}

// DefaultTag is the tag ko pushes when none is given.
const DefaultTag = "latest"

// Tags are the tags to push, as ko takes --tags: duplicates dropped in
// order, "latest" when none. Every name:tag must be a valid reference.
func Tags(imageName string, tags []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		out = []string{DefaultTag}
	}
	for _, t := range out {
		if _, err := name.NewTag(imageName + ":" + t); err != nil {
			return nil, fmt.Errorf("%w: %s:%s: %v; want a lowercase name and a tag of letters, digits, '_', '.' and '-'", ErrNaming, imageName, t, err)
		}
	}
	return out, nil
}

// Reference is what a manifest's ko:// reference becomes once the image is
// pushed under imageName with tags (as Tags returns them) and has digest
// (sha256:<hex>), as ko writes it: <name>@<digest>; <name>:<tag>@<digest>
// when a single tag other than latest was given (a release); <name>:<tag>
// with tagOnly (ko's --tag-only), which wants exactly one tag other than
// latest.
func Reference(imageName string, tags []string, tagOnly bool, digest string) (string, error) {
	single := len(tags) == 1 && tags[0] != DefaultTag
	if tagOnly {
		if !single {
			return "", fmt.Errorf("%w: --tag-only wants exactly one tag other than latest, got %q", ErrNaming, tags)
		}
		return imageName + ":" + tags[0], nil
	}
	ref := imageName + "@" + digest
	if single {
		ref = imageName + ":" + tags[0] + "@" + digest
	}
	if _, err := name.NewDigest(ref); err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrNaming, ref, err)
	}
	return ref, nil
}
