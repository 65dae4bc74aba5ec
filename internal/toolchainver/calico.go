package toolchainver

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// calicoVersions is the shape of projectcalico/go-build's
// images/calico-go-build/versions.yaml:
//
//	golang:
//	  version: 1.25.4
//	  checksum:
//	    sha256:
//	      amd64: <64 hex>
//	      arm64: <64 hex>
//	      ppc64le: <64 hex>
//	      s390x: <64 hex>
//	kubernetes:
//	  version: 1.34.1
//	llvm:
//	  version: 18.1.8
//
// Other keys are ignored, as Calico's yq-based scripts ignore them.
type calicoVersions struct {
	Golang struct {
		Version  string `yaml:"version"`
		Checksum struct {
			SHA256 map[string]string `yaml:"sha256"`
		} `yaml:"checksum"`
	} `yaml:"golang"`
	Kubernetes struct {
		Version string `yaml:"version"`
	} `yaml:"kubernetes"`
	LLVM struct {
		Version string `yaml:"version"`
	} `yaml:"llvm"`
}

// ParseCalicoVersions reads a Calico versions.yaml. golang.version,
// kubernetes.version and llvm.version are required and validated as in
// NewRequested; golang.checksum.sha256 must hold at least one entry, each
// keyed by a Go arch and 64 hex digits long (stored lowercase). Errors wrap
// ErrVersionsFile (plus ErrInvalidVersion or ErrInvalidChecksum) and name
// the field, e.g.
// `invalid versions file: golang.checksum.sha256.arm64: "abc" is not 64 hex digits`.
func ParseCalicoVersions(data []byte) (Requested, error) {
	var f calicoVersions
	if err := yaml.Unmarshal(data, &f); err != nil {
		return Requested{}, fmt.Errorf("%w: %w", ErrVersionsFile, err)
	}
	fileErr := func(field, detail string, errs ...error) error {
		return tagged(fmt.Sprintf("%v: %s: %s", ErrVersionsFile, field, detail), append([]error{ErrVersionsFile}, errs...)...)
	}

	var r Requested
	for _, v := range []struct {
		field string
		k     kind
		in    string
		out   *string
	}{
		{"golang.version", kindGo, f.Golang.Version, &r.Go},
		{"kubernetes.version", kindKubernetes, f.Kubernetes.Version, &r.Kubernetes},
		{"llvm.version", kindLLVM, f.LLVM.Version, &r.LLVM},
	} {
		if strings.TrimSpace(v.in) == "" {
			return Requested{}, fileErr(v.field, "missing or empty")
		}
		pv, err := parseVersion(v.k, v.in, false)
		if err != nil {
			return Requested{}, fileErr(v.field, err.Error(), ErrInvalidVersion)
		}
		*v.out = pv.String()
	}

	sums := f.Golang.Checksum.SHA256
	if len(sums) == 0 {
		return Requested{}, fileErr("golang.checksum.sha256", "missing or empty")
	}
	r.GoSHA256 = make(map[string]string, len(sums))
	for _, arch := range sortedKeys(sums) {
		field := "golang.checksum.sha256." + arch
		if !knownGoArch(arch) {
			return Requested{}, fileErr(field, fmt.Sprintf("unknown Go arch %q", arch), ErrInvalidChecksum)
		}
		if detail := sha256Problem(sums[arch]); detail != "" {
			return Requested{}, fileErr(field, detail, ErrInvalidChecksum)
		}
		r.GoSHA256[arch] = strings.ToLower(sums[arch])
	}
	return r, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
