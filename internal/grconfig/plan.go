package grconfig

import (
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"

	"dagger/go-build/internal/grtmpl"
)

// Facts are what a plan needs besides the configuration: what GoReleaser
// reads from git, the environment and the clock. The caller gathers them;
// nothing here runs git.
type Facts struct {
	// ProjectName is the name when the configuration gives none (neither
	// project_name nor release.github.name): GoReleaser takes the last
	// element of `go list -m` as is (v4 for github.com/mikefarah/yq/v4),
	// then the git remote's repository name; the caller chooses.
	ProjectName string
	// ModulePath is the main module's path (.ModulePath).
	ModulePath string
	Git        GitFacts
	// Snapshot is goreleaser --snapshot: the version comes from
	// snapshot.version_template, and a missing tag or a dirty tree is
	// accepted.
	Snapshot bool
	// Env is the environment GoReleaser would run in (.Env, and $VAR in
	// builds[].env). Values may be secrets: a Plan carries the entries
	// the configuration's env and templates make from them.
	Env map[string]string
	// Date is the time of the run (.Date, .Timestamp, .Now).
	Date time.Time
	// Now is the clock of the template function time; nil is time.Now.
	Now func() time.Time
}

// GitFacts are the git state GoReleaser reads.
type GitFacts struct {
	// Tag is the tag of the commit as git has it, with any monorepo
	// prefix (cli/v1.2.3); empty when the commit has none.
	Tag         string
	PreviousTag string
	Branch      string
	// Commit is the full hash; ShortCommit its abbreviation.
	Commit, ShortCommit string
	// Summary is git describe --tags --always --dirty.
	Summary                          string
	URL                              string
	TagSubject, TagContents, TagBody string
	CommitDate                       time.Time
	Dirty                            bool
}

// Plan is a release, all named before any build starts: what go-build
// builds, packs, packages and checksums for a .goreleaser.yaml.
type Plan struct {
	ConfigFile  string `json:"config_file"`
	ProjectName string `json:"project_name"`
	Dist        string `json:"dist"`
	// Version is .Version; Tag the tag without a monorepo prefix.
	Version  string `json:"version"`
	Tag      string `json:"tag"`
	Snapshot bool   `json:"snapshot"`
	// Env is the configuration's env, templated: KEY=VALUE entries every
	// build and hook gets on top of the environment.
	Env []string `json:"env,omitempty"`
	// BeforeHooks are before.hooks, templated, run in order on the source
	// before the builds.
	BeforeHooks       []string        `json:"before_hooks,omitempty"`
	Builds            []BuildPlan     `json:"builds"`
	UniversalBinaries []UniversalPlan `json:"universal_binaries,omitempty"`
	Archives          []ArchivePlan   `json:"archives"`
	Checksum          ChecksumPlan    `json:"checksum"`
	Packages          []PackagePlan   `json:"packages,omitempty"`
	SBOMs             []SBOMPlan      `json:"sboms,omitempty"`
	Signs             []SignPlan      `json:"signs,omitempty"`
	MetadataModTime   string          `json:"metadata_mod_timestamp,omitempty"`
	GitTagSort        string          `json:"git_tag_sort"`
	Monorepo          Monorepo        `json:"monorepo"`
	Outside           []Outside       `json:"outside,omitempty"`
	Warnings          []string        `json:"warnings,omitempty"`
}

// BuildPlan is one builds entry: a binary built for each of its targets.
type BuildPlan struct {
	ID   string `json:"id"`
	Main string `json:"main"`
	Dir  string `json:"dir"`
	// Skip is a build whose skip was true: it has no targets.
	Skip    bool         `json:"skip,omitempty"`
	Targets []TargetPlan `json:"targets"`
}

