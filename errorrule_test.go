package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"dagger/go-build/internal/codemap"
)

// TestNoErrorWrapsAtTheEngineBoundary holds the root package to its one
// error rule: a function that can reach the engine (it takes a
// context.Context, as every engine call does) adds to errors with %v and
// never wraps with %w; a failed exec gets its stderr from withStderr.
//
// An error that unwraps, one Unwrap at a time, to the engine's GraphQL
// error is reported by the SDK's generated code with that error's own
// message alone (findSingleGQLError in Dagger's Go templates): every word
// go-build added would be dropped. The pure checks, which take no context
// and see no engine error, wrap internal packages' sentinels with %w, so
// their table tests can tell the failures apart.
func TestNoErrorWrapsAtTheEngineBoundary(t *testing.T) {
	files, err := codemap.SourceFiles(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			if takesContext(fn.Type) {
				checkNoWrap(t, fset, fn.Name.Name, fn.Body)
				continue
			}
			// A closure that takes a context inside a pure function.
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if lit, ok := n.(*ast.FuncLit); ok && takesContext(lit.Type) {
					checkNoWrap(t, fset, fn.Name.Name+" (its closure)", lit.Body)
					return false
				}
				return true
			})
		}
	}
}

// takesContext reports a parameter of type context.Context.
func takesContext(ft *ast.FuncType) bool {
	for _, field := range ft.Params.List {
		if sel, ok := field.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Context" {
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "context" {
				return true
			}
		}
	}
	return false
}

// checkNoWrap fails on every fmt.Errorf in body whose format has %w.
func checkNoWrap(t *testing.T, fset *token.FileSet, fn string, body *ast.BlockStmt) {
	t.Helper()
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Errorf" {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "fmt" {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			t.Errorf("%s: %s: fmt.Errorf with a format that is not a literal: the error rule cannot be checked", fset.Position(call.Pos()), fn)
			return true
		}
		format, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(format, "%w") {
			t.Errorf("%s: %s takes a context (it can reach the engine) and wraps with %%w in fmt.Errorf(%s): use %%v (see TestNoErrorWrapsAtTheEngineBoundary)", fset.Position(call.Pos()), fn, lit.Value)
		}
		return true
	})
}
