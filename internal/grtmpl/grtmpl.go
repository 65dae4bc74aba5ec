// Package grtmpl is GoReleaser's template language (v2.15), as a
// .goreleaser.yaml uses it in names, ldflags, env entries and hooks: Go's
// text/template with GoReleaser's fields (Fields, TargetFields) and
// functions (Funcs), run within bounds.
//
// Everything goes through one function, Renderer.Render, which runs the
// template with internal/usertmpl, go-build's one bounded executor: a
// template is refused when it is parsed if it can loop or recurse (range,
// break, continue, define, block, template), and every string a function
// makes and everything an execution writes is capped (Limits.MaxOutput);
// each execution stops after Limits.Timeout. Without loops or recursion an
// execution runs each action at most once, so its time is bounded by its
// text.
//
// GoReleaser functions that read files (readFile, mustReadFile, the
// checksum functions) or depend on the machine's working directory (abs)
// are refused with that reason, as are GoReleaser Pro's (in, reReplaceAll);
// an unknown function fails naming the functions accepted.
package grtmpl

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/semver/v3"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"

	"dagger/go-build/internal/usertmpl"
)

// ErrTemplate is wrapped by every error of this package.
var ErrTemplate = errors.New("invalid template")

// Limits bound one template: its text, what one execution writes (and any
// string a function returns on the way), and how long one execution runs.
type Limits struct {
	MaxText   int
	MaxOutput int
	Timeout   time.Duration
}

// DefaultLimits fit every field a .goreleaser.yaml templates (a long
// -ldflags value is a few hundred bytes): 16 KiB of text, 64 KiB of output,
// one second.
var DefaultLimits = Limits{MaxText: 16 << 10, MaxOutput: 64 << 10, Timeout: time.Second}

// Renderer runs templates. The zero Renderer uses DefaultLimits and the
// real clock for the time function.
type Renderer struct {
	// Limits bound every execution; zero fields take DefaultLimits'.
	Limits Limits
	// Now is the clock of the time function (GoReleaser's time "2006" is
	// the current UTC time); nil is time.Now.
	Now func() time.Time
}

// Fields are a template's data: GoReleaser's field names (Version, Os...)
// to values. Env, when present, is a map[string]string.
type Fields map[string]any

// Merge is f with the entries of more added, more winning.
func (f Fields) Merge(more Fields) Fields {
	out := make(Fields, len(f)+len(more))
	maps.Copy(out, f)
	maps.Copy(out, more)
	return out
}

// refused are GoReleaser functions go-build does not run, with the reason.
var refused = map[string]string{
	"abs":          "depends on the working directory of the machine that runs it",
	"readFile":     "reads a file while the template runs",
	"mustReadFile": "reads a file while the template runs",
	"blake2b":      "checksums a file while the template runs",
	"blake2s":      "checksums a file while the template runs",
	"blake3":       "checksums a file while the template runs",
	"crc32":        "checksums a file while the template runs",
	"md5":          "checksums a file while the template runs",
	"sha1":         "checksums a file while the template runs",
	"sha224":       "checksums a file while the template runs",
	"sha256":       "checksums a file while the template runs",
	"sha384":       "checksums a file while the template runs",
	"sha512":       "checksums a file while the template runs",
	"sha3_224":     "checksums a file while the template runs",
	"sha3_256":     "checksums a file while the template runs",
	"sha3_384":     "checksums a file while the template runs",
	"sha3_512":     "checksums a file while the template runs",
	"call":         "calls a function value, which no field is",
	"in":           "is a GoReleaser Pro function",
	"reReplaceAll": "is a GoReleaser Pro function",
}

// Funcs lists the functions a template may call, sorted: GoReleaser's
// (replace, split, time, title, incpatch, envOrDefault...) and
// text/template's comparisons, lookups and printing.
func Funcs() []string {
	return Renderer{}.lang(nil).FuncNames()
}

// lang is GoReleaser's template language for one execution on fields,
// run by internal/usertmpl, the one bounded executor.
func (r Renderer) lang(fields Fields) usertmpl.Lang {
	now := r.Now
	if now == nil {
		now = time.Now
	}
	return usertmpl.Lang{
		Funcs: func(u *usertmpl.Run) template.FuncMap {
			return (&run{Run: u, now: now, fields: fields}).funcs()
		},
		Refused:  refused,
		LoopHint: "use if, with, index, englishJoin",
	}
}

// Render runs text on fields and returns what it writes. name says what the
// template is in errors (e.g. "builds[0].ldflags[1]"). Errors wrap
// ErrTemplate; they name the template and its text, never a field's value.
func (r Renderer) Render(name, text string, fields Fields) (string, error) {
	lim := r.limits()
	if !strings.Contains(text, "{{") {
		if len(text) > lim.MaxOutput {
			return "", fmt.Errorf("%w: %s is %d bytes long: at most %d are accepted", ErrTemplate, name, len(text), lim.MaxOutput)
		}
		return text, nil
	}
	t, err := usertmpl.Parse(name, text, usertmpl.Limits(lim), r.lang(fields))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrTemplate, err)
	}
	out, err := t.Execute(map[string]any(fields))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrTemplate, err)
	}
	return out, nil
}

// Check parses text as a template without running it: the errors Render
// gives for a template that cannot run, whatever the fields.
func (r Renderer) Check(name, text string) error {
	if _, err := usertmpl.Parse(name, text, usertmpl.Limits(r.limits()), r.lang(nil)); err != nil {
		return fmt.Errorf("%w: %w", ErrTemplate, err)
	}
	return nil
}

func (r Renderer) limits() Limits {
	l := r.Limits
	if l.MaxText <= 0 {
		l.MaxText = DefaultLimits.MaxText
	}
	if l.MaxOutput <= 0 {
		l.MaxOutput = DefaultLimits.MaxOutput
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultLimits.Timeout
	}
	return l
}

