package linuxpkg

import (
	"errors"
	"fmt"
	"strings"

	"dagger/go-build/internal/platform"
	"dagger/go-build/internal/release"
	"dagger/go-build/internal/usertmpl"
)

// DefaultFileNameTemplate is GoReleaser's default nfpms file_name_template
// (internal/pipe/nfpm/nfpm.go, defaultNameTemplate), to which the format's
// extension is added. Its fields are the Go ones, not the package's
// architecture, so a package is named like the archive of its platform:
//
//	linux/amd64     yq_1.2.3_linux_amd64.deb
//	linux/amd64/v3  yq_1.2.3_linux_amd64v3.rpm
//	linux/arm/v7    yq_1.2.3_linux_armv7.apk
const DefaultFileNameTemplate = `{{ .PackageName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}{{ with .Mips }}_{{ . }}{{ end }}{{ if not (eq .Amd64 "v1") }}{{ .Amd64 }}{{ end }}`

// BinDir is where the binaries go in every package, GoReleaser's default
// nfpms bindir.
const BinDir = "/usr/bin"

// fileNameTemplate is DefaultFileNameTemplate, parsed once, run within
// the bounds of every name template (usertmpl.NameLimits).
var fileNameTemplate = func() *usertmpl.Template {
	t, err := usertmpl.Parse("package file name template", DefaultFileNameTemplate, usertmpl.NameLimits, usertmpl.Names)
	if err != nil {
		panic(err)
	}
	return t
}()

// Options say which packages a release makes.
type Options struct {
	// Name is the package name (GoReleaser's .PackageName, which defaults
	// to the project name): what dpkg, rpm and apk install and remove.
	Name string
	// Version is the release version without its v (1.2.3,
	// 1.2.3-SNAPSHOT-abc1234).
	Version string
	// Formats are the formats to write for every platform.
	Formats []Format
	// SBOM asks for an SBOM document per package.
	SBOM bool
}

// Plan is every package of a release, named before anything is built.
type Plan struct {
	Name, Version string
	// Outputs are per target, in the order the targets were given, then
	// per format in Formats' order.
	Outputs []Output
}

// Output is one package.
type Output struct {
	Target platform.Target
	Format Format
	// File is the package's file name, extension included.
	File string
	// SBOM is the package's SPDX JSON SBOM document, the package's file
	// name with .sbom.spdx.json added (app_1.0.0_linux_amd64.deb.sbom.spdx.json:
	// the archive's SBOM already has the name without the extension);
	// empty unless Options.SBOM.
	SBOM string
	// Arch is the package's architecture field; ArchVariant the deb's
	// Architecture-Variant, or empty.
	Arch, ArchVariant string
}

// Files are the package and SBOM file names, in the order of Outputs.
func (p Plan) Files() []string {
	var names []string
	for _, o := range p.Outputs {
		names = append(names, o.File)
		if o.SBOM != "" {
			names = append(names, o.SBOM)
		}
	}
	return names
}

// NewPlan names the packages of opts for the Linux ones of targets. With
// skipUnsupported (a release of all platforms), a platform a format has no
// architecture for gets no package of it; otherwise it is an error, as is
// a list with no Linux platform. The package name must be one every format
// accepts (see CheckName); the file names must be safe (release.CheckName).
func NewPlan(opts Options, targets []platform.Target, skipUnsupported bool) (Plan, error) {
	if len(opts.Formats) == 0 {
		return Plan{}, nil
	}
	var errs []error
	errs = append(errs, CheckName(opts.Name))
	if err := release.CheckName("version", opts.Version); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return Plan{}, err
	}
	plan := Plan{Name: opts.Name, Version: opts.Version}
	linux := 0
	for _, t := range targets {
		if !t.IsLinux() {
			continue
		}
		linux++
		base, err := fileBase(opts.Name, opts.Version, t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, f := range opts.Formats {
			arch, err := Arch(f, t)
			if err != nil {
				if !skipUnsupported {
					errs = append(errs, err)
				}
				continue
			}
			o := Output{Target: t, Format: f, File: base + "." + string(f), Arch: arch, ArchVariant: ArchVariant(f, t)}
			if opts.SBOM {
				o.SBOM = o.File + release.SBOMExt
			}
			plan.Outputs = append(plan.Outputs, o)
		}
	}
	if linux == 0 {
		var names []string
		for _, t := range targets {
			names = append(names, t.String())
		}
		errs = append(errs, fmt.Errorf("%w: the platforms %s have none; add linux/amd64, linux/arm64... or drop the packages", ErrNoLinux, strings.Join(names, ",")))
	}
	if err := errors.Join(errs...); err != nil {
		return Plan{}, err
	}
	return plan, nil
}

// fileBase is t's package file name without the extension.
func fileBase(name, version string, t platform.Target) (string, error) {
	fields := release.TemplateFields(name, version, t)
	fields["PackageName"] = name
	base, err := fileNameTemplate.Execute(fields)
	if err != nil {
		return "", fmt.Errorf("package name of %s: %w", t, err)
	}
	return base, release.CheckName("package file name of "+t.String(), base)
}

// maxPackageName is the longest package name this package accepts; none
// of the formats has a shorter limit that matters in practice.
const maxPackageName = 128

// CheckName checks that name is a package name every format accepts:
// Debian's rule (Policy 5.6.1), the strictest of the three: lower-case
// ASCII letters, digits, '+', '-' and '.', at least two characters,
// starting with a letter or digit. Errors wrap ErrMetadata.
func CheckName(name string) error {
	if len(name) < 2 || len(name) > maxPackageName {
		return fmt.Errorf("%w: package name %q must be 2 to %d characters long (it is the project name: give a projectName that is)", ErrMetadata, name, maxPackageName)
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || i > 0 && (r == '+' || r == '-' || r == '.')
		if !ok {
			return fmt.Errorf("%w: package name %q has %q at byte %d: a package name has lower-case letters, digits, '+', '-' and '.', and starts with a letter or digit (it is the project name: give a projectName that is one)", ErrMetadata, name, r, i)
		}
	}
	return nil
}
