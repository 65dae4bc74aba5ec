package grconfig

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/apk" // registers the apk packager
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager

	"dagger/go-build/internal/grtmpl"
	"dagger/go-build/internal/linuxpkg"
)

// An artifact's .ArtifactExt is GoReleaser's extra "Ext": a binary's or a
// package's extension; empty for an archive or the checksums file.

// artFields are the template fields of an artifact (GoReleaser's
// WithArtifact): its target's and its own.
func (p *planner) artFields(a artifact) grtmpl.Fields {
	return p.common.Merge(a.t.fields().Fields()).Merge(grtmpl.Artifact{Binary: a.binary, Name: a.name, Ext: a.ext, Path: a.path}.Fields())
}

// universal makes the universal binaries and, with replace, drops the
// darwin binaries they join from what archives and packages see.
func (p *planner) universal() error {
	seen := map[string]int{}
	var replaced []artifact
	for i, u := range p.c.UniversalBinaries {
		at := fmt.Sprintf("universal_binaries[%d]", i)
		u.ID = firstNonEmpty(u.ID, p.plan.ProjectName)
		if seen[u.ID]++; seen[u.ID] == 2 {
			return p.errf("found 2 universal_binaries with the ID %q, please fix your config", u.ID)
		}
		if len(u.IDs) == 0 {
			u.IDs = []string{u.ID}
		}
		name, err := p.render(at+".name_template", firstNonEmpty(u.NameTemplate, "{{ .ProjectName }}"), p.common)
		if err != nil {
			return err
		}
		mod, err := p.timestamp(at+".mod_timestamp", u.ModTimestamp, p.common)
		if err != nil {
			return err
		}
		var inputs []artifact
		for _, a := range p.arts {
			if a.darwin && !a.universal && slices.Contains(u.IDs, a.id) {
				inputs = append(inputs, a)
			}
		}
		if len(inputs) == 0 {
			p.warn("%s: no darwin binaries found with ids: %s", at, strings.Join(u.IDs, ", "))
			continue
		}
		out := path2(p.plan.Dist, u.ID+"_darwin_all", name)
		up := UniversalPlan{ID: u.ID, Name: name, Path: out, Replace: u.Replace, ModTimestamp: mod}
		for _, in := range inputs {
			up.Inputs = append(up.Inputs, in.path)
		}
		p.plan.UniversalBinaries = append(p.plan.UniversalBinaries, up)
		if u.Replace {
			replaced = append(replaced, inputs...)
		}
		p.arts = append(p.arts, artifact{
			id: u.ID, t: target{goos: "darwin", goarch: "all"}, name: name, binary: inputs[0].binary,
			path: out, universal: true, darwin: true,
		})
	}
	p.arts = slices.DeleteFunc(p.arts, func(a artifact) bool {
		return slices.ContainsFunc(replaced, func(r artifact) bool { return r.path == a.path })
	})
	return nil
}

// group is the binaries of one platform.
type group struct {
	key  string
	arts []artifact
}

// groupByPlatform is GoReleaser's grouping of binaries for an archive or
// package: by GOOS and GOARCH, or, when the binaries have more than one
// GOARM, GOMIPS or GOAMD64, by those too. Groups keep the order of their
// first binary.
func groupByPlatform(arts []artifact) []group {
	distinct := func(get func(target) string) int {
		set := map[string]bool{}
		for _, a := range arts {
			if v := get(a.t); v != "" {
				set[v] = true
			}
		}
		return len(set)
	}
	specific := distinct(func(t target) string { return t.goamd64 }) > 1 ||
		distinct(func(t target) string { return t.gomips }) > 1 ||
		distinct(func(t target) string { return t.goarm }) > 1
	var groups []group
	for _, a := range arts {
		key := a.t.goos + a.t.goarch
		if specific {
			key += a.t.goarm + a.t.gomips + a.t.goamd64
		}
		i := slices.IndexFunc(groups, func(g group) bool { return g.key == key })
		if i < 0 {
			groups = append(groups, group{key: key})
			i = len(groups) - 1
		}
		groups[i].arts = append(groups[i].arts, a)
	}
	return groups
}

