package sbom

import (
	"bytes"
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
	return read(filepath.Base(path), path, f)
}

// FromBytes is FromFile for a binary held in memory (e.g. read from an
// image layer), named name.
func FromBytes(name string, data []byte) (Binary, error) {
	return read(name, name, bytes.NewReader(data))
}

// binaryReader is what both *os.File and *bytes.Reader are.
type binaryReader interface {
	io.ReaderAt
	io.ReadSeeker
}

func read(name, where string, r binaryReader) (Binary, error) {
	info, err := buildinfo.Read(r)
	if err != nil {
		return Binary{}, fmt.Errorf("binary %q: %w: %w", where, ErrNoBuildInfo, err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Binary{}, fmt.Errorf("read binary: %w", err)
	}
	h256, h1 := sha256.New(), sha1.New()
	if _, err := io.Copy(io.MultiWriter(h256, h1), r); err != nil {
		return Binary{}, fmt.Errorf("hash binary %q: %w", where, err)
	}
	return Binary{
		Name:   name,
		SHA256: hex.EncodeToString(h256.Sum(nil)),
		SHA1:   hex.EncodeToString(h1.Sum(nil)),
		Info:   info,
	}, nil
}
