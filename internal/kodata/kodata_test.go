package kodata

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

var epoch = time.Unix(0, 0).UTC()

func file(p string, size int64) Entry { return Entry{Path: p, Type: File, Size: size} }
func dir(p string) Entry              { return Entry{Path: p, Type: Directory} }
func link(p, to string) Entry         { return Entry{Path: p, Type: Symlink, Target: to} }

// names is each layer entry as "name<-source" (a directory as "name/").
func names(entries []LayerEntry) []string {
	var out []string
	for _, e := range entries {
		switch {
		case e.Dir:
			out = append(out, e.Name+"/")
		case e.Source != "":
			out = append(out, e.Name+"<-"+e.Source)
		}
	}
	return out
}

var parents = []string{"/var/", "/var/run/", "/var/run/ko/"}

func TestLayer(t *testing.T) {
	tests := []struct {
		name    string
		listing []Entry
		want    []string // after the three parents
		err     string
	}{
		{name: "no kodata: the directories alone, as ko writes them"},
		{
			name:    "files in filepath.Walk's order; subdirectories have no entries",
			listing: []Entry{file("b.txt", 1), dir("a"), file("a/z", 2), file("a.txt", 3), dir("a/b"), file("a/b/c", 4)},
			want:    []string{"/var/run/ko/a/b/c<-a/b/c", "/var/run/ko/a/z<-a/z", "/var/run/ko/a.txt<-a.txt", "/var/run/ko/b.txt<-b.txt"},
		},
		{
			name:    "links inside are followed: a file, a directory, a chain",
			listing: []Entry{dir("static"), file("static/app.css", 5), link("current", "static"), link("static/home.html", "../index.html"), file("index.html", 6), link("alias", "current/app.css")},
			want: []string{
				"/var/run/ko/alias<-static/app.css",
				"/var/run/ko/current/app.css<-static/app.css", "/var/run/ko/current/home.html<-index.html",
				"/var/run/ko/index.html<-index.html",
				"/var/run/ko/static/app.css<-static/app.css", "/var/run/ko/static/home.html<-index.html",
			},
		},
		{name: "a link that leaves", listing: []Entry{dir("a"), link("a/secret", "../../../.netrc")}, err: "symlink kodata/a/secret points to ../../../.netrc, outside the kodata directory"},
		{name: "a link that leaves through another", listing: []Entry{link("up", ".."), link("x", "up/etc")}, err: "symlink kodata/up points to .., outside the kodata directory"},
		{name: "an absolute link", listing: []Entry{link("passwd", "/etc/passwd")}, err: "symlink kodata/passwd points to /etc/passwd, an absolute path"},
		{name: "a dangling link", listing: []Entry{link("gone", "nowhere")}, err: "kodata/gone: nowhere does not exist"},
		{name: "a link to the kodata directory", listing: []Entry{dir("a"), link("a/root", "..")}, err: "symlink kodata/a/root points to kodata, a directory it is in: a loop"},
		{name: "a link to its own directory", listing: []Entry{dir("a"), link("a/self", ".")}, err: "symlink kodata/a/self points to kodata/a, a directory it is in: a loop"},
		{name: "links to each other", listing: []Entry{dir("a"), dir("b"), link("a/tob", "../b"), link("b/toa", "../a")}, err: "symlink kodata/b/toa points to kodata/a, a directory it is in: a loop"},
		{name: "a link cycle", listing: []Entry{link("x", "y"), link("y", "x")}, err: "kodata/x: more than 40 symlinks"},
		{name: "a pipe", listing: []Entry{{Path: "fifo", Type: Other}}, err: "kodata/fifo is not a regular file, directory or symlink"},
		{name: "a listing entry outside", listing: []Entry{file("../x", 1)}, err: `listing entry "../x" is not below`},
		{name: "a listing with no parent", listing: []Entry{file("a/x", 1)}, err: "listing has a/ but a is not a directory in it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Layer(tt.listing, epoch)
			errtest.Check(t, err, ErrKodata, tt.err)
			if err != nil {
				return
			}
			if want := append(append([]string(nil), parents...), tt.want...); !reflect.DeepEqual(names(got), want) {
				t.Errorf("Layer =\n%q\nwant\n%q", names(got), want)
			}
			for _, e := range got {
				if e.Mode != 0o555 || !e.ModTime.Equal(epoch) {
					t.Errorf("%s: mode %o, time %v; want 0555 and %v", e.Name, e.Mode, e.ModTime, epoch)
				}
			}
		})
	}
}

func TestLayerKeepsSizesAndTime(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	got, err := Layer([]Entry{file("x", 42), link("y", "x")}, at)
	if err != nil {
		t.Fatal(err)
	}
	want := []LayerEntry{
		{Name: "/var", Dir: true, Mode: 0o555, ModTime: at},
		{Name: "/var/run", Dir: true, Mode: 0o555, ModTime: at},
		{Name: "/var/run/ko", Dir: true, Mode: 0o555, ModTime: at},
		{Name: "/var/run/ko/x", Source: "x", Size: 42, Mode: 0o555, ModTime: at},
		{Name: "/var/run/ko/y", Source: "x", Size: 42, Mode: 0o555, ModTime: at},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Layer =\n%+v\nwant\n%+v", got, want)
	}
}

func TestEnv(t *testing.T) {
	if Env() != "KO_DATA_PATH=/var/run/ko" {
		t.Errorf("Env() = %q", Env())
	}
}

// TestLayerOfTheFixture lists the koresolve fixture's real kodata
// directory (with its two symlinks) as a caller would, and checks the
// layer ko would make of it.
func TestLayerOfTheFixture(t *testing.T) {
	root := filepath.Join("..", "koresolve", "testdata", "project", "cmd", "api", "kodata")
	var listing []Entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := Entry{Path: filepath.ToSlash(rel), Size: info.Size()}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			e.Type = Symlink
			e.Target, err = os.Readlink(p)
		case info.IsDir():
			e.Type = Directory
		case info.Mode().IsRegular():
			e.Type = File
		default:
			e.Type = Other
		}
		listing = append(listing, e)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Layer(listing, epoch)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]string(nil), parents...),
		"/var/run/ko/current/app.css<-static/app.css", "/var/run/ko/current/home.html<-index.html",
		"/var/run/ko/index.html<-index.html",
		"/var/run/ko/static/app.css<-static/app.css", "/var/run/ko/static/home.html<-index.html")
	if !reflect.DeepEqual(names(got), want) {
		t.Errorf("Layer =\n%q\nwant\n%q", names(got), want)
	}
}
