// Package koconfig reads ko's configuration file, .ko.yaml, the way ko
// v0.17 reads it: defaultBaseImage, baseImageOverrides, builds,
// defaultPlatforms, defaultEnv, defaultFlags and defaultLdflags. Where ko
// silently ignores a key it does not know, this package fails naming the key
// and its line, so a typo never goes unnoticed.
//
// Keys match as ko's (viper's) do: without regard to case, so
// defaultbaseimage is defaultBaseImage. The lists take a YAML list, or a
// single string that ko splits on spaces (builds' ldflags and env keep a
// single string whole, as ko does).
package koconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"gopkg.in/yaml.v3"

	"dagger/go-build/internal/platform"
)

// FileName is the file ko reads in its working directory.
const FileName = ".ko.yaml"

// PathEnv is the variable ko reads for another file (or a directory holding
// a .ko.yaml); go-build's own option is --ko-config.
const PathEnv = "KO_CONFIG_PATH"

// ErrConfig is wrapped by every error of a .ko.yaml.
var ErrConfig = errors.New("invalid ko configuration")

// Config is a read .ko.yaml. A zero Config is an absent or empty file.
type Config struct {
	// File is the file's name, as errors say it.
	File string
	// DefaultBaseImage is the base of every image without an override; ""
	// when the file does not set it.
	DefaultBaseImage string
	// BaseImageOverrides maps an import path, lowercased as ko matches it,
	// to its base image.
	BaseImageOverrides map[string]string
	// DefaultPlatforms are the platforms when the command line names none,
	// normalized (linux/arm is linux/arm/v7); ["all"] for every platform of
	// the base.
	DefaultPlatforms []string
	// DefaultEnv, DefaultFlags and DefaultLdflags apply to a build whose own
	// list is empty.
	DefaultEnv, DefaultFlags, DefaultLdflags []string
	// Builds are the builds entries, in the file's order.
	Builds []Build
}

// Build is one entry of builds: how ko builds one main package.
type Build struct {
	// ID names the entry in messages; "#<index>" when the file gives none,
	// as ko names it.
	ID string
	// Dir is where go build runs, relative to the working directory ("."
	// when unset). Main is the main package (or a file of it) relative to
	// Dir ("." when unset).
	Dir, Main string
	// Env is added to the build's environment; Flags go before the package
	// on go build's command line; Ldflags are joined with spaces into one
	// -ldflags. Flags and Ldflags are templates (see Data).
	Env, Flags, Ldflags []string
	// LinuxCapabilities are file capabilities ko sets on the binary.
	LinuxCapabilities []string
	// Line is the entry's line in the file.
	Line int
}

// keys are the top-level keys ko reads, as its docs spell them.
var keys = []string{"defaultBaseImage", "baseImageOverrides", "builds", "defaultPlatforms", "defaultEnv", "defaultFlags", "defaultLdflags"}

// buildKeys are the keys of a builds entry ko reads (its build.Config).
var buildKeys = []string{"id", "dir", "main", "env", "flags", "ldflags", "linux_capabilities"}

// Parse reads a .ko.yaml's bytes; file names it in errors. Every error says
// the file, the line and what is accepted.
func Parse(file string, data []byte) (*Config, error) {
	c := &Config{File: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, file, err)
	}
	var second yaml.Node
	if err := dec.Decode(&second); err == nil {
		return nil, c.errorf(&second, "a second YAML document; ko reads one")
	} else if !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, file, err)
	}
	if len(doc.Content) == 0 {
		return c, nil
	}
	root := deref(doc.Content[0])
	if isNull(root) {
		return c, nil
	}
	fields, err := c.mapping(root, "the file", keys)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		if err := c.set(f); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// field is one key of a mapping and its value, the key spelled as the
// accepted list spells it.
type field struct {
	key   string
	node  *yaml.Node // the key's node, for its line
	value *yaml.Node
}

