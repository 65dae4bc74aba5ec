// Package platform is go-build's model of a target platform. It parses and
// normalizes a platform the way containerd does (github.com/containerd/platforms)
// and gives, for each target go-build can build, everything the cross-build
// needs: the Go environment, the clang triple and linker for cgo, the Debian
// and Alpine ports that provide the target's C libraries, and what the built
// binary must look like. The mappings follow tonistiigi/xx (xx-info, xx-go,
// xx-cc, xx-verify), with one table per concern; where go-build differs from
// xx, the table says why.
package platform

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/containerd/platforms"

	"dagger/go-build/internal/binverify"
)

var (
	// ErrInvalid is wrapped when a platform string is malformed.
	ErrInvalid = errors.New("invalid platform")
	// ErrUnsupported is wrapped when a platform is well formed but
	// go-build cannot build it.
	ErrUnsupported = errors.New("unsupported platform")
	// ErrDuplicate is wrapped when a list names one platform twice.
	ErrDuplicate = errors.New("duplicate platform")
	// ErrEmpty is returned when a list names no platform.
	ErrEmpty = errors.New("no platform given")
)

// Target is one platform go-build can build, with everything the build needs
// to know about it. Get one from Parse; the zero Target is no platform.
type Target struct {
	// OS, Architecture and Variant are the normalized OCI platform, e.g.
	// linux/arm/v7.
	OS, Architecture, Variant string

	GOOS, GOARCH string
	// GOARM is the bare ARM version, "5", "6" or "7", for arm.
	GOARM string
	// GOAMD64 is the amd64 level, "v2" to "v4", from the variant.
	GOAMD64 string
	// GOMIPS is "hardfloat" or "softfloat" for mips and mipsle.
	GOMIPS string
	// GOMIPS64 is "hardfloat" or "softfloat" for mips64 and mips64le.
	GOMIPS64 string

	// ClangTriple is passed as clang --target= for cgo on a Debian
	// builder; empty for targets without cgo support.
	ClangTriple string
	// Linker is "lld", or "bfd" where lld fails; empty without cgo support.
	Linker string
	// DebianTriple is the multiarch triple, e.g. arm-linux-gnueabihf;
	// empty if Debian has no port.
	DebianTriple string
	// DebianArch is the dpkg architecture, e.g. armhf; empty if none.
	DebianArch string
	// DebianSuites are the Debian releases, of bookworm and trixie, that
	// have the port.
	DebianSuites []string
	// AlpineTriple is the Alpine toolchain triple, e.g.
	// aarch64-alpine-linux-musl; empty if Alpine has no port.
	AlpineTriple string
	// AlpineArch is the apk architecture, e.g. armv7; empty if none.
	AlpineArch string

	// Binary is what a binary for this target must look like. Static is
	// left false: the caller knows whether it asked for a static build.
	Binary binverify.Expect
	// FileSignature is the start of what file(1) (5.46) prints for a
	// binary of this target, the part xx-verify matches, e.g.
	// "ELF 64-bit LSB executable, ARM aarch64".
	FileSignature string
}

// Parse reads a platform: a full os/arch[/variant] string such as
// linux/arm/v7, normalized like containerd does (linux/arm is linux/arm/v7,
// linux/arm64/v8 is linux/arm64, linux/x86_64 is linux/amd64), or a single
// word, which is a Linux architecture (amd64, aarch64, armhf, armv6, amd64v3,
// x86 ...) or the Name of a target (windows-amd64). Case and surrounding
// space do not matter.
//
// Errors wrap ErrInvalid for a malformed string and ErrUnsupported for a
// platform go-build does not build.
func Parse(s string) (Target, error) {
	spec := strings.TrimSpace(s)
	if spec == "" {
		return Target{}, fmt.Errorf("%w %q: want os/arch[/variant] or an architecture such as amd64", ErrInvalid, s)
	}
	var (
		p   platforms.Platform
		err error
	)
	if strings.Contains(spec, "/") {
		p, err = parseFull(s, spec)
	} else {
		p, err = parseWord(s, spec)
	}
	if err != nil {
		return Target{}, err
	}
	key := format(p)
	t, ok := targets[key]
	if !ok {
		return Target{}, unsupported(s, key)
	}
	return t.clone(), nil
}

// parseFull reads an os/arch[/variant] string.
func parseFull(s, spec string) (platforms.Platform, error) {
	parts := strings.Split(spec, "/")
	if len(parts) > 3 {
		return platforms.Platform{}, fmt.Errorf("%w %q: too many components: want os/arch[/variant]", ErrInvalid, s)
	}
	for _, part := range parts {
		if part == "" {
			return platforms.Platform{}, fmt.Errorf("%w %q: empty component: want os/arch[/variant]", ErrInvalid, s)
		}
	}
	p, err := platforms.Parse(spec)
	if err != nil {
		return platforms.Platform{}, fmt.Errorf("%w %q: %v", ErrInvalid, s, err)
	}
	if p.OSVersion != "" {
		// Go builds one binary for every version of an OS.
		return platforms.Platform{}, fmt.Errorf("%w %q: go-build does not target OS versions; supported: %s",
			ErrUnsupported, s, strings.Join(Supported(), ", "))
	}
	return normalize(p), nil
}

