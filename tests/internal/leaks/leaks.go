// Package leaks searches what go-build produced for planted secrets: in
// files as they are, and inside what they pack (gzip, tar, zip, nested),
// as text and in the encodings a secret could be hidden under (base64,
// URL escaping). It has no Dagger dependency.
package leaks

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
)

// Secret is a value planted in go-build's inputs, and what it is (for the
// message; the value itself is never printed).
type Secret struct {
	What, Value string
}

// Finding is one place a secret was found.
type Finding struct {
	// What names the secret (Secret.What).
	What string
	// Where is the place: the file's name, and for what it packs,
	// "archive.tar.gz!dir/file".
	Where string
	// Form is how it was written there: "as is", "base64" or "URL-escaped".
	Form string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s in %s (%s)", f.What, f.Where, f.Form)
}

// maxDepth bounds how deep packed files are opened (a tar in a gzip in a
// tar is 3).
const maxDepth = 4

// Scan searches data, named where, and what it packs, for every secret.
// A packed file that does not open is searched as it is, and the error
// says which one; what could be read is still searched.
func Scan(where string, data []byte, secrets []Secret) ([]Finding, error) {
	var found []Finding
	var errs []error
	scan(where, data, secrets, 0, &found, &errs)
	sort.Slice(found, func(i, j int) bool { return found[i].String() < found[j].String() })
	return found, errors.Join(errs...)
}

// Text searches one text (an error, a command's output) for every secret.
func Text(where, text string, secrets []Secret) []Finding {
	found, _ := Scan(where, []byte(text), secrets)
	return found
}

// scan adds the findings in data and what it packs; a secret found inside
// a packed file is not reported again for the file that packs it.
func scan(where string, data []byte, secrets []Secret, depth int, found *[]Finding, errs *[]error) {
	before := len(*found)
	if depth < maxDepth {
		inner, err := unpack(data)
		if err != nil {
			*errs = append(*errs, fmt.Errorf("%s: %w", where, err))
		}
		for _, f := range inner {
			scan(where+"!"+f.name, f.data, secrets, depth+1, found, errs)
		}
	}
	within := map[string]bool{}
	for _, f := range (*found)[before:] {
		within[f.What] = true
	}
	for _, s := range secrets {
		if within[s.What] {
			continue
		}
		if form := contains(data, s.Value); form != "" {
			*found = append(*found, Finding{What: s.What, Where: where, Form: form})
		}
	}
}

type packed struct {
	name string
	data []byte
}

// unpack is what data packs: its gzip content, its tar or zip entries;
// nothing for any other data.
func unpack(data []byte) ([]packed, error) {
	switch {
	case len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b:
		gz, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		body, err := io.ReadAll(gz)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return []packed{{name: "(gunzipped)", data: body}}, nil
	case len(data) > 4 && bytes.HasPrefix(data, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("zip: %w", err)
		}
		var out []packed
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				return out, fmt.Errorf("zip entry %s: %w", f.Name, err)
			}
			body, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return out, fmt.Errorf("zip entry %s: %w", f.Name, err)
			}
			out = append(out, packed{name: f.Name, data: body})
		}
		return out, nil
	case isTar(data):
		tr := tar.NewReader(bytes.NewReader(data))
		var out []packed
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if err != nil {
				return out, fmt.Errorf("tar: %w", err)
			}
			body, err := io.ReadAll(tr)
			if err != nil {
				return out, fmt.Errorf("tar entry %s: %w", h.Name, err)
			}
			out = append(out, packed{name: h.Name, data: body})
			if h.Linkname != "" {
				// A link's target is text too.
				out = append(out, packed{name: h.Name + " (link target)", data: []byte(h.Linkname)})
			}
		}
	}
	return nil, nil
}

// isTar says whether data starts with a ustar header.
func isTar(data []byte) bool {
	return len(data) >= 512 && bytes.Equal(data[257:262], []byte("ustar"))
}

// contains says how data holds secret: "as is", "URL-escaped", "base64",
// or "" when it does not.
func contains(data []byte, secret string) string {
	if secret == "" {
		return ""
	}
	if bytes.Contains(data, []byte(secret)) {
		return "as is"
	}
	if esc := url.QueryEscape(secret); esc != secret && bytes.Contains(data, []byte(esc)) {
		return "URL-escaped"
	}
	for _, needle := range base64Needles(secret) {
		if bytes.Contains(data, []byte(needle)) {
			return "base64"
		}
	}
	return ""
}

// base64Needles are the parts of secret's base64 encoding that do not
// depend on what precedes it: for each of the 3 alignments, the encoding
// without the characters the neighbouring bytes reach into. Empty for a
// secret too short to tell (under 12 bytes).
func base64Needles(secret string) []string {
	if len(secret) < 12 {
		return nil
	}
	var out []string
	for off := 0; off < 3; off++ {
		padded := append(make([]byte, off), secret...)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			s := strings.TrimRight(enc.EncodeToString(padded), "=")
			// 4 characters cover the off pad bytes and the first
			// secret bytes sharing their group; the last 4 may hold
			// the bytes that follow.
			if len(s) > 8 {
				out = append(out, s[4:len(s)-4])
			}
		}
	}
	return out
}

// Redact is text with every secret replaced by <what it is>.
func Redact(text string, secrets []Secret) string {
	for _, s := range secrets {
		if s.Value != "" {
			text = strings.ReplaceAll(text, s.Value, "<"+s.What+">")
		}
	}
	return text
}
