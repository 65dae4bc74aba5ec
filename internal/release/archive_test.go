package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

// writer is WriteTarGz or WriteZip.
type writer struct {
	name  string
	write func(io.Writer, []File, time.Time) error
}

var writers = []writer{{"tar.gz", WriteTarGz}, {"zip", WriteZip}}

var testMTime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// sampleFiles are an archive's files in no particular order, with modes as
// a checkout and a build might leave them.
func sampleFiles() []File {
	return []File{
		{Name: "README.md", Mode: 0o664, Data: []byte("# app\n")},
		{Name: "app", Mode: 0o700, Data: bytes.Repeat([]byte("\x7fELF binary "), 1000)},
		{Name: "LICENSE", Mode: 0o600, Data: []byte("MIT\n")},
		{Name: "LICENSES/Apache-2.0.txt", Mode: 0o644, Data: []byte("Apache\n")},
		{Name: "CHANGELOG.md", Data: nil},
	}
}

// wantEntries are sampleFiles as the archive must hold them.
var wantEntries = []archived{
	{"CHANGELOG.md", 0o644, ""},
	{"LICENSE", 0o644, "MIT\n"},
	{"LICENSES/Apache-2.0.txt", 0o644, "Apache\n"},
	{"README.md", 0o644, "# app\n"},
	{"app", 0o755, strings.Repeat("\x7fELF binary ", 1000)},
}

// creatorUnix is the zip "version made by" host for Unix (APPNOTE 4.4.2),
// unexported in archive/zip.
const creatorUnix = 3

type archived struct {
	Name string
	Mode fs.FileMode
	Data string
}

func write(t *testing.T, w writer, files []File, mtime time.Time) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := w.write(&b, files, mtime); err != nil {
		t.Fatalf("%s: %v", w.name, err)
	}
	return b.Bytes()
}

func TestArchivesReproducible(t *testing.T) {
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			first := write(t, w, sampleFiles(), testMTime)
			if again := write(t, w, sampleFiles(), testMTime); !bytes.Equal(first, again) {
				t.Error("same files and mtime gave different bytes")
			}
			// The order the files are given in, the time zone and
			// sub-second part of mtime do not matter.
			reversed := sampleFiles()
			for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
				reversed[i], reversed[j] = reversed[j], reversed[i]
			}
			if got := write(t, w, reversed, testMTime); !bytes.Equal(first, got) {
				t.Error("files in another order gave different bytes")
			}
			zoned := testMTime.In(time.FixedZone("UTC+5", 5*3600)).Add(300 * time.Millisecond)
			if got := write(t, w, sampleFiles(), zoned); !bytes.Equal(first, got) {
				t.Error("the same second in another zone gave different bytes")
			}
			// Only the execute bits of a mode matter.
			modes := sampleFiles()
			modes[1].Mode = 0o751
			modes[2].Mode = 0o444
			if got := write(t, w, modes, testMTime); !bytes.Equal(first, got) {
				t.Error("modes normalizing the same gave different bytes")
			}

			if got := write(t, w, sampleFiles(), testMTime.Add(2*time.Second)); bytes.Equal(first, got) {
				t.Error("another mtime gave the same bytes")
			}
			changed := sampleFiles()
			changed[2].Data = []byte("BSD\n")
			if got := write(t, w, changed, testMTime); bytes.Equal(first, got) {
				t.Error("other contents gave the same bytes")
			}
			exec := sampleFiles()
			exec[0].Mode = 0o755
			if got := write(t, w, exec, testMTime); bytes.Equal(first, got) {
				t.Error("another mode gave the same bytes")
			}
		})
	}
}

func TestWriteTarGzReadBack(t *testing.T) {
	data := write(t, writers[0], sampleFiles(), testMTime)

	// The gzip header: no name, no time, OS unknown, best compression
	// (RFC 1952: MTIME bytes 4-7, XFL 8 is 2, OS 9).
	if got := binary.LittleEndian.Uint32(data[4:8]); got != 0 {
		t.Errorf("gzip MTIME = %d, want 0", got)
	}
	if data[3] != 0 {
		t.Errorf("gzip FLG = %#x, want 0 (no name, comment or extra)", data[3])
	}
	if data[8] != 2 || data[9] != 255 {
		t.Errorf("gzip XFL, OS = %d, %d, want 2, 255", data[8], data[9])
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || zr.Comment != "" || !zr.ModTime.IsZero() || zr.OS != 255 || zr.Extra != nil {
		t.Errorf("gzip header = %+v, want empty with OS 255", zr.Header)
	}

	var got []archived
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			t.Errorf("%s: type %q, want a regular file", h.Name, h.Typeflag)
		}
		if !h.ModTime.Equal(testMTime) || !h.AccessTime.IsZero() || !h.ChangeTime.IsZero() {
			t.Errorf("%s: times %v %v %v, want mtime %v only", h.Name, h.ModTime, h.AccessTime, h.ChangeTime, testMTime)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: owner %d:%d %q:%q, want 0:0 without names", h.Name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		if h.Format != tar.FormatUSTAR || len(h.PAXRecords) != 0 {
			t.Errorf("%s: format %v with PAX records %v, want plain ustar", h.Name, h.Format, h.PAXRecords)
		}
		if h.Mode&^0o777 != 0 {
			t.Errorf("%s: mode %o has bits beyond the permissions", h.Name, h.Mode)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, archived{h.Name, fs.FileMode(h.Mode), string(body)})
	}
	if !reflect.DeepEqual(got, wantEntries) {
		t.Errorf("entries = %v\nwant %v", got, wantEntries)
	}
}

