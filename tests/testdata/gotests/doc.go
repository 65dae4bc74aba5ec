// Package gotests is the fixture of go-build's test checks: tests that pass
// or fail depending on the platform they run on. This package has no tests
// of its own (go test reports it as "[no test files]").
package gotests
