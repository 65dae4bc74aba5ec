package koconfig

import (
	"fmt"
	"strings"
)

// Invocation is what one build adds to go build, as ko assembles it.
type Invocation struct {
	// Env is added to the build's environment after the caller's (a later
	// entry wins): the build's env, else defaultEnv. ko does not expand
	// templates in env.
	Env []string
	// Flags are the build's flags, else defaultFlags, expanded. ko adds
	// -trimpath after them; go-build's build script owns that flag.
	Flags []string
	// Ldflags are the build's ldflags, else defaultLdflags, each expanded;
	// go build gets them joined with spaces as one -ldflags=.
	Ldflags []string
}

// Args is the invocation's go build arguments before the package, as ko
// passes them: the flags, then one -ldflags= when there are ldflags.
func (i Invocation) Args() []string {
	args := append([]string(nil), i.Flags...)
	if len(i.Ldflags) > 0 {
		args = append(args, "-ldflags="+strings.Join(i.Ldflags, " "))
	}
	return args
}

// Invocation assembles what go build gets for build b (the zero Build when
// no builds entry applies: the defaults alone). baseEnv is the build's
// environment before b's env (the target's GOOS, GOARCH..., the user's
// --go-env); data.Env is filled from it and b's env. Templates run through
// exec (BoundedExecutor when nil). A template that fails, and a -toolexec
// flag (which ko refuses too), fail naming the build and the value.
func (c *Config) Invocation(b Build, baseEnv []string, data Data, exec Executor) (Invocation, error) {
	if exec == nil {
		exec = BoundedExecutor
	}
	what := "defaults"
	if b.ID != "" {
		what = "builds entry " + b.ID
	}
	inv := Invocation{Env: b.Env}
	if len(inv.Env) == 0 {
		inv.Env = c.DefaultEnv
	}
	env := map[string]string{}
	for _, e := range append(append([]string(nil), baseEnv...), inv.Env...) {
		k, v, ok := strings.Cut(e, "=")
		if !ok {
			return Invocation{}, fmt.Errorf("%w: %s: %s: env entry %q has no '='; want KEY=value", ErrConfig, c.File, what, e)
		}
		env[k] = v
	}
	for k, v := range data.Env {
		if _, set := env[k]; !set {
			env[k] = v
		}
	}
	data.Env = env
	value := data.value()
	expand := func(key string, list []string) ([]string, error) {
		out := make([]string, 0, len(list))
		for _, t := range list {
			s, err := exec(t, value)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %s: %w", c.File, what, key, err)
			}
			out = append(out, s)
		}
		return out, nil
	}
	flags, ldflags := b.Flags, b.Ldflags
	if len(flags) == 0 {
		flags = c.DefaultFlags
	}
	if len(ldflags) == 0 {
		ldflags = c.DefaultLdflags
	}
	var err error
	if inv.Flags, err = expand("flags", flags); err != nil {
		return Invocation{}, err
	}
	if inv.Ldflags, err = expand("ldflags", ldflags); err != nil {
		return Invocation{}, err
	}
	for _, a := range inv.Args() {
		for _, d := range []string{"-", "--"} {
			if a == d+"toolexec" || strings.HasPrefix(a, d+"toolexec=") {
				return Invocation{}, fmt.Errorf("%w: %s: %s: flag %q is refused (as ko refuses it): it would run another program around the compiler", ErrConfig, c.File, what, a)
			}
		}
	}
	return inv, nil
}