// TestWriteTarGzLongName checks that a name ustar cannot hold gets a PAX
// header with the path alone.
func TestWriteTarGzLongName(t *testing.T) {
	long := strings.Repeat("d", 120) + "/" + strings.Repeat("f", 120)
	data := write(t, writers[0], []File{{Name: long, Data: []byte("x")}}, testMTime)
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	h, err := tar.NewReader(zr).Next()
	if err != nil {
		t.Fatal(err)
	}
	if h.Name != long || h.Format != tar.FormatPAX || !reflect.DeepEqual(h.PAXRecords, map[string]string{"path": long}) {
		t.Errorf("got name %q format %v records %v, want PAX with the path only", h.Name, h.Format, h.PAXRecords)
	}
}

func TestWriteZipReadBack(t *testing.T) {
	data := write(t, writers[1], sampleFiles(), testMTime)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Comment != "" {
		t.Errorf("comment %q, want none", zr.Comment)
	}
	// The extended timestamp field archive/zip writes: tag 0x5455, size
	// 5, flags 1 (modification time only), the Unix time.
	wantExtra := binary.LittleEndian.AppendUint16(nil, 0x5455)
	wantExtra = binary.LittleEndian.AppendUint16(wantExtra, 5)
	wantExtra = append(wantExtra, 1)
	wantExtra = binary.LittleEndian.AppendUint32(wantExtra, uint32(testMTime.Unix()))
	var got []archived
	for _, f := range zr.File {
		if f.Method != zip.Deflate {
			t.Errorf("%s: method %d, want Deflate", f.Name, f.Method)
		}
		if !f.Modified.Equal(testMTime) {
			t.Errorf("%s: Modified %v, want %v", f.Name, f.Modified, testMTime)
		}
		// MS-DOS time has 2-second steps: 07:08:09 is stored as 07:08:08.
		if dos := f.ModTime(); !dos.Equal(testMTime.Add(-time.Second)) {
			t.Errorf("%s: MS-DOS time %v, want %v", f.Name, dos, testMTime.Add(-time.Second))
		}
		if f.CreatorVersion>>8 != creatorUnix {
			t.Errorf("%s: made by %d, want Unix (%d)", f.Name, f.CreatorVersion>>8, creatorUnix)
		}
		if !bytes.Equal(f.Extra, wantExtra) {
			t.Errorf("%s: extra fields %x, want %x", f.Name, f.Extra, wantExtra)
		}
		if f.Comment != "" {
			t.Errorf("%s: comment %q", f.Name, f.Comment)
		}
		if f.Mode().Type() != 0 {
			t.Errorf("%s: type %v, want a regular file", f.Name, f.Mode().Type())
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, archived{f.Name, f.Mode(), string(body)})
	}
	if !reflect.DeepEqual(got, wantEntries) {
		t.Errorf("entries = %v\nwant %v", got, wantEntries)
	}
}

// TestArchivesFromDisk checks File.Path: the contents are streamed from
// disk, a zero Mode takes the file's, and the result equals Data entries.
func TestArchivesFromDisk(t *testing.T) {
	dir := t.TempDir()
	var files []File
	for _, f := range sampleFiles() {
		p := filepath.Join(dir, strings.ReplaceAll(f.Name, "/", "_"))
		if err := os.WriteFile(p, f.Data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, f.Mode.Perm()|0o400); err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: f.Name, Path: p})
	}
	for _, w := range writers {
		if got, want := write(t, w, files, testMTime), write(t, w, sampleFiles(), testMTime); !bytes.Equal(got, want) {
			t.Errorf("%s: files from disk differ from the same files in memory", w.name)
		}
	}
}

