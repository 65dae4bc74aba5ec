// Package stamptmpl reads GoReleaser-style templates in version stamps, such
// as `-X example.com/app/version.Commit={{.ShortCommit}}` in an -ldflags
// value: it parses them, checks their fields and expands them. A template is
// plain text with {{.Field}} actions (spaces and {{- -}} trims as in
// text/template); functions, pipelines and control structures are refused,
// so every template reads the same in go-build as anywhere else.
package stamptmpl

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/template/parse"
)

// ErrTemplate is wrapped by every error of a template.
var ErrTemplate = errors.New("invalid stamp template")

// Field is a template field, e.g. ShortCommit in {{.ShortCommit}}.
type Field string

// The fields, with GoReleaser's meanings.
const (
	Version         Field = "Version"
	Tag             Field = "Tag"
	Commit          Field = "Commit"
	FullCommit      Field = "FullCommit"
	ShortCommit     Field = "ShortCommit"
	Date            Field = "Date"
	CommitDate      Field = "CommitDate"
	CommitTimestamp Field = "CommitTimestamp"
	Os              Field = "Os"
	Arch            Field = "Arch"
)

// Source says which part of the stamp a field's value comes from: what a
// build must know to expand it.
type Source int

const (
	// FromVersion is the version: the set one, git describe or the
	// module's.
	FromVersion Source = iota
	// FromTag is the git tag (or the module's version).
	FromTag
	// FromCommit is the commit hash.
	FromCommit
	// FromCommitTime is the commit's time.
	FromCommitTime
	// FromTarget is the target platform, always known.
	FromTarget
)

// Values are what a stamp knows; a field's value is derived from them.
type Values struct {
	// Version is the version linked into main.version, e.g. v1.2.3 or
	// v1.2.3-4-gabc1234-dirty.
	Version string
	// Tag is the nearest git tag, e.g. v1.2.3.
	Tag string
	// Commit is the full commit hash; ShortCommit its abbreviation.
	Commit, ShortCommit string
	// CommitDate is the commit time in RFC 3339, UTC; CommitTimestamp the
	// same time in Unix seconds.
	CommitDate, CommitTimestamp string
	// Os and Arch are the target's GOOS and GOARCH.
	Os, Arch string
}

type fieldInfo struct {
	field  Field
	about  string
	source Source
	value  func(Values) string
}

// fields is every field: what it means (as the docs and errors say it),
// where its value comes from, and how it is derived from Values.
var fields = []fieldInfo{
	{Version, "the version without its leading v", FromVersion, func(v Values) string { return strings.TrimPrefix(v.Version, "v") }},
	{Tag, "the nearest git tag", FromTag, func(v Values) string { return v.Tag }},
	{Commit, "the full commit hash", FromCommit, func(v Values) string { return v.Commit }},
	{FullCommit, "the full commit hash", FromCommit, func(v Values) string { return v.Commit }},
	{ShortCommit, "the abbreviated commit hash", FromCommit, func(v Values) string { return v.ShortCommit }},
	{Date, "the commit time in RFC 3339, UTC (not the build time: builds are reproducible)", FromCommitTime, func(v Values) string { return v.CommitDate }},
	{CommitDate, "the commit time in RFC 3339, UTC", FromCommitTime, func(v Values) string { return v.CommitDate }},
	{CommitTimestamp, "the commit time in Unix seconds", FromCommitTime, func(v Values) string { return v.CommitTimestamp }},
	{Os, "the target's GOOS", FromTarget, func(v Values) string { return v.Os }},
	{Arch, "the target's GOARCH", FromTarget, func(v Values) string { return v.Arch }},
}

// Fields lists every field a template accepts, in the order of the docs.
func Fields() []Field {
	out := make([]Field, len(fields))
	for i, f := range fields {
		out[i] = f.field
	}
	return out
}

// About says what f means; "" for an unknown field.
func (f Field) About() string {
	if i := f.index(); i >= 0 {
		return fields[i].about
	}
	return ""
}

// Source is where f's value comes from. f must be one of Fields, as every
// field of a parsed template is.
func (f Field) Source() Source {
	return fields[f.index()].source
}

// Value is f's value in v.
func (f Field) Value(v Values) string {
	return fields[f.index()].value(v)
}

func (f Field) index() int {
	return slices.IndexFunc(fields, func(e fieldInfo) bool { return e.field == f })
}

// Template is a parsed template: text and fields, in order.
type Template struct {
	text  string
	parts []Part
}

// Part is one piece of a template: literal Text, or a Field when Field is
// set.
type Part struct {
	Text  string
	Field Field
}

// Parse reads s. Text without "{{" is a template of text alone. An unknown
// field fails naming it and the fields accepted.
func Parse(s string) (Template, error) {
	t := Template{text: s}
	if !strings.Contains(s, "{{") {
		if s != "" {
			t.parts = []Part{{Text: s}}
		}
		return t, nil
	}
	trees, err := parse.Parse("stamp", s, "", "")
	if err != nil {
		return Template{}, fmt.Errorf("%w %q: %s; want text with fields such as {{.Version}}", ErrTemplate, s, strings.TrimPrefix(err.Error(), "template: "))
	}
	if len(trees) != 1 {
		return Template{}, fmt.Errorf("%w %q: defines templates; want text with fields such as {{.Version}}", ErrTemplate, s)
	}
	for _, node := range trees["stamp"].Root.Nodes {
		switch n := node.(type) {
		case *parse.TextNode:
			t.parts = append(t.parts, Part{Text: string(n.Text)})
		case *parse.ActionNode:
			f, err := actionField(n)
			if err != nil {
				return Template{}, fmt.Errorf("%w %q: %v", ErrTemplate, s, err)
			}
			t.parts = append(t.parts, Part{Field: f})
		default:
			return Template{}, fmt.Errorf("%w %q: %s is not supported: go-build expands fields alone, such as {{.Version}}", ErrTemplate, s, node)
		}
	}
	return t, nil
}

// actionField is the field an action such as {{.Version}} names.
func actionField(n *parse.ActionNode) (Field, error) {
	pipe := n.Pipe
	if len(pipe.Decl) == 0 && len(pipe.Cmds) == 1 && len(pipe.Cmds[0].Args) == 1 {
		if fn, ok := pipe.Cmds[0].Args[0].(*parse.FieldNode); ok && len(fn.Ident) == 1 {
			f := Field(fn.Ident[0])
			if f.index() < 0 {
				return "", fmt.Errorf("unknown field {{.%s}}; want one of %s", f, fieldList())
			}
			return f, nil
		}
	}
	return "", fmt.Errorf("%s is not supported: go-build expands fields alone, one of %s", n, fieldList())
}

// fieldList is every field as a template writes it, for messages.
func fieldList() string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = "{{." + string(f.field) + "}}"
	}
	return strings.Join(names, ", ")
}

// String is the template as it was written.
func (t Template) String() string { return t.text }

// Parts are the template's text and fields in order.
func (t Template) Parts() []Part { return slices.Clone(t.parts) }

// Fields are the fields the template uses, each once, in order of first
// use.
func (t Template) Fields() []Field {
	var out []Field
	for _, p := range t.parts {
		if p.Field != "" && !slices.Contains(out, p.Field) {
			out = append(out, p.Field)
		}
	}
	return out
}

// Uses says whether the template has a field whose value comes from src.
func (t Template) Uses(src Source) bool {
	return slices.ContainsFunc(t.Fields(), func(f Field) bool { return f.Source() == src })
}

// Expand is the template with every field replaced by its value in v.
func (t Template) Expand(v Values) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.Field != "" {
			b.WriteString(p.Field.Value(v))
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}
