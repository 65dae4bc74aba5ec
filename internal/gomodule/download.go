package gomodule

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrDownloadOutput is wrapped when `go mod download -json` printed something
// other than one JSON object: a tooling problem, not a bad module.
var ErrDownloadOutput = errors.New("unexpected go mod download output")

// DownloadCommand is the go command that fetches the module through the
// module proxy (GOPROXY) and verifies it against the checksum database
// (GOSUMDB). Its JSON output, also printed when it fails, is for
// ParseDownload. Run it outside any module so no go.mod is read or changed.
func (s Spec) DownloadCommand() []string {
	return []string{"go", "mod", "download", "-json", s.String()}
}

// Download holds the fields of `go mod download -json` output. Origin, which
// describes the VCS tag behind the version, is not needed and not decoded.
type Download struct {
	Path     string // module path
	Version  string // module version
	Error    string // error loading the module; empty on success
	Info     string // absolute path to the cached .info file
	GoMod    string // absolute path to the cached .mod file
	Zip      string // absolute path to the cached .zip file
	Dir      string // absolute path to the extracted, read-only source tree
	Sum      string // checksum of the zip (h1: hash), as in go.sum
	GoModSum string // checksum of go.mod, as in go.sum
}

// ParseDownload decodes the output of DownloadCommand for one module. When go
// reports an error (such as a version that does not exist) it returns an
// ErrInvalidModule error naming the module and carrying Go's own message,
// along with the decoded Download.
func ParseDownload(jsonOutput []byte) (Download, error) {
	decoder := json.NewDecoder(bytes.NewReader(jsonOutput))
	var download Download
	if err := decoder.Decode(&download); err != nil {
		return Download{}, fmt.Errorf("%w: %v; want the JSON object of `go mod download -json` for one module, got %q", ErrDownloadOutput, err, abbreviate(jsonOutput))
	}
	if _, err := decoder.Token(); err != io.EOF {
		return Download{}, fmt.Errorf("%w: more than one JSON value after %s@%s; want the output for one module only", ErrDownloadOutput, download.Path, download.Version)
	}
	name := download.Path + "@" + download.Version
	if download.Error != "" {
		// Go usually starts its message with "path@version: "; drop it so the
		// module is not named twice.
		reason := strings.TrimPrefix(download.Error, name+": ")
		return download, fmt.Errorf("%w: %s cannot be downloaded: %s; want a version that exists on the module proxy", ErrInvalidModule, name, reason)
	}
	if download.Dir == "" {
		return download, fmt.Errorf("%w: no Dir for %s; want the extracted source directory in the output", ErrDownloadOutput, name)
	}
	return download, nil
}

// abbreviate keeps error messages readable when the output is large, such
// as when a whole log was passed by mistake.
func abbreviate(output []byte) string {
	const limit = 200
	if len(output) <= limit {
		return string(output)
	}
	return string(output[:limit]) + "…"
}
