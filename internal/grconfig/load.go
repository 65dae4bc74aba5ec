// Package grconfig reads a repository's own GoReleaser configuration
// (.goreleaser.yaml, v2.15 schema) and turns it into go-build's release
// plan: every build with its targets and flags, every archive, package and
// checksum file named, before any work starts. It follows GoReleaser's
// facts (its config keys, defaults and template fields); the code is
// go-build's own, and nothing here touches Dagger, git or the network.
//
// Load finds nothing half-understood: a key go-build does not know, or a
// GoReleaser (or Pro) key it does not do, fails naming the key and its
// line; a section that publishes or announces is listed as outside
// go-build, never an error.
package grconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrConfig is wrapped by every error about a configuration.
var ErrConfig = errors.New("invalid GoReleaser configuration")

// ErrNotFound is returned by Find when a directory has no configuration.
var ErrNotFound = errors.New("no GoReleaser configuration")

// Names are the file names GoReleaser v2.15 looks for, in its order
// (cmd/config.go): the first that exists is the configuration.
var Names = []string{
	".config/goreleaser.yml",
	".config/goreleaser.yaml",
	".goreleaser.yml",
	".goreleaser.yaml",
	"goreleaser.yml",
	"goreleaser.yaml",
}

// maxSize is the largest configuration file read: far more than any real
// one (GoReleaser's own is 20 KiB).
const maxSize = 1 << 20

// Find returns the name of the configuration in fsys (a module's or
// workspace's root): the first of Names that is a regular file, or
// ErrNotFound naming them all.
func Find(fsys fs.FS) (string, error) {
	for _, name := range Names {
		info, err := fs.Stat(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("%w: %s: %v", ErrConfig, name, err)
		}
		if !info.Mode().IsRegular() {
			return "", fmt.Errorf("%w: %s is not a regular file", ErrConfig, name)
		}
		return name, nil
	}
	return "", fmt.Errorf("%w: none of %s", ErrNotFound, strings.Join(Names, ", "))
}

// ReadFile reads the configuration name in fsys and Loads it.
func ReadFile(fsys fs.FS, name string) (*Config, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, name, err)
	}
	return Load(name, data)
}

// Load reads a configuration; file is its name in messages. Every key is
// checked before the values are decoded: all bad keys are reported
// together, each with its line. A version other than 2 is a warning, as in
// GoReleaser v2, which reads such a file with the v2 schema.
func Load(file string, data []byte) (*Config, error) {
	c := &Config{File: file}
	if len(data) > maxSize {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrConfig, file, maxSize)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: %s is empty", ErrConfig, file)
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %s: more than one YAML document: a configuration is one", ErrConfig, file)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: %s:%d: the configuration is not a mapping of keys", ErrConfig, file, root.Line)
	}
	w := &walker{c: c}
	w.topLevel(root)
	if len(w.errs) > 0 {
		sort.SliceStable(w.errs, func(i, j int) bool { return w.errs[i].line < w.errs[j].line })
		var errs []error
		for _, e := range w.errs {
			errs = append(errs, e.err)
		}
		if v := versionOf(root); v != "2" {
			// GoReleaser v2 says so too when such a file does not load.
			errs = append(errs, fmt.Errorf("%w: %s: only version: 2 configuration files are supported, yours is version: %s; please update your configuration", ErrConfig, file, cmpOr(v, "0")))
		}
		return nil, errors.Join(errs...)
	}
	if err := w.supported.Decode(c); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if c.Version != 2 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("only version: 2 configuration files are supported, yours is version: %d; read with the version 2 schema as GoReleaser v2 does", c.Version))
	}
	return c, nil
}

// versionOf is the version key's value, "" when absent.
func versionOf(root *yaml.Node) string {
	for _, kv := range pairs(root) {
		if kv[0].Value == "version" {
			if v := deref(kv[1]); v.Kind == yaml.ScalarNode {
				return v.Value
			}
		}
	}
	return ""
}

func cmpOr(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// keyErr is one bad key, with its line for sorting.
type keyErr struct {
	line int
	err  error
}

// walker checks every key of a configuration against Config and the key
// tables, and collects the supported top-level keys into supported.
type walker struct {
	c         *Config
	errs      []keyErr
	supported yaml.Node
}

func (w *walker) add(line int, path, format string, args ...any) {
	w.errs = append(w.errs, keyErr{line, w.c.errf(line, path, format, args...)})
}

var configType = reflect.TypeFor[Config]()

// topLevel sorts the top-level keys: Config's, outside go-build, or errors.
func (w *walker) topLevel(root *yaml.Node) {
	w.supported = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	fields := yamlFields(configType)
	for _, kv := range pairs(root) {
		key, val := kv[0], kv[1]
		name := key.Value
		if what, ok := outside[name]; ok {
			w.c.Outside = append(w.c.Outside, Outside{Key: name, Line: key.Line, What: what})
			if name == "release" {
				w.c.ReleaseRepoName = releaseRepoName(val)
			}
			continue
		}
		f, ok := fields[name]
		if !ok {
			w.unknown(key, "", name, fields)
			continue
		}
		if name == "before" {
			w.before(val)
		} else {
			w.value(val, f.Type, name, name)
		}
		w.supported.Content = append(w.supported.Content, key, val)
	}
}

// before checks before.hooks: strings only (objects are GoReleaser Pro's).
func (w *walker) before(n *yaml.Node) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return
	}
	for _, kv := range pairs(n) {
		if kv[0].Value != "hooks" {
			w.unknown(kv[0], "before", kv[0].Value, map[string]reflect.StructField{"hooks": {}})
			continue
		}
		hooks := deref(kv[1])
		if hooks.Kind != yaml.SequenceNode {
			continue
		}
		for i, h := range hooks.Content {
			if h = deref(h); h.Kind == yaml.MappingNode {
				w.add(h.Line, fmt.Sprintf("before.hooks[%d]", i), "a hook object (cmd, dir, env, output) is GoReleaser Pro's; go-build takes a command string here, as GoReleaser OSS does")
			}
		}
	}
}

