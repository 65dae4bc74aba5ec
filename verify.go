package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"dagger/go-build/internal/binverify"
	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/platform"
)

// binaryRules are what verification demands of every binary beyond its
// target's format and machine.
type binaryRules struct {
	// static demands statically linked ELF binaries.
	static bool
	// stripped demands no DWARF and no symbol table, every format.
	stripped bool
}

// rules are the binaryRules of this configuration's binaries.
func (m *GoBuild) rules() binaryRules {
	return binaryRules{static: m.Static, stripped: m.stripped()}
}

// verify checks every binary in bins against t: executable format, machine,
// word size and byte order, static linking and stripping as rules say. It
// reads the files in this module's own container, so nothing runs under
// emulation.
func verify(ctx context.Context, bins *dagger.Directory, t platform.Target, rules binaryRules) error {
	tmp, err := os.MkdirTemp("", "go-build-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	_, err = exportVerified(ctx, bins, t, rules, tmp)
	return err
}

// exportVerified exports bins into dir, on this module's own file system,
// checks every binary there as verify does, and returns the binaries' file
// names, sorted. Release packs exactly the files it checked.
func exportVerified(ctx context.Context, bins *dagger.Directory, t platform.Target, rules binaryRules, dir string) ([]string, error) {
	// The build itself runs lazily here, so its failures surface here too.
	if _, err := bins.Export(ctx, dir); err != nil {
		return nil, fmt.Errorf("building the %s binaries: %v", t, withStderr(err))
	}
	if err := verifyDir(dir, t, rules); err != nil {
		return nil, err
	}
	return regularFiles(dir)
}

// regularFiles lists the names of the regular files in dir, sorted.
func regularFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// verifyDir checks every regular file in dir; an empty dir is an error.
func verifyDir(dir string, t platform.Target, rules binaryRules) error {
	names, err := regularFiles(dir)
	if err != nil {
		return err
	}
	return checkBinaries(t, rules, names, func(name string, want binverify.Expect) error {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		defer f.Close()
		return binverify.Check(name, f, want)
	})
}

// verifyFiles checks the binaries names of t as files (file name to
// contents, e.g. an image's binDir) holds them.
func verifyFiles(files map[string][]byte, names []string, t platform.Target, rules binaryRules) error {
	return checkBinaries(t, rules, names, func(name string, want binverify.Expect) error {
		data, ok := files[name]
		if !ok {
			return fmt.Errorf("%s: built, but not in %s of the image", name, binDir)
		}
		return binverify.Check(name, bytes.NewReader(data), want)
	})
}

// checkBinaries runs check on every name with what rules demand of t's
// binaries, naming t in each failure; no name at all is an error.
func checkBinaries(t platform.Target, rules binaryRules, names []string, check func(name string, want binverify.Expect) error) error {
	if len(names) == 0 {
		return fmt.Errorf("%s: the build produced no binary", t)
	}
	want := t.Binary
	want.Static = rules.static
	want.Stripped = rules.stripped
	var errs []error
	for _, name := range names {
		err := check(name, want)
		var mismatch *binverify.MismatchError
		if errors.As(err, &mismatch) && mismatch.Field == binverify.FieldStripping {
			err = fmt.Errorf("%w (go-build links with -s -w, and strips cgo binaries after the link; --ldflags such as -s=false or -w=false undo it: use --strip NONE to keep the symbols and DWARF)", err)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t, err))
		}
	}
	return errors.Join(errs...)
}
