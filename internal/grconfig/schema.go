package grconfig

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is a .goreleaser.yaml as go-build reads it: the keys go-build
// does, with GoReleaser's (v2.15) names, types and deprecated aliases. Load
// fills it; every other key is either outside go-build (Outside) or an
// error.
type Config struct {
	Version           int               `yaml:"version"`
	Pro               bool              `yaml:"pro"`
	ProjectName       string            `yaml:"project_name"`
	Env               []string          `yaml:"env"`
	Dist              string            `yaml:"dist"`
	Before            Before            `yaml:"before"`
	Builds            []Build           `yaml:"builds"`
	UniversalBinaries []UniversalBinary `yaml:"universal_binaries"`
	Archives          []Archive         `yaml:"archives"`
	Checksum          Checksum          `yaml:"checksum"`
	NFPMs             []NFPM            `yaml:"nfpms"`
	SBOMs             []SBOM            `yaml:"sboms"`
	Signs             []Sign            `yaml:"signs"`
	Snapshot          Snapshot          `yaml:"snapshot"`
	Metadata          Metadata          `yaml:"metadata"`
	Git               Git               `yaml:"git"`
	// Monorepo is GoReleaser Pro's, the one Pro section go-build does.
	Monorepo Monorepo `yaml:"monorepo"`

	// File is the config's file name, as errors name it.
	File string `yaml:"-"`
	// Outside are the sections that publish or announce: read, not done.
	Outside []Outside `yaml:"-"`
	// Warnings are what GoReleaser would warn about (a version other
	// than 2, deprecated keys), in the order met.
	Warnings []string `yaml:"-"`
	// ReleaseRepoName is release.github/gitlab/gitea.name, which
	// GoReleaser takes as the project name when project_name is not set.
	ReleaseRepoName string `yaml:"-"`
}

// Outside is a top-level section go-build reads past: it publishes or
// announces, which go-build leaves to other tools.
type Outside struct {
	Key  string `json:"key"`
	Line int    `json:"line"`
	What string `json:"what"`
}

// Before is before: commands run on the source before the builds.
type Before struct {
	Hooks []string `yaml:"hooks"`
}

// Build is one entry of builds.
type Build struct {
	ID           string      `yaml:"id"`
	Main         string      `yaml:"main"`
	Dir          string      `yaml:"dir"`
	Binary       string      `yaml:"binary"`
	Builder      string      `yaml:"builder"`
	Goos         []string    `yaml:"goos"`
	Goarch       []string    `yaml:"goarch"`
	Goarm        []string    `yaml:"goarm"`
	Goamd64      []string    `yaml:"goamd64"`
	Goarm64      []string    `yaml:"goarm64"`
	Go386        []string    `yaml:"go386"`
	Gomips       []string    `yaml:"gomips"`
	Goppc64      []string    `yaml:"goppc64"`
	Goriscv64    []string    `yaml:"goriscv64"`
	Targets      []string    `yaml:"targets"`
	Ignore       []Ignore    `yaml:"ignore"`
	Env          []string    `yaml:"env"`
	Flags        FlagArray   `yaml:"flags"`
	Ldflags      StringArray `yaml:"ldflags"`
	Tags         FlagArray   `yaml:"tags"`
	Asmflags     StringArray `yaml:"asmflags"`
	Gcflags      StringArray `yaml:"gcflags"`
	ModTimestamp string      `yaml:"mod_timestamp"`
	// Skip is a bool or a template giving one.
	Skip  string     `yaml:"skip"`
	Hooks BuildHooks `yaml:"hooks"`
}

// Ignore is one builds[].ignore entry: a target matches when every field
// set is equal.
type Ignore struct {
	Goos      string `yaml:"goos"`
	Goarch    string `yaml:"goarch"`
	Goarm     string `yaml:"goarm"`
	Goamd64   string `yaml:"goamd64"`
	Goarm64   string `yaml:"goarm64"`
	Go386     string `yaml:"go386"`
	Gomips    string `yaml:"gomips"`
	Goppc64   string `yaml:"goppc64"`
	Goriscv64 string `yaml:"goriscv64"`
}

// BuildHooks are builds[].hooks.
type BuildHooks struct {
	Pre  Hooks `yaml:"pre"`
	Post Hooks `yaml:"post"`
}

// Hooks are a list of hooks, or one command as a string.
type Hooks []Hook

// Hook is one command: a string, or an object.
type Hook struct {
	Cmd    string   `yaml:"cmd" json:"cmd"`
	Dir    string   `yaml:"dir" json:"dir,omitempty"`
	Env    []string `yaml:"env" json:"env,omitempty"`
	Output bool     `yaml:"output" json:"output,omitempty"`
}

