// Command greet is one of the two commands of the run checks' fixture: it
// prints the platform it was built for and its arguments, on stdout, and a
// line on stderr, so a check sees the run's combined output.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

func main() {
	fmt.Printf("greet %s/%s args=%s\n", runtime.GOOS, runtime.GOARCH, strings.Join(os.Args[1:], ","))
	fmt.Fprintln(os.Stderr, "greet: done")
}