func TestArchivesReject(t *testing.T) {
	dir := t.TempDir()
	// A link to a regular file outside the archive's files, as a
	// LICENSE -> /etc/passwd of the source would be once exported.
	outside := filepath.Join(dir, "outside")
	if err := os.WriteFile(outside, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "LICENSE")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		files    []File
		mtime    time.Time
		sentinel error
		want     string
	}{
		{"empty name", []File{{Name: ""}}, testMTime, ErrEntry, `"": not a clean relative path`},
		{"absolute", []File{{Name: "/etc/passwd"}}, testMTime, ErrEntry, `"/etc/passwd": not a clean relative path`},
		{"dot dot", []File{{Name: "../app"}}, testMTime, ErrEntry, `"../app"`},
		{"dot", []File{{Name: "."}}, testMTime, ErrEntry, `"."`},
		{"unclean", []File{{Name: "a//b"}}, testMTime, ErrEntry, `"a//b"`},
		{"trailing slash", []File{{Name: "docs/"}}, testMTime, ErrEntry, `"docs/"`},
		{"backslash", []File{{Name: `bin\app`}}, testMTime, ErrEntry, `has '\\'`},
		{"control", []File{{Name: "a\tb"}}, testMTime, ErrEntry, "control character U+0009"},
		{"twice", []File{{Name: "app"}, {Name: "LICENSE"}, {Name: "app"}}, testMTime, ErrEntry, `"app": two files have this name`},
		{"data and path", []File{{Name: "app", Data: []byte("x"), Path: "/bin/sh"}}, testMTime, ErrEntry, `"app": has both Data and Path "/bin/sh"`},
		{"directory", []File{{Name: "app", Path: dir}}, testMTime, ErrEntry, "is a directory, not a regular file"},
		{"missing", []File{{Name: "app", Path: filepath.Join(dir, "nope")}}, testMTime, ErrEntry, "no such file"},
		{"symlink mode", []File{{Name: "app", Mode: fs.ModeSymlink | 0o777}}, testMTime, ErrEntry, "is not a regular file's"},
		{"symlink path", []File{{Name: "LICENSE", Mode: 0o644, Path: link}}, testMTime, ErrEntry, `"LICENSE": ` + link + " is a symbolic link, not a regular file"},
		{"before 1980", []File{{Name: "app"}}, time.Unix(0, 0), ErrMTime, "1970-01-01T00:00:00Z: zip archives store times from 1980-01-01T00:00:00Z to 2106-02-07T06:28:15Z; use the commit time or, e.g., SOURCE_DATE_EPOCH=315532800"},
		{"after 2106", []File{{Name: "app"}}, time.Date(2107, 1, 1, 0, 0, 0, 0, time.UTC), ErrMTime, "2107-01-01T00:00:00Z"},
		{"zero time", []File{{Name: "app"}}, time.Time{}, ErrMTime, "0001-01-01"},
	}
	for _, tt := range tests {
		for _, w := range writers {
			t.Run(tt.name+"/"+w.name, func(t *testing.T) {
				var b bytes.Buffer
				err := w.write(&b, tt.files, tt.mtime)
				errtest.Check(t, err, tt.sentinel, tt.want)
				if b.Len() != 0 {
					t.Errorf("wrote %d bytes before failing, want none", b.Len())
				}
			})
		}
	}
}

func TestWriteArchive(t *testing.T) {
	for _, f := range []Format{TarGz, Zip} {
		var got bytes.Buffer
		if err := WriteArchive(&got, f, sampleFiles(), testMTime); err != nil {
			t.Fatal(err)
		}
		w := writers[0]
		if f == Zip {
			w = writers[1]
		}
		if !bytes.Equal(got.Bytes(), write(t, w, sampleFiles(), testMTime)) {
			t.Errorf("WriteArchive(%s) differs from %s", f, w.name)
		}
	}
	errtest.Check(t, WriteArchive(io.Discard, "rar", nil, testMTime), ErrFormat, `"rar"`)
}

func TestDefaultFiles(t *testing.T) {
	tree := []string{
		"main.go", "go.mod", "LICENSE", "license.txt", "License.md", "README.md", "readme.txt", "ReadMe.md",
		"CHANGELOG.md", "changelog", "Changelog.md", "LICENSES/MIT.txt", "LICENSES/Apache-2.0.txt",
		"docs/README.md", "./CHANGELOG.md", "NOTICE", "READMEFIRST", "cmd/license/main.go",
	}
	want := []string{
		"CHANGELOG.md", "LICENSE", "LICENSES/Apache-2.0.txt", "LICENSES/MIT.txt", "README.md", "READMEFIRST",
		"changelog", "license.txt", "readme.txt",
	}
	if got := DefaultFiles(tree); !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultFiles = %q\nwant %q", got, want)
	}
	if got := DefaultFiles(nil); got != nil {
		t.Errorf("DefaultFiles(nil) = %q, want nil", got)
	}
}

func TestArchiveFiles(t *testing.T) {
	got := ArchiveFiles("app.exe", "/out/windows_amd64/app.exe", "/src", []string{"LICENSE", "LICENSES/MIT.txt"})
	want := []File{
		{Name: "app.exe", Mode: 0o755, Path: "/out/windows_amd64/app.exe"},
		{Name: "LICENSE", Mode: 0o644, Path: filepath.Join("/src", "LICENSE")},
		{Name: "LICENSES/MIT.txt", Mode: 0o644, Path: filepath.Join("/src", "LICENSES", "MIT.txt")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ArchiveFiles = %+v\nwant %+v", got, want)
	}
}
