// Package kodata decides what a main package's kodata directory puts in its
// image, the way ko does: every file below <main package>/kodata is copied
// under /var/run/ko, which the image's KO_DATA_PATH names, with symlinks
// followed (a link to a directory brings the directory's files), in
// filepath.Walk's order, each file 0555 and every entry at one fixed time,
// so the layer is the same bytes for the same files.
//
// Where ko follows a symlink wherever it points, go-build resolves links
// inside the kodata directory only: a link that leaves it (or is absolute)
// is refused with an error naming the link and its target, so nothing from
// outside the directory (a credentials file, the build machine's /etc) ends
// up in an image.
package kodata

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"
)

// Dir is the directory below a main package that ko copies.
const Dir = "kodata"

// Root is where kodata is in a Linux image.
const Root = "/var/run/ko"

// EnvKey is the variable that tells the program where its data is.
const EnvKey = "KO_DATA_PATH"

// Env is the image's KO_DATA_PATH entry; ko sets it in every image, with
// kodata or without.
func Env() string { return EnvKey + "=" + Root }

// FileMode and DirMode are ko's fixed modes: independent of the umask the
// files were made under.
const (
	FileMode = 0o555
	DirMode  = 0o555
)

// ErrKodata is wrapped by every error of a kodata directory.
var ErrKodata = errors.New("invalid kodata")

// Type is what an entry of the listing is.
type Type int

const (
	// File is a regular file.
	File Type = iota
	// Directory is a directory.
	Directory
	// Symlink is a symbolic link; Entry.Target is where it points.
	Symlink
	// Other is anything else (a device, a socket, a pipe): refused.
	Other
)

// Entry is one entry of the kodata directory's listing.
type Entry struct {
	// Path is slash-separated and relative to the kodata directory.
	Path string
	Type Type
	// Size is a regular file's size in bytes.
	Size int64
	// Target is a symlink's target, as readlink gives it.
	Target string
}

// LayerEntry is one entry of the kodata layer.
type LayerEntry struct {
	// Name is the entry's path in the image, absolute: /var/run/ko/....
	Name string
	// Dir is true for a directory, false for a regular file.
	Dir bool
	// Source is the file whose bytes the entry holds, relative to the
	// kodata directory, symlinks resolved; "" for a directory.
	Source string
	Size   int64
	Mode   int64
	// ModTime is the time every entry gets (ko's KO_DATA_DATE_EPOCH).
	ModTime time.Time
}

// maxLinks bounds the symlinks one path may go through, as the kernel's
// ELOOP does.
const maxLinks = 40

