package buildopts

import (
	"fmt"
	"strings"

	"dagger/go-build/internal/stamptmpl"
)

// Target is one platform a build script builds.
type Target struct {
	// Name names the platform in messages, e.g. linux/arm/v7.
	Name string
	// OutDir is the directory its binaries are written to.
	OutDir string
	// Env is its environment as NAME=value (GOOS, GOARCH, GOARM...);
	// empty when the container is set up for it already.
	Env []string
	// NoMain is the message printed when the patterns match no main
	// package for it.
	NoMain string
	// GOOS and GOARCH are its {{.Os}} and {{.Arch}} in ldflags templates.
	GOOS, GOARCH string
}

// BuildScript is one command that builds every target: for each, it lists
// the main packages (as ListMainPackages) and builds them (as GoBuild) into
// the target's OutDir. One exec builds them all, so the container starts
// once, no go list waits on a round trip to the caller, and the targets
// share the build cache while they compile side by side: as many at a time
// as the machine has CPUs, and at most maxParallel (each go build runs
// parallel compiles of its own).
//
// The script reads the version stamp itself, from the source's git checkout
// when it is one (commit, commit time, tags, git describe; -buildvcs), so no
// exec of its own has to come before the compile. known's fields, when set,
// are used in place of git's (a --module's version and commit, known before
// the build). It expands the ldflags and version templates with the stamp,
// per target, and fails naming the field when a template needs a part of the
// stamp the source does not have. The flags equal GoBuild's for the Stamp
// that Options.Stamp gives for the same checkout.
//
// Every target runs to the end. Each target's output is printed on stderr
// under its name; the script exits with the status of a failed target (3
// when it has no main package, after printing its NoMain), else 0; 4 when a
// template's field is not known, before any target builds.
func (o Options) BuildScript(targets []Target, known Stamp, maxParallel int) []string {
	var xflags strings.Builder
	for _, s := range stampSymbols {
		fmt.Fprintf(&xflags, `$(xflag %s "$%s")`, s.symbol, s.shellVar)
	}
	stripStatic := ""
	if flags := o.stripStaticFlags(); len(flags) > 0 {
		stripStatic = shellQuote(" " + strings.Join(flags, " "))
	}
	version := `$describe`
	if t := o.versionTemplate(); t != nil {
		version = shellTemplate(*t, "", "")
	}
	goBuild := shellWords([]string{"go", "build", "-trimpath"}) + ` -buildvcs="$vcs"`
	if tags := o.BuildTags(); len(tags) > 0 {
		goBuild += " " + shellWords([]string{"-tags", strings.Join(tags, ",")})
	}
	goBuild += ` -ldflags "$ldflags"`

	var b strings.Builder
	b.WriteString(`set -u
logs=$(mktemp -d)
# The version stamp, as StampScript reads it (nothing outside a git
# checkout; the space after $( keeps it from reading as arithmetic). What
# is known before the build wins over git.
stamp=$( ` + StampScript + ` )
field() { printf '%s\n' "$stamp" | sed -n "s/^$1=//p"; }
# known VAR VALUE FIELD sets VAR to VALUE, else to git's FIELD.
known() { if [ -n "$2" ]; then eval "$1=\$2"; else eval "$1=\$(field $3)"; fi; }
`)
	for _, k := range []struct{ shellVar, value, field string }{
		{"tag", known.Tag, "tag"},
		{"revision", known.Revision, "revision"},
		{"short", known.ShortRevision, "short"},
		{"date", known.Date, "date"},
		{"time", known.Time, "time"},
	} {
		fmt.Fprintf(&b, "known %s %s %s\n", k.shellVar, shellQuote(k.value), k.field)
	}
	b.WriteString(`describe=$(field describe)
[ -n "$describe" ] || describe=$tag
version=` + version + `
# -buildvcs only in a git checkout: a module's known commit has none.
vcs=false
[ -z "$(field revision)" ] || vcs=true
`)
	for _, src := range o.StampSources() {
		need := stampNeeds[src]
		fmt.Fprintf(&b, "[ -n \"$%s\" ] || { echo %s >&2; exit 4; }\n", need.shellVar,
			shellQuote("go-build: a template in --ldflags or --version needs "+need.what+", and "+need.missing))
	}
	b.WriteString(`# xflag SYMBOL VALUE prints " -X SYMBOL=VALUE", quoted as the go command
# splits -ldflags, and nothing for an empty VALUE.
xflag() {
	[ -n "$2" ] || return 0
	case "$1=$2" in
	*"'"*) printf ' -X "%s=%s"' "$1" "$2" ;;
	*" "* | *"	"* | *'"'*) printf " -X '%s=%s'" "$1" "$2" ;;
	*) printf ' -X %s=%s' "$1" "$2" ;;
	esac
}
stampflags="-buildid=` + xflags.String() + `"` + stripStatic + `
# build DIR NOMAIN lists the main packages and builds them into DIR.
build() {
	pkgs=$(` + shellWords(o.ListMainPackages()) + `) || return 1
	if [ -z "$pkgs" ]; then echo "$2" >&2; return 3; fi
	# Import paths hold no spaces: split the list into arguments.
	` + goBuild + ` -o "$1/" -- $pkgs
}
# target I builds target I in a subshell with its environment; its output
# goes to $logs/I, its failure status to $logs/I.failed.
target() {
	case $1 in
`)
	for i, t := range targets {
		fmt.Fprintf(&b, "\t%d) (", i)
		for _, kv := range t.Env {
			name, value, _ := strings.Cut(kv, "=")
			fmt.Fprintf(&b, "export %s=%s; ", name, shellQuote(value))
		}
		fmt.Fprintf(&b, "ldflags=\"$stampflags\"%s; ", o.shellLdflags(t))
		fmt.Fprintf(&b, "build %s %s) ;;\n", shellQuote(t.OutDir), shellQuote(t.NoMain))
	}
	m := max(maxParallel, 1)
	fmt.Fprintf(&b, `	esac >"$logs/$1" 2>&1 || echo $? >"$logs/$1.failed"
}
n=%d
lanes=$(nproc 2>/dev/null || echo 1)
[ "$lanes" -le %d ] || lanes=%d
[ "$lanes" -le "$n" ] || lanes=$n
# Lane L builds targets L, L+lanes, ...
lane=0
while [ "$lane" -lt "$lanes" ]; do
	(i=$lane; while [ "$i" -lt "$n" ]; do target "$i"; i=$((i + lanes)); done) &
	lane=$((lane + 1))
done
wait
status=0
# report I NAME prints target I's output under its name.
report() {
	if [ -e "$logs/$1.failed" ]; then
		status=$(cat "$logs/$1.failed")
		echo "build for $2 failed:" >&2
	elif [ -s "$logs/$1" ]; then
		echo "build for $2:" >&2
	fi
	cat "$logs/$1" >&2
}
`, len(targets), m, m)
	for i, t := range targets {
		fmt.Fprintf(&b, "report %d %s\n", i, shellQuote(t.Name))
	}
	b.WriteString(`exit "$status"`)
	return []string{"sh", "-c", b.String()}
}

