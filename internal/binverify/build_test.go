package binverify

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// The tests build real binaries with the local Go toolchain, each once per
// test binary run, into a directory shared by all tests.

const (
	pureGoSrc = "package main\n\nfunc main() { println(\"hello\") }\n"
	cgoSrc    = "package main\n\n// int answer(void) { return 42; }\nimport \"C\"\n\nfunc main() { println(C.answer()) }\n"
	goModSrc  = "module hello\n\ngo 1.21\n"
)

var (
	workDir string // shared by all tests; removed by TestMain

	buildsMu sync.Mutex
	builds   = map[string]*build{}
)

type build struct {
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "binverify-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	workDir = dir
	for name, src := range map[string]string{"pure": pureGoSrc, "cgo": cgoSrc} {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		for file, text := range map[string]string{"main.go": src, "go.mod": goModSrc} {
			if err := os.WriteFile(filepath.Join(dir, name, file), []byte(text), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
	}
	return m.Run()
}

// needGo skips the test when no Go toolchain is on PATH.
func needGo(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH: cannot build test binaries")
	}
}

// buildSem bounds concurrent go build runs. A cold build of one target is
// mostly a serial compile of the runtime, so a few at once keep 2 cores busy.
var buildSem = make(chan struct{}, 3)

// goBuild builds the program in workDir/src with env added to the
// environment and returns the binary's path. Builds with the same key run
// once; key must name src, env and args.
func goBuild(t testing.TB, key, src string, env []string, args ...string) string {
	t.Helper()
	needGo(t)
	path, err := tryBuild(key, src, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func tryBuild(key, src string, env []string, args ...string) (string, error) {
	buildsMu.Lock()
	b, ok := builds[key]
	if !ok {
		b = &build{}
		builds[key] = b
	}
	buildsMu.Unlock()
	b.once.Do(func() {
		buildSem <- struct{}{}
		defer func() { <-buildSem }()
		out := filepath.Join(workDir, "bin", strings.NewReplacer("/", "_", " ", "_", "=", "_").Replace(key))
		cmd := exec.Command("go", append(append([]string{"build", "-trimpath", "-o", out}, args...), ".")...)
		cmd.Dir = filepath.Join(workDir, src)
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local", "GO111MODULE=on")
		cmd.Env = append(cmd.Env, env...)
		var output bytes.Buffer
		cmd.Stdout, cmd.Stderr = &output, &output
		if err := cmd.Run(); err != nil {
			b.err = fmt.Errorf("go build %s (%s): %v\n%s", key, strings.Join(env, " "), err, output.String())
			return
		}
		b.path = out
	})
	return b.path, b.err
}

// target is a platform the tests build for, with the Expect it must pass.
type target struct {
	name string   // os/arch[/variant]
	env  []string // GOOS, GOARCH, GOARM, GOMIPS
	want Expect
}

func elfWant(m elf.Machine, c elf.Class, d elf.Data) Expect {
	return Expect{Format: FormatELF, Machine: m, Class: c, Data: d}
}

var (
	le32 = func(m elf.Machine) Expect { return elfWant(m, elf.ELFCLASS32, elf.ELFDATA2LSB) }
	le64 = func(m elf.Machine) Expect { return elfWant(m, elf.ELFCLASS64, elf.ELFDATA2LSB) }
	be32 = func(m elf.Machine) Expect { return elfWant(m, elf.ELFCLASS32, elf.ELFDATA2MSB) }
	be64 = func(m elf.Machine) Expect { return elfWant(m, elf.ELFCLASS64, elf.ELFDATA2MSB) }
)

var targets = []target{
	{"linux/amd64", []string{"GOOS=linux", "GOARCH=amd64"}, le64(elf.EM_X86_64)},
	{"linux/arm64", []string{"GOOS=linux", "GOARCH=arm64"}, le64(elf.EM_AARCH64)},
	{"linux/arm/v7", []string{"GOOS=linux", "GOARCH=arm", "GOARM=7"}, le32(elf.EM_ARM)},
	{"linux/arm/v6", []string{"GOOS=linux", "GOARCH=arm", "GOARM=6"}, le32(elf.EM_ARM)},
	{"linux/386", []string{"GOOS=linux", "GOARCH=386"}, le32(elf.EM_386)},
	{"linux/ppc64le", []string{"GOOS=linux", "GOARCH=ppc64le"}, le64(elf.EM_PPC64)},
	{"linux/s390x", []string{"GOOS=linux", "GOARCH=s390x"}, be64(elf.EM_S390)},
	{"linux/riscv64", []string{"GOOS=linux", "GOARCH=riscv64"}, le64(elf.EM_RISCV)},
	{"linux/mips64le", []string{"GOOS=linux", "GOARCH=mips64le"}, le64(elf.EM_MIPS)},
	{"linux/mips", []string{"GOOS=linux", "GOARCH=mips", "GOMIPS=softfloat"}, be32(elf.EM_MIPS)},
	{"linux/loong64", []string{"GOOS=linux", "GOARCH=loong64"}, le64(elf.EM_LOONGARCH)},
	{"windows/amd64", []string{"GOOS=windows", "GOARCH=amd64"}, Expect{Format: FormatPE, PEMachine: pe.IMAGE_FILE_MACHINE_AMD64}},
	{"windows/arm64", []string{"GOOS=windows", "GOARCH=arm64"}, Expect{Format: FormatPE, PEMachine: pe.IMAGE_FILE_MACHINE_ARM64}},
	{"darwin/arm64", []string{"GOOS=darwin", "GOARCH=arm64"}, Expect{Format: FormatMachO, MachOCPU: macho.CpuArm64}},
	{"darwin/amd64", []string{"GOOS=darwin", "GOARCH=amd64"}, Expect{Format: FormatMachO, MachOCPU: macho.CpuAmd64}},
}

// otherWants are expectations of platforms the tests do not build for.
var otherWants = map[string]Expect{
	"linux/mipsle":  le32(elf.EM_MIPS),
	"linux/mips64":  be64(elf.EM_MIPS),
	"linux/ppc64":   be64(elf.EM_PPC64),
	"windows/386":   {Format: FormatPE, PEMachine: pe.IMAGE_FILE_MACHINE_I386},
	"windows/arm":   {Format: FormatPE, PEMachine: pe.IMAGE_FILE_MACHINE_ARMNT},
	"freebsd/amd64": le64(elf.EM_X86_64),
}

// wantOf returns the Expect of a target or other platform by name.
func wantOf(t testing.TB, name string) Expect {
	t.Helper()
	for _, tg := range targets {
		if tg.name == name {
			return tg.want
		}
	}
	if w, ok := otherWants[name]; ok {
		return w
	}
	t.Fatalf("no platform %q", name)
	return Expect{}
}

// buildFor builds the pure Go program for the named target (CGO_ENABLED=0).
func buildFor(t testing.TB, name string) string {
	t.Helper()
	needGo(t)
	tg, ok := targetByName(name)
	if !ok {
		t.Fatalf("no target %q", name)
	}
	return goBuild(t, name, "pure", tg.pureEnv())
}

func targetByName(name string) (target, bool) {
	for _, tg := range targets {
		if tg.name == name {
			return tg, true
		}
	}
	return target{}, false
}

func (tg target) pureEnv() []string { return append([]string{"CGO_ENABLED=0"}, tg.env...) }

// startBuilds starts building every target in the background, more at once
// than parallel subtests would; buildFor then waits for its own.
func startBuilds() {
	if _, err := exec.LookPath("go"); err != nil {
		return
	}
	for _, tg := range targets {
		go tryBuild(tg.name, "pure", tg.pureEnv())
	}
	for key, args := range cgoBuilds {
		if cgoSkipReason(!strings.HasPrefix(key, "cgo-dynamic")) == "" {
			go tryBuild(key, "cgo", cgoEnv, args...)
		}
	}
}

// The cgo builds of TestLinking: native linux/amd64 with gcc.
var (
	cgoEnv    = []string{"CGO_ENABLED=1", "GOOS=linux", "GOARCH=amd64", "CC=gcc"}
	cgoBuilds = map[string][]string{ // key: go build arguments
		"cgo-dynamic":    nil,
		"cgo-static":     {"-ldflags=-linkmode external -extldflags -static"},
		"cgo-static-pie": {"-buildmode=pie", "-ldflags=-linkmode external -extldflags -static-pie"},
		// As go-build links them: -s -w (TestStrippedCgo).
		"cgo-dynamic-s-w": {"-ldflags=-s -w"},
		"cgo-static-s-w":  {"-ldflags=-s -w -linkmode external -extldflags -static"},
	}
)

const staticLibc = "/usr/lib/x86_64-linux-gnu/libc.a"

// cgoSkipReason says why the cgo builds (static: the static ones) cannot
// run here, or returns "".
func cgoSkipReason(static bool) string {
	if _, err := exec.LookPath("go"); err != nil {
		return "go is not on PATH: cannot build test binaries"
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return fmt.Sprintf("the cgo linking cases need a linux/amd64 host, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		return "gcc is not on PATH: cannot build cgo test binaries"
	}
	if _, err := os.Stat(staticLibc); static && err != nil {
		return fmt.Sprintf("static libc is not installed (%s): cannot link a static cgo binary", staticLibc)
	}
	return ""
}

// buildCgo builds the cgo program as cgoBuilds[key] says, skipping the test
// when this host cannot.
func buildCgo(t testing.TB, key string) string {
	t.Helper()
	if why := cgoSkipReason(!strings.HasPrefix(key, "cgo-dynamic")); why != "" {
		t.Skip(why)
	}
	return goBuild(t, key, "cgo", cgoEnv, cgoBuilds[key]...)
}
