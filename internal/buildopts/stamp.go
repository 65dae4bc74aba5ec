package buildopts

import (
	"fmt"
	"slices"
	"strings"

	"dagger/go-build/internal/stamptmpl"
)

// Stamp is the version information of a build: linked into binaries with -X
// (main.version, main.commit, main.date) and into the user's ldflags
// templates. It comes from the source's git checkout, or from what is known
// before the build (a --module's version and the module proxy's origin
// record).
type Stamp struct {
	// Version is main.version: the set --version (its template expanded),
	// else git describe, else Tag.
	Version string
	// Tag is the nearest git tag (git describe --tags --abbrev=0), or a
	// module's version.
	Tag string
	// Revision is the full commit hash; ShortRevision its abbreviation
	// (git rev-parse --short, or a module's first 7 hex digits).
	Revision, ShortRevision string
	// Date is the commit time in RFC 3339, UTC; Time the same in Unix
	// seconds.
	Date, Time string
}

// values are the stamp's values for templates expanded for goos/goarch.
func (s Stamp) values(goos, goarch string) stamptmpl.Values {
	return stamptmpl.Values{
		Version: s.Version, Tag: s.Tag, Commit: s.Revision, ShortCommit: s.ShortRevision,
		CommitDate: s.Date, CommitTimestamp: s.Time, Os: goos, Arch: goarch,
	}
}

// has says whether s knows the values from src.
func (s Stamp) has(src stamptmpl.Source) bool {
	switch src {
	case stamptmpl.FromVersion:
		return s.Version != ""
	case stamptmpl.FromTag:
		return s.Tag != ""
	case stamptmpl.FromCommit:
		return s.Revision != ""
	case stamptmpl.FromCommitTime:
		return s.Date != ""
	}
	return true
}

// GitStamp is what StampScript prints of a git checkout; all empty when the
// source is none.
type GitStamp struct {
	Revision, Short, Describe, Tag, Time, Date string
}

// ParseGitStamp reads StampScript's output.
func ParseGitStamp(out string) GitStamp {
	info := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return GitStamp{
		Revision: info["revision"], Short: info["short"], Describe: info["describe"], Tag: info["tag"],
		Time: info["time"], Date: info["date"],
	}
}

// Stamp is the stamp a build links, as the build script resolves it: each
// of known's fields (a module's, known before the build) wins over git's,
// and the version is the set --version expanded, else git describe, else
// the tag.
func (o Options) Stamp(git GitStamp, known Stamp) Stamp {
	s := Stamp{
		Tag: or(known.Tag, git.Tag), Revision: or(known.Revision, git.Revision),
		ShortRevision: or(known.ShortRevision, git.Short),
		Date:          or(known.Date, git.Date), Time: or(known.Time, git.Time),
	}
	if t := o.versionTemplate(); t != nil {
		// The version template uses no {{.Version}}, {{.Os}} or
		// {{.Arch}} (Validate): the target does not matter.
		s.Version = t.Expand(s.values("", ""))
	} else {
		s.Version = or(git.Describe, s.Tag)
	}
	return s
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// StampSources are the parts of the stamp the templates need, each once:
// what a build must be able to know before it starts. The version counts as
// the parts its own template uses when --version is set.
func (o Options) StampSources() []stamptmpl.Source {
	var srcs []stamptmpl.Source
	add := func(t stamptmpl.Template) {
		for _, f := range t.Fields() {
			src := f.Source()
			// A set version's own fields are added with its template.
			skip := src == stamptmpl.FromTarget || (src == stamptmpl.FromVersion && o.Version != "")
			if !skip && !slices.Contains(srcs, src) {
				srcs = append(srcs, src)
			}
		}
	}
	for _, t := range o.ldflagTemplates() {
		add(t)
	}
	if t := o.versionTemplate(); t != nil {
		add(*t)
	}
	return srcs
}

// CheckStamp fails when a template needs a part of the stamp s lacks,
// naming the flag, the field and why: reason(src) says why src is not
// known (e.g. "the source is no git checkout").
func (o Options) CheckStamp(s Stamp, reason func(stamptmpl.Source) string) error {
	check := func(flag string, t stamptmpl.Template) error {
		for _, f := range t.Fields() {
			src := f.Source()
			if src == stamptmpl.FromVersion && o.Version != "" {
				continue // the version template is checked itself
			}
			if !s.has(src) {
				return fmt.Errorf("%w: %s %q: {{.%s}} (%s) is not known: %s", ErrInvalidOption, flag, t, f, f.About(), reason(src))
			}
		}
		return nil
	}
	for _, t := range o.ldflagTemplates() {
		if err := check("--ldflags", t); err != nil {
			return err
		}
	}
	if t := o.versionTemplate(); t != nil {
		return check("--version", *t)
	}
	return nil
}

// ldflagTemplates are the user's ldflags, parsed. Validate has checked
// them; an entry that does not parse is taken as plain text.
func (o Options) ldflagTemplates() []stamptmpl.Template {
	out := make([]stamptmpl.Template, len(o.Ldflags))
	for i, f := range o.Ldflags {
		t, err := stamptmpl.Parse(f)
		if err != nil {
			t, _ = stamptmpl.Parse(strings.ReplaceAll(f, "{{", "{ {"))
		}
		out[i] = t
	}
	return out
}

// versionTemplate is --version parsed, nil when it is not set.
func (o Options) versionTemplate() *stamptmpl.Template {
	if o.Version == "" {
		return nil
	}
	t, err := stamptmpl.Parse(o.Version)
	if err != nil {
		t, _ = stamptmpl.Parse(strings.ReplaceAll(o.Version, "{{", "{ {"))
	}
	return &t
}

// validateTemplates checks the ldflags and version templates: known fields
// only, and no field in --version that depends on the version itself or on
// the target (the version names a release of every target).
func (o Options) validateTemplates() error {
	for _, f := range o.Ldflags {
		if _, err := stamptmpl.Parse(f); err != nil {
			return fmt.Errorf("%w: --ldflags: %w", ErrInvalidOption, err)
		}
	}
	if o.Version == "" {
		return nil
	}
	t, err := stamptmpl.Parse(o.Version)
	if err != nil {
		return fmt.Errorf("%w: --version: %w", ErrInvalidOption, err)
	}
	for _, f := range t.Fields() {
		switch f.Source() {
		case stamptmpl.FromVersion:
			return fmt.Errorf("%w: --version %q: {{.%s}} is the version itself: use {{.Tag}} or a commit field", ErrInvalidOption, o.Version, f)
		case stamptmpl.FromTarget:
			return fmt.Errorf("%w: --version %q: {{.%s}} differs per target, and one version names every target's binaries: use it in --ldflags", ErrInvalidOption, o.Version, f)
		}
	}
	return nil
}
