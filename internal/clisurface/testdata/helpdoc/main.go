// A module whose arguments break and keep every rule CheckHelpDocs has.
package main

import "dagger/x/internal/dagger"

type Thing struct{}

// Build builds.
func (m *Thing) Build(
	// Target platform, as for build.
	// +optional
	arch string,
	// Target platforms, as for build, e.g. linux/amd64,linux/arm64.
	// Default: linux/amd64.
	// +default=["linux/amd64"]
	platforms []string,
	// Platforms to list, e.g. linux/amd64.
	// +default=["linux/amd64"]
	listed []string,
	// A target as the `platforms` function lists them, e.g. arm64.
	// Default: the engine's.
	// +optional
	quoted string,
	// Go build tags.
	// +optional
	tags []string,
	// Build with cgo.
	// +optional
	cgo bool,
	// Registry password.
	// +optional
	password *dagger.Secret,
	// Version to stamp.
	version string,
	// Environment variables, as NAME=value. Default: none.
	// +optional
	env []string,
	// Number of runs. Default: one.
	// +optional
	count int,
	// Base image, e.g. busybox:latest.
	// +default="scratch"
	base string,
	// Image reference to push, such as registry.example/app:1.2.3.
	image string,
	// Where the output goes, e.g. ./bin; the default, ./out, is created.
	// +optional
	out string,
) string {
	return ""
}
