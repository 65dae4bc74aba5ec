package gotest

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"dagger/go-build/internal/platform"
)

// ErrRunLayout is wrapped when the run container's directories cannot be
// laid out as asked.
var ErrRunLayout = errors.New("bad test run layout")

// MountContent is what one directory of the run container holds. There are
// only these two: a run container has no place for a cache volume, a
// secret, an environment variable or a service, so test code sees nothing
// the compile container had besides the source and the binaries.
type MountContent int

const (
	// MountSource is the project's source tree, the one the binaries were
	// compiled from (testdata/ included).
	MountSource MountContent = iota + 1
	// MountBinaries is the directory of compiled test binaries.
	MountBinaries
)

func (c MountContent) String() string {
	switch c {
	case MountSource:
		return "source"
	case MountBinaries:
		return "test binaries"
	}
	return fmt.Sprintf("MountContent(%d)", int(c))
}

// RunMount is one directory mounted into the run container.
type RunMount struct {
	Path    string
	Content MountContent
}

// RunLayout is where the run container holds the source, the binaries and
// the results: absolute paths, none inside another.
type RunLayout struct {
	SrcRoot, BinDir, ResultsDir string
}

// RunContainer is the container one platform's test binaries run in: a
// fresh container of the run image, on the target's platform, with the
// source and the binaries mounted and nothing else. It is built from the
// image, never from the container that compiled the binaries, so the
// compile's credentials (netrc, git tokens, private module settings) and
// its cache volumes (module cache, build cache) are not there: whatever a
// test writes lands in the container's own file system, thrown away with it.
type RunContainer struct {
	// Platform is the container's platform (RunPlatform of the target).
	Platform string
	// Image is the run image, pulled for Platform.
	Image string
	// Mounts are the directories mounted, in order.
	Mounts []RunMount
	// Workdir is where Script starts: the source root.
	Workdir string
	// Script is the sh -c script that runs the binaries (RunScript).
	Script string
	// ResultsDir is where Script leaves the results ReadOutcomes reads.
	ResultsDir string
}

// PlanRun is the container running bins (from Manifest, compiled for t)
// with the flags of o in image. Each binary runs in its package directory
// under the source root, as go test runs it, so relative paths such as
// testdata/ resolve. It fails, naming the path, when the layout's paths are
// not absolute and clean, when one lies inside another (a mount would hide
// part of the other, or the results would be written into a mount), or when
// a binary's package directory is not inside the source root.
func (o Options) PlanRun(t platform.Target, image string, bins []Binary, l RunLayout) (RunContainer, error) {
	if image == "" {
		return RunContainer{}, fmt.Errorf("%w: no run image for %s: want an image with a POSIX shell, e.g. debian:trixie-slim", ErrRunLayout, t)
	}
	named := []struct{ what, path string }{
		{"source root", l.SrcRoot}, {"binaries directory", l.BinDir}, {"results directory", l.ResultsDir},
	}
	for _, n := range named {
		if !path.IsAbs(n.path) || path.Clean(n.path) != n.path || n.path == "/" {
			return RunContainer{}, fmt.Errorf("%w: %s %q: want an absolute, clean path below /, e.g. /src", ErrRunLayout, n.what, n.path)
		}
	}
	for i, a := range named {
		for _, b := range named[i+1:] {
			if within(a.path, b.path) || within(b.path, a.path) {
				return RunContainer{}, fmt.Errorf("%w: %s %s and %s %s overlap: want separate directories", ErrRunLayout, a.what, a.path, b.what, b.path)
			}
		}
	}
	for _, b := range bins {
		dir := path.Join(l.SrcRoot, b.Dir)
		if path.IsAbs(b.Dir) || !within(dir, l.SrcRoot) {
			return RunContainer{}, fmt.Errorf("%w: package %s: directory %q is not inside the source root %s", ErrRunLayout, b.Package, b.Dir, l.SrcRoot)
		}
		if b.File == "" || strings.Contains(b.File, "/") {
			return RunContainer{}, fmt.Errorf("%w: package %s: binary file name %q: want one path element", ErrRunLayout, b.Package, b.File)
		}
	}
	return RunContainer{
		Platform:   RunPlatform(t),
		Image:      image,
		Mounts:     []RunMount{{Path: l.SrcRoot, Content: MountSource}, {Path: l.BinDir, Content: MountBinaries}},
		Workdir:    l.SrcRoot,
		Script:     o.RunScript(bins, l.SrcRoot, l.BinDir, l.ResultsDir),
		ResultsDir: l.ResultsDir,
	}, nil
}

// within reports whether p is dir or lies below it; both are clean
// absolute paths.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// Overlaps names the first of paths that is at, inside or above a mount of
// c, or "" when none is: the caller passes the paths only a builder may
// have (its credentials, its cache volumes), as a guard that no later
// change of the layout puts the run container's directories there.
func (c RunContainer) Overlaps(paths []string) string {
	for _, p := range paths {
		p = path.Clean(p)
		for _, m := range c.Mounts {
			if within(p, m.Path) || within(m.Path, p) {
				return p
			}
		}
		if within(p, c.ResultsDir) || within(c.ResultsDir, p) {
			return p
		}
	}
	return ""
}
