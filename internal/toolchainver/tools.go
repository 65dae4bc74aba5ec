package toolchainver

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// ErrTool is wrapped by the error for an extra tool entry that is not
// package@version.
var ErrTool = errors.New("invalid tool")

// toolExample is an entry the errors show.
const toolExample = "golang.org/x/tools/cmd/goimports@v0.30.0"

// CheckTool checks an extra tool entry of the toolchain, package@version,
// against a closed pattern before it reaches go get and go build: the
// package is a path of a module's package as golang.org/x/mod/module's
// CheckPath accepts one (a first element with a dot, no leading dash,
// only ASCII letters, digits and -._~ in each element), and the version a
// semantic version (v0.30.0, v0.30, a pseudo-version, v2.0.0+incompatible)
// or latest. Nothing in an entry can then be read as an option or by the
// shell. Errors wrap ErrTool and name the entry and what is accepted.
func CheckTool(entry string) error {
	fail := func(reason string) error {
		return fmt.Errorf("%w %q: %s; want package@version, the package a Go package path and the version a semantic version such as v0.30.0 or latest, e.g. %s",
			ErrTool, entry, reason, toolExample)
	}
	path, version, ok := strings.Cut(entry, "@")
	switch {
	case !ok:
		return fail("no @version")
	case path == "":
		return fail("no package path before @")
	case version == "":
		return fail("no version after @")
	}
	if err := module.CheckPath(path); err != nil {
		return fail(err.Error())
	}
	if version != "latest" && !semver.IsValid(version) {
		return fail(fmt.Sprintf("version %q is not a semantic version", version))
	}
	return nil
}

// CheckTools checks every entry with CheckTool and reports all the bad
// ones.
func CheckTools(entries []string) error {
	var errs []error
	for _, e := range entries {
		errs = append(errs, CheckTool(e))
	}
	return errors.Join(errs...)
}
