package koresolve

import (
	"path"
	"sort"
	"strings"
)

// Select is the manifest files ko resolve reads for one --filename, in the
// order it reads them. given names a file or a directory; a file is read
// whatever its name. For a directory, paths are the files below it
// (slash-separated, relative to it): those ending in .yaml or .json are read
// (not .yml, as in ko), in filepath.Walk's order (each directory's entries
// sorted by name, a directory's files where its name sorts), only the
// directory's own files unless recursive (ko's --recursive, -R). The result
// joins each to given.
func Select(given string, isDir bool, paths []string, recursive bool) []string {
	if !isDir {
		return []string{given}
	}
	var picked []string
	for _, p := range paths {
		p = strings.TrimPrefix(path.Clean(p), "./")
		if !recursive && strings.Contains(p, "/") {
			continue
		}
		switch path.Ext(p) {
		case ".yaml", ".json":
			picked = append(picked, p)
		}
	}
	sort.Slice(picked, func(i, j int) bool { return walkLess(picked[i], picked[j]) })
	out := make([]string, len(picked))
	for i, p := range picked {
		out[i] = path.Join(given, p)
	}
	return out
}

// walkLess orders two paths as filepath.Walk visits them: element by
// element, by name.
func walkLess(a, b string) bool {
	ea, eb := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(ea) && i < len(eb); i++ {
		if ea[i] != eb[i] {
			return ea[i] < eb[i]
		}
	}
	return len(ea) < len(eb)
}
