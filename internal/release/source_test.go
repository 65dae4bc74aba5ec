package release

import (
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

func TestVersionOrDescribe(t *testing.T) {
	given := &Version{Raw: "v3.0.0", Name: "3.0.0"}
	const rev = "abc1234def5678abc1234def5678abc1234def56"
	tests := []struct {
		name     string
		given    *Version
		describe string
		revision string
		want     string
		sentinel error
		wantErr  string
	}{
		{"given wins", given, "v1.0.0", "", "3.0.0", nil, ""},
		{"exact tag", nil, "v1.2.3", rev, "1.2.3", nil, ""},
		{"after a tag", nil, "v1.2.3-4-gabc1234", rev, "1.2.3-SNAPSHOT-abc1234", nil, ""},
		{"dirty tag uses the short commit", nil, "v1.2.3-dirty", rev, "1.2.3-SNAPSHOT-abc1234", nil, ""},
		{"no tag", nil, "abc1234", rev, "0.0.0-SNAPSHOT-abc1234", nil, ""},
		{"no git", nil, "", "", "", ErrVersion, "--version v1.2.3"},
		{"tag that is not a version", nil, "nightly", rev, "", ErrVersion, `"nightly"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := VersionOrDescribe(tt.given, tt.describe, tt.revision)
			errtest.Check(t, err, tt.sentinel, tt.wantErr)
			if err == nil && v.Name != tt.want {
				t.Errorf("version %q, want %q", v.Name, tt.want)
			}
		})
	}
}

func TestTime(t *testing.T) {
	explicit := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		name     string
		explicit time.Time
		commit   string
		want     time.Time
		wantErr  string
	}{
		{"source date epoch wins", explicit, "1700000000", explicit, ""},
		{"commit time", time.Time{}, "1700000000\n", time.Unix(1700000000, 0).UTC(), ""},
		{"no git: the documented fixed time", time.Time{}, "", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{"commit time zip cannot store", time.Time{}, "100", time.Time{}, "commit time"},
		{"garbled commit time", time.Time{}, "soon", time.Time{}, `"soon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Time(tt.explicit, tt.commit)
			errtest.Check(t, err, nil, tt.wantErr)
			if err == nil && !got.Equal(tt.want) {
				t.Errorf("time %v, want %v", got, tt.want)
			}
			if err == nil {
				if err := CheckMTime(got); err != nil {
					t.Errorf("zip cannot store %v: %v", got, err)
				}
			}
		})
	}
}
