package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/fanout"
	"dagger/go-build/internal/gomodule"
	"dagger/go-build/internal/linuxpkg"
	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/release"
)

// A release goes GoReleaser's way, one step per concern: check the
// arguments and plan every output name, build all platforms, verify, write
// the SBOMs, pack the archives, checksum them. Nothing is packed until every
// platform has built and verified, so a failure leaves no partial dist.

// allPlatforms is the platforms value that means every platform the
// configuration builds.
const allPlatforms = "all"

// ArchiveFormat is the archive format of a release.
type ArchiveFormat string

const (
	// A gzip-compressed tar archive, .tar.gz.
	ArchiveFormatTarGz ArchiveFormat = "TAR_GZ"
	// A zip archive, .zip.
	ArchiveFormatZip ArchiveFormat = "ZIP"
)

// archiveFormats spells each format as internal/release does; an unknown
// value passes through, so ParseFormat's error names it.
var archiveFormats = map[ArchiveFormat]string{ArchiveFormatTarGz: "tar.gz", ArchiveFormatZip: "zip"}

// Release builds every platform's binaries and packs them into archives with checksums and SBOMs.
//
// The result is a dist directory as GoReleaser names it, for
// `export --path dist`: <project>_<version>_<os>_<arch>[v<variant>].tar.gz
// (.zip for windows) holding the binaries, named as go build names them,
// and the source root's LICENSE*, README* and CHANGELOG* files; an SPDX
// 2.3 JSON SBOM per archive (<project>_<version>_<os>_<arch>.sbom.spdx.json); and
// <project>_<version>_checksums.txt (SHA-256, GoReleaser's format).
// Pure-Go platforms compile side by side in one exec (cgo ones each in
// their own container), sharing the build cache; every binary is stripped
// and verified before anything is packed, and one
// platform failing fails the release. Archives are reproducible: every
// entry has the source time (sourceDateEpoch, else the commit time; for a
// --module, its version's time from the module proxy), so the same commit
// gives the same bytes and checksums. With linuxPackages, it also writes
// deb, rpm and apk packages of the Linux platforms (see
// docs/linux-packages.md). After with-signing-key, cosign signs the
// checksums file: <checksums>.sig and <checksums>.bundle.
func (m *GoBuild) Release(
	ctx context.Context,
	// Target platforms, as for build (e.g.
	// linux/amd64,linux/arm64,linux/arm/v7,darwin/arm64,windows/amd64), or
	// all: every platform the platforms function lists that this
	// configuration builds (with cgo, the Linux ones the builder image has C
	// libraries for; with EMULATE, the Linux ones). Default:
	// linux/amd64,linux/arm64.
	// +default=["linux/amd64","linux/arm64"]
	platforms []string,
	// Project name that starts every file name. Default: the Go module's
	// name, the last element of its path (before a /vN suffix), e.g. yq for
	// github.com/mikefarah/yq/v4.
	// +optional
	projectName string,
	// Version of the release, a semantic version such as v1.2.3: named in
	// the files without its v, and stamped into main.version in place of
	// the constructor's --version. Default: the constructor's --version,
	// else the --module's version, else git describe of the source (a
	// commit after a tag or uncommitted changes give a GoReleaser snapshot
	// version, 1.2.3-SNAPSHOT-abc1234).
	// +optional
	version string,
	// Archive name without its extension, a GoReleaser name template (Go
	// text/template with .ProjectName, .Version, .Os, .Arch, .Arm, .Amd64,
	// .Mips, .Target...), e.g. '{{ .ProjectName }}-{{ .Os }}-{{ .Arch }}'.
	// Default: GoReleaser's,
	// {{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }} plus the
	// variant. It must give every platform its own name.
	// +optional
	nameTemplate string,
	// Archive format of every platform: TAR_GZ or ZIP. Default: zip for
	// windows, tar.gz for the others.
	// +optional
	format ArchiveFormat,
	// Return the verified binaries as a tree <os>_<arch>[_<variant>]/<binary>
	// (linux_arm_v7/app, windows_amd64/app.exe) instead of archives and
	// checksums; with sbom, each binary's SBOM is next to it as
	// <binary>.sbom.spdx.json.
	// +optional
	binariesOnly bool,
	// Write an SPDX 2.3 JSON SBOM per archive from its binaries' own build
	// info; with cgo it also lists the target's C packages.
	// +default=true
	sbom bool,
	// Unix time of every archive entry and of the SBOMs
	// (SOURCE_DATE_EPOCH), 1980 or later, e.g. 1735689600. Default: the
	// source's commit time (for --module, the version's time in the module
	// proxy's .info record), else 1980-01-01T00:00:00Z.
	// +optional
	sourceDateEpoch string,
	// Linux packages to write for every Linux platform, next to its
	// archive, named as GoReleaser's nfpm step names them
	// (<project>_<version>_linux_<arch>[v<variant>].deb) with the binaries
	// in /usr/bin: DEB, RPM and/or APK, e.g. --linux-packages DEB,RPM,APK.
	// Each is listed in the checksums file and, with sbom, has an SBOM
	// <package>.sbom.spdx.json. Default: none.
	// +optional
	linuxPackages []LinuxPackageFormat,
	// Maintainer of the Linux packages, "Name <email>", e.g. "Jane Doe
	// <jane@example.com>". Default: "Unset Maintainer <unset@localhost>",
	// nFPM's placeholder.
	// +optional
	packageMaintainer string,
	// Description of the Linux packages, one line. Default: "<project>,
	// built from the Go module <module path>".
	// +optional
	packageDescription string,
	// Homepage of the Linux packages, an http(s) URL. Default: https:// and
	// the module path without its /vN suffix, e.g.
	// https://github.com/mikefarah/yq for github.com/mikefarah/yq/v4 (none
	// for a path with no host).
	// +optional
	packageHomepage string,
	// License of the Linux packages, an SPDX expression such as MIT or
	// Apache-2.0. Default: the one the source root's LICENSE file names
	// (its SPDX-License-Identifier, or Apache-2.0, MPL-2.0, BSD-3-Clause,
	// BSD-2-Clause, MIT, ISC, 0BSD or Unlicense recognized by its text),
	// else none.
	// +optional
	packageLicense string,
	// Vendor of the Linux packages (rpm's Vendor tag), e.g. "ACME Inc.".
	// Default: none.
	// +optional
	packageVendor string,
) (*dagger.Directory, error) {
	if err := m.requireSource("release"); err != nil {
		return nil, err
	}
	if err := m.Signing.checkRelease(binariesOnly); err != nil {
		return nil, err
	}
	req, err := m.checkRelease(releaseArgs{
		platforms: platforms, projectName: projectName, version: version,
		nameTemplate: nameTemplate, format: string(format), binariesOnly: binariesOnly,
		sbom: sbom, sourceDateEpoch: sourceDateEpoch,
		packages: linuxPackageArgs{formats: linuxPackages, meta: linuxpkg.Metadata{
			Maintainer: packageMaintainer, Description: packageDescription, Homepage: packageHomepage,
			License: packageLicense, Vendor: packageVendor,
		}},
	})
	if err != nil {
		return nil, err
	}
	return req.builder.runRelease(ctx, req)
}

