//go:build daggeralias

// Package dagger stands in for the bindings Dagger generates into this
// directory when the module loads (dagger.gen.go, never tracked). It aliases
// the published SDK's types so the module compiles, vets and unit-tests
// without an engine: `go test -tags daggeralias ./...`. The engine builds
// without the tag, so it ignores this file.
package dagger

import sdk "dagger.io/dagger"

type (
	CacheVolume      = sdk.CacheVolume
	CacheSharingMode = sdk.CacheSharingMode
	Client           = sdk.Client
	Container        = sdk.Container
	Directory        = sdk.Directory
	ExecError        = sdk.ExecError
	File             = sdk.File
	FileType         = sdk.FileType
	NetworkProtocol  = sdk.NetworkProtocol
	Platform         = sdk.Platform
	ReturnType       = sdk.ReturnType
	Secret           = sdk.Secret
	Service          = sdk.Service
	Workspace        = sdk.Workspace

	ContainerAsTarballOpts         = sdk.ContainerAsTarballOpts
	ContainerOpts                  = sdk.ContainerOpts
	ContainerPublishOpts           = sdk.ContainerPublishOpts
	ContainerWithDirectoryOpts     = sdk.ContainerWithDirectoryOpts
	ContainerWithExecOpts          = sdk.ContainerWithExecOpts
	ContainerWithExposedPortOpts   = sdk.ContainerWithExposedPortOpts
	ContainerWithFileOpts          = sdk.ContainerWithFileOpts
	ContainerWithMountedCacheOpts  = sdk.ContainerWithMountedCacheOpts
	ContainerWithMountedSecretOpts = sdk.ContainerWithMountedSecretOpts
	HTTPOpts                       = sdk.HTTPOpts
	WorkspaceDirectoryOpts         = sdk.WorkspaceDirectoryOpts
	DirectoryFilterOpts            = sdk.DirectoryFilterOpts
	DirectoryStatOpts              = sdk.DirectoryStatOpts
)

const (
	CacheSharingModeShared = sdk.CacheSharingModeShared
	FileTypeDirectory      = sdk.FileTypeDirectory
	FileTypeRegular        = sdk.FileTypeRegular
	FileTypeSymlink        = sdk.FileTypeSymlink
	NetworkProtocolTcp     = sdk.NetworkProtocolTcp
	NetworkProtocolUdp     = sdk.NetworkProtocolUdp
	ReturnTypeAny          = sdk.ReturnTypeAny
	ReturnTypeSuccess      = sdk.ReturnTypeSuccess
)
