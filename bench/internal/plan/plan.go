// Package plan holds the benchmark's pure decisions: which platforms are
// native, cross and emulated on an engine, how measurements are named and
// kept apart (cache namespaces, nonces), and how a source file is touched.
// It has no Dagger import so it is unit-tested without an engine.
package plan

import (
	"fmt"
	"strings"
)

// ImagePlatforms are the platforms of the image measurement: one image
// against the sum of one build per platform.
var ImagePlatforms = []string{"linux/amd64", "linux/arm64", "linux/ppc64le", "linux/s390x"}

// Arch is a platform's label without its OS: linux/amd64 gives amd64,
// linux/arm/v7 gives arm/v7. A platform without an OS is returned as is.
func Arch(platform string) string {
	if _, rest, ok := strings.Cut(platform, "/"); ok {
		return rest
	}
	return platform
}

// Foreign is the platform the cross and emulated measurements target on an
// engine running natively on native: linux/arm64, or linux/amd64 on an
// arm64 engine, so the comparison is always between amd64 and arm64.
func Foreign(native string) string {
	if strings.HasPrefix(Arch(native), "arm64") {
		return "linux/amd64"
	}
	return "linux/arm64"
}

// ShortName is a module's last path element (before any /vN major-version
// suffix), lower-cased, with anything but letters, digits and '-' turned
// into '-': github.com/mattn/go-sqlite3@v1.14.24 gives go-sqlite3.
func ShortName(module string) string {
	path, _, _ := strings.Cut(module, "@")
	path = strings.TrimSuffix(path, "/")
	elems := strings.Split(path, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && isMajorSuffix(name) {
		name = elems[len(elems)-2]
	}
	return slug(name)
}

// DisplayName is how a module is named in the table: its short name and
// version, e.g. coredns@v1.11.3.
func DisplayName(module string) string {
	_, version, ok := strings.Cut(module, "@")
	if !ok || version == "" {
		return ShortName(module)
	}
	return ShortName(module) + "@" + version
}

// Namespace is the go-build cache namespace of one measurement: unique to
// the run and to the parts (project, case), so each measurement starts from
// empty Go caches and shares no cache key with any other.
func Namespace(runID string, parts ...string) string {
	elems := []string{"bench", slug(runID)}
	for _, p := range parts {
		if s := slug(p); s != "" {
			elems = append(elems, s)
		}
	}
	return strings.Join(elems, "-")
}

// Touch returns a Go source file's contents with a comment holding nonce
// appended, on a line of its own: the one-file change of a warm build. The
// line numbers of the existing code do not move.
func Touch(contents, nonce string) string {
	if contents != "" && !strings.HasSuffix(contents, "\n") {
		contents += "\n"
	}
	return contents + "// go-build bench: warm run " + nonce + "\n"
}

// BuildIDFlag is a linker flag that writes n into the binary's ELF
// NT_GNU_BUILD_ID note. It makes a build's bytes unique to a run without
// changing the program, so a strip step cannot be answered from the cache of
// an earlier run that built the same bytes.
func BuildIDFlag(n uint64) string {
	return fmt.Sprintf("-B=0x%016x", n)
}

func isMajorSuffix(elem string) bool {
	if len(elem) < 2 || elem[0] != 'v' {
		return false
	}
	for _, r := range elem[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// slug lower-cases s and replaces runs of characters other than letters and
// digits with one '-', trimmed at both ends: safe in a cache volume name.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}
