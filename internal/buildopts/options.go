// Package buildopts holds the rules for a go build invocation: which options
// may be combined, and the exact `go build` command line they produce. It has
// no Dagger dependency so every rule is unit-tested.
package buildopts

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"dagger/go-build/internal/pkgscript"
)

// ErrInvalidOption is wrapped by every validation error.
var ErrInvalidOption = errors.New("invalid build option")

// Options are the user's choices for one build, shared by every target.
type Options struct {
	// Packages to build; empty means every main package of the module.
	Packages []string
	// Tags are Go build tags.
	Tags []string
	// Ldflags are extra linker flags, appended after the ones go-build sets;
	// templates such as {{.ShortCommit}} (see stamptmpl) are expanded.
	Ldflags []string
	// Version is the version linked into main.version in place of git
	// describe, a template such as {{.Tag}}-fips; empty for git describe.
	Version string
	// Cgo turns cgo on for every target (Go turns it off when cross-compiling).
	Cgo bool
	// Static asks for statically linked binaries, checked after the build.
	Static bool
	// TargetPackages are distribution packages (C libraries) installed for the
	// target architecture before a cgo build, like xx-apt install.
	TargetPackages []string
	// Strip links the binaries without a symbol table and DWARF (-s -w).
	// Go's linker then writes neither, for ELF, PE and Mach-O alike, and
	// passes -s on to the external linker of a cgo build, which drops the
	// C objects' symbols and debug data as well.
	Strip bool
}

var (
	// A build tag is an identifier as the go command accepts in -tags.
	tagPattern = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)
	// A package pattern has the characters of Go import paths
	// (golang.org/x/mod/module: ASCII letters, digits and -._~+), the
	// slashes and ... of patterns, and no leading dash: never an option,
	// never anything the shell reads.
	packagePattern = regexp.MustCompile(`^[A-Za-z0-9._~+/][A-Za-z0-9._~+/-]*$`)
)

// CheckPackagePattern checks a package pattern given to go build, go list
// or go test against a closed pattern: ASCII letters, digits and -._~+/,
// not starting with '-' (./cmd/app, ./..., example.com/app/cmd/x). example
// is a pattern the error shows. Errors wrap ErrInvalidOption.
func CheckPackagePattern(p, example string) error {
	if !packagePattern.MatchString(p) {
		return fmt.Errorf("%w: package %q: want a Go package pattern such as %s or ./...: ASCII letters, digits and -._~+/, not starting with '-'", ErrInvalidOption, p, example)
	}
	return nil
}

// Validate checks each option on its own and the combinations, before any
// container work starts.
func (o Options) Validate() error {
	for _, p := range o.Packages {
		if err := CheckPackagePattern(p, "./cmd/app"); err != nil {
			return err
		}
	}
	for _, t := range o.Tags {
		if !tagPattern.MatchString(t) {
			return fmt.Errorf("%w: build tag %q: want letters, digits, '_' and '.' only", ErrInvalidOption, t)
		}
	}
	for _, f := range o.Ldflags {
		if strings.TrimSpace(f) == "" {
			return fmt.Errorf("%w: empty ldflags entry", ErrInvalidOption)
		}
	}
	if err := o.validateTemplates(); err != nil {
		return err
	}
	for _, p := range o.TargetPackages {
		if err := pkgscript.CheckName("target package", p); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidOption, err)
		}
	}
	if len(o.TargetPackages) > 0 && !o.Cgo {
		return fmt.Errorf("%w: target packages %s need cgo: add --cgo or drop them", ErrInvalidOption, strings.Join(o.TargetPackages, ", "))
	}
	return nil
}