// mapping reads n as a mapping of the keys in known (matched without regard
// to case, as ko matches them). An unknown key fails naming it, its line and
// the keys known; a key given twice (in any case) fails too.
func (c *Config) mapping(n *yaml.Node, what string, known []string) ([]field, error) {
	if n.Kind != yaml.MappingNode {
		return nil, c.errorf(n, "%s is a %s; want a mapping of %s", what, kindName(n), strings.Join(known, ", "))
	}
	var out []field
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return nil, c.errorf(k, "a %s as a key of %s; want one of %s", kindName(k), what, strings.Join(known, ", "))
		}
		canon := ""
		for _, w := range known {
			if strings.EqualFold(w, k.Value) {
				canon = w
			}
		}
		if canon == "" {
			return nil, c.errorf(k, "unknown key %q in %s; want one of %s", k.Value, what, strings.Join(known, ", "))
		}
		if line, dup := seen[canon]; dup {
			return nil, c.errorf(k, "%s is given twice in %s (first at line %d; keys match without regard to case)", canon, what, line)
		}
		seen[canon] = k.Line
		out = append(out, field{canon, k, v})
	}
	return out, nil
}

// set stores one top-level key.
func (c *Config) set(f field) error {
	if isNull(f.value) {
		return nil
	}
	var err error
	switch f.key {
	case "defaultBaseImage":
		var s string
		if s, err = c.scalar(f); err == nil {
			err = c.checkImage(f.value, f.key, s)
			c.DefaultBaseImage = s
		}
	case "baseImageOverrides":
		c.BaseImageOverrides, err = c.overrides(f)
	case "builds":
		c.Builds, err = c.builds(f)
	case "defaultPlatforms":
		var list []string
		if list, err = c.list(f, splitFields); err == nil {
			c.DefaultPlatforms, err = c.platforms(f, list)
		}
	case "defaultEnv":
		c.DefaultEnv, err = c.list(f, splitFields)
	case "defaultFlags":
		c.DefaultFlags, err = c.list(f, splitFields)
	case "defaultLdflags":
		c.DefaultLdflags, err = c.list(f, splitFields)
	}
	return err
}

// scalar is a key's value as one string.
func (c *Config) scalar(f field) (string, error) {
	if f.value.Kind != yaml.ScalarNode {
		return "", c.errorf(f.value, "%s is a %s; want a string", f.key, kindName(f.value))
	}
	return f.value.Value, nil
}

// splitting says what a single string given for a list becomes.
type splitting int

const (
	splitFields splitting = iota // split on spaces (ko's defaultX, flags)
	keepWhole                    // one element (ko's ldflags, env)
)

// list is a key's value as a list of strings: a YAML list of strings, or a
// single string split as ko splits it.
func (c *Config) list(f field, split splitting) ([]string, error) {
	switch f.value.Kind {
	case yaml.ScalarNode:
		if split == keepWhole {
			return []string{f.value.Value}, nil
		}
		return strings.Fields(f.value.Value), nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(f.value.Content))
		for _, item := range f.value.Content {
			item = deref(item)
			if item.Kind != yaml.ScalarNode || isNull(item) {
				return nil, c.errorf(item, "%s holds a %s; want a list of strings", f.key, kindName(item))
			}
			out = append(out, item.Value)
		}
		return out, nil
	}
	return nil, c.errorf(f.value, "%s is a %s; want a list of strings or one string", f.key, kindName(f.value))
}

// platforms checks defaultPlatforms: "all" alone, or platforms go-build
// builds.
func (c *Config) platforms(f field, list []string) ([]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	if len(list) == 1 && strings.TrimSpace(list[0]) == "all" {
		return []string{"all"}, nil
	}
	targets, err := platform.ParseList(list)
	if err != nil {
		return nil, c.errorf(f.value, "defaultPlatforms: %v; want \"all\" alone or platforms such as linux/amd64", err)
	}
	out := make([]string, len(targets))
	for i, t := range targets {
		out[i] = t.String()
	}
	return out, nil
}

