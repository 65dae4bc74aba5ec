// Package clisurface checks a Dagger Go module's functions the way `dagger
// call` will present them, from the module's Go source alone: no engine is
// needed, so CI catches what only the CLI would show.
//
// `dagger call` turns every function argument into a long flag named in
// kebab case (strcase.ToKebab: goDownloadUrl is --go-download-url). The
// CLI's own persistent flags share that namespace on every subcommand, so
// an argument named like one of them (workdir) makes cobra refuse the whole
// function ("flag already exists: workdir"). `dagger functions` lists each
// function by the first line of its doc comment, so that line must be a
// sentence of its own. The main object's functions also stand beside the
// core API's root fields, so a function named like one gets mixed up with it:
// ModuleSource hid the field the CLI itself queries, and `dagger query` failed
// in the module's directory; Pipeline was an "unknown command" as soon as the
// constructor was given a flag.
package clisurface

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// ErrSurface is wrapped by every problem Check finds.
var ErrSurface = errors.New("dagger call surface")

// ReservedFlags are the long flags `dagger call` (v0.21.8) has before any
// function's own: the global flags (cmd/dagger/main.go installGlobalFlags),
// the module flags (module.go moduleAddFlags) and the call flags
// (functions.go: --output, --json), plus cobra's --help.
var ReservedFlags = []string{
	"allow-llm", "auto-apply", "cloud", "debug", "dot-focus-field", "dot-output",
	"dot-show-internal", "eager-runtime", "help", "interactive", "interactive-command",
	"json", "lock", "mod", "no-exit", "no-mod", "output", "progress", "quiet",
	"scale-out", "silent", "verbose", "web", "workdir", "x-release",
}

// MaxSummary is the longest first doc line that reads as a summary in
// `dagger functions`' one-line listing.
const MaxSummary = 100

// Function is one function of the module as the CLI shows it.
type Function struct {
	// Object is the receiver type; empty for the constructor New.
	Object string
	// Name is the Go name.
	Name string
	// Doc is the doc comment's text.
	Doc string
	// Args are the arguments after an optional context.Context.
	Args []Arg
	// Pos is where the function is declared.
	Pos token.Position
}

// Arg is one function argument.
type Arg struct {
	// Name is the Go name; Flag is the CLI flag it becomes.
	Name, Flag string
	// Doc is the comment just before the argument.
	Doc string
	// Type is the argument's Go type as written, e.g. string, []string,
	// *dagger.Secret or StripMode.
	Type string
}

// Label names the function for messages: Object.Name, or New.
func (f Function) Label() string {
	if f.Object == "" {
		return f.Name
	}
	return f.Object + "." + f.Name
}

// Load reads the functions of the Dagger module whose Go source is in dir:
// New and every exported method, from the package's non-test files (the
// generated dagger.gen.go is skipped).
func Load(dir string) ([]Function, error) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var funcs []Function
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || name == "dagger.gen.go" {
			continue
		}
		file, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if file.Name.Name != "main" {
			continue
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			if f, ok := function(fset, file, fn); ok {
				funcs = append(funcs, f)
			}
		}
	}
	slices.SortFunc(funcs, func(a, b Function) int { return strings.Compare(a.Label(), b.Label()) })
	return funcs, nil
}

// function reads fn if Dagger exposes it: New, or an exported method.
func function(fset *token.FileSet, file *ast.File, fn *ast.FuncDecl) (Function, bool) {
	f := Function{Name: fn.Name.Name, Pos: fset.Position(fn.Pos())}
	switch {
	case fn.Recv == nil && fn.Name.Name == "New":
	case fn.Recv != nil && fn.Name.IsExported():
		f.Object = receiverType(fn.Recv.List[0].Type)
		if f.Object == "" || !ast.IsExported(f.Object) {
			return f, false
		}
	default:
		return f, false
	}
	if fn.Doc != nil {
		f.Doc = fn.Doc.Text()
	}
	prevEnd := fn.Type.Params.Opening
	for _, field := range fn.Type.Params.List {
		doc := commentBetween(file, prevEnd, field.Pos())
		prevEnd = field.End()
		if isContext(field.Type) {
			continue
		}
		typ := types.ExprString(field.Type)
		for _, n := range field.Names {
			f.Args = append(f.Args, Arg{Name: n.Name, Flag: Kebab(n.Name), Doc: doc, Type: typ})
		}
	}
	return f, true
}

