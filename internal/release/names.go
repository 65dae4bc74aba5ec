// Package release holds the pure parts of go-build's release command, which
// packs the binaries built for many platforms into archives the way
// GoReleaser does, reproducibly: the names of every output file, the project
// name and version they carry, the archives themselves and the checksums
// file. Nothing here runs a build or touches Dagger; the command plans all
// names first, so a bad name or two platforms sharing one fail before any
// build starts.
//
// The names follow GoReleaser v2's defaults (internal/pipe/archive,
// internal/pipe/checksums, internal/pipe/sbom, internal/pipe/snapshot in
// github.com/goreleaser/goreleaser), so install scripts written for
// releases GoReleaser made keep finding their files.
package release

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/usertmpl"
)

var (
	// ErrUnsafeName is wrapped when a project name, binary name, version
	// or generated file name holds characters that are not safe in a file
	// name on every system a release is downloaded to.
	ErrUnsafeName = errors.New("unsafe file name")
	// ErrCollision is wrapped when two outputs of one release would get
	// the same file name, which would make one overwrite the other.
	ErrCollision = errors.New("output name collision")
	// ErrTemplate is wrapped when a name template does not parse or fails
	// for a target.
	ErrTemplate = errors.New("invalid name template")
	// ErrFormat is wrapped when an archive format is not one go-build
	// writes.
	ErrFormat = errors.New("unsupported archive format")
	// ErrNoTargets is returned when a release is planned for no platform.
	ErrNoTargets = errors.New("no target platform given")
)

// DefaultNameTemplate is GoReleaser's default archive name_template
// (internal/pipe/archive/archive.go, defaultNameTemplate), without the
// extension, which is added after it. With GoReleaser's field values it
// gives, for version 1.2.3 of yq:
//
//	linux/amd64     yq_1.2.3_linux_amd64      (Amd64 is v1: nothing added)
//	linux/amd64/v3  yq_1.2.3_linux_amd64v3    (no underscore before v3)
//	linux/arm/v7    yq_1.2.3_linux_armv7
//	linux/mips      yq_1.2.3_linux_mips_hardfloat
//	windows/amd64   yq_1.2.3_windows_amd64    (.zip)
const DefaultNameTemplate = `{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}{{ with .Mips }}_{{ . }}{{ end }}{{ if not (eq .Amd64 "v1") }}{{ .Amd64 }}{{ end }}`

// Format is an archive format, spelled as the file extension it gives.
type Format string

const (
	// TarGz is a gzip-compressed tar archive, GoReleaser's default.
	TarGz Format = "tar.gz"
	// Zip is a zip archive, what Windows users can open without tools;
	// GoReleaser's documented format_overrides use it for windows.
	Zip Format = "zip"
)

// ParseFormat reads an archive format: "tar.gz" or "zip".
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.TrimSpace(s)); f {
	case TarGz, Zip:
		return f, nil
	}
	return "", fmt.Errorf("%w %q: accepted: %s, %s", ErrFormat, s, TarGz, Zip)
}

// DefaultFormat is the archive format of t when none is asked for: zip for
// Windows, tar.gz for everything else, as in the GoReleaser configuration
// `goreleaser init` writes (archives.format_overrides: goos windows, zip).
func DefaultFormat(t platform.Target) Format {
	if t.GOOS == "windows" {
		return Zip
	}
	return TarGz
}

// Options says how to name a release's outputs.
type Options struct {
	// ProjectName starts every file name (GoReleaser's .ProjectName);
	// see ProjectName for the default.
	ProjectName string
	// Version is the version in file names, without a leading v
	// (GoReleaser's .Version): Version.Name.
	Version string
	// Binary is the program name in archives and in the binaries tree;
	// empty means ProjectName. ".exe" is added for Windows.
	Binary string
	// NameTemplate is a Go text/template for an archive's name without
	// its extension; empty means DefaultNameTemplate. See TemplateFields
	// for the fields and usertmpl.Names for the functions it may use.
	NameTemplate string
	// Format, when set, is the archive format of every target; empty
	// means DefaultFormat per target.
	Format Format
	// SBOM asks for an SBOM document per archive, like a GoReleaser
	// configuration with an `sboms` entry (none by default there).
	SBOM bool
}

