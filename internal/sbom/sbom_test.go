package sbom

import (
	"bytes"
	"encoding/json"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

// fixtureText is a binary's build info in `go version -m` syntax: a devel
// main module, a plain dependency with an h1 hash, one replaced by another
// module version, one replaced by a local directory, and the build
// settings of a cgo linux/arm/v7 build.
const fixtureText = "path\texample.com/app/cmd/app\n" +
	"mod\texample.com/app\t(devel)\t\n" +
	"dep\tgithub.com/opencontainers/go-digest\tv1.0.0\th1:apOUWs51W5PlhuyGyz9FCeeBIOUDA/6nW8Oi/yOhh5U=\n" +
	"dep\tgolang.org/x/sync\tv0.19.0\n" +
	"=>\tgolang.org/x/sync\tv0.20.0\th1:e0PTpb7pjO8GAtTs2dQ6jYa5BWYlMuX047Dco/pItO4=\n" +
	"dep\texample.com/local\tv0.0.0-00010101000000-000000000000\n" +
	"=>\t../local\t\t\n" +
	"build\t-buildmode=exe\n" +
	"build\t-compiler=gc\n" +
	"build\t-ldflags=\"-s -w -X main.version=1.2.3\"\n" +
	"build\t-tags=netgo,osusergo\n" +
	"build\tCGO_ENABLED=1\n" +
	"build\tGOARCH=arm\n" +
	"build\tGOOS=linux\n" +
	"build\tGOARM=7\n" +
	"build\tvcs=git\n" +
	"build\tvcs.revision=0123456789abcdef0123456789abcdef01234567\n" +
	"build\tvcs.time=2025-01-02T03:04:05Z\n" +
	"build\tvcs.modified=false\n"

// The decoded h1 hashes of the fixture's modules, in hex.
const (
	digestH1Hex = "6a93945ace755b93e586ec86cb3f4509e78120e50303fea75bc3a2ff23a18795"
	syncH1Hex   = "7b43d3a5bee98cef0602d4ecd9d43a8d86b905662532e5f4e3b0dca3fa48b4ee"
)

var (
	fixtureTime = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	sha256A     = strings.Repeat("ab", 32)
	sha256B     = strings.Repeat("cd", 32)
)

// parseInfo parses a build info fixture; ParseBuildInfo leaves GoVersion
// unset, so goVersion supplies it.
func parseInfo(t testing.TB, text, goVersion string) *debug.BuildInfo {
	t.Helper()
	bi, err := debug.ParseBuildInfo(text)
	if err != nil {
		t.Fatalf("ParseBuildInfo: %v", err)
	}
	bi.GoVersion = goVersion
	return bi
}

// fixtureInput is the input of one cgo binary with two C packages.
func fixtureInput(t testing.TB) Input {
	return Input{
		Binaries: []Binary{{
			Name:   "app",
			SHA256: sha256A,
			Info:   parseInfo(t, fixtureText, "go1.26.8"),
			CPackages: []CPackage{
				{Manager: ManagerDeb, Name: "libc6", Version: "2.41-12", Arch: "armhf"},
				{Manager: ManagerDeb, Name: "libssl3t64", Version: "3.5.1-1+deb13u1", Arch: "armhf"},
			},
		}},
		Created: fixtureTime,
		Tool:    "go-build v0.1.0",
	}
}

func mustGenerate(t testing.TB, in Input) (*Document, []byte) {
	t.Helper()
	doc, err := Generate(in)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	out, err := doc.JSON()
	if err != nil {
		t.Fatalf("JSON: %v", err)
	}
	checkSPDX(t, out)
	return doc, out
}

// find returns the packages named name.
func find(doc *Document, name string) []Package {
	var ps []Package
	for _, p := range doc.Packages {
		if p.Name == name {
			ps = append(ps, p)
		}
	}
	return ps
}

// one returns the single package named name.
func one(t testing.TB, doc *Document, name string) Package {
	t.Helper()
	ps := find(doc, name)
	if len(ps) != 1 {
		t.Fatalf("%d packages named %q, want 1", len(ps), name)
	}
	return ps[0]
}

func purlOf(p Package) string {
	for _, r := range p.ExternalRefs {
		if r.Type == "purl" {
			return r.Locator
		}
	}
	return ""
}

func hasRel(doc *Document, element, typ, related string) bool {
	return slices.Contains(doc.Relationships, Relationship{Element: element, Type: typ, Related: related})
}

func TestGenerateFixture(t *testing.T) {
	doc, out := mustGenerate(t, fixtureInput(t))

	if doc.Name != "example.com/app@(devel)" {
		t.Errorf("name = %q", doc.Name)
	}
	if want := namespaceBase + "example.com/app/%28devel%29-"; !strings.HasPrefix(doc.DocumentNamespace, want) {
		t.Errorf("namespace = %q, want prefix %q", doc.DocumentNamespace, want)
	}
	if doc.CreationInfo.Created != "2025-01-02T03:04:05Z" || !slices.Equal(doc.CreationInfo.Creators, []string{"Tool: go-build v0.1.0"}) {
		t.Errorf("creationInfo = %+v", doc.CreationInfo)
	}
	if !bytes.HasSuffix(out, []byte("}\n")) {
		t.Error("JSON does not end in a newline")
	}

	bin := one(t, doc, "app")
	main := one(t, doc, "example.com/app")
	std := one(t, doc, "stdlib")
	tests := []struct {
		name                  string
		version, purl         string
		checksum, comment     string
		sourceInfo            string
		containedBy, depender string
	}{
		{name: "example.com/app", version: "(devel)", purl: "pkg:golang/example.com/app", containedBy: bin.SPDXID},
		{
			name: "github.com/opencontainers/go-digest", version: "v1.0.0",
			purl:     "pkg:golang/github.com/opencontainers/go-digest@v1.0.0",
			checksum: digestH1Hex, comment: "h1:apOUWs51W5PlhuyGyz9FCeeBIOUDA/6nW8Oi/yOhh5U=",
			containedBy: bin.SPDXID, depender: main.SPDXID,
		},
		{
			name: "golang.org/x/sync", version: "v0.20.0",
			purl:     "pkg:golang/golang.org/x/sync@v0.20.0",
			checksum: syncH1Hex, comment: "h1:e0PTpb7pjO8GAtTs2dQ6jYa5BWYlMuX047Dco/pItO4=",
			sourceInfo:  "replaces golang.org/x/sync v0.19.0",
			containedBy: bin.SPDXID, depender: main.SPDXID,
		},
		{
			name: "example.com/local", version: "(devel)", purl: "pkg:golang/example.com/local",
			sourceInfo:  "local directory ../local, replacing example.com/local v0.0.0-00010101000000-000000000000",
			containedBy: bin.SPDXID, depender: main.SPDXID,
		},
		{
			name: "stdlib", version: "go1.26.8", purl: "pkg:golang/stdlib@1.26.8",
			containedBy: bin.SPDXID, depender: main.SPDXID,
		},
		{name: "libc6", version: "2.41-12", purl: "pkg:deb/debian/libc6@2.41-12?arch=armhf", depender: bin.SPDXID},
		{name: "libssl3t64", version: "3.5.1-1+deb13u1", purl: "pkg:deb/debian/libssl3t64@3.5.1-1%2Bdeb13u1?arch=armhf", depender: bin.SPDXID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := one(t, doc, tt.name)
			if p.VersionInfo != tt.version {
				t.Errorf("versionInfo = %q, want %q", p.VersionInfo, tt.version)
			}
			if got := purlOf(p); got != tt.purl {
				t.Errorf("purl = %q, want %q", got, tt.purl)
			}
			var sum string
			for _, c := range p.Checksums {
				if c.Algorithm == "SHA256" {
					sum = c.Value
				}
			}
			if sum != tt.checksum {
				t.Errorf("SHA256 = %q, want %q", sum, tt.checksum)
			}
			if !strings.Contains(p.Comment, tt.comment) {
				t.Errorf("comment = %q, want it to hold %q", p.Comment, tt.comment)
			}
			if !strings.Contains(p.SourceInfo, tt.sourceInfo) || (tt.sourceInfo == "") != (p.SourceInfo == "") {
				t.Errorf("sourceInfo = %q, want it to hold %q", p.SourceInfo, tt.sourceInfo)
			}
			if tt.containedBy != "" && !hasRel(doc, tt.containedBy, "CONTAINS", p.SPDXID) {
				t.Errorf("%s does not CONTAIN %s", tt.containedBy, p.SPDXID)
			}
			if tt.depender != "" && !hasRel(doc, tt.depender, "DEPENDS_ON", p.SPDXID) {
				t.Errorf("%s does not DEPEND_ON %s", tt.depender, p.SPDXID)
			}
		})
	}

	if len(doc.Packages) != 1+len(tests) {
		t.Errorf("%d packages, want %d", len(doc.Packages), 1+len(tests))
	}
	if !hasRel(doc, documentID, "DESCRIBES", bin.SPDXID) || doc.Relationships[0].Type != "DESCRIBES" {
		t.Errorf("document does not DESCRIBE %s first: %+v", bin.SPDXID, doc.Relationships[0])
	}
	if len(bin.Checksums) != 1 || bin.Checksums[0] != (Checksum{"SHA256", sha256A}) || bin.PackageFileName != "app" || bin.PrimaryPackagePurpose != "APPLICATION" {
		t.Errorf("binary package = %+v", bin)
	}
	if got := std.ExternalRefs[1].Locator; got != "cpe:2.3:a:golang:go:1.26.8:-:*:*:*:*:*:*" {
		t.Errorf("stdlib CPE = %q", got)
	}

	// The build settings are on the binary, in go version -m syntax, and
	// read back to the same settings.
	if len(bin.Annotations) != 1 {
		t.Fatalf("binary annotations = %+v", bin.Annotations)
	}
	a := bin.Annotations[0]
	if a.Type != "OTHER" || a.Annotator != "Tool: go-build v0.1.0" || a.Date != "2025-01-02T03:04:05Z" {
		t.Errorf("annotation = %+v", a)
	}
	for _, want := range []string{"go\tgo1.26.8\n", "path\texample.com/app/cmd/app\n", "build\tGOOS=linux\n", "build\tGOARCH=arm\n", "build\tGOARM=7\n", "build\tCGO_ENABLED=1\n", "build\t-tags=netgo,osusergo\n", "build\t-ldflags=\"-s -w -X main.version=1.2.3\"\n", "build\tvcs.revision=0123456789abcdef0123456789abcdef01234567\n"} {
		if !strings.Contains(a.Comment, want) {
			t.Errorf("annotation lacks %q:\n%s", want, a.Comment)
		}
	}
	_, text, _ := strings.Cut(a.Comment, "\n")
	back, err := debug.ParseBuildInfo(text)
	if err != nil || !slices.Equal(back.Settings, parseInfo(t, fixtureText, "").Settings) || len(back.Deps) != 0 {
		t.Errorf("annotation does not parse back to the settings alone (%v):\n%s", err, text)
	}
}

