package clisurface

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// What `dagger call <fn> --help` prints for an argument is its doc comment,
// then "(default <value>)" when the argument has a +default pragma with a
// single value (v0.21.8: "1.26", TARGET, true): dagger shows that value
// itself, so a doc need not repeat it. A list default (+default=["a","b"])
// is not shown, and an argument that is only +optional has no value to
// show: their help says nothing about what leaving them out means unless
// the doc says so. A bool left out is false, which needs no words.
//
// The flag library takes the first `quoted` word of a flag's usage as the
// name of its value (--arch platforms instead of --arch string), so an
// argument's doc has no backquotes.
//
// A string argument whose doc names a format (a platform, a version, a
// template, NAME=value...) is typed by hand: its help must show one value
// a user could type.

// ErrHelpDoc is wrapped by every problem CheckHelpDocs finds; it wraps
// ErrSurface.
var ErrHelpDoc = fmt.Errorf("%w: --help", ErrSurface)

// defaultWord is how a doc says the default in words: Default: ..., the
// default, by default, defaults to.
var defaultWord = regexp.MustCompile(`(?i)\bdefaults?\b`)

// formatWords are the words by which a doc says its argument is written in
// a format: the value is not free text.
var formatWords = regexp.MustCompile(`(?i)\b(format|template|duration|versions?|reference|repository|platforms?|pattern|patterns|regular expression|unix time|url|address|host|image)\b|=value`)

// ExampleMarkers introduce an example in a doc.
var ExampleMarkers = []string{"e.g.", "for example", "such as"}

// formatTypes are the Go types of arguments typed as text on the command
// line, which a format applies to.
var formatTypes = []string{"string", "[]string"}

// Pragmas are the Dagger pragmas of an argument's doc.
type Pragmas struct {
	// Optional is set by +optional.
	Optional bool
	// Default is the value of +default=, and HasDefault whether there is
	// one.
	Default    string
	HasDefault bool
}

// ParsePragmas reads the +optional and +default= lines of doc.
func ParsePragmas(doc string) Pragmas {
	var p Pragmas
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "+optional":
			p.Optional = true
		case strings.HasPrefix(line, "+default="):
			p.Default, p.HasDefault = strings.TrimPrefix(line, "+default="), true
		}
	}
	return p
}

// CheckHelpDocs returns a problem for every argument of funcs whose help
// leaves its default unsaid, or names a format and gives no example; nil
// when there is none.
//
//   - An argument that is +optional without +default=, of any type but
//     bool, or whose +default= is a list, must say its default in words:
//     its doc has the word default (Default: the engine's platform;
//     scratch, the default).
//   - An argument's doc has no backquote.
//   - An argument of type string or []string whose doc names a format (one
//     of the words format, template, duration, version, reference,
//     repository, platform, pattern, regular expression, unix time, url,
//     address, host, image, or =value) must give an example: e.g., for example or
//     such as.
func CheckHelpDocs(funcs []Function) error {
	var errs []error
	for _, f := range funcs {
		for _, a := range f.Args {
			doc := pragmaFree(a.Doc)
			problem := func(format string, args ...any) {
				errs = append(errs, fmt.Errorf("%w: %s (%s): argument %s (--%s): %s", ErrHelpDoc, f.Label(), f.Pos, a.Name, a.Flag, fmt.Sprintf(format, args...)))
			}
			p := ParsePragmas(a.Doc)
			switch {
			case defaultWord.MatchString(doc):
			case p.HasDefault && strings.HasPrefix(p.Default, "["):
				problem("its +default= is a list, which --help does not show: say it in words (\"Default: ...\")")
			case p.Optional && !p.HasDefault && a.Type != "bool":
				problem("it is +optional with no +default=, so --help shows no default: say what leaving it out does (\"Default: ...\")")
			}
			if strings.Contains(doc, "`") {
				problem("its doc has a backquote: --help would show the first `quoted` word as the flag's value name; drop the backquotes")
			}
			if isFormatType(a.Type) {
				if word := formatWords.FindString(doc); word != "" && !hasExample(doc) {
					problem("its doc names a format (%q) but gives no example: add one after \"e.g.\"", word)
				}
			}
		}
	}
	return errors.Join(errs...)
}

func isFormatType(t string) bool {
	for _, ft := range formatTypes {
		if t == ft {
			return true
		}
	}
	return false
}

func hasExample(doc string) bool {
	lower := strings.ToLower(doc)
	for _, m := range ExampleMarkers {
		if strings.Contains(lower, m) {
			return true
		}
	}
	return false
}