// Plan is every output name of a release, known before anything is built.
type Plan struct {
	ProjectName string
	Version     string
	Binary      string
	// Checksums is the checksums file name (GoReleaser's default
	// checksum name_template): <project>_<version>_checksums.txt.
	Checksums string
	// Outputs are per target, in the order the targets were given.
	Outputs []Output
	// Extra are files other steps of the release write into dist (the
	// Linux packages and their SBOMs), which the checksums file lists
	// too; see AddFiles.
	Extra []string
}

// AddFiles adds names, the files another step writes into dist, to the
// plan's Extra, checking each is a safe file name not already planned,
// also when they differ only in case. what describes them in errors.
func (p *Plan) AddFiles(what string, names []string) error {
	taken := map[string]bool{strings.ToLower(p.Checksums): true}
	for _, n := range p.Checksummed() {
		taken[strings.ToLower(n)] = true
	}
	var errs []error
	for _, n := range names {
		if err := CheckName(what, n); err != nil {
			errs = append(errs, err)
			continue
		}
		if taken[strings.ToLower(n)] {
			errs = append(errs, fmt.Errorf("%w: %s %s has the name of another output of the release", ErrCollision, what, n))
			continue
		}
		taken[strings.ToLower(n)] = true
		p.Extra = append(p.Extra, n)
	}
	return errors.Join(errs...)
}

// SBOMExt ends the name of every SBOM document a release writes.
const SBOMExt = ".sbom.spdx.json"

// Output is what a release produces for one target.
type Output struct {
	Target platform.Target
	Format Format
	// Archive is the archive's file name, extension included.
	Archive string
	// SBOM is the archive's SPDX JSON SBOM document, the archive's name
	// with .sbom.spdx.json for its extension (app_1.0.0_linux_amd64.sbom.spdx.json);
	// empty unless Options.SBOM.
	SBOM string
	// BinaryPath is where the bare binary goes in the binaries tree:
	// <os>_<arch>[_<variant>]/<binary>, see BinaryPath.
	BinaryPath string
	// Executable is the binary's name inside the archive, at its root.
	Executable string
}

// Uploads are the files a release publishes, sorted: every archive, every
// SBOM, the Extra files and the checksums file.
func (p Plan) Uploads() []string {
	names := append(p.Checksummed(), p.Checksums)
	slices.Sort(names)
	return names
}

// Checksummed are the files the checksums file lists, sorted: the archives,
// SBOMs and Extra files. GoReleaser checksums every uploadable artifact but the
// checksums file and signatures, and its sbom pipe runs before its
// checksums pipe, so SBOMs are listed too.
func (p Plan) Checksummed() []string {
	var names []string
	for _, o := range p.Outputs {
		names = append(names, o.Archive)
		if o.SBOM != "" {
			names = append(names, o.SBOM)
		}
	}
	names = append(names, p.Extra...)
	slices.Sort(names)
	return names
}

// maxNameLen is the longest file name most file systems store, in bytes.
const maxNameLen = 255

