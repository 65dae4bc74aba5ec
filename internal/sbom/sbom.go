// Package sbom writes an SPDX 2.3 JSON software bill of materials for Go
// binaries from the build info the Go linker embeds in them (what
// `go version -m` prints), so the SBOM describes exactly what was linked
// and needs no module cache, network or scanner.
//
// One document can describe one binary (a release archive ships one SBOM per
// binary) or several (an image attestation describes every binary of one
// platform image); modules the binaries share appear once. The document is
// a pure function of its Input: the creation time is passed in (the source's
// commit time, never the clock) and the namespace is derived from the
// content, so the same inputs give byte-identical JSON.
//
// The package layout and relationships follow what Go-aware tools emit, so
// scanners match the packages the way they match their own SBOMs:
//
//   - SPDXRef-DOCUMENT DESCRIBES each binary package: the binary is what
//     the document is about.
//   - Each binary CONTAINS its main module, every dependency module and the
//     Go standard library: Go links them statically, so their code is inside
//     the file. syft relates a scanned file or image to the packages it
//     found in it the same way.
//   - The main module DEPENDS_ON every dependency module and stdlib. This
//     is the relationship ko writes for a Go binary (ko's
//     internal/sbom/spdx.go), and the inverse of the DEPENDENCY_OF syft's
//     Go binary cataloger records from each module and stdlib to the main
//     module. The build info does not say which dependencies are direct,
//     so, like both tools, every module is a dependency of the main one.
//   - Each binary DEPENDS_ON the C packages a cgo build was linked against.
//     The build info does not record whether a library was linked
//     statically or dynamically, so neither STATIC_LINK nor DYNAMIC_LINK is
//     claimed.
package sbom

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

var (
	// ErrNoBuildInfo is wrapped when a binary carries no Go build info.
	ErrNoBuildInfo = errors.New("no Go build info")
	// ErrInvalidBinary is wrapped when a binary's name, checksums or build
	// info cannot be described.
	ErrInvalidBinary = errors.New("invalid binary")
	// ErrInvalidCPackage is wrapped when a C package is incomplete or names
	// an unknown package manager.
	ErrInvalidCPackage = errors.New("invalid C package")
	// ErrInvalidInput is wrapped when the document-wide input is unusable:
	// no binary, no creation time or no tool.
	ErrInvalidInput = errors.New("invalid SBOM input")
)

// Binary is one Go binary to describe.
type Binary struct {
	// Name is the binary's file name as shipped, e.g. "foo" in a release
	// archive or "/usr/local/bin/foo" in an image.
	Name string
	// SHA256 is the hex SHA-256 of the binary's bytes (either case; the
	// document carries it lowercase, as SPDX requires).
	SHA256 string
	// SHA1 is the hex SHA-1 of the binary, optional. SPDX 2.3 requires
	// SHA1 only for File elements; the binary is a Package, so SHA-256
	// alone is valid, but some consumers still key on SHA1.
	SHA1 string
	// Info is the binary's build info, from debug/buildinfo.
	Info *debug.BuildInfo
	// CPackages are the C libraries a cgo build linked against, e.g. from
	// CPackagesFromDpkg run in the build container. They must be empty for
	// a binary built with CGO_ENABLED=0, which cannot link C code.
	CPackages []CPackage
}

// Input is everything a document is generated from.
type Input struct {
	// Binaries are the binaries the document describes: one for a release
	// archive's SBOM, all of one platform image's for an attestation.
	Binaries []Binary
	// Created is the document's creation time. Pass the source's commit
	// time so rebuilding the same commit gives the same document.
	Created time.Time
	// Tool names the creating tool and its version, e.g.
	// "go-build v0.4.0"; it becomes the creator "Tool: go-build v0.4.0"
	// (a leading "Tool: " is accepted and not doubled).
	Tool string
	// Name overrides the document name. By default it is the main
	// module's path@version (all of them, space-separated, when the
	// binaries come from several main modules).
	Name string
}

// The SPDX constants this package writes.
const (
	spdxVersion = "SPDX-2.3"
	dataLicense = "CC0-1.0"
	documentID  = "SPDXRef-DOCUMENT"
	noAssertion = "NOASSERTION"

	// namespaceBase prefixes every documentNamespace. SPDX only asks for
	// a unique absolute URI, not a resolvable one.
	namespaceBase = "https://go-build.dagger.io/spdx/"

	// dateFormat is SPDX's date: UTC, whole seconds, literal Z.
	dateFormat = "2006-01-02T15:04:05Z"
)

