package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"cmp"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
)

var (
	// ErrEntry is wrapped when a file cannot go into an archive: a bad or
	// repeated name, or a path that is not a regular file.
	ErrEntry = errors.New("invalid archive entry")
	// ErrMTime is wrapped when an archive timestamp cannot be stored in
	// both tar and zip archives.
	ErrMTime = errors.New("invalid archive timestamp")
)

// File is one file to archive. Its contents are read from Path when it is
// set, so a release does not hold every binary in memory, and are Data
// otherwise.
type File struct {
	// Name is the file's slash-separated path inside the archive.
	Name string
	// Mode decides whether the file is executable: with any execute bit
	// it is stored as 0755, without as 0644, so the permissions of the
	// checkout or the builder's umask never reach the archive. A zero
	// Mode with a Path takes the file's mode on disk.
	Mode fs.FileMode
	Data []byte
	// Path is a regular file on disk holding the contents; a symbolic
	// link is refused, not followed, so no file it points at reaches an
	// archive.
	Path string
}

// Archive timestamps must lie in this range: zip stores an entry's time as
// an MS-DOS date, from 1980, and archive/zip adds an extended timestamp
// field, a 32-bit Unix time, that ends in 2106.
var (
	minMTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	maxMTime = time.Unix(1<<32-1, 0).UTC()
)

// CheckMTime checks that mtime can be every entry's time in both tar and
// zip archives: from 1980-01-01 to 2106-02-07T06:28:15Z. Sub-second
// precision is dropped by the writers, so it does not matter here.
func CheckMTime(mtime time.Time) error {
	if mtime.Before(minMTime) || mtime.After(maxMTime) {
		return fmt.Errorf("%w %s: zip archives store times from %s to %s; use the commit time or, e.g., SOURCE_DATE_EPOCH=%d",
			ErrMTime, mtime.UTC().Format(time.RFC3339), minMTime.Format(time.RFC3339), maxMTime.Format(time.RFC3339), minMTime.Unix())
	}
	return nil
}

// ParseSourceDateEpoch reads a SOURCE_DATE_EPOCH value, the decimal number
// of seconds since 1970-01-01 UTC (reproducible-builds.org/specs/
// source-date-epoch), into an archive timestamp, checked by CheckMTime.
func ParseSourceDateEpoch(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || v == "" || v[0] == '+' || v[0] == '-' {
		return time.Time{}, fmt.Errorf("%w: SOURCE_DATE_EPOCH %q: want a decimal number of seconds since 1970-01-01 UTC", ErrMTime, s)
	}
	t := time.Unix(n, 0).UTC()
	if err := CheckMTime(t); err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: %w", s, err)
	}
	return t, nil
}

// entry is a File checked and ready to write.
type entry struct {
	File
	mode fs.FileMode // 0755 or 0644
}

// prepare checks files and mtime before anything is written, so a bad
// entry never leaves half an archive behind it, and orders the entries by
// name, byte-wise, so the order the caller found them in does not matter.
func prepare(files []File, mtime time.Time) ([]entry, time.Time, error) {
	if err := CheckMTime(mtime); err != nil {
		return nil, time.Time{}, err
	}
	var errs []error
	entries := make([]entry, 0, len(files))
	for _, f := range files {
		e, err := prepareEntry(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		entries = append(entries, e)
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return cmp.Compare(a.Name, b.Name) })
	for i := 1; i < len(entries); i++ {
		if entries[i].Name == entries[i-1].Name {
			errs = append(errs, fmt.Errorf("%w %q: two files have this name", ErrEntry, entries[i].Name))
		}
	}
	if len(errs) > 0 {
		return nil, time.Time{}, errors.Join(errs...)
	}
	return entries, mtime.UTC().Truncate(time.Second), nil
}

