package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"dagger/tests/internal/dagger"
	"dagger/tests/internal/debugdata"
)

// StrippedByDefault checks released and imaged binaries carry no DWARF or symbol table.
//
// It releases the pure-Go fixture for windows/amd64, darwin/arm64 and
// linux/amd64, releases the cgo fixture for linux/arm64 (else the first of
// --cgo-platforms) and builds a static cgo image for it: every binary in
// the archives and in the image must be stripped, as read with the
// standard library's debug/elf, debug/pe and debug/macho. With --strip
// NONE the pure-Go binaries must keep their DWARF and symbols, so the
// reading can tell. An image of binaries linked with -w=false must be
// refused by verification.
// +check
func (m *Tests) StrippedByDefault(ctx context.Context) error {
	cgoPlatform := "linux/arm64"
	if len(m.cgoPlatformsOf(cgoPlatform)) == 0 {
		cgoPlatform = m.CgoPlatforms[0]
	}
	pure := []string{"windows/amd64", "darwin/arm64", "linux/amd64"}
	var errs []error
	for _, c := range []struct {
		fixture   string
		opts      dagger.GoBuildOpts
		platforms []string
		stripped  bool
	}{
		{"purego", dagger.GoBuildOpts{}, pure, true},
		{"purego", dagger.GoBuildOpts{Strip: dagger.GoBuildStripModeNone}, pure, false},
		{"cgo", cgoOpts(false), []string{cgoPlatform}, true},
	} {
		dist := m.goBuild(c.fixture, c.opts).Release(dagger.GoBuildReleaseOpts{Platforms: c.platforms})
		files, err := exportRelease(ctx, dist)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s release (strip %q): %w", c.fixture, c.opts.Strip, err))
			continue
		}
		w := releaseWant{project: c.fixture}
		for _, p := range c.platforms {
			archive := w.archiveName(p)
			entries, err := readArchive(files[archive], archive)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			errs = append(errs, checkStripped(archive+": "+w.binaryName(p), entries[w.binaryName(p)].data, c.stripped))
		}
	}
	layout, err := readLayout(ctx, m.goBuild("cgo", cgoOpts(true)).Image(dagger.GoBuildImageOpts{Platforms: []string{cgoPlatform}}))
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("static cgo image: %s", errorText(err)))...)
	}
	imgs, err := layout.Images()
	if err != nil || len(imgs) != 1 {
		return errors.Join(append(errs, fmt.Errorf("static cgo image: %d images, %v; want one", len(imgs), err))...)
	}
	bin, err := layout.File(imgs[0], "/usr/local/bin/cgo")
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("static cgo image: %w", err))...)
	}
	errs = append(errs, checkStripped("static cgo image "+cgoPlatform+": /usr/local/bin/cgo", bin, true))
	errs = append(errs, m.unstrippedImageRefused(ctx))
	return errors.Join(errs...)
}

// unstrippedImageRefused checks verification refuses an image whose binary
// keeps its DWARF (linked with -w=false) while stripping is on, naming the
// platform, the binary and --strip NONE.
func (m *Tests) unstrippedImageRefused(ctx context.Context) error {
	_, err := m.goBuild("purego", dagger.GoBuildOpts{Ldflags: []string{"-w=false"}}).
		Image(dagger.GoBuildImageOpts{Platforms: []string{"linux/amd64", "linux/arm64"}}).
		Size(ctx)
	if err == nil {
		return fmt.Errorf("an image of binaries linked with -w=false was built; want it refused as not stripped")
	}
	for _, want := range []string{"linux/amd64: purego", "linux/arm64: purego", "--strip NONE"} {
		if !strings.Contains(errorText(err), want) {
			return fmt.Errorf("the image of binaries linked with -w=false failed without naming %q: %s", want, errorText(err))
		}
	}
	fmt.Printf("image of binaries linked with -w=false refused: %s\n", firstLine(errorText(err)))
	return nil
}

// checkStripped checks the binary data, called name, is stripped or, when
// stripped is false, is not.
func checkStripped(name string, data []byte, stripped bool) error {
	found, err := debugdata.Find(data)
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", name, err)
	case stripped && len(found) > 0:
		return fmt.Errorf("%s is not stripped: %s", name, strings.Join(found, "; "))
	case !stripped && len(found) == 0:
		return fmt.Errorf("%s, built with --strip NONE, has no DWARF and no symbol table", name)
	}
	fmt.Printf("%s: %d bytes, %s\n", name, len(data), describeFound(found))
	return nil
}

func describeFound(found []string) string {
	if len(found) == 0 {
		return "stripped"
	}
	return fmt.Sprintf("not stripped (%d DWARF sections or symbol tables)", len(found))
}

// readArchive reads a release archive, zip or tar.gz by its name.
func readArchive(data []byte, name string) (map[string]archiveEntry, error) {
	var entries map[string]archiveEntry
	var err error
	if strings.HasSuffix(name, ".zip") {
		entries, err = readZip(data)
	} else {
		entries, err = readTarGz(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return entries, nil
}
