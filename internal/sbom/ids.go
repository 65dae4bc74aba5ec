package sbom

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/modfile"
)

// develVersion is the version Go records for a module built from a work
// tree rather than a released version.
const develVersion = "(devel)"

// idHashLen is how many hex digits of an identity's SHA-256 end an SPDXID:
// 48 bits, so even an image with thousands of packages has no realistic
// collision (and one would be reported, not merged).
const idHashLen = 12

// makeID returns "SPDXRef-<kind>-<label>-<hash>". The label keeps the ID
// readable; it is sanitized to the characters SPDX allows
// ([A-Za-z0-9.-]), which can map two names to one label ("a/b" and
// "a.b"), so the hash of the package's full identity key keeps IDs unique.
// IDs depend on nothing but the key, so they are stable across runs.
func makeID(kind string, label []string, key string) string {
	sum := sha256.Sum256([]byte(key))
	parts := []string{"SPDXRef", kind}
	for _, l := range label {
		if s := sanitizeID(l); s != "" {
			parts = append(parts, s)
		}
	}
	parts = append(parts, hex.EncodeToString(sum[:])[:idHashLen])
	return strings.Join(parts, "-")
}

// sanitizeID maps s into SPDX's ID alphabet: "/" becomes "." (as ko does
// for module paths), any other disallowed character "-", with runs of "-"
// collapsed and none at the ends.
func sanitizeID(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.':
			b.WriteRune(r)
			dash = false
		case r == '/':
			b.WriteByte('.')
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// pctEncode percent-encodes every byte of s outside RFC 3986's unreserved
// set, as purl asks of names and versions: "+" in "+incompatible" or
// "+dirty" and ":" in a Debian epoch must not read as purl syntax.
func pctEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// escapePath percent-encodes each "/"-separated segment of p.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = pctEncode(s)
	}
	return strings.Join(segs, "/")
}

// goPURL is the purl of a Go module: pkg:golang/<module path>@<version>,
// the path's "/" kept as purl namespace separators (as syft and ko write
// them). A module without a released version (devel, a local directory)
// gets no version: a purl version names a release.
func goPURL(path, version string) string {
	p := "pkg:golang/" + escapePath(path)
	if version != "" && version != develVersion {
		p += "@" + pctEncode(version)
	}
	return p
}

// goModulePackage describes module m. When m replaces another module
// (replaced is the original requirement), the package is the replacement
// (what was compiled) and sourceInfo names the original; a replacement by a
// local directory keeps the original's path as its name, since a
// filesystem path is no module identity, and gets the devel version Go
// gives code from a work tree. It also returns the package's identity key.
//
// The checksum is the module's go.sum hash: "h1:" is base64 of a SHA-256
// (over the module's file list, golang.org/x/mod/sumdb/dirhash), so it is
// written as algorithm SHA256 in lowercase hex, as ko does, and the h1:
// string itself is kept in the comment so it can be compared with go.sum.
// downloadLocation is NOASSERTION: where a module was fetched from depends
// on the builder's GOPROXY and GOPRIVATE, which the build info does not
// record; the purl identifies the module.
func goModulePackage(bin string, m, replaced *debug.Module) (*Package, string, error) {
	name, version, sourceInfo := m.Path, m.Version, ""
	switch {
	case replaced != nil && modfile.IsDirectoryPath(m.Path):
		name, version = replaced.Path, develVersion
		sourceInfo = fmt.Sprintf("built from local directory %s, replacing %s %s (go.mod replace directive)", m.Path, replaced.Path, replaced.Version)
	case replaced != nil:
		sourceInfo = fmt.Sprintf("replaces %s %s (go.mod replace directive)", replaced.Path, replaced.Version)
	}
	if name == "" {
		return nil, "", fmt.Errorf("%w: binary %q lists a module without a path", ErrInvalidBinary, bin)
	}
	if version == "" {
		version = develVersion
	}
	p := &Package{
		Name:             name,
		VersionInfo:      version,
		Supplier:         noAssertion,
		DownloadLocation: noAssertion,
		SourceInfo:       sourceInfo,
		LicenseConcluded: noAssertion,
		LicenseDeclared:  noAssertion,
		CopyrightText:    noAssertion,
		ExternalRefs:     []ExternalRef{purlRef(goPURL(name, version))},
	}
	if m.Sum != "" {
		p.Comment = "Go module hash (go.sum): " + m.Sum
		if h1, ok := strings.CutPrefix(m.Sum, "h1:"); ok {
			p.Comment += "; the SHA256 checksum is this hash decoded: a digest of the module's file list (dirhash), not of a download"
			raw, err := base64.StdEncoding.DecodeString(h1)
			if err != nil || len(raw) != sha256.Size {
				return nil, "", fmt.Errorf("%w: binary %q: module %s %s has malformed hash %q", ErrInvalidBinary, bin, m.Path, m.Version, m.Sum)
			}
			p.Checksums = []Checksum{{"SHA256", hex.EncodeToString(raw)}}
		}
	}
	key := strings.Join([]string{"go-module", name, version, m.Sum, sourceInfo}, "\x00")
	p.SPDXID = makeID("Package-go-module", []string{name, version}, key)
	return p, key, nil
}

// goVersionRE splits a release toolchain version, go1.26.8 or go1.27rc1,
// into its number and pre-release candidate.
var goVersionRE = regexp.MustCompile(`^go(\d+\.\d+(?:\.\d+)?)((?:rc|beta)\d+)?$`)

// stdlibPackage describes the Go standard library the binary was linked
// with, the way syft's Go binary cataloger does, so scanners that match
// Go vulnerabilities against syft SBOMs match this one: name "stdlib",
// versionInfo the toolchain version (go1.26.8), purl version without the
// "go" prefix (pkg:golang/stdlib@1.26.8, the form the Go vulnerability
// database uses for stdlib) and a golang:go CPE. A GOEXPERIMENT suffix
// ("go1.26.8 X:...") is kept in the comment; a development toolchain's
// version is kept whole, without purl version or CPE, since it names no
// release.
func stdlibPackage(goVersion string) (*Package, string) {
	version, _, _ := strings.Cut(goVersion, " ")
	p := &Package{
		Name:             "stdlib",
		VersionInfo:      version,
		Supplier:         noAssertion,
		DownloadLocation: noAssertion,
		LicenseConcluded: noAssertion,
		LicenseDeclared:  noAssertion,
		CopyrightText:    noAssertion,
	}
	if version != goVersion {
		p.Comment = "Go toolchain " + goVersion
	}
	if m := goVersionRE.FindStringSubmatch(version); m != nil {
		candidate := "-"
		if m[2] != "" {
			candidate = m[2]
		}
		p.ExternalRefs = []ExternalRef{
			purlRef("pkg:golang/stdlib@" + pctEncode(strings.TrimPrefix(version, "go"))),
			{Category: "SECURITY", Type: "cpe23Type", Locator: "cpe:2.3:a:golang:go:" + m[1] + ":" + candidate + ":*:*:*:*:*:*"},
		}
	} else {
		p.VersionInfo = goVersion
		p.ExternalRefs = []ExternalRef{purlRef("pkg:golang/stdlib")}
	}
	key := "stdlib\x00" + goVersion
	p.SPDXID = makeID("Package-go-stdlib", []string{version}, key)
	return p, key
}

func purlRef(purl string) ExternalRef {
	return ExternalRef{Category: "PACKAGE-MANAGER", Type: "purl", Locator: purl}
}