func prepareEntry(f File) (entry, error) {
	if err := checkEntryName(f.Name); err != nil {
		return entry{}, err
	}
	mode := f.Mode
	if f.Path != "" {
		if len(f.Data) > 0 {
			return entry{}, fmt.Errorf("%w %q: has both Data and Path %q: want one", ErrEntry, f.Name, f.Path)
		}
		info, err := os.Lstat(f.Path)
		if err != nil {
			return entry{}, fmt.Errorf("%w %q: %v", ErrEntry, f.Name, err)
		}
		if !info.Mode().IsRegular() {
			return entry{}, fmt.Errorf("%w %q: %s is a %s, not a regular file", ErrEntry, f.Name, f.Path, describeType(info.Mode()))
		}
		if mode == 0 {
			mode = info.Mode()
		}
	} else if mode&^fs.ModePerm != 0 {
		return entry{}, fmt.Errorf("%w %q: mode %v is not a regular file's", ErrEntry, f.Name, mode)
	}
	norm := fs.FileMode(0o644)
	if mode&0o111 != 0 {
		norm = 0o755
	}
	return entry{File: f, mode: norm}, nil
}

func describeType(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// checkEntryName accepts a relative, clean, slash-separated path without
// control characters or backslashes, which extractors on some systems take
// for separators.
func checkEntryName(name string) error {
	const want = "want a relative slash-separated path such as app or docs/README.md"
	if !fs.ValidPath(name) || name == "." {
		return fmt.Errorf("%w %q: not a clean relative path (empty, absolute, or with . or .. elements): %s", ErrEntry, name, want)
	}
	for _, r := range name {
		if r == '\\' || unicode.IsControl(r) {
			return fmt.Errorf("%w %q: has %s: %s", ErrEntry, name, describeRune(r), want)
		}
	}
	return nil
}

// open gives the contents of e and their size.
func (e entry) open() (io.ReadCloser, int64, error) {
	if e.Path == "" {
		return io.NopCloser(bytes.NewReader(e.Data)), int64(len(e.Data)), nil
	}
	// O_NOFOLLOW: a link put in the file's place since prepare checked
	// it is refused too.
	f, err := os.OpenFile(e.Path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, 0, fmt.Errorf("%w %q: %v", ErrEntry, e.Name, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("%w %q: %v", ErrEntry, e.Name, err)
	}
	return f, info.Size(), nil
}

// copyEntry writes the contents of e to w, failing if the file on disk
// changed size since it was opened.
func copyEntry(w io.Writer, r io.Reader, e entry, size int64) error {
	n, err := io.Copy(w, io.LimitReader(r, size+1))
	if err == nil && n != size {
		err = fmt.Errorf("%s changed size while archived: read %d bytes, want %d", e.Path, n, size)
	}
	if err != nil {
		return fmt.Errorf("writing %q: %w", e.Name, err)
	}
	return nil
}

// gzipLevel is the compression of tar.gz archives and zip entries:
// GoReleaser's (pkg/archive/targz uses gzip.BestCompression). It is fixed
// because the compressed bytes depend on it.
const gzipLevel = gzip.BestCompression

// gzipOSUnknown is the gzip header's OS byte, 255 "unknown", the same for
// an archive made on any system.
const gzipOSUnknown = 255

// WriteTarGz writes files to w as a reproducible gzip-compressed tar
// archive: the same files and mtime give the same bytes, wherever and
// whenever it runs (with the same Go release: compress/flate's output is
// not promised across releases).
//
//   - Entries are sorted by name and are regular files only; directories
//     are implied by the names, as in GoReleaser's archives.
//   - Every entry has mtime, truncated to the second, uid and gid 0, no
//     user or group name, and mode 0755 or 0644 (see File.Mode).
//   - Headers are ustar; an entry only gets a PAX extended header when
//     ustar cannot hold its name (over 100 bytes, or not ASCII), and then
//     with the path alone: never atime or ctime records.
//   - The gzip header has no file name, comment or timestamp, OS byte 255
//     (unknown), and the compression level is fixed.
//
// Files and mtime (see CheckMTime) are checked before anything is
// written; errors wrap ErrEntry or ErrMTime.
func WriteTarGz(w io.Writer, files []File, mtime time.Time) error {
	entries, mtime, err := prepare(files, mtime)
	if err != nil {
		return err
	}
	gz, err := gzip.NewWriterLevel(w, gzipLevel)
	if err != nil {
		return err
	}
	gz.Header = gzip.Header{OS: gzipOSUnknown}
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		if err := writeTarEntry(tw, e, mtime); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeTarEntry(tw *tar.Writer, e entry, mtime time.Time) error {
	r, size, err := e.open()
	if err != nil {
		return err
	}
	defer r.Close()
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     e.Name,
		Mode:     int64(e.mode),
		Size:     size,
		ModTime:  mtime,
		// PAX, not unknown: the writer then leaves ModTime as it is
		// and writes ustar whenever ustar can hold the entry.
		Format: tar.FormatPAX,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("writing %q: %w", e.Name, err)
	}
	return copyEntry(tw, r, e, size)
}

// WriteZip writes files to w as a reproducible zip archive: the same files
// and mtime give the same bytes (with the same Go release).
//
//   - Entries are sorted by name, regular files only, compressed with
//     Deflate at a fixed level.
//   - Every entry's time is mtime, in UTC, both as the MS-DOS date and
//     time (2-second precision) and in the extended timestamp field
//     archive/zip adds, which holds the modification time alone.
//   - Every entry is made by Unix (host 3), with mode 0755 or 0644
//     in its external attributes, so unzip restores the execute bit.
//
// Files and mtime (see CheckMTime) are checked before anything is
// written; errors wrap ErrEntry or ErrMTime.
func WriteZip(w io.Writer, files []File, mtime time.Time) error {
	entries, mtime, err := prepare(files, mtime)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, gzipLevel)
	})
	for _, e := range entries {
		if err := writeZipEntry(zw, e, mtime); err != nil {
			return err
		}
	}
	return zw.Close()
}

