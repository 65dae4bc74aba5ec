package linuxpkg

import (
	"cmp"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode"

	"dagger/go-build/internal/redact"
)

// Metadata are the descriptive fields of every package of a release.
type Metadata struct {
	// Maintainer is who answers for the package, "Name <email>" (deb's
	// Maintainer, rpm's Packager, apk's maintainer).
	Maintainer string
	// Description is the package description; its first line is the
	// summary package managers list.
	Description string
	// Homepage is the project's URL.
	Homepage string
	// License is the license, best as an SPDX expression (MIT,
	// Apache-2.0); empty leaves the field out where the format allows.
	License string
	// Vendor is the organization that distributes the package (rpm's
	// Vendor; deb and apk have no such field).
	Vendor string
}

// DefaultMaintainer is the maintainer of a package when none is given:
// nFPM's own stand-in, which says plainly that nobody was named.
const DefaultMaintainer = "Unset Maintainer <unset@localhost>"

// maxField is the longest metadata value accepted.
const maxField = 4096

// Check reports every field that is unusable: a maintainer that is not
// "Name <email>" (or a bare address), a homepage that is not an absolute
// http(s) URL, a control character in any field (a newline would start a
// new field in a deb control file or an apk .PKGINFO), or a field longer
// than 4096 bytes. Errors wrap ErrMetadata.
func (m Metadata) Check() error {
	var errs []error
	for _, f := range [...]struct{ name, value string }{
		{"packageMaintainer", m.Maintainer},
		{"packageDescription", m.Description},
		{"packageHomepage", m.Homepage},
		{"packageLicense", m.License},
		{"packageVendor", m.Vendor},
	} {
		if len(f.value) > maxField {
			errs = append(errs, fmt.Errorf("%w: %s is %d bytes long: at most %d are accepted", ErrMetadata, f.name, len(f.value), maxField))
		}
		if i := strings.IndexFunc(f.value, unicode.IsControl); i >= 0 {
			errs = append(errs, fmt.Errorf("%w: %s %q has a control character at byte %d: give one line of text", ErrMetadata, f.name, f.value, i))
		}
	}
	if m.Maintainer != "" {
		if _, err := mail.ParseAddress(m.Maintainer); err != nil {
			errs = append(errs, fmt.Errorf("%w: packageMaintainer %q is not \"Name <email>\": %v (e.g. \"Jane Doe <jane@example.com>\")", ErrMetadata, m.Maintainer, err))
		}
	}
	if m.Homepage != "" {
		// The value is named as redact.Flag shows it: a URL may hold a
		// password, and one that does not parse is not echoed at all.
		u, err := url.Parse(m.Homepage)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			errs = append(errs, fmt.Errorf("%w: %s is not an absolute http or https URL (e.g. https://github.com/owner/project)", ErrMetadata, redact.Flag("packageHomepage", m.Homepage)))
		case u.User != nil:
			errs = append(errs, fmt.Errorf("%w: %s holds a user or password, which every package's metadata would show: give the public URL (e.g. https://github.com/owner/project)", ErrMetadata, redact.Flag("packageHomepage", m.Homepage)))
		}
	}
	return errors.Join(errs...)
}

// WithDefaults fills in the fields not given: the maintainer
// (DefaultMaintainer), the description ("<name>, built from the Go module
// <module path>"), the homepage (DefaultHomepage of the module path) and
// the license (DetectLicense of licenseText, the source's LICENSE file;
// left empty when it names no license DetectLicense knows). The vendor has
// no default.
func (m Metadata) WithDefaults(name, modulePath, licenseText string) Metadata {
	m.Maintainer = cmp.Or(m.Maintainer, DefaultMaintainer)
	if m.Description == "" {
		m.Description = name
		if modulePath != "" {
			m.Description += ", built from the Go module " + modulePath
		}
	}
	m.Homepage = cmp.Or(m.Homepage, DefaultHomepage(modulePath))
	m.License = cmp.Or(m.License, DetectLicense(licenseText))
	return m
}

// majorSuffix is a module path's major version element, /v2 and up.
var majorSuffix = regexp.MustCompile(`^v[2-9][0-9]*$|^v[1-9][0-9]+$`)

// DefaultHomepage is the https URL of a module path whose first element is
// a host name (has a dot), without a /vN major version suffix:
// https://github.com/mikefarah/yq for github.com/mikefarah/yq/v4. A
// gopkg.in path is kept whole. Empty for a path with no host (example/app).
func DefaultHomepage(modulePath string) string {
	first, _, _ := strings.Cut(modulePath, "/")
	if !strings.Contains(first, ".") {
		return ""
	}
	p := modulePath
	if dir, last := path.Split(p); dir != "" && majorSuffix.MatchString(last) && first != "gopkg.in" {
		p = strings.TrimSuffix(dir, "/")
	}
	return "https://" + p
}

// licenseFile matches the names GoReleaser and pkg.go.dev look at for a
// license, in the source root.
var licenseFile = regexp.MustCompile(`(?i)^(LICEN[CS]E|COPYING)([.-].*)?$`)

// IsLicenseFile reports whether the file named name (a base name) is a
// license file DetectLicense should read.
func IsLicenseFile(name string) bool { return licenseFile.MatchString(name) }

// spdxTag is an SPDX-License-Identifier line.
var spdxTag = regexp.MustCompile(`(?m)SPDX-License-Identifier:\s*([A-Za-z0-9.+()\- ]+?)\s*(\*/)?$`)

// licenseMarks are phrases that identify a license text, each with the
// SPDX id of the license; the first whose every phrase is in the text
// (case and white space ignored) names it. More specific texts come before
// the ones they contain: BSD-3-Clause's clauses hold BSD-2-Clause's, ISC's
// grant is 0BSD's with a notice requirement added. The GPL family is left
// out: its text does not say whether "or any later version" applies, which
// the SPDX id has to (GPL-3.0-only or GPL-3.0-or-later).
var licenseMarks = []struct {
	id      string
	phrases []string
}{
	{"Apache-2.0", []string{"apache license", "version 2.0"}},
	{"MPL-2.0", []string{"mozilla public license", "2.0"}},
	{"BSD-3-Clause", []string{"redistribution and use in source and binary forms", "neither the name"}},
	{"BSD-2-Clause", []string{"redistribution and use in source and binary forms"}},
	{"MIT", []string{"permission is hereby granted, free of charge, to any person obtaining a copy"}},
	{"ISC", []string{iscGrant, "provided that the above copyright notice and this permission notice appear in all copies"}},
	{"0BSD", []string{iscGrant}},
	{"Unlicense", []string{"this is free and unencumbered software released into the public domain"}},
}

// iscGrant opens the ISC and 0BSD licenses.
const iscGrant = "permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted"

// DetectLicense names the license of a license file's text as an SPDX id:
// the file's SPDX-License-Identifier tag if it has one, else the first
// license of a short list of common ones (Apache-2.0, MPL-2.0,
// BSD-3-Clause, BSD-2-Clause, MIT, ISC, 0BSD, Unlicense) whose
// characteristic phrases it contains. Empty when none matches: a wrong
// license is worse than none, so give packageLicense for anything else.
func DetectLicense(text string) string {
	if m := spdxTag.FindStringSubmatch(text); m != nil {
		return strings.TrimSpace(m[1])
	}
	norm := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	if norm == "" {
		return ""
	}
	for _, l := range licenseMarks {
		all := true
		for _, p := range l.phrases {
			all = all && strings.Contains(norm, p)
		}
		if all {
			return l.id
		}
	}
	return ""
}
