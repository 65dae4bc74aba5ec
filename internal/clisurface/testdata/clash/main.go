// A module with every problem Check looks for.
package main

import "context"

type Thing struct{}

// New makes a Thing.
func New(
	// Where things go.
	// +optional
	output string,
) *Thing {
	return &Thing{}
}

// WithRuntime sets the runtime, for one platform and returns
func (m *Thing) WithRuntime(
	ctx context.Context,
	// Working directory.
	workdir string,
	// +optional
	jsonOutput bool,
	goDownloadUrl string,
) *Thing {
	return m
}

// Fine does one thing.
func (m *Thing) Fine(
	// A documented argument.
	// +default="x"
	name string,
) string {
	return name
}

// helper is not exposed.
func (m *Thing) helper(workdir string) {}
