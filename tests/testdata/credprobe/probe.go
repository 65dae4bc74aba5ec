// Package credprobe needs two private modules, so its tests compile only
// with the credentials (a netrc login for the module proxy, a git token for
// the git server); its tests check that running them sees none of those.
package credprobe

import (
	"git.internal/words"
	"mods.internal/greet"
)

// Greeting is both private modules' strings.
func Greeting() string { return greet.Hello() + " " + words.Word() }
