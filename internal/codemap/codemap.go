// Package codemap reads the shape of a Go package directory from its
// source: its files, the packages under it, and which file refers to
// declarations of which other file. docs/developing.md's map of the code is
// checked against it, so the map stays true as files move.
package codemap

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SourceFiles lists dir's Go files, tests and generated files left out, by
// name, sorted.
func SourceFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		generated, err := isGenerated(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if !generated {
			files = append(files, name)
		}
	}
	sort.Strings(files)
	return files, nil
}

// Packages lists the directories under root (root/<name>, one level) that
// hold Go source other than tests, as root-relative slash paths, sorted.
func Packages(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var pkgs []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		files, err := SourceFiles(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, err
		}
		if len(files) > 0 {
			pkgs = append(pkgs, filepath.ToSlash(filepath.Join(filepath.Base(root), e.Name())))
		}
	}
	sort.Strings(pkgs)
	return pkgs, nil
}

// Uses maps each source file of dir to the other files of dir whose
// top-level declarations (functions, methods, types, variables, constants)
// it names. A method is matched by name: when two files declare a method of
// the same name, a file calling it uses both. Declarations in a file behind
// a build constraint (dag_alias.go stands in for generated bindings) are
// not counted as used: the engine's build does not have them.
func Uses(dir string) (map[string][]string, error) {
	files, err := SourceFiles(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	parsed := map[string]*ast.File{}
	declaredIn := map[string]map[string]bool{} // name -> files declaring it
	declare := func(name, file string) {
		if name == "_" || name == "main" || name == "init" {
			return
		}
		if declaredIn[name] == nil {
			declaredIn[name] = map[string]bool{}
		}
		declaredIn[name][file] = true
	}
	for _, name := range files {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			return nil, err
		}
		parsed[name] = f
		if hasBuildConstraint(f) {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				declare(d.Name.Name, name)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						declare(s.Name.Name, name)
					case *ast.ValueSpec:
						for _, n := range s.Names {
							declare(n.Name, name)
						}
					}
				}
			}
		}
	}
	uses := map[string][]string{}
	for _, name := range files {
		seen := map[string]bool{}
		ast.Inspect(parsed[name], func(n ast.Node) bool {
			var ident *ast.Ident
			switch n := n.(type) {
			case *ast.Ident:
				ident = n
			case *ast.SelectorExpr:
				ident = n.Sel
			default:
				return true
			}
			for other := range declaredIn[ident.Name] {
				if other != name {
					seen[other] = true
				}
			}
			return true
		})
		var list []string
		for other := range seen {
			list = append(list, other)
		}
		sort.Strings(list)
		uses[name] = list
	}
	return uses, nil
}

// UsesTable renders Uses as a markdown table: one row per file, the files
// it uses, and the files that use it.
func UsesTable(uses map[string][]string) string {
	usedBy := map[string][]string{}
	var files []string
	for file, list := range uses {
		files = append(files, file)
		for _, other := range list {
			usedBy[other] = append(usedBy[other], file)
		}
	}
	sort.Strings(files)
	var b strings.Builder
	b.WriteString("| file | uses | used by |\n| --- | --- | --- |\n")
	for _, file := range files {
		sort.Strings(usedBy[file])
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", file, codeList(uses[file]), codeList(usedBy[file]))
	}
	return b.String()
}

// MutualPairs lists the pairs of files that use each other, "a.go <-> b.go"
// with a before b, sorted.
func MutualPairs(uses map[string][]string) []string {
	var pairs []string
	for a, list := range uses {
		for _, b := range list {
			if a < b && contains(uses[b], a) {
				pairs = append(pairs, a+" <-> "+b)
			}
		}
	}
	sort.Strings(pairs)
	return pairs
}

// TablePaths returns the code-quoted paths of the first column of the
// markdown table that follows heading (a line such as "## Layout") in doc.
func TablePaths(doc []byte, heading string) ([]string, error) {
	_, rest, ok := bytes.Cut(doc, []byte("\n"+heading+"\n"))
	if !ok {
		return nil, fmt.Errorf("no %q heading", heading)
	}
	var paths []string
	inTable := false
	for _, line := range strings.Split(string(rest), "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		// Every code span of the first cell is a path.
		spans := strings.Split(cells[1], "`")
		for i := 1; i < len(spans); i += 2 {
			paths = append(paths, spans[i])
		}
	}
	if !inTable {
		return nil, fmt.Errorf("no table after %q", heading)
	}
	return paths, nil
}

func codeList(files []string) string {
	if len(files) == 0 {
		return "none"
	}
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = "`" + f + "`"
	}
	return strings.Join(quoted, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// hasBuildConstraint reports a //go:build line before the package clause.
func hasBuildConstraint(f *ast.File) bool {
	for _, group := range f.Comments {
		if group.Pos() > f.Package {
			break
		}
		for _, c := range group.List {
			if strings.HasPrefix(c.Text, "//go:build ") {
				return true
			}
		}
	}
	return false
}

// isGenerated reports a file that says it is generated, as Go's convention
// puts it ("// Code generated ... DO NOT EDIT." before the package clause).
func isGenerated(path string) (bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	head, _, _ := bytes.Cut(data, []byte("\npackage "))
	return bytes.Contains(head, []byte("// Code generated ")) && bytes.Contains(head, []byte("DO NOT EDIT.")), nil
}
