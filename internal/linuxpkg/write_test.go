package linuxpkg

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"dagger/go-build/internal/golden"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blakesmith/ar"

	"dagger/go-build/internal/fixturebuild"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/release"
)

var mtime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

var testMeta = Metadata{
	Maintainer:  "Jane Doe <jane@example.com>",
	Description: "purego, built from the Go module example.com/purego",
	Homepage:    "https://example.com/purego",
	License:     "MIT",
	Vendor:      "ACME",
}

// builtFixture cross-compiles the pure-Go fixture for target, as release
// hands it over.
func builtFixture(t *testing.T, target platform.Target) release.Built {
	dir := fixturebuild.Build(t, "../../tests/testdata/purego", target)
	return release.Built{Target: target, Dir: dir, Binaries: []string{"purego"}}
}

// writePlan writes every format for targets into a fresh directory.
func writePlan(t *testing.T, built []release.Built) (string, Plan) {
	t.Helper()
	var ts []platform.Target
	for _, b := range built {
		ts = append(ts, b.Target)
	}
	plan, err := NewPlan(Options{Name: "purego", Version: "1.2.3", Formats: Formats, SBOM: true}, ts, false)
	if err != nil {
		t.Fatal(err)
	}
	dist := t.TempDir()
	if err := Write(dist, plan, built, testMeta, mtime); err != nil {
		t.Fatal(err)
	}
	return dist, plan
}

// TestWritePackages writes deb, rpm and apk packages of the fixture for
// arm64 and arm/v7 and reads each back: the metadata (golden, sizes and
// hashes masked: they follow the Go version), the binary in /usr/bin with
// mode 0755 and the source time, the SBOM naming the installed path.
func TestWritePackages(t *testing.T) {
	built := []release.Built{
		builtFixture(t, platform.MustParse("linux/arm64")),
		builtFixture(t, platform.MustParse("linux/arm/v7")),
	}
	dist, plan := writePlan(t, built)
	bin, err := os.ReadFile(filepath.Join(built[0].Dir, "purego"))
	if err != nil {
		t.Fatal(err)
	}
	var report strings.Builder
	for _, o := range plan.Outputs {
		data, err := os.ReadFile(filepath.Join(dist, o.File))
		if err != nil {
			t.Fatal(err)
		}
		var meta string
		var entries []tarEntry
		switch o.Format {
		case Deb:
			meta, entries = readDeb(t, data)
		case RPM:
			meta = readRPM(t, data)
		case APK:
			meta, entries = readAPK(t, data)
		}
		fmt.Fprintf(&report, "== %s\n%s\n", o.File, mask(meta))
		if o.Format != RPM {
			i := slices.IndexFunc(entries, func(e tarEntry) bool { return e.name == "usr/bin/purego" })
			if i < 0 {
				t.Errorf("%s: no usr/bin/purego in %v", o.File, entries)
				continue
			}
			e := entries[i]
			if e.mode != 0o755 || !e.mtime.Equal(mtime) {
				t.Errorf("%s: usr/bin/purego has mode %o, time %s; want 755, %s", o.File, e.mode, e.mtime, mtime)
			}
			if o.Target.GOARCH == "arm64" && !bytes.Equal(e.data, bin) {
				t.Errorf("%s: usr/bin/purego is not the binary built", o.File)
			}
			for _, e := range entries {
				if !e.mtime.Equal(mtime) {
					t.Errorf("%s: %s has time %s, want %s", o.File, e.name, e.mtime, mtime)
				}
			}
		}
		checkSBOM(t, filepath.Join(dist, o.SBOM))
	}
	golden.Check(t, filepath.Join("testdata", "packages.txt"), []byte(report.String()))
}

// TestWriteReproducible writes the packages twice, from copies of the
// binary with other file times in other directories, a second apart: the
// bytes are the same.
func TestWriteReproducible(t *testing.T) {
	b := builtFixture(t, platform.MustParse("linux/amd64"))
	first, plan := writePlan(t, []release.Built{b})
	copyDir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(b.Dir, "purego"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(copyDir, "purego"), data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(copyDir, "purego"), time.Unix(1, 0), time.Unix(2, 0)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	second, _ := writePlan(t, []release.Built{{Target: b.Target, Dir: copyDir, Binaries: b.Binaries}})
	for _, name := range plan.Files() {
		a, errA := os.ReadFile(filepath.Join(first, name))
		b, errB := os.ReadFile(filepath.Join(second, name))
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two writes", name)
		}
	}
}

func TestWriteMissingBinaries(t *testing.T) {
	plan, err := NewPlan(Options{Name: "app", Version: "1.0.0", Formats: []Format{Deb}}, targets("linux/amd64"), false)
	if err != nil {
		t.Fatal(err)
	}
	err = Write(t.TempDir(), plan, nil, testMeta, mtime)
	if err == nil || !strings.Contains(err.Error(), "linux/amd64") {
		t.Errorf("Write with no binaries = %v", err)
	}
}

