// Package toolchainver holds the version rules of the go-build toolchain
// image: Go + Clang/LLVM + Kubernetes code generators, tagged the way Calico's
// projectcalico/go-build tags its calico/go-build image.
//
// Facts taken from projectcalico/go-build (master, late 2025):
//
//   - images/calico-go-build/versions.yaml has golang.version,
//     golang.checksum.sha256.<arch> (amd64, arm64, ppc64le, s390x),
//     kubernetes.version and llvm.version; see ParseCalicoVersions.
//   - hack/generate-version-tag-name.sh builds the tag
//     "<golang.version>-llvm<llvm.version>-k8s<kubernetes.version>",
//     e.g. "1.25.4-llvm18.1.8-k8s1.34.1"; see Tag.
//   - hack/generate-go-branch-name.sh builds the branch "go<major.minor>"
//     ("go1.25"); see Requested.Branch.
//   - .github/workflows/create-tag-on-version-change.yml re-releases an
//     existing tag as "<tag>-N", N being the number of tags that already
//     start with "<tag>" (so the first re-release is "-1"); see Tag.
//   - Images are pushed per arch as "<tag>-<arch>" for amd64, arm64,
//     ppc64le and s390x, then one multi-arch manifest at "<tag>"; see
//     ArchTag and DefaultArches.
//
// The package is pure: it runs nothing and imports no Dagger code.
package toolchainver

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"

	"dagger/go-build/internal/redact"
)

var (
	ErrInvalidVersion  = errors.New("invalid version")
	ErrVersionMismatch = errors.New("installed version does not match the requested one")
	ErrVersionsFile    = errors.New("invalid versions file")
	ErrLLVMUnavailable = errors.New("LLVM major version not available")
	ErrInvalidChecksum = errors.New("invalid checksum")
)

// DefaultArches are the architectures Calico publishes calico/go-build for
// (.semaphore/promotions/calico-go-build.yml and lib.Makefile ARCHES).
var DefaultArches = []string{"amd64", "arm64", "ppc64le", "s390x"}

// taggedError is an error with its own message that still matches one or
// more sentinel errors with errors.Is.
type taggedError struct {
	msg  string
	errs []error
}

func (e *taggedError) Error() string   { return e.msg }
func (e *taggedError) Unwrap() []error { return e.errs }

func tagged(msg string, errs ...error) error { return &taggedError{msg: msg, errs: errs} }

// kind is the tool a version belongs to. It names the field in errors and
// selects the parsing rules.
type kind int

const (
	kindGo kind = iota
	kindLLVM
	kindKubernetes
)

func (k kind) String() string {
	switch k {
	case kindGo:
		return "go"
	case kindLLVM:
		return "llvm"
	default:
		return "kubernetes"
	}
}

// version is a parsed version. parts holds only the components that were
// written ("1.26" has two); pre is a Go pre-release suffix ("rc1", "beta2").
type version struct {
	parts []int
	pre   string
}

// String prints the version in its tool's own syntax.
func (v version) String() string {
	s := make([]string, len(v.parts))
	for i, p := range v.parts {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ".") + v.pre
}

func (v version) part(i int) int {
	if i < len(v.parts) {
		return v.parts[i]
	}
	return 0
}

var (
	goPreRe  = regexp.MustCompile(`^([0-9]+\.[0-9]+)((?:rc|beta)[1-9][0-9]*)$`)
	numberRe = regexp.MustCompile(`^(?:0|[1-9][0-9]*)$`)
)

// normalize strips the prefix a tool's users commonly write: "go" for Go
// ("go1.26"), "v" for Kubernetes ("v1.34.1"). LLVM takes no prefix.
func normalize(k kind, s string) string {
	s = strings.TrimSpace(s)
	switch k {
	case kindGo:
		return strings.TrimPrefix(s, "go")
	case kindKubernetes:
		return strings.TrimPrefix(s, "v")
	}
	return s
}