// releaseArgs are Release's arguments as given.
type releaseArgs struct {
	platforms                                                   []string
	projectName, version, nameTemplate, format, sourceDateEpoch string
	binariesOnly, sbom                                          bool
	packages                                                    linuxPackageArgs
}

// releaseRequest is a release checked before any container work.
type releaseRequest struct {
	// builder is the configuration that builds: the receiver, or a copy
	// stamping release's own --version.
	builder *GoBuild
	targets []platform.Target
	// all is set when the targets are every platform the configuration
	// builds: the builder image may still rule some cgo targets out.
	all bool
	// options name the outputs; ProjectName and Version are filled in
	// from the source when not given.
	options release.Options
	// version is nil when it comes from git describe of the source.
	version      *release.Version
	binariesOnly bool
	// mtime is the zero time when it comes from the source.
	mtime time.Time
	// packages are the Linux packages to write (packages.go).
	packages linuxPackages
}

// checkRelease checks everything it can before any container work: the
// platforms and their combination with the configuration, the names, the
// version given, the format, that the name template gives every platform
// its own archive, and the time.
func (m *GoBuild) checkRelease(a releaseArgs) (releaseRequest, error) {
	req := releaseRequest{builder: m, binariesOnly: a.binariesOnly}
	var errs []error
	var err error
	req.targets, req.all, err = m.releaseTargets(a.platforms)
	errs = append(errs, err)
	if a.projectName != "" {
		errs = append(errs, release.CheckName("project name", a.projectName))
	}
	req.version, err = m.explicitReleaseVersion(a.version, a.binariesOnly)
	errs = append(errs, err)
	if a.version != "" && req.version != nil && req.version.Raw != m.Version {
		stamped := *m
		stamped.Version = req.version.Raw
		req.builder = &stamped
	}
	if a.binariesOnly && (a.format != "" || a.nameTemplate != "") {
		errs = append(errs, fmt.Errorf("binariesOnly writes no archives: format %q and nameTemplate %q name archives; drop them or binariesOnly", a.format, a.nameTemplate))
	}
	req.options = release.Options{ProjectName: a.projectName, NameTemplate: a.nameTemplate, SBOM: a.sbom}
	if a.format != "" {
		spelled, ok := archiveFormats[ArchiveFormat(a.format)]
		if !ok {
			spelled = a.format
		}
		req.options.Format, err = release.ParseFormat(spelled)
		errs = append(errs, err)
	}
	if a.sourceDateEpoch != "" {
		req.mtime, err = release.ParseSourceDateEpoch(a.sourceDateEpoch)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return releaseRequest{}, err
	}
	if !a.binariesOnly {
		// The real project name and version may only be known from the
		// source: stand-ins show a template that cannot tell the
		// platforms apart now.
		trial := req.trialOptions()
		if _, err := release.NewPlan(trial, req.targets); err != nil {
			if trial.ProjectName != a.projectName || req.version == nil {
				err = fmt.Errorf("%w\n(checked with the stand-ins %q for the project name and %q for the version, which come from the source later)", err, trial.ProjectName, trial.Version)
			}
			return releaseRequest{}, err
		}
	}
	req.packages, err = checkLinuxPackages(a.packages, req)
	if err != nil {
		return releaseRequest{}, err
	}
	return req, nil
}

