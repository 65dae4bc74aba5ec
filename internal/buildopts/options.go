// Package buildopts holds the rules for a go build invocation: which options
// may be combined, and the exact `go build` command line they produce. It has
// no Dagger dependency so every rule is unit-tested.
package buildopts

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
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
	// Debian and Alpine package names share this alphabet.
	distroPackagePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
)

// Validate checks each option on its own and the combinations, before any
// container work starts.
func (o Options) Validate() error {
	for _, p := range o.Packages {
		if p == "" || strings.ContainsAny(p, " \t\n") || strings.HasPrefix(p, "-") {
			return fmt.Errorf("%w: package %q: want a Go package pattern such as ./cmd/app or ./...", ErrInvalidOption, p)
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
		if !distroPackagePattern.MatchString(p) {
			return fmt.Errorf("%w: target package %q: want a Debian or Alpine package name such as libsqlite3-dev", ErrInvalidOption, p)
		}
	}
	if len(o.TargetPackages) > 0 && !o.Cgo {
		return fmt.Errorf("%w: target packages %s need cgo: add --cgo or drop them", ErrInvalidOption, strings.Join(o.TargetPackages, ", "))
	}
	return nil
}
