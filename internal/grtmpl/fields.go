package grtmpl

import (
	"fmt"
	"runtime"
	"time"
)

// Context is what GoReleaser's common fields are made of: the project, the
// version, the git state, the environment and the time of the run.
type Context struct {
	ProjectName string
	ModulePath  string
	// Version is .Version: the tag without its v, or the snapshot version.
	Version string
	// Tag is the current tag (without the monorepo prefix); PrefixedTag
	// the tag as git has it (GoReleaser Pro's .PrefixedTag).
	Tag, PrefixedTag                 string
	PreviousTag, PrefixedPreviousTag string
	Branch                           string
	// FullCommit is the full hash (.Commit and .FullCommit); ShortCommit
	// its abbreviation.
	FullCommit, ShortCommit  string
	Summary, PrefixedSummary string
	GitURL                   string
	TagSubject, TagContents  string
	TagBody                  string
	CommitDate               time.Time
	Dirty                    bool
	// Major, Minor, Patch and Prerelease are the tag's semantic version
	// parts, zero when the tag is not one.
	Major, Minor, Patch uint64
	Prerelease          string
	Snapshot            bool
	SingleTarget        bool
	Draft               bool
	// Env is .Env: the environment templates see.
	Env map[string]string
	// Date is the time of the run (.Date, .Timestamp, .Now).
	Date time.Time
	// RuntimeGoos and RuntimeGoarch are .Runtime.Goos and .Runtime.Goarch;
	// empty means this process's.
	RuntimeGoos, RuntimeGoarch string
}

// Runtime is .Runtime: the OS and architecture GoReleaser runs on.
type Runtime struct {
	Goos   string
	Goarch string
}

// Fields are GoReleaser's common fields (internal/tmpl New): every
// template sees them.
func (c Context) Fields() Fields {
	tree := "clean"
	if c.Dirty {
		tree = "dirty"
	}
	env := c.Env
	if env == nil {
		env = map[string]string{}
	}
	rt := Runtime{Goos: c.RuntimeGoos, Goarch: c.RuntimeGoarch}
	if rt.Goos == "" {
		rt.Goos = runtime.GOOS
	}
	if rt.Goarch == "" {
		rt.Goarch = runtime.GOARCH
	}
	return Fields{
		"ProjectName":         c.ProjectName,
		"ModulePath":          c.ModulePath,
		"Version":             c.Version,
		"RawVersion":          rawVersion(c),
		"Summary":             c.Summary,
		"PrefixedSummary":     c.PrefixedSummary,
		"Tag":                 c.Tag,
		"PrefixedTag":         c.PrefixedTag,
		"PreviousTag":         c.PreviousTag,
		"PrefixedPreviousTag": c.PrefixedPreviousTag,
		"Branch":              c.Branch,
		"Commit":              c.FullCommit,
		"ShortCommit":         c.ShortCommit,
		"FullCommit":          c.FullCommit,
		"CommitDate":          c.CommitDate.UTC().Format(time.RFC3339),
		"CommitTimestamp":     c.CommitDate.UTC().Unix(),
		"GitURL":              c.GitURL,
		"IsGitDirty":          c.Dirty,
		"IsGitClean":          !c.Dirty,
		"GitTreeState":        tree,
		"Env":                 env,
		"Date":                c.Date.UTC().Format(time.RFC3339),
		"Timestamp":           c.Date.UTC().Unix(),
		"Now":                 c.Date.UTC(),
		"Major":               c.Major,
		"Minor":               c.Minor,
		"Patch":               c.Patch,
		"Prerelease":          c.Prerelease,
		"IsSnapshot":          c.Snapshot,
		"IsSingleTarget":      c.SingleTarget,
		"IsNightly":           false,
		"IsDraft":             c.Draft,
		"ReleaseNotes":        "",
		"ReleaseURL":          "",
		"TagSubject":          c.TagSubject,
		"TagContents":         c.TagContents,
		"TagBody":             c.TagBody,
		"Runtime":             rt,
	}
}

func rawVersion(c Context) string {
	return fmt.Sprintf("%d.%d.%d", c.Major, c.Minor, c.Patch)
}

// Target is one build target in GoReleaser's terms: GOOS, GOARCH and the
// one architecture setting that applies (Amd64 for amd64, Arm for arm...),
// and Target, GoReleaser's name for all of it (linux_amd64_v1,
// linux_arm_6, darwin_all for a universal binary).
type Target struct {
	Target                        string
	Os, Arch                      string
	Amd64, I386, Arm, Arm64, Mips string
	Ppc64, Riscv64                string
}

// Fields are a target's fields (.Os, .Arch, .Amd64, .I386, .Arm, .Arm64,
// .Mips, .Ppc64, .Riscv64, .Target), every one present, empty where it does
// not apply, as GoReleaser sets them for a build.
func (t Target) Fields() Fields {
	return Fields{
		"Target":  t.Target,
		"Os":      t.Os,
		"Arch":    t.Arch,
		"Amd64":   t.Amd64,
		"I386":    t.I386,
		"Arm":     t.Arm,
		"Arm64":   t.Arm64,
		"Mips":    t.Mips,
		"Ppc64":   t.Ppc64,
		"Riscv64": t.Riscv64,
	}
}

// Build are the fields of one binary being built (.Name, .Ext, .Path, and
// .Binary), added to a target's.
type Build struct {
	// Name is the binary's file name with its extension; Ext the
	// extension (.exe, or empty); Path its path under dist.
	Name, Ext, Path string
}

// Fields are b's fields.
func (b Build) Fields() Fields {
	return Fields{"Name": b.Name, "Ext": b.Ext, "Path": b.Path}
}

// Artifact are the fields of one artifact (GoReleaser's WithArtifact):
// .Binary, .ArtifactName, .ArtifactExt, .ArtifactPath, added to a
// target's.
type Artifact struct {
	Binary, Name, Ext, Path string
}

// Fields are a's fields.
func (a Artifact) Fields() Fields {
	return Fields{"Binary": a.Binary, "ArtifactName": a.Name, "ArtifactExt": a.Ext, "ArtifactPath": a.Path}
}
