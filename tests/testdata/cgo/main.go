// Command cgo is the cgo fixture of go-build's checks: it calls into libc and
// into zlib (a target package found through pkg-config), so it only links
// when the target's C libraries were installed for the target architecture.
package main

/*
#cgo pkg-config: zlib
#include <stdio.h>
#include <zlib.h>

static int pointer_bits(void) { return (int)(sizeof(void*) * 8); }
*/
import "C"

import (
	"fmt"
	"runtime"
)

func main() {
	fmt.Printf("cgo %s/%s pointer=%d zlib=%s\n", runtime.GOOS, runtime.GOARCH, int(C.pointer_bits()), C.GoString(C.zlibVersion()))
}