// parseVersion parses raw by k's rules, after normalize. With full set,
// every component must be present (installed versions); otherwise the
// version may be partial (requested versions).
//
// Rules:
//   - Go: major.minor[.patch], or a Go pre-release "1.26rc1"/"1.26beta1"
//     (Go's own spelling, not semver's "1.26.0-rc.1"). A bare major is
//     refused because the branch name needs major.minor.
//   - LLVM: major[.minor[.patch]], no pre-release.
//   - Kubernetes: 1.minor[.patch], no pre-release; only 1.x maps to
//     k8s.io/code-generator v0.x.
//
// Components are decimal without leading zeros; the padded form is then
// checked with semver.StrictNewVersion.
func parseVersion(k kind, raw string, full bool) (version, error) {
	fail := func(format string, a ...any) (version, error) {
		return version{}, tagged(fmt.Sprintf("%v: %s version %q: %s", ErrInvalidVersion, k, raw, fmt.Sprintf(format, a...)), ErrInvalidVersion)
	}
	s := normalize(k, raw)
	if s == "" {
		return fail("empty")
	}
	body, pre := s, ""
	if k == kindGo {
		if m := goPreRe.FindStringSubmatch(s); m != nil {
			body, pre = m[1], m[2]
		}
	}
	if k == kindGo && strings.Contains(s, "-") {
		return fail("not a Go version (Go pre-releases are written like 1.26rc1)")
	}
	fields := strings.Split(body, ".")
	if len(fields) > 3 {
		return fail("more than 3 components")
	}
	var v version
	for _, f := range fields {
		if !numberRe.MatchString(f) {
			return fail("component %q is not a number", f)
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return fail("component %q: %v", f, err)
		}
		v.parts = append(v.parts, n)
	}
	v.pre = pre
	switch {
	case k != kindLLVM && len(v.parts) < 2:
		return fail("needs at least major.minor")
	case full && pre == "" && k != kindGo && len(v.parts) != 3:
		return fail("needs major.minor.patch")
	case k == kindKubernetes && v.parts[0] != 1:
		return fail("only Kubernetes 1.x is supported")
	case k == kindLLVM && v.parts[0] == 0:
		return fail("major must be at least 1")
	case k == kindGo && v.parts[0] == 0:
		return fail("major must be at least 1")
	}
	padded := fmt.Sprintf("%d.%d.%d", v.part(0), v.part(1), v.part(2))
	if pre != "" {
		padded += "-" + pre
	}
	// Defensive: the checks above should leave nothing for semver to refuse.
	if _, err := semver.StrictNewVersion(padded); err != nil {
		return version{}, tagged(fmt.Sprintf("%v: %s version %q: %v", ErrInvalidVersion, k, raw, err), ErrInvalidVersion, err)
	}
	return v, nil
}

// matches reports whether installed (a full version) satisfies requested:
// every component the user wrote must be equal. A Go pre-release matches
// only the same pre-release, and a release request never matches a
// pre-release ("1.26" does not match "1.26rc1").
func matches(requested, installed version) bool {
	if requested.pre != installed.pre {
		return false
	}
	for i, p := range requested.parts {
		if installed.part(i) != p {
			return false
		}
	}
	return true
}

// Requested holds the versions a user asked for. Go and Kubernetes may be
// partial ("1.26" or "1.26.8"), LLVM may be a major ("19") or full
// ("19.1.7"). NewRequested and ParseCalicoVersions store them normalized
// (no "go"/"v" prefix).
type Requested struct {
	Go, LLVM, Kubernetes string
	// GoSHA256 holds the SHA-256 of the official Go archive, by Go arch
	// (amd64, arm64, ppc64le, s390x, ...); optional.
	GoSHA256 map[string]string
	// Rerelease is 0 for none; N>0 appends "-N" to the tag.
	Rerelease int
}

