// Package grtmpl is GoReleaser's template language (v2.15), as a
// .goreleaser.yaml uses it in names, ldflags, env entries and hooks: Go's
// text/template with GoReleaser's fields (Fields, TargetFields) and
// functions (Funcs), run within bounds.
//
// Everything goes through one function, Renderer.Render, so the executor can
// be swapped for a shared bounded one without touching its callers. A
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
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/Masterminds/semver/v3"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
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

// builtins are text/template's own functions a template may call; the
// printing and escaping ones are replaced by bounded versions in funcs.
var builtins = []string{"and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "slice"}

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
	names := slices.Collect(maps.Keys((&run{}).funcs()))
	names = append(names, builtins...)
	slices.Sort(names)
	return names
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
	if len(text) > lim.MaxText {
		return "", fmt.Errorf("%w: %s is %d bytes long: at most %d are accepted", ErrTemplate, name, len(text), lim.MaxText)
	}
	if err := check(text); err != nil {
		return "", fmt.Errorf("%w: %s %q: %v", ErrTemplate, name, text, err)
	}
	now := r.Now
	if now == nil {
		now = time.Now
	}
	rn := &run{limits: lim, deadline: time.Now().Add(lim.Timeout), now: now, fields: fields}
	t, err := template.New(name).Option("missingkey=error").Funcs(rn.funcs()).Parse(text)
	if err != nil {
		return "", fmt.Errorf("%w: %s %q: %v", ErrTemplate, name, text, cleanErr(err))
	}
	w := &capWriter{run: rn}
	if err := t.Execute(w, map[string]any(fields)); err != nil {
		if rn.stop != nil {
			return "", fmt.Errorf("%w: %s %q: %v", ErrTemplate, name, text, rn.stop)
		}
		return "", fmt.Errorf("%w: %s %q: %v", ErrTemplate, name, text, cleanErr(err))
	}
	return w.b.String(), nil
}

