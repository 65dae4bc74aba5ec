package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Fatal(...any)          { r.failed = true }
func (r *recorder) Name() string          { return r.TB.Name() }

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "testdata", "out.golden")
	for _, tc := range []struct {
		name    string
		file    string // "" for no file
		got     string
		update  bool
		fail    bool
		written string
	}{
		{name: "equal", file: "a\n", got: "a\n"},
		{name: "different", file: "a\n", got: "b\n", fail: true},
		{name: "missing", got: "a\n", fail: true},
		{name: "update writes", file: "a\n", got: "b\n", update: true, written: "b\n"},
		{name: "update creates", got: "c\n", update: true, written: "c\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.RemoveAll(filepath.Join(dir, "testdata"))
			if tc.file != "" {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tc.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			*update = tc.update
			defer func() { *update = false }()
			r := &recorder{TB: t}
			Check(r, path, []byte(tc.got))
			if r.failed != tc.fail {
				t.Errorf("failed = %v, want %v", r.failed, tc.fail)
			}
			if tc.written != "" {
				data, err := os.ReadFile(path)
				if err != nil || string(data) != tc.written {
					t.Errorf("file = %q, %v; want %q", data, err, tc.written)
				}
			}
		})
	}
}
