// Package greet is the private module the module proxy of the checks
// serves, only to the right login.
package greet

// Hello is what the private module returns.
func Hello() string { return "hello from the private module mods.internal/greet" }
