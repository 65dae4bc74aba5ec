// Package usertmpl runs the Go text/templates users give go-build (release
// archive names, Linux package names, a .goreleaser.yaml's templates in
// internal/grtmpl, a .ko.yaml's in internal/koconfig) within bounds, so a
// short template cannot make a long string or a long run. It is the one
// bounded executor: every template site parses and runs through it, each
// with its own Lang (the functions it offers) and Limits.
//
// A template is refused when it is parsed if it can loop or recurse:
// range (and break, continue), template, define and block; so is a call of
// a function the Lang refuses (with its reason) and of any text/template
// builtin but the comparisons and lookups of Builtins, unless the Lang
// offers a bounded version of it (BoundedPrinting). What is left runs each
// of its actions at most once, so its run is bounded by its size. On top
// of that, every execution stops with an error naming the limit when its
// output, or a string a function makes, passes Limits.MaxOutput bytes, or
// once it has run for Limits.Timeout; the functions check their results
// with the execution's Run.
//
// The package is pure: it imports no Dagger code.
package usertmpl

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
	"unicode"
)

// ErrTemplate is wrapped by every error of this package: a template
// refused when parsed, or cut when run.
var ErrTemplate = errors.New("template refused")

// Limits bound a template: its own text, what one execution writes (and
// any string a function makes on the way), and how long one execution may
// run.
type Limits struct {
	// MaxText is the longest template accepted, in bytes.
	MaxText int
	// MaxOutput is the most one execution may write, and the longest
	// string any function may return, in bytes.
	MaxOutput int
	// Timeout is how long one execution may run.
	Timeout time.Duration
}

// NameLimits are the limits of name templates: 4 KiB of template, 4 KiB
// of output (a file name is at most 255 bytes anyway) and one second.
var NameLimits = Limits{MaxText: 4096, MaxOutput: 4096, Timeout: time.Second}

// Builtins are the text/template functions every template may call: none
// of them makes a string longer than its arguments.
var Builtins = []string{"and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "slice"}

// Lang is what templates of one kind may call besides Builtins.
type Lang struct {
	// Funcs makes the functions of one execution, each bounded with r
	// (Run.Str, Run.Size). It is also called with a Run that never runs
	// to learn their names.
	Funcs func(r *Run) template.FuncMap
	// Refused are functions refused when a template is parsed, each
	// with why (it "reads a file while the template runs").
	Refused map[string]string
	// LoopHint says what to use instead of range, in its error.
	LoopHint string
}

// Names is the Lang of name templates: StringFuncs, GoReleaser's pure
// string functions.
var Names = Lang{Funcs: StringFuncs, LoopHint: "use if, with, the fields and functions such as replace"}

// FuncNames lists the functions a template of lang may call, sorted:
// lang's and Builtins.
func (lang Lang) FuncNames() []string {
	names := slices.Collect(maps.Keys(lang.funcs(&Run{})))
	names = append(names, Builtins...)
	slices.Sort(names)
	return slices.Compact(names)
}

func (lang Lang) funcs(r *Run) template.FuncMap {
	if lang.Funcs == nil {
		return template.FuncMap{}
	}
	return lang.Funcs(r)
}

// Template is a parsed template, checked to be bounded.
type Template struct {
	tmpl   *template.Template
	text   string
	limits Limits
	lang   Lang
}

// Parse reads text as a template named name (what errors call it), with
// missingkey=error so a field the data lacks fails rather than printing
// "<no value>". It refuses a template longer than limits.MaxText, one
// that does not parse, and one that uses a construct that can loop or a
// function lang does not offer, each error naming the construct and what
// is accepted. Errors wrap ErrTemplate.
func Parse(name, text string, limits Limits, lang Lang) (*Template, error) {
	if len(text) > limits.MaxText {
		return nil, fmt.Errorf("%w: %s is %d bytes long: at most %d are accepted", ErrTemplate, name, len(text), limits.MaxText)
	}
	// Refused functions parse, so their error is their reason rather
	// than "not defined"; the check below refuses them.
	known := lang.funcs(&Run{})
	for n := range lang.Refused {
		if _, ok := known[n]; !ok {
			known[n] = func() string { return "" }
		}
	}
	t, err := template.New(name).Option("missingkey=error").Funcs(known).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %q: %s", ErrTemplate, name, text, strings.TrimPrefix(err.Error(), "template: "))
	}
	if len(t.Templates()) > 1 {
		return nil, fmt.Errorf("%w: %s %q: define and block are not accepted: a template here is one template", ErrTemplate, name, text)
	}
	if t.Tree != nil {
		c := checker{lang: lang, known: known}
		if err := c.check(t.Tree.Root); err != nil {
			return nil, fmt.Errorf("%w: %s %q: %v", ErrTemplate, name, text, err)
		}
	}
	return &Template{tmpl: t, text: text, limits: limits, lang: lang}, nil
}

