package sbom

import (
	"crypto/sha1"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// FromFile reads the Go binary at path: its build info and the SHA-256 and
// SHA-1 of its bytes, named by the file's base name. A file that is not a
// Go binary, or one built without module support, wraps ErrNoBuildInfo.
func FromFile(path string) (Binary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Binary{}, fmt.Errorf("read binary: %w", err)
	}
	defer f.Close()
	info, err := buildinfo.Read(f)
	if err != nil {
		return Binary{}, fmt.Errorf("binary %q: %w: %w", path, ErrNoBuildInfo, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Binary{}, fmt.Errorf("read binary: %w", err)
	}
	h256, h1 := sha256.New(), sha1.New()
	if _, err := io.Copy(io.MultiWriter(h256, h1), f); err != nil {
		return Binary{}, fmt.Errorf("hash binary %q: %w", path, err)
	}
	return Binary{
		Name:   filepath.Base(path),
		SHA256: hex.EncodeToString(h256.Sum(nil)),
		SHA1:   hex.EncodeToString(h1.Sum(nil)),
		Info:   info,
	}, nil
}
