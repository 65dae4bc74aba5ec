package main

import (
	"context"
	"slices"
	"testing"

	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/linuxpkg"
	"dagger/go-build/internal/release"
)

// TestLinuxPackagesErrors covers the bad package input Release rejects
// before any container work (dag is nil here).
func TestLinuxPackagesErrors(t *testing.T) {
	all := []LinuxPackageFormat{LinuxPackageFormatDeb, LinuxPackageFormatRPM, LinuxPackageFormatAPK}
	tests := []struct {
		name      string
		platforms []string
		project   string
		binaries  bool
		pkgs      linuxPackageArgs
		sentinel  error
		wantErr   string
	}{
		{"unknown format", twoPlatforms, "", false, linuxPackageArgs{formats: []LinuxPackageFormat{"MSI"}}, linuxpkg.ErrFormat, `"MSI"`},
		{"no Linux platform", []string{"darwin/arm64,windows/amd64"}, "", false, linuxPackageArgs{formats: all}, linuxpkg.ErrNoLinux, "darwin/arm64,windows/amd64"},
		{"apk of arm/v5", []string{"linux/arm/v5"}, "", false, linuxPackageArgs{formats: all}, linuxpkg.ErrArch, "linux/arm/v5"},
		{"package name dpkg refuses", twoPlatforms, "MyApp", false, linuxPackageArgs{formats: all}, linuxpkg.ErrMetadata, `"MyApp"`},
		{"binaries tree", twoPlatforms, "", true, linuxPackageArgs{formats: all}, nil, "binariesOnly writes no packages"},
		{"maintainer without an address", twoPlatforms, "", false, linuxPackageArgs{formats: all, meta: linuxpkg.Metadata{Maintainer: "Jane"}}, linuxpkg.ErrMetadata, `packageMaintainer "Jane"`},
		{"homepage without a scheme", twoPlatforms, "", false, linuxPackageArgs{formats: all, meta: linuxpkg.Metadata{Homepage: "example.com"}}, linuxpkg.ErrMetadata, "packageHomepage"},
		{"metadata without packages", twoPlatforms, "", false, linuxPackageArgs{meta: linuxpkg.Metadata{License: "MIT"}}, nil, "give linuxPackages too"},

		{"the issue's packages", []string{"linux/amd64,linux/arm64,linux/arm/v7"}, "", false, linuxPackageArgs{formats: all}, nil, ""},
		{"all leaves out what apk cannot hold", []string{"all"}, "", false, linuxPackageArgs{formats: all}, nil, ""},
		{"packages beside other systems' archives", []string{"linux/amd64,darwin/arm64"}, "app", false,
			linuxPackageArgs{formats: []LinuxPackageFormat{LinuxPackageFormatRPM}, meta: linuxpkg.Metadata{Maintainer: "Jane <jane@example.com>", Homepage: "https://example.com"}}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := releaseArgs{platforms: tt.platforms, projectName: tt.project, binariesOnly: tt.binaries, sbom: true, packages: tt.pkgs}
			req, err := config().checkRelease(args)
			errtest.Check(t, err, tt.sentinel, tt.wantErr)
			if err == nil && len(tt.pkgs.formats) > 0 && len(req.packages.formats) == 0 {
				t.Errorf("no formats kept from %v", tt.pkgs.formats)
			}
		})
	}
}

// TestReleaseRejectsPackagesBeforeContainerWork calls Release itself.
func TestReleaseRejectsPackagesBeforeContainerWork(t *testing.T) {
	_, err := config().Release(context.Background(), []string{"windows/amd64"}, "", "", "", "", false, true, "",
		[]LinuxPackageFormat{LinuxPackageFormatDeb}, "", "", "", "", "")
	errtest.Check(t, err, linuxpkg.ErrNoLinux, "windows/amd64")
}

// TestPlanLinuxPackages names the packages with the release and adds them
// to the checksummed files; the defaults come from --module's path.
func TestPlanLinuxPackages(t *testing.T) {
	m := config()
	m.Module = "github.com/mikefarah/yq/v4@v4.44.3"
	req, err := m.checkRelease(releaseArgs{platforms: []string{"linux/arm64,linux/arm/v7,windows/amd64"}, sbom: true,
		packages: linuxPackageArgs{formats: []LinuxPackageFormat{LinuxPackageFormatAPK, LinuxPackageFormatDeb}}})
	if err != nil {
		t.Fatal(err)
	}
	names, err := release.NewPlan(release.Options{ProjectName: "yq", Version: "4.44.3", SBOM: true}, req.targets)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.planLinuxPackages(context.Background(), nil, &req, &names); err != nil {
		t.Fatal(err)
	}
	want := []string{"yq_4.44.3_linux_arm64.deb", "yq_4.44.3_linux_arm64.deb.sbom.spdx.json", "yq_4.44.3_linux_arm64.apk", "yq_4.44.3_linux_arm64.apk.sbom.spdx.json",
		"yq_4.44.3_linux_armv7.deb", "yq_4.44.3_linux_armv7.deb.sbom.spdx.json", "yq_4.44.3_linux_armv7.apk", "yq_4.44.3_linux_armv7.apk.sbom.spdx.json"}
	if got := req.packages.plan.Files(); !slices.Equal(got, want) {
		t.Errorf("package files %q, want %q", got, want)
	}
	if got := len(names.Checksummed()); got != 6+len(want) {
		t.Errorf("checksummed %d files, want %d: %q", got, 6+len(want), names.Checksummed())
	}
	if req.packages.meta.Homepage != "https://github.com/mikefarah/yq" || req.packages.meta.Maintainer != linuxpkg.DefaultMaintainer {
		t.Errorf("metadata defaults %+v", req.packages.meta)
	}
}