// checker refuses the nodes that can loop or call out.
type checker struct {
	lang  Lang
	known template.FuncMap
}

func (c checker) check(node parse.Node) error {
	switch n := node.(type) {
	case nil:
		return nil
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, k := range n.Nodes {
			if err := c.check(k); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return c.check(n.Pipe)
	case *parse.IfNode:
		return c.branch(&n.BranchNode)
	case *parse.WithNode:
		return c.branch(&n.BranchNode)
	case *parse.RangeNode:
		msg := "range is not accepted: a template here runs each action once"
		if c.lang.LoopHint != "" {
			msg += " (" + c.lang.LoopHint + ")"
		}
		return errors.New(msg)
	case *parse.BreakNode, *parse.ContinueNode:
		return fmt.Errorf("%s is not accepted: a template here has no loops", n)
	case *parse.TemplateNode:
		return fmt.Errorf("{{template %q}} is not accepted: a template here is one template", n.Name)
	case *parse.PipeNode:
		if n == nil {
			return nil
		}
		for _, k := range n.Cmds {
			if err := c.check(k); err != nil {
				return err
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if err := c.check(a); err != nil {
				return err
			}
		}
	case *parse.ChainNode:
		return c.check(n.Node)
	case *parse.IdentifierNode:
		if why, ok := c.lang.Refused[n.Ident]; ok {
			return fmt.Errorf("function %s is not run by go-build: it %s", n.Ident, why)
		}
		_, offered := c.lang.funcs(&Run{})[n.Ident]
		if !offered && !slices.Contains(Builtins, n.Ident) {
			return fmt.Errorf("function %s is not accepted (its output is not bounded); accepted: %s", n.Ident, strings.Join(c.lang.FuncNames(), ", "))
		}
	case *parse.TextNode, *parse.CommentNode, *parse.FieldNode, *parse.VariableNode, *parse.DotNode,
		*parse.StringNode, *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
	default:
		return fmt.Errorf("%s is not accepted", node)
	}
	return nil
}

func (c checker) branch(b *parse.BranchNode) error {
	for _, n := range []parse.Node{b.Pipe, b.List, b.ElseList} {
		if err := c.check(n); err != nil {
			return err
		}
	}
	return nil
}

// Execute runs the template on data and returns what it wrote. It fails,
// wrapping ErrTemplate, when the output or a string a function makes
// passes MaxOutput bytes or the run passes Timeout; then nothing longer
// than the limit was made.
func (t *Template) Execute(data any) (string, error) {
	r := &Run{limits: t.limits, deadline: time.Now().Add(t.limits.Timeout)}
	run, err := t.tmpl.Clone()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrTemplate, err)
	}
	run.Funcs(t.lang.funcs(r))
	w := &boundedWriter{r: r}
	if err := run.Execute(w, data); err != nil {
		if r.stop != nil {
			err = r.stop
		}
		return "", fmt.Errorf("%w: %s %q: %s", ErrTemplate, t.tmpl.Name(), t.text, strings.TrimPrefix(err.Error(), "template: "))
	}
	return w.out.String(), nil
}

// Run is one execution of a template: what it may still make, and until
// when. A Lang's functions check what they make with it.
type Run struct {
	limits   Limits
	deadline time.Time
	// stop is the first limit passed; it ends the execution.
	stop error
}

// MaxOutput is the longest string the execution may make.
func (r *Run) MaxOutput() int { return r.limits.MaxOutput }

func (r *Run) fail(err error) error {
	if r.stop == nil {
		r.stop = err
	}
	return r.stop
}

// Tick fails once the execution has run for longer than its timeout (or
// has passed a limit already).
func (r *Run) Tick() error {
	if r.stop != nil {
		return r.stop
	}
	if !r.deadline.IsZero() && time.Now().After(r.deadline) {
		return r.fail(fmt.Errorf("the template ran for more than %v", r.limits.Timeout))
	}
	return nil
}

// Size fails when a string of n bytes, what, would pass the limit: the
// check before making a string that can be far longer than its inputs.
func (r *Run) Size(what string, n int) error {
	if err := r.Tick(); err != nil {
		return err
	}
	if n > r.limits.MaxOutput {
		return r.fail(fmt.Errorf("%s would be %d bytes long: at most %d are accepted", what, n, r.limits.MaxOutput))
	}
	return nil
}

// Str returns s, what a function made, when it is within the limit.
func (r *Run) Str(what, s string) (string, error) {
	if err := r.Size(what, len(s)); err != nil {
		return "", err
	}
	return s, nil
}