// TargetPlan is one binary: one build for one target.
type TargetPlan struct {
	// Target is GoReleaser's name (linux_arm_6); Platform go-build's
	// (linux/arm/v6).
	Target   string `json:"target"`
	Platform string `json:"platform"`
	// GoEnv is the GO* environment GoReleaser sets for the target.
	GoEnv []string `json:"go_env"`
	// Env is the build's env, templated, in order.
	Env []string `json:"env,omitempty"`
	// Binary is the file name, extension included; Path its path from
	// the project root (dist/<id>_<target>/<binary>).
	Binary string `json:"binary"`
	Path   string `json:"path"`
	// Flags are the go build flags before the output, in GoReleaser's
	// order: flags, -asmflags=, -gcflags=, -tags=, -ldflags=.
	Flags    []string `json:"flags,omitempty"`
	Asmflags []string `json:"asmflags,omitempty"`
	Gcflags  []string `json:"gcflags,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	Ldflags  string   `json:"ldflags,omitempty"`
	// ModTimestamp is the binary's mtime, Unix seconds; empty to leave it.
	ModTimestamp string `json:"mod_timestamp,omitempty"`
	PreHooks     []Hook `json:"pre_hooks,omitempty"`
	PostHooks    []Hook `json:"post_hooks,omitempty"`
}

// UniversalPlan is one macOS universal binary.
type UniversalPlan struct {
	ID string `json:"id"`
	// Name is the file name; Path dist/<id>_darwin_all/<name>.
	Name string `json:"name"`
	Path string `json:"path"`
	// Inputs are the darwin binaries joined, by path.
	Inputs       []string `json:"inputs"`
	Replace      bool     `json:"replace,omitempty"`
	ModTimestamp string   `json:"mod_timestamp,omitempty"`
}

// ArchivePlan is one archives entry.
type ArchivePlan struct {
	ID       string          `json:"id"`
	Archives []ArchiveOutput `json:"archives"`
}

// ArchiveOutput is one file of an archive entry: an archive, or (format
// binary) a binary uploaded under a name.
type ArchiveOutput struct {
	// Target is the platform's GoReleaser target (darwin_all for a
	// universal binary; empty for a meta archive).
	Target string `json:"target,omitempty"`
	Format string `json:"format"`
	// Name is the file name in dist, extension included.
	Name string `json:"name"`
	// WrapIn is the directory every entry is in; empty for none.
	WrapIn   string          `json:"wrap_in,omitempty"`
	Binaries []ArchiveBinary `json:"binaries,omitempty"`
	// Files are the extra files by glob, templated; found in the source.
	Files []File `json:"files,omitempty"`
}

// ArchiveBinary is a binary in an archive.
type ArchiveBinary struct {
	// Src is the binary's path; Dst its name in the archive.
	Src  string   `json:"src"`
	Dst  string   `json:"dst"`
	Info FileInfo `json:"info"`
}

// ChecksumPlan is checksum.
type ChecksumPlan struct {
	Disable   bool   `json:"disable,omitempty"`
	Algorithm string `json:"algorithm"`
	Name      string `json:"name"`
	// Files are the names of what the checksums file lists, in its order
	// (by name): archives, binaries uploaded as they are, packages and
	// SBOMs; ExtraFiles are added by glob when the source is known.
	Files      []string    `json:"files,omitempty"`
	ExtraFiles []ExtraFile `json:"extra_files,omitempty"`
}

// PackagePlan is one Linux package.
type PackagePlan struct {
	ID          string `json:"id"`
	Format      string `json:"format"`
	Target      string `json:"target"`
	Platform    string `json:"platform"`
	Name        string `json:"file_name"`
	PackageName string `json:"package_name"`
	// Version is the version given to nFPM, which writes it the way each
	// format wants (0.9.1-next is 0.9.1~next in a deb).
	Version      string    `json:"version"`
	Arch         string    `json:"arch"`
	Vendor       string    `json:"vendor,omitempty"`
	Homepage     string    `json:"homepage,omitempty"`
	Maintainer   string    `json:"maintainer,omitempty"`
	Description  string    `json:"description,omitempty"`
	License      string    `json:"license,omitempty"`
	Section      string    `json:"section,omitempty"`
	Priority     string    `json:"priority,omitempty"`
	MTime        string    `json:"mtime,omitempty"`
	Dependencies []string  `json:"dependencies,omitempty"`
	Recommends   []string  `json:"recommends,omitempty"`
	Suggests     []string  `json:"suggests,omitempty"`
	Conflicts    []string  `json:"conflicts,omitempty"`
	Replaces     []string  `json:"replaces,omitempty"`
	Provides     []string  `json:"provides,omitempty"`
	Contents     []Content `json:"contents"`
	Scripts      Scripts   `json:"scripts"`
}

// SBOMPlan is one SBOM document go-build writes (SPDX JSON).
type SBOMPlan struct {
	ID string `json:"id"`
	// Of is the artifact described; Document the SBOM's file name.
	Of       string `json:"of"`
	Document string `json:"document"`
}

// SignPlan is one signature: go-build's cosign with the key of
// with-signing-key, of the checksums file. Of and Signature are paths
// from the project root (dist/...).
type SignPlan struct {
	ID        string `json:"id"`
	Of        string `json:"of"`
	Signature string `json:"signature"`
}

// ErrPlan is wrapped by every error making a plan.
var ErrPlan = errors.New("invalid release plan")

// planner is the state of one NewPlan.
type planner struct {
	c      *Config
	f      Facts
	r      grtmpl.Renderer
	common grtmpl.Fields
	env    map[string]string
	plan   *Plan
	arts   []artifact
}

// artifact is a binary made by a build or a universal binary.
type artifact struct {
	id        string
	t         target
	name      string // file name, binary path included (bin/app.exe)
	binary    string // name without extension and directory
	ext       string
	path      string
	universal bool
	darwin    bool
}

func (p *planner) errf(format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrPlan, p.c.File, fmt.Sprintf(format, args...))
}

func (p *planner) render(name, text string, f grtmpl.Fields) (string, error) {
	out, err := p.r.Render(name, text, f)
	if err != nil {
		return "", p.errf("%v", err)
	}
	return out, nil
}

// NewPlan applies GoReleaser's defaults to c and resolves every template
// and target, for the facts f.
func NewPlan(c *Config, f Facts) (*Plan, error) {
	p := &planner{c: c, f: f, r: grtmpl.Renderer{Now: f.Now}}
	p.plan = &Plan{ConfigFile: c.File, Snapshot: f.Snapshot, Monorepo: c.Monorepo, Outside: c.Outside, Warnings: slices.Clone(c.Warnings)}
	steps := []func() error{p.environment, p.project, p.version, p.before, p.builds, p.universal, p.archives, p.checksum, p.packages, p.sboms, p.checksummed, p.signs, p.misc}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return p.plan, nil
}

func (p *planner) warn(format string, args ...any) {
	p.plan.Warnings = append(p.plan.Warnings, fmt.Sprintf(format, args...))
}

// environment templates env with the environment alone (git fields are not
// known yet, as in GoReleaser), then adds it to the environment.
func (p *planner) environment() error {
	p.env = map[string]string{}
	for k, v := range p.f.Env {
		p.env[k] = v
	}
	fields := grtmpl.Context{ProjectName: p.c.ProjectName, Env: p.f.Env, Date: p.f.Date}.Fields()
	for i, e := range p.c.Env {
		out, err := p.render(fmt.Sprintf("env[%d]", i), e, fields)
		if err != nil {
			return err
		}
		k, v, ok := strings.Cut(out, "=")
		if !ok || k == "" {
			return p.errf("env[%d]: %q is not KEY=VALUE", i, e)
		}
		p.env[k] = v
		p.plan.Env = append(p.plan.Env, out)
	}
	return nil
}

func (p *planner) project() error {
	name := firstNonEmpty(p.c.ProjectName, p.c.ReleaseRepoName, p.f.ProjectName)
	if name == "" {
		return p.errf("no project name: set project_name")
	}
	p.plan.ProjectName = name
	p.plan.Dist = firstNonEmpty(p.c.Dist, "dist")
	return nil
}

// version is GoReleaser's git and semver steps, and the snapshot's
// version_template.
func (p *planner) version() error {
	g := p.f.Git
	prefix := p.c.Monorepo.TagPrefix
	tag, prev := g.Tag, g.PreviousTag
	if prefix != "" {
		if tag != "" && !strings.HasPrefix(tag, prefix) {
			return p.errf("tag %q does not start with monorepo.tag_prefix %q", tag, prefix)
		}
		tag = strings.TrimPrefix(tag, prefix)
		prev = strings.TrimPrefix(prev, prefix)
	}
	switch {
	case tag == "" && !p.f.Snapshot:
		return p.errf("the commit has no tag%s: tag it (e.g. %sv1.2.3) or make a snapshot", prefixNote(prefix), prefix)
	case tag == "":
		tag = "v0.0.0"
	case g.Dirty && !p.f.Snapshot:
		return p.errf("git is dirty: GoReleaser releases a clean tag only; commit, or make a snapshot")
	}
	ctx := grtmpl.Context{
		ProjectName: p.plan.ProjectName, ModulePath: p.f.ModulePath,
		Version: strings.TrimPrefix(tag, "v"), Tag: tag, PrefixedTag: prefix + tag,
		PreviousTag: prev, PrefixedPreviousTag: g.PreviousTag, Branch: g.Branch,
		FullCommit: g.Commit, ShortCommit: g.ShortCommit, Summary: strings.TrimPrefix(g.Summary, prefix), PrefixedSummary: g.Summary,
		GitURL: g.URL, TagSubject: g.TagSubject, TagContents: g.TagContents, TagBody: g.TagBody,
		CommitDate: g.CommitDate, Dirty: g.Dirty, Snapshot: p.f.Snapshot, Env: p.env, Date: p.f.Date,
	}
	if sv, err := semver.NewVersion(tag); err == nil {
		ctx.Major, ctx.Minor, ctx.Patch, ctx.Prerelease = sv.Major(), sv.Minor(), sv.Patch(), sv.Prerelease()
	} else if !p.f.Snapshot {
		return p.errf("failed to parse tag %q as semver: %v", tag, err)
	} else {
		p.warn("current tag %q is not semver", tag)
	}
	if p.f.Snapshot {
		tmpl := firstNonEmpty(p.c.Snapshot.VersionTemplate, "{{ .Version }}-SNAPSHOT-{{ .ShortCommit }}")
		if p.c.Snapshot.NameTemplate != "" {
			p.warn("snapshot.name_template is deprecated: use snapshot.version_template")
			tmpl = p.c.Snapshot.NameTemplate
		}
		v, err := p.render("snapshot.version_template", tmpl, ctx.Fields())
		if err != nil {
			return err
		}
		if v == "" {
			return p.errf("snapshot.version_template %q gives an empty version", tmpl)
		}
		ctx.Version = v
	}
	p.plan.Version, p.plan.Tag = ctx.Version, tag
	p.common = ctx.Fields()
	return nil
}

func prefixNote(prefix string) string {
	if prefix == "" {
		return ""
	}
	return " starting with monorepo.tag_prefix " + strconv.Quote(prefix)
}

func (p *planner) before() error {
	for i, h := range p.c.Before.Hooks {
		out, err := p.render(fmt.Sprintf("before.hooks[%d]", i), h, p.common)
		if err != nil {
			return err
		}
		p.plan.BeforeHooks = append(p.plan.BeforeHooks, out)
	}
	return nil
}

const defaultLdflags = "-s -w -X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.Date}} -X main.builtBy=goreleaser"

func (p *planner) builds() error {
	builds := p.c.Builds
	if len(builds) == 0 {
		builds = []Build{{}}
	}
	seen := map[string]int{}
	for i, b := range builds {
		path := fmt.Sprintf("builds[%d]", i)
		b.ID = firstNonEmpty(b.ID, p.plan.ProjectName)
		if seen[b.ID]++; seen[b.ID] == 2 {
			return p.errf("found 2 builds with the ID %q, please fix your config", b.ID)
		}
		if b.Builder != "" && b.Builder != "go" {
			return p.errf("%s.builder: %q is not built by go-build: only go", path, b.Builder)
		}
		if strings.HasSuffix(b.Main, "/...") {
			return p.errf("%s.main: %q: go-build builds one main package per build, not %s (GoReleaser v2.15's ellipsis)", path, b.Main, b.Main)
		}
		b.Binary = firstNonEmpty(b.Binary, p.plan.ProjectName)
		b.Dir = firstNonEmpty(b.Dir, p.c.Monorepo.Dir, ".")
		b.Main = firstNonEmpty(b.Main, ".")
		if len(b.Ldflags) == 0 {
			b.Ldflags = StringArray{defaultLdflags}
		}
		for k, v := range b.Env {
			b.Env[k] = os.Expand(v, func(name string) string { return p.f.Env[name] })
		}
		if len(b.Targets) > 0 && (len(b.Goos)+len(b.Goarch)+len(b.Goarm)+len(b.Goamd64)+len(b.Goarm64)+len(b.Go386)+len(b.Gomips)+len(b.Goppc64)+len(b.Goriscv64)+len(b.Ignore)) > 0 {
			p.warn("%s: goos, goarch, go* and ignore are ignored when targets is set", path)
		}
		bp := BuildPlan{ID: b.ID, Main: b.Main, Dir: b.Dir}
		skip, err := p.render(path+".skip", b.Skip, p.common)
		if err != nil {
			return err
		}
		if strings.EqualFold(strings.TrimSpace(skip), "true") {
			bp.Skip = true
			p.plan.Builds = append(p.plan.Builds, bp)
			continue
		}
		targets, err := matrix(b, path)
		if err != nil {
			return p.errf("%v", err)
		}
		if len(targets) == 0 {
			return p.errf("%s: no target is left to build", path)
		}
		for _, t := range targets {
			tp, a, err := p.target(b, t, path)
			if err != nil {
				return err
			}
			bp.Targets = append(bp.Targets, tp)
			p.arts = append(p.arts, a)
		}
		p.plan.Builds = append(p.plan.Builds, bp)
	}
	return nil
}

// ext is a binary's extension for t.
func ext(t target) string {
	switch {
	case strings.Contains(t.name, "wasm"):
		return ".wasm"
	case strings.Contains(t.name, "windows"):
		return ".exe"
	}
	return ""
}

// target resolves one build of b for t.
func (p *planner) target(b Build, t target, path string) (TargetPlan, artifact, error) {
	pl, err := goBuildPlatform(t)
	if err != nil {
		return TargetPlan{}, artifact{}, p.errf("%s (build %q): %v", path, b.ID, err)
	}
	e := ext(t)
	tf := t.fields().Fields()
	optFields := p.common.Merge(tf).Merge(grtmpl.Build{Ext: e}.Fields())
	bin, err := p.render(path+".binary", b.Binary, optFields)
	if err != nil {
		return TargetPlan{}, artifact{}, err
	}
	name := bin + e
	out := path2(p.plan.Dist, b.ID+"_"+t.name, name)
	a := artifact{id: b.ID, t: t, name: name, binary: strings.TrimSuffix(pathBase(name), e), ext: e, path: out, darwin: t.goos == "darwin"}
	opt := p.common.Merge(tf).Merge(grtmpl.Build{Name: name, Ext: e, Path: out}.Fields())
	art := grtmpl.Artifact{Binary: a.binary, Name: name, Ext: e, Path: out}.Fields()

	// The build's env is templated in order, each entry seeing those
	// before it; empty results are dropped.
	env := copyEnv(p.env)
	var benv []string
	for i, raw := range b.Env {
		v, err := p.render(fmt.Sprintf("%s.env[%d]", path, i), raw, opt.Merge(art).Merge(grtmpl.Fields{"Env": env}))
		if err != nil {
			return TargetPlan{}, artifact{}, err
		}
		if v == "" {
			continue
		}
		benv = append(benv, v)
		if k, val, ok := strings.Cut(v, "="); ok && k != "" {
			env[k] = val
		}
	}
	// The flags see the artifact's fields, not the build's (.Name, .Ext
	// and .Path are not set there in GoReleaser), and an environment with
	// the build's env and the target's GO* settings.
	for _, kv := range t.goEnv() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	tpl := p.common.Merge(tf).Merge(art).Merge(grtmpl.Fields{"Env": env})
	tp := TargetPlan{Target: t.name, Platform: pl.String(), GoEnv: t.goEnv(), Env: benv, Binary: name, Path: out}
	if tp.Flags, err = p.slice(path+".flags", b.Flags, tpl, ""); err != nil {
		return tp, a, err
	}
	if tp.Asmflags, err = p.slice(path+".asmflags", b.Asmflags, tpl, "-asmflags="); err != nil {
		return tp, a, err
	}
	if tp.Gcflags, err = p.slice(path+".gcflags", b.Gcflags, tpl, "-gcflags="); err != nil {
		return tp, a, err
	}
	if tp.Tags, err = p.slice(path+".tags", b.Tags, tpl, ""); err != nil {
		return tp, a, err
	}
	ld, err := p.slice(path+".ldflags", b.Ldflags, tpl, "")
	if err != nil {
		return tp, a, err
	}
	tp.Ldflags = strings.Join(ld, " ")
	// mod_timestamp sees the environment without the build's env, as in
	// GoReleaser.
	if tp.ModTimestamp, err = p.timestamp(path+".mod_timestamp", b.ModTimestamp, opt.Merge(art)); err != nil {
		return tp, a, err
	}
	if tp.PreHooks, err = p.hooks(path+".hooks.pre", b.Hooks.Pre, b.Env, opt); err != nil {
		return tp, a, err
	}
	if tp.PostHooks, err = p.hooks(path+".hooks.post", b.Hooks.Post, b.Env, opt); err != nil {
		return tp, a, err
	}
	return tp, a, nil
}

// path2 joins dist-relative path parts with slashes.
func path2(parts ...string) string { return path.Join(parts...) }

func pathBase(s string) string { return path.Base(s) }

func copyEnv(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// slice templates each item, drops empty results, and prefixes the rest.
func (p *planner) slice(name string, items []string, f grtmpl.Fields, prefix string) ([]string, error) {
	var out []string
	for i, s := range items {
		v, err := p.render(fmt.Sprintf("%s[%d]", name, i), s, f)
		if err != nil {
			return nil, err
		}
		if v != "" {
			out = append(out, prefix+v)
		}
	}
	return out, nil
}

// timestamp templates a mod_timestamp, which must give Unix seconds.
func (p *planner) timestamp(name, text string, f grtmpl.Fields) (string, error) {
	v, err := p.render(name, text, f)
	if err != nil || v == "" {
		return v, err
	}
	if _, err := strconv.ParseInt(v, 10, 64); err != nil {
		return "", p.errf("%s %q does not give Unix seconds: want one such as {{ .CommitTimestamp }}", name, text)
	}
	return v, nil
}

// hooks templates build hooks: each hook's env (after the build's) is
// templated, then its dir and command with that env.
func (p *planner) hooks(name string, hooks Hooks, buildEnv []string, f grtmpl.Fields) ([]Hook, error) {
	var out []Hook
	for i, h := range hooks {
		hn := fmt.Sprintf("%s[%d]", name, i)
		env := copyEnv(p.env)
		var list []string
		for j, raw := range append(slices.Clone(buildEnv), h.Env...) {
			v, err := p.render(fmt.Sprintf("%s.env[%d]", hn, j), raw, f)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
			if k, val, ok := strings.Cut(v, "="); ok && k != "" {
				env[k] = val
			}
		}
		dir, err := p.render(hn+".dir", h.Dir, f)
		if err != nil {
			return nil, err
		}
		cmd, err := p.render(hn+".cmd", h.Cmd, f.Merge(grtmpl.Fields{"Env": env}))
		if err != nil {
			return nil, err
		}
		out = append(out, Hook{Cmd: cmd, Dir: dir, Env: list, Output: h.Output})
	}
	return out, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
