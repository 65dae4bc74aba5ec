// Command privapp needs two private modules: one from an authenticating
// module proxy, one from an authenticating git server.
package main

import (
	"fmt"

	"git.internal/words"
	"mods.internal/greet"
)

func main() { fmt.Println(greet.Hello(), words.Word()) }
