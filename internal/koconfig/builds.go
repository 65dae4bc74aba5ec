package koconfig

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// Packages is what choosing a build needs to know of the source tree, which
// ko asks of go list. Paths are slash-separated and relative to the working
// directory (the module's root, where .ko.yaml is).
type Packages interface {
	// IsFile reports whether p is a regular file (a builds entry's main
	// may name main.go rather than its directory).
	IsFile(p string) bool
	// ImportPath is the import path of the package in directory dir, or
	// an error when dir holds none.
	ImportPath(dir string) (string, error)
}

// Modules is Packages from the modules of a tree: each go.mod's directory
// and module path, and the tree's regular files. A package's import path is
// its nearest enclosing module's path joined with its directory below that
// module, as go list reports it.
type Modules struct {
	// Roots maps a go.mod's directory ("." for the root) to its module path.
	Roots map[string]string
	// Files is every regular file's path; only the files a builds entry's
	// main might name matter.
	Files map[string]bool
}

// IsFile implements Packages.
func (m Modules) IsFile(p string) bool { return m.Files[path.Clean(p)] }

// ImportPath implements Packages.
func (m Modules) ImportPath(dir string) (string, error) {
	dir = path.Clean(dir)
	if path.IsAbs(dir) || dir == ".." || strings.HasPrefix(dir, "../") {
		return "", fmt.Errorf("%s is outside the source", dir)
	}
	for d := dir; ; d = path.Dir(d) {
		if mod, ok := m.Roots[d]; ok {
			rel := strings.TrimPrefix(strings.TrimPrefix(dir, d), "/")
			if d == "." {
				rel = dir
			}
			if rel == "." || rel == "" {
				return mod, nil
			}
			return mod + "/" + rel, nil
		}
		if d == "." {
			return "", fmt.Errorf("no go.mod holds %s", dir)
		}
	}
}

// Match is the builds entry that applies to one import path.
type Match struct {
	Build
	// ImportPath is the main package the entry builds.
	ImportPath string
}

// Resolve maps each builds entry to the import path it builds, as ko does
// when it loads .ko.yaml: the package at main (main's directory when main
// is a file) below dir. A later entry for the same import path replaces an
// earlier one, as in ko. An entry that leads nowhere fails naming it and
// its line.
func (c *Config) Resolve(pkgs Packages) (map[string]Match, error) {
	out := map[string]Match{}
	for _, b := range c.Builds {
		dir := path.Clean(b.Dir)
		if path.IsAbs(dir) || dir == ".." || strings.HasPrefix(dir, "../") {
			return nil, fmt.Errorf("%w: %s:%d: builds entry %s: dir %q leaves the source; want a directory below it, such as ./app", ErrConfig, c.File, b.Line, b.ID, b.Dir)
		}
		pkgDir := path.Join(dir, b.Main)
		if pkgs.IsFile(pkgDir) {
			pkgDir = path.Dir(pkgDir)
		}
		if pkgDir == ".." || strings.HasPrefix(pkgDir, "../") || path.IsAbs(pkgDir) {
			return nil, fmt.Errorf("%w: %s:%d: builds entry %s: main %q leaves the source; want a package below dir, such as ./cmd/app", ErrConfig, c.File, b.Line, b.ID, b.Main)
		}
		ip, err := pkgs.ImportPath(pkgDir)
		if err != nil {
			return nil, fmt.Errorf("%w: %s:%d: builds entry %s (dir %q, main %q) names no package: %v", ErrConfig, c.File, b.Line, b.ID, b.Dir, b.Main, err)
		}
		out[ip] = Match{Build: b, ImportPath: ip}
	}
	return out, nil
}

// BuildFor is the builds entry for importPath among resolved (from
// Resolve): the one whose package is importPath, as ko matches it (exactly;
// a "ko://" prefix is ignored). ok is false when none applies and the
// defaults (DefaultEnv, DefaultFlags, DefaultLdflags) are used alone.
func BuildFor(resolved map[string]Match, importPath string) (m Match, ok bool) {
	m, ok = resolved[strings.TrimPrefix(importPath, "ko://")]
	return m, ok
}

// ImportPaths lists the import paths resolved builds apply to, sorted.
func ImportPaths(resolved map[string]Match) []string {
	out := make([]string, 0, len(resolved))
	for ip := range resolved {
		out = append(out, ip)
	}
	sort.Strings(out)
	return out
}
