// Package usertmpl runs the Go text/templates users give go-build (release
// archive names, and the names of the Linux packages) within bounds, so a
// short template cannot make a long name or a long run.
//
// A template is refused when it is parsed if it can loop or call out:
// range (and break, continue), template, define and block, and every
// function but the bounded string functions of Funcs and text/template's
// comparisons and lookups (and, or, not, eq, ne, lt, le, gt, ge, len,
// index, slice). What is left runs each of its actions at most once, so
// its run is bounded by its size; on top of that, every execution stops
// with an error naming the limit when its output, or a string a function
// makes, passes Limits.MaxOutput bytes, or when it has run for
// Limits.Timeout.
//
// The package is pure: it imports no Dagger code.
package usertmpl

import (
	"errors"
	"fmt"
	"slices"
	"sort"
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

// builtins are the text/template functions a template may call: none of
// them makes a string longer than its arguments.
var builtins = []string{"and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "slice"}

// funcNames are the functions of Funcs, sorted.
var funcNames = func() []string {
	var names []string
	for name := range (&budget{}).funcs() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}()

// Funcs lists the functions a template may call: the bounded string
// functions (GoReleaser's pure ones: replace, split, contains, tolower,
// toupper, trim, trimprefix, trimsuffix, title), then text/template's
// builtins this package accepts.
func Funcs() []string {
	return append(slices.Clone(funcNames), builtins...)
}

// Template is a parsed template, checked to be bounded.
type Template struct {
	tmpl   *template.Template
	limits Limits
}

// Parse reads text as a template named name (what errors call it), with
// missingkey=error so a field the data lacks fails rather than printing
// "<no value>". It refuses a template longer than limits.MaxText, one
// that does not parse, and one that uses a construct that can loop or a
// function outside Funcs, each error naming the construct and what is
// accepted. Errors wrap ErrTemplate.
func Parse(name, text string, limits Limits) (*Template, error) {
	if len(text) > limits.MaxText {
		return nil, fmt.Errorf("%w: %s is %d bytes long: at most %d are accepted", ErrTemplate, name, len(text), limits.MaxText)
	}
	t, err := template.New(name).Option("missingkey=error").Funcs((&budget{}).funcs()).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %q: %v", ErrTemplate, name, text, err)
	}
	if defined := t.Templates(); len(defined) > 1 {
		return nil, fmt.Errorf("%w: %s %q: define and block are not accepted: a name template is one template", ErrTemplate, name, text)
	}
	if t.Tree != nil {
		if err := check(t.Tree.Root); err != nil {
			return nil, fmt.Errorf("%w: %s %q: %v", ErrTemplate, name, text, err)
		}
	}
	return &Template{tmpl: t, limits: limits}, nil
}

// check refuses the nodes that can loop or call out.
func check(node parse.Node) error {
	switch n := node.(type) {
	case nil:
		return nil
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := check(c); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return check(n.Pipe)
	case *parse.IfNode:
		return checkBranch(&n.BranchNode)
	case *parse.WithNode:
		return checkBranch(&n.BranchNode)
	case *parse.RangeNode:
		return errors.New("range is not accepted: a name template runs each action once (use if, with, the fields and functions such as replace)")
	case *parse.BreakNode, *parse.ContinueNode:
		return fmt.Errorf("%s is not accepted: a name template has no loops", n)
	case *parse.TemplateNode:
		return fmt.Errorf("{{template %q}} is not accepted: a name template is one template", n.Name)
	case *parse.PipeNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Cmds {
			if err := check(c); err != nil {
				return err
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if err := check(a); err != nil {
				return err
			}
		}
	case *parse.ChainNode:
		return check(n.Node)
	case *parse.IdentifierNode:
		if !slices.Contains(funcNames, n.Ident) && !slices.Contains(builtins, n.Ident) {
			return fmt.Errorf("function %s is not accepted (its output is not bounded); accepted: %s", n.Ident, strings.Join(Funcs(), ", "))
		}
	case *parse.TextNode, *parse.CommentNode, *parse.FieldNode, *parse.VariableNode, *parse.DotNode,
		*parse.StringNode, *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
	default:
		return fmt.Errorf("%s is not accepted", node)
	}
	return nil
}

func checkBranch(b *parse.BranchNode) error {
	for _, n := range []parse.Node{b.Pipe, b.List, b.ElseList} {
		if err := check(n); err != nil {
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
	b := &budget{max: t.limits.MaxOutput, deadline: time.Now().Add(t.limits.Timeout), timeout: t.limits.Timeout}
	run, err := t.tmpl.Clone()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrTemplate, err)
	}
	run.Funcs(b.funcs())
	w := &boundedWriter{b: b}
	if err := run.Execute(w, data); err != nil {
		if b.err != nil {
			return "", b.err
		}
		return "", fmt.Errorf("%w: %v", ErrTemplate, err)
	}
	return w.out.String(), nil
}

// budget is what one execution may still do.
type budget struct {
	max      int
	deadline time.Time
	timeout  time.Duration
	// err is the first limit passed; it stops the execution.
	err error
}

// fail records and returns the error of a limit passed.
func (b *budget) fail(err error) error {
	if b.err == nil {
		b.err = err
	}
	return b.err
}

// checkTime fails once the execution has run for longer than its timeout.
func (b *budget) checkTime() error {
	if b.err != nil {
		return b.err
	}
	if time.Now().After(b.deadline) {
		return b.fail(fmt.Errorf("%w: the template ran for more than %v", ErrTemplate, b.timeout))
	}
	return nil
}

// checkSize fails when a string of n bytes would pass the limit; what
// names the string in the error.
func (b *budget) checkSize(what string, n int) error {
	if err := b.checkTime(); err != nil {
		return err
	}
	if n > b.max {
		return b.fail(fmt.Errorf("%w: %s would be %d bytes long: at most %d are accepted", ErrTemplate, what, n, b.max))
	}
	return nil
}

// boundedWriter keeps the output, failing once it passes the limit.
type boundedWriter struct {
	b   *budget
	out strings.Builder
}

func (w *boundedWriter) Write(p []byte) (int, error) {
	if err := w.b.checkSize("the output", w.out.Len()+len(p)); err != nil {
		return 0, err
	}
	return w.out.Write(p)
}

// funcs are the string functions, each failing before it makes a string
// longer than the limit, or once the execution has run out of time.
func (b *budget) funcs() template.FuncMap {
	// unary wraps f, whose result is at most grow times as long as its
	// argument.
	unary := func(name string, grow int, f func(string) string) func(string) (string, error) {
		return func(s string) (string, error) {
			if err := b.checkSize("the result of "+name, len(s)*grow); err != nil {
				return "", err
			}
			out := f(s)
			return out, b.checkSize("the result of "+name, len(out))
		}
	}
	return template.FuncMap{
		"replace": func(s, old, new string) (string, error) {
			n := strings.Count(s, old)
			if err := b.checkSize("the result of replace", len(s)+n*(len(new)-len(old))); err != nil {
				return "", err
			}
			return strings.ReplaceAll(s, old, new), nil
		},
		"split": func(s, sep string) ([]string, error) {
			if err := b.checkTime(); err != nil {
				return nil, err
			}
			return strings.Split(s, sep), nil
		},
		"contains": func(s, sub string) (bool, error) {
			return strings.Contains(s, sub), b.checkTime()
		},
		"trim": func(s string) (string, error) {
			return strings.TrimSpace(s), b.checkTime()
		},
		"trimprefix": func(s, prefix string) (string, error) {
			return strings.TrimPrefix(s, prefix), b.checkTime()
		},
		"trimsuffix": func(s, suffix string) (string, error) {
			return strings.TrimSuffix(s, suffix), b.checkTime()
		},
		// A rune's upper or lower case takes at most 3 bytes more than
		// itself in UTF-8, so a result is at most 4 times as long.
		"tolower": unary("tolower", 4, strings.ToLower),
		"toupper": unary("toupper", 4, strings.ToUpper),
		"title":   unary("title", 4, Title),
	}
}

// Title upper-cases the first letter of every word and lower-cases the
// rest, which is what GoReleaser's title (cases.Title for English) does
// to the ASCII words in names; go-build has no golang.org/x/text.
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
