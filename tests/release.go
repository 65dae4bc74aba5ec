package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"dagger/tests/internal/dagger"
)

// releasePlatforms are the platforms the release checks build.
var releasePlatforms = []string{"linux/amd64", "linux/arm64", "linux/arm/v6", "windows/amd64", "darwin/arm64"}

// releaseVersionName is stampedVersion as release file names spell it.
const releaseVersionName = "9.9.9-check"

// noGitReleaseTime is the archive time of a source without git history and
// without sourceDateEpoch, as the fixtures are: go-build's documented
// 1980-01-01T00:00:00Z.
var noGitReleaseTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// pureGoDocs are the fixture files every pure-Go archive holds next to the
// binary.
var pureGoDocs = []string{"LICENSE", "README.md"}

// debianArches are the Debian architectures of the cgo release platforms,
// which the C packages in their SBOMs carry.
var debianArches = map[string]string{
	"linux/amd64": "amd64", "linux/arm64": "arm64", "linux/arm/v6": "armel",
	"linux/arm/v7": "armhf", "linux/ppc64le": "ppc64el", "linux/s390x": "s390x",
}

// ReleasePureGo releases the pure-Go fixture for five platforms and reads it back.
//
// The platforms are amd64, arm64, arm/v6, windows/amd64 and darwin/arm64:
// GoReleaser's names, every archive holding the binary built for its
// platform (its build info says so) with LICENSE and README.md, all
// entries at 1980-01-01 (the fixture has no git), the checksums file
// against the real SHA-256 of each file, and an SPDX SBOM per archive
// naming the fixture's main module.
// +check
func (m *Tests) ReleasePureGo(ctx context.Context) error {
	dist := m.goBuild("purego", dagger.GoBuildOpts{}).
		Release(dagger.GoBuildReleaseOpts{Platforms: releasePlatforms})
	files, err := exportRelease(ctx, dist)
	if err != nil {
		return err
	}
	return checkRelease(files, releaseWant{
		project: "purego", platforms: releasePlatforms, docs: pureGoDocs, mtime: noGitReleaseTime,
	})
}

// ReleaseCgo releases the cgo fixture for its Linux platforms and reads it back.
//
// The platforms are those of amd64, arm64 and arm/v6 in --cgo-platforms.
// Besides what release-pure-go checks, each binary must be a cgo build and
// each SBOM must list the target's C packages (libc6 and zlib1g of the
// target's Debian architecture).
// +check
func (m *Tests) ReleaseCgo(ctx context.Context) error {
	platforms := m.cgoPlatformsOf(releasePlatforms...)
	if len(platforms) == 0 {
		fmt.Printf("release-cgo: --cgo-platforms %v has none of %v; nothing released\n", m.CgoPlatforms, releasePlatforms)
		return nil
	}
	dist := m.goBuild("cgo", cgoOpts(false)).
		Release(dagger.GoBuildReleaseOpts{Platforms: platforms})
	files, err := exportRelease(ctx, dist)
	if err != nil {
		return err
	}
	return checkRelease(files, releaseWant{
		project: "cgo", platforms: platforms, mtime: noGitReleaseTime, cgo: true,
	})
}

// ReproducibleRelease checks two cold releases of one source are byte-identical.
//
// The pure-Go fixture is released twice with separate, cold caches and
// SOURCE_DATE_EPOCH 1700000000: every entry must have that time, and the
// two checksums files (so every archive and SBOM) must be equal byte for
// byte.
// +check
func (m *Tests) ReproducibleRelease(ctx context.Context) error {
	const epoch = 1700000000
	var checksums [2][]byte
	for i, ns := range []string{"release-a", "release-b"} {
		dist := m.goBuild("purego", dagger.GoBuildOpts{CacheNamespace: ns}).
			Release(dagger.GoBuildReleaseOpts{Platforms: releasePlatforms, SourceDateEpoch: fmt.Sprint(epoch)})
		files, err := exportRelease(ctx, dist)
		if err != nil {
			return fmt.Errorf("release %d: %w", i+1, err)
		}
		want := releaseWant{project: "purego", platforms: releasePlatforms, docs: pureGoDocs, mtime: time.Unix(epoch, 0).UTC()}
		if err := checkRelease(files, want); err != nil {
			return fmt.Errorf("release %d: %w", i+1, err)
		}
		checksums[i] = files[want.checksumsName()]
	}
	if !bytes.Equal(checksums[0], checksums[1]) {
		return fmt.Errorf("two releases of one source differ:\n%s\n%s", checksums[0], checksums[1])
	}
	return nil
}