// Strs returns ss when, all together, it is within the limit.
func (r *Run) Strs(what string, ss []string) ([]string, error) {
	n := len(ss)
	for _, s := range ss {
		n += len(s)
	}
	if err := r.Size(what, n); err != nil {
		return nil, err
	}
	return ss, nil
}

// boundedWriter keeps the output, failing once it passes the limit.
type boundedWriter struct {
	r   *Run
	out strings.Builder
}

func (w *boundedWriter) Write(p []byte) (int, error) {
	if err := w.r.Size("the output", w.out.Len()+len(p)); err != nil {
		return 0, err
	}
	return w.out.Write(p)
}

// StringFuncs are GoReleaser's pure string functions (replace, split,
// contains, tolower, toupper, trim, trimprefix, trimsuffix, title), each
// failing before it makes a string longer than r's limit, or once r has
// run out of time.
func StringFuncs(r *Run) template.FuncMap {
	// grow wraps f, whose result is at most 4 times as long as its
	// argument: a rune's other case, or U+FFFD for a bad byte, takes at
	// most 3 bytes more than itself in UTF-8.
	grow := func(name string, f func(string) string) func(string) (string, error) {
		return func(s string) (string, error) {
			if err := r.Size("the result of "+name, 4*len(s)); err != nil {
				return "", err
			}
			return r.Str("the result of "+name, f(s))
		}
	}
	// shrink wraps f, whose result is no longer than its arguments.
	shrink := func(f func(string, string) string) func(string, string) (string, error) {
		return func(a, b string) (string, error) { return f(a, b), r.Tick() }
	}
	return template.FuncMap{
		"replace": func(s, old, new string) (string, error) {
			// Checked before the call: the result can be far longer
			// than its arguments.
			if err := r.Size("the result of replace", len(s)+strings.Count(s, old)*(len(new)-len(old))); err != nil {
				return "", err
			}
			return strings.ReplaceAll(s, old, new), nil
		},
		"split": func(s, sep string) ([]string, error) {
			if err := r.Tick(); err != nil {
				return nil, err
			}
			return r.Strs("the result of split", strings.Split(s, sep))
		},
		"contains": func(s, sub string) (bool, error) {
			return strings.Contains(s, sub), r.Tick()
		},
		"trim": func(s string) (string, error) {
			return strings.TrimSpace(s), r.Tick()
		},
		"trimprefix": shrink(strings.TrimPrefix),
		"trimsuffix": shrink(strings.TrimSuffix),
		"tolower":    grow("tolower", strings.ToLower),
		"toupper":    grow("toupper", strings.ToUpper),
		"title":      grow("title", Title),
	}
}

// BoundedPrinting are text/template's printing and escaping builtins
// (print, printf, println, html, js, urlquery) bounded with r, for a Lang
// that offers them: every result is checked, and a printf width or
// precision past r's limit, or given by *, is refused before fmt pads in
// memory.
func BoundedPrinting(r *Run) template.FuncMap {
	bounded := func(name string, f func(...any) string) func(...any) (string, error) {
		return func(args ...any) (string, error) {
			if err := r.Tick(); err != nil {
				return "", err
			}
			return r.Str("the result of "+name, f(args...))
		}
	}
	return template.FuncMap{
		"print":   bounded("print", fmt.Sprint),
		"println": bounded("println", fmt.Sprintln),
		"printf": func(format string, args ...any) (string, error) {
			if err := checkFormat(format, r.limits.MaxOutput); err != nil {
				return "", r.fail(err)
			}
			return bounded("printf", func(a ...any) string { return fmt.Sprintf(format, a...) })(args...)
		},
		"html":     bounded("html", template.HTMLEscaper),
		"js":       bounded("js", template.JSEscaper),
		"urlquery": bounded("urlquery", template.URLQueryEscaper),
	}
}

// checkFormat refuses a printf format whose width or precision could make
// a string longer than max before it is checked, and * widths.
func checkFormat(format string, max int) error {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		for i++; i < len(format); i++ {
			c := format[i]
			if c == '*' {
				return fmt.Errorf("printf %q: a * width or precision is not accepted", format)
			}
			if c >= '0' && c <= '9' {
				n := 0
				for ; i < len(format) && format[i] >= '0' && format[i] <= '9'; i++ {
					if n = n*10 + int(format[i]-'0'); n > max {
						return fmt.Errorf("printf %q: a width or precision passes %d", format, max)
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

// Title upper-cases the first letter of every word and lower-cases the
// rest, which is what GoReleaser's title (cases.Title for English) does
// to the ASCII words in names.
func Title(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'':
			start = true
		case start:
			r, start = unicode.ToUpper(r), false
		default:
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
