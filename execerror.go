package main

import (
	"errors"
	"fmt"
	"strings"

	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/pkgscript"
	"dagger/go-build/internal/privmod"
)

// withStderr adds a failed command's stderr (the compiler's or linker's
// message) to its error. A failed package command (apt-get, apk) is cut
// down to its reason: the command and the package manager's explanation,
// not its progress.
//
// The result does not wrap the exec error: when a module function returns
// an error that unwraps, one wrap at a time, to the engine's GraphQL error,
// the SDK's generated code reports that error's own message alone ("exit
// code: 100"), dropping every word added around it.
func withStderr(err error) error {
	var exec *dagger.ExecError
	if !errors.As(err, &exec) || exec.Stderr == "" {
		return err
	}
	detail := strings.TrimSpace(exec.Stderr)
	if reason, ok := pkgscript.Reason(exec.Stderr); ok {
		detail = reason
	}
	// A private module's server that refused the login, or whose
	// certificate did not verify: say which and what to give.
	if hint := privmod.Diagnose(exec.Stderr).Hint(); hint != "" {
		detail += "\n" + hint
	}
	return fmt.Errorf("%v\n%s", err, detail)
}