// value checks the keys of n, read as a t at path (with list indexes,
// for messages) and gpath (without, for the tables).
func (w *walker) value(n *yaml.Node, t reflect.Type, path, gpath string) {
	n = deref(n)
	if n == nil {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[Hooks]():
		if n.Kind == yaml.SequenceNode {
			for i, e := range n.Content {
				w.value(e, reflect.TypeFor[Hook](), fmt.Sprintf("%s[%d]", path, i), gpath)
			}
		}
		return
	case reflect.TypeFor[Hook](), reflect.TypeFor[File]():
		if deref(n).Kind == yaml.ScalarNode {
			return
		}
	case reflect.TypeFor[StringArray](), reflect.TypeFor[FlagArray]():
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // the decoder names the type mismatch and its line
		}
		fields := yamlFields(t)
		for _, kv := range pairs(n) {
			key := kv[0].Value
			f, ok := fields[key]
			if !ok {
				w.unknown(kv[0], gpath, path+"."+key, fields)
				continue
			}
			w.value(kv[1], f.Type, path+"."+key, gpath+"."+key)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, e := range n.Content {
			w.value(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), gpath)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for _, kv := range pairs(n) {
			w.value(kv[1], t.Elem(), path+"."+kv[0].Value, gpath)
		}
	}
}

// unknown reports key (named path in the message) under gpath: a Pro key,
// a GoReleaser key go-build does not do, or a key nobody knows.
func (w *walker) unknown(key *yaml.Node, gpath, path string, fields map[string]reflect.StructField) {
	name := key.Value
	if gpath == "" {
		path = name
	}
	if isPro(gpath, name) {
		w.add(key.Line, path, "a GoReleaser Pro key go-build does not do")
		return
	}
	if why, ok := notDone[gpath][name]; ok {
		msg := "a GoReleaser key go-build does not do"
		if why != "" {
			msg += ": " + why
		}
		w.add(key.Line, path, "%s", msg)
		return
	}
	if instead, ok := removed[gpath][name]; ok {
		w.add(key.Line, path, "removed in GoReleaser v2; use %s", instead)
		return
	}
	keys := slices.Sorted(maps.Keys(fields))
	if gpath == "" {
		keys = append(keys, slices.Sorted(maps.Keys(outside))...)
		slices.Sort(keys)
	}
	msg := "unknown key"
	if s := suggest(name, keys); s != "" {
		msg += "; did you mean " + s + "?"
	}
	where := "the top level"
	if gpath != "" {
		where = gpath
	}
	w.add(key.Line, path, "%s (keys of %s: %s)", msg, where, strings.Join(keys, ", "))
}

// yamlFields are t's fields by YAML key, inline structs' fields included.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if tag == "-" || !f.IsExported() {
			continue
		}
		if opts == "inline" {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			continue
		}
		out[name] = f
	}
	return out
}

// pairs are a mapping's key and value nodes, merge keys (<<: *anchor)
// expanded into the keys they bring.
func pairs(n *yaml.Node) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" || k.Value == "<<" {
			v = deref(v)
			switch v.Kind {
			case yaml.MappingNode:
				out = append(out, pairs(v)...)
			case yaml.SequenceNode:
				for _, m := range v.Content {
					if m = deref(m); m.Kind == yaml.MappingNode {
						out = append(out, pairs(m)...)
					}
				}
			}
			continue
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out
}

// deref follows an alias (*anchor) to its node.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// releaseRepoName is release.github.name (or gitlab's, or gitea's).
func releaseRepoName(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return ""
	}
	for _, scm := range []string{"github", "gitlab", "gitea"} {
		for _, kv := range pairs(n) {
			if kv[0].Value != scm {
				continue
			}
			repo := deref(kv[1])
			if repo.Kind != yaml.MappingNode {
				continue
			}
			for _, rkv := range pairs(repo) {
				if rkv[0].Value == "name" && deref(rkv[1]).Kind == yaml.ScalarNode && deref(rkv[1]).Value != "" {
					return deref(rkv[1]).Value
				}
			}
		}
	}
	return ""
}

// suggest is the key of keys closest to name, if close enough to be a
// typo: an edit distance of at most 2 (1 for short keys).
func suggest(name string, keys []string) string {
	best, bestD := "", 3
	if len(name) <= 4 {
		bestD = 2
	}
	for _, k := range keys {
		if d := distance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
