package release

import (
	"fmt"
	"time"

	"dagger/go-build/internal/imagecfg"
)

// fixedTime is the time of every archive entry and SBOM of a source with
// no git history, when no SOURCE_DATE_EPOCH is given: 1980-01-01T00:00:00Z,
// the earliest time a zip archive can store (its MS-DOS dates start in
// 1980; CheckMTime refuses anything earlier). It is fixed, never the
// clock, so rebuilding gives the same bytes.
var fixedTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Time is the time of every archive entry and SBOM: explicit (from
// SOURCE_DATE_EPOCH, already checked) when not zero, else the source's
// commit time, commitTS as `git log -1 --format=%ct` prints it, else
// 1980-01-01T00:00:00Z. A commit time a zip archive cannot store is an
// error.
func Time(explicit time.Time, commitTS string) (time.Time, error) {
	if !explicit.IsZero() {
		return explicit, nil
	}
	commit, err := imagecfg.ParseGitCommitTime(commitTS)
	if err != nil {
		return time.Time{}, err
	}
	if commit.IsZero() {
		return fixedTime, nil
	}
	if err := CheckMTime(commit); err != nil {
		return time.Time{}, fmt.Errorf("the source's commit time: %w", err)
	}
	return commit, nil
}

// VersionOrDescribe is the version in file names: given when not nil, else
// read from describe, git describe of the source, with the first seven
// characters of revision, its commit hash, for a snapshot version. A
// source without git history (describe empty) wraps ErrVersion.
func VersionOrDescribe(given *Version, describe, revision string) (Version, error) {
	if given != nil {
		return *given, nil
	}
	if describe == "" {
		return Version{}, fmt.Errorf("%w: the source has no git history to describe: give release a version, e.g. --version v1.2.3", ErrVersion)
	}
	short := revision
	if len(short) > 7 {
		short = short[:7]
	}
	return FromDescribe(describe, short)
}
