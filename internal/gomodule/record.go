package gomodule

import (
	"encoding/json"
	"fmt"
	"time"
)

// Record is what the go command knows of a downloaded module version, as
// `go list -m -json path@version` prints it: the module proxy's record of
// the version (its .info file) and where the source is.
type Record struct {
	Path    string
	Version string
	// Time is the version's time from the proxy's .info record: for a
	// tagged version, the time of the commit the tag names, which is what
	// a git checkout of the tag reports as its commit time. Zero when the
	// record has none.
	Time time.Time
	// Dir is the source's directory in the module cache.
	Dir string
}

// ParseRecord parses the JSON record DownloadScript writes, and checks it is
// the record of spec.
func ParseRecord(data []byte, spec Spec) (Record, error) {
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return Record{}, fmt.Errorf("%w: the go command's record of %s: %v", ErrInvalidModule, spec, err)
	}
	if r.Path != spec.Path || r.Version != spec.Version {
		return Record{}, fmt.Errorf("%w: the go command's record of %s is of %s@%s", ErrInvalidModule, spec, r.Path, r.Version)
	}
	return r, nil
}
