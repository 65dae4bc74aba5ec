package gomodule

import (
	"errors"
	"testing"
)

func TestNoMainPackageError(t *testing.T) {
	err := NoMainPackageError("github.com/x/lib@v1.0.0")
	want := "invalid module: github.com/x/lib@v1.0.0 has no main package to build"
	if !errors.Is(err, ErrInvalidModule) || err.Error() != want {
		t.Fatalf("NoMainPackageError() = %v, want ErrInvalidModule %q", err, want)
	}
}