// ReleaseBinariesOnly checks the bare binaries tree release returns on request.
//
// For arm64 and windows/amd64 it must be <os>_<arch>/<binary> with each
// binary's SBOM next to it, and no archive or checksums file.
// +check
func (m *Tests) ReleaseBinariesOnly(ctx context.Context) error {
	dist := m.goBuild("purego", dagger.GoBuildOpts{}).
		Release(dagger.GoBuildReleaseOpts{Platforms: []string{"linux/arm64", "windows/amd64"}, BinariesOnly: true})
	files, err := exportRelease(ctx, dist)
	if err != nil {
		return err
	}
	want := []string{
		"linux_arm64/purego", "linux_arm64/purego.sbom.spdx.json",
		"windows_amd64/purego.exe", "windows_amd64/purego.exe.sbom.spdx.json",
	}
	if got := sortedKeys(files); !slices.Equal(got, want) {
		return fmt.Errorf("the binaries tree holds %v, want %v", got, want)
	}
	for bin, platform := range map[string]string{"linux_arm64/purego": "linux/arm64", "windows_amd64/purego.exe": "windows/amd64"} {
		if err := checkBinary(bin, files[bin], "purego", platform, false); err != nil {
			return err
		}
	}
	return nil
}

// ReleaseRejectsBadInput checks release fails on bad input, naming it.
//
// A duplicate platform, cgo for windows, a name template that gives two
// platforms one archive name, a name template that loops (range), a
// SOURCE_DATE_EPOCH zip cannot store, and a LICENSE that is a symbolic
// link out of the source (absolute, or by ..) must each fail with a
// message naming the problem.
// +check
func (m *Tests) ReleaseRejectsBadInput(ctx context.Context) error {
	pure := m.goBuild("purego", dagger.GoBuildOpts{})
	fixture := dag.CurrentModule().Source().Directory("testdata/purego").WithoutFile("LICENSE")
	linked := func(target string) *dagger.GoBuild {
		return m.goBuildOf(fixture.WithSymlink(target, "LICENSE"), dagger.GoBuildOpts{})
	}
	// Without the bound, each element of each range is written: a name of
	// millions of bytes from a template of 200.
	long := `(split (replace (replace .ProjectName "" .ProjectName) "" .ProjectName) "")`
	ranging := `{{range ` + long + `}}{{range ` + long + `}}{{.}}{{end}}{{end}}`
	cases := []struct {
		name string
		dist *dagger.Directory
		want string
	}{
		{"duplicate platform", pure.Release(dagger.GoBuildReleaseOpts{Platforms: []string{"linux/arm/v7", "armv7"}}), "duplicate platform linux/arm/v7"},
		{"cgo for windows", m.goBuild("cgo", cgoOpts(false)).Release(dagger.GoBuildReleaseOpts{Platforms: []string{"linux/amd64", "windows/amd64"}}), "windows/amd64"},
		{"colliding template", pure.Release(dagger.GoBuildReleaseOpts{Platforms: []string{"linux/amd64", "linux/arm64"}, NameTemplate: "{{ .ProjectName }}_{{ .Os }}"}), "output name collision"},
		{"time before 1980", pure.Release(dagger.GoBuildReleaseOpts{Platforms: []string{"linux/amd64"}, SourceDateEpoch: "0"}), "1980"},
		{"looping template", pure.Release(dagger.GoBuildReleaseOpts{Platforms: []string{"linux/amd64"}, NameTemplate: ranging}), "range is not accepted"},
		{"license linked to an absolute path", linked("/etc/passwd").Release(dagger.GoBuildReleaseOpts{Platforms: []string{"linux/amd64"}}),
			"LICENSE -> /etc/passwd points at an absolute path, outside the source directory"},
		{"license linked out of the source", linked("../../../etc/passwd").Release(dagger.GoBuildReleaseOpts{Platforms: []string{"linux/amd64"}}),
			"LICENSE -> ../../../etc/passwd points outside the source directory"},
	}
	var errs []error
	for _, c := range cases {
		_, err := c.dist.Entries(ctx)
		if msg := errorText(err); err == nil || !strings.Contains(msg, c.want) {
			errs = append(errs, fmt.Errorf("%s: error %q, want one containing %q", c.name, msg, c.want))
		}
	}
	return errors.Join(errs...)
}

