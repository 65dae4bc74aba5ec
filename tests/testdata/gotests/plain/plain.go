// Package plain reads its greeting from a file.
package plain

import (
	"os"
	"strings"
)

// Greeting is the first line of the file at path.
func Greeting(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return line, nil
}
