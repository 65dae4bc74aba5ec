package platform

import (
	"maps"
	"slices"
)

// pureGoArches are the architectures go-build builds for operating systems
// other than Linux. Those builds are pure Go: there is no C toolchain or
// library port for them here. Linux builds every architecture of goArches.
var pureGoArches = map[string][]archKey{
	"windows": {{"amd64", ""}, {"arm64", ""}, {"386", ""}},
	"darwin":  {{"amd64", ""}, {"arm64", ""}},
	"freebsd": {{"amd64", ""}, {"arm64", ""}},
}

// aliases are single words Parse accepts that neither name a target (see
// Target.Name) nor normalize to one through containerd, which already reads
// x86_64, aarch64, i386, arm (arm/v7), armhf (arm/v7) and armel (arm/v6).
//
// armel follows containerd, not Debian: Debian's armel port also serves
// ARMv5TE, which is armv5 here.
var aliases = map[string]string{
	"x86": "linux/386", // Alpine's name for 386
}

var (
	// targets are all targets go-build builds, by String.
	targets = buildTargets()
	// names maps every Name and alias to its target's String.
	names = buildNames()
	// supportedList is every String, sorted.
	supportedList = slices.Sorted(maps.Keys(targets))
)

func buildTargets() map[string]Target {
	all := map[string]Target{}
	for k := range goArches {
		t := newTarget("linux", k)
		all[t.String()] = t
	}
	for goos, keys := range pureGoArches {
		for _, k := range keys {
			t := newTarget(goos, k)
			all[t.String()] = t
		}
	}
	return all
}

func buildNames() map[string]string {
	n := maps.Clone(aliases)
	for key, t := range targets {
		n[t.Name()] = key
	}
	return n
}

// newTarget assembles the target goos/k from the tables.
func newTarget(goos string, k archKey) Target {
	g := goArches[k]
	t := Target{
		OS:           goos,
		Architecture: k.arch,
		Variant:      k.variant,
		GOOS:         goos,
		GOARCH:       g.GOARCH,
		GOARM:        g.GOARM,
		GOAMD64:      g.GOAMD64,
		GOMIPS:       g.GOMIPS,
		GOMIPS64:     g.GOMIPS64,
	}
	if goos == "linux" {
		if c, ok := clangTargets[k]; ok {
			t.ClangTriple, t.Linker = c.Triple, c.Linker
		}
		if d, ok := debianPorts[k]; ok {
			t.DebianTriple, t.DebianArch, t.DebianSuites = d.Triple, d.Arch, d.Suites
		}
		if a, ok := alpinePorts[k]; ok {
			t.AlpineTriple, t.AlpineArch = a.Triple, a.Arch
		}
	}
	t.Binary, t.FileSignature, _ = binaryFor(goos, g.GOARCH)
	return t
}
