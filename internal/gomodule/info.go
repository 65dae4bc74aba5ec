package gomodule

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// Info is what the module proxy records of a module version: its time
// and, where the proxy has one, its origin (the repository and commit it was
// made from; proxy.golang.org records it for modules it fetched from a
// repository).
type Info struct {
	Version string
	Time    time.Time
	Origin  *Origin
}

// Origin is where a module version comes from.
type Origin struct {
	VCS, URL, Ref, Hash string
}

// commitHash is a full git commit: SHA-1 or SHA-256.
var commitHash = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)

// InfoScript is a POSIX sh script that writes the module proxy's record of
// s, as `go list -m -json` prints it, to file. It runs after DownloadScript
// (it reads the module cache, not the network), from the root directory, so
// no go.mod or go.work is read.
func (s Spec) InfoScript(file string) string {
	return "(cd / && GOFLAGS=-mod=mod GOWORK=off go list -m -json -- " + shellQuote(s.String()) + " > " + shellQuote(file) + ")\n"
}

// ParseInfo reads InfoScript's output.
func ParseInfo(data []byte) (Info, error) {
	var info Info
	if err := json.Unmarshal(data, &info); err != nil {
		return Info{}, fmt.Errorf("%w: reading the module proxy's record: %v", ErrInvalidModule, err)
	}
	return info, nil
}

// Commit is the full git commit the version was made from, and "" with the
// reason when the record does not say.
func (i Info) Commit() (string, string) {
	switch {
	case i.Origin == nil:
		return "", "the module proxy's record of " + i.Version + " has no origin (only proxies that fetched the module from its repository, such as proxy.golang.org, record one)"
	case i.Origin.VCS != "git":
		return "", fmt.Sprintf("the module proxy's record of %s has an origin in %q, not git", i.Version, i.Origin.VCS)
	case !commitHash.MatchString(i.Origin.Hash):
		return "", fmt.Sprintf("the module proxy's record of %s has no commit hash in its origin", i.Version)
	}
	return i.Origin.Hash, ""
}