func writeZipEntry(zw *zip.Writer, e entry, mtime time.Time) error {
	r, size, err := e.open()
	if err != nil {
		return err
	}
	defer r.Close()
	hdr := &zip.FileHeader{
		Name:     e.Name,
		Method:   zip.Deflate,
		Modified: mtime,
	}
	// SetMode marks the entry made by Unix and puts the mode in
	// ExternalAttrs.
	hdr.SetMode(e.mode)
	fw, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("writing %q: %w", e.Name, err)
	}
	return copyEntry(fw, r, e, size)
}

// WriteArchive writes files to w in format, with WriteTarGz or WriteZip.
func WriteArchive(w io.Writer, format Format, files []File, mtime time.Time) error {
	switch format {
	case TarGz:
		return WriteTarGz(w, files, mtime)
	case Zip:
		return WriteZip(w, files, mtime)
	}
	_, err := ParseFormat(string(format))
	return err
}

// DefaultFilePatterns are the files GoReleaser puts in every archive next
// to the binaries when an archive lists no `files` (internal/pipe/archive,
// Default): these globs, matched against the source root.
var DefaultFilePatterns = []string{"license*", "LICENSE*", "readme*", "README*", "changelog*", "CHANGELOG*"}

// DefaultFiles picks, from the slash-separated paths of the files in a
// source tree (relative to its root), those GoReleaser's default `files`
// put in archives: the ones whose first path element starts with license,
// readme or changelog, all lower case or all upper case. GoReleaser's
// globs (github.com/goreleaser/fileglob) are case-sensitive, so License.md
// and ReadMe.md are left out, as GoReleaser leaves them; a matching
// directory brings all its files, as fileglob does, so LICENSES/MIT.txt
// (the REUSE layout) is kept. The result is cleaned (./README.md is
// README.md), sorted and without duplicates.
func DefaultFiles(paths []string) []string {
	var out []string
	for _, p := range paths {
		p = path.Clean(p)
		top, _, _ := strings.Cut(p, "/")
		for _, pattern := range DefaultFilePatterns {
			if strings.HasPrefix(top, strings.TrimSuffix(pattern, "*")) {
				out = append(out, p)
				break
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ArchiveFiles lists the files of one target's archive: the binary at
// binaryPath, named executable at the archive root (Output.Executable),
// and the docs of the source tree at srcRoot, relative slash-separated
// paths such as DefaultFiles gives, under the same names.
func ArchiveFiles(executable, binaryPath, srcRoot string, docs []string) []File {
	files := []File{{Name: executable, Mode: 0o755, Path: binaryPath}}
	for _, d := range docs {
		files = append(files, File{Name: d, Mode: 0o644, Path: filepath.Join(srcRoot, filepath.FromSlash(d))})
	}
	return files
}
