//go:build daggeralias

package main

import "dagger/go-build/internal/dagger"

// dag is declared by the generated dagger.gen.go when the engine loads the
// module. Without an engine (the daggeralias build) it stays nil: unit tests
// exercise validation and pure logic, never container work.
var dag *dagger.Client