// trialOptions are the options with stand-ins for a project name and
// version still to be read from the source.
func (req releaseRequest) trialOptions() release.Options {
	opts := req.options
	if opts.ProjectName == "" {
		opts.ProjectName = "project"
	}
	opts.Version = "0.0.0"
	if req.version != nil {
		opts.Version = req.version.Name
	}
	return opts
}

// releaseTargets parses the platforms, each item possibly a
// comma-separated list, or "all" alone, and checks each against the
// configuration. It reports whether they are all.
func (m *GoBuild) releaseTargets(items []string) ([]platform.Target, bool, error) {
	var entries []string
	for _, item := range items {
		for _, e := range strings.Split(item, ",") {
			if e = strings.TrimSpace(e); e != "" {
				entries = append(entries, e)
			}
		}
	}
	for _, e := range entries {
		if strings.EqualFold(e, allPlatforms) {
			if len(entries) > 1 {
				return nil, false, fmt.Errorf("platforms %q: %s means every platform and stands alone; give it alone or list the platforms", strings.Join(entries, ","), allPlatforms)
			}
			return m.buildablePlatforms(), true, nil
		}
	}
	targets, err := platform.ParseList(entries)
	if errors.Is(err, platform.ErrEmpty) {
		return nil, false, fmt.Errorf("%w to release: name platforms such as linux/amd64,linux/arm64, or %s", err, allPlatforms)
	}
	if err != nil {
		return nil, false, err
	}
	var errs []error
	for _, t := range targets {
		errs = append(errs, m.checkTarget(t))
	}
	return targets, false, errors.Join(errs...)
}

// buildablePlatforms are the supported platforms the configuration can
// build, in Supported's order: every one for pure Go, the Linux ones cgo
// supports with cgo, the Linux ones under EMULATE.
func (m *GoBuild) buildablePlatforms() []platform.Target {
	var targets []platform.Target
	for _, s := range platform.Supported() {
		if t := platform.MustParse(s); m.checkTarget(t) == nil {
			targets = append(targets, t)
		}
	}
	return targets
}