func TestGenerateStdlibVersions(t *testing.T) {
	tests := []struct {
		goVersion, version, purl, cpe, comment string
	}{
		{"go1.26.8", "go1.26.8", "pkg:golang/stdlib@1.26.8", "cpe:2.3:a:golang:go:1.26.8:-:*:*:*:*:*:*", ""},
		{"go1.27rc1", "go1.27rc1", "pkg:golang/stdlib@1.27rc1", "cpe:2.3:a:golang:go:1.27:rc1:*:*:*:*:*:*", ""},
		{"go1.26.8 X:nodwarf5", "go1.26.8", "pkg:golang/stdlib@1.26.8", "cpe:2.3:a:golang:go:1.26.8:-:*:*:*:*:*:*", "Go toolchain go1.26.8 X:nodwarf5"},
		{"devel go1.27-1234abcd Tue Jan 1 00:00:00 2030 +0000", "devel go1.27-1234abcd Tue Jan 1 00:00:00 2030 +0000", "pkg:golang/stdlib", "", "Go toolchain devel go1.27-1234abcd Tue Jan 1 00:00:00 2030 +0000"},
	}
	for _, tt := range tests {
		t.Run(tt.goVersion, func(t *testing.T) {
			in := fixtureInput(t)
			in.Binaries[0].Info.GoVersion = tt.goVersion
			doc, _ := mustGenerate(t, in)
			std := one(t, doc, "stdlib")
			var cpe string
			for _, r := range std.ExternalRefs {
				if r.Type == "cpe23Type" {
					cpe = r.Locator
				}
			}
			if std.VersionInfo != tt.version || purlOf(std) != tt.purl || cpe != tt.cpe || std.Comment != tt.comment {
				t.Errorf("stdlib = %q %q %q %q, want %q %q %q %q", std.VersionInfo, purlOf(std), cpe, std.Comment, tt.version, tt.purl, tt.cpe, tt.comment)
			}
		})
	}
}