// NewPlan names every output of a release of opts for targets. It checks
// what a build would otherwise find out too late: the project name, binary
// name and version are safe in file names, the name template parses and
// gives every target a safe name, and no two outputs share a name, even
// when they differ only in case (they would overwrite each other on a
// case-insensitive file system). Every problem found is reported, each
// wrapping ErrUnsafeName, ErrTemplate, ErrFormat or ErrCollision.
func NewPlan(opts Options, targets []platform.Target) (Plan, error) {
	if len(targets) == 0 {
		return Plan{}, ErrNoTargets
	}
	binary := cmp.Or(opts.Binary, opts.ProjectName)
	var errs []error
	for _, v := range [...]struct{ what, value string }{
		{"project name", opts.ProjectName},
		{"binary name", binary},
		{"version", opts.Version},
	} {
		if err := CheckName(v.what, v.value); err != nil {
			errs = append(errs, err)
		}
	}
	if opts.Format != "" {
		f, err := ParseFormat(string(opts.Format))
		if err != nil {
			errs = append(errs, err)
		}
		opts.Format = f
	}
	tmpl, err := parseTemplate(cmp.Or(opts.NameTemplate, DefaultNameTemplate))
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Plan{}, errors.Join(errs...)
	}

	plan := Plan{
		ProjectName: opts.ProjectName,
		Version:     opts.Version,
		Binary:      binary,
		Checksums:   opts.ProjectName + "_" + opts.Version + "_checksums.txt",
	}
	names := newNameSet()
	names.add(plan.Checksums, "the checksums file")
	seen := map[string]int{}
	for i, t := range targets {
		if j, ok := seen[t.String()]; ok {
			errs = append(errs, fmt.Errorf("%w: platform %s is listed twice (targets %d and %d)", ErrCollision, t, j+1, i+1))
			continue
		}
		seen[t.String()] = i
		base, err := tmpl.Execute(TemplateFields(opts.ProjectName, opts.Version, t))
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: for %s: %v", ErrTemplate, t, err))
			continue
		}
		o := Output{
			Target:     t,
			Format:     cmp.Or(opts.Format, DefaultFormat(t)),
			BinaryPath: BinaryPath(t, binary),
			Executable: t.Executable(binary),
		}
		o.Archive = base + "." + string(o.Format)
		if opts.SBOM {
			o.SBOM = base + SBOMExt
		}
		err = CheckName("archive name of "+t.String(), o.Archive)
		if err == nil && o.SBOM != "" {
			err = CheckName("SBOM name of "+t.String(), o.SBOM)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		names.add(o.Archive, "the archive of "+t.String())
		if o.SBOM != "" {
			names.add(o.SBOM, "the SBOM of "+t.String())
		}
		plan.Outputs = append(plan.Outputs, o)
	}
	errs = append(errs, names.errs...)
	if len(errs) > 0 {
		return Plan{}, errors.Join(errs...)
	}
	return plan, nil
}

// nameSet finds output names that are equal or equal but for case.
type nameSet struct {
	owners map[string]string // by lower-case name
	exact  map[string]string // lower-case name to the name as given
	errs   []error
}

func newNameSet() *nameSet {
	return &nameSet{owners: map[string]string{}, exact: map[string]string{}}
}

func (s *nameSet) add(name, owner string) {
	key := strings.ToLower(name)
	prev, ok := s.owners[key]
	if !ok {
		s.owners[key], s.exact[key] = owner, name
		return
	}
	if s.exact[key] == name {
		s.errs = append(s.errs, fmt.Errorf("%w: %s and %s would both be named %q; the name template must tell the targets apart",
			ErrCollision, prev, owner, name))
		return
	}
	s.errs = append(s.errs, fmt.Errorf("%w: %s (%q) and %s (%q) differ only in case and would overwrite each other on case-insensitive file systems",
		ErrCollision, prev, s.exact[key], owner, name))
}

// BinaryPath is where the bare binary of t goes in the release's binaries
// tree: a directory per target named <os>_<arch>[_<variant>], from the
// normalized platform so every target gets its own, and the binary in it
// with ".exe" for Windows: linux_arm_v7/app, linux_amd64_v3/app,
// windows_amd64/app.exe. GoReleaser's dist directories differ (they carry
// the build id and GoReleaser's target, app_linux_arm_7); nothing
// downloads from them.
func BinaryPath(t platform.Target, binary string) string {
	return strings.ReplaceAll(t.String(), "/", "_") + "/" + t.Executable(binary)
}

// CheckName checks that value, described by what in errors, is safe as (a
// part of) a file name everywhere a release is unpacked or served: not
// empty, at most 255 bytes, only ASCII letters, digits, '.', '_', '-' and
// '+' (semver build metadata), not starting with '.' or '-' (hidden files,
// command options). Errors wrap ErrUnsafeName.
func CheckName(what, value string) error {
	if value == "" {
		return fmt.Errorf("%w: %s is empty", ErrUnsafeName, what)
	}
	for i, r := range value {
		if !isNameChar(r) {
			return fmt.Errorf("%w: %s %q has %s at byte %d: accepted are ASCII letters, digits, '.', '_', '-' and '+'",
				ErrUnsafeName, what, value, describeRune(r), i)
		}
	}
	if value[0] == '.' || value[0] == '-' {
		return fmt.Errorf("%w: %s %q starts with %q: it must start with a letter, digit, '_' or '+'",
			ErrUnsafeName, what, value, value[:1])
	}
	if len(value) > maxNameLen {
		return fmt.Errorf("%w: %s %q is %d bytes long: at most %d are accepted",
			ErrUnsafeName, what, value, len(value), maxNameLen)
	}
	return nil
}

func isNameChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	case r == '.', r == '_', r == '-', r == '+':
		return true
	}
	return false
}

// describeRune names r for an error message; a control character or space
// quoted as is would be invisible.
func describeRune(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case unicode.IsControl(r):
		return fmt.Sprintf("control character %U", r)
	case unicode.IsSpace(r):
		return fmt.Sprintf("white space %U", r)
	}
	return fmt.Sprintf("%q", r)
}

// GoReleaser's defaults for the Go settings a target leaves at the Go
// toolchain default (internal/builders/golang/build.go). Its archive
// template tests .Amd64 against v1, so an amd64 target must carry v1.
const (
	defaultGoamd64   = "v1"
	defaultGo386     = "sse2"
	defaultGoarm64   = "v8.0"
	defaultGomips    = "hardfloat"
	defaultGoppc64   = "power8"
	defaultGoriscv64 = "rva20u64"
)

// TemplateFields are the fields a name template sees for target t, with
// GoReleaser's names and values (internal/tmpl/tmpl.go WithArtifact,
// internal/builders/golang/targets.go Fields):
//
//   - ProjectName, Version: as given.
//   - Os, Arch: GOOS and GOARCH (linux, amd64, arm, 386).
//   - Amd64: the GOAMD64 level for amd64, v1 to v4; empty otherwise.
//   - Arm: the GOARM version for arm, 5 to 7; empty otherwise.
//   - Mips: hardfloat or softfloat for mips, mipsle, mips64 and mips64le
//     (GoReleaser has one field for GOMIPS and GOMIPS64); empty otherwise.
//   - I386, Arm64, Ppc64, Riscv64: Go's defaults, which go-build always
//     builds for (sse2, v8.0, power8, rva20u64), for their architectures.
//   - Target: GoReleaser's build target, os_arch with the setting above
//     that applies: linux_amd64_v1, linux_arm_7, linux_mips_hardfloat.
//
// All fields are always present, as empty strings where they do not apply;
// a template naming any other field fails.
func TemplateFields(projectName, version string, t platform.Target) map[string]string {
	f := map[string]string{
		"ProjectName": projectName,
		"Version":     version,
		"Os":          t.GOOS,
		"Arch":        t.GOARCH,
		"Amd64":       "",
		"I386":        "",
		"Arm":         "",
		"Arm64":       "",
		"Mips":        "",
		"Ppc64":       "",
		"Riscv64":     "",
	}
	var key, value string
	switch t.GOARCH {
	case "amd64":
		key, value = "Amd64", cmp.Or(t.GOAMD64, defaultGoamd64)
	case "386":
		key, value = "I386", defaultGo386
	case "arm":
		key, value = "Arm", t.GOARM
	case "arm64":
		key, value = "Arm64", defaultGoarm64
	case "mips", "mipsle":
		key, value = "Mips", cmp.Or(t.GOMIPS, defaultGomips)
	case "mips64", "mips64le":
		key, value = "Mips", cmp.Or(t.GOMIPS64, defaultGomips)
	case "ppc64", "ppc64le":
		key, value = "Ppc64", defaultGoppc64
	case "riscv64":
		key, value = "Riscv64", defaultGoriscv64
	}
	target := t.GOOS + "_" + t.GOARCH
	if key != "" {
		f[key] = value
		target += "_" + value
	}
	f["Target"] = target
	return f
}

// parseTemplate parses a name template like GoReleaser does (a field the
// data lacks is an error, not "<no value>"), within usertmpl's bounds: no
// range or other loop, only the bounded string functions (usertmpl.Names),
// at most 4 KiB of template and of output, one second a run.
func parseTemplate(text string) (*usertmpl.Template, error) {
	t, err := usertmpl.Parse("name template", text, usertmpl.NameLimits, usertmpl.Names)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTemplate, err)
	}
	return t, nil
}

// CheckTemplate reports whether text parses as a name template, before any
// target is known; NewPlan checks what it gives for each target.
func CheckTemplate(text string) error {
	_, err := parseTemplate(text)
	return err
}
