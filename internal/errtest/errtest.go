// Package errtest holds the one error assertion the table tests share: the
// error is nil when none is wanted, or wraps the sentinel and names the bad
// value.
package errtest

import (
	"errors"
	"strings"
	"testing"
)

// Check fails t unless err is nil when want is "", or, when want is set,
// err contains want and wraps sentinel (any error when sentinel is nil).
func Check(t testing.TB, err, sentinel error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), want) || (sentinel != nil && !errors.Is(err, sentinel)) {
		t.Fatalf("error = %v, want one containing %q (wrapping %v)", err, want, sentinel)
	}
}