// UnmarshalYAML reads one command or a list of them.
func (h *Hooks) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*h = Hooks{{Cmd: n.Value}}
		return nil
	}
	var list []Hook
	if err := n.Decode(&list); err != nil {
		return err
	}
	*h = list
	return nil
}

// UnmarshalYAML reads a command string or a hook object.
func (h *Hook) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*h = Hook{Cmd: n.Value}
		return nil
	}
	type plain Hook
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*h = Hook(p)
	return nil
}

// StringArray is a list of strings, or one string as a list of one.
type StringArray []string

// UnmarshalYAML reads a string or a list of them.
func (a *StringArray) UnmarshalYAML(n *yaml.Node) error {
	return decodeList((*[]string)(a), n, func(s string) []string { return []string{s} })
}

// FlagArray is a list of flags, or one string split at spaces.
type FlagArray []string

// UnmarshalYAML reads a list, or a string split into fields.
func (a *FlagArray) UnmarshalYAML(n *yaml.Node) error {
	return decodeList((*[]string)(a), n, strings.Fields)
}

// decodeList reads a YAML list of strings into dst, or a single string
// through scalar.
func decodeList(dst *[]string, n *yaml.Node, scalar func(string) []string) error {
	if n.Kind == yaml.ScalarNode {
		*dst = scalar(n.Value)
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*dst = list
	return nil
}

// UniversalBinary is one entry of universal_binaries.
type UniversalBinary struct {
	ID           string   `yaml:"id"`
	IDs          []string `yaml:"ids"`
	NameTemplate string   `yaml:"name_template"`
	Replace      bool     `yaml:"replace"`
	ModTimestamp string   `yaml:"mod_timestamp"`
}

// Archive is one entry of archives.
type Archive struct {
	ID                        string           `yaml:"id"`
	IDs                       []string         `yaml:"ids"`
	NameTemplate              string           `yaml:"name_template"`
	Formats                   StringArray      `yaml:"formats"`
	FormatOverrides           []FormatOverride `yaml:"format_overrides"`
	Files                     []File           `yaml:"files"`
	BuildsInfo                FileInfo         `yaml:"builds_info"`
	WrapInDirectory           string           `yaml:"wrap_in_directory"`
	StripBinaryDirectory      bool             `yaml:"strip_binary_directory"`
	Meta                      bool             `yaml:"meta"`
	AllowDifferentBinaryCount bool             `yaml:"allow_different_binary_count"`

	// Format is formats' deprecated singular.
	Format string `yaml:"format"`
	// Builds is ids' deprecated name.
	Builds []string `yaml:"builds"`
}

// FormatOverride is one archives[].format_overrides entry.
type FormatOverride struct {
	Goos    string      `yaml:"goos"`
	Formats StringArray `yaml:"formats"`
	// Format is formats' deprecated singular.
	Format string `yaml:"format"`
}

// File is one archives[].files entry: a glob, or an object.
type File struct {
	Source      string   `yaml:"src" json:"src"`
	Destination string   `yaml:"dst" json:"dst,omitempty"`
	StripParent bool     `yaml:"strip_parent" json:"strip_parent,omitempty"`
	Info        FileInfo `yaml:"info" json:"info"`
	// Default marks GoReleaser's default files (LICENSE*, README*...).
	Default bool `yaml:"-" json:"default,omitempty"`
}

// UnmarshalYAML reads a glob or a file object.
func (f *File) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*f = File{Source: n.Value}
		return nil
	}
	type plain File
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*f = File(p)
	return nil
}

// FileInfo is the owner, group, mode and time of a file in an archive or
// package.
type FileInfo struct {
	Owner string      `yaml:"owner" json:"owner,omitempty"`
	Group string      `yaml:"group" json:"group,omitempty"`
	Mode  os.FileMode `yaml:"mode" json:"mode,omitempty"`
	MTime string      `yaml:"mtime" json:"mtime,omitempty"`
}

// MarshalJSON writes the mode in octal ("0644"), as configurations and
// ls spell it.
func (fi FileInfo) MarshalJSON() ([]byte, error) {
	type plain FileInfo
	out := struct {
		plain
		Mode string `json:"mode,omitempty"`
	}{plain: plain(fi)}
	if fi.Mode != 0 {
		out.Mode = fmt.Sprintf("%04o", uint32(fi.Mode))
	}
	return json.Marshal(out)
}

// Checksum is checksum.
type Checksum struct {
	NameTemplate string      `yaml:"name_template"`
	Algorithm    string      `yaml:"algorithm"`
	Disable      bool        `yaml:"disable"`
	ExtraFiles   []ExtraFile `yaml:"extra_files"`
}