// StampScript prints the source's git stamp as key=value lines (revision,
// short revision, describe, nearest tag, time in Unix seconds, date as RFC
// 3339 UTC), and nothing when the source is no git checkout (or the builder
// has no git). BuildScript links what it prints; the caller runs it to
// describe the binaries. It runs in a subshell of its own, so its early
// exits end only the stamp. It prints no remote: see RemoteScript.
//
// A source uploaded in part (only the directories a build needs, listed one
// pattern a line in $GO_BUILD_PARTIAL_SOURCE, PartialSourceEnv) lacks
// tracked files that are not deleted: they are marked skip-worktree first, so neither git describe
// nor go's own VCS stamp calls the checkout dirty for them.
const StampScript = `(
command -v git >/dev/null 2>&1 || exit 0
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 0
if [ -n "${` + PartialSourceEnv + `:-}" ]; then
	(
	set -f
	IFS='
'
	cd "$(git rev-parse --show-toplevel)" || exit 0
	set -- .
	for p in $` + PartialSourceEnv + `; do set -- "$@" ":(exclude)$p"; done
	git ls-files -z --deleted -- "$@" | xargs -0 -r git update-index --skip-worktree --
	)
fi
echo "revision=$(git rev-parse HEAD)"
echo "short=$(git rev-parse --short HEAD)"
echo "describe=$(git describe --tags --always --dirty 2>/dev/null || true)"
echo "tag=$(git describe --tags --abbrev=0 2>/dev/null || true)"
echo "time=$(git log -1 --format=%ct)"
echo "date=$(TZ=UTC0 git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)"
)`