func TestGenerateSeveralBinaries(t *testing.T) {
	server := parseInfo(t, "path\texample.com/app/cmd/server\nmod\texample.com/app\tv1.2.3\t\n"+
		"dep\tgithub.com/opencontainers/go-digest\tv1.0.0\th1:apOUWs51W5PlhuyGyz9FCeeBIOUDA/6nW8Oi/yOhh5U=\n"+
		"build\tCGO_ENABLED=0\nbuild\tGOARCH=amd64\nbuild\tGOOS=linux\n", "go1.26.8")
	client := parseInfo(t, "path\texample.com/app/cmd/client\nmod\texample.com/app\tv1.2.3\t\n"+
		"dep\tgithub.com/opencontainers/go-digest\tv1.0.0\th1:apOUWs51W5PlhuyGyz9FCeeBIOUDA/6nW8Oi/yOhh5U=\n"+
		"dep\tgopkg.in/yaml.v3\tv3.0.1\th1:fxVm/GzAzEWqLHuvctI91KS9hhNmmWOoWu0XTYJS7CA=\n"+
		"build\tCGO_ENABLED=0\nbuild\tGOARCH=amd64\nbuild\tGOOS=linux\n", "go1.26.8")
	in := Input{
		Binaries: []Binary{
			{Name: "/usr/local/bin/server", SHA256: sha256A, Info: server},
			{Name: "/usr/local/bin/client", SHA256: sha256B, Info: client},
		},
		Created: fixtureTime,
		Tool:    "Tool: go-build",
	}
	doc, _ := mustGenerate(t, in)

	if doc.Name != "example.com/app@v1.2.3" || !strings.HasPrefix(doc.DocumentNamespace, namespaceBase+"example.com/app/v1.2.3-") {
		t.Errorf("name, namespace = %q, %q", doc.Name, doc.DocumentNamespace)
	}
	if !slices.Equal(doc.CreationInfo.Creators, []string{"Tool: go-build"}) {
		t.Errorf("creators = %q", doc.CreationInfo.Creators)
	}
	var names []string
	for _, p := range doc.Packages {
		names = append(names, p.Name)
	}
	// Binaries first, then modules, stdlib, each sorted by name; shared
	// packages once.
	want := []string{"/usr/local/bin/client", "/usr/local/bin/server", "example.com/app", "github.com/opencontainers/go-digest", "gopkg.in/yaml.v3", "stdlib"}
	if !slices.Equal(names, want) {
		t.Errorf("packages = %q, want %q", names, want)
	}
	digest := one(t, doc, "github.com/opencontainers/go-digest")
	yaml := one(t, doc, "gopkg.in/yaml.v3")
	srv, cli := one(t, doc, "/usr/local/bin/server"), one(t, doc, "/usr/local/bin/client")
	for _, r := range []struct {
		from, typ, to string
		want          bool
	}{
		{documentID, "DESCRIBES", srv.SPDXID, true},
		{documentID, "DESCRIBES", cli.SPDXID, true},
		{srv.SPDXID, "CONTAINS", digest.SPDXID, true},
		{cli.SPDXID, "CONTAINS", digest.SPDXID, true},
		{cli.SPDXID, "CONTAINS", yaml.SPDXID, true},
		{srv.SPDXID, "CONTAINS", yaml.SPDXID, false},
	} {
		if hasRel(doc, r.from, r.typ, r.to) != r.want {
			t.Errorf("relationship %s %s %s present = %v, want %v", r.from, r.typ, r.to, !r.want, r.want)
		}
	}
	// Input order does not matter.
	slices.Reverse(in.Binaries)
	_, a := mustGenerate(t, in)
	slices.Reverse(in.Binaries)
	_, b := mustGenerate(t, in)
	if !bytes.Equal(a, b) {
		t.Error("binary order changes the document")
	}
}

