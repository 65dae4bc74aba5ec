// Command api serves the shop's static files from its kodata directory.
package main

import (
	"fmt"
	"net/http"
	"os"
)

var version, commit, built, arch = "dev", "none", "unknown", "unknown"

func main() {
	fmt.Println("api", version, commit, built, arch)
	http.Handle("/", http.FileServer(http.Dir(os.Getenv("KO_DATA_PATH"))))
	if len(os.Args) > 1 && os.Args[1] == "--wait" {
		return
	}
	_ = http.ListenAndServe(":8080", nil)
}