func receiverType(expr ast.Expr) string {
	if star, ok := expr.(*ast.StarExpr); ok {
		expr = star.X
	}
	if id, ok := expr.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func isContext(expr ast.Expr) bool {
	sel, ok := expr.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "context" && sel.Sel.Name == "Context"
}

// commentBetween is the text of the comments between from and to: an
// argument's doc comment stands between the previous argument and it.
func commentBetween(file *ast.File, from, to token.Pos) string {
	var parts []string
	for _, cg := range file.Comments {
		if cg.Pos() > from && cg.End() <= to {
			parts = append(parts, cg.Text())
		}
	}
	return strings.Join(parts, "")
}

// Check returns every problem of funcs, each naming the function and, for
// an argument, the argument and its flag; nil when there is none.
func Check(funcs []Function) error {
	var errs []error
	for _, f := range funcs {
		problem := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%w: %s (%s): %s", ErrSurface, f.Label(), f.Pos, fmt.Sprintf(format, args...)))
		}
		if summary, ok := Summary(f.Doc); !ok {
			problem("the first doc line %q is not a complete sentence (it must end with a period, within %d characters): dagger functions shows only that line", summary, MaxSummary)
		}
		for _, a := range f.Args {
			if slices.Contains(ReservedFlags, a.Flag) {
				problem("argument %s becomes --%s, which dagger call already has as its own flag: rename it", a.Name, a.Flag)
			}
			if strings.TrimSpace(pragmaFree(a.Doc)) == "" {
				problem("argument %s (--%s) has no doc comment: --help shows nothing for it", a.Name, a.Flag)
			}
		}
	}
	return errors.Join(errs...)
}

// CheckRoot returns a problem for every function of mainObject named like a
// root field of the core API; nil when there is none.
func CheckRoot(funcs []Function, mainObject string) error {
	var errs []error
	for _, f := range funcs {
		if f.Object == mainObject && IsCoreRootField(f.Name) {
			errs = append(errs, fmt.Errorf("%w: %s (%s): function %s is named like the core API's root field %s, "+
				"and the two get mixed up when dagger runs in the module's directory (dagger query fails there) or "+
				"when dagger call is given constructor flags (unknown command): rename it",
				ErrSurface, f.Label(), f.Pos, f.Name, lowerFirst(f.Name)))
		}
	}
	return errors.Join(errs...)
}

// CoreRootFields are the root fields of the core API (v0.21.8), by their Go
// names: the query type's fields an engine lists by introspection (each
// loadXFromID too, see IsCoreRootField), and pipeline, which introspection
// no longer shows (it is served only to clients older than v0.13.0) but
// which still hides a function of that name from `dagger call` when the
// constructor is given flags ("unknown command \"pipeline\"").
var CoreRootFields = []string{
	"Address", "CacheVolume", "Changeset", "Cloud", "Container", "CurrentEnv",
	"CurrentFunctionCall", "CurrentModule", "CurrentTypeDefs", "CurrentWorkspace",
	"DefaultPlatform", "Directory", "Engine", "Env", "EnvFile", "Error", "File",
	"Function", "GeneratedCode", "Git", "Host", "HTTP", "ID", "JSON", "LLM", "Module",
	"ModuleSource", "Node", "Pipeline", "Secret", "SetSecret", "SourceMap", "TypeDef",
	"Version",
}

// IsCoreRootField tells whether a function named name (its Go name) stands
// where a core root field does.
func IsCoreRootField(name string) bool {
	if strings.HasPrefix(name, "Load") && strings.HasSuffix(name, "FromID") {
		return true
	}
	for _, f := range CoreRootFields {
		if strings.EqualFold(f, name) {
			return true
		}
	}
	return false
}

func lowerFirst(s string) string {
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// Summary is the first line of doc, and whether it is a complete, short
// sentence.
func Summary(doc string) (string, bool) {
	first, _, _ := strings.Cut(strings.TrimSpace(doc), "\n")
	first = strings.TrimSpace(first)
	ok := first != "" && len(first) <= MaxSummary && strings.HasSuffix(first, ".") &&
		unicode.IsUpper([]rune(first)[0])
	return first, ok
}

// pragmaFree drops Dagger's +optional/+default lines, which are not
// documentation.
func pragmaFree(doc string) string {
	var keep []string
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "+") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

// Kebab converts a Go name to the CLI's kebab case as strcase.ToKebab does:
// a new word starts at an upper-case letter after a lower-case letter or a
// digit, and at the last upper-case letter of a run followed by a
// lower-case one (goDownloadURL, LLMVersion: go-download-url, llm-version).
func Kebab(name string) string {
	runes := []rune(name)
	var b strings.Builder
	for i, r := range runes {
		if unicode.IsUpper(r) && i > 0 {
			prev := runes[i-1]
			nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('-')
			}
		}
		if r == '_' {
			b.WriteByte('-')
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
