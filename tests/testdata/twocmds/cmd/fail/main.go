// Command fail is the other command of the run checks' fixture: it prints a
// line on stdout and one on stderr, then exits with the code given as its
// argument (default 3), so a check sees a failed run's code and stderr.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
)

func main() {
	code := 3
	if len(os.Args) > 1 {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "fail: exit code %q is not a number\n", os.Args[1])
			os.Exit(2)
		}
		code = n
	}
	fmt.Println("fail: about to fail")
	fmt.Fprintf(os.Stderr, "fail: failing on %s/%s with code %d\n", runtime.GOOS, runtime.GOARCH, code)
	os.Exit(code)
}