// Document is an SPDX 2.3 document. The field order is the JSON key order.
type Document struct {
	SPDXVersion       string         `json:"spdxVersion"`
	DataLicense       string         `json:"dataLicense"`
	SPDXID            string         `json:"SPDXID"`
	Name              string         `json:"name"`
	DocumentNamespace string         `json:"documentNamespace"`
	CreationInfo      CreationInfo   `json:"creationInfo"`
	Packages          []Package      `json:"packages"`
	Relationships     []Relationship `json:"relationships"`
}

// CreationInfo says when and by what the document was made.
type CreationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

// Package is an SPDX package: a binary, a Go module, the Go standard
// library or a C package.
type Package struct {
	SPDXID                string        `json:"SPDXID"`
	Name                  string        `json:"name"`
	VersionInfo           string        `json:"versionInfo,omitempty"`
	PackageFileName       string        `json:"packageFileName,omitempty"`
	Supplier              string        `json:"supplier"`
	DownloadLocation      string        `json:"downloadLocation"`
	FilesAnalyzed         bool          `json:"filesAnalyzed"`
	Checksums             []Checksum    `json:"checksums,omitempty"`
	SourceInfo            string        `json:"sourceInfo,omitempty"`
	LicenseConcluded      string        `json:"licenseConcluded"`
	LicenseDeclared       string        `json:"licenseDeclared"`
	CopyrightText         string        `json:"copyrightText"`
	Comment               string        `json:"comment,omitempty"`
	ExternalRefs          []ExternalRef `json:"externalRefs,omitempty"`
	PrimaryPackagePurpose string        `json:"primaryPackagePurpose,omitempty"`
	Annotations           []Annotation  `json:"annotations,omitempty"`
}