// NewRequested validates the three versions (all required) and returns them
// normalized: Go may be written "go1.26", Kubernetes "v1.34.1". Go
// pre-releases are allowed in Go's spelling ("1.26rc1") and then match only
// that exact pre-release; LLVM and Kubernetes pre-releases are refused.
func NewRequested(goVersion, llvmVersion, k8sVersion string) (Requested, error) {
	var r Requested
	for _, f := range []struct {
		k   kind
		in  string
		out *string
	}{
		{kindGo, goVersion, &r.Go},
		{kindLLVM, llvmVersion, &r.LLVM},
		{kindKubernetes, k8sVersion, &r.Kubernetes},
	} {
		v, err := parseVersion(f.k, f.in, false)
		if err != nil {
			return Requested{}, err
		}
		*f.out = v.String()
	}
	return r, nil
}

// Validate checks every field: the three versions, each checksum and its
// arch name, and a non-negative Rerelease.
func (r Requested) Validate() error {
	for _, f := range []struct {
		k kind
		s string
	}{{kindGo, r.Go}, {kindLLVM, r.LLVM}, {kindKubernetes, r.Kubernetes}} {
		if _, err := parseVersion(f.k, f.s, false); err != nil {
			return err
		}
	}
	for _, arch := range sortedKeys(r.GoSHA256) {
		field := "go checksum " + arch
		if !knownGoArch(arch) {
			return tagged(fmt.Sprintf("%v: %s: unknown Go arch %q", ErrInvalidChecksum, field, arch), ErrInvalidChecksum)
		}
		if err := ValidateSHA256(field, r.GoSHA256[arch]); err != nil {
			return err
		}
	}
	if r.Rerelease < 0 {
		return fmt.Errorf("%w: rerelease %d is negative", ErrInvalidVersion, r.Rerelease)
	}
	return nil
}

// LLVMMajor returns the LLVM major version, or 0 if LLVM is not valid.
func (r Requested) LLVMMajor() int {
	v, err := parseVersion(kindLLVM, r.LLVM, false)
	if err != nil {
		return 0
	}
	return v.parts[0]
}

// Branch returns Calico's release branch for the Go version: "go" followed
// by Go's major.minor ("1.25.4" -> "go1.25", "1.26rc1" -> "go1.26"). It is ""
// if Go is not valid.
func (r Requested) Branch() string {
	v, err := parseVersion(kindGo, r.Go, false)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("go%d.%d", v.parts[0], v.parts[1])
}

// CodeGeneratorModule is the module the Kubernetes code generators come
// from. Its v0.N.P release goes with Kubernetes 1.N.P.
const CodeGeneratorModule = "k8s.io/code-generator"

// DefaultCodeGenerators are the k8s.io/code-generator commands Calico's
// image installs (images/calico-go-build/Dockerfile), as package paths
// relative to CodeGeneratorModule. All exist under cmd/ at v0.34.1.
// openapi-gen is not among them: it is not in k8s.io/code-generator (v0.34.1
// has applyconfiguration-gen, client-gen, conversion-gen, deepcopy-gen,
// defaulter-gen, go-to-protobuf, informer-gen, lister-gen,
// prerelease-lifecycle-gen, register-gen, validation-gen) but in
// k8s.io/kube-openapi/cmd/openapi-gen, which Calico pins to a pseudo-version
// of its own.
var DefaultCodeGenerators = []string{
	"./cmd/client-gen",
	"./cmd/conversion-gen",
	"./cmd/deepcopy-gen",
	"./cmd/defaulter-gen",
	"./cmd/informer-gen",
	"./cmd/lister-gen",
}

// CodeGeneratorVersion returns the k8s.io/code-generator version for the
// Kubernetes version: "1.34.1" -> "v0.34.1". A partial "1.34" gives "v0.34",
// which `go install ...@v0.34` resolves as the latest v0.34.x. It is "" if
// Kubernetes is not valid.
func (r Requested) CodeGeneratorVersion() string {
	v, err := parseVersion(kindKubernetes, r.Kubernetes, false)
	if err != nil {
		return ""
	}
	s := "v0"
	for _, p := range v.parts[1:] {
		s += "." + strconv.Itoa(p)
	}
	return s
}

