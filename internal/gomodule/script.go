package gomodule

import "strings"

// DownloadScript returns a POSIX sh script, for the builder container, that
// fetches the module source through the module proxy, checksum-verified
// against the checksum database like `go mod download` does, copies it to
// dest and writes the go command's record of the version (go list -m -json,
// for ParseRecord) to the file record, outside dest. The copy is writable because the module cache is read-only and a
// build may need to write (go generate, vendoring). The script exits non-zero
// with a message naming the module when the version does not exist or the
// checksum database is turned off (GOSUMDB=off would skip verification).
func (s Spec) DownloadScript(dest, record string) string {
	module := shellQuote(s.String())
	return strings.Join([]string{
		"set -eu",
		"module=" + module,
		"dest=" + shellQuote(dest),
		"record=" + shellQuote(record),
		// dest and record are resolved before the cd below changes what
		// they are relative to.
		`case $dest in /*) ;; *) dest="$PWD/$dest" ;; esac`,
		`case $record in /*) ;; *) record="$PWD/$record" ;; esac`,
		// Outside any module, so no go.mod or go.work is read or changed;
		// -mod=mod overrides a -mod=vendor that would fail there.
		`scratch=$(mktemp -d)`,
		`cd "$scratch"`,
		"export GOFLAGS=-mod=mod GOWORK=off",
		`if [ "$(go env GOSUMDB)" = off ]; then`,
		`  echo "go-build: refusing to download $module with GOSUMDB=off: its checksum must be verified against the checksum database" >&2`,
		"  exit 1",
		"fi",
		`if ! go mod download "$module"; then`,
		`  echo "go-build: cannot download module $module (see the go error above); want a version that exists on the module proxy, such as a released tag" >&2`,
		"  exit 1",
		"fi",
		// The version's time comes from the proxy's .info record.
		`mkdir -p "$(dirname "$record")"`,
		`go list -m -json "$module" > "$record"`,
		`dir=$(go list -m -f '{{.Dir}}' "$module")`,
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
