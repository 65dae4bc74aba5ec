package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/buildopts"
	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/release"
)

// releaseCall is a Release call; the zero value but for platforms is the
// defaults.
type releaseCall struct {
	platforms                                                   []string
	projectName, version, nameTemplate, format, sourceDateEpoch string
	binariesOnly                                                bool
}

func (c releaseCall) args() releaseArgs {
	return releaseArgs{
		platforms: c.platforms, projectName: c.projectName, version: c.version,
		nameTemplate: c.nameTemplate, format: c.format, binariesOnly: c.binariesOnly,
		sbom: true, sourceDateEpoch: c.sourceDateEpoch,
	}
}

var twoPlatforms = []string{"linux/amd64", "linux/arm64"}

// TestReleaseErrors covers the bad input Release rejects before any
// container work (dag is nil here: reaching it would panic the test).
func TestReleaseErrors(t *testing.T) {
	tests := []struct {
		name     string
		change   func(m *GoBuild)
		call     releaseCall
		sentinel error
		wantErr  string
	}{
		{"unknown platform", nil, releaseCall{platforms: []string{"linux/amd64", "sparc64"}}, platform.ErrUnsupported, `"sparc64"`},
		{"malformed platform", nil, releaseCall{platforms: []string{"linux//"}}, platform.ErrInvalid, `"linux//"`},
		{"duplicate platform", nil, releaseCall{platforms: []string{"linux/arm/v7,armv7"}}, platform.ErrDuplicate, "linux/arm/v7"},
		{"empty list", nil, releaseCall{platforms: nil}, platform.ErrEmpty, "linux/amd64,linux/arm64, or all"},
		{"blank entries only", nil, releaseCall{platforms: []string{" , "}}, platform.ErrEmpty, "to release"},
		{"all with others", nil, releaseCall{platforms: []string{"all,linux/amd64"}}, nil, "stands alone"},
		{"cgo for windows", func(m *GoBuild) { m.Cgo = true }, releaseCall{platforms: []string{"linux/amd64,windows/amd64"}}, nil, "cgo cross-compilation for windows/amd64"},
		{"cgo for darwin", func(m *GoBuild) { m.Cgo = true }, releaseCall{platforms: []string{"darwin/arm64"}}, nil, "darwin/arm64"},
		{"emulating windows", func(m *GoBuild) { m.Mode = BuildModeEmulate }, releaseCall{platforms: []string{"windows/amd64"}}, nil, "EMULATE"},
		{"template that ignores the platform", nil, releaseCall{platforms: twoPlatforms, projectName: "app", version: "v1.0.0", nameTemplate: "{{ .ProjectName }}_{{ .Os }}"},
			release.ErrCollision, `"app_linux.tar.gz"`},
		{"template collision shows the stand-ins", nil, releaseCall{platforms: twoPlatforms, version: "v1.0.0", nameTemplate: "{{ .ProjectName }}_{{ .Version }}"},
			release.ErrCollision, `stand-ins "project"`},
		{"arm variants told apart only by a field the template drops", nil, releaseCall{platforms: []string{"linux/arm/v6", "linux/arm/v7"}, version: "1.0.0", nameTemplate: "{{ .ProjectName }}_{{ .Os }}_{{ .Arch }}"},
			release.ErrCollision, "linux/arm/v6"},
		{"template with an unknown field", nil, releaseCall{platforms: twoPlatforms, nameTemplate: "{{ .Nope }}"}, release.ErrTemplate, "Nope"},
		{"template that does not parse", nil, releaseCall{platforms: twoPlatforms, nameTemplate: "{{ .Os "}, release.ErrTemplate, "{{ .Os "},
		{"unknown format", nil, releaseCall{platforms: twoPlatforms, format: "rar"}, release.ErrFormat, `"rar"`},
		{"unsafe project name", nil, releaseCall{platforms: twoPlatforms, projectName: "my app"}, release.ErrUnsafeName, "a space"},
		{"version that is not semantic", nil, releaseCall{platforms: twoPlatforms, version: "latest"}, release.ErrVersion, `"latest"`},
		{"constructor version that is not semantic", func(m *GoBuild) { m.Version = "dev" }, releaseCall{platforms: twoPlatforms}, release.ErrVersion, "constructor's --version"},
		{"source date epoch that is not a number", nil, releaseCall{platforms: twoPlatforms, sourceDateEpoch: "yesterday"}, release.ErrMTime, `"yesterday"`},
		{"source date epoch before zip's 1980", nil, releaseCall{platforms: twoPlatforms, sourceDateEpoch: "0"}, release.ErrMTime, "1980"},
		{"format for a binaries tree", nil, releaseCall{platforms: twoPlatforms, binariesOnly: true, format: "ZIP"}, nil, "binariesOnly writes no archives"},
		{"template for a binaries tree", nil, releaseCall{platforms: twoPlatforms, binariesOnly: true, nameTemplate: "{{ .Os }}"}, nil, "binariesOnly writes no archives"},
		{"every problem at once", nil, releaseCall{platforms: []string{"sparc64"}, format: "rar", sourceDateEpoch: "x"}, release.ErrFormat, "sparc64"},

		{"defaults", nil, releaseCall{platforms: twoPlatforms}, nil, ""},
		{"the issue's platforms", nil, releaseCall{platforms: []string{"linux/amd64,linux/arm64,linux/arm/v7,darwin/arm64,windows/amd64"}}, nil, ""},
		{"all", nil, releaseCall{platforms: []string{"all"}}, nil, ""},
		{"all with cgo", func(m *GoBuild) { m.Cgo = true }, releaseCall{platforms: []string{"ALL"}}, nil, ""},
		{"zip for every platform", nil, releaseCall{platforms: twoPlatforms, format: "ZIP"}, nil, ""},
		{"tar.gz for every platform", nil, releaseCall{platforms: twoPlatforms, format: "TAR_GZ"}, nil, ""},
		{"goreleaser init's template", nil, releaseCall{platforms: []string{"linux/amd64,linux/386,linux/arm/v7,darwin/arm64"},
			nameTemplate: `{{ .ProjectName }}_{{ title .Os }}_{{ if eq .Arch "amd64" }}x86_64{{ else if eq .Arch "386" }}i386{{ else }}{{ .Arch }}{{ end }}{{ with .Arm }}v{{ . }}{{ end }}`}, nil, ""},
		{"binaries tree without a semantic constructor version", func(m *GoBuild) { m.Version = "dev" }, releaseCall{platforms: twoPlatforms, binariesOnly: true}, nil, ""},
		{"module version names the release", func(m *GoBuild) { m.Module = "github.com/mikefarah/yq/v4@v4.44.3" }, releaseCall{platforms: twoPlatforms}, nil, ""},
		{"source date epoch", nil, releaseCall{platforms: twoPlatforms, sourceDateEpoch: "1700000000"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			if tt.change != nil {
				tt.change(m)
			}
			_, err := m.checkRelease(tt.call.args())
			errtest.Check(t, err, tt.sentinel, tt.wantErr)
		})
	}
}