func TestGenerateDeterministic(t *testing.T) {
	_, base := mustGenerate(t, fixtureInput(t))
	_, again := mustGenerate(t, fixtureInput(t))
	if !bytes.Equal(base, again) {
		t.Fatal("two runs on the same input differ")
	}
	baseNS := namespaceOf(t, base)

	tests := []struct {
		name   string
		change func(*Input)
	}{
		{"created", func(in *Input) { in.Created = in.Created.Add(time.Second) }},
		{"tool", func(in *Input) { in.Tool = "go-build v0.1.1" }},
		{"name override", func(in *Input) { in.Name = "app" }},
		{"binary name", func(in *Input) { in.Binaries[0].Name = "app2" }},
		{"binary sha256", func(in *Input) { in.Binaries[0].SHA256 = sha256B }},
		{"binary sha1", func(in *Input) { in.Binaries[0].SHA1 = strings.Repeat("0", 40) }},
		{"go version", func(in *Input) { in.Binaries[0].Info.GoVersion = "go1.26.9" }},
		{"dependency version", func(in *Input) { in.Binaries[0].Info.Deps[0].Version = "v1.0.1" }},
		{"build setting", func(in *Input) { in.Binaries[0].Info.Settings[2].Value = "-s -w" }},
		{"C package", func(in *Input) { in.Binaries[0].CPackages[0].Version = "2.41-13" }},
		{"extra binary", func(in *Input) {
			in.Binaries = append(in.Binaries, Binary{Name: "app2", SHA256: sha256B, Info: parseInfo(t, fixtureText, "go1.26.8")})
		}},
	}
	seen := map[string]string{baseNS: "base"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := fixtureInput(t)
			tt.change(&in)
			_, out := mustGenerate(t, in)
			ns := namespaceOf(t, out)
			if prev, ok := seen[ns]; ok {
				t.Errorf("namespace %s is the same as for %s", ns, prev)
			}
			seen[ns] = tt.name
		})
	}
}

