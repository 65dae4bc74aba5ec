package imagecfg

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	unixSecondsPattern = regexp.MustCompile(`^[0-9]+$`)
	// maxUnixSeconds is 9999-12-31T23:59:59Z: later times have no RFC 3339
	// form for the created label.
	maxUnixSeconds = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
)

// ParseSourceDateEpoch parses SOURCE_DATE_EPOCH, which the reproducible-builds
// spec defines as decimal seconds since the Unix epoch with no fraction, like
// `date +%s`. The spec asks builds to fail on a malformed value rather than
// ignore it. "" means unset and returns the zero time.
func ParseSourceDateEpoch(s string) (time.Time, error) {
	return parseUnixSeconds("SOURCE_DATE_EPOCH", s, s)
}

// ParseGitCommitTime parses the output of `git log -1 --format=%ct`. Blank
// output (a repository without commits) returns the zero time.
func ParseGitCommitTime(s string) (time.Time, error) {
	return parseUnixSeconds("git commit time", s, strings.TrimSpace(s))
}

func parseUnixSeconds(what, raw, digits string) (time.Time, error) {
	if digits == "" {
		return time.Time{}, nil
	}
	if !unixSecondsPattern.MatchString(digits) {
		return time.Time{}, fmt.Errorf("%w: %s %q: want decimal seconds since 1970-01-01 UTC, e.g. 1700000000", ErrInvalidOption, what, raw)
	}
	seconds, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || seconds > maxUnixSeconds {
		return time.Time{}, fmt.Errorf("%w: %s %q: want seconds up to %d (year 9999)", ErrInvalidOption, what, raw, maxUnixSeconds)
	}
	return time.Unix(seconds, 0).UTC(), nil
}

// CreatedTime picks the image creation time: SOURCE_DATE_EPOCH when set, else
// the commit time, else the Unix epoch. It never uses the current time, so
// rebuilding the same commit gives the same image digest. A set
// SOURCE_DATE_EPOCH wins without the commit time being looked at.
func CreatedTime(sourceDateEpoch, gitCommitTime string) (time.Time, error) {
	if sourceDateEpoch != "" {
		return ParseSourceDateEpoch(sourceDateEpoch)
	}
	commit, err := ParseGitCommitTime(gitCommitTime)
	if err != nil {
		return time.Time{}, err
	}
	if !commit.IsZero() {
		return commit, nil
	}
	return time.Unix(0, 0).UTC(), nil
}
