package gomodule

import (
	"fmt"
	"strings"
)

// ParseMainPackages returns the non-empty trimmed lines of go list output
// printing main packages (buildopts.Options.ListMainPackages), in order.
func ParseMainPackages(goListOutput string) []string {
	var packages []string
	for _, line := range strings.Split(goListOutput, "\n") {
		if pkg := strings.TrimSpace(line); pkg != "" {
			packages = append(packages, pkg)
		}
	}
	return packages
}

// NoMainPackageError is returned when a module such as a library has nothing
// to build into a binary.
func NoMainPackageError(module string) error {
	return fmt.Errorf("%w: %s has no main package to build", ErrInvalidModule, module)
}