// KubernetesFromCodeGenerator maps a k8s.io/code-generator module version
// (as `go version -m` prints it) back to the Kubernetes version:
// "v0.34.1" -> "1.34.1".
func KubernetesFromCodeGenerator(modVersion string) (string, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(modVersion), "v0.")
	if !ok {
		return "", fmt.Errorf("%w: code-generator version %q: want v0.<minor>.<patch>", ErrInvalidVersion, modVersion)
	}
	v, err := parseVersion(kindKubernetes, "1."+rest, true)
	if err != nil {
		return "", fmt.Errorf("code-generator version %q: %w", modVersion, err)
	}
	return v.String(), nil
}

// GoChecksum returns the lowercase SHA-256 of the Go archive for goarch, if
// one was given.
func (r Requested) GoChecksum(goarch string) (string, bool) {
	sum, ok := r.GoSHA256[goarch]
	if !ok || sum == "" {
		return "", false
	}
	return strings.ToLower(sum), true
}

var sha256Re = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// ValidateSHA256 checks that sum is 64 hex digits (either case). field names
// the value in the error, e.g. "golang.checksum.sha256.arm64".
func ValidateSHA256(field, sum string) error {
	if detail := sha256Problem(sum); detail != "" {
		return tagged(fmt.Sprintf("%v: %s: %s", ErrInvalidChecksum, field, detail), ErrInvalidChecksum)
	}
	return nil
}

func sha256Problem(sum string) string {
	if sha256Re.MatchString(sum) {
		return ""
	}
	return fmt.Sprintf("%q is not 64 hex digits", sum)
}

// goArches are the GOARCH values Go has ports for (go tool dist list).
var goArches = map[string]bool{
	"386": true, "amd64": true, "arm": true, "arm64": true, "loong64": true,
	"mips": true, "mipsle": true, "mips64": true, "mips64le": true,
	"ppc64": true, "ppc64le": true, "riscv64": true, "s390x": true, "wasm": true,
}

func knownGoArch(a string) bool { return goArches[a] }

// Installed holds the full versions read from the built container.
type Installed struct{ Go, LLVM, Kubernetes string }

var goVersionRe = regexp.MustCompile(`\bgo version go([0-9][0-9A-Za-z.]*)(?:\s|$)`)