// archiveFormats are the formats go-build writes.
var archiveFormats = []string{"tar.gz", "tgz", "zip", "binary"}

const defaultArchiveSuffix = `{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}{{ with .Mips }}_{{ . }}{{ end }}{{ if not (eq .Amd64 "v1") }}{{ .Amd64 }}{{ end }}`

// defaultFiles are the files an archive gets when files is empty.
var defaultFiles = []string{"license*", "LICENSE*", "readme*", "README*", "changelog*", "CHANGELOG*"}

func (p *planner) archives() error {
	archives := p.c.Archives
	if len(archives) == 0 {
		archives = []Archive{{}}
	}
	seen := map[string]int{}
	names := map[string]string{}
	for i, ar := range archives {
		at := fmt.Sprintf("archives[%d]", i)
		if ar.Format != "" {
			p.warn("%s.format is deprecated: use formats", at)
			ar.Formats = append(ar.Formats, ar.Format)
		}
		if len(ar.Formats) == 0 {
			ar.Formats = StringArray{"tar.gz"}
		}
		for j := range ar.FormatOverrides {
			o := &ar.FormatOverrides[j]
			if o.Format != "" {
				p.warn("%s.format_overrides[%d].format is deprecated: use formats", at, j)
				o.Formats = append(o.Formats, o.Format)
			}
			for _, f := range o.Formats {
				if f != "none" && !slices.Contains(archiveFormats, f) {
					return p.errf("%s.format_overrides[%d]: format %q is not one go-build writes; accepted: %s, none", at, j, f, strings.Join(archiveFormats, ", "))
				}
			}
		}
		for _, f := range ar.Formats {
			if !slices.Contains(archiveFormats, f) {
				return p.errf("%s: format %q is not one go-build writes; accepted: %s", at, f, strings.Join(archiveFormats, ", "))
			}
		}
		ar.ID = firstNonEmpty(ar.ID, "default")
		if seen[ar.ID]++; seen[ar.ID] == 2 {
			return p.errf("found 2 archives with the ID %q, please fix your config", ar.ID)
		}
		if len(ar.Builds) > 0 {
			p.warn("%s.builds is deprecated: use ids", at)
			ar.IDs = append(ar.IDs, ar.Builds...)
		}
		if len(ar.Files) == 0 {
			for _, g := range defaultFiles {
				ar.Files = append(ar.Files, File{Source: g, Default: true})
			}
		}
		isBinary := slices.Contains(ar.Formats, "binary")
		if ar.NameTemplate == "" {
			ar.NameTemplate = "{{ .ProjectName }}_" + defaultArchiveSuffix
			if isBinary {
				ar.NameTemplate = "{{ .Binary }}_" + defaultArchiveSuffix
			}
		}
		// GoReleaser sets every binary's mode in an archive to 0755.
		ar.BuildsInfo.Mode = 0o755
		ap := ArchivePlan{ID: ar.ID}
		if ar.Meta {
			for _, f := range ar.Formats {
				out, err := p.archive(at, ar, f, nil, names)
				if err != nil {
					return err
				}
				ap.Archives = append(ap.Archives, out...)
			}
			p.plan.Archives = append(p.plan.Archives, ap)
			continue
		}
		var arts []artifact
		for _, a := range p.arts {
			if len(ar.IDs) == 0 || slices.Contains(ar.IDs, a.id) {
				arts = append(arts, a)
			}
		}
		groups := groupByPlatform(arts)
		counts := map[int]bool{}
		for _, g := range groups {
			counts[len(g.arts)] = true
		}
		if len(counts) > 1 && !isBinary && !ar.AllowDifferentBinaryCount {
			return p.errf("invalid archive: %d: archive has different count of binaries for each platform, which may cause your users confusion (set allow_different_binary_count)", i)
		}
		for _, g := range groups {
			for _, f := range formatsFor(ar, g.arts[0].t.goos) {
				out, err := p.archive(at, ar, f, g.arts, names)
				if err != nil {
					return err
				}
				ap.Archives = append(ap.Archives, out...)
			}
		}
		p.plan.Archives = append(p.plan.Archives, ap)
	}
	return nil
}

