package grconfig

// The key tables: what go-build does with every key GoReleaser v2.15 (OSS
// and Pro) accepts that Config does not hold. A key in none of them is
// unknown. Paths are the keys' paths without list indexes: builds.hooks.pre
// is a key of any builds[i].hooks.pre[j] object.

// outside are the top-level sections that publish, announce or release
// elsewhere: go-build leaves them to other tools, lists them once, and never
// fails on them. Each says what it does.
var outside = map[string]string{
	"release":          "creates the GitHub, GitLab or Gitea release and uploads to it",
	"milestones":       "closes milestones",
	"changelog":        "writes the release notes",
	"homebrew_casks":   "publishes a Homebrew cask",
	"brews":            "publishes a Homebrew formula",
	"nix":              "publishes a Nix package",
	"winget":           "publishes a winget manifest",
	"aurs":             "publishes to the AUR",
	"aur_sources":      "publishes a source package to the AUR",
	"krews":            "publishes a krew plugin manifest",
	"scoops":           "publishes a Scoop manifest",
	"chocolateys":      "publishes a Chocolatey package",
	"snapcrafts":       "builds and publishes snaps",
	"kos":              "builds and pushes images with ko (go-build: publish)",
	"dockers":          "builds and pushes images (go-build: publish)",
	"dockers_v2":       "builds and pushes images (go-build: publish)",
	"docker_manifests": "pushes image manifests (go-build: publish)",
	"docker_digest":    "writes the digests of pushed images",
	"docker_signs":     "signs pushed images (go-build: with-signing-key publish)",
	"artifactories":    "uploads to Artifactory",
	"uploads":          "uploads over HTTP",
	"blobs":            "uploads to cloud storage",
	"publishers":       "runs custom publishers",
	"announce":         "announces the release",
	"mcp":              "publishes to the MCP registry",
	"notarize":         "signs and notarizes macOS binaries with Apple",
	"env_files":        "reads the tokens publishing uses",
	"force_token":      "chooses the token publishing uses",
	"github_urls":      "points publishing at a GitHub Enterprise",
	"gitlab_urls":      "points publishing at a GitLab",
	"gitea_urls":       "points publishing at a Gitea",
	"retry":            "retries uploads and pushes",
	"report_sizes":     "logs the sizes of the artifacts",
}

// notDone are GoReleaser (OSS) keys of the sections go-build does that it
// does not do, each with a reason or what to use instead. They fail.
var notDone = map[string]map[string]string{
	"": {
		"srpm":         "source RPMs are not made",
		"flatpak":      "Flatpak bundles are not made",
		"makeselfs":    "makeself archives are not made",
		"source":       "source archives are not made",
		"upx":          "binaries are not compressed with upx",
		"gomod":        "builds from the module proxy are not done (go-build builds the source it is given)",
		"binary_signs": "binaries are not signed one by one (signs with artifacts: checksum is)",
	},
	"builds": {
		"buildmode":          "only executables are built",
		"overrides":          "per-target build settings are not applied",
		"tool":               "go-build's toolchain builds (--go-version)",
		"gobinary":           "go-build's toolchain builds (--go-version)",
		"command":            "only go build is run",
		"no_unique_dist_dir": "every target has its own dist directory",
		"no_main_check":      "main is always a main package",
	},
	"universal_binaries": {
		"hooks": "universal binary hooks are not run",
	},
	"archives": {},
	"checksum": {
		"split": "one checksums file is written",
		"ids":   "every artifact is checksummed",
	},
	"nfpms": {
		"epoch": "", "release": "", "prerelease": "", "version_metadata": "",
		"umask": "", "changelog": "", "libdirs": "only executables are packaged",
		"meta": "", "goamd64": "every amd64 level is packaged",
		"rpm": "", "deb": "", "apk": "", "archlinux": "", "ipk": "",
	},
	"nfpms.overrides": {
		"epoch": "", "release": "", "prerelease": "", "version_metadata": "",
		"umask": "", "rpm": "", "deb": "", "apk": "", "archlinux": "", "ipk": "",
	},
	"nfpms.contents": {
		"expand": "contents are not templated",
	},
	"nfpms.overrides.contents": {
		"expand": "contents are not templated",
	},
	"git": {
		"prerelease_suffix": "",
		"ignore_tags":       "",
	},
}

// pro are GoReleaser Pro's keys (www/static/schema-pro.json of v2.15,
// against schema.json) under the sections go-build reads. go-build does
// one of them, monorepo (tag_prefix and dir), which Config holds.
var pro = map[string][]string{
	"": {"after", "app_bundles", "before_publish", "cloudsmiths", "dmg", "dockerhub", "furies", "gemfury",
		"includes", "msi", "nightly", "npms", "nsis", "partial", "pkgs", "template_files", "variables"},
	"builds":            {"prebuilt"},
	"builds.hooks.pre":  {"if"},
	"builds.hooks.post": {"if"},
	"archives":          {"hooks", "templated_files"},
	"nfpms":             {"if", "templated_contents", "templated_scripts"},
	"nfpms.overrides":   {"templated_contents", "templated_scripts"},
	"checksum":          {"templated_extra_files"},
	"signs":             {"if"},
	"git":               {"ignore_tag_prefixes"},
	"metadata":          {"commit_author", "description", "full_description", "homepage", "license", "maintainers"},
}

// removed are keys GoReleaser v2 removed (www/content/resources/
// deprecations.md, "Removed in v2") in the sections go-build reads, with
// what replaced them: still unknown, but the error says so.
var removed = map[string]map[string]string{
	"": {
		"build": "builds",
		"scoop": "scoops",
	},
	"archives": {
		"strip_parent_binary_folder": "strip_binary_directory",
		"rlcp":                       "nothing: it is the behaviour now",
	},
}

// isPro reports whether key under path is a GoReleaser Pro key.
func isPro(path, key string) bool {
	for _, k := range pro[path] {
		if k == key {
			return true
		}
	}
	return false
}