// TestReleaseFailsBeforeContainerWork calls Release itself: bad input
// returns before anything reaches the (nil) dag.
func TestReleaseFailsBeforeContainerWork(t *testing.T) {
	ctx := context.Background()
	m := config()
	_, err := m.Release(ctx, []string{"linux/amd64", "linux/amd64"}, "", "", "", "", false, true, "")
	errtest.Check(t, err, platform.ErrDuplicate, "linux/amd64")
	_, err = m.Release(ctx, twoPlatforms, "", "", "", "tar.xz", false, true, "")
	errtest.Check(t, err, release.ErrFormat, "tar.xz")

	m.Source = nil
	m.NoSourceReason = errNoGoMod.Error()
	_, err = m.Release(ctx, twoPlatforms, "", "", "", "", false, true, "")
	errtest.Check(t, err, nil, "release needs a Go source")
}

func TestReleaseAll(t *testing.T) {
	names := func(ts []platform.Target) []string {
		var s []string
		for _, t := range ts {
			s = append(s, t.String())
		}
		return s
	}
	tests := []struct {
		name    string
		change  func(m *GoBuild)
		want    []string
		notWant []string
	}{
		{"pure Go: every supported platform", nil, platform.Supported(), nil},
		{"cgo: Linux targets with cgo support", func(m *GoBuild) { m.Cgo = true },
			[]string{"linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/s390x"},
			[]string{"windows/amd64", "darwin/arm64", "linux/mips", "linux/mipsle/softfloat"}},
		{"emulated: Linux targets", func(m *GoBuild) { m.Mode = BuildModeEmulate },
			[]string{"linux/amd64", "linux/mips"}, []string{"windows/amd64", "darwin/arm64", "freebsd/amd64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := config()
			if tt.change != nil {
				tt.change(m)
			}
			req, err := m.checkRelease(releaseCall{platforms: []string{"all"}}.args())
			if err != nil {
				t.Fatal(err)
			}
			if !req.all {
				t.Error("all is not marked as all")
			}
			got := names(req.targets)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("all lacks %s: %v", w, got)
				}
			}
			for _, n := range tt.notWant {
				if slices.Contains(got, n) {
					t.Errorf("all has %s: %v", n, got)
				}
			}
			for _, tgt := range req.targets {
				if err := m.checkTarget(tgt); err != nil {
					t.Errorf("all has %s, which the configuration rejects: %v", tgt, err)
				}
			}
		})
	}
}

