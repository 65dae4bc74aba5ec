package main

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeConsumerExample keeps the docs' example of calling go-build
// from another module (docs/calling-from-a-module.md) identical to the code
// the tests module compiles and runs (tests/consumer.go, between its readme
// markers).
func TestReadmeConsumerExample(t *testing.T) {
	readme, err := os.ReadFile("docs/calling-from-a-module.md")
	if err != nil {
		t.Fatal(err)
	}
	consumer, err := os.ReadFile("tests/consumer.go")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(consumer), "// readme:consumer-example begin\n")
	want, _, ok2 := strings.Cut(rest, "// readme:consumer-example end")
	if !ok || !ok2 {
		t.Fatal("tests/consumer.go lacks the readme:consumer-example markers")
	}
	want = strings.TrimSpace(want)
	if !strings.Contains(string(readme), "```go\n"+want+"\n```") {
		t.Fatalf("docs/calling-from-a-module.md has no go block equal to tests/consumer.go's example:\n%s", want)
	}
}