// releaseWant is what a release must hold.
type releaseWant struct {
	project   string
	platforms []string
	// docs are the files each archive holds besides the binary.
	docs  []string
	mtime time.Time
	cgo   bool
}

func (w releaseWant) prefix() string { return w.project + "_" + releaseVersionName + "_" }

func (w releaseWant) checksumsName() string { return w.prefix() + "checksums.txt" }

// archiveName is GoReleaser's default name of platform's archive:
// linux/arm/v6 is <project>_<version>_linux_armv6.tar.gz, windows gets zip.
func (w releaseWant) archiveName(platform string) string {
	if strings.HasPrefix(platform, "windows/") {
		return w.baseName(platform) + ".zip"
	}
	return w.baseName(platform) + ".tar.gz"
}

// sbomName is the archive's SBOM: its name with .sbom.spdx.json for the
// archive's extension.
func (w releaseWant) sbomName(platform string) string {
	return w.baseName(platform) + ".sbom.spdx.json"
}

// baseName is <project>_<version>_<os>_<arch>[<variant>].
func (w releaseWant) baseName(platform string) string {
	parts := strings.Split(platform, "/")
	name := w.prefix() + parts[0] + "_" + parts[1]
	if len(parts) == 3 {
		name += parts[2] // v6: armv6
	}
	return name
}

func (w releaseWant) binaryName(platform string) string {
	if strings.HasPrefix(platform, "windows/") {
		return w.project + ".exe"
	}
	return w.project
}

// exportRelease exports a release into this module's container and reads
// every file, by slash-separated path.
func exportRelease(ctx context.Context, dist *dagger.Directory) (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "release-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if _, err := dist.Export(ctx, dir); err != nil {
		return nil, fmt.Errorf("release: %s", errorText(err))
	}
	files := map[string][]byte{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	return files, err
}

