// Package koresolve is the engine-free part of resolving Kubernetes
// manifests the way `ko resolve` (v0.17) does: finding the ko://<import
// path> references in YAML files, naming each image under a repository in
// ko's naming modes, and writing the YAML back with each reference replaced
// by the pushed image, in ko's output format.
//
// Like ko since v0.8 (its "strict" mode, now its only mode), only string
// scalars that start with ko:// are references, anywhere in a document,
// keys included; a bare import path is left alone even when it names a main
// package, and a ko:// reference to a package that is not a main package
// is an error rather than text left as it is.
package koresolve

import (
	"bytes"
	"errors"
	"fmt"
	"go/build"
	"io"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"golang.org/x/mod/module"
	"gopkg.in/yaml.v3"
)

// Scheme prefixes an import path to build in a manifest.
const Scheme = "ko://"

// ErrReference is wrapped by every error about a reference in a manifest.
var ErrReference = errors.New("invalid ko:// reference")

// Ref is one ko:// reference in a file.
type Ref struct {
	// ImportPath is the reference without ko:// and surrounding space.
	ImportPath string
	// Line is where it is in its file.
	Line int
}

// File is one manifest file read for its references.
type File struct {
	// Name is the file's path, as errors and the output order use it.
	Name string
	// Refs are the file's references in document order, one per
	// occurrence.
	Refs []Ref
	data []byte
}

// IsMain reports whether an import path is a main package; the caller asks
// go list (ko's packages.Load does the same).
type IsMain func(importPath string) (bool, error)

// Read parses a manifest file (one or more YAML documents) and finds its
// ko:// references, as ko does: every string scalar, key or value, at any
// depth, whose value starts with ko://, the reference being the value with
// surrounding space trimmed. Each import path must be a main package
// (isMain); a reference that is empty, malformed or not a main package
// fails naming the file, the line and the reference. A nil isMain skips
// that check.
func Read(file string, data []byte, isMain IsMain) (*File, error) {
	docs, err := decode(file, data)
	if err != nil {
		return nil, err
	}
	f := &File{Name: file, data: data}
	checked := map[string]error{}
	for _, doc := range docs {
		for _, n := range refNodes(doc) {
			ref := strings.TrimSpace(n.Value)
			ip := strings.TrimPrefix(ref, Scheme)
			err, done := checked[ip]
			if !done {
				err = checkImportPath(ip, isMain)
				checked[ip] = err
			}
			if err != nil {
				return nil, fmt.Errorf("%w: %s:%d: %s: %v", ErrReference, file, n.Line, ref, err)
			}
			f.Refs = append(f.Refs, Ref{ImportPath: ip, Line: n.Line})
		}
	}
	return f, nil
}

// checkImportPath checks one reference's import path.
func checkImportPath(ip string, isMain IsMain) error {
	if ip == "" {
		return errors.New("no import path after ko://; want one such as ko://example.com/app/cmd/app")
	}
	if build.IsLocalImport(ip) {
		if strings.ContainsAny(ip, " \t\r\n") {
			return errors.New("is not a local import path; want one such as ko://./cmd/app")
		}
	} else if err := module.CheckImportPath(ip); err != nil {
		return fmt.Errorf("is not an import path (%v); want one such as ko://example.com/app/cmd/app", err)
	}
	if isMain == nil {
		return nil
	}
	main, err := isMain(ip)
	if err != nil {
		return fmt.Errorf("loading %s: %w", ip, err)
	}
	if !main {
		return errors.New("is not a main package (package main); ko:// names a command to build")
	}
	return nil
}

// ImportPaths are the distinct import paths of files' references, sorted:
// each image to build once, however many manifests name it.
func ImportPaths(files ...*File) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		for _, r := range f.Refs {
			if !seen[r.ImportPath] {
				seen[r.ImportPath] = true
				out = append(out, r.ImportPath)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Resolve is the file with every reference replaced by its pushed image
// (images maps an import path to what Reference returned for it), encoded
// as ko encodes it: every document through gopkg.in/yaml.v3 with an indent
// of 2, so comments and quoting stay, sequences are indented under their
// key, documents are separated by ---, and a replaced scalar keeps its
// style. A reference with no image fails naming the file, the line and the
// reference.
func (f *File) Resolve(images map[string]string) ([]byte, error) {
	for _, r := range f.Refs {
		img, ok := images[r.ImportPath]
		if !ok {
			return nil, fmt.Errorf("%w: %s:%d: %s%s: no image was published for it", ErrReference, f.Name, r.Line, Scheme, r.ImportPath)
		}
		if _, err := name.ParseReference(img); err != nil {
			return nil, fmt.Errorf("%w: %s:%d: %s%s: image %q: %v", ErrReference, f.Name, r.Line, Scheme, r.ImportPath, img, err)
		}
	}
	docs, err := decode(f.Name, f.data)
	if err != nil {
		return nil, err
	}
	for _, doc := range docs {
		for _, n := range refNodes(doc) {
			n.Value = images[strings.TrimPrefix(strings.TrimSpace(n.Value), Scheme)]
		}
	}
	if len(docs) == 0 {
		// ko writes nothing for a file without documents (its encoder's
		// Close fails there, and ko ignores it).
		return []byte{}, nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for _, doc := range docs {
		if err := enc.Encode(doc); err != nil {
			return nil, fmt.Errorf("%w: %s: encoding: %v", ErrReference, f.Name, err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("%w: %s: encoding: %v", ErrReference, f.Name, err)
	}
	return buf.Bytes(), nil
}

// Join is ko resolve's output for resolved files in order: each file's YAML
// followed by a line "---", so a stream piped to kubectl ends each file's
// last resource.
func Join(resolved ...[]byte) []byte {
	var out []byte
	for _, b := range resolved {
		out = append(out, b...)
		out = append(out, "\n---\n"...)
	}
	return out
}

// decode reads every document of a file as yaml.v3 nodes.
func decode(file string, data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				return docs, nil
			}
			return nil, fmt.Errorf("%w: %s: %v", ErrReference, file, err)
		}
		docs = append(docs, &doc)
	}
}

// refNodes are a document's ko:// string scalars in document order (keys
// too; an anchored node once, however many aliases name it).
func refNodes(doc *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && strings.HasPrefix(n.Value, Scheme) {
			out = append(out, n)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
	return out
}