// parseWord reads a platform given as one word. Unlike containerd, which
// takes a lone architecture for the host's OS, a word always means Linux:
// the result must not depend on where go-build runs.
func parseWord(s, spec string) (platforms.Platform, error) {
	// Checked before lowercasing: strings.ToLower maps some non-ASCII
	// letters (the Kelvin sign) to ASCII ones.
	if !isSpecifierWord(spec) {
		return platforms.Platform{}, fmt.Errorf("%w %q: want os/arch[/variant] or an architecture such as amd64", ErrInvalid, s)
	}
	word := strings.ToLower(spec)
	if key, ok := names[word]; ok {
		return targets[key].platform(), nil
	}
	if knownOS[word] {
		return platforms.Platform{}, fmt.Errorf("%w %q: names an operating system but no architecture, e.g. %s/amd64", ErrInvalid, s, word)
	}
	return normalize(platforms.Platform{OS: "linux", Architecture: word}), nil
}

// normalize applies containerd's normalization, then spells the default
// mips float mode as no variant, so linux/mips/hardfloat and linux/mips name
// the same target (as containerd does for amd64/v1 and arm64/v8).
func normalize(p platforms.Platform) platforms.Platform {
	p = platforms.Normalize(p)
	if strings.HasPrefix(p.Architecture, "mips") && p.Variant == "hardfloat" {
		p.Variant = ""
	}
	return p
}

// isSpecifierWord reports whether w uses only the characters containerd
// allows in a platform component.
func isSpecifierWord(w string) bool {
	for _, r := range w {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.', r == '-':
		default:
			return false
		}
	}
	return w != ""
}

// knownOS are the operating systems Go knows, and containerd's macos: a word
// naming one of them lacks an architecture rather than naming an unknown one.
var knownOS = map[string]bool{
	"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true,
	"hurd": true, "illumos": true, "ios": true, "js": true, "linux": true, "macos": true,
	"nacl": true, "netbsd": true, "openbsd": true, "plan9": true, "solaris": true,
	"wasip1": true, "windows": true, "zos": true,
}

// unsupported is the error for a well-formed platform go-build does not
// build; normalized is how it was read, shown when it differs from s.
func unsupported(s, normalized string) error {
	read := ""
	if normalized != strings.TrimSpace(s) {
		read = " (read as " + normalized + ")"
	}
	return fmt.Errorf("%w %q%s: supported: %s", ErrUnsupported, s, read, strings.Join(Supported(), ", "))
}

// ParseList parses a list of platforms, each item possibly itself a
// comma-separated list, keeping the order given. Blank entries are skipped;
// a list with none left is ErrEmpty. Two entries that normalize to the same
// platform (linux/arm/v7 and armv7) are ErrDuplicate. All bad entries are
// reported together.
func ParseList(items []string) ([]Target, error) {
	var (
		out  []Target
		errs []error
		seen = map[string]string{} // platform -> spelling that named it first
	)
	for _, item := range items {
		for _, entry := range strings.Split(item, ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			t, err := Parse(entry)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			key := t.String()
			if first, dup := seen[key]; dup {
				errs = append(errs, fmt.Errorf("%w %s: given as %q and as %q", ErrDuplicate, key, first, entry))
				continue
			}
			seen[key] = entry
			out = append(out, t)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, ErrEmpty
	}
	return out, nil
}

// MustParse is Parse for tests and tables; it panics on error.
func MustParse(s string) Target {
	t, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return t
}

// String is the normalized platform, os/arch[/variant]: linux/arm/v7,
// linux/amd64/v3, windows/amd64.
func (t Target) String() string { return format(t.platform()) }

// Name is a short name for t that is safe in file names and image tags:
// arch and variant for Linux (amd64, armv7, amd64v3, 386), prefixed with the
// OS otherwise (windows-amd64). A variant that is an ISA level (v7, v3) is
// joined as xx's TARGETPAIR does; any other (softfloat) after a dash, for
// readability: mipsle-softfloat. Parse accepts every Name.
func (t Target) Name() string {
	if t.OS == "" {
		return ""
	}
	arch := t.Architecture + t.Variant
	if t.Variant != "" && !isLevel(t.Variant) {
		arch = t.Architecture + "-" + t.Variant
	}
	if t.IsLinux() {
		return arch
	}
	return t.OS + "-" + arch
}

// isLevel reports whether v is an ISA level variant: v and digits.
func isLevel(v string) bool {
	if len(v) < 2 || v[0] != 'v' {
		return false
	}
	for _, r := range v[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// IsLinux reports whether t is a Linux platform.
func (t Target) IsLinux() bool { return t.OS == "linux" }

// CgoSupported reports whether go-build can cross-compile cgo code for t:
// Linux with a clang target and C libraries from a Debian or Alpine port.
// Other targets build as pure Go only.
func (t Target) CgoSupported() bool {
	return t.IsLinux() && t.ClangTriple != "" && (len(t.DebianSuites) > 0 || t.AlpineArch != "")
}

// Executable is the file name of the program name built for t: name with
// ".exe" added for Windows, unless it already ends so.
func (t Target) Executable(name string) string {
	if t.OS == "windows" && !strings.HasSuffix(strings.ToLower(name), ".exe") {
		return name + ".exe"
	}
	return name
}

// Supported lists the normalized platforms go-build builds, sorted. Parse
// also accepts aliases and short names of these.
func Supported() []string { return slices.Clone(supportedList) }

func (t Target) platform() platforms.Platform {
	return platforms.Platform{OS: t.OS, Architecture: t.Architecture, Variant: t.Variant}
}

// clone copies t so callers cannot change the tables through its slices.
func (t Target) clone() Target {
	t.DebianSuites = slices.Clone(t.DebianSuites)
	return t
}

// format writes p as os/arch[/variant], like containerd's platforms.Format
// but without its path cleaning, so a malformed component is shown as given.
func format(p platforms.Platform) string {
	if p.OS == "" {
		return ""
	}
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}