// RemoteFile is where RemoteScript writes the origin remote.
const RemoteFile = "/tmp/go-build-remote"

// RemoteScript writes the source's origin remote, as git config holds it,
// to RemoteFile (empty when there is none, or no git), and prints nothing:
// a remote may carry a token (GitLab CI clones as
// https://gitlab-ci-token:<token>@host/...), and an exec's output is in the
// call's log. The caller reads the file and keeps only what redact.Remote
// makes of it.
const RemoteScript = `( git config --get remote.origin.url || true ) >` + RemoteFile + ` 2>/dev/null || : >` + RemoteFile

// PartialSourceEnv names the variable that lists, one pattern a line, what
// of a git checkout was uploaded when it was uploaded in part.
const PartialSourceEnv = "GO_BUILD_PARTIAL_SOURCE"

// shellWords quotes args as one shell command line.
func shellWords(args []string) string {
	quoted := make([]string, len(args))
	for i, arg := range args {
		quoted[i] = shellQuote(arg)
	}
	return strings.Join(quoted, " ")
}

// shellQuote quotes s as one POSIX shell word.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fieldShell is each stamp field as the build script reads it: a variable
// the script sets (the version without its leading v for {{.Version}}).
// {{.Os}} and {{.Arch}} are the target's, written in as text.
var fieldShell = map[stamptmpl.Field]string{
	stamptmpl.Version:         "${version#v}",
	stamptmpl.Tag:             "${tag}",
	stamptmpl.Commit:          "${revision}",
	stamptmpl.FullCommit:      "${revision}",
	stamptmpl.ShortCommit:     "${short}",
	stamptmpl.Date:            "${date}",
	stamptmpl.CommitDate:      "${date}",
	stamptmpl.CommitTimestamp: "${time}",
}

// stampNeeds is, for each part of the stamp a template can need, the
// script's variable that holds it and what the script says when it is
// empty.
var stampNeeds = map[stamptmpl.Source]struct{ shellVar, what, missing string }{
	stamptmpl.FromVersion:    {"version", "a version", "the source is no git checkout to describe: set --version"},
	stamptmpl.FromTag:        {"tag", "a git tag", "no tag is reachable from the commit, or the source is no git checkout"},
	stamptmpl.FromCommit:     {"revision", "the commit", "the source is no git checkout (or the builder has no git)"},
	stamptmpl.FromCommitTime: {"date", "the commit time", "the source is no git checkout (or the builder has no git)"},
}

// shellTemplate is t as one double-quoted shell word that expands it: the
// text escaped, each field the script's variable, Os and Arch goos and
// goarch.
func shellTemplate(t stamptmpl.Template, goos, goarch string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, p := range t.Parts() {
		switch p.Field {
		case "":
			b.WriteString(doubleQuoted(p.Text))
		case stamptmpl.Os:
			b.WriteString(doubleQuoted(goos))
		case stamptmpl.Arch:
			b.WriteString(doubleQuoted(goarch))
		default:
			b.WriteString(fieldShell[p.Field])
		}
	}
	b.WriteByte('"')
	return b.String()
}

// shellLdflags is the user's ldflags for t as shell words that expand their
// templates, each after a space; "" when there are none.
func (o Options) shellLdflags(t Target) string {
	var b strings.Builder
	for _, tmpl := range o.ldflagTemplates() {
		b.WriteString(`" "`)
		b.WriteString(shellTemplate(tmpl, t.GOOS, t.GOARCH))
	}
	return b.String()
}

// doubleQuoted escapes s for the inside of a double-quoted shell word.
func doubleQuoted(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`").Replace(s)
}