// run is one execution: usertmpl's bounds, and what GoReleaser's
// functions read (the clock, the .Env field).
type run struct {
	*usertmpl.Run
	now    func() time.Time
	fields Fields
}

// str checks a string a function made against the limits.
func (r *run) str(s string) (string, error) { return r.Str("a function's result", s) }

func (r *run) strs(ss []string) ([]string, error) { return r.Strs("a function's list", ss) }

func (r *run) env() map[string]string {
	if e, ok := r.fields["Env"].(map[string]string); ok {
		return e
	}
	return nil
}

// title is GoReleaser's: English title case (golang.org/x/text/cases). A
// Caser keeps state, so each call makes its own.
func title(s string) string { return cases.Title(language.English).String(s) }

// funcs are the functions a template may call, each bounded.
func (r *run) funcs() template.FuncMap {
	s1 := func(f func(string) string) func(string) (string, error) {
		return func(a string) (string, error) { return r.str(f(a)) }
	}
	s2 := func(f func(string, string) string) func(string, string) (string, error) {
		return func(a, b string) (string, error) { return r.str(f(a, b)) }
	}
	m := template.FuncMap{
		"replace": func(s, old, new string) (string, error) {
			// Checked before the call: the result can be far longer than
			// its arguments.
			if err := r.Size("the result of replace", len(s)+strings.Count(s, old)*(len(new)-len(old))); err != nil {
				return "", err
			}
			return strings.ReplaceAll(s, old, new), nil
		},
		"split": func(s, sep string) ([]string, error) { return r.strs(strings.Split(s, sep)) },
		"time": func(layout string) (string, error) {
			return r.str(r.now().UTC().Format(layout))
		},
		"contains":      strings.Contains,
		"tolower":       s1(strings.ToLower),
		"toupper":       s1(strings.ToUpper),
		"trim":          s1(strings.TrimSpace),
		"trimprefix":    s2(strings.TrimPrefix),
		"trimsuffix":    s2(strings.TrimSuffix),
		"title":         s1(title),
		"dir":           s1(filepath.Dir),
		"base":          s1(filepath.Base),
		"incmajor":      r.inc("incmajor", semver.Version.IncMajor),
		"incminor":      r.inc("incminor", semver.Version.IncMinor),
		"incpatch":      r.inc("incpatch", semver.Version.IncPatch),
		"filter":        r.filter(false),
		"reverseFilter": r.filter(true),
		"mdv2escape":    s1(mdv2Escape.Replace),
		"envOrDefault": func(name, value string) string {
			if v, ok := r.env()[name]; ok {
				return v
			}
			return value
		},
		"isEnvSet": func(name string) bool { return r.env()[name] != "" },
		"map": func(kvs ...string) (map[string]string, error) {
			if len(kvs)%2 != 0 {
				return nil, fmt.Errorf("map expects even number of arguments, got %d", len(kvs))
			}
			m := make(map[string]string, len(kvs)/2)
			for i := 0; i < len(kvs); i += 2 {
				m[kvs[i]] = kvs[i+1]
			}
			return m, nil
		},
		"indexOrDefault": func(m map[string]string, name, value string) string {
			if v, ok := m[name]; ok {
				return v
			}
			return value
		},
		"urlPathEscape": s1(url.PathEscape),
		"englishJoin":   func(ss []string) (string, error) { return r.str(englishJoin(ss)) },
		"list":          func(items ...string) []string { return items },
	}
	// text/template's printing and escaping builtins, bounded.
	maps.Copy(m, usertmpl.BoundedPrinting(r.Run))
	return m
}

// inc is incmajor, incminor or incpatch: the version incremented, keeping a
// leading v. GoReleaser panics on a version that is not semantic; this is
// an error naming it.
func (r *run) inc(name string, f func(semver.Version) semver.Version) func(string) (string, error) {
	return func(v string) (string, error) {
		sv, err := semver.NewVersion(v)
		if err != nil {
			// The value is not named: it may come from .Env.
			return "", fmt.Errorf("%s: its argument is not a semantic version such as v1.2.3", name)
		}
		prefix := ""
		if strings.HasPrefix(v, "v") {
			prefix = "v"
		}
		return r.str(prefix + f(*sv).String())
	}
}

func (r *run) filter(reverse bool) func(content, exp string) (string, error) {
	return func(content, exp string) (string, error) {
		re, err := regexp.CompilePOSIX(exp)
		if err != nil {
			// The expression is not named: it may come from .Env.
			return "", errors.New("filter: its expression is not a POSIX regular expression")
		}
		var lines []string
		for line := range strings.SplitSeq(content, "\n") {
			if re.MatchString(line) != reverse {
				lines = append(lines, line)
			}
		}
		return r.str(strings.Join(lines, "\n"))
	}
}

var mdv2Escape = strings.NewReplacer(
	"_", "\\_", "*", "\\*", "[", "\\[", "]", "\\]", "(", "\\(", ")", "\\)",
	"~", "\\~", "`", "\\`", ">", "\\>", "#", "\\#", "+", "\\+", "-", "\\-",
	"=", "\\=", "|", "\\|", "{", "\\{", "}", "\\}", ".", "\\.", "!", "\\!",
)

// englishJoin joins the non-blank items as English does: "a", "a and b",
// "a, b, and c" (GoReleaser's englishJoin, Oxford comma included).
func englishJoin(ss []string) string {
	var items []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			items = append(items, s)
		}
	}
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		return items[0] + " and " + items[1]
	}
	return strings.Join(items[:len(items)-1], ", ") + ", and " + items[len(items)-1]
}