// formatsFor are the formats of goos: the first override whose goos
// starts goos, else the archive's.
func formatsFor(ar Archive, goos string) []string {
	for _, o := range ar.FormatOverrides {
		if o.Goos != "" && len(o.Formats) > 0 && strings.HasPrefix(goos, o.Goos) {
			return o.Formats
		}
	}
	return ar.Formats
}

// archive names one format of one platform's binaries (none for a meta
// archive), checking names is not already taken.
func (p *planner) archive(at string, ar Archive, format string, arts []artifact, names map[string]string) ([]ArchiveOutput, error) {
	take := func(name, what string) error {
		if prev, ok := names[name]; ok {
			return p.errf("%s: archive named %s already exists (%s); check the name template", at, path2(p.plan.Dist, name), prev)
		}
		names[name] = what
		return nil
	}
	switch format {
	case "none":
		return nil, nil
	case "binary":
		var out []ArchiveOutput
		for _, a := range arts {
			n, err := p.render(at+".name_template", ar.NameTemplate, p.artFields(a))
			if err != nil {
				return nil, err
			}
			o := ArchiveOutput{Target: targetName(a), Format: "binary", Name: n + a.ext,
				Binaries: []ArchiveBinary{{Src: a.path, Dst: n + a.ext}}}
			if err := take(o.Name, at); err != nil {
				return nil, err
			}
			out = append(out, o)
		}
		return out, nil
	}
	fields := p.common
	if len(arts) > 0 {
		fields = p.artFields(arts[0])
	}
	name, err := p.render(at+".name_template", ar.NameTemplate, fields)
	if err != nil {
		return nil, err
	}
	wrap := ar.WrapInDirectory
	switch wrap {
	case "true":
		wrap = ar.NameTemplate
	case "false":
		wrap = ""
	}
	o := ArchiveOutput{Format: format, Name: name + "." + format}
	if len(arts) > 0 {
		o.Target = targetName(arts[0])
	}
	if o.WrapIn, err = p.render(at+".wrap_in_directory", wrap, fields); err != nil {
		return nil, err
	}
	for j, f := range ar.Files {
		fa := fmt.Sprintf("%s.files[%d]", at, j)
		if f.Source, err = p.render(fa+".src", f.Source, fields); err != nil {
			return nil, err
		}
		if f.Destination, err = p.render(fa+".dst", f.Destination, fields); err != nil {
			return nil, err
		}
		if f.Info, err = p.info(fa+".info", f.Info, fields); err != nil {
			return nil, err
		}
		if p.c.Monorepo.Dir != "" && !strings.HasPrefix(f.Source, "/") {
			f.Source = path2(p.c.Monorepo.Dir, f.Source)
		}
		o.Files = append(o.Files, f)
	}
	info, err := p.info(at+".builds_info", ar.BuildsInfo, fields)
	if err != nil {
		return nil, err
	}
	for _, a := range arts {
		dst := a.name
		if ar.StripBinaryDirectory {
			dst = pathBase(dst)
		}
		o.Binaries = append(o.Binaries, ArchiveBinary{Src: a.path, Dst: dst, Info: info})
	}
	if err := take(o.Name, at); err != nil {
		return nil, err
	}
	return []ArchiveOutput{o}, nil
}

// targetName is an artifact's target as GoReleaser names it; a universal
// binary's is darwin_all.
func targetName(a artifact) string {
	if a.universal {
		return "darwin_all"
	}
	return a.t.name
}

// info templates a file's owner, group and mtime.
func (p *planner) info(at string, fi FileInfo, f grtmpl.Fields) (FileInfo, error) {
	var err error
	if fi.Owner, err = p.render(at+".owner", fi.Owner, f); err != nil {
		return fi, err
	}
	if fi.Group, err = p.render(at+".group", fi.Group, f); err != nil {
		return fi, err
	}
	fi.MTime, err = p.render(at+".mtime", fi.MTime, f)
	return fi, err
}

// checksumAlgorithms are the algorithms go-build computes (the standard
// library's of GoReleaser's list; blake2 and blake3 are not).
var checksumAlgorithms = []string{"sha256", "sha512", "sha1", "sha224", "sha384", "md5", "crc32", "sha3-224", "sha3-256", "sha3-384", "sha3-512"}

