package koconfig

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// ErrTemplate is wrapped by every error of a flags or ldflags template.
var ErrTemplate = errors.New("invalid ko template")

// Data is what ko's flags and ldflags templates see: {{.Env.X}},
// {{.GoEnv.GOOS}}, {{.Git.ShortCommit}}, {{.Git.Tag}}, {{.Date}},
// {{.Timestamp}} and the other Git fields, with ko's names and types.
type Data struct {
	// Env is the build's environment (the caller's, then the build's
	// env); LDFLAGS is "" unless set, as in ko.
	Env map[string]string
	// GoEnv is go env's output; a key also in Env takes Env's value.
	GoEnv map[string]string
	// Git is the repository's state.
	Git Git
	// Date is the build date. ko takes SOURCE_DATE_EPOCH or the clock;
	// go-build gives a fixed time (the commit's) so builds are reproducible.
	Date time.Time
}

// Git is the repository state a template sees as .Git.
type Git struct {
	Branch, Tag, ShortCommit, FullCommit string
	CommitDate                           time.Time
	Dirty                                bool
}

// value is d as ko hands it to text/template: maps with ko's keys and
// value types.
func (d Data) value() map[string]any {
	env := map[string]string{"LDFLAGS": ""}
	for k, v := range d.Env {
		env[k] = v
	}
	goEnv := map[string]string{}
	for k, v := range d.GoEnv {
		goEnv[k] = v
	}
	for k, v := range env {
		if _, ok := goEnv[k]; ok {
			goEnv[k] = v
		}
	}
	tree := "clean"
	if d.Git.Dirty {
		tree = "dirty"
	}
	return map[string]any{
		"Env":   env,
		"GoEnv": goEnv,
		"Git": map[string]any{
			"Branch":          d.Git.Branch,
			"Tag":             d.Git.Tag,
			"ShortCommit":     d.Git.ShortCommit,
			"FullCommit":      d.Git.FullCommit,
			"CommitDate":      d.Git.CommitDate.UTC().Format(time.RFC3339),
			"CommitTimestamp": d.Git.CommitDate.UTC().Unix(),
			"IsDirty":         d.Git.Dirty,
			"IsClean":         !d.Git.Dirty,
			"TreeState":       tree,
		},
		"Date":      d.Date.Format(time.RFC3339),
		"Timestamp": d.Date.UTC().Unix(),
	}
}

// Executor expands one template against data. It is the one place a
// template runs, so another bounded executor can take its place.
type Executor func(text string, data any) (string, error)

// Bounds of BoundedExecutor.
const (
	// MaxOutput is the most bytes one expanded template may hold.
	MaxOutput = 64 << 10
	// MaxTime is the longest one template may run.
	MaxTime = 2 * time.Second
	// maxWidth is the largest printf width or precision.
	maxWidth = 1024
)

// BoundedExecutor runs a template as ko does (text/template, a missing map
// key is an error) within bounds: at most MaxOutput bytes out and MaxTime
// of running. The constructs that could run without end or allocate without
// bound before any output are refused when parsed: {{range}} (which ranges
// over numbers too), {{define}}, {{template}} and {{block}} (recursion), and
// printf widths, precisions or * above 1024.
func BoundedExecutor(text string, data any) (string, error) {
	tmpl, err := template.New("ko").Option("missingkey=error").Funcs(boundedFuncs).Parse(text)
	if err != nil {
		return "", fmt.Errorf("%w %q: %v", ErrTemplate, text, strings.TrimPrefix(err.Error(), "template: "))
	}
	if len(tmpl.Templates()) > 1 {
		return "", fmt.Errorf("%w %q: {{define}} and {{block}} are not accepted; want fields such as {{.Git.ShortCommit}}", ErrTemplate, text)
	}
	if err := checkNodes(tmpl.Tree.Root); err != nil {
		return "", fmt.Errorf("%w %q: %v", ErrTemplate, text, err)
	}
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	deadline := time.Now().Add(MaxTime)
	go func() {
		w := &boundedWriter{deadline: deadline}
		err := tmpl.Execute(w, data)
		done <- result{w.b.String(), err}
	}()
	timer := time.NewTimer(MaxTime)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return "", fmt.Errorf("%w %q: %v", ErrTemplate, text, strings.TrimPrefix(r.err.Error(), "template: "))
		}
		return r.out, nil
	case <-timer.C:
		return "", fmt.Errorf("%w %q: ran longer than %s", ErrTemplate, text, MaxTime)
	}
}

// checkNodes refuses the nodes that could run without end.
func checkNodes(n parse.Node) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := checkNodes(c); err != nil {
				return err
			}
		}
	case *parse.RangeNode:
		return fmt.Errorf("{{range}} is not accepted (go-build bounds templates); want fields such as {{.Env.VERSION}}")
	case *parse.TemplateNode:
		return fmt.Errorf("{{template}} is not accepted (go-build bounds templates); want fields such as {{.Env.VERSION}}")
	case *parse.IfNode:
		return checkBranch(&n.BranchNode)
	case *parse.WithNode:
		return checkBranch(&n.BranchNode)
	}
	return nil
}

func checkBranch(b *parse.BranchNode) error {
	if err := checkNodes(b.List); err != nil {
		return err
	}
	if b.ElseList != nil {
		return checkNodes(b.ElseList)
	}
	return nil
}

// boundedFuncs replace text/template's builtins that make strings: each
// fails when its result is over MaxOutput, so nesting them cannot grow a
// string without bound before it is written.
var boundedFuncs = template.FuncMap{
	"printf":   boundedPrintf,
	"print":    bounded(fmt.Sprint),
	"println":  bounded(fmt.Sprintln),
	"html":     bounded(template.HTMLEscaper),
	"js":       bounded(template.JSEscaper),
	"urlquery": bounded(template.URLQueryEscaper),
}

func bounded(f func(...any) string) func(...any) (string, error) {
	return func(args ...any) (string, error) {
		return checkLen(f(args...))
	}
}

func checkLen(s string) (string, error) {
	if len(s) > MaxOutput {
		return "", fmt.Errorf("a value is over %d bytes", MaxOutput)
	}
	return s, nil
}

// verb is a printf directive's flags, width and precision.
var verb = regexp.MustCompile(`%[-+# 0]*(\*|\d+)?(?:\.(\*|\d+)?)?`)

// boundedPrintf is text/template's printf with widths and precisions
// bounded: fmt pads in memory before anything is written.
func boundedPrintf(format string, args ...any) (string, error) {
	for _, m := range verb.FindAllStringSubmatch(strings.ReplaceAll(format, "%%", ""), -1) {
		for _, n := range m[1:] {
			if n == "*" {
				return "", fmt.Errorf("printf %q: * widths are not accepted", format)
			}
			if v, err := strconv.Atoi(n); n != "" && (err != nil || v > maxWidth) {
				return "", fmt.Errorf("printf %q: width or precision %s is over %d", format, n, maxWidth)
			}
		}
	}
	return checkLen(fmt.Sprintf(format, args...))
}

// boundedWriter keeps at most MaxOutput bytes and fails once past its
// deadline, which ends the template's execution.
type boundedWriter struct {
	b        strings.Builder
	deadline time.Time
}

func (w *boundedWriter) Write(p []byte) (int, error) {
	if w.b.Len()+len(p) > MaxOutput {
		return 0, fmt.Errorf("output is over %d bytes", MaxOutput)
	}
	if time.Now().After(w.deadline) {
		return 0, fmt.Errorf("ran longer than %s", MaxTime)
	}
	return w.b.Write(p)
}