func namespaceOf(t testing.TB, out []byte) string {
	t.Helper()
	var d struct {
		Namespace string `json:"documentNamespace"`
	}
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	return d.Namespace
}

func TestGenerateErrors(t *testing.T) {
	noMain := parseInfo(t, "path\tcommand-line-arguments\nbuild\tGOOS=linux\n", "go1.26.8")
	badSum := parseInfo(t, "path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\texample.com/dep\tv1.0.0\th1:notbase64!\n", "go1.26.8")
	pureGo := parseInfo(t, "path\texample.com/app\nmod\texample.com/app\t(devel)\t\nbuild\tCGO_ENABLED=0\n", "go1.26.8")
	tests := []struct {
		name     string
		change   func(*Input)
		sentinel error
		want     string
	}{
		{"ok", func(*Input) {}, nil, ""},
		{"no binaries", func(in *Input) { in.Binaries = nil }, ErrInvalidInput, "no binaries"},
		{"zero time", func(in *Input) { in.Created = time.Time{} }, ErrInvalidInput, "creation time"},
		{"no tool", func(in *Input) { in.Tool = "Tool: " }, ErrInvalidInput, `tool "Tool: "`},
		{"multi-line tool", func(in *Input) { in.Tool = "a\nb" }, ErrInvalidInput, `tool "a\nb"`},
		{"nil build info", func(in *Input) { in.Binaries[0].Info = nil }, ErrNoBuildInfo, `binary "app"`},
		{"no name", func(in *Input) { in.Binaries[0].Name = "" }, ErrInvalidBinary, `name ""`},
		{"no main module", func(in *Input) { in.Binaries[0].Info = noMain }, ErrInvalidBinary, `binary "app" has no main module path`},
		{"short sha256", func(in *Input) { in.Binaries[0].SHA256 = "abcd" }, ErrInvalidBinary, `SHA-256 "abcd" is not 64 hex digits`},
		{"no sha256", func(in *Input) { in.Binaries[0].SHA256 = "" }, ErrInvalidBinary, `SHA-256 "" is not 64 hex digits`},
		{"non-hex sha1", func(in *Input) { in.Binaries[0].SHA1 = strings.Repeat("g", 40) }, ErrInvalidBinary, `SHA-1 "gggg`},
		{"upper-case sha256", func(in *Input) { in.Binaries[0].SHA256 = strings.ToUpper(sha256A) }, nil, ""},
		{"malformed h1", func(in *Input) { in.Binaries[0].Info = badSum }, ErrInvalidBinary, `module example.com/dep v1.0.0 has malformed hash "h1:notbase64!"`},
		{"unknown manager", func(in *Input) { in.Binaries[0].CPackages[0].Manager = "rpm" }, ErrInvalidCPackage, `package manager "rpm"`},
		{"C package without version", func(in *Input) { in.Binaries[0].CPackages[1].Version = "" }, ErrInvalidCPackage, `"libssl3t64": version ""`},
		{"C package with spaced arch", func(in *Input) { in.Binaries[0].CPackages[1].Arch = "arm hf" }, ErrInvalidCPackage, `arch "arm hf"`},
		{"C packages without cgo", func(in *Input) { in.Binaries[0].Info = pureGo }, ErrInvalidBinary, "CGO_ENABLED=0 but lists 2 C packages"},
		{"same binary twice", func(in *Input) { in.Binaries = append(in.Binaries, in.Binaries[0]) }, ErrInvalidBinary, `binary "app" with SHA-256 ` + sha256A + " is given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := fixtureInput(t)
			tt.change(&in)
			_, err := Generate(in)
			errtest.Check(t, err, tt.sentinel, tt.want)
		})
	}
}

