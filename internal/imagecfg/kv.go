package imagecfg

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// KV is one environment variable or label, kept in a slice rather than a map
// so the order the user gave is preserved.
type KV struct {
	Key, Value string
}

// envKeyPattern is the POSIX portable name for environment variables; other
// names cannot be read by a shell in the image.
var envKeyPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ParseEnv parses "KEY=VALUE" items. The value may be empty or contain '='.
// A key given twice is an error: the image config would keep only one of
// them, and which one is easy to get wrong.
func ParseEnv(items []string) ([]KV, error) {
	return parseKVs(items, "env", "want KEY=VALUE with KEY made of letters, digits and '_', not starting with a digit", func(key string) bool {
		return envKeyPattern.MatchString(key)
	})
}

// ParseLabels parses "key=value" items. The value may be empty or contain '='.
// A key given twice is an error.
func ParseLabels(items []string) ([]KV, error) {
	return parseKVs(items, "label", "want key=value with a non-empty key without spaces, e.g. org.example.team=core", validLabelKey)
}

// validLabelKey accepts any printable key without whitespace: the OCI spec
// only recommends reverse-DNS keys, it does not require them.
func validLabelKey(key string) bool {
	if key == "" {
		return false
	}
	for _, r := range key {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

func parseKVs(items []string, kind, hint string, validKey func(string) bool) ([]KV, error) {
	seen := make(map[string]bool, len(items))
	parsed := make([]KV, 0, len(items))
	for _, item := range items {
		key, value, ok := strings.Cut(item, "=")
		if !ok || !validKey(key) {
			return nil, fmt.Errorf("%w: %s %q: %s", ErrInvalidOption, kind, item, hint)
		}
		if seen[key] {
			return nil, fmt.Errorf("%w: %s key %q given twice; want each key once", ErrInvalidOption, kind, key)
		}
		seen[key] = true
		parsed = append(parsed, KV{Key: key, Value: value})
	}
	return parsed, nil
}

// MergeLabels returns computed labels overridden by user labels with the same
// key, sorted by key so the image config is byte-for-byte reproducible.
func MergeLabels(computed, user []KV) []KV {
	byKey := make(map[string]string, len(computed)+len(user))
	for _, kv := range computed {
		byKey[kv.Key] = kv.Value
	}
	for _, kv := range user {
		byKey[kv.Key] = kv.Value
	}
	merged := make([]KV, 0, len(byKey))
	for key, value := range byKey {
		merged = append(merged, KV{Key: key, Value: value})
	}
	sortByKey(merged)
	return merged
}

func sortByKey(kvs []KV) {
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].Key < kvs[j].Key })
}