// mask hides the values that follow the binary's bytes.
func mask(meta string) string {
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^(Installed-Size: |size = |datahash = |SIZE=).*$`),
	} {
		meta = re.ReplaceAllString(meta, "${1}<masked>")
	}
	return meta
}

type tarEntry struct {
	name  string
	mode  int64
	mtime time.Time
	data  []byte
}

func readTar(t *testing.T, r io.Reader) []tarEntry {
	t.Helper()
	var out []tarEntry
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tarEntry{strings.TrimPrefix(h.Name, "./"), h.Mode, h.ModTime, data})
	}
}

// readDeb returns a deb's control file and data entries, checking its ar
// members' names and times.
func readDeb(t *testing.T, data []byte) (string, []tarEntry) {
	t.Helper()
	r := ar.NewReader(bytes.NewReader(data))
	var members []string
	var control string
	var entries []tarEntry
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, h.Name)
		if !h.ModTime.Equal(mtime) {
			t.Errorf("deb member %s has time %s", h.Name, h.ModTime)
		}
		body, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		switch h.Name {
		case "control.tar.gz":
			for _, e := range readTar(t, gunzip(t, body)) {
				if e.name == "control" {
					control = string(e.data)
				}
				if !e.mtime.Equal(mtime) {
					t.Errorf("deb control entry %s has time %s", e.name, e.mtime)
				}
			}
		case "data.tar.gz":
			entries = readTar(t, gunzip(t, body))
		}
	}
	if want := []string{"debian-binary", "control.tar.gz", "data.tar.gz"}; !slices.Equal(members, want) {
		t.Errorf("deb members %q, want %q", members, want)
	}
	return control, entries
}

func gunzip(t *testing.T, data []byte) io.Reader {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

// readAPK returns an apk's .PKGINFO and data entries: an unsigned apk is
// the control and data gzip streams concatenated, which gzip reads as one.
func readAPK(t *testing.T, data []byte) (string, []tarEntry) {
	t.Helper()
	var pkginfo string
	var entries []tarEntry
	for _, e := range readTar(t, gunzip(t, data)) {
		if e.name == ".PKGINFO" {
			pkginfo = string(e.data)
		} else {
			entries = append(entries, e)
		}
	}
	if pkginfo == "" {
		t.Error("apk without .PKGINFO")
	}
	return pkginfo, entries
}

// rpmTags are the header tags readRPM prints (rpm's lib/rpmtag.h).
var rpmTags = []struct {
	tag  int
	name string
}{
	{1000, "NAME"}, {1001, "VERSION"}, {1002, "RELEASE"}, {1004, "SUMMARY"}, {1006, "BUILDTIME"},
	{1007, "BUILDHOST"}, {1009, "SIZE"}, {1011, "VENDOR"}, {1014, "LICENSE"}, {1015, "PACKAGER"},
	{1020, "URL"}, {1021, "OS"}, {1022, "ARCH"}, {1118, "DIRNAMES"}, {1117, "BASENAMES"}, {1030, "FILEMODES"},
	{1034, "FILEMTIMES"},
}

// readRPM prints some tags of an rpm's main header: after the 96-byte
// lead come the signature header, padded to 8 bytes, then the header, each
// a magic, an entry count, a data size, the entries and the data.
func readRPM(t *testing.T, data []byte) string {
	t.Helper()
	if len(data) < 96 || !bytes.Equal(data[:4], []byte{0xed, 0xab, 0xee, 0xdb}) {
		t.Fatal("not an rpm")
	}
	off := 96
	sigLen := headerLen(t, data[off:])
	off += (sigLen + 7) &^ 7
	h := data[off:]
	n := int(binary.BigEndian.Uint32(h[8:]))
	store := h[16+16*n:]
	values := map[int]string{}
	for i := 0; i < n; i++ {
		e := h[16+16*i:]
		tag, typ := int(binary.BigEndian.Uint32(e)), binary.BigEndian.Uint32(e[4:])
		at, count := int(binary.BigEndian.Uint32(e[8:])), int(binary.BigEndian.Uint32(e[12:]))
		var parts []string
		switch typ {
		case 4: // INT32
			for j := 0; j < count; j++ {
				parts = append(parts, fmt.Sprint(binary.BigEndian.Uint32(store[at+4*j:])))
			}
		case 3: // INT16
			for j := 0; j < count; j++ {
				parts = append(parts, fmt.Sprintf("%o", binary.BigEndian.Uint16(store[at+2*j:])))
			}
		case 6, 8, 9: // STRING, STRING_ARRAY, I18NSTRING
			s := store[at:]
			for j := 0; j < count; j++ {
				end := bytes.IndexByte(s, 0)
				parts = append(parts, string(s[:end]))
				s = s[end+1:]
			}
		}
		values[tag] = strings.Join(parts, ",")
	}
	var b strings.Builder
	for _, tg := range rpmTags {
		fmt.Fprintf(&b, "%s=%s\n", tg.name, values[tg.tag])
	}
	return b.String()
}

func headerLen(t *testing.T, h []byte) int {
	if len(h) < 16 || !bytes.Equal(h[:3], []byte{0x8e, 0xad, 0xe8}) {
		t.Fatal("no rpm header magic")
	}
	return 16 + 16*int(binary.BigEndian.Uint32(h[8:])) + int(binary.BigEndian.Uint32(h[12:]))
}

// checkSBOM checks the SBOM names the binary where the package installs
// it and was created at the source time.
func checkSBOM(t *testing.T, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		CreationInfo struct{ Created string }
		Packages     []struct{ Name string }
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.CreationInfo.Created != "2024-05-06T07:08:09Z" {
		t.Errorf("%s: created %s", file, doc.CreationInfo.Created)
	}
	if !slices.ContainsFunc(doc.Packages, func(p struct{ Name string }) bool { return p.Name == "/usr/bin/purego" }) {
		t.Errorf("%s names no /usr/bin/purego: %+v", file, doc.Packages)
	}
}
