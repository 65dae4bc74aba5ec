package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"time"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/linuxpkg"
	"dagger/go-build/internal/release"
)

// Release's Linux packages: deb, rpm and apk packages of each Linux
// platform's binaries, written by nFPM next to the archives, named as
// GoReleaser's nfpm step names them, listed in the checksums file and each
// with its SBOM. The pure parts are internal/linuxpkg; this file plans them
// with the release and writes them once the binaries are verified.

// LinuxPackageFormat is a Linux package format release can write.
type LinuxPackageFormat string

const (
	// A Debian package, .deb (Debian, Ubuntu: dpkg, apt).
	LinuxPackageFormatDeb LinuxPackageFormat = "DEB"
	// An RPM package, .rpm (Fedora, RHEL, openSUSE: rpm, dnf, zypper).
	LinuxPackageFormatRPM LinuxPackageFormat = "RPM"
	// An Alpine package, .apk (apk).
	LinuxPackageFormatAPK LinuxPackageFormat = "APK"
)

// linuxPackageFormats spells each format as internal/linuxpkg does; an
// unknown value passes through, so ParseFormats' error names it.
var linuxPackageFormats = map[LinuxPackageFormat]string{
	LinuxPackageFormatDeb: string(linuxpkg.Deb),
	LinuxPackageFormatRPM: string(linuxpkg.RPM),
	LinuxPackageFormatAPK: string(linuxpkg.APK),
}

// linuxPackageArgs are Release's package arguments as given.
type linuxPackageArgs struct {
	formats []LinuxPackageFormat
	meta    linuxpkg.Metadata
}

// linuxPackages is the checked package part of a release.
type linuxPackages struct {
	formats []linuxpkg.Format
	// meta are the fields given; releasePlan fills in the defaults from
	// the module, writeLinuxPackages the license from its LICENSE file.
	meta linuxpkg.Metadata
	// plan names the packages, once the project name and version are
	// known (releasePlan).
	plan linuxpkg.Plan
}

// checkLinuxPackages checks the package arguments before any container
// work: the formats, the metadata, that the release writes archives, and
// that every platform listed has an architecture in every format (with
// platforms all, those that have none are left out instead).
func checkLinuxPackages(a linuxPackageArgs, req releaseRequest) (linuxPackages, error) {
	var spelled []string
	for _, f := range a.formats {
		s, ok := linuxPackageFormats[f]
		if !ok {
			s = string(f)
		}
		spelled = append(spelled, s)
	}
	formats, err := linuxpkg.ParseFormats(spelled)
	if err != nil {
		return linuxPackages{}, err
	}
	given := a.meta != linuxpkg.Metadata{}
	if len(formats) == 0 {
		if given {
			return linuxPackages{}, fmt.Errorf("the package options (packageMaintainer, packageDescription, packageHomepage, packageLicense, packageVendor) describe Linux packages: give linuxPackages too, e.g. --linux-packages DEB,RPM,APK")
		}
		return linuxPackages{}, nil
	}
	if req.binariesOnly {
		return linuxPackages{}, fmt.Errorf("binariesOnly writes no packages: linuxPackages %v need the archives' release; drop one of them", a.formats)
	}
	var errs []error
	errs = append(errs, a.meta.Check())
	// The names are checked again with the real project name and version.
	trial := req.trialOptions()
	_, err = linuxpkg.NewPlan(linuxpkg.Options{Name: trial.ProjectName, Version: trial.Version, Formats: formats}, req.targets, req.all)
	errs = append(errs, err)
	return linuxPackages{formats: formats, meta: a.meta}, errors.Join(errs...)
}

// planLinuxPackages names the packages of req's release, whose other
// outputs names has named, adds them to its checksummed files and fills in
// the metadata defaults from the module.
func (m *GoBuild) planLinuxPackages(ctx context.Context, src *dagger.Directory, req *releaseRequest, names *release.Plan) error {
	pkgs := &req.packages
	if len(pkgs.formats) == 0 {
		return nil
	}
	plan, err := linuxpkg.NewPlan(linuxpkg.Options{
		Name: names.ProjectName, Version: names.Version, Formats: pkgs.formats, SBOM: req.options.SBOM,
	}, req.targets, req.all)
	if err != nil {
		return err
	}
	if err := names.AddFiles("Linux package", plan.Files()); err != nil {
		return err
	}
	modulePath, err := m.modulePath(ctx, src)
	if err != nil {
		return err
	}
	pkgs.plan = plan
	pkgs.meta = pkgs.meta.WithDefaults(names.ProjectName, modulePath, "")
	return nil
}

// writeLinuxPackages writes the planned packages of built into dist, with
// the license read from the source's LICENSE file (among docs, exported
// into docsDir) unless one was given.
func writeLinuxPackages(pkgs linuxPackages, dist string, built []release.Built, docsDir string, docs []string, mtime time.Time) error {
	if len(pkgs.plan.Outputs) == 0 {
		return nil
	}
	meta := pkgs.meta
	if meta.License == "" {
		for _, d := range docs {
			if path.Dir(d) == "." && linuxpkg.IsLicenseFile(d) {
				text, err := os.ReadFile(filepath.Join(docsDir, d))
				if err != nil {
					return err
				}
				if meta.License = linuxpkg.DetectLicense(string(text)); meta.License != "" {
					break
				}
			}
		}
	}
	return linuxpkg.Write(dist, pkgs.plan, built, meta, mtime)
}
