package imagecfg

import (
	"reflect"
	"testing"
	"time"
)

func TestProvenanceLabels(t *testing.T) {
	created := time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("CEST", 2*60*60))
	tests := []struct {
		name string
		in   Provenance
		want []KV
	}{
		{name: "empty", in: Provenance{}, want: nil},
		{
			name: "all fields, sorted, created in UTC",
			in:   Provenance{Source: "https://github.com/o/r", Revision: "abc123", Version: "v1.2.3", Created: created},
			want: []KV{
				{"org.opencontainers.image.created", "2024-05-06T05:08:09Z"},
				{"org.opencontainers.image.revision", "abc123"},
				{"org.opencontainers.image.source", "https://github.com/o/r"},
				{"org.opencontainers.image.version", "v1.2.3"},
			},
		},
		{
			name: "only revision",
			in:   Provenance{Revision: "abc123"},
			want: []KV{{"org.opencontainers.image.revision", "abc123"}},
		},
		{
			name: "unix epoch is a real time, not unset",
			in:   Provenance{Source: "https://x", Created: time.Unix(0, 0)},
			want: []KV{
				{"org.opencontainers.image.created", "1970-01-01T00:00:00Z"},
				{"org.opencontainers.image.source", "https://x"},
			},
		},
		{
			name: "sub-second precision dropped",
			in:   Provenance{Created: time.Date(2024, 1, 2, 3, 4, 5, 999, time.UTC)},
			want: []KV{{"org.opencontainers.image.created", "2024-01-02T03:04:05Z"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Labels(); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Labels() = %v, want %v", got, tt.want)
			}
		})
	}
}
