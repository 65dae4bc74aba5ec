package imagecfg

import (
	"reflect"
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestParsePorts(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []Port
		wantErr string
	}{
		{name: "none", in: nil, want: []Port{}},
		{name: "default tcp", in: []string{"8080"}, want: []Port{{8080, "tcp"}}},
		{name: "explicit protocols", in: []string{"8080/tcp", "53/udp"}, want: []Port{{8080, "tcp"}, {53, "udp"}}},
		{name: "same number both protocols", in: []string{"53/tcp", "53/udp"}, want: []Port{{53, "tcp"}, {53, "udp"}}},
		{name: "bounds", in: []string{"1", "65535"}, want: []Port{{1, "tcp"}, {65535, "tcp"}}},
		{name: "zero", in: []string{"0"}, wantErr: `port "0" out of range`},
		{name: "too big", in: []string{"65536"}, wantErr: `port "65536" out of range`},
		{name: "huge", in: []string{"99999999999999999999"}, wantErr: `port "99999999999999999999" out of range`},
		{name: "negative", in: []string{"-1"}, wantErr: `port "-1"`},
		{name: "plus sign", in: []string{"+80"}, wantErr: `port "+80"`},
		{name: "name", in: []string{"http"}, wantErr: `port "http"`},
		{name: "empty", in: []string{""}, wantErr: `port ""`},
		{name: "range", in: []string{"8000-8080"}, wantErr: `port "8000-8080"`},
		{name: "unknown protocol", in: []string{"80/sctp"}, wantErr: `protocol "sctp"`},
		{name: "uppercase protocol", in: []string{"80/TCP"}, wantErr: `protocol "TCP"`},
		{name: "empty protocol", in: []string{"80/"}, wantErr: `protocol ""`},
		{name: "duplicate via default", in: []string{"8080", "8080/tcp"}, wantErr: `port "8080/tcp" repeats 8080/tcp`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePorts(tt.in)
			errtest.Check(t, err, ErrInvalidOption, tt.wantErr)
			if tt.wantErr == "" && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParsePorts(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