// ExtraFile is a file added by glob, optionally renamed.
type ExtraFile struct {
	Glob         string `yaml:"glob" json:"glob"`
	NameTemplate string `yaml:"name_template" json:"name_template,omitempty"`
}

// NFPM is one entry of nfpms.
type NFPM struct {
	Overridables `yaml:",inline"`
	Overrides    map[string]Overridables `yaml:"overrides"`

	ID          string   `yaml:"id"`
	IDs         []string `yaml:"ids"`
	Formats     []string `yaml:"formats"`
	Vendor      string   `yaml:"vendor"`
	Homepage    string   `yaml:"homepage"`
	Maintainer  string   `yaml:"maintainer"`
	Description string   `yaml:"description"`
	License     string   `yaml:"license"`
	Bindir      string   `yaml:"bindir"`
	Section     string   `yaml:"section"`
	Priority    string   `yaml:"priority"`
	MTime       string   `yaml:"mtime"`

	// Builds is ids' deprecated name.
	Builds []string `yaml:"builds"`
}

// Overridables are the nfpms keys a format's overrides may change.
type Overridables struct {
	FileNameTemplate string    `yaml:"file_name_template"`
	PackageName      string    `yaml:"package_name"`
	Dependencies     []string  `yaml:"dependencies"`
	Recommends       []string  `yaml:"recommends"`
	Suggests         []string  `yaml:"suggests"`
	Conflicts        []string  `yaml:"conflicts"`
	Replaces         []string  `yaml:"replaces"`
	Provides         []string  `yaml:"provides"`
	Contents         []Content `yaml:"contents"`
	Scripts          Scripts   `yaml:"scripts"`
}

// Content is one nfpms[].contents entry.
type Content struct {
	Source      string   `yaml:"src" json:"src,omitempty"`
	Destination string   `yaml:"dst" json:"dst"`
	Type        string   `yaml:"type" json:"type,omitempty"`
	Packager    string   `yaml:"packager" json:"packager,omitempty"`
	FileInfo    FileInfo `yaml:"file_info" json:"file_info"`
}

// Scripts are a package's maintainer scripts, as paths in the source.
type Scripts struct {
	PreInstall  string `yaml:"preinstall" json:"preinstall,omitempty"`
	PostInstall string `yaml:"postinstall" json:"postinstall,omitempty"`
	PreRemove   string `yaml:"preremove" json:"preremove,omitempty"`
	PostRemove  string `yaml:"postremove" json:"postremove,omitempty"`
}

// SBOM is one entry of sboms: which artifacts get an SBOM, and its name.
// go-build writes the SPDX document itself; it runs no cataloger.
type SBOM struct {
	ID        string   `yaml:"id"`
	IDs       []string `yaml:"ids"`
	Artifacts string   `yaml:"artifacts"`
	Documents []string `yaml:"documents"`
	Cmd       string   `yaml:"cmd"`
	Args      []string `yaml:"args"`
	Env       []string `yaml:"env"`
	Disable   string   `yaml:"disable"`
}

// Sign is one entry of signs. go-build signs with cosign and the key of
// with-signing-key; cmd, args and the rest say how GoReleaser would run a
// signer and are read, not run.
type Sign struct {
	ID          string   `yaml:"id"`
	IDs         []string `yaml:"ids"`
	Artifacts   string   `yaml:"artifacts"`
	Signature   string   `yaml:"signature"`
	Cmd         string   `yaml:"cmd"`
	Args        []string `yaml:"args"`
	Stdin       *string  `yaml:"stdin"`
	StdinFile   string   `yaml:"stdin_file"`
	Env         []string `yaml:"env"`
	Certificate string   `yaml:"certificate"`
	Output      string   `yaml:"output"`
}

// Snapshot is snapshot.
type Snapshot struct {
	VersionTemplate string `yaml:"version_template"`
	// NameTemplate is version_template's deprecated name.
	NameTemplate string `yaml:"name_template"`
}

// Metadata is metadata.
type Metadata struct {
	ModTimestamp string `yaml:"mod_timestamp"`
}

// Git is git.
type Git struct {
	TagSort string `yaml:"tag_sort"`
}

// Monorepo is GoReleaser Pro's monorepo: tags such as cli/v1.2.3 version
// the project in dir cli.
type Monorepo struct {
	TagPrefix string `yaml:"tag_prefix"`
	Dir       string `yaml:"dir"`
}

// errf is a config error at a line.
func (c *Config) errf(line int, path, format string, args ...any) error {
	return fmt.Errorf("%w: %s:%d: %s: %s", ErrConfig, c.File, line, path, fmt.Sprintf(format, args...))
}
