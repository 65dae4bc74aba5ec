package gomodule

import "fmt"

// NoMainPackageError is returned when a module such as a library has nothing
// to build into a binary.
func NoMainPackageError(module string) error {
	return fmt.Errorf("%w: %s has no main package to build", ErrInvalidModule, module)
}