func TestSanitizeID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"example.com/app", "example.com.app"},
		{"(devel)", "devel"},
		{"v1.2.3+incompatible", "v1.2.3-incompatible"},
		{"1:2.3~rc1", "1-2.3-rc1"},
		{"__a__b__", "a-b"},
		{"Ünïcode", "n-code"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := sanitizeID(tt.in); got != tt.want {
			t.Errorf("sanitizeID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Labels that sanitize alike still get distinct IDs.
	if a, b := makeID("Package-go-module", []string{"a/b"}, "a/b"), makeID("Package-go-module", []string{"a.b"}, "a.b"); a == b {
		t.Errorf("makeID collides: %s", a)
	}
}

func TestPURL(t *testing.T) {
	tests := []struct{ got, want string }{
		{goPURL("github.com/Azure/go-autorest", "v14.2.0+incompatible"), "pkg:golang/github.com/Azure/go-autorest@v14.2.0%2Bincompatible"},
		{goPURL("example.com/app", "(devel)"), "pkg:golang/example.com/app"},
		{goPURL("example.com/app", "v0.0.0-20250102030405-0123456789ab+dirty"), "pkg:golang/example.com/app@v0.0.0-20250102030405-0123456789ab%2Bdirty"},
		{CPackage{Manager: ManagerDeb, Name: "libc6", Version: "1:2.41-12", Arch: "amd64"}.purl(), "pkg:deb/debian/libc6@1%3A2.41-12?arch=amd64"},
		{CPackage{Manager: ManagerApk, Name: "musl", Version: "1.2.5-r10", Arch: "x86_64"}.purl(), "pkg:apk/alpine/musl@1.2.5-r10?arch=x86_64"},
		{CPackage{Manager: ManagerApk, Name: "musl", Version: "1.2.5-r10"}.purl(), "pkg:apk/alpine/musl@1.2.5-r10"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("purl = %q, want %q", tt.got, tt.want)
		}
	}
}
