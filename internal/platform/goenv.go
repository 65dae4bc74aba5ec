package platform

// archKey is a normalized OCI architecture and variant, the key of every
// per-architecture table in this package.
type archKey struct {
	arch, variant string
}

// goArch is how the Go toolchain spells one OCI architecture and variant.
type goArch struct {
	GOARCH   string
	GOARM    string
	GOAMD64  string
	GOMIPS   string
	GOMIPS64 string
}

// goArches gives the Go settings of every architecture go-build builds, the
// mapping xx-go makes from TARGETARCH and TARGETVARIANT (tonistiigi/xx
// src/xx-go). It is independent of the OS: windows/amd64 uses the amd64 row.
//
// GOARM is always the bare digit. Go 1.26 accepts GOARM=v6 without failing
// the build and compiles for its default, ARMv7, so the OCI variant must
// never be passed through as is.
//
// GOAMD64 is set only for the v2..v4 levels: plain amd64 is v1, Go's
// default, and containerd normalizes amd64/v1 to amd64.
//
// GOMIPS and GOMIPS64 are always set for their architectures, to hardfloat
// (Go's default, and what xx's tests expect for a target without a variant)
// unless the variant asks for softfloat.
var goArches = map[archKey]goArch{
	{"amd64", ""}:   {GOARCH: "amd64"},
	{"amd64", "v2"}: {GOARCH: "amd64", GOAMD64: "v2"},
	{"amd64", "v3"}: {GOARCH: "amd64", GOAMD64: "v3"},
	{"amd64", "v4"}: {GOARCH: "amd64", GOAMD64: "v4"},
	{"arm64", ""}:   {GOARCH: "arm64"},
	{"arm", "v5"}:   {GOARCH: "arm", GOARM: "5"},
	{"arm", "v6"}:   {GOARCH: "arm", GOARM: "6"},
	{"arm", "v7"}:   {GOARCH: "arm", GOARM: "7"},
	{"386", ""}:     {GOARCH: "386"},
	{"ppc64le", ""}: {GOARCH: "ppc64le"},
	{"s390x", ""}:   {GOARCH: "s390x"},
	{"riscv64", ""}: {GOARCH: "riscv64"},
	{"loong64", ""}: {GOARCH: "loong64"},

	{"mips", ""}:              {GOARCH: "mips", GOMIPS: "hardfloat"},
	{"mips", "softfloat"}:     {GOARCH: "mips", GOMIPS: "softfloat"},
	{"mipsle", ""}:            {GOARCH: "mipsle", GOMIPS: "hardfloat"},
	{"mipsle", "softfloat"}:   {GOARCH: "mipsle", GOMIPS: "softfloat"},
	{"mips64", ""}:            {GOARCH: "mips64", GOMIPS64: "hardfloat"},
	{"mips64", "softfloat"}:   {GOARCH: "mips64", GOMIPS64: "softfloat"},
	{"mips64le", ""}:          {GOARCH: "mips64le", GOMIPS64: "hardfloat"},
	{"mips64le", "softfloat"}: {GOARCH: "mips64le", GOMIPS64: "softfloat"},
}

// GoEnv is the environment that makes `go build` compile for t: GOOS and
// GOARCH, then whichever of GOARM, GOAMD64, GOMIPS and GOMIPS64 t sets, in
// that order, as NAME=value.
func (t Target) GoEnv() []string {
	env := []string{"GOOS=" + t.GOOS, "GOARCH=" + t.GOARCH}
	for _, kv := range [...]struct{ name, value string }{
		{"GOARM", t.GOARM},
		{"GOAMD64", t.GOAMD64},
		{"GOMIPS", t.GOMIPS},
		{"GOMIPS64", t.GOMIPS64},
	} {
		if kv.value != "" {
			env = append(env, kv.name+"="+kv.value)
		}
	}
	return env
}
