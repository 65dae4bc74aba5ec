package imagecfg

import (
	"errors"
	"strings"
	"testing"
)

// checkErr fails unless err is nil when wantErr is "", or wraps sentinel and
// contains wantErr when it is not.
func checkErr(t *testing.T, err, sentinel error, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil || !errors.Is(err, sentinel) || !strings.Contains(err.Error(), wantErr) {
		t.Fatalf("error = %v, want %v containing %q", err, sentinel, wantErr)
	}
}
