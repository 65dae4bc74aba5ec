package gomodule

import "strings"

// DownloadScript returns a POSIX sh script, for the builder container, that
// fetches the module source through the module proxy, checksum-verified
// against the checksum database like `go mod download` does, and copies it to
// dest. The copy is writable because the module cache is read-only and a
// build may need to write (go generate, vendoring). The script exits non-zero
// with a message naming the module when the version does not exist or the
// checksum database is turned off (GOSUMDB=off would skip verification).
func (s Spec) DownloadScript(dest string) string {
	module := shellQuote(s.String())
	return strings.Join([]string{
		"set -eu",
		"module=" + module,
		"dest=" + shellQuote(dest),
		// dest is resolved before the cd below changes what it is relative to.
		`case $dest in /*) ;; *) dest="$PWD/$dest" ;; esac`,
		// Outside any module, so no go.mod or go.work is read or changed;
		// -mod=mod overrides a -mod=vendor that would fail there.
		`scratch=$(mktemp -d)`,
		`cd "$scratch"`,
		"export GOFLAGS=-mod=mod GOWORK=off",
		`if [ "$(go env GOSUMDB)" = off ]; then`,
		`  echo "go-build: refusing to download $module with GOSUMDB=off: its checksum must be verified against the checksum database" >&2`,
		"  exit 1",
		"fi",
		`if ! go mod download -- "$module"; then`,
		`  echo "go-build: cannot download module $module (see the go error above); want a version that exists on the module proxy, such as a released tag" >&2`,
		"  exit 1",
		"fi",
		`dir=$(go list -m -f '{{.Dir}}' -- "$module")`,
		`mkdir -p "$dest"`,
		`cp -R "$dir/." "$dest/"`,
		`chmod -R u+w "$dest"`,
		`rmdir "$scratch" || true`,
	}, "\n") + "\n"
}

// shellQuote single-quotes s for sh. ParseSpec already limits paths and
// versions to safe characters, but a Spec literal or dest may not be checked.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
