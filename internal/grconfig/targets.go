package grconfig

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"dagger/go-build/internal/grtmpl"
	"dagger/go-build/internal/platform"
)

// GoReleaser's defaults for the architecture settings (builders/golang).
// GOARM's is 6 (7 only with GORELEASER_EXPERIMENTAL=defaultgoarm, which
// go-build does not read).
const (
	defaultGoamd64   = "v1"
	defaultGo386     = "sse2"
	defaultGoarm     = "6"
	defaultGoarm64   = "v8.0"
	defaultGomips    = "hardfloat"
	defaultGoppc64   = "power8"
	defaultGoriscv64 = "rva20u64"
)

// target is one GoReleaser build target.
type target struct {
	name                                                       string
	goos, goarch                                               string
	goamd64, go386, goarm, goarm64, gomips, goppc64, goriscv64 string
}

// fields are the target's template fields.
func (t target) fields() grtmpl.Target {
	return grtmpl.Target{Target: t.name, Os: t.goos, Arch: t.goarch, Amd64: t.goamd64, I386: t.go386,
		Arm: t.goarm, Arm64: t.goarm64, Mips: t.gomips, Ppc64: t.goppc64, Riscv64: t.goriscv64}
}

// goEnv is the environment GoReleaser gives go build for t: every setting,
// empty where it does not apply (GOMIPS64 is GOMIPS).
func (t target) goEnv() []string {
	return []string{
		"GOOS=" + t.goos, "GOARCH=" + t.goarch,
		"GOAMD64=" + t.goamd64, "GO386=" + t.go386, "GOARM=" + t.goarm, "GOARM64=" + t.goarm64,
		"GOMIPS=" + t.gomips, "GOMIPS64=" + t.gomips, "GOPPC64=" + t.goppc64, "GORISCV64=" + t.goriscv64,
	}
}

func formatTarget(t target) string {
	s := t.goos + "_" + t.goarch
	if extra := t.goamd64 + t.go386 + t.goarm + t.goarm64 + t.gomips + t.goppc64 + t.goriscv64; extra != "" {
		s += "_" + extra
	}
	return s
}

// GoReleaser's lists (builders/golang/targets.go, from go.dev/doc/install/source).
var (
	validGoos      = []string{"aix", "android", "darwin", "dragonfly", "freebsd", "illumos", "ios", "js", "linux", "netbsd", "openbsd", "plan9", "solaris", "windows", "wasip1"}
	validGoarch    = []string{"386", "amd64", "arm", "arm64", "mips", "mips64", "mips64le", "mipsle", "ppc64", "ppc64le", "s390x", "wasm", "riscv64", "loong64", "sparc", "sparc64"}
	validGoamd64   = []string{"v1", "v2", "v3", "v4"}
	validGo386     = []string{"sse2", "softfloat"}
	validGoarm     = []string{"5", "6", "7"}
	validGoarm64   = regexp.MustCompile(`(v8\.[0-9]|v9\.[0-5])((,lse|,crypto)?)+`)
	validGomips    = []string{"hardfloat", "softfloat"}
	validGoppc64   = []string{"power8", "power9", "power10"}
	validGoriscv64 = []string{"rva20u64", "rva22u64", "rva23u64"}
	validPairs     = []string{
		"aixppc64", "android386", "androidamd64", "androidarm", "androidarm64", "darwinamd64", "darwinarm64",
		"dragonflyamd64", "freebsd386", "freebsdamd64", "freebsdarm", "freebsdarm64", "illumosamd64", "iosarm64",
		"jswasm", "wasip1wasm", "linux386", "linuxamd64", "linuxarm", "linuxarm64", "linuxppc64", "linuxppc64le",
		"linuxmips", "linuxmipsle", "linuxmips64", "linuxmips64le", "linuxs390x", "linuxriscv64", "linuxloong64",
		"netbsd386", "netbsdamd64", "netbsdarm", "netbsdarm64", "openbsd386", "openbsdamd64", "openbsdarm",
		"openbsdarm64", "plan9386", "plan9amd64", "plan9arm", "solarisamd64", "solarissparc", "solarissparc64",
		"windowsarm64", "windows386", "windowsamd64", "openbsdriscv64",
	}
	// go118FirstClass are go_first_class and go_118_first_class.
	go118FirstClass = []string{"darwin_amd64", "darwin_arm64", "linux_386", "linux_amd64", "linux_arm", "linux_arm64", "windows_386", "windows_amd64"}
)

