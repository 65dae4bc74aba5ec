//go:build daggeralias

// Package sdkpins holds go.mod's requirements for the code Dagger generates.
//
// When the engine loads go-build (and at every `dagger develop`), the Go SDK
// writes dagger.gen.go and internal/dagger/dagger.gen.go, then runs
// `go mod tidy`. Tidy resolves any module those files import that go.mod does
// not require to its newest version; a new github.com/dagger/otel-go does not
// build with the otel log replaces of the SDK's go.mod, and the module then
// fails to load on every engine. The blank imports below are the generated
// code's imports (Dagger v0.21.8's Go templates), so a local `go mod tidy`
// keeps their requirements at the versions pinned in go.mod.
// pins_test.go checks go.mod, tests/go.mod and bench/go.mod against this list
// and builds the pinned set with the SDK's replaces applied.
//
// The engine builds without the daggeralias tag and ignores this file.
package sdkpins

import (
	_ "github.com/Khan/genqlient/graphql"
	_ "github.com/dagger/otel-go"
	_ "github.com/dagger/querybuilder"
	_ "github.com/vektah/gqlparser/v2/gqlerror"
	_ "go.opentelemetry.io/otel"
	_ "go.opentelemetry.io/otel/propagation"
	_ "go.opentelemetry.io/otel/sdk/resource"
	_ "go.opentelemetry.io/otel/semconv/v1.40.0"
	_ "go.opentelemetry.io/otel/trace"
)