func (p *planner) checksum() error {
	cs := p.c.Checksum
	cp := ChecksumPlan{Disable: cs.Disable, Algorithm: firstNonEmpty(cs.Algorithm, "sha256"), ExtraFiles: cs.ExtraFiles}
	if !slices.Contains(checksumAlgorithms, cp.Algorithm) {
		return p.errf("checksum.algorithm %q is not one go-build computes; accepted: %s", cp.Algorithm, strings.Join(checksumAlgorithms, ", "))
	}
	name, err := p.render("checksum.name_template", firstNonEmpty(cs.NameTemplate, "{{ .ProjectName }}_{{ .Version }}_checksums.txt"), p.common)
	if err != nil {
		return err
	}
	cp.Name = name
	p.plan.Checksum = cp
	return nil
}

const defaultPackageName = `{{ .PackageName }}_` + defaultArchiveSuffix

func (p *planner) packages() error {
	seen := map[string]int{}
	names := map[string]bool{}
	for i, n := range p.c.NFPMs {
		at := fmt.Sprintf("nfpms[%d]", i)
		n.ID = firstNonEmpty(n.ID, "default")
		if seen[n.ID]++; seen[n.ID] == 2 {
			return p.errf("found 2 nfpms with the ID %q, please fix your config", n.ID)
		}
		n.Bindir = firstNonEmpty(n.Bindir, "/usr/bin")
		n.PackageName = firstNonEmpty(n.PackageName, p.plan.ProjectName)
		n.FileNameTemplate = firstNonEmpty(n.FileNameTemplate, defaultPackageName)
		if n.Maintainer == "" {
			p.warn("%s.maintainer should always be set", at)
		}
		if len(n.Builds) > 0 {
			p.warn("%s.builds is deprecated: use ids", at)
			n.IDs = append(n.IDs, n.Builds...)
		}
		if len(n.Formats) == 0 {
			p.warn("%s: no output formats configured", at)
			continue
		}
		for f := range n.Overrides {
			if _, err := linuxpkg.ParseFormat(f); err != nil {
				return p.errf("%s.overrides.%s: %v", at, f, err)
			}
		}
		var arts []artifact
		for _, a := range p.arts {
			if a.t.goos == "linux" && (len(n.IDs) == 0 || slices.Contains(n.IDs, a.id)) {
				arts = append(arts, a)
			}
		}
		if len(arts) == 0 {
			return p.errf("%s: no linux binaries found", at)
		}
		for _, format := range n.Formats {
			if _, err := linuxpkg.ParseFormat(format); err != nil || format != strings.ToLower(format) {
				return p.errf("%s.formats: %q is not a format go-build writes; accepted: deb, rpm, apk", at, format)
			}
			for _, g := range groupByPlatform(arts) {
				pp, err := p.pkg(at, n, format, g.arts)
				if err != nil {
					return err
				}
				if names[pp.Name] {
					return p.errf("%s: two packages are named %s; check file_name_template", at, pp.Name)
				}
				names[pp.Name] = true
				p.plan.Packages = append(p.plan.Packages, pp)
			}
		}
	}
	return nil
}

