package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"dagger/tests/internal/dagger"
)

// packagePlatforms are the platforms of the Linux package checks, the
// issue's.
var packagePlatforms = []string{"linux/amd64", "linux/arm64", "linux/arm/v7"}

// packageFormats are every format release writes.
var packageFormats = []dagger.GoBuildLinuxPackageFormat{
	dagger.GoBuildLinuxPackageFormatDeb, dagger.GoBuildLinuxPackageFormatRpm, dagger.GoBuildLinuxPackageFormatApk,
}

// packageArches are the architecture fields each platform's packages must
// carry, per format (GoReleaser's, through nFPM).
var packageArches = map[string]map[string]string{
	"linux/amd64":  {"deb": "amd64", "rpm": "x86_64", "apk": "x86_64"},
	"linux/arm64":  {"deb": "arm64", "rpm": "aarch64", "apk": "aarch64"},
	"linux/arm/v7": {"deb": "armhf", "rpm": "armv7hl", "apk": "armv7"},
}

// packageMaintainer is the maintainer the checks give.
const packageMaintainer = "Go Build Checks <checks@go-build.invalid>"

// releaseWithPackages releases the pure-Go fixture for packagePlatforms
// with deb, rpm and apk packages, in cache namespace ns ("" for the
// default).
func (m *Tests) releaseWithPackages(ns string) *dagger.Directory {
	return m.goBuild("purego", dagger.GoBuildOpts{CacheNamespace: ns}).
		Release(dagger.GoBuildReleaseOpts{
			Platforms:         packagePlatforms,
			LinuxPackages:     packageFormats,
			PackageMaintainer: packageMaintainer,
			PackageVendor:     "go-build",
			SourceDateEpoch:   "1700000000",
		})
}

// packageName is GoReleaser's default package file name of platform in
// format: the archive's name with the format's extension.
func packageName(platform, format string) string {
	w := releaseWant{project: "purego"}
	return w.baseName(platform) + "." + format
}

// LinuxPackages releases deb, rpm and apk packages and checks them with dpkg, rpm and tar.
//
// The pure-Go fixture is released for linux/amd64, linux/arm64 and
// linux/arm/v7 with --linux-packages DEB,RPM,APK. The release must hold
// GoReleaser's package names, each package and its SBOM in the checksums
// file with its digest. The arm64 .deb is installed with dpkg -i in a
// Debian container of linux/arm64 (emulated) and its /usr/bin/purego must
// run and say linux/arm64; dpkg-deb reads each .deb's Architecture; rpm
// -qip (Debian's rpm) reads each .rpm's name, version and architecture;
// tar reads each .apk's .PKGINFO, which must name its architecture.
// +check
func (m *Tests) LinuxPackages(ctx context.Context) error {
	dist := m.releaseWithPackages("")
	files, err := exportRelease(ctx, dist)
	if err != nil {
		return err
	}
	if err := checkPackageFiles(files); err != nil {
		return err
	}
	var errs []error
	errs = append(errs, m.checkDebInstalls(ctx, dist.File(packageName("linux/arm64", "deb")), "linux/arm64"))
	errs = append(errs, m.checkPackageFields(ctx, dist))
	return errors.Join(errs...)
}

// checkPackageFiles checks the release holds, besides the archives and
// their SBOMs, a package and an SBOM per platform and format, and that the
// checksums file lists them all.
func checkPackageFiles(files map[string][]byte) error {
	w := releaseWant{project: "purego"}
	var checksummed []string
	for _, p := range packagePlatforms {
		checksummed = append(checksummed, w.archiveName(p), w.sbomName(p))
		for _, f := range []string{"deb", "rpm", "apk"} {
			checksummed = append(checksummed, packageName(p, f), packageName(p, f)+".sbom.spdx.json")
		}
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
	for _, p := range packagePlatforms {
		for _, f := range []string{"deb", "rpm", "apk"} {
			name := packageName(p, f) + ".sbom.spdx.json"
			if !bytes.Contains(files[name], []byte(`"/usr/bin/purego"`)) {
				errs = append(errs, fmt.Errorf("%s does not describe /usr/bin/purego", name))
			}
		}
	}
	return errors.Join(errs...)
}

// checkDebInstalls installs deb with dpkg -i in a Debian container of
// platform and runs the binary it installed.
func (m *Tests) checkDebInstalls(ctx context.Context, deb *dagger.File, platform string) error {
	out, err := dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(platform)}).
		From(m.RunImage).
		WithMountedFile("/tmp/purego.deb", deb).
		WithExec([]string{"dpkg", "-i", "/tmp/purego.deb"}).
		WithExec([]string{"sh", "-c", "dpkg -s purego | grep -E '^(Status|Architecture|Version|Maintainer):' && /usr/bin/purego"}).
		Stdout(ctx)
	if err != nil {
		return fmt.Errorf("dpkg -i of the %s .deb: %s", platform, errorText(err))
	}
	want := []string{"Status: install ok installed", "Architecture: arm64", "Maintainer: " + packageMaintainer, "purego linux/arm64 version=" + stampedVersion}
	for _, w := range want {
		if !strings.Contains(out, w) {
			return fmt.Errorf("the %s .deb installed with dpkg -i: output lacks %q:\n%s", platform, w, out)
		}
	}
	return nil
}

