package imagecfg

import (
	"reflect"
	"testing"

	"dagger/go-build/internal/errtest"
)

func TestParseEnv(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []KV
		wantErr string
	}{
		{name: "none", in: nil, want: []KV{}},
		{name: "plain", in: []string{"A=1", "_B2=two"}, want: []KV{{"A", "1"}, {"_B2", "two"}}},
		{name: "value with equals", in: []string{"OPTS=-a=b -c=d"}, want: []KV{{"OPTS", "-a=b -c=d"}}},
		{name: "empty value", in: []string{"EMPTY="}, want: []KV{{"EMPTY", ""}}},
		{name: "order kept", in: []string{"Z=1", "A=2"}, want: []KV{{"Z", "1"}, {"A", "2"}}},
		{name: "missing equals", in: []string{"PATH"}, wantErr: `env "PATH": want KEY=VALUE`},
		{name: "empty key", in: []string{"=v"}, wantErr: `env "=v"`},
		{name: "key starts with digit", in: []string{"1A=v"}, wantErr: `env "1A=v"`},
		{name: "key with dash", in: []string{"MY-VAR=v"}, wantErr: `env "MY-VAR=v"`},
		{name: "key with space", in: []string{"A B=v"}, wantErr: `env "A B=v"`},
		{name: "empty item", in: []string{""}, wantErr: `env ""`},
		{name: "duplicate key", in: []string{"A=1", "A=2"}, wantErr: `env key "A" given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEnv(tt.in)
			errtest.Check(t, err, ErrInvalidOption, tt.wantErr)
			if tt.wantErr == "" && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseEnv(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseLabels(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []KV
		wantErr string
	}{
		{name: "none", in: nil, want: []KV{}},
		{name: "reverse dns keys", in: []string{"org.example.team=core", "com.example/x=y"}, want: []KV{{"org.example.team", "core"}, {"com.example/x", "y"}}},
		{name: "value with equals and spaces", in: []string{"desc=a = b"}, want: []KV{{"desc", "a = b"}}},
		{name: "empty value", in: []string{"flag="}, want: []KV{{"flag", ""}}},
		{name: "missing equals", in: []string{"team"}, wantErr: `label "team": want key=value`},
		{name: "empty key", in: []string{"=core"}, wantErr: `label "=core"`},
		{name: "key with space", in: []string{"my team=core"}, wantErr: `label "my team=core"`},
		{name: "key with control char", in: []string{"a\x01=b"}, wantErr: `label "a\x01=b"`},
		{name: "duplicate key", in: []string{"team=a", "other=x", "team=b"}, wantErr: `label key "team" given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLabels(tt.in)
			errtest.Check(t, err, ErrInvalidOption, tt.wantErr)
			if tt.wantErr == "" && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseLabels(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestMergeLabels(t *testing.T) {
	tests := []struct {
		name           string
		computed, user []KV
		want           []KV
	}{
		{name: "both empty", want: []KV{}},
		{name: "computed only, sorted", computed: []KV{{"b", "1"}, {"a", "2"}}, want: []KV{{"a", "2"}, {"b", "1"}}},
		{name: "user only", user: []KV{{"x", "1"}}, want: []KV{{"x", "1"}}},
		{
			name:     "user overrides same key",
			computed: []KV{{"org.opencontainers.image.version", "v1"}, {"org.opencontainers.image.source", "https://a"}},
			user:     []KV{{"org.opencontainers.image.version", "custom"}, {"team", "core"}},
			want:     []KV{{"org.opencontainers.image.source", "https://a"}, {"org.opencontainers.image.version", "custom"}, {"team", "core"}},
		},
		{name: "user empty value still overrides", computed: []KV{{"k", "v"}}, user: []KV{{"k", ""}}, want: []KV{{"k", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MergeLabels(tt.computed, tt.user); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("MergeLabels() = %v, want %v", got, tt.want)
			}
		})
	}
}
