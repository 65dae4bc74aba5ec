// Command purego is the pure-Go fixture of go-build's checks: it prints the
// platform it was built for, so a run in a target container proves the
// binary is the right one.
package main

import (
	"fmt"
	"runtime"
)

var version = "unset"

func main() {
	fmt.Printf("purego %s/%s version=%s\n", runtime.GOOS, runtime.GOARCH, version)
}
