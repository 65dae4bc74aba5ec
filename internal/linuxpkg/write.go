package linuxpkg

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/apk" // registers the apk packager
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager

	"dagger/go-build/internal/release"
	"dagger/go-build/internal/sbom"
)

// buildHost is the rpm build host: nFPM's default is os.Hostname(), which
// differs between machines and runs.
const buildHost = "go-build"

// Write writes every package of plan, and its SBOM when planned, into
// dist. built are the release's platforms' verified binaries; each
// package holds its platform's, in BinDir, mode 0755. Every timestamp in
// the packages and SBOMs is mtime.
func Write(dist string, plan Plan, built []release.Built, meta Metadata, mtime time.Time) error {
	byTarget := map[string]release.Built{}
	for _, b := range built {
		byTarget[b.Target.String()] = b
	}
	for _, o := range plan.Outputs {
		b, ok := byTarget[o.Target.String()]
		if !ok || len(b.Binaries) == 0 {
			return fmt.Errorf("%s package of %s: no binaries were built for it", o.Format, o.Target)
		}
		if err := writePackageFile(filepath.Join(dist, o.File), plan, o, b, meta, mtime); err != nil {
			return fmt.Errorf("%s package of %s: %w", o.Format, o.Target, err)
		}
		if o.SBOM != "" {
			if err := writeSBOM(filepath.Join(dist, o.SBOM), b, mtime); err != nil {
				return fmt.Errorf("SBOM of the %s package of %s: %w", o.Format, o.Target, err)
			}
		}
	}
	return nil
}

func writePackageFile(file string, plan Plan, o Output, b release.Built, meta Metadata, mtime time.Time) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := WritePackage(f, plan, o, b, meta, mtime); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WritePackage writes o's package of b's binaries to w.
func WritePackage(w io.Writer, plan Plan, o Output, b release.Built, meta Metadata, mtime time.Time) error {
	packager, err := nfpm.Get(string(o.Format))
	if err != nil {
		return err
	}
	return packager.Package(nfpm.WithDefaults(Info(plan, o, b, meta, mtime)), w)
}

// Info is nFPM's description of o's package: b's binaries in BinDir, the
// metadata, the architecture fields spelled out for every format, mtime
// as the time of everything, and a fixed rpm build host.
func Info(plan Plan, o Output, b release.Built, meta Metadata, mtime time.Time) *nfpm.Info {
	var contents files.Contents
	for _, name := range b.Binaries {
		contents = append(contents, &files.Content{
			Source:      filepath.Join(b.Dir, name),
			Destination: path.Join(BinDir, name),
			FileInfo:    &files.ContentFileInfo{Mode: 0o755, MTime: mtime},
		})
	}
	return &nfpm.Info{
		Name:        plan.Name,
		Arch:        o.Arch,
		Platform:    "linux",
		Version:     plan.Version,
		Maintainer:  meta.Maintainer,
		Description: meta.Description,
		Vendor:      meta.Vendor,
		Homepage:    meta.Homepage,
		License:     meta.License,
		MTime:       mtime,
		// The sources are paths, not patterns.
		DisableGlobbing: true,
		Overridables: nfpm.Overridables{
			Contents: contents,
			Deb:      nfpm.Deb{Arch: o.Arch, ArchVariant: o.ArchVariant},
			RPM:      nfpm.RPM{Arch: o.Arch, BuildHost: buildHost},
			APK:      nfpm.APK{Arch: o.Arch},
		},
	}
}

// writeSBOM writes the SPDX document of b's binaries as installed, in
// BinDir, created at mtime.
func writeSBOM(file string, b release.Built, mtime time.Time) error {
	var bins []sbom.Binary
	for _, name := range b.Binaries {
		bin, err := sbom.FromFile(filepath.Join(b.Dir, name))
		if err != nil {
			return err
		}
		bin.Name = path.Join(BinDir, name)
		bin.CPackages = b.CPackages
		bins = append(bins, bin)
	}
	return release.WriteSBOM(file, bins, mtime)
}
