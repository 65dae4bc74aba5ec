package buildopts

import (
	"sort"
	"strconv"
	"strings"
)

// stampSymbols are the variables set with -X. They follow the GoReleaser
// convention (main.version, main.commit, main.date) that most Go command
// line tools already declare; -X on a symbol a program lacks is a no-op.
var stampSymbols = []struct {
	symbol string
	value  func(Stamp) string
	// shellVar is the variable BuildScript reads the value from.
	shellVar string
}{
	{"main.version", func(s Stamp) string { return s.Version }, "version"},
	{"main.commit", func(s Stamp) string { return s.Revision }, "revision"},
	{"main.date", func(s Stamp) string { return s.Date }, "date"},
}

// LinkerFlags is the -ldflags value for the target goos/goarch: reproducible
// (-buildid= empties the build ID, which otherwise hashes paths), stamped,
// stripped and static when asked, then the user's flags last so they win,
// their templates expanded with stamp.
func (o Options) LinkerFlags(stamp Stamp, goos, goarch string) string {
	flags := []string{"-buildid="}
	for _, s := range stampSymbols {
		if v := s.value(stamp); v != "" {
			flags = append(flags, "-X", quoteLdflag(s.symbol+"="+v))
		}
	}
	flags = append(flags, o.stripStaticFlags()...)
	values := stamp.values(goos, goarch)
	for _, t := range o.ldflagTemplates() {
		flags = append(flags, t.Expand(values))
	}
	return strings.Join(flags, " ")
}

// stripStaticFlags are the linker flags between the stamp and the user's:
// stripping, then static linking, when asked.
func (o Options) stripStaticFlags() []string {
	var flags []string
	if o.Strip {
		flags = append(flags, "-s", "-w")
	}
	if o.Cgo && o.Static {
		// The external linker produces the binary when cgo is on: ask it
		// for a static one.
		flags = append(flags, "-linkmode=external", "-extldflags=-static")
	}
	return flags
}

// quoteLdflag quotes a flag the way the go command splits -ldflags
// (cmd/internal/quoted): single quotes when it holds spaces.
func quoteLdflag(s string) string {
	if !strings.ContainsAny(s, " \t'\"") {
		return s
	}
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return `"` + s + `"`
}

// BuildTags are the -tags: the user's, plus netgo and osusergo for static
// cgo builds so the resolver and user lookups do not need glibc's NSS at run
// time. Sorted and deduplicated so the command line is stable.
func (o Options) BuildTags() []string {
	tags := append([]string(nil), o.Tags...)
	if o.Cgo && o.Static {
		tags = append(tags, "netgo", "osusergo")
	}
	sort.Strings(tags)
	out := tags[:0]
	for i, t := range tags {
		if i == 0 || t != tags[i-1] {
			out = append(out, t)
		}
	}
	return out
}

// GoBuild is the go build command line writing every binary of packages into
// outDir, for goos/goarch (what the ldflags templates' {{.Os}} and {{.Arch}}
// say; the environment chooses the target). buildVCS says whether the source has version control information
// go can stamp (it fails without a git checkout when forced on).
func (o Options) GoBuild(outDir string, packages []string, stamp Stamp, goos, goarch string, buildVCS bool) []string {
	args := []string{"go", "build", "-trimpath", "-buildvcs=" + strconv.FormatBool(buildVCS)}
	if tags := o.BuildTags(); len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	args = append(args, "-ldflags", o.LinkerFlags(stamp, goos, goarch))
	// A trailing slash makes -o a directory for one package or many.
	args = append(args, "-o", strings.TrimSuffix(outDir, "/")+"/")
	// The packages after --: never options.
	return append(append(args, "--"), packages...)
}

// ListMainPackages is the go list command printing the import path of every
// main package matched by the patterns (all of the module by default).
func (o Options) ListMainPackages() []string {
	args := []string{"go", "list"}
	if tags := o.BuildTags(); len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	// The patterns after --: never options.
	args = append(args, "-f", `{{if eq .Name "main"}}{{.ImportPath}}{{end}}`, "--")
	if len(o.Packages) == 0 {
		return append(args, "./...")
	}
	return append(args, o.Packages...)
}
