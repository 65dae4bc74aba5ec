// Package pkgscript runs distribution package managers (apt-get, apk) in
// generated shell scripts so that a failure keeps the package manager's own
// reason.
//
// Quiet flags such as apt-get -qq drop the lines that explain a failure
// ("libc6-dev:armel : Depends: linux-libc-dev:armel but it is not
// installable") and keep only the last ("E: Unable to correct problems, you
// have held broken packages."). Scripts instead run each package command
// through Run, which keeps the output out of the way while the command
// succeeds and, when it fails, prints a marker line naming the command and
// then the whole output on stderr. Reason picks the explanation out of that.
package pkgscript

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Marker starts the line Run prints before a failed command's output.
const Marker = "go-build: package command failed:"

// Prelude defines the shell function pkg_run; put it at the top of a script
// and run package commands as `pkg_run apt-get install ...`.
const Prelude = `pkg_run() {
  pkg_log=$(mktemp)
  "$@" >"$pkg_log" 2>&1 || {
    pkg_rc=$?
    echo "` + Marker + ` $* (exit code $pkg_rc)" >&2
    cat "$pkg_log" >&2
    exit "$pkg_rc"
  }
  rm -f "$pkg_log"
}
`

// MaxReasonLines bounds Reason: the explanation sits at the end of the
// output, after whatever progress the package manager printed.
const MaxReasonLines = 30

// noise are prefixes of progress lines that never explain a failure.
var noise = []string{
	"Reading package lists", "Building dependency tree", "Reading state information",
	"Get:", "Hit:", "Ign:", "Fetched ", "Selecting previously unselected", "Preparing to unpack",
	"Unpacking ", "Setting up ", "Processing triggers", "(Reading database", "debconf:",
	"The following NEW packages", "The following additional packages", "The following packages will be", "Suggested packages:",
	"Recommended packages:", "Need to get ", "After this operation", "fetch http", "OK:",
	"Some packages could not be installed. This may mean", "requested an impossible situation",
	"distribution that some required", "or been moved out of Incoming.",
	"The following information may help to resolve the situation:",
}

// Reason is the explanation of a failed package command in stderr: the
// marker line naming the command, then the output lines that are not
// progress (apt's "Depends: ... not installable", "E: ..." and apk's
// "ERROR: ..." with their indented details), at most MaxReasonLines of the
// last. ok is false when stderr holds no marker, i.e. the failure was not a
// package command's.
func Reason(stderr string) (reason string, ok bool) {
	i := strings.LastIndex(stderr, Marker)
	if i < 0 {
		return "", false
	}
	lines := strings.Split(strings.TrimSpace(stderr[i:]), "\n")
	head := strings.TrimSpace(strings.TrimPrefix(lines[0], Marker))
	var keep []string
	for _, line := range lines[1:] {
		line = strings.TrimRight(line, " \r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || isNoise(trimmed) || isPackageList(line) {
			continue
		}
		keep = append(keep, line)
	}
	if len(keep) > MaxReasonLines {
		keep = keep[len(keep)-MaxReasonLines:]
	}
	return strings.Join(append([]string{head}, keep...), "\n"), true
}

func isNoise(line string) bool {
	for _, p := range noise {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// isPackageList tells apt's indented lists of package names (under "The
// following NEW packages will be installed:", names such as libc6-dev:armel)
// from indented explanations, which hold a ": " or end with a colon
// ("libc6-dev:armel : Depends: ...", apk's "libfoo-dev (no such package):").
func isPackageList(line string) bool {
	trimmed := strings.TrimSpace(line)
	return strings.HasPrefix(line, "  ") && !strings.Contains(trimmed, ": ") && !strings.HasSuffix(trimmed, ":")
}

// ErrPackageName is wrapped by the error for a package name outside
// NamePattern.
var ErrPackageName = errors.New("invalid package name")

// namePattern is Debian's package name rule (Policy 5.6.1), which Alpine's
// names follow too: lower-case ASCII letters, digits, '+', '-' and '.', at
// least two characters, starting with a letter or digit. No name can then
// be an option of apt-get, apk or dpkg-query, or mean anything to the
// shell.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)

// CheckName checks a user-given distribution package name against the
// closed pattern of Debian policy: a name alone, such as libsqlite3-dev.
// An architecture (:arm64) or version (=1.2-3) is refused: go-build adds
// the target's architecture itself. what names the option in the error.
func CheckName(what, name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("%w: %s %q: want a Debian or Alpine package name such as libsqlite3-dev: lower-case letters, digits, '+', '-' and '.', at least two, starting with a letter or digit (no :arch or =version: the target's architecture is added)",
			ErrPackageName, what, name)
	}
	return nil
}

// Words is names as shell words, each single-quoted, space-separated:
// whatever they hold, the shell passes them on as they are.
func Words(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "'" + strings.ReplaceAll(n, "'", `'\''`) + "'"
	}
	return strings.Join(quoted, " ")
}