// packageFieldsScript prints, for every package in /dist, its file name,
// format, name, version and architecture as its own tool reads them:
// dpkg-deb for a deb, rpm -qip for an rpm (Name, Version, Release,
// Architecture), tar for an apk's .PKGINFO.
const packageFieldsScript = `set -eu
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rpm >/dev/null
cd /dist
for f in *.deb; do echo "$f deb $(dpkg-deb -f "$f" Package) $(dpkg-deb -f "$f" Version) $(dpkg-deb -f "$f" Architecture)"; done
for f in *.rpm; do echo "$f rpm $(rpm -qip "$f" | sed -n 's/^\(Name\|Version\|Release\|Architecture\) *: //p' | tr '\n' ' ')"; done
for f in *.apk; do echo "$f apk $(tar -xzOf "$f" .PKGINFO | sed -n 's/^pkgname = //p;s/^pkgver = //p;s/^arch = //p' | tr '\n' ' ')"; done
`

// checkPackageFields reads every package's name, version and architecture
// with the real tools, in a Debian container of this machine's platform.
func (m *Tests) checkPackageFields(ctx context.Context, dist *dagger.Directory) error {
	out, err := dag.Container().From(m.RunImage).
		WithMountedDirectory("/dist", dist).
		WithExec([]string{"sh", "-c", packageFieldsScript}).
		Stdout(ctx)
	if err != nil {
		return fmt.Errorf("reading the packages with dpkg-deb, rpm and tar: %s", errorText(err))
	}
	// 9.9.9-check is a semantic version with a prerelease, which each
	// format spells its own way.
	// An rpm has release 1 too.
	versions := map[string]string{"deb": "9.9.9~check", "rpm": "9.9.9~check 1", "apk": "9.9.9_check"}
	lines := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		name, rest, _ := strings.Cut(line, " ")
		lines[name] = strings.Join(strings.Fields(rest), " ")
	}
	var errs []error
	for _, p := range packagePlatforms {
		for _, f := range []string{"deb", "rpm", "apk"} {
			name := packageName(p, f)
			want := fmt.Sprintf("%s purego %s %s", f, versions[f], packageArches[p][f])
			if lines[name] != want {
				errs = append(errs, fmt.Errorf("%s reads as %q, want %q", name, lines[name], want))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w\n(the tools printed:\n%s)", err, out)
	}
	return nil
}

// ReproducibleLinuxPackages checks two cold releases with packages are byte-identical.
//
// The pure-Go fixture is released twice for linux/amd64, linux/arm64 and
// linux/arm/v7 with deb, rpm and apk packages, each time in a fresh cache
// namespace (random, so both builds are cold), with SOURCE_DATE_EPOCH
// 1700000000: every package, SBOM and archive, and so the checksums file,
// must be equal byte for byte.
// +check
func (m *Tests) ReproducibleLinuxPackages(ctx context.Context) error {
	var releases [2]map[string][]byte
	for i := range releases {
		nonce := make([]byte, 6)
		if _, err := rand.Read(nonce); err != nil {
			return err
		}
		files, err := exportRelease(ctx, m.releaseWithPackages("linux-packages-"+hex.EncodeToString(nonce)))
		if err != nil {
			return fmt.Errorf("release %d: %w", i+1, err)
		}
		if err := checkPackageFiles(files); err != nil {
			return fmt.Errorf("release %d: %w", i+1, err)
		}
		releases[i] = files
	}
	var errs []error
	for _, name := range sortedKeys(releases[0]) {
		if !bytes.Equal(releases[0][name], releases[1][name]) {
			errs = append(errs, fmt.Errorf("%s differs between two cold releases", name))
		}
	}
	return errors.Join(errs...)
}