// merged is n's overridables with format's overrides applied: each
// override that is set replaces the value.
func merged(n NFPM, format string) Overridables {
	o := n.Overridables
	over, ok := n.Overrides[format]
	if !ok {
		return o
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	list := func(dst *[]string, v []string) {
		if len(v) > 0 {
			*dst = v
		}
	}
	set(&o.FileNameTemplate, over.FileNameTemplate)
	set(&o.PackageName, over.PackageName)
	list(&o.Dependencies, over.Dependencies)
	list(&o.Recommends, over.Recommends)
	list(&o.Suggests, over.Suggests)
	list(&o.Conflicts, over.Conflicts)
	list(&o.Replaces, over.Replaces)
	list(&o.Provides, over.Provides)
	if len(over.Contents) > 0 {
		o.Contents = over.Contents
	}
	set(&o.Scripts.PreInstall, over.Scripts.PreInstall)
	set(&o.Scripts.PostInstall, over.Scripts.PostInstall)
	set(&o.Scripts.PreRemove, over.Scripts.PreRemove)
	set(&o.Scripts.PostRemove, over.Scripts.PostRemove)
	return o
}

// contentTypes are the contents types go-build packages.
var contentTypes = []string{"", "config", "config|noreplace", "dir", "symlink", "ghost"}

// pkg plans one package of format for one platform's binaries.
func (p *planner) pkg(at string, n NFPM, format string, arts []artifact) (PackagePlan, error) {
	a := arts[0]
	pl, err := goBuildPlatform(a.t)
	if err != nil {
		return PackagePlan{}, p.errf("%s: %v", at, err)
	}
	arch, err := linuxpkg.Arch(linuxpkg.Format(format), pl)
	if err != nil {
		return PackagePlan{}, p.errf("%s: %v", at, err)
	}
	o := merged(n, format)
	pkgName, err := p.render(at+".package_name", o.PackageName, p.common)
	if err != nil {
		return PackagePlan{}, err
	}
	f := p.artFields(a).Merge(grtmpl.Fields{"Release": "", "Epoch": "", "PackageName": pkgName})
	pp := PackagePlan{ID: n.ID, Format: format, Target: a.t.name, Platform: pl.String(), PackageName: pkgName,
		Version: p.plan.Version, Arch: arch, Vendor: n.Vendor, License: n.License, Section: n.Section, Priority: n.Priority,
		Dependencies: o.Dependencies, Recommends: o.Recommends, Suggests: o.Suggests, Conflicts: o.Conflicts,
		Replaces: o.Replaces, Provides: o.Provides}
	for _, s := range []struct {
		name string
		dst  *string
		v    string
	}{
		{"homepage", &pp.Homepage, n.Homepage}, {"description", &pp.Description, n.Description},
		{"maintainer", &pp.Maintainer, n.Maintainer}, {"mtime", &pp.MTime, n.MTime},
		{"scripts.preinstall", &pp.Scripts.PreInstall, o.Scripts.PreInstall},
		{"scripts.postinstall", &pp.Scripts.PostInstall, o.Scripts.PostInstall},
		{"scripts.preremove", &pp.Scripts.PreRemove, o.Scripts.PreRemove},
		{"scripts.postremove", &pp.Scripts.PostRemove, o.Scripts.PostRemove},
	} {
		if *s.dst, err = p.render(at+"."+s.name, s.v, f); err != nil {
			return pp, err
		}
	}
	bindir, err := p.render(at+".bindir", n.Bindir, f)
	if err != nil {
		return pp, err
	}
	f = f.Merge(grtmpl.Fields{"Format": format})
	for j, c := range o.Contents {
		ca := fmt.Sprintf("%s.contents[%d]", at, j)
		if !slices.Contains(contentTypes, c.Type) {
			return pp, p.errf("%s.type %q is not one go-build packages; accepted: config, config|noreplace, dir, symlink, ghost (or none, a file)", ca, c.Type)
		}
		if c.Packager != "" && c.Packager != format {
			continue
		}
		if c.Source, err = p.render(ca+".src", c.Source, f); err != nil {
			return pp, err
		}
		if c.Destination, err = p.render(ca+".dst", c.Destination, f); err != nil {
			return pp, err
		}
		if c.FileInfo, err = p.info(ca+".file_info", c.FileInfo, f); err != nil {
			return pp, err
		}
		pp.Contents = append(pp.Contents, c)
	}
	for _, b := range arts {
		pp.Contents = append(pp.Contents, Content{Source: b.path, Destination: path2(bindir, b.name), FileInfo: FileInfo{Mode: 0o755, MTime: pp.MTime}})
	}
	packager, err := nfpm.Get(format)
	if err != nil {
		return pp, p.errf("%s: %v", at, err)
	}
	ext := "." + format
	if pe, ok := packager.(nfpm.PackagerWithExtension); ok {
		ext = pe.ConventionalExtension()
	}
	info := nfpm.WithDefaults(&nfpm.Info{Arch: a.t.goarch + a.t.goarm + a.t.gomips, Platform: "linux", Name: pkgName, Version: p.plan.Version})
	name, err := p.render(at+".file_name_template", o.FileNameTemplate, f.Merge(grtmpl.Fields{
		"ConventionalFileName": packager.ConventionalFileName(info), "ConventionalExtension": ext,
	}))
	if err != nil {
		return pp, err
	}
	if !strings.HasSuffix(name, ext) {
		name += ext
	}
	pp.Name = name
	return pp, nil
}

// sbomArtifacts are the sboms artifacts go-build describes.
var sbomArtifacts = []string{"archive", "binary", "package", "none"}

func (p *planner) sboms() error {
	seen := map[string]int{}
	for i, s := range p.c.SBOMs {
		at := fmt.Sprintf("sboms[%d]", i)
		s.ID = firstNonEmpty(s.ID, "default")
		if seen[s.ID]++; seen[s.ID] == 2 {
			return p.errf("found 2 sboms with the ID %q, please fix your config", s.ID)
		}
		if s.Cmd != "" && s.Cmd != "syft" {
			return p.errf("%s.cmd %q: go-build writes the SPDX document itself; it runs no cataloger", at, s.Cmd)
		}
		if len(s.Args) > 0 || len(s.Env) > 0 {
			return p.errf("%s: args and env configure syft, which go-build does not run: it writes the SPDX document itself", at)
		}
		s.Artifacts = firstNonEmpty(s.Artifacts, "archive")
		if !slices.Contains(sbomArtifacts, s.Artifacts) {
			return p.errf("%s.artifacts %q: go-build describes %s", at, s.Artifacts, strings.Join(sbomArtifacts, ", "))
		}
		if len(s.Documents) == 0 {
			s.Documents = []string{"{{ .ArtifactName }}.sbom.json"}
			if s.Artifacts == "binary" {
				s.Documents = []string{"{{ .Binary }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}.sbom.json"}
			}
		}
		if len(s.Documents) > 1 {
			return p.errf("%s: multiple SBOM outputs when artifacts=%q is unsupported", at, s.Artifacts)
		}
		disabled, err := p.render(at+".disable", s.Disable, p.common)
		if err != nil {
			return err
		}
		if strings.EqualFold(strings.TrimSpace(disabled), "true") || s.Artifacts == "none" {
			continue
		}
		add := func(of string, f grtmpl.Fields) error {
			doc, err := p.render(at+".documents[0]", s.Documents[0], f)
			if err != nil {
				return err
			}
			p.plan.SBOMs = append(p.plan.SBOMs, SBOMPlan{ID: s.ID, Of: of, Document: doc})
			return nil
		}
		switch s.Artifacts {
		case "archive":
			for _, ap := range p.plan.Archives {
				if len(s.IDs) > 0 && !slices.Contains(s.IDs, ap.ID) {
					continue
				}
				for _, o := range ap.Archives {
					if o.Format == "binary" {
						continue
					}
					f := p.common.Merge(grtmpl.Artifact{Binary: p.plan.ProjectName, Name: o.Name, Path: path2(p.plan.Dist, o.Name)}.Fields())
					if err := add(o.Name, f.Merge(p.targetFieldsOf(o.Target))); err != nil {
						return err
					}
				}
			}
		case "binary":
			for _, a := range p.arts {
				if len(s.IDs) > 0 && !slices.Contains(s.IDs, a.id) {
					continue
				}
				if err := add(a.path, p.artFields(a)); err != nil {
					return err
				}
			}
		case "package":
			for _, pp := range p.plan.Packages {
				if len(s.IDs) > 0 && !slices.Contains(s.IDs, pp.ID) {
					continue
				}
				f := p.common.Merge(grtmpl.Artifact{Binary: p.plan.ProjectName, Name: pp.Name, Ext: "." + pp.Format, Path: path2(p.plan.Dist, pp.Name)}.Fields())
				if err := add(pp.Name, f.Merge(p.targetFieldsOf(pp.Target))); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// targetFieldsOf are the target fields of a planned target name.
func (p *planner) targetFieldsOf(name string) grtmpl.Fields {
	for _, a := range p.arts {
		if targetName(a) == name {
			return a.t.fields().Fields()
		}
	}
	return grtmpl.Target{}.Fields()
}

func (p *planner) signs() error {
	seen := map[string]int{}
	for i, s := range p.c.Signs {
		at := fmt.Sprintf("signs[%d]", i)
		s.ID = firstNonEmpty(s.ID, "default")
		if seen[s.ID]++; seen[s.ID] == 2 {
			return p.errf("found 2 signs with the ID %q, please fix your config", s.ID)
		}
		s.Artifacts = firstNonEmpty(s.Artifacts, "none")
		switch s.Artifacts {
		case "none":
			continue
		case "checksum":
		default:
			return p.errf("%s.artifacts %q: go-build signs the checksums file (artifacts: checksum) with the key of with-signing-key", at, s.Artifacts)
		}
		if s.Certificate != "" {
			return p.errf("%s.certificate: go-build signs with the key of with-signing-key; it makes no keyless certificate", at)
		}
		if p.plan.Checksum.Disable {
			continue
		}
		// As GoReleaser: ${artifact} and the other variables are the
		// checksums file's path and the environment, then the result is
		// templated and kept under dist.
		sumPath := path2(p.plan.Dist, p.plan.Checksum.Name)
		vars := copyEnv(p.env)
		vars["artifactName"], vars["artifact"], vars["artifactID"], vars["digest"] = p.plan.Checksum.Name, sumPath, "", ""
		sig := os.Expand(firstNonEmpty(s.Signature, "${artifact}.sig"), func(k string) string { return vars[k] })
		f := p.common.Merge(grtmpl.Target{}.Fields()).Merge(grtmpl.Artifact{Binary: p.plan.ProjectName, Name: p.plan.Checksum.Name, Path: sumPath}.Fields())
		name, err := p.render(at+".signature", sig, f.Merge(grtmpl.Fields{"Env": vars}))
		if err != nil {
			return err
		}
		if name == "" {
			return p.errf("%s.signature gives an empty name", at)
		}
		if name != p.plan.Dist && !strings.HasPrefix(name, p.plan.Dist+"/") {
			name = path2(p.plan.Dist, name)
		}
		p.plan.Signs = append(p.plan.Signs, SignPlan{ID: s.ID, Of: sumPath, Signature: name})
		p.warn("%s: signed by go-build's cosign with the key of with-signing-key; cmd, args, stdin and env are not run", at)
	}
	return nil
}

// checksummed lists what the checksums file covers, GoReleaser's
// release-uploadable artifacts go-build makes, sorted by name as its lines
// are.
func (p *planner) checksummed() error {
	if p.plan.Checksum.Disable {
		return nil
	}
	var names []string
	for _, ap := range p.plan.Archives {
		for _, o := range ap.Archives {
			names = append(names, o.Name)
		}
	}
	for _, pp := range p.plan.Packages {
		names = append(names, pp.Name)
	}
	for _, s := range p.plan.SBOMs {
		names = append(names, pathBase(s.Document))
	}
	slices.Sort(names)
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			return p.errf("two files are named %s in %s; check the name templates", names[i], p.plan.Dist)
		}
	}
	p.plan.Checksum.Files = names
	return nil
}

// tagSorts are the git.tag_sort values of GoReleaser OSS.
var tagSorts = []string{"-version:refname", "-version:creatordate"}

func (p *planner) misc() error {
	mod, err := p.timestamp("metadata.mod_timestamp", p.c.Metadata.ModTimestamp, p.common)
	if err != nil {
		return err
	}
	p.plan.MetadataModTime = mod
	sort := firstNonEmpty(p.c.Git.TagSort, "-version:refname")
	switch {
	case sort == "semver" || sort == "smartsemver":
		return p.errf("git.tag_sort %q is GoReleaser Pro's; accepted: %s", sort, strings.Join(tagSorts, ", "))
	case !slices.Contains(tagSorts, sort):
		return p.errf("git.tag_sort %q; accepted: %s", sort, strings.Join(tagSorts, ", "))
	}
	p.plan.GitTagSort = sort
	return nil
}
