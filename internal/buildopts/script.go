package buildopts

import (
	"fmt"
	"strings"
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
// when it is one (commit, commit time, git describe; -buildvcs), so no exec
// of its own has to come before the compile. version, when set, is linked
// in place of git describe. The flags equal GoBuild's for the Stamp the
// same checkout gives.
//
// Every target runs to the end. Each target's output is printed on stderr
// under its name; the script exits with the status of a failed target (3
// when it has no main package, after printing its NoMain), else 0.
func (o Options) BuildScript(targets []Target, version string, maxParallel int) []string {
	var xflags strings.Builder
	for _, s := range stampSymbols {
		fmt.Fprintf(&xflags, `$(xflag %s "$%s")`, s.symbol, s.shellVar)
	}
	after := ""
	if flags := o.linkerFlagsAfterStamp(); len(flags) > 0 {
		after = shellQuote(" " + strings.Join(flags, " "))
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
# checkout; the space after $( keeps it from reading as arithmetic). A set
# version wins over git describe.
stamp=$( ` + StampScript + ` )
field() { printf '%s\n' "$stamp" | sed -n "s/^$1=//p"; }
version=` + shellQuote(version) + `
[ -n "$version" ] || version=$(field describe)
revision=$(field revision) date=$(field date) vcs=false
[ -z "$revision" ] || vcs=true
# xflag SYMBOL VALUE prints " -X SYMBOL=VALUE", quoted as the go command
# splits -ldflags, and nothing for an empty VALUE.
xflag() {
	[ -n "$2" ] || return 0
	case "$1=$2" in
	*"'"*) printf ' -X "%s=%s"' "$1" "$2" ;;
	*" "* | *"	"* | *'"'*) printf " -X '%s=%s'" "$1" "$2" ;;
	*) printf ' -X %s=%s' "$1" "$2" ;;
	esac
}
ldflags="-buildid=` + xflags.String() + `"` + after + `
# build DIR NOMAIN lists the main packages and builds them into DIR.
build() {
	pkgs=$(` + shellWords(o.ListMainPackages()) + `) || return 1
	if [ -z "$pkgs" ]; then echo "$2" >&2; return 3; fi
	# Import paths hold no spaces: split the list into arguments.
	` + goBuild + ` -o "$1/" $pkgs
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
// describe, time in Unix seconds, date as RFC 3339 UTC, remote), and nothing
// when the source is no git checkout (or the builder has no git). BuildScript
// links what it prints; the caller runs it to describe the binaries. It runs
// in a subshell of its own, so its early exits end only the stamp.
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
echo "describe=$(git describe --tags --always --dirty 2>/dev/null || true)"
echo "time=$(git log -1 --format=%ct)"
echo "date=$(TZ=UTC0 git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)"
echo "remote=$(git config --get remote.origin.url || true)"
)`

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
