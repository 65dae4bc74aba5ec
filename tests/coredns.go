package main

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"dagger/tests/internal/dagger"
)

// The coredns recipe: the build go-build started from (Rancher's coredns
// image), as a --module build.
const (
	corednsModule = "github.com/coredns/coredns@v1.11.3"
	// corednsShortCommit is v1.11.3's commit as proxy.golang.org records
	// it (Origin.Hash a7ed346585e30b99317d36e4d007b7b19a228ea5), as
	// {{.ShortCommit}} abbreviates it.
	corednsShortCommit = "a7ed346"
)

// corednsPlatforms are the platforms the recipe builds (BoringCrypto exists
// for these two only).
var corednsPlatforms = []string{"linux/amd64", "linux/arm64"}

// corednsBuild is the recipe: cgo, static, GOEXPERIMENT=boringcrypto and
// the commit stamped into coremain.GitCommit, with strip as given.
func (m *Tests) corednsBuild(strip dagger.GoBuildStripMode) *dagger.GoBuild {
	return dag.GoBuild(dagger.GoBuildOpts{
		Module:       corednsModule,
		BuilderImage: m.BuilderImage,
		StripImage:   m.StripImage,
		GoVersion:    m.GoVersion,
		Cgo:          true,
		Static:       true,
		GoEnv:        []string{"GOEXPERIMENT=boringcrypto"},
		Ldflags:      []string{"-X github.com/coredns/coredns/coremain.GitCommit={{.ShortCommit}}"},
		Strip:        strip,
	})
}

// CorednsRecipe builds coredns v1.11.3 with cgo, static, BoringCrypto and its commit stamped.
//
// It is the seed's recipe, for amd64 and arm64: go-build --module
// github.com/coredns/coredns@v1.11.3 --cgo --static --go-env
// GOEXPERIMENT=boringcrypto --ldflags '-X
// github.com/coredns/coredns/coremain.GitCommit={{.ShortCommit}}'. Each
// binary must be statically linked (no interpreter, no needed libraries),
// its build info must show GOEXPERIMENT=boringcrypto and cgo, it must hold
// the commit from the module proxy's record, its unstripped twin must link
// BoringCrypto (_goboringcrypto_ symbols), and coredns -version must print
// the platform, the BoringCrypto Go and the commit, run on its platform
// (arm64 under emulation).
// +check
func (m *Tests) CorednsRecipe(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "coredns-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	errs := make([]error, len(corednsPlatforms))
	var wg sync.WaitGroup
	for i, p := range corednsPlatforms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := m.checkCoredns(ctx, p, filepath.Join(dir, strings.ReplaceAll(p, "/", "-"))); err != nil {
				errs[i] = fmt.Errorf("coredns for %s: %w", p, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// checkCoredns checks the recipe's binary for platform, exported under dir.
func (m *Tests) checkCoredns(ctx context.Context, platform, dir string) error {
	bins := m.corednsBuild(dagger.GoBuildStripModeTarget).Build(dagger.GoBuildBuildOpts{Arch: platform})
	if err := expectEntries(ctx, bins, platform, "coredns"); err != nil {
		return err
	}
	bin := bins.File("coredns")
	path := filepath.Join(dir, "coredns")
	if _, err := bin.Export(ctx, path); err != nil {
		return fmt.Errorf("exporting: %s", errorText(err))
	}
	if err := checkStaticELF(path); err != nil {
		return err
	}
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading its build info: %w", err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	for key, want := range map[string]string{"GOEXPERIMENT": "boringcrypto", "CGO_ENABLED": "1", "GOARCH": strings.TrimPrefix(platform, "linux/")} {
		if settings[key] != want {
			return fmt.Errorf("its build info has %s=%q, want %q:\n%s", key, settings[key], want, info)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Contains(data, []byte(corednsShortCommit)) {
		return fmt.Errorf("the binary does not hold the stamped commit %s", corednsShortCommit)
	}

	// The symbols are gone from the stripped binary; its unstripped twin
	// comes from the same compile.
	unstripped := filepath.Join(dir, "coredns.unstripped")
	if _, err := m.corednsBuild(dagger.GoBuildStripModeNone).Build(dagger.GoBuildBuildOpts{Arch: platform}).File("coredns").Export(ctx, unstripped); err != nil {
		return fmt.Errorf("exporting the unstripped binary: %s", errorText(err))
	}
	if err := checkBoringSymbols(unstripped); err != nil {
		return err
	}

	out, err := m.run(ctx, platform, bin, "-version")
	if err != nil {
		return fmt.Errorf("running coredns -version: %s", errorText(err))
	}
	for _, want := range []string{"CoreDNS-1.11.3", platform + ", go", "X:boringcrypto", ", " + corednsShortCommit} {
		if !strings.Contains(out, want) {
			return fmt.Errorf("coredns -version printed %q, want it to hold %q", out, want)
		}
	}
	return nil
}

// checkStaticELF fails unless path is an ELF executable that needs no
// dynamic loader and no shared library.
func checkStaticELF(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return errors.New("the binary is dynamically linked: it has an interpreter (PT_INTERP)")
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		return err
	}
	if len(libs) > 0 {
		return fmt.Errorf("the binary needs shared libraries %v", libs)
	}
	return nil
}

// checkBoringSymbols fails unless the binary at path links BoringCrypto:
// the BoringSSL module's _goboringcrypto_ functions, called through cgo
// from crypto/internal/boring.
func checkBoringSymbols(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return fmt.Errorf("reading the unstripped binary's symbols: %w", err)
	}
	var boring, cgoCalls int
	for _, s := range syms {
		if strings.HasPrefix(s.Name, "_goboringcrypto_") {
			boring++
		}
		if strings.HasPrefix(s.Name, "crypto/internal/boring._Cfunc__goboringcrypto_") {
			cgoCalls++
		}
	}
	if boring == 0 || cgoCalls == 0 {
		return fmt.Errorf("the binary does not link BoringCrypto: %d _goboringcrypto_ symbols, %d crypto/internal/boring._Cfunc__goboringcrypto_ calls", boring, cgoCalls)
	}
	return nil
}
