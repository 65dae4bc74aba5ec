package sbom

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBadPackageLine is wrapped when a line of dpkg-query or apk output
// does not have the documented shape.
var ErrBadPackageLine = errors.New("malformed package list line")

// The package managers a CPackage can come from.
const (
	// ManagerDeb is Debian's dpkg; purls are pkg:deb/debian/...
	ManagerDeb = "deb"
	// ManagerApk is Alpine's apk; purls are pkg:apk/alpine/...
	ManagerApk = "apk"
)

// purlNamespaces gives each manager's purl type namespace: go-build's cgo
// builds run on Debian and Alpine images.
var purlNamespaces = map[string]string{
	ManagerDeb: "debian",
	ManagerApk: "alpine",
}

// DpkgQueryCommand lists a Debian system's packages in the form
// CPackagesFromDpkg reads: name, version and architecture, tab-separated,
// one package a line. Without a pattern dpkg-query lists every package in
// dpkg's status database except those marked not-installed.
const DpkgQueryCommand = `dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\n'`

// ApkListCommand lists an Alpine system's packages in the form
// CPackagesFromApk reads: "name-version-rN arch {origin} (license)
// [installed]" a line. CPackagesFromApk also reads `apk info -v`, which
// prints only "name-version-rN", but then the architecture is unknown.
const ApkListCommand = "apk list --installed"

// CPackage is a system package holding C code a cgo binary was linked
// against.
type CPackage struct {
	// Manager is ManagerDeb or ManagerApk.
	Manager string
	// Name and Version are as the package manager spells them, e.g.
	// "libc6" and "2.41-12", or "musl" and "1.2.5-r10".
	Name, Version string
	// Arch is the package's architecture as the manager spells it
	// (amd64, arm64, all; x86_64, aarch64), optional.
	Arch string
}

// key is the package's identity.
func (c CPackage) key() string {
	return strings.Join([]string{"c", c.Manager, c.Name, c.Version, c.Arch}, "\x00")
}

// purl is pkg:<manager>/<distro>/<name>@<version>[?arch=<arch>].
func (c CPackage) purl() string {
	p := "pkg:" + c.Manager + "/" + purlNamespaces[c.Manager] + "/" + pctEncode(c.Name) + "@" + pctEncode(c.Version)
	if c.Arch != "" {
		p += "?arch=" + pctEncode(c.Arch)
	}
	return p
}

// spdxPackage validates c and describes it, returning its identity key.
func (c CPackage) spdxPackage() (*Package, string, error) {
	if _, ok := purlNamespaces[c.Manager]; !ok {
		return nil, "", fmt.Errorf("%w: %q: package manager %q is not %q or %q", ErrInvalidCPackage, c.Name, c.Manager, ManagerDeb, ManagerApk)
	}
	for _, f := range []struct{ field, value string }{{"name", c.Name}, {"version", c.Version}} {
		if f.value == "" || strings.ContainsFunc(f.value, isSpace) {
			return nil, "", fmt.Errorf("%w: %s package %q: %s %q is empty or has spaces", ErrInvalidCPackage, c.Manager, c.Name, f.field, f.value)
		}
	}
	if strings.ContainsFunc(c.Arch, isSpace) {
		return nil, "", fmt.Errorf("%w: %s package %q: arch %q has spaces", ErrInvalidCPackage, c.Manager, c.Name, c.Arch)
	}
	key := c.key()
	return &Package{
		SPDXID:                makeID("Package-"+c.Manager, []string{c.Name, c.Version, c.Arch}, key),
		Name:                  c.Name,
		VersionInfo:           c.Version,
		Supplier:              noAssertion,
		DownloadLocation:      noAssertion,
		LicenseConcluded:      noAssertion,
		LicenseDeclared:       noAssertion,
		CopyrightText:         noAssertion,
		ExternalRefs:          []ExternalRef{purlRef(c.purl())},
		PrimaryPackagePurpose: "LIBRARY",
	}, key, nil
}

// CPackagesFromDpkg parses the output of DpkgQueryCommand. Blank lines are
// skipped; any other line must have three non-empty tab-separated fields,
// else the error names the line.
func CPackagesFromDpkg(out string) ([]CPackage, error) {
	var pkgs []CPackage
	for n, line := range lines(out) {
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[0] == "" || f[1] == "" || f[2] == "" || strings.ContainsFunc(line, isSpaceNotTab) {
			return nil, fmt.Errorf("%w: dpkg-query line %d %q: want name<TAB>version<TAB>arch", ErrBadPackageLine, n, line)
		}
		pkgs = append(pkgs, CPackage{Manager: ManagerDeb, Name: f[0], Version: f[1], Arch: f[2]})
	}
	return pkgs, nil
}

// CPackagesFromApk parses the output of ApkListCommand, or of `apk info -v`
// (no architecture). Each non-blank line starts with name-version-rN; apk
// versions hold no "-" but the one before the release, so the name is all
// before the second "-" from the end. Anything else is an error naming the
// line.
func CPackagesFromApk(out string) ([]CPackage, error) {
	var pkgs []CPackage
	for n, line := range lines(out) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Fields(line)
		bad := func(why string) error {
			return fmt.Errorf("%w: apk line %d %q: %s", ErrBadPackageLine, n, line, why)
		}
		name, version, ok := splitApk(f[0])
		if !ok {
			return nil, bad("want name-version-rN first")
		}
		arch := ""
		if len(f) > 1 {
			arch = f[1]
			if len(f) > 2 && !strings.HasPrefix(f[2], "{") {
				return nil, bad("want `apk list` form: name-version-rN arch {origin} ...")
			}
		}
		pkgs = append(pkgs, CPackage{Manager: ManagerApk, Name: name, Version: version, Arch: arch})
	}
	return pkgs, nil
}

// splitApk splits "name-1.2.3-r0" into "name" and "1.2.3-r0".
func splitApk(s string) (name, version string, ok bool) {
	i := strings.LastIndexByte(s, '-')
	if i < 0 || !isRelease(s[i+1:]) {
		return "", "", false
	}
	j := strings.LastIndexByte(s[:i], '-')
	if j <= 0 || j+1 == i || s[j+1] < '0' || s[j+1] > '9' {
		return "", "", false
	}
	return s[:j], s[j+1:], true
}

// isRelease reports whether s is an apk release, "r" and digits.
func isRelease(s string) bool {
	if len(s) < 2 || s[0] != 'r' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// lines yields out's lines numbered from 1, without their "\r\n" or "\n".
func lines(out string) func(func(int, string) bool) {
	return func(yield func(int, string) bool) {
		n := 0
		for line := range strings.Lines(out) {
			n++
			if !yield(n, strings.TrimRight(line, "\r\n")) {
				return
			}
		}
	}
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
}

func isSpaceNotTab(r rune) bool { return r != '\t' && isSpace(r) }