// checkRelease checks the names, the checksums file, every archive and
// every SBOM of a release.
func checkRelease(files map[string][]byte, w releaseWant) error {
	var checksummed []string
	for _, p := range w.platforms {
		checksummed = append(checksummed, w.archiveName(p), w.sbomName(p))
	}
	slices.Sort(checksummed)
	want := slices.Sorted(slices.Values(append(slices.Clone(checksummed), w.checksumsName())))
	if got := sortedKeys(files); !slices.Equal(got, want) {
		return fmt.Errorf("the release holds %v, want %v", got, want)
	}
	if err := checkChecksums(files, w.checksumsName(), checksummed); err != nil {
		return err
	}
	var errs []error
	for _, p := range w.platforms {
		archive := w.archiveName(p)
		if err := checkArchive(files[archive], archive, p, w); err != nil {
			errs = append(errs, err)
		}
		if err := checkSBOM(files[w.sbomName(p)], w.sbomName(p), p, w); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkChecksums checks the checksums file lists exactly names, sorted, in
// GoReleaser's "<sha256 hex>  <name>" lines, each with the file's digest.
func checkChecksums(files map[string][]byte, name string, names []string) error {
	text := string(files[name])
	var listed []string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		digest, file, ok := strings.Cut(line, "  ")
		if !ok || len(digest) != 64 {
			return fmt.Errorf("%s: line %q is not \"<sha256 hex>  <file>\"", name, line)
		}
		sum := sha256.Sum256(files[file])
		if got := hex.EncodeToString(sum[:]); got != digest {
			return fmt.Errorf("%s lists %s as %s, its SHA-256 is %s", name, file, digest, got)
		}
		listed = append(listed, file)
	}
	if !strings.HasSuffix(text, "\n") || !slices.Equal(listed, names) {
		return fmt.Errorf("%s lists %v, want %v, sorted, each line ending in a newline:\n%s", name, listed, names, text)
	}
	return nil
}

// archiveEntry is one file read back from an archive.
type archiveEntry struct {
	data  []byte
	mtime time.Time
	mode  fs.FileMode
}

// checkArchive checks an archive holds the binary for platform and the
// docs, all at the release time, the binary executable.
func checkArchive(data []byte, name, platform string, w releaseWant) error {
	var entries map[string]archiveEntry
	var err error
	if strings.HasSuffix(name, ".zip") {
		entries, err = readZip(data)
	} else {
		entries, err = readTarGz(data)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	bin := w.binaryName(platform)
	want := slices.Sorted(slices.Values(append(slices.Clone(w.docs), bin)))
	if got := sortedKeys(entries); !slices.Equal(got, want) {
		return fmt.Errorf("%s holds %v, want %v", name, got, want)
	}
	for entry, e := range entries {
		if !e.mtime.Equal(w.mtime) {
			return fmt.Errorf("%s: %s has time %s, want %s", name, entry, e.mtime.UTC().Format(time.RFC3339), w.mtime.Format(time.RFC3339))
		}
	}
	if entries[bin].mode&0o111 == 0 {
		return fmt.Errorf("%s: %s is not executable (mode %v)", name, bin, entries[bin].mode)
	}
	return checkBinary(name+": "+bin, entries[bin].data, w.project, platform, w.cgo)
}

// checkBinary checks from a binary's build info that it is the fixture
// built for platform (GOOS, GOARCH, GOARM), with cgo or without.
func checkBinary(name string, data []byte, project, platform string, cgo bool) error {
	info, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: no Go build info: %w", name, err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	parts := strings.Split(platform, "/")
	want := map[string]string{"GOOS": parts[0], "GOARCH": parts[1], "CGO_ENABLED": "0"}
	if cgo {
		want["CGO_ENABLED"] = "1"
	}
	if len(parts) == 3 && parts[1] == "arm" {
		want["GOARM"] = strings.TrimPrefix(parts[2], "v")
	}
	for k, v := range want {
		if settings[k] != v {
			return fmt.Errorf("%s: build info has %s=%q, want %q", name, k, settings[k], v)
		}
	}
	if info.Main.Path != "example.com/"+project {
		return fmt.Errorf("%s: main module %q, want example.com/%s", name, info.Main.Path, project)
	}
	return nil
}

func readTarGz(data []byte) (map[string]archiveEntry, error) {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	entries := map[string]archiveEntry{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return entries, nil
		}
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		entries[hdr.Name] = archiveEntry{data: body, mtime: hdr.ModTime, mode: hdr.FileInfo().Mode()}
	}
}

func readZip(data []byte) (map[string]archiveEntry, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	entries := map[string]archiveEntry{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		entries[f.Name] = archiveEntry{data: body, mtime: f.Modified, mode: f.Mode()}
	}
	return entries, nil
}

// spdxDocument is the part of an SPDX 2.3 JSON document the checks read.
type spdxDocument struct {
	SPDXVersion  string `json:"spdxVersion"`
	CreationInfo struct {
		Created string `json:"created"`
	} `json:"creationInfo"`
	Packages []struct {
		Name         string `json:"name"`
		ExternalRefs []struct {
			Locator string `json:"referenceLocator"`
		} `json:"externalRefs"`
	} `json:"packages"`
}

// checkSBOM checks an archive's SBOM: SPDX 2.3, created at the release
// time, describing the binary and its main module, and for cgo the
// target's libc6 and zlib1g.
func checkSBOM(data []byte, name, platform string, w releaseWant) error {
	var doc spdxDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if doc.SPDXVersion != "SPDX-2.3" {
		return fmt.Errorf("%s: spdxVersion %q, want SPDX-2.3", name, doc.SPDXVersion)
	}
	if want := w.mtime.Format("2006-01-02T15:04:05Z"); doc.CreationInfo.Created != want {
		return fmt.Errorf("%s: created %q, want the release time %q", name, doc.CreationInfo.Created, want)
	}
	purls := map[string][]string{}
	for _, p := range doc.Packages {
		purls[p.Name] = nil
		for _, ref := range p.ExternalRefs {
			purls[p.Name] = append(purls[p.Name], ref.Locator)
		}
	}
	want := []string{w.binaryName(platform), "example.com/" + w.project}
	if w.cgo {
		want = append(want, "libc6", "zlib1g")
	}
	for _, pkg := range want {
		if _, ok := purls[pkg]; !ok {
			return fmt.Errorf("%s lists no package %s: %v", name, pkg, sortedKeys(purls))
		}
	}
	if w.cgo {
		arch := "arch=" + debianArches[platform]
		for _, pkg := range []string{"libc6", "zlib1g"} {
			if !slices.ContainsFunc(purls[pkg], func(p string) bool { return strings.HasSuffix(p, arch) }) {
				return fmt.Errorf("%s: %s has purls %v, want one for %s", name, pkg, purls[pkg], arch)
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// moduleRelease is the published module the --module release check
// releases: small, with a main package at its root.
const moduleRelease = "github.com/rakyll/hey@v0.1.4"

// ModuleReleaseTime checks a --module release is dated as the module proxy dates its version.
//
// It releases github.com/rakyll/hey@v0.1.4 for linux/amd64: every archive
// entry and the SBOM must carry the Time of the proxy's .info record of
// the version (read from --go-proxy), what a git checkout of the tag gives
// as its commit time, not 1980-01-01; and the binary must be stripped.
// +check
func (m *Tests) ModuleReleaseTime(ctx context.Context) error {
	path, version, _ := strings.Cut(moduleRelease, "@")
	infoJSON, err := dag.HTTP(m.GoProxy + "/" + path + "/@v/" + version + ".info").Contents(ctx)
	if err != nil {
		return fmt.Errorf("reading the proxy's record of %s: %w", moduleRelease, err)
	}
	var info struct{ Time time.Time }
	if err := json.Unmarshal([]byte(infoJSON), &info); err != nil || info.Time.IsZero() {
		return fmt.Errorf("the proxy's record of %s, %q, has no time: %v", moduleRelease, infoJSON, err)
	}
	dist := dag.GoBuild(dagger.GoBuildOpts{Module: moduleRelease, BuilderImage: m.BuilderImage, StripImage: m.StripImage, GoVersion: m.GoVersion}).
		Release(dagger.GoBuildReleaseOpts{Platforms: []string{"linux/amd64"}})
	files, err := exportRelease(ctx, dist)
	if err != nil {
		return err
	}
	want := info.Time.UTC()
	const archive, sbom = "hey_0.1.4_linux_amd64.tar.gz", "hey_0.1.4_linux_amd64.sbom.spdx.json"
	if _, ok := files[archive]; !ok {
		return fmt.Errorf("the release holds %v, want %s", sortedKeys(files), archive)
	}
	entries, err := readArchive(files[archive], archive)
	if err != nil {
		return err
	}
	if _, ok := entries["hey"]; !ok {
		return fmt.Errorf("%s holds %v, want hey", archive, sortedKeys(entries))
	}
	for name, e := range entries {
		if !e.mtime.Equal(want) {
			return fmt.Errorf("%s: %s has time %s, want the proxy's %s", archive, name, e.mtime.UTC().Format(time.RFC3339), want.Format(time.RFC3339))
		}
	}
	var doc spdxDocument
	if err := json.Unmarshal(files[sbom], &doc); err != nil {
		return fmt.Errorf("%s: %w", sbom, err)
	}
	if created := want.Format("2006-01-02T15:04:05Z"); doc.CreationInfo.Created != created {
		return fmt.Errorf("%s: created %q, want the proxy's %q", sbom, doc.CreationInfo.Created, created)
	}
	fmt.Printf("%s: %d entries at %s, the proxy's time of %s\n", archive, len(entries), want.Format(time.RFC3339), moduleRelease)
	return checkStripped(archive+": hey", entries["hey"].data, true)
}
