package release

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// ErrChecksums is wrapped when checksums cannot be written or a checksums
// file cannot be read.
var ErrChecksums = errors.New("invalid checksums")

// Sum is the SHA-256 of one released file.
type Sum struct {
	// Name is the file's name as released, without a directory.
	Name string
	// SHA256 is the digest in lower-case hex.
	SHA256 string
}

// SumBytes is the Sum of data released as name.
func SumBytes(name string, data []byte) Sum {
	d := sha256.Sum256(data)
	return Sum{Name: name, SHA256: hex.EncodeToString(d[:])}
}

// SumFile is the Sum of the file at path, released as name; it streams
// the file, so archives need not fit in memory.
func SumFile(name, path string) (Sum, error) {
	f, err := os.Open(path)
	if err != nil {
		return Sum{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return Sum{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return Sum{Name: name, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Checksums is the text of a checksums file, in GoReleaser's format
// (internal/pipe/checksums): one "<sha256 hex>  <name>" line per file,
// sorted by name so the file (and any signature of it) is reproducible,
// each ending in a newline. `sha256sum -c` reads it. Errors wrap
// ErrChecksums: a name that is not a plain file name or comes twice, or a
// digest that is not 64 lower-case hex digits.
func Checksums(sums []Sum) (string, error) {
	if len(sums) == 0 {
		return "", fmt.Errorf("%w: no files to list", ErrChecksums)
	}
	sorted := slices.Clone(sums)
	slices.SortFunc(sorted, func(a, b Sum) int { return strings.Compare(a.Name, b.Name) })
	var b strings.Builder
	for i, s := range sorted {
		if err := checkSum(s); err != nil {
			return "", err
		}
		if i > 0 && s.Name == sorted[i-1].Name {
			return "", fmt.Errorf("%w: %q is listed twice", ErrChecksums, s.Name)
		}
		b.WriteString(s.SHA256 + "  " + s.Name + "\n")
	}
	return b.String(), nil
}

func checkSum(s Sum) error {
	if err := CheckName("checksummed file", s.Name); err != nil {
		return fmt.Errorf("%w: %w", ErrChecksums, err)
	}
	if !isSHA256(s.SHA256) {
		return fmt.Errorf("%w: SHA-256 of %q is %q: want 64 lower-case hex digits", ErrChecksums, s.Name, s.SHA256)
	}
	return nil
}

func isSHA256(s string) bool {
	return len(s) == sha256.Size*2 && isCommit(s)
}

// ParseChecksums reads a checksums file written by Checksums (or by
// GoReleaser) into digests by file name. It is strict, since it checks
// go-build's own output: every line is "<64 lower-case hex>  <name>" and
// ends in a newline, names are sorted and listed once. Errors wrap
// ErrChecksums and give the line number.
func ParseChecksums(text string) (map[string]string, error) {
	if text == "" {
		return nil, fmt.Errorf("%w: empty checksums file", ErrChecksums)
	}
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("%w: the last line does not end in a newline", ErrChecksums)
	}
	sums := map[string]string{}
	prev := ""
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		n := i + 1
		digest, name, ok := strings.Cut(line, "  ")
		if !ok {
			return nil, fmt.Errorf("%w: line %d %q: want \"<sha256 hex>  <file name>\"", ErrChecksums, n, line)
		}
		s := Sum{Name: name, SHA256: digest}
		if err := checkSum(s); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if _, dup := sums[name]; dup {
			return nil, fmt.Errorf("%w: line %d: %q is listed twice", ErrChecksums, n, name)
		}
		if name < prev {
			return nil, fmt.Errorf("%w: line %d: %q comes after %q: want names sorted", ErrChecksums, n, name, prev)
		}
		sums[name], prev = digest, name
	}
	return sums, nil
}
