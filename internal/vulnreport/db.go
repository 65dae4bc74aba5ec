package vulnreport

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
)

// DefaultDB is the public Go vulnerability database govulncheck reads.
const DefaultDB = "https://vuln.go.dev"

// ErrInvalidOption is wrapped by the option and database errors.
var ErrInvalidOption = errors.New("invalid vulncheck option")

// ValidDB checks --db: an https (or http) URL, or file:///absolute/path
// of a database in the layout Database writes. "" is DefaultDB.
func ValidDB(db string) (string, error) {
	if db == "" {
		return DefaultDB, nil
	}
	u, err := url.Parse(db)
	if err != nil {
		return "", fmt.Errorf("%w: db %q: want an https:// URL or file:///absolute/path", ErrInvalidOption, db)
	}
	switch u.Scheme {
	case "https", "http":
		if u.Host == "" {
			return "", fmt.Errorf("%w: db %q: no host; want a URL such as %s", ErrInvalidOption, db, DefaultDB)
		}
		if u.User != nil {
			// A token in the URL would end up in logs and errors.
			return "", fmt.Errorf("%w: db %s: credentials in the URL are refused; serve the database without them or as a file:// directory", ErrInvalidOption, u.Redacted())
		}
	case "file":
		if u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			return "", fmt.Errorf("%w: db %q: want file:///absolute/path (three slashes)", ErrInvalidOption, db)
		}
	default:
		return "", fmt.Errorf("%w: db %q: want an https:// URL or file:///absolute/path", ErrInvalidOption, db)
	}
	return db, nil
}

// Advisory is one entry of a local database: a module's vulnerable
// symbols in one version range.
type Advisory struct {
	// ID is a Go vulnerability ID, GO-YYYY-NNNN.
	ID      string
	Aliases []string
	Summary string
	Details string
	// Module is the affected module path.
	Module string
	// Introduced and Fixed bound the vulnerable versions, semver without
	// the leading v ("0" for "since the start"; Fixed "" for "not fixed").
	Introduced, Fixed string
	// Package is the vulnerable package; Symbols its vulnerable functions
	// (Func, or Type.Method); none means the whole package.
	Package string
	Symbols []string
	// Modified dates the entry and the database.
	Modified time.Time
}

var (
	goID   = regexp.MustCompile(`^GO-[0-9]{4}-[0-9]{4,}$`)
	semver = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)
)

// Database is the files of a vulnerability database in the layout
// govulncheck reads from -db file:///dir (golang.org/x/vuln's v1 schema):
// index/db.json (when it was modified), index/modules.json (each module's
// advisories and fixed versions) and ID/<id>.json (the OSV entries),
// keyed by path relative to dir.
func Database(advisories []Advisory) (map[string][]byte, error) {
	if len(advisories) == 0 {
		return nil, fmt.Errorf("%w: a database needs an advisory", ErrInvalidOption)
	}
	type vuln struct {
		ID       string    `json:"id"`
		Modified time.Time `json:"modified"`
		Fixed    string    `json:"fixed,omitempty"`
	}
	type module struct {
		Path  string `json:"path"`
		Vulns []vuln `json:"vulns"`
	}
	files := map[string][]byte{}
	modules := map[string]*module{}
	var modified time.Time
	for _, a := range advisories {
		switch {
		case !goID.MatchString(a.ID):
			return nil, fmt.Errorf("%w: advisory %q: want an ID such as GO-2024-0001", ErrInvalidOption, a.ID)
		case files["ID/"+a.ID+".json"] != nil:
			return nil, fmt.Errorf("%w: advisory %s given twice", ErrInvalidOption, a.ID)
		case a.Module == "":
			return nil, fmt.Errorf("%w: advisory %s: no module", ErrInvalidOption, a.ID)
		case a.Introduced != "0" && !semver.MatchString(a.Introduced):
			return nil, fmt.Errorf("%w: advisory %s: introduced %q: want 0 or a version without v, such as 1.2.0", ErrInvalidOption, a.ID, a.Introduced)
		case a.Fixed != "" && !semver.MatchString(a.Fixed):
			return nil, fmt.Errorf("%w: advisory %s: fixed %q: want a version without v, such as 1.2.0", ErrInvalidOption, a.ID, a.Fixed)
		case a.Modified.IsZero():
			return nil, fmt.Errorf("%w: advisory %s: no modified time", ErrInvalidOption, a.ID)
		}
		pkg := a.Package
		if pkg == "" {
			pkg = a.Module
		}
		events := []map[string]string{{"introduced": a.Introduced}}
		if a.Fixed != "" {
			events = append(events, map[string]string{"fixed": a.Fixed})
		}
		type imp struct {
			Path    string   `json:"path"`
			Symbols []string `json:"symbols,omitempty"`
		}
		entry := map[string]any{
			"schema_version": "1.3.1",
			"id":             a.ID,
			"modified":       a.Modified.UTC(),
			"published":      a.Modified.UTC(),
			"aliases":        a.Aliases,
			"summary":        a.Summary,
			"details":        a.Details,
			"affected": []map[string]any{{
				"package":            map[string]string{"name": a.Module, "ecosystem": "Go"},
				"ranges":             []map[string]any{{"type": "SEMVER", "events": events}},
				"ecosystem_specific": map[string]any{"imports": []imp{{Path: pkg, Symbols: a.Symbols}}},
			}},
			"database_specific": map[string]string{"url": "https://pkg.go.dev/vuln/" + a.ID},
		}
		js, err := json.Marshal(entry)
		if err != nil {
			return nil, err
		}
		files[path.Join("ID", a.ID+".json")] = js
		m := modules[a.Module]
		if m == nil {
			m = &module{Path: a.Module}
			modules[a.Module] = m
		}
		m.Vulns = append(m.Vulns, vuln{ID: a.ID, Modified: a.Modified.UTC(), Fixed: a.Fixed})
		if a.Modified.After(modified) {
			modified = a.Modified
		}
	}
	var list []*module
	for _, m := range modules {
		slices.SortFunc(m.Vulns, func(a, b vuln) int { return strings.Compare(a.ID, b.ID) })
		list = append(list, m)
	}
	slices.SortFunc(list, func(a, b *module) int { return strings.Compare(a.Path, b.Path) })
	var err error
	if files["index/modules.json"], err = json.Marshal(list); err != nil {
		return nil, err
	}
	if files["index/db.json"], err = json.Marshal(map[string]time.Time{"modified": modified.UTC()}); err != nil {
		return nil, err
	}
	return files, nil
}
