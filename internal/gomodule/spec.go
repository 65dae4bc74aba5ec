// Package gomodule handles "any Go module version as source"
// (--module github.com/coredns/coredns@v1.11.3): parsing the module and
// exact version, fetching its source checksum-verified through the module
// proxy, and finding its main packages. It has no Dagger dependency so every
// rule is unit-tested.
package gomodule

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// ErrInvalidModule is wrapped by every error about the requested module.
var ErrInvalidModule = errors.New("invalid module")

// Spec is a module path at one exact version.
type Spec struct {
	Path, Version string
}

// ParseSpec parses "path@version". The version must be exact (a canonical
// semantic version such as v1.11.3, possibly +incompatible, or a
// pseudo-version) because queries like "latest" or a branch name resolve to
// different code over time and the build must be reproducible.
func ParseSpec(s string) (Spec, error) {
	path, version, found := strings.Cut(s, "@")
	if !found {
		return Spec{}, specError(s, "no @version", path)
	}
	if path == "" {
		return Spec{}, specError(s, "empty module path", "github.com/coredns/coredns")
	}
	if err := module.CheckPath(path); err != nil {
		return Spec{}, specError(s, err.Error(), "github.com/coredns/coredns")
	}
	if !isExactVersion(version) {
		reason := fmt.Sprintf("version %q is not an exact version", version)
		if canonical := module.CanonicalVersion(version); canonical != "" {
			reason += fmt.Sprintf(" (did you mean %s?)", canonical)
		}
		return Spec{}, specError(s, reason, path)
	}
	// Check applies the major version suffix rules: v2+ needs a /vN path
	// unless the version is +incompatible.
	if err := module.Check(path, version); err != nil {
		return Spec{}, specError(s, err.Error(), path)
	}
	if err := checkIncompatible(path, version); err != nil {
		return Spec{}, specError(s, err.Error(), path)
	}
	return Spec{Path: path, Version: version}, nil
}

// checkIncompatible applies the rule the go command adds to module.Check:
// +incompatible marks a v2+ version of a module that has no /vN path suffix
// (and no go.mod declaring one), so it is wrong on v0, v1 and suffixed paths.
func checkIncompatible(path, version string) error {
	if semver.Build(version) != "+incompatible" {
		return nil
	}
	_, pathMajor, _ := module.SplitPathVersion(path)
	if major := semver.Major(version); pathMajor != "" || major == "v0" || major == "v1" {
		return fmt.Errorf("+incompatible suffix not allowed on %s of %s: it is only for v2 and later of a module path without a major version suffix", major, path)
	}
	return nil
}

// isExactVersion accepts canonical semantic versions, keeping the
// +incompatible suffix that semver.Canonical would drop, and pseudo-versions.
func isExactVersion(v string) bool {
	if module.IsPseudoVersion(v) {
		return true
	}
	return semver.IsValid(v) && module.CanonicalVersion(v) == v
}

// specError names the bad value and shows an exact version for the path the
// user gave, so the fix is a copy-paste away.
func specError(s, reason, examplePath string) error {
	return fmt.Errorf("%w: %q: %s; want an exact version such as %s@v1.11.3 or a pseudo-version, because the build must be reproducible",
		ErrInvalidModule, s, reason, examplePath)
}

// String is "path@version", the form the go command accepts.
func (s Spec) String() string {
	return s.Path + "@" + s.Version
}
