package release

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dagger/go-build/internal/platform"
	spdx "dagger/go-build/internal/sbom"
)

// sbomTool is the creator release SBOMs name.
const sbomTool = "go-build"

// Built is one platform's verified binaries on the local file system.
type Built struct {
	Target platform.Target
	// Dir holds the binaries, named Binaries (sorted).
	Dir      string
	Binaries []string
	// CPackages are the target's C packages, for a cgo build's SBOM.
	CPackages []spdx.CPackage
}

// paths are the binaries' paths.
func (b Built) paths() []string {
	var paths []string
	for _, name := range b.Binaries {
		paths = append(paths, filepath.Join(b.Dir, name))
	}
	return paths
}

// WriteDist writes the SBOMs, the archives and the checksums file into
// dist, named by names, whose outputs are in the order of built. Each
// archive holds its platform's binaries, at the archive root under their
// own names, and the docs (paths relative to docsDir, slash-separated);
// every entry and SBOM has the time mtime, so the same input gives the
// same bytes.
func WriteDist(dist string, names Plan, built []Built, docsDir string, docs []string, mtime time.Time) error {
	for i, o := range names.Outputs {
		b := built[i]
		if o.SBOM != "" {
			if err := writeSBOM(filepath.Join(dist, o.SBOM), b.paths(), b.CPackages, mtime); err != nil {
				return fmt.Errorf("SBOM of %s: %w", o.Target, err)
			}
		}
		if err := writeArchiveFile(filepath.Join(dist, o.Archive), o.Format, b, docsDir, docs, mtime); err != nil {
			return fmt.Errorf("archive of %s: %w", o.Target, err)
		}
	}
	return writeChecksumsFile(dist, names)
}

// WriteBinarySBOMs writes each binary's SBOM next to it, as
// <binary>.sbom.spdx.json, created at mtime.
func WriteBinarySBOMs(built []Built, mtime time.Time) error {
	for _, b := range built {
		for _, bin := range b.paths() {
			if err := writeSBOM(bin+SBOMExt, []string{bin}, b.CPackages, mtime); err != nil {
				return fmt.Errorf("SBOM of %s: %w", b.Target, err)
			}
		}
	}
	return nil
}

// writeSBOM writes the SPDX document of the binaries at paths, created at
// the source time.
func writeSBOM(file string, paths []string, cPackages []spdx.CPackage, created time.Time) error {
	var bins []spdx.Binary
	for _, p := range paths {
		bin, err := spdx.FromFile(p)
		if err != nil {
			return err
		}
		bin.CPackages = cPackages
		bins = append(bins, bin)
	}
	return WriteSBOM(file, bins, created)
}

// WriteSBOM writes the SPDX SBOM of bins to file, created at created, named
// as made by go-build: every SBOM of a release (archives', packages') is
// written by it.
func WriteSBOM(file string, bins []spdx.Binary, created time.Time) error {
	doc, err := spdx.Generate(spdx.Input{Created: created, Tool: sbomTool, Binaries: bins})
	if err != nil {
		return err
	}
	data, err := doc.JSON()
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}

// writeArchiveFile packs b's binaries, at the archive root under their own
// names, and the docs into file.
func writeArchiveFile(file string, format Format, b Built, docsDir string, docs []string, mtime time.Time) error {
	var files []File
	for _, name := range b.Binaries {
		files = append(files, File{Name: name, Mode: 0o755, Path: filepath.Join(b.Dir, name)})
	}
	for _, d := range docs {
		files = append(files, File{Name: d, Mode: 0o644, Path: filepath.Join(docsDir, filepath.FromSlash(d))})
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := WriteArchive(f, format, files, mtime); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeChecksumsFile writes the checksums file of every archive and SBOM.
func writeChecksumsFile(dist string, names Plan) error {
	var sums []Sum
	for _, name := range names.Checksummed() {
		s, err := SumFile(name, filepath.Join(dist, name))
		if err != nil {
			return err
		}
		sums = append(sums, s)
	}
	text, err := Checksums(sums)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dist, names.Checksums), []byte(text), 0o644)
}
