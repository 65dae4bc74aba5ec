package toolchainver

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// debianLLVMMajors lists the versioned clang-N/lld-N/llvm-N packages each
// Debian suite's main component ships.
var debianLLVMMajors = map[string][]int{
	// Debian 12: `apt-cache search --names-only '^(clang|lld|llvm)-[0-9]+$'`
	// on bookworm lists 13, 14, 15, 16 and 19 for all three (clang-16 is
	// 1:16.0.6-15~deb12u1, clang-19 1:19.1.7-3~deb12u1).
	"bookworm": {13, 14, 15, 16, 19},
	// Debian 13: from the trixie package list (llvm-toolchain-17, -18 and
	// -19, 19 being the default); not checked on a trixie machine.
	"trixie": {17, 18, 19},
}

// LLVMMajors returns the LLVM majors a Debian suite ships in main, in
// ascending order, or nil for an unknown suite.
func LLVMMajors(debianSuite string) []int {
	return slices.Clone(debianLLVMMajors[debianSuite])
}

// LLVMPackages returns the Debian packages for an LLVM major:
// ["clang-19", "lld-19", "llvm-19"]. For an unknown suite, or a major the
// suite lacks, the error (wrapping ErrLLVMUnavailable) lists the majors
// available.
func LLVMPackages(debianSuite string, major int) ([]string, error) {
	majors, ok := debianLLVMMajors[debianSuite]
	if !ok {
		suites := make([]string, 0, len(debianLLVMMajors))
		for s := range debianLLVMMajors {
			suites = append(suites, fmt.Sprintf("%s (%s)", s, joinInts(debianLLVMMajors[s])))
		}
		slices.Sort(suites)
		return nil, fmt.Errorf("%w: unknown Debian suite %q; known: %s", ErrLLVMUnavailable, debianSuite, strings.Join(suites, ", "))
	}
	if !slices.Contains(majors, major) {
		return nil, fmt.Errorf("%w: LLVM %d is not in Debian %s, which has %s", ErrLLVMUnavailable, major, debianSuite, joinInts(majors))
	}
	n := strconv.Itoa(major)
	return []string{"clang-" + n, "lld-" + n, "llvm-" + n}, nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