// overrides reads baseImageOverrides: import path to image.
func (c *Config) overrides(f field) (map[string]string, error) {
	if f.value.Kind != yaml.MappingNode {
		return nil, c.errorf(f.value, "baseImageOverrides is a %s; want a mapping of import path to image, such as example.com/app/cmd/app: registry.example/base:1", kindName(f.value))
	}
	out := map[string]string{}
	lines := map[string]int{}
	for i := 0; i+1 < len(f.value.Content); i += 2 {
		k, v := deref(f.value.Content[i]), deref(f.value.Content[i+1])
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			return nil, c.errorf(k, "baseImageOverrides has a %s key; want an import path", kindName(k))
		}
		if v.Kind != yaml.ScalarNode || isNull(v) {
			return nil, c.errorf(v, "baseImageOverrides[%s] is a %s; want an image such as registry.example/base:1", k.Value, kindName(v))
		}
		key := strings.ToLower(k.Value)
		if line, dup := lines[key]; dup {
			return nil, c.errorf(k, "baseImageOverrides names %s twice (first at line %d; ko matches import paths without regard to case)", k.Value, line)
		}
		if err := c.checkImage(v, "baseImageOverrides["+k.Value+"]", v.Value); err != nil {
			return nil, err
		}
		lines[key] = k.Line
		out[key] = v.Value
	}
	return out, nil
}

// checkImage parses an image reference as ko does.
func (c *Config) checkImage(n *yaml.Node, what, ref string) error {
	if _, err := name.ParseReference(ref); err != nil {
		return c.errorf(n, "%s: %q is not an image reference (%v); want one such as registry.example/base:1", what, ref, err)
	}
	return nil
}

// builds reads the builds list.
func (c *Config) builds(f field) ([]Build, error) {
	if f.value.Kind != yaml.SequenceNode {
		return nil, c.errorf(f.value, "builds is a %s; want a list of builds, each with id, dir, main, env, flags, ldflags", kindName(f.value))
	}
	out := make([]Build, 0, len(f.value.Content))
	for i, item := range f.value.Content {
		item = deref(item)
		b := Build{ID: fmt.Sprintf("#%d", i), Dir: ".", Main: ".", Line: item.Line}
		fields, err := c.mapping(item, fmt.Sprintf("builds entry #%d", i), buildKeys)
		if err != nil {
			return nil, err
		}
		for _, bf := range fields {
			// The id first, so every message names the entry by it.
			if bf.key == "id" && bf.value.Kind == yaml.ScalarNode && !isNull(bf.value) && bf.value.Value != "" {
				b.ID = bf.value.Value
			}
		}
		for _, bf := range fields {
			if isNull(bf.value) {
				continue
			}
			key := bf.key
			bf.key = "builds[" + b.ID + "]." + key
			var err error
			switch key {
			case "id":
				var s string
				if s, err = c.scalar(bf); s != "" {
					b.ID = s
				}
			case "dir":
				var s string
				if s, err = c.scalar(bf); s != "" {
					b.Dir = s
				}
			case "main":
				var s string
				if s, err = c.scalar(bf); s != "" {
					b.Main = s
				}
			case "env":
				b.Env, err = c.list(bf, keepWhole)
			case "flags":
				b.Flags, err = c.list(bf, splitFields)
			case "ldflags":
				b.Ldflags, err = c.list(bf, keepWhole)
			case "linux_capabilities":
				b.LinuxCapabilities, err = c.list(bf, splitFields)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, b)
	}
	return out, nil
}

// BaseImage is the base of importPath's image, as ko decides it: its
// override in baseImageOverrides (matched without regard to case), else the
// command line's base (commandLine, "" when not given), else
// defaultBaseImage, else fallback (go-build's own default base). A "ko://"
// prefix is ignored.
func (c *Config) BaseImage(importPath, commandLine, fallback string) string {
	ip := strings.ToLower(strings.TrimPrefix(importPath, "ko://"))
	if base := c.BaseImageOverrides[ip]; base != "" {
		return base
	}
	switch {
	case commandLine != "":
		return commandLine
	case c.DefaultBaseImage != "":
		return c.DefaultBaseImage
	}
	return fallback
}

func (c *Config) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%w: %s:%d: %s", ErrConfig, c.File, n.Line, fmt.Sprintf(format, args...))
}

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch {
	case isNull(n):
		return "null"
	case n.Kind == yaml.MappingNode:
		return "mapping"
	case n.Kind == yaml.SequenceNode:
		return "list"
	case n.Kind == yaml.ScalarNode:
		return "string"
	}
	return "node"
}
