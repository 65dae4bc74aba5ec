package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/binverify"
	"dagger/go-build/internal/fixturebuild"
	"dagger/go-build/internal/platform"
)

// buildFixture cross-compiles the pure-Go fixture for target.
func buildFixture(t *testing.T, target platform.Target) string {
	return fixturebuild.Build(t, "../../tests/testdata/purego", target)
}

// verifiedBinaries checks every regular file in dir against target's
// binary expectations (Static left false), as the module verifies a build,
// and returns their names, sorted; an empty dir is an error.
func verifiedBinaries(dir string, target platform.Target) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		names = append(names, e.Name())
		if err := binverify.CheckFile(filepath.Join(dir, e.Name()), target.Binary); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", target, err))
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: the build produced no binary", target)
	}
	return names, errors.Join(errs...)
}

// TestWriteDist packs binaries built like the module builds them: the
// names GoReleaser gives, the archives' contents and times, the checksums
// of the files written, an SBOM of the binary's own build info, and the
// same bytes from a second run.
func TestWriteDist(t *testing.T) {
	targets := []platform.Target{platform.MustParse("linux/amd64"), platform.MustParse("linux/arm/v7"), platform.MustParse("windows/amd64")}
	names, err := NewPlan(Options{ProjectName: "purego", Version: "1.2.3", SBOM: true}, targets)
	if err != nil {
		t.Fatal(err)
	}
	var built []Built
	for _, tgt := range targets {
		dir := buildFixture(t, tgt)
		bins, err := verifiedBinaries(dir, tgt)
		if err != nil {
			t.Fatal(err)
		}
		built = append(built, Built{Target: tgt, Dir: dir, Binaries: bins})
	}
	docsDir := t.TempDir()
	for name, text := range map[string]string{"LICENSE": "MIT\n", "README.md": "# purego\n"} {
		if err := os.WriteFile(filepath.Join(docsDir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	docs := []string{"LICENSE", "README.md"}
	mtime := time.Unix(1700000000, 0).UTC()

	var dists [2]string
	for i := range dists {
		dists[i] = t.TempDir()
		if err := WriteDist(dists[i], names, built, docsDir, docs, mtime); err != nil {
			t.Fatal(err)
		}
	}
	dist := dists[0]
	entries, err := os.ReadDir(dist)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := []string{
		"purego_1.2.3_checksums.txt",
		"purego_1.2.3_linux_amd64.sbom.spdx.json", "purego_1.2.3_linux_amd64.tar.gz",
		"purego_1.2.3_linux_armv7.sbom.spdx.json", "purego_1.2.3_linux_armv7.tar.gz",
		"purego_1.2.3_windows_amd64.sbom.spdx.json", "purego_1.2.3_windows_amd64.zip",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("dist holds %v, want %v", got, want)
	}
	for _, name := range want {
		a, _ := os.ReadFile(filepath.Join(dists[0], name))
		b, _ := os.ReadFile(filepath.Join(dists[1], name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", name)
		}
	}

	checkTarGz(t, filepath.Join(dist, "purego_1.2.3_linux_amd64.tar.gz"), []string{"LICENSE", "README.md", "purego"}, mtime)
	checkZip(t, filepath.Join(dist, "purego_1.2.3_windows_amd64.zip"), []string{"LICENSE", "README.md", "purego.exe"}, mtime)

	text, err := os.ReadFile(filepath.Join(dist, "purego_1.2.3_checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := ParseChecksums(string(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != len(want)-1 {
		t.Errorf("checksums list %d files, want %d:\n%s", len(sums), len(want)-1, text)
	}
	for name, sum := range sums {
		s, err := SumFile(name, filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		if s.SHA256 != sum {
			t.Errorf("checksum of %s is %s, the file's is %s", name, sum, s.SHA256)
		}
	}

	doc := readSBOM(t, filepath.Join(dist, "purego_1.2.3_linux_armv7.sbom.spdx.json"))
	if doc.SPDXVersion != "SPDX-2.3" || doc.CreationInfo.Created != "2023-11-14T22:13:20Z" {
		t.Errorf("SBOM version %q created %q", doc.SPDXVersion, doc.CreationInfo.Created)
	}
	if !doc.has("example.com/purego") || !doc.has("purego") {
		t.Errorf("SBOM lacks the binary or its main module: %+v", doc.Packages)
	}
}

func TestWriteBinarySBOMs(t *testing.T) {
	tgt := platform.MustParse("windows/arm64")
	dir := buildFixture(t, tgt)
	built := []Built{{Target: tgt, Dir: dir, Binaries: []string{"purego.exe"}}}
	if err := WriteBinarySBOMs(built, time.Unix(1700000000, 0)); err != nil {
		t.Fatal(err)
	}
	doc := readSBOM(t, filepath.Join(dir, "purego.exe.sbom.spdx.json"))
	if !doc.has("purego.exe") || !doc.has("example.com/purego") {
		t.Errorf("SBOM lacks the binary or its main module: %+v", doc.Packages)
	}
}

type spdxDoc struct {
	SPDXVersion  string `json:"spdxVersion"`
	CreationInfo struct {
		Created string `json:"created"`
	} `json:"creationInfo"`
	Packages []struct {
		Name string `json:"name"`
	} `json:"packages"`
}

func (d spdxDoc) has(name string) bool {
	for _, p := range d.Packages {
		if p.Name == name {
			return true
		}
	}
	return false
}

func readSBOM(t *testing.T, file string) spdxDoc {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc spdxDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return doc
}

func checkTarGz(t *testing.T, file string, want []string, mtime time.Time) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var got []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, hdr.Name)
		if !hdr.ModTime.Equal(mtime) {
			t.Errorf("%s: %s has time %v, want %v", file, hdr.Name, hdr.ModTime, mtime)
		}
		if wantMode := int64(0o644); hdr.Name == "purego" {
			if hdr.Mode != 0o755 {
				t.Errorf("%s: binary mode %o, want 755", file, hdr.Mode)
			}
		} else if hdr.Mode != wantMode {
			t.Errorf("%s: %s mode %o, want %o", file, hdr.Name, hdr.Mode, wantMode)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s holds %v, want %v", file, got, want)
	}
}

func checkZip(t *testing.T, file string, want []string, mtime time.Time) {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name)
		if !f.Modified.Equal(mtime) {
			t.Errorf("%s: %s has time %v, want %v", file, f.Name, f.Modified, mtime)
		}
		if strings.HasSuffix(f.Name, ".exe") && f.Mode()&0o111 == 0 {
			t.Errorf("%s: %s is not executable: %v", file, f.Name, f.Mode())
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s holds %v, want %v", file, got, want)
	}
}