// TestReleaseVersionStamp checks release's own version is stamped: the
// release builds with a copy of the configuration, leaving it unchanged.
func TestReleaseVersionStamp(t *testing.T) {
	m := config()
	m.Version = "v1.0.0"
	req, err := m.checkRelease(releaseCall{platforms: twoPlatforms, version: "v2.0.0-rc.1"}.args())
	if err != nil {
		t.Fatal(err)
	}
	if req.builder == m || req.builder.Version != "v2.0.0-rc.1" || m.Version != "v1.0.0" {
		t.Errorf("builder version %q (same object: %v), configuration's %q", req.builder.Version, req.builder == m, m.Version)
	}
	if req.version == nil || req.version.Name != "2.0.0-rc.1" {
		t.Errorf("release version %+v, want 2.0.0-rc.1", req.version)
	}

	req, err = m.checkRelease(releaseCall{platforms: twoPlatforms}.args())
	if err != nil {
		t.Fatal(err)
	}
	if req.builder != m || req.version == nil || req.version.Name != "1.0.0" {
		t.Errorf("without release's version: builder is the configuration %v, version %+v, want 1.0.0 from --version", req.builder == m, req.version)
	}

	m = config()
	m.Module = "github.com/mikefarah/yq/v4@v4.44.3"
	req, err = m.checkRelease(releaseCall{platforms: twoPlatforms}.args())
	if err != nil {
		t.Fatal(err)
	}
	if req.version == nil || req.version.Name != "4.44.3" {
		t.Errorf("module release version %+v, want 4.44.3", req.version)
	}
}

func TestReleaseVersionFromDescribe(t *testing.T) {
	given := &release.Version{Raw: "v3.0.0", Name: "3.0.0"}
	const rev = "abc1234def5678abc1234def5678abc1234def56"
	tests := []struct {
		name     string
		given    *release.Version
		stamp    buildopts.Stamp
		want     string
		sentinel error
		wantErr  string
	}{
		{"given wins", given, buildopts.Stamp{Version: "v1.0.0"}, "3.0.0", nil, ""},
		{"exact tag", nil, buildopts.Stamp{Version: "v1.2.3", Revision: rev}, "1.2.3", nil, ""},
		{"after a tag", nil, buildopts.Stamp{Version: "v1.2.3-4-gabc1234", Revision: rev}, "1.2.3-SNAPSHOT-abc1234", nil, ""},
		{"dirty tag uses the short commit", nil, buildopts.Stamp{Version: "v1.2.3-dirty", Revision: rev}, "1.2.3-SNAPSHOT-abc1234", nil, ""},
		{"no tag", nil, buildopts.Stamp{Version: "abc1234", Revision: rev}, "0.0.0-SNAPSHOT-abc1234", nil, ""},
		{"no git", nil, buildopts.Stamp{}, "", release.ErrVersion, "--version v1.2.3"},
		{"tag that is not a version", nil, buildopts.Stamp{Version: "nightly", Revision: rev}, "", release.ErrVersion, `"nightly"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := releaseVersion(tt.given, tt.stamp)
			errtest.Check(t, err, tt.sentinel, tt.wantErr)
			if err == nil && v.Name != tt.want {
				t.Errorf("version %q, want %q", v.Name, tt.want)
			}
		})
	}
}

func TestReleaseTime(t *testing.T) {
	explicit := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		name     string
		explicit time.Time
		commit   string
		want     time.Time
		wantErr  string
	}{
		{"source date epoch wins", explicit, "1700000000", explicit, ""},
		{"commit time", time.Time{}, "1700000000\n", time.Unix(1700000000, 0).UTC(), ""},
		{"no git: the documented fixed time", time.Time{}, "", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{"commit time zip cannot store", time.Time{}, "100", time.Time{}, "commit time"},
		{"garbled commit time", time.Time{}, "soon", time.Time{}, `"soon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := releaseTime(tt.explicit, tt.commit)
			errtest.Check(t, err, nil, tt.wantErr)
			if err == nil && !got.Equal(tt.want) {
				t.Errorf("time %v, want %v", got, tt.want)
			}
			if err == nil {
				if err := release.CheckMTime(got); err != nil {
					t.Errorf("zip cannot store %v: %v", got, err)
				}
			}
		})
	}
}