// explicitReleaseVersion is the version given: release's own, else the
// constructor's --version, else the version of --module; nil when it is
// to come from git describe. A binaries tree names no version: only
// release's own, which is stamped, is read then.
func (m *GoBuild) explicitReleaseVersion(version string, binariesOnly bool) (*release.Version, error) {
	var raw, from string
	switch {
	case version != "":
		raw, from = version, "version"
	case binariesOnly:
		return nil, nil
	case m.Version != "":
		raw, from = m.Version, "the release version defaults to the constructor's --version (give release a --version of its own)"
	case m.Module != "":
		spec, err := gomodule.ParseSpec(m.Module)
		if err != nil {
			return nil, err
		}
		raw, from = spec.Version, "the version of module "+m.Module
	default:
		return nil, nil
	}
	v, err := release.ParseVersion(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	return &v, nil
}

// runRelease runs a checked release: it plans the names, builds and
// verifies every platform, then writes the SBOMs, archives and checksums.
func (m *GoBuild) runRelease(ctx context.Context, req releaseRequest) (*dagger.Directory, error) {
	if req.all && m.Cgo {
		var err error
		if req.targets, err = m.cgoBuilderTargets(ctx, req.targets); err != nil {
			return nil, err
		}
	}
	// The signing key is opened while the release builds.
	keyChecked := m.Signing.startKeyCheck(ctx)
	plan, err := m.plan(ctx, req.targets)
	if err != nil {
		return nil, err
	}
	// The stamp names the release, so it is read before anything builds.
	if err := plan.stampRead(); err != nil {
		return nil, err
	}
	mtime, err := release.Time(req.mtime, plan.commitTS)
	if err != nil {
		return nil, err
	}
	var names release.Plan
	if !req.binariesOnly {
		if names, err = m.releasePlan(ctx, plan, &req); err != nil {
			return nil, err
		}
	}
	// A fresh directory under the working directory, which the result is
	// loaded from.
	rel, err := os.MkdirTemp(".", "release-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(rel)
	if req.binariesOnly {
		err = plan.writeBinariesTree(ctx, req, rel, mtime)
	} else {
		err = plan.writeArchives(ctx, req, names, rel, mtime)
	}
	if err := errors.Join(err, keyChecked()); err != nil {
		return nil, err
	}
	if m.Signing != nil && !req.binariesOnly {
		if err := m.Signing.signChecksums(ctx, filepath.Join(rel, "dist"), names.Checksums); err != nil {
			return nil, err
		}
	}
	return workdirDirectory(ctx, filepath.Join(rel, "dist"), mtime)
}

// writeBinariesTree builds every target and exports its verified binaries
// into work/dist/<os>_<arch>[_<variant>], each with its SBOM when asked.
func (p *buildPlan) writeBinariesTree(ctx context.Context, req releaseRequest, work string, mtime time.Time) error {
	dist, err := filepath.Abs(filepath.Join(work, "dist"))
	if err != nil {
		return err
	}
	built, err := p.buildRelease(ctx, req.targets, dist, req.options.SBOM)
	if err != nil || !req.options.SBOM {
		return err
	}
	return release.WriteBinarySBOMs(built, mtime)
}

// writeArchives exports the source's docs into work/docs, builds every
// target into work/bin, and writes the SBOMs, archives and checksums file
// named by names into work/dist.
func (p *buildPlan) writeArchives(ctx context.Context, req releaseRequest, names release.Plan, work string, mtime time.Time) error {
	// The engine exports to absolute paths.
	dir, err := filepath.Abs(work)
	if err != nil {
		return err
	}
	// The docs first: a symbolic link among them that is refused fails
	// the release before anything builds.
	docsDir := filepath.Join(dir, "docs")
	docs, err := exportDocs(ctx, p.moduleDir(), docsDir)
	if err != nil {
		return err
	}
	built, err := p.buildRelease(ctx, req.targets, filepath.Join(dir, "bin"), req.options.SBOM)
	if err != nil {
		return err
	}
	dist := filepath.Join(dir, "dist")
	if err := os.Mkdir(dist, 0o755); err != nil {
		return err
	}
	if err := writeLinuxPackages(req.packages, dist, built, docsDir, docs, mtime); err != nil {
		return err
	}
	return release.WriteDist(dist, names, built, docsDir, docs, mtime)
}

// cgoBuilderTargets keeps those of targets the builder image can install C
// libraries for (Debian bookworm has no riscv64 port, Debian none for
// loong64...), so that all with cgo means what can be built.
func (m *GoBuild) cgoBuilderTargets(ctx context.Context, targets []platform.Target) ([]platform.Target, error) {
	if m.Mode != BuildModeCross {
		return targets, nil
	}
	native, err := m.nativeTarget(ctx)
	if err != nil {
		return nil, err
	}
	b, err := m.detectBuilder(ctx, m.builder(native))
	if err != nil {
		return nil, err
	}
	var kept []platform.Target
	for _, t := range targets {
		if b.Check(t) == nil {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("platforms %s: builder %s (%s %s) can cross-compile cgo for none of them", allPlatforms, m.builderName(), b.Distro, b.Suite)
	}
	return kept, nil
}

// releasePlan names every output, now that the project name and version
// can be read from the source, the Linux packages into req.packages.
func (m *GoBuild) releasePlan(ctx context.Context, plan *buildPlan, req *releaseRequest) (release.Plan, error) {
	opts := req.options
	if opts.ProjectName == "" {
		name, err := m.defaultProjectName(ctx, plan.src)
		if err != nil {
			return release.Plan{}, err
		}
		opts.ProjectName = name
	}
	v, err := release.VersionOrDescribe(req.version, plan.stamp.Version, plan.stamp.Revision)
	if err != nil {
		return release.Plan{}, err
	}
	opts.Version = v.Name
	names, err := release.NewPlan(opts, req.targets)
	if err != nil {
		return release.Plan{}, err
	}
	return names, m.planLinuxPackages(ctx, plan.src, req, &names)
}

// defaultProjectName is the name of the Go module built: of --module, else
// of the source's go.mod.
func (m *GoBuild) defaultProjectName(ctx context.Context, src *dagger.Directory) (string, error) {
	modulePath, err := m.modulePath(ctx, src)
	if err != nil {
		return "", fmt.Errorf("%v (or give projectName)", err)
	}
	return release.ProjectName(modulePath)
}

// modulePath is the path of the Go module built: of --module, else the
// one source discovery found, else of the source's go.mod.
func (m *GoBuild) modulePath(ctx context.Context, src *dagger.Directory) (string, error) {
	if m.Module != "" {
		spec, err := gomodule.ParseSpec(m.Module)
		if err != nil {
			return "", err
		}
		return spec.Path, nil
	}
	if m.SourceModulePath != "" {
		return m.SourceModulePath, nil
	}
	goMod, err := src.File("go.mod").Contents(ctx)
	if err != nil {
		return "", fmt.Errorf("reading the source's go.mod for the module path: %v", withStderr(err))
	}
	modulePath := modfile.ModulePath([]byte(goMod))
	if modulePath == "" {
		return "", fmt.Errorf("the source's go.mod has no module line")
	}
	return modulePath, nil
}

// buildRelease builds every target concurrently (bounded by
// maxParallelPlatforms; the first failure cancels the rest), exporting each
// target's verified binaries into root/<os>_<arch>[_<variant>]. With
// withSBOM, a cgo build also lists the target's C packages.
func (p *buildPlan) buildRelease(ctx context.Context, targets []platform.Target, root string, withSBOM bool) ([]release.Built, error) {
	if err := p.compileShared(); err != nil {
		return nil, err
	}
	built := make([]release.Built, len(targets))
	err := forEachTarget(ctx, targets, fanout.FirstErrorCancels, func(ctx context.Context, i int, t platform.Target) error {
		b, err := p.buildReleaseTarget(ctx, t, filepath.Join(root, targetDir(t)), withSBOM)
		if err != nil {
			// %v, not %w: see withStderr on errors that unwrap to
			// the engine's.
			return fmt.Errorf("release for %s failed: %v", t, err)
		}
		built[i] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	return built, nil
}

// buildReleaseTarget builds and strips t's binaries, exports them into dir
// and verifies the exported files. With cPackages, a cgo build also lists
// the C packages of t's builder (targetCPackages).
func (p *buildPlan) buildReleaseTarget(ctx context.Context, t platform.Target, dir string, cPackages bool) (release.Built, error) {
	bins, err := p.stripped(ctx, t)
	if err != nil {
		return release.Built{}, err
	}
	names, err := exportVerified(ctx, bins, t, p.m.rules(), dir)
	if err != nil {
		return release.Built{}, err
	}
	b := release.Built{Target: t, Dir: dir, Binaries: names}
	if cPackages {
		b.CPackages, err = p.targetCPackages(ctx, t)
	}
	return b, err
}

// targetDir is the directory of t's binaries in the binaries tree:
// <os>_<arch>[_<variant>], as release.BinaryPath names it.
func targetDir(t platform.Target) string {
	return path.Dir(release.BinaryPath(t, "binary"))
}

// exportDocs exports the source root's license, readme and changelog files
// (GoReleaser's default archive files) into dir and returns their paths
// relative to it, slash-separated and sorted, as release.DefaultFiles
// picks them. A symbolic link among them is followed only to a regular
// file inside the source directory (release.ResolveDocLink, then
// followDocLink), whose contents replace the link in dir; any other link
// fails the release naming it, so no file outside the source, such as
// one of this module's container, ever reaches an archive.
func exportDocs(ctx context.Context, src *dagger.Directory, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	picked := src.Filter(dagger.DirectoryFilterOpts{Include: release.DefaultFilePatterns})
	if _, err := picked.Export(ctx, dir); err != nil {
		return nil, fmt.Errorf("exporting the source's license, readme and changelog files: %v", withStderr(err))
	}
	var paths, links []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		// WalkDir does not follow links: a link to a directory is a link
		// here too. Other special files are left out.
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			links = append(links, filepath.ToSlash(rel))
		case d.Type().IsRegular():
			paths = append(paths, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, link := range links {
		err := followDocLink(ctx, src, dir, link)
		if err == nil {
			paths = append(paths, link)
		}
		errs = append(errs, err)
	}
	if err := release.DocLinksError(errs); err != nil {
		return nil, fmt.Errorf("release: %v", err)
	}
	return release.DefaultFiles(paths), nil
}

// followDocLink replaces the symbolic link at link (slash-separated,
// relative to dir, where src's docs were exported) with the contents of
// the file it points at in src, when that is a regular file inside src
// reached through directories alone; otherwise it fails naming the link,
// its target and what it points at. The link itself is never read
// through: only its text, and the file from src.
func followDocLink(ctx context.Context, src *dagger.Directory, dir, link string) error {
	p := filepath.Join(dir, filepath.FromSlash(link))
	target, err := os.Readlink(p)
	if err != nil {
		return err
	}
	resolved, err := release.ResolveDocLink(link, target)
	if err != nil {
		return err
	}
	elems := strings.Split(resolved, "/")
	for i := range elems {
		sub := strings.Join(elems[:i+1], "/")
		last := i == len(elems)-1
		ft, err := src.Stat(sub, dagger.DirectoryStatOpts{DoNotFollowSymlinks: true}).FileType(ctx)
		switch {
		case err != nil:
			return release.DocLinkTargetError(link, target, fmt.Sprintf("%s, which is not in the source", sub))
		case last && ft == dagger.FileTypeRegular, !last && ft == dagger.FileTypeDirectory:
			continue
		case ft == dagger.FileTypeSymlink:
			return release.DocLinkTargetError(link, target, fmt.Sprintf("%s, another symbolic link (links are followed once)", sub))
		case last && ft == dagger.FileTypeDirectory:
			return release.DocLinkTargetError(link, target, fmt.Sprintf("%s, a directory", sub))
		default:
			return release.DocLinkTargetError(link, target, fmt.Sprintf("%s, of file type %s", sub, ft))
		}
	}
	if err := os.Remove(p); err != nil {
		return err
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return err
	}
	if _, err := src.File(resolved).Export(ctx, abs); err != nil {
		return fmt.Errorf("exporting %s, the target of %s: %v", resolved, link, withStderr(err))
	}
	if info, err := os.Lstat(p); err != nil || !info.Mode().IsRegular() {
		return release.DocLinkTargetError(link, target, resolved+", which did not export as a regular file")
	}
	return nil
}

// workdirDirectory loads the directory rel this process wrote into its
// working directory, with every timestamp at mtime, and syncs it so it is
// loaded while still on disk.
var workdirDirectory = func(ctx context.Context, rel string, mtime time.Time) (*dagger.Directory, error) {
	return dag.CurrentModule().Workdir(rel).WithTimestamps(int(mtime.Unix())).Sync(ctx)
}
