// Package words is the private module the git server of the checks
// serves over smart HTTP, only to the right login.
package words

// Word is what the git-served module returns.
func Word() string { return "and from git.internal/words" }
