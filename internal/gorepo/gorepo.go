// Package gorepo decides what part of a repository a Go build needs, as the
// go command decides it: the nearest go.work (unless workspaces are off) or
// else the nearest go.mod, the modules a go.work uses, and the directories
// their local replace directives point at. It has no Dagger dependency, so
// every rule is unit-tested.
//
// Paths are workspace paths: slash-separated and absolute from the
// repository's root ("/", the boundary nothing may leave), such as
// "/app/go.mod".
package gorepo

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
)

// ErrLayout is wrapped by every error about the repository's layout.
var ErrLayout = errors.New("Go source layout")

// ReadFile reads the file at a workspace path.
type ReadFile func(workspacePath string) ([]byte, error)

// Layout is the part of the repository a build uploads, and where in it the
// go command runs.
type Layout struct {
	// Root is the workspace directory uploaded: the smallest one holding
	// the module (or go.work) and every directory it needs.
	Root string
	// Include lists what of Root is uploaded, as patterns relative to it;
	// nil uploads all of Root.
	Include []string
	// Dir is the directory, relative to Root, that the go command runs in
	// and package patterns are read from: the module's root, or the
	// go.work's directory.
	Dir string
	// GoWork says a go.work decides the build.
	GoWork bool
	// Packages are the default package patterns, relative to Dir, when
	// the user names none: a go.work's every module; nil (the caller's
	// default, ./...) for a module.
	Packages []string
	// ModulePath is the module the project is named after: the module's,
	// or a go.work's first module's.
	ModulePath string
}

// Discover lays out the build from goWork and goMod, the workspace paths of
// the go.work and the go.mod found upward from where the user runs (either
// may be empty; goWork is empty when workspaces are off).
func Discover(goWork, goMod string, read ReadFile) (Layout, error) {
	if goWork != "" {
		return discoverWork(goWork, goMod, read)
	}
	if goMod == "" {
		return Layout{}, fmt.Errorf("%w: no go.mod or go.work given", ErrLayout)
	}
	dir := path.Dir(goMod)
	mod, err := readModule(dir, read)
	if err != nil {
		return Layout{}, err
	}
	dirs, err := replacementDirs(dir, goMod, mod.Replace)
	if err != nil {
		return Layout{}, err
	}
	l := lay(dir, append([]string{dir}, dirs...), nil)
	l.ModulePath = modulePath(mod)
	return l, nil
}

func discoverWork(goWork, goMod string, read ReadFile) (Layout, error) {
	workDir := path.Dir(goWork)
	data, err := read(goWork)
	if err != nil {
		return Layout{}, fmt.Errorf("%w: reading %s: %w", ErrLayout, goWork, err)
	}
	work, err := modfile.ParseWork(goWork, data, nil)
	if err != nil {
		return Layout{}, fmt.Errorf("%w: %w", ErrLayout, err)
	}
	if len(work.Use) == 0 {
		return Layout{}, fmt.Errorf("%w: %s uses no module: add one with go work use, or build with --gowork off", ErrLayout, goWork)
	}
	var (
		needed   []string
		uses     []string
		packages []string
		first    string
	)
	for _, u := range work.Use {
		dir, err := within(workDir, u.Path, goWork, "use "+u.Path)
		if err != nil {
			return Layout{}, err
		}
		mod, err := readModule(dir, read)
		if err != nil {
			return Layout{}, err
		}
		if first == "" {
			first = modulePath(mod)
		}
		reps, err := replacementDirs(dir, path.Join(dir, "go.mod"), mod.Replace)
		if err != nil {
			return Layout{}, err
		}
		uses = append(uses, dir)
		needed = append(needed, dir)
		needed = append(needed, reps...)
		packages = append(packages, pattern(workDir, dir))
	}
	reps, err := replacementDirs(workDir, goWork, work.Replace)
	if err != nil {
		return Layout{}, err
	}
	needed = append(needed, reps...)
	// The go command refuses to build from a module the workspace does
	// not use; say so before any work, with both ways out.
	if goMod != "" && !slices.Contains(uses, path.Dir(goMod)) {
		return Layout{}, fmt.Errorf("%w: the module of %s is not one of the modules %s uses: add it with go work use, or build it alone with --gowork off",
			ErrLayout, goMod, goWork)
	}
	l := lay(workDir, needed, []string{"go.work", "go.work.sum"})
	l.GoWork = true
	l.Packages = slices.Compact(packages)
	l.ModulePath = first
	return l, nil
}