// Check parses text as a template without running it: the errors Render
// gives for a template that cannot run, whatever the fields.
func (r Renderer) Check(name, text string) error {
	lim := r.limits()
	if len(text) > lim.MaxText {
		return fmt.Errorf("%w: %s is %d bytes long: at most %d are accepted", ErrTemplate, name, len(text), lim.MaxText)
	}
	if err := check(text); err != nil {
		return fmt.Errorf("%w: %s %q: %v", ErrTemplate, name, text, err)
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

// cleanErr drops text/template's "template: name:1:2: " prefix noise down
// to the position and reason.
func cleanErr(err error) string {
	return strings.TrimPrefix(err.Error(), "template: ")
}

// check parses text with every name known (so a refused function gets its
// reason, not "not defined") and refuses the constructs that loop, recurse
// or call a refused or unknown function.
func check(text string) error {
	known := map[string]any{}
	for name := range (&run{}).funcs() {
		known[name] = true
	}
	for name := range refused {
		known[name] = true
	}
	trees, err := parse.Parse("t", text, "", "", known, builtinNames())
	if err != nil {
		return errors.New(cleanErr(err))
	}
	if len(trees) > 1 {
		return errors.New("define and block are not accepted: a template here is one template")
	}
	for _, tree := range trees {
		if err := checkNode(tree.Root); err != nil {
			return err
		}
	}
	return nil
}

// builtinNames are all of text/template's builtins, for parsing; checkNode
// refuses those not in builtins or replaced in funcs.
func builtinNames() map[string]any {
	m := map[string]any{}
	for _, n := range []string{"and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "slice", "call", "html", "js", "print", "printf", "println", "urlquery"} {
		m[n] = true
	}
	return m
}

func checkNode(node parse.Node) error {
	switch n := node.(type) {
	case nil:
		return nil
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := checkNode(c); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return checkNode(n.Pipe)
	case *parse.IfNode:
		return checkBranch(&n.BranchNode)
	case *parse.WithNode:
		return checkBranch(&n.BranchNode)
	case *parse.RangeNode:
		return errors.New("range is not accepted: a template here runs each action once (use if, with, index, englishJoin)")
	case *parse.BreakNode, *parse.ContinueNode:
		return fmt.Errorf("%s is not accepted: a template here has no loops", n)
	case *parse.TemplateNode:
		return fmt.Errorf("{{template %q}} is not accepted: a template here is one template", n.Name)
	case *parse.PipeNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Cmds {
			if err := checkNode(c); err != nil {
				return err
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if err := checkNode(a); err != nil {
				return err
			}
		}
	case *parse.ChainNode:
		return checkNode(n.Node)
	case *parse.IdentifierNode:
		if why, ok := refused[n.Ident]; ok {
			return fmt.Errorf("function %s is not run by go-build: it %s", n.Ident, why)
		}
	}
	return nil
}

func checkBranch(b *parse.BranchNode) error {
	for _, n := range []parse.Node{b.Pipe, b.List, b.ElseList} {
		if err := checkNode(n); err != nil {
			return err
		}
	}
	return nil
}

// run is one execution: its limits, its deadline, and the first limit it
// hit (stop), which Render reports instead of text/template's wrapping.
type run struct {
	limits   Limits
	deadline time.Time
	now      func() time.Time
	fields   Fields
	stop     error
}

// capWriter is the execution's output, failing past MaxOutput or the
// deadline.
type capWriter struct {
	run *run
	b   strings.Builder
}

func (w *capWriter) Write(p []byte) (int, error) {
	if err := w.run.tick(); err != nil {
		return 0, err
	}
	if w.b.Len()+len(p) > w.run.limits.MaxOutput {
		return 0, w.run.fail(fmt.Errorf("the output passes %d bytes", w.run.limits.MaxOutput))
	}
	return w.b.Write(p)
}

func (r *run) fail(err error) error {
	if r.stop == nil {
		r.stop = err
	}
	return r.stop
}

// tick fails once the deadline has passed.
func (r *run) tick() error {
	if r.deadline.IsZero() || time.Now().Before(r.deadline) {
		return nil
	}
	return r.fail(fmt.Errorf("the template ran longer than %s", r.limits.Timeout))
}

// str checks a string a function made against the limits.
func (r *run) str(s string) (string, error) {
	if err := r.tick(); err != nil {
		return "", err
	}
	if len(s) > r.limits.MaxOutput {
		return "", r.fail(fmt.Errorf("a function made a string of %d bytes: at most %d are accepted", len(s), r.limits.MaxOutput))
	}
	return s, nil
}

func (r *run) strs(ss []string) ([]string, error) {
	n := 0
	for _, s := range ss {
		n += len(s)
	}
	if err := r.tick(); err != nil {
		return nil, err
	}
	if n > r.limits.MaxOutput || len(ss) > r.limits.MaxOutput {
		return nil, r.fail(fmt.Errorf("a function made a list of %d bytes: at most %d are accepted", n, r.limits.MaxOutput))
	}
	return ss, nil
}

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
	return template.FuncMap{
		"replace": func(s, old, new string) (string, error) {
			// Checked before the call: the result can be far longer than
			// its arguments.
			if n := strings.Count(s, old); old != new && len(s)+n*(len(new)-len(old)) > r.limits.MaxOutput {
				return "", r.fail(fmt.Errorf("replace would make a string longer than %d bytes", r.limits.MaxOutput))
			}
			return r.str(strings.ReplaceAll(s, old, new))
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
		// text/template's printing and escaping builtins, bounded.
		"print":   func(args ...any) (string, error) { return r.str(fmt.Sprint(args...)) },
		"println": func(args ...any) (string, error) { return r.str(fmt.Sprintln(args...)) },
		"printf": func(format string, args ...any) (string, error) {
			if err := checkFormat(format, r.limits.MaxOutput); err != nil {
				return "", r.fail(err)
			}
			return r.str(fmt.Sprintf(format, args...))
		},
		"html":     func(args ...any) (string, error) { return r.str(template.HTMLEscaper(args...)) },
		"js":       func(args ...any) (string, error) { return r.str(template.JSEscaper(args...)) },
		"urlquery": func(args ...any) (string, error) { return r.str(template.URLQueryEscaper(args...)) },
	}
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

// checkFormat refuses a printf format whose width or precision could make a
// string longer than max before it is checked, and * widths.
func checkFormat(format string, max int) error {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		for i++; i < len(format); i++ {
			c := format[i]
			if c == '*' {
				return errors.New("printf with a * width or precision is not accepted")
			}
			if c >= '0' && c <= '9' {
				n := 0
				for ; i < len(format) && format[i] >= '0' && format[i] <= '9'; i++ {
					if n = n*10 + int(format[i]-'0'); n > max {
						return fmt.Errorf("printf width or precision passes %d", max)
					}
				}
				i--
				continue
			}
			if strings.IndexByte("+-# .[]", c) < 0 {
				break
			}
		}
	}
	return nil
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
