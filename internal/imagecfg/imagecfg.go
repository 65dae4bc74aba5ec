// Package imagecfg parses and validates the options of the runtime image that
// publish, image and containers produce: where it is pushed, its tags,
// environment, labels, exposed ports and OCI provenance metadata. It has no
// Dagger dependency so every rule is unit-tested.
package imagecfg

import "errors"

var (
	// ErrInvalidReference is wrapped by every error about an image reference
	// or tag.
	ErrInvalidReference = errors.New("invalid image reference")
	// ErrInvalidOption is wrapped by every error about env, labels, ports and
	// timestamps.
	ErrInvalidOption = errors.New("invalid image option")
)