// matrix is GoReleaser's target list of b (defaults applied): goos ×
// goarch × the setting of each architecture, minus the invalid pairs
// (darwin/386) and the ignored ones; or b.targets, fixed and deduplicated,
// when set.
func matrix(b Build, path string) ([]target, error) {
	if len(b.Targets) > 0 {
		var out []target
		seen := map[string]bool{}
		for _, s := range b.Targets {
			names := []string{s}
			if s == "go_first_class" || s == "go_118_first_class" {
				names = go118FirstClass
			}
			for _, n := range names {
				n = fixTarget(n)
				if seen[n] {
					continue
				}
				seen[n] = true
				t, err := parseTarget(n)
				if err != nil {
					return nil, fmt.Errorf("%s.targets: %w", path, err)
				}
				out = append(out, t)
			}
		}
		return out, nil
	}
	goos := orDefault(b.Goos, "linux", "darwin", "windows")
	goarch := orDefault(b.Goarch, "amd64", "arm64", "386")
	var all []target
	for _, os := range goos {
		for _, arch := range goarch {
			base := target{goos: os, goarch: arch}
			var variants []target
			switch arch {
			case "386":
				variants = withVariants(base, orDefault(b.Go386, defaultGo386), func(t *target, v string) { t.go386 = v })
			case "amd64":
				variants = withVariants(base, orDefault(b.Goamd64, defaultGoamd64), func(t *target, v string) { t.goamd64 = v })
			case "arm64":
				variants = withVariants(base, orDefault(b.Goarm64, defaultGoarm64), func(t *target, v string) { t.goarm64 = v })
			case "arm":
				variants = withVariants(base, orDefault(b.Goarm, defaultGoarm), func(t *target, v string) { t.goarm = v })
			case "mips", "mipsle", "mips64", "mips64le":
				variants = withVariants(base, orDefault(b.Gomips, defaultGomips), func(t *target, v string) { t.gomips = v })
			case "ppc64", "ppc64le":
				variants = withVariants(base, orDefault(b.Goppc64, defaultGoppc64), func(t *target, v string) { t.goppc64 = v })
			case "riscv64":
				variants = withVariants(base, orDefault(b.Goriscv64, defaultGoriscv64), func(t *target, v string) { t.goriscv64 = v })
			default:
				variants = []target{base}
			}
			all = append(all, variants...)
		}
	}
	var out []target
	for _, t := range all {
		t.name = formatTarget(t)
		if err := checkTarget(t); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if !slices.Contains(validPairs, t.goos+t.goarch) || ignored(b.Ignore, t) {
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

// withVariants is base once per value, set writing the value into its
// variant field (GOARM, GOAMD64...).
func withVariants(base target, values []string, set func(*target, string)) []target {
	out := make([]target, 0, len(values))
	for _, v := range values {
		t := base
		set(&t, v)
		out = append(out, t)
	}
	return out
}

func orDefault(list []string, dflt ...string) []string {
	if len(list) == 0 {
		return dflt
	}
	return list
}

// checkTarget refuses a value GoReleaser refuses, naming the accepted ones.
func checkTarget(t target) error {
	check := func(key, v string, valid []string) error {
		if v != "" && !slices.Contains(valid, v) {
			return fmt.Errorf("invalid %s %q; accepted: %s", key, v, strings.Join(valid, ", "))
		}
		return nil
	}
	for _, c := range []struct {
		key, v string
		valid  []string
	}{
		{"goos", t.goos, validGoos}, {"goarch", t.goarch, validGoarch}, {"goamd64", t.goamd64, validGoamd64},
		{"go386", t.go386, validGo386}, {"goarm", t.goarm, validGoarm}, {"gomips", t.gomips, validGomips},
		{"goppc64", t.goppc64, validGoppc64}, {"goriscv64", t.goriscv64, validGoriscv64},
	} {
		if err := check(c.key, c.v, c.valid); err != nil {
			return err
		}
	}
	if t.goarm64 != "" && !validGoarm64.MatchString(t.goarm64) {
		return fmt.Errorf("invalid goarm64 %q; accepted: v8.0 to v9.5, with ,lse or ,crypto", t.goarm64)
	}
	return nil
}

func ignored(ignores []Ignore, t target) bool {
	for _, ig := range ignores {
		if match(ig.Goos, t.goos) && match(ig.Goarch, t.goarch) && match(ig.Goamd64, t.goamd64) &&
			match(ig.Go386, t.go386) && match(ig.Goarm, t.goarm) && match(ig.Goarm64, t.goarm64) &&
			match(ig.Gomips, t.gomips) && match(ig.Goppc64, t.goppc64) && match(ig.Goriscv64, t.goriscv64) {
			return true
		}
	}
	return false
}

func match(want, got string) bool { return want == "" || want == got }

// fixTarget adds the default setting to a target given without one:
// linux_amd64 is linux_amd64_v1.
func fixTarget(s string) string {
	for _, d := range []struct{ suffix, dflt string }{
		{"_amd64", defaultGoamd64}, {"_386", defaultGo386}, {"_arm", defaultGoarm}, {"_arm64", defaultGoarm64},
		{"_mips", defaultGomips}, {"_mips64", defaultGomips}, {"_mipsle", defaultGomips}, {"_mips64le", defaultGomips},
		{"_ppc64", defaultGoppc64}, {"_ppc64le", defaultGoppc64}, {"_riscv64", defaultGoriscv64},
	} {
		if strings.HasSuffix(s, d.suffix) {
			return s + "_" + d.dflt
		}
	}
	return s
}

// parseTarget reads a target such as linux_arm_7. As GoReleaser's parser
// does, the third part sets the setting of amd64, arm64, 386, arm, the mips
// and ppc64 (not ppc64le's, nor riscv64's: GoReleaser leaves those empty
// for a target given in targets, and so their template fields).
func parseTarget(s string) (target, error) {
	parts := strings.Split(s, "_")
	if len(parts) < 2 || len(parts) > 3 || slices.Contains(parts, "") {
		return target{}, fmt.Errorf("invalid target %q: want goos_goarch[_setting], e.g. linux_arm_7", s)
	}
	t := target{name: s, goos: parts[0], goarch: parts[1]}
	if len(parts) == 3 {
		switch v := parts[2]; t.goarch {
		case "amd64":
			t.goamd64 = v
		case "arm64":
			t.goarm64 = v
		case "386":
			t.go386 = v
		case "arm":
			t.goarm = v
		case "mips", "mipsle", "mips64", "mips64le":
			t.gomips = v
		case "ppc64":
			t.goppc64 = v
		}
	}
	if err := checkTarget(t); err != nil {
		return target{}, fmt.Errorf("target %q: %w", s, err)
	}
	if !slices.Contains(validPairs, t.goos+t.goarch) {
		return target{}, fmt.Errorf("invalid target %q: Go does not build %s/%s", s, t.goos, t.goarch)
	}
	return t, nil
}

// goBuildPlatform is the platform go-build builds t as (internal/platform),
// or an error naming why go-build cannot build it: a setting other than
// the one Go defaults to for 386, arm64, ppc64le and riscv64, or a
// platform go-build does not build at all.
func goBuildPlatform(t target) (platform.Target, error) {
	s := t.goos + "/" + t.goarch
	switch {
	case t.goamd64 != "" && t.goamd64 != "v1":
		s += "/" + t.goamd64
	case t.goarm != "":
		s += "/v" + t.goarm
	case t.gomips == "softfloat":
		s += "/softfloat"
	}
	for _, c := range []struct{ key, v, dflt string }{
		{"go386", t.go386, defaultGo386}, {"goarm64", t.goarm64, defaultGoarm64},
		{"goppc64", t.goppc64, defaultGoppc64}, {"goriscv64", t.goriscv64, defaultGoriscv64},
	} {
		if c.v != "" && c.v != c.dflt {
			return platform.Target{}, fmt.Errorf("target %s: go-build builds %s %s only (Go's default), not %s", t.name, c.key, c.dflt, c.v)
		}
	}
	p, err := platform.Parse(s)
	if err != nil {
		return platform.Target{}, fmt.Errorf("target %s: %w", t.name, err)
	}
	return p, nil
}