// ParseGoVersion extracts the version from `go version` output:
// "go version go1.25.4 linux/arm64" -> "1.25.4",
// "go version go1.26rc1 linux/amd64" -> "1.26rc1",
// "go version go1.26.0 X:nocoverageredesign linux/amd64" -> "1.26.0".
// Development builds ("go version devel ...") are refused.
func ParseGoVersion(output string) (string, error) {
	m := goVersionRe.FindStringSubmatch(output)
	if m == nil {
		return "", fmt.Errorf("%w: no \"go version goX.Y.Z\" in go version output %q", ErrInvalidVersion, firstLine(output))
	}
	v, err := parseVersion(kindGo, m[1], true)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

var clangVersionRe = regexp.MustCompile(`\bclang version ([0-9]+\.[0-9]+\.[0-9]+)`)

// ParseClangVersion extracts the LLVM version from `clang --version` output,
// whatever the vendor prefix and suffix:
// "Debian clang version 16.0.6 (15~deb12u1)" -> "16.0.6",
// "Ubuntu clang version 18.1.3 (1ubuntu1)" -> "18.1.3",
// "clang version 18.1.8 (Red Hat 18.1.8-1.el9)" -> "18.1.8".
func ParseClangVersion(output string) (string, error) {
	m := clangVersionRe.FindStringSubmatch(output)
	if m == nil {
		return "", fmt.Errorf("%w: no \"clang version X.Y.Z\" in clang --version output %q", ErrInvalidVersion, firstLine(output))
	}
	v, err := parseVersion(kindLLVM, m[1], true)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Check verifies that each installed version matches every component the
// user gave: "1.26" matches "1.26.8", "1.26.8" does not match "1.26.9", "19"
// matches "19.1.7". All mismatches are reported, each naming the tool, the
// requested and the installed version; they wrap ErrVersionMismatch (or
// ErrInvalidVersion when a version cannot be parsed).
func (r Requested) Check(in Installed) error {
	var errs []error
	for _, c := range []struct {
		k              kind
		req, installed string
	}{
		{kindGo, r.Go, in.Go},
		{kindLLVM, r.LLVM, in.LLVM},
		{kindKubernetes, r.Kubernetes, in.Kubernetes},
	} {
		rv, err := parseVersion(c.k, c.req, false)
		if err != nil {
			errs = append(errs, fmt.Errorf("requested %w", err))
			continue
		}
		iv, err := parseVersion(c.k, c.installed, true)
		if err != nil {
			errs = append(errs, fmt.Errorf("installed %w", err))
			continue
		}
		if !matches(rv, iv) {
			errs = append(errs, fmt.Errorf("%w: %s: requested %q, installed %q", ErrVersionMismatch, c.k, c.req, c.installed))
		}
	}
	return errors.Join(errs...)
}

// Tag returns Calico's image tag "<go>-llvm<llvm>-k8s<k8s>", e.g.
// "1.25.4-llvm18.1.8-k8s1.34.1", with "-N" appended for a re-release N>0
// ("1.25.4-llvm18.1.8-k8s1.34.1-2"). Pass the Installed (full) versions.
func Tag(in Installed, rerelease int) string {
	t := fmt.Sprintf("%s-llvm%s-k8s%s", in.Go, in.LLVM, in.Kubernetes)
	if rerelease > 0 {
		t += "-" + strconv.Itoa(rerelease)
	}
	return t
}

// ArchTag returns the per-arch image tag "<tag>-<arch>".
func ArchTag(tag, arch string) string { return tag + "-" + arch }

// DefaultGoDownloadURL is the base of the official Go archives.
const DefaultGoDownloadURL = "https://go.dev/dl"

// ErrInvalidDownloadURL is wrapped by CheckDownloadURL's errors.
var ErrInvalidDownloadURL = errors.New("invalid Go download URL")

// CheckDownloadURL accepts --go-download-url: "" (DefaultGoDownloadURL) or
// an http(s) URL of a host with no user, password, query or fragment. The
// archives' URLs are arguments of the engine's HTTP fetch, which the call's
// trace shows: a mirror that needs a login is not supported. The error
// names the value with its credentials masked, or, when it does not parse,
// not at all.
func CheckDownloadURL(base string) error {
	if base == "" {
		return nil
	}
	const want = "want the base of the archives, e.g. https://go.dev/dl or https://mirror.example/golang"
	u, err := url.Parse(base)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return fmt.Errorf("%w: %s is not an http or https URL: %s", ErrInvalidDownloadURL, redact.Flag("--go-download-url", base), want)
	case u.User != nil:
		return fmt.Errorf("%w: %s holds a user or password, which the call's trace would show (it is the engine's download URL): use a mirror that serves the archives without a login", ErrInvalidDownloadURL, redact.Flag("--go-download-url", base))
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Errorf("%w: %s has a query or fragment, which the archive's name would be appended after: %s", ErrInvalidDownloadURL, redact.Flag("--go-download-url", base), want)
	}
	return nil
}

// GoArchiveURL returns the official Go archive URL,
// "<base>/go<version>.<goos>-<goarch>.tar.gz" (".zip" for windows). base ""
// means DefaultGoDownloadURL; version may carry a "go" prefix. linux/arm's
// archive is named armv6l.
func GoArchiveURL(baseURL, version, goos, goarch string) string {
	if baseURL == "" {
		baseURL = DefaultGoDownloadURL
	}
	baseURL = strings.TrimRight(baseURL, "/")
	version = strings.TrimPrefix(version, "go")
	if goos == "linux" && goarch == "arm" {
		goarch = "armv6l"
	}
	ext := ".tar.gz"
	if goos == "windows" {
		ext = ".zip"
	}
	return fmt.Sprintf("%s/go%s.%s-%s%s", baseURL, version, goos, goarch, ext)
}