func TestTargetDir(t *testing.T) {
	for arch, want := range map[string]string{
		"linux/amd64": "linux_amd64", "linux/arm/v7": "linux_arm_v7", "linux/amd64/v3": "linux_amd64_v3",
		"windows/amd64": "windows_amd64", "darwin/arm64": "darwin_arm64",
	} {
		if got := targetDir(platform.MustParse(arch)); got != want {
			t.Errorf("targetDir(%s) = %q, want %q", arch, got, want)
		}
	}
}

// TestWriteRelease packs binaries built like the module builds them: the
// names GoReleaser gives, the archives' contents and times, the checksums
// of the files written, an SBOM of the binary's own build info, and the
// same bytes from a second run.
func TestWriteRelease(t *testing.T) {
	targets := []platform.Target{platform.MustParse("linux/amd64"), platform.MustParse("linux/arm/v7"), platform.MustParse("windows/amd64")}
	names, err := release.NewPlan(release.Options{ProjectName: "purego", Version: "1.2.3", SBOM: true}, targets)
	if err != nil {
		t.Fatal(err)
	}
	var built []builtTarget
	for _, tgt := range targets {
		dir := buildFixture(t, tgt)
		if err := verifyDir(dir, tgt, false); err != nil {
			t.Fatal(err)
		}
		bins, err := regularFiles(dir)
		if err != nil {
			t.Fatal(err)
		}
		built = append(built, builtTarget{target: tgt, dir: dir, binaries: bins})
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
		if err := writeRelease(dists[i], names, built, docsDir, docs, mtime); err != nil {
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
		"purego_1.2.3_linux_amd64.tar.gz", "purego_1.2.3_linux_amd64.tar.gz.sbom.json",
		"purego_1.2.3_linux_armv7.tar.gz", "purego_1.2.3_linux_armv7.tar.gz.sbom.json",
		"purego_1.2.3_windows_amd64.zip", "purego_1.2.3_windows_amd64.zip.sbom.json",
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
	sums, err := release.ParseChecksums(string(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != len(want)-1 {
		t.Errorf("checksums list %d files, want %d:\n%s", len(sums), len(want)-1, text)
	}
	for name, sum := range sums {
		s, err := release.SumFile(name, filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		if s.SHA256 != sum {
			t.Errorf("checksum of %s is %s, the file's is %s", name, sum, s.SHA256)
		}
	}

	doc := readSBOM(t, filepath.Join(dist, "purego_1.2.3_linux_armv7.tar.gz.sbom.json"))
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
	built := []builtTarget{{target: tgt, dir: dir, binaries: []string{"purego.exe"}}}
	if err := writeBinarySBOMs(built, time.Unix(1700000000, 0)); err != nil {
		t.Fatal(err)
	}
	doc := readSBOM(t, filepath.Join(dir, "purego.exe.sbom.json"))
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