// Layer is the kodata layer's entries for a kodata directory's listing (nil
// or empty when the package has no kodata directory: ko's layer then holds
// the three directories alone). It begins with /var, /var/run and
// /var/run/ko, directories as ko writes them, then every file in
// filepath.Walk's order, a symlinked directory's files under the link's
// name. Subdirectories have no entries of their own, as in ko. mtime is the
// time every entry gets.
func Layer(listing []Entry, mtime time.Time) ([]LayerEntry, error) {
	t := tree{entries: map[string]Entry{}, children: map[string][]string{}}
	for _, e := range listing {
		p := path.Clean(e.Path)
		if p == "." || path.IsAbs(p) || p == ".." || strings.HasPrefix(p, "../") {
			return nil, fmt.Errorf("%w: listing entry %q is not below the kodata directory", ErrKodata, e.Path)
		}
		e.Path = p
		t.entries[p] = e
		t.children[path.Dir(p)] = append(t.children[path.Dir(p)], path.Base(p))
	}
	for dir := range t.children {
		if dir != "." {
			if e, ok := t.entries[dir]; !ok || e.Type != Directory {
				return nil, fmt.Errorf("%w: listing has %s/ but %s is not a directory in it", ErrKodata, dir, dir)
			}
		}
		sort.Strings(t.children[dir])
	}
	out := make([]LayerEntry, 0, len(listing)+3)
	for _, d := range []string{"/var", "/var/run", Root} {
		out = append(out, LayerEntry{Name: d, Dir: true, Mode: DirMode, ModTime: mtime})
	}
	err := t.walk(".", Root, nil, func(name, source string, size int64) {
		out = append(out, LayerEntry{Name: name, Source: source, Size: size, Mode: FileMode, ModTime: mtime})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type tree struct {
	entries  map[string]Entry
	children map[string][]string
}

// walk emits the files below dir (a real directory of the listing) under
// the image path name. active are the real directories being walked, dir's
// ancestors in the walk: a symlink to one of them (or to one above them)
// is a loop, refused where ko would recurse until the path is too long.
func (t tree) walk(dir, name string, active []string, emit func(name, source string, size int64)) error {
	active = append(slices.Clone(active), dir)
	for _, child := range t.children[dir] {
		p := child
		if dir != "." {
			p = dir + "/" + child
		}
		imgPath := name + "/" + child
		real, e, err := t.resolve(p)
		if err != nil {
			return err
		}
		switch e.Type {
		case File:
			emit(imgPath, real, e.Size)
		case Directory:
			for _, a := range active {
				if real == a || real == "." || strings.HasPrefix(a, real+"/") {
					return fmt.Errorf("%w: symlink %s points to %s, a directory it is in: a loop", ErrKodata, path.Join(Dir, p), path.Join(Dir, real))
				}
			}
			if err := t.walk(real, imgPath, active, emit); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: %s is not a regular file, directory or symlink; kodata holds files", ErrKodata, path.Join(Dir, p))
		}
	}
	return nil
}

// resolve follows p's symlinks, each relative to its own directory, and
// refuses one that leaves the kodata directory or is absolute. It returns
// the real path (relative to kodata; "." for kodata itself) and its entry.
func (t tree) resolve(p string) (string, Entry, error) {
	orig := p
	for range maxLinks {
		real, e, link, err := t.lookup(p)
		if err != nil {
			return "", Entry{}, fmt.Errorf("%w: %s: %v", ErrKodata, path.Join(Dir, orig), err)
		}
		if link == "" {
			return real, e, nil
		}
		if path.IsAbs(e.Target) {
			return "", Entry{}, fmt.Errorf("%w: symlink %s points to %s, an absolute path; links in kodata must stay inside it (relative, such as ../shared/file)", ErrKodata, path.Join(Dir, link), e.Target)
		}
		target := path.Join(path.Dir(link), e.Target)
		if target == ".." || strings.HasPrefix(target, "../") {
			return "", Entry{}, fmt.Errorf("%w: symlink %s points to %s, outside the kodata directory; links in kodata must stay inside it", ErrKodata, path.Join(Dir, link), e.Target)
		}
		p = target + strings.TrimPrefix(real, link)
	}
	return "", Entry{}, fmt.Errorf("%w: %s: more than %d symlinks to follow (a loop)", ErrKodata, path.Join(Dir, orig), maxLinks)
}

// lookup walks p element by element. It stops at the first symlink met
// (link is its path, real the rest of p after it), or returns p's entry
// when no element is a link ("." is the kodata directory itself).
func (t tree) lookup(p string) (real string, e Entry, link string, err error) {
	if p == "." {
		return ".", Entry{Path: ".", Type: Directory}, "", nil
	}
	elems := strings.Split(p, "/")
	for i := range elems {
		prefix := strings.Join(elems[:i+1], "/")
		pe, ok := t.entries[prefix]
		if !ok {
			return "", Entry{}, "", fmt.Errorf("%s does not exist", prefix)
		}
		if pe.Type == Symlink {
			return p, pe, prefix, nil
		}
		if i < len(elems)-1 && pe.Type != Directory {
			return "", Entry{}, "", fmt.Errorf("%s is not a directory", prefix)
		}
		if i == len(elems)-1 {
			return p, pe, "", nil
		}
	}
	return p, Entry{}, "", nil
}