// Checksum is an SPDX checksum; Value is lowercase hex.
type Checksum struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"checksumValue"`
}

// ExternalRef is an SPDX external reference: here a purl or a CPE.
type ExternalRef struct {
	Category string `json:"referenceCategory"`
	Type     string `json:"referenceType"`
	Locator  string `json:"referenceLocator"`
}

// Annotation is an SPDX annotation on a package.
type Annotation struct {
	Date      string `json:"annotationDate"`
	Type      string `json:"annotationType"`
	Annotator string `json:"annotator"`
	Comment   string `json:"comment"`
}

// Relationship is an SPDX relationship between two elements.
type Relationship struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
}

// The relationship types used; see the package doc for why.
const (
	relDescribes = "DESCRIBES"
	relContains  = "CONTAINS"
	relDependsOn = "DEPENDS_ON"
)

// The package kinds, in the order the document lists them.
const (
	kindBinary = iota
	kindGoModule
	kindStdlib
	kindCPackage
)

// builder accumulates the packages and relationships of one document,
// merging the packages several binaries share.
type builder struct {
	created   string
	annotator string
	pkgs      map[string]*Package // by SPDXID
	kinds     map[string]int      // by SPDXID
	keys      map[string]string   // SPDXID -> identity key, to catch collisions
	rels      map[Relationship]bool
}

// Generate builds the SPDX document for in. It fails, wrapping one of the
// package's errors, on an input it cannot describe faithfully: no
// binaries, a zero time, a binary without build info or main module path,
// a malformed checksum, an unknown C package manager.
func Generate(in Input) (*Document, error) {
	if len(in.Binaries) == 0 {
		return nil, fmt.Errorf("%w: no binaries given", ErrInvalidInput)
	}
	if in.Created.IsZero() {
		return nil, fmt.Errorf("%w: creation time is zero", ErrInvalidInput)
	}
	tool := strings.TrimSpace(strings.TrimPrefix(in.Tool, "Tool:"))
	if tool == "" || strings.ContainsAny(tool, "\r\n") {
		return nil, fmt.Errorf("%w: tool %q is empty or spans lines", ErrInvalidInput, in.Tool)
	}
	b := &builder{
		created:   in.Created.UTC().Format(dateFormat),
		annotator: "Tool: " + tool,
		pkgs:      map[string]*Package{},
		kinds:     map[string]int{},
		keys:      map[string]string{},
		rels:      map[Relationship]bool{},
	}
	binIDs := map[string]string{}
	var mains []string
	for _, bin := range in.Binaries {
		id, main, err := b.addBinary(bin)
		if err != nil {
			return nil, err
		}
		if prev, dup := binIDs[id]; dup {
			return nil, fmt.Errorf("%w: binary %q with SHA-256 %s is given twice", ErrInvalidBinary, prev, strings.ToLower(bin.SHA256))
		}
		binIDs[id] = bin.Name
		mains = append(mains, main)
	}
	slices.Sort(mains)
	mains = slices.Compact(mains)

	doc := &Document{
		SPDXVersion:  spdxVersion,
		DataLicense:  dataLicense,
		SPDXID:       documentID,
		Name:         cmp.Or(in.Name, strings.Join(mains, " ")),
		CreationInfo: CreationInfo{Created: b.created, Creators: []string{b.annotator}},
	}
	for _, p := range b.pkgs {
		doc.Packages = append(doc.Packages, *p)
	}
	slices.SortFunc(doc.Packages, func(x, y Package) int {
		return cmp.Or(
			cmp.Compare(b.kinds[x.SPDXID], b.kinds[y.SPDXID]),
			strings.Compare(x.Name, y.Name),
			strings.Compare(x.VersionInfo, y.VersionInfo),
			strings.Compare(x.SPDXID, y.SPDXID))
	})
	for r := range b.rels {
		doc.Relationships = append(doc.Relationships, r)
	}
	slices.SortFunc(doc.Relationships, func(x, y Relationship) int {
		// DESCRIBES first: it says what the document is about.
		return cmp.Or(
			-cmp.Compare(boolInt(x.Type == relDescribes), boolInt(y.Type == relDescribes)),
			strings.Compare(x.Element, y.Element),
			strings.Compare(x.Type, y.Type),
			strings.Compare(x.Related, y.Related))
	})

	// The namespace must be unique per document content and stable per
	// input: hash the document as written without it.
	canonical, err := doc.JSON()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(canonical)
	mainPath, mainVersion, _ := strings.Cut(mains[0], "@")
	doc.DocumentNamespace = namespaceBase + escapePath(mainPath) + "/" +
		url.PathEscape(mainVersion) + "-" + hex.EncodeToString(sum[:])
	return doc, nil
}

// JSON renders the document as indented JSON with a trailing newline. Keys
// come in struct order and every list is sorted, so equal documents give
// equal bytes. HTML characters are not escaped: -ldflags often hold < or &.
func (d *Document) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("encode SPDX document: %w", err)
	}
	return buf.Bytes(), nil
}

// addBinary adds bin, its modules, stdlib and C packages, and returns the
// binary's SPDXID and its main module as path@version.
func (b *builder) addBinary(bin Binary) (id, main string, err error) {
	if bin.Name == "" || strings.ContainsAny(bin.Name, "\x00\r\n") {
		return "", "", fmt.Errorf("%w: name %q is empty or not a file name", ErrInvalidBinary, bin.Name)
	}
	bi := bin.Info
	if bi == nil {
		return "", "", fmt.Errorf("binary %q: %w", bin.Name, ErrNoBuildInfo)
	}
	if bi.Main.Path == "" {
		return "", "", fmt.Errorf("%w: binary %q has no main module path (built outside a module, e.g. `go build file.go`?)", ErrInvalidBinary, bin.Name)
	}
	sha256Hex, err := hexDigest(bin.Name, "SHA-256", bin.SHA256, sha256.Size, true)
	if err != nil {
		return "", "", err
	}
	sha1Hex, err := hexDigest(bin.Name, "SHA-1", bin.SHA1, 20, false)
	if err != nil {
		return "", "", err
	}
	if len(bin.CPackages) > 0 && buildSetting(bi, "CGO_ENABLED") == "0" {
		return "", "", fmt.Errorf("%w: binary %q was built with CGO_ENABLED=0 but lists %d C packages", ErrInvalidBinary, bin.Name, len(bin.CPackages))
	}

	binKey := "binary\x00" + bin.Name + "\x00" + sha256Hex
	binPkg := Package{
		SPDXID:                makeID("Binary", []string{bin.Name}, binKey),
		Name:                  bin.Name,
		PackageFileName:       bin.Name,
		Supplier:              noAssertion,
		DownloadLocation:      noAssertion,
		Checksums:             []Checksum{{"SHA256", sha256Hex}},
		LicenseConcluded:      noAssertion,
		LicenseDeclared:       noAssertion,
		CopyrightText:         noAssertion,
		PrimaryPackagePurpose: "APPLICATION",
		Annotations: []Annotation{{
			Date:      b.created,
			Type:      "OTHER",
			Annotator: b.annotator,
			Comment:   buildInfoText(bi),
		}},
	}
	if sha1Hex != "" {
		binPkg.Checksums = append([]Checksum{{"SHA1", sha1Hex}}, binPkg.Checksums...)
	}
	if err := b.add(kindBinary, &binPkg, binKey); err != nil {
		return "", "", err
	}
	b.relate(documentID, relDescribes, binPkg.SPDXID)

	mainPkg, key, err := goModulePackage(bin.Name, &bi.Main, nil)
	if err != nil {
		return "", "", err
	}
	if err := b.addContained(binPkg.SPDXID, kindGoModule, mainPkg, key); err != nil {
		return "", "", err
	}
	for _, dep := range bi.Deps {
		if dep == nil {
			continue
		}
		m, r := dep, (*debug.Module)(nil)
		if dep.Replace != nil {
			m, r = dep.Replace, dep
		}
		p, key, err := goModulePackage(bin.Name, m, r)
		if err != nil {
			return "", "", err
		}
		if err := b.addContained(binPkg.SPDXID, kindGoModule, p, key); err != nil {
			return "", "", err
		}
		b.relate(mainPkg.SPDXID, relDependsOn, p.SPDXID)
	}
	if bi.GoVersion != "" {
		std, key := stdlibPackage(bi.GoVersion)
		if err := b.addContained(binPkg.SPDXID, kindStdlib, std, key); err != nil {
			return "", "", err
		}
		b.relate(mainPkg.SPDXID, relDependsOn, std.SPDXID)
	}
	for _, c := range bin.CPackages {
		p, key, err := c.spdxPackage()
		if err != nil {
			return "", "", fmt.Errorf("binary %q: %w", bin.Name, err)
		}
		if err := b.add(kindCPackage, p, key); err != nil {
			return "", "", err
		}
		b.relate(binPkg.SPDXID, relDependsOn, p.SPDXID)
	}
	main = bi.Main.Path + "@" + cmp.Or(bi.Main.Version, develVersion)
	return binPkg.SPDXID, main, nil
}

// addContained adds p and records that bin CONTAINS it.
func (b *builder) addContained(bin string, kind int, p *Package, key string) error {
	if err := b.add(kind, p, key); err != nil {
		return err
	}
	b.relate(bin, relContains, p.SPDXID)
	return nil
}

// add records p unless an identical package is already there. key is p's
// identity; two identities sharing an SPDXID would be a hash collision,
// reported rather than merged.
func (b *builder) add(kind int, p *Package, key string) error {
	if prev, ok := b.keys[p.SPDXID]; ok {
		if prev != key {
			return fmt.Errorf("%w: packages %q and %q would share SPDXID %s", ErrInvalidInput, prev, key, p.SPDXID)
		}
		return nil
	}
	b.keys[p.SPDXID] = key
	b.kinds[p.SPDXID] = kind
	b.pkgs[p.SPDXID] = p
	return nil
}

func (b *builder) relate(element, typ, related string) {
	b.rels[Relationship{Element: element, Type: typ, Related: related}] = true
}

// hexDigest checks that s is a hex digest of size bytes and returns it
// lowercase; an empty s is an error only when required.
func hexDigest(bin, algo, s string, size int, required bool) (string, error) {
	if s == "" && !required {
		return "", nil
	}
	raw, err := hex.DecodeString(s)
	if err != nil || len(raw) != size {
		return "", fmt.Errorf("%w: binary %q: %s %q is not %d hex digits", ErrInvalidBinary, bin, algo, s, 2*size)
	}
	return hex.EncodeToString(raw), nil
}

// buildSetting returns the value of build setting key, or "".
func buildSetting(bi *debug.BuildInfo, key string) string {
	for _, s := range bi.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// buildInfoText is the annotation that records how the binary was built:
// its Go version, main package path and build settings (GOOS, GOARCH,
// GOARM/GOAMD64, CGO_ENABLED, -tags, -ldflags, vcs.revision, vcs.time...),
// in `go version -m` syntax so debug.ParseBuildInfo reads it back. It holds
// nothing the binary does not already carry, and no module lines: those
// are packages of their own.
func buildInfoText(bi *debug.BuildInfo) string {
	settings := &debug.BuildInfo{GoVersion: bi.GoVersion, Path: bi.Path, Settings: bi.Settings}
	return "Go build info (go version -m):\n" + settings.String()
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}
