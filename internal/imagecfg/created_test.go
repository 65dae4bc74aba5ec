package imagecfg

import (
	"testing"
	"time"

	"dagger/go-build/internal/errtest"
)

var (
	epoch    = time.Unix(0, 0).UTC()
	sde      = time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC) // 1700000000
	commitAt = time.Date(2020, 9, 13, 12, 26, 40, 0, time.UTC)  // 1600000000
)

func TestParseSourceDateEpoch(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{in: "", want: time.Time{}},
		{in: "0", want: epoch},
		{in: "1700000000", want: sde},
		{in: "253402300799", want: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{in: "253402300800", wantErr: `SOURCE_DATE_EPOCH "253402300800": want seconds up to`},
		{in: "99999999999999999999", wantErr: `SOURCE_DATE_EPOCH "99999999999999999999"`},
		{in: "1700000000.5", wantErr: `SOURCE_DATE_EPOCH "1700000000.5": want decimal seconds`},
		{in: "-1", wantErr: `SOURCE_DATE_EPOCH "-1"`},
		{in: "+1", wantErr: `SOURCE_DATE_EPOCH "+1"`},
		{in: " 1700000000", wantErr: `SOURCE_DATE_EPOCH " 1700000000"`},
		{in: " ", wantErr: `SOURCE_DATE_EPOCH " "`},
		{in: "2023-11-14", wantErr: `SOURCE_DATE_EPOCH "2023-11-14"`},
		{in: "0x10", wantErr: `SOURCE_DATE_EPOCH "0x10"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSourceDateEpoch(tt.in)
			errtest.Check(t, err, ErrInvalidOption, tt.wantErr)
			if tt.wantErr == "" && !got.Equal(tt.want) {
				t.Fatalf("ParseSourceDateEpoch(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if tt.wantErr == "" && !tt.want.IsZero() && got.Location() != time.UTC {
				t.Fatalf("ParseSourceDateEpoch(%q) location = %v, want UTC", tt.in, got.Location())
			}
		})
	}
}

func TestParseGitCommitTime(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{in: "1600000000\n", want: commitAt},
		{in: "  1600000000  ", want: commitAt},
		{in: "", want: time.Time{}},
		{in: "\n", want: time.Time{}},
		{in: "fatal: not a git repository", wantErr: `git commit time "fatal: not a git repository": want decimal seconds`},
		{in: "1600000000 +0200", wantErr: `git commit time "1600000000 +0200"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseGitCommitTime(tt.in)
			errtest.Check(t, err, ErrInvalidOption, tt.wantErr)
			if tt.wantErr == "" && !got.Equal(tt.want) {
				t.Fatalf("ParseGitCommitTime(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCreatedTime(t *testing.T) {
	tests := []struct {
		name            string
		sourceDateEpoch string
		gitCommitTime   string
		want            time.Time
		wantErr         string
	}{
		{name: "SOURCE_DATE_EPOCH wins", sourceDateEpoch: "1700000000", gitCommitTime: "1600000000\n", want: sde},
		{name: "SOURCE_DATE_EPOCH 0 is set, not unset", sourceDateEpoch: "0", gitCommitTime: "1600000000", want: epoch},
		{name: "SOURCE_DATE_EPOCH wins over bad commit time", sourceDateEpoch: "1700000000", gitCommitTime: "garbage", want: sde},
		{name: "commit time when no SOURCE_DATE_EPOCH", gitCommitTime: "1600000000\n", want: commitAt},
		{name: "unix epoch when neither", want: epoch},
		{name: "unix epoch when commit output blank", gitCommitTime: " \n", want: epoch},
		{name: "bad SOURCE_DATE_EPOCH is an error", sourceDateEpoch: "soon", gitCommitTime: "1600000000", wantErr: `SOURCE_DATE_EPOCH "soon"`},
		{name: "bad commit time is an error", gitCommitTime: "yesterday", wantErr: `git commit time "yesterday"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CreatedTime(tt.sourceDateEpoch, tt.gitCommitTime)
			errtest.Check(t, err, ErrInvalidOption, tt.wantErr)
			if tt.wantErr == "" && !got.Equal(tt.want) {
				t.Fatalf("CreatedTime(%q, %q) = %v, want %v", tt.sourceDateEpoch, tt.gitCommitTime, got, tt.want)
			}
		})
	}
}