// lay finds the smallest directory holding base and dirs, and what of it to
// upload: each of dirs, the files of base named by baseFiles, and the git
// metadata at the root, so the build can read its own version stamp as it
// does from a plain checkout.
func lay(base string, dirs, baseFiles []string) Layout {
	root := base
	for _, d := range dirs {
		root = commonDir(root, d)
	}
	l := Layout{Root: root, Dir: rel(root, base)}
	var outer []string
	for _, d := range dirs {
		outer = append(outer, rel(root, d))
	}
	outer = outermost(outer)
	if slices.Contains(outer, ".") {
		return l
	}
	for _, d := range outer {
		l.Include = append(l.Include, d+"/")
	}
	for _, f := range baseFiles {
		l.Include = append(l.Include, path.Join(l.Dir, f))
	}
	l.Include = append(l.Include, ".git/")
	return l
}

// replacementDirs are the workspace directories that the local replace
// directives of file (in dir) point at.
func replacementDirs(dir, file string, replaces []*modfile.Replace) ([]string, error) {
	var dirs []string
	for _, r := range replaces {
		if r.New.Version != "" || !modfile.IsDirectoryPath(r.New.Path) {
			continue // a module version, fetched through the proxy
		}
		d, err := within(dir, r.New.Path, file, "replace "+r.Old.Path+" => "+r.New.Path)
		if err != nil {
			return nil, err
		}
		dirs = append(dirs, d)
	}
	return dirs, nil
}

// within resolves target, a directory path of a directive in file (in dir),
// to a workspace path, refusing one outside the repository: the build
// uploads the repository's files only.
func within(dir, target, file, directive string) (string, error) {
	if path.IsAbs(target) || isWindowsAbs(target) {
		return "", fmt.Errorf("%w: %s in %s: an absolute path is outside the repository, which is all the build gets: point it at a directory of the repository, relative to %s",
			ErrLayout, directive, file, path.Dir(file))
	}
	joined := path.Join(strings.TrimPrefix(dir, "/"), target)
	if joined == ".." || strings.HasPrefix(joined, "../") {
		return "", fmt.Errorf("%w: %s in %s: %s is outside the repository, which is all the build gets: move it into the repository or depend on a published version",
			ErrLayout, directive, file, target)
	}
	return path.Join("/", joined), nil
}

func isWindowsAbs(p string) bool {
	return len(p) >= 2 && p[1] == ':' || strings.HasPrefix(p, `\`)
}

func readModule(dir string, read ReadFile) (*modfile.File, error) {
	file := path.Join(dir, "go.mod")
	data, err := read(file)
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s: %w", ErrLayout, file, err)
	}
	mod, err := modfile.Parse(file, data, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLayout, err)
	}
	return mod, nil
}

func modulePath(mod *modfile.File) string {
	if mod.Module == nil {
		return ""
	}
	return mod.Module.Mod.Path
}

// pattern is the package pattern, relative to from, of every package of the
// module in dir.
func pattern(from, dir string) string {
	r := rel(from, dir)
	if r == "." {
		return "./..."
	}
	if strings.HasPrefix(r, "../") {
		return r + "/..."
	}
	return "./" + r + "/..."
}

// commonDir is the deepest directory holding both a and b.
func commonDir(a, b string) string {
	for !isWithin(b, a) {
		a = path.Dir(a)
	}
	return a
}

// isWithin says p is dir or below it.
func isWithin(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

// rel is p relative to base, which holds it or is beside it.
func rel(base, p string) string {
	if p == base {
		return "."
	}
	if isWithin(p, base) {
		return strings.TrimPrefix(strings.TrimPrefix(p, base), "/")
	}
	up := ".."
	for b := path.Dir(base); !isWithin(p, b); b = path.Dir(b) {
		up += "/.."
	}
	return path.Join(up, rel(commonDir(base, p), p))
}

// outermost drops the directories that another of dirs holds, and repeats.
func outermost(dirs []string) []string {
	slices.Sort(dirs)
	dirs = slices.Compact(dirs)
	var out []string
	for _, d := range dirs {
		held := slices.ContainsFunc(out, func(o string) bool { return o == "." || strings.HasPrefix(d, o+"/") })
		if !held {
			out = append(out, d)
		}
	}
	return out
}
