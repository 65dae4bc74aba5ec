// Package linuxpkg holds the pure parts of the Linux packages go-build's
// release writes next to its archives: deb, rpm and apk packages with the
// binaries in /usr/bin, written by nFPM (github.com/goreleaser/nfpm/v2, the
// library GoReleaser's nfpm step uses) so the packages are what a
// GoReleaser release of the same binaries would ship: the same file names,
// the same architecture field for each platform, the same layout. Nothing
// here runs a build or touches Dagger; every name and architecture is
// planned before any build starts.
//
// Packages are reproducible: every timestamp nFPM writes (file entries, the
// ar members of a deb, rpm's build time, apk's builddate) is the release's
// source time, and the one value nFPM takes from the machine, rpm's build
// host, is fixed, so the same binaries give the same bytes.
package linuxpkg

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

var (
	// ErrFormat is wrapped when a package format is not one go-build
	// writes.
	ErrFormat = errors.New("unsupported Linux package format")
	// ErrArch is wrapped when a format has no architecture for a
	// platform: the distributions using it have no such port.
	ErrArch = errors.New("no package architecture")
	// ErrNoLinux is wrapped when packages are asked for a release with no
	// Linux platform.
	ErrNoLinux = errors.New("no Linux platform to package")
	// ErrMetadata is wrapped when a package field given is unusable.
	ErrMetadata = errors.New("invalid package metadata")
)

// Format is a Linux package format, spelled as its file extension and as
// nFPM names its packager.
type Format string

const (
	// Deb is a Debian package (Debian, Ubuntu), installed by dpkg or apt.
	Deb Format = "deb"
	// RPM is an RPM package (Fedora, RHEL, openSUSE), installed by rpm,
	// dnf or zypper.
	RPM Format = "rpm"
	// APK is an Alpine package, installed by apk.
	APK Format = "apk"
)

// Formats are the formats go-build writes, in the order release writes
// them for each platform.
var Formats = []Format{Deb, RPM, APK}

// ParseFormat reads a package format: deb, rpm or apk, in any case.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Formats, f) {
		return f, nil
	}
	return "", fmt.Errorf("%w %q: accepted: deb, rpm, apk", ErrFormat, s)
}

// ParseFormats reads a list of formats, each item possibly a
// comma-separated list, into Formats' order; a format given twice is
// written once.
func ParseFormats(items []string) ([]Format, error) {
	seen := map[Format]bool{}
	var errs []error
	for _, item := range items {
		for _, s := range strings.Split(item, ",") {
			if strings.TrimSpace(s) == "" {
				continue
			}
			f, err := ParseFormat(s)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			seen[f] = true
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var formats []Format
	for _, f := range Formats {
		if seen[f] {
			formats = append(formats, f)
		}
	}
	return formats, nil
}
