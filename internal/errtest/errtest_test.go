package errtest

import (
	"errors"
	"fmt"
	"testing"
)

// recorder is a testing.TB that records failures instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestCheck(t *testing.T) {
	sentinel := errors.New("bad thing")
	wrapped := fmt.Errorf("%w: value \"x\"", sentinel)
	tests := []struct {
		name     string
		err      error
		sentinel error
		want     string
		fails    bool
	}{
		{"no error wanted, none", nil, nil, "", false},
		{"no error wanted, one", wrapped, nil, "", true},
		{"wanted and wrapped", wrapped, sentinel, `"x"`, false},
		{"wanted, any sentinel", wrapped, nil, `"x"`, false},
		{"wrong text", wrapped, sentinel, `"y"`, true},
		{"not wrapped", errors.New(`value "x"`), sentinel, `"x"`, true},
		{"missing", nil, sentinel, `"x"`, true},
	}
	for _, tt := range tests {
		r := &recorder{TB: t}
		Check(r, tt.err, tt.sentinel, tt.want)
		if r.failed != tt.fails {
			t.Errorf("%s: failed = %v, want %v", tt.name, r.failed, tt.fails)
		}
	}
}
