package main

import (
	"dagger/go-build/internal/dagger"
	"dagger/go-build/internal/goenv"
)

// goFlags are the go flags go-build sets in GOFLAGS: the module cache stays
// writable, so a cache volume can be cleaned up by anyone.
const goFlags = "-modcacherw"

// goEnvVars is the user's --go-env, checked by New.
func (m *GoBuild) goEnvVars() []goenv.Var {
	vars, _ := goenv.Parse(m.GoEnv)
	return vars
}

// withGoEnvVars adds the user's --go-env to a build container, GOFLAGS after
// go-build's own. It comes after the cgo setup, so changing it does not
// repeat the installation of the target's C libraries.
func (m *GoBuild) withGoEnvVars(ctr *dagger.Container) *dagger.Container {
	for _, v := range m.goEnvVars() {
		if v.Name == "GOFLAGS" {
			ctr = ctr.WithEnvVariable("GOFLAGS", goenv.GoFlags(goFlags, m.goEnvVars()))
			continue
		}
		ctr = ctr.WithEnvVariable(v.Name, v.Value)
	}
	return ctr
}

// goEnvRecord is the user's --go-env as the provenance records it: each
// variable as the go command saw it (GOFLAGS with go-build's own flags).
func (m *GoBuild) goEnvRecord() map[string]string {
	vars := m.goEnvVars()
	env := map[string]string{}
	for _, v := range vars {
		env[v.Name] = v.Value
	}
	if _, ok := env["GOFLAGS"]; ok {
		env["GOFLAGS"] = goenv.GoFlags(goFlags, vars)
	}
	return env
}
