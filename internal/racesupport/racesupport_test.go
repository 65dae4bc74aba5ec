package racesupport

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dagger/go-build/internal/errtest"
	"dagger/go-build/internal/gotest"
	"dagger/go-build/internal/platform"
)

// TestSupportedMatchesGo reads RaceDetectorSupported in the installed Go's
// source (internal/platform/supported.go) and compares its pairs with
// Supported.
func TestSupportedMatchesGo(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION").Output()
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	goroot, version, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if !strings.HasPrefix(version, "go1.26") {
		t.Skipf("Supported is Go 1.26's; this is %s", version)
	}
	path := filepath.Join(goroot, "src", "internal", "platform", "supported.go")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no Go source: %v", err)
	}
	got, err := racePairs(src)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	want := slices.Clone(Supported)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s's RaceDetectorSupported has\n%v\nSupported has\n%v", path, got, want)
	}
}

// racePairs evaluates RaceDetectorSupported's switch: each case's GOOS
// values, and the GOARCH values its return compares goarch with.
func racePairs(src []byte) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "supported.go", src, 0)
	if err != nil {
		return nil, err
	}
	var fn *ast.FuncDecl
	for _, d := range f.Decls {
		if d, ok := d.(*ast.FuncDecl); ok && d.Name.Name == "RaceDetectorSupported" {
			fn = d
		}
	}
	if fn == nil || len(fn.Body.List) != 1 {
		return nil, errors.New("no RaceDetectorSupported with one switch: update racePairs")
	}
	sw, ok := fn.Body.List[0].(*ast.SwitchStmt)
	if !ok {
		return nil, errors.New("RaceDetectorSupported is not a switch: update racePairs")
	}
	var pairs []string
	for _, s := range sw.Body.List {
		cc := s.(*ast.CaseClause)
		if len(cc.Body) != 1 {
			return nil, errors.New("a case is not one return: update racePairs")
		}
		ret, ok := cc.Body[0].(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			return nil, errors.New("a case is not one return: update racePairs")
		}
		var arches []string
		ast.Inspect(ret.Results[0], func(n ast.Node) bool {
			if be, ok := n.(*ast.BinaryExpr); ok && be.Op == token.EQL {
				if id, ok := be.X.(*ast.Ident); ok && id.Name == "goarch" {
					if lit, ok := be.Y.(*ast.BasicLit); ok {
						v, _ := strconv.Unquote(lit.Value)
						arches = append(arches, v)
					}
				}
			}
			return true
		})
		if cc.List == nil { // default
			if id, ok := ret.Results[0].(*ast.Ident); !ok || id.Name != "false" {
				return nil, errors.New("the default case does not return false: update racePairs")
			}
			continue
		}
		if len(arches) == 0 {
			return nil, errors.New("a case compares no goarch: update racePairs")
		}
		for _, e := range cc.List {
			lit, ok := e.(*ast.BasicLit)
			if !ok {
				return nil, errors.New("a case is not a list of strings: update racePairs")
			}
			goos, _ := strconv.Unquote(lit.Value)
			for _, a := range arches {
				pairs = append(pairs, goos+"/"+a)
			}
		}
	}
	return pairs, nil
}

func TestGoSupports(t *testing.T) {
	for _, p := range platform.Supported() {
		target := platform.MustParse(p)
		want := slices.Contains(Supported, target.GOOS+"/"+target.GOARCH)
		if got := GoSupports(target.GOOS, target.GOARCH); got != want {
			t.Errorf("GoSupports(%s) = %v, want %v", p, got, want)
		}
	}
	for p, want := range map[string]bool{
		"linux/amd64": true, "linux/s390x": true, "windows/amd64": true, "netbsd/amd64": true,
		"linux/arm": false, "linux/386": false, "windows/arm64": false, "freebsd/arm64": false, "openbsd/amd64": false,
	} {
		goos, goarch, _ := strings.Cut(p, "/")
		if got := GoSupports(goos, goarch); got != want {
			t.Errorf("GoSupports(%s) = %v, want %v", p, got, want)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		target, engine, cgo string
		wantErr             string
	}{
		{"linux/amd64", "linux/amd64", "", ""},
		{"linux/amd64/v3", "linux/amd64", "1", ""},
		{"linux/arm64", "linux/arm64", "", ""},
		{"linux/s390x", "linux/amd64", "",
			"--race on linux/s390x: the race detector runs only natively, on the engine's platform linux/amd64; " +
				"under emulation ThreadSanitizer cannot map its shadow memory (\"unsupported VMA range\", golang/go#29948); " +
				"test linux/amd64 with --race and linux/s390x without it, or use an engine on linux/s390x"},
		{"linux/amd64", "linux/arm64", "", "--race on linux/amd64: the race detector runs only natively, on the engine's platform linux/arm64"},
		{"windows/amd64", "linux/amd64", "", "--race on windows/amd64: the race detector runs only natively"},
		{"linux/arm/v7", "linux/amd64", "", "--race on linux/arm/v7: Go's race detector exists only for linux/amd64, linux/arm64,"},
		{"linux/386", "linux/amd64", "", "--race on linux/386: Go's race detector exists only for"},
		{"linux/amd64", "linux/amd64", "0", "--race on linux/amd64: the race detector needs cgo, and the build sets CGO_ENABLED=0"},
		{"linux/amd64", "linux/amd64", "yes", `CGO_ENABLED="yes": want 0 or 1`},
	}
	for _, tt := range tests {
		t.Run(tt.target+" on "+tt.engine+" cgo="+tt.cgo, func(t *testing.T) {
			errtest.Check(t, Check(platform.MustParse(tt.target), platform.MustParse(tt.engine), tt.cgo), ErrRace, tt.wantErr)
		})
	}
}

func TestCheckAll(t *testing.T) {
	targets := []platform.Target{platform.MustParse("linux/amd64"), platform.MustParse("linux/s390x"), platform.MustParse("linux/arm/v7")}
	err := CheckAll(targets, platform.MustParse("linux/amd64"), "")
	errtest.Check(t, err, ErrRace, "--race on linux/s390x")
	errtest.Check(t, err, ErrRace, "--race on linux/arm/v7")
	if strings.Contains(err.Error(), "--race on linux/amd64") {
		t.Errorf("the native target is refused too: %v", err)
	}
	errtest.Check(t, CheckAll(targets[:1], platform.MustParse("linux/amd64"), "1"), ErrRace, "")
}

// TestRacePairsSample holds the AST reading to a known function, so a
// broken reader cannot pass TestSupportedMatchesGo by reading nothing.
func TestRacePairsSample(t *testing.T) {
	src := `package platform
func RaceDetectorSupported(goos, goarch string) bool {
	switch goos {
	case "linux":
		return goarch == "amd64" || goarch == "arm64"
	case "freebsd", "netbsd":
		return goarch == "amd64"
	default:
		return false
	}
}`
	got, err := racePairs([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"linux/amd64", "linux/arm64", "freebsd/amd64", "netbsd/amd64"}
	if !slices.Equal(got, want) {
		t.Errorf("racePairs = %v, want %v", got, want)
	}
}

// TestAgreesWithGotest: internal/gotest's CheckRace (the --race of test
// today) keeps its own table until the module calls Check; the two must
// not drift apart.
func TestAgreesWithGotest(t *testing.T) {
	for _, p := range platform.Supported() {
		target := platform.MustParse(p)
		if got, want := gotest.RaceSupported(target), GoSupports(target.GOOS, target.GOARCH); got != want {
			t.Errorf("%s: gotest.RaceSupported = %v, GoSupports = %v", p, got, want)
		}
	}
}
