package linuxpkg

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultHomepage(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/mikefarah/yq/v4":   "https://github.com/mikefarah/yq",
		"github.com/spf13/cobra":       "https://github.com/spf13/cobra",
		"example.com/purego":           "https://example.com/purego",
		"go.etcd.io/etcd/v3":           "https://go.etcd.io/etcd",
		"gopkg.in/yaml.v3":             "https://gopkg.in/yaml.v3",
		"github.com/owner/repo/cmd/v1": "https://github.com/owner/repo/cmd/v1",
		"github.com/owner/v2":          "https://github.com/owner",
		"example/app":                  "",
		"app":                          "",
		"":                             "",
	} {
		if got := DefaultHomepage(in); got != want {
			t.Errorf("DefaultHomepage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDetectLicense(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"MIT License\n\nCopyright (c) 2024 Someone\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software", "MIT"},
		{"                                 Apache License\n                           Version 2.0, January 2004\n", "Apache-2.0"},
		{"Copyright (c) 2009 The Go Authors.\n\nRedistribution and use in source and binary forms, with or without\nmodification, are permitted ...\n   * Neither the name of Google LLC nor the names of its", "BSD-3-Clause"},
		{"Redistribution and use in source and binary forms, with or without modification, are permitted provided that", "BSD-2-Clause"},
		{"Permission to use, copy, modify, and/or distribute this software for any\npurpose with or without fee is hereby granted, provided that the above\ncopyright notice and this permission notice appear in all copies.", "ISC"},
		{"Permission to use, copy, modify, and/or distribute this software for any\npurpose with or without fee is hereby granted.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\"", "0BSD"},
		{"Mozilla Public License Version 2.0\n==================================", "MPL-2.0"},
		{"This is free and unencumbered software released into the public domain.", "Unlicense"},
		{"// SPDX-License-Identifier: Apache-2.0 OR MIT\n", "Apache-2.0 OR MIT"},
		{"/* SPDX-License-Identifier: BSD-2-Clause */\nRedistribution and use in source and binary forms", "BSD-2-Clause"},
		{"                    GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007", ""},
		{"All rights reserved. Do not copy.", ""},
		{"", ""},
	} {
		if got := DetectLicense(c.text); got != c.want {
			t.Errorf("DetectLicense(%.40q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestIsLicenseFile(t *testing.T) {
	for name, want := range map[string]bool{
		"LICENSE": true, "LICENSE.md": true, "license.txt": true, "LICENCE": true, "COPYING": true, "LICENSE-APACHE": true,
		"README.md": false, "LICENSES": false, "CHANGELOG.md": false,
	} {
		if got := IsLicenseFile(name); got != want {
			t.Errorf("IsLicenseFile(%q) = %v", name, got)
		}
	}
}

func TestMetadataWithDefaults(t *testing.T) {
	got := Metadata{}.WithDefaults("yq", "github.com/mikefarah/yq/v4", "Permission is hereby granted, free of charge, to any person obtaining a copy")
	want := Metadata{
		Maintainer:  DefaultMaintainer,
		Description: "yq, built from the Go module github.com/mikefarah/yq/v4",
		Homepage:    "https://github.com/mikefarah/yq",
		License:     "MIT",
	}
	if got != want {
		t.Errorf("defaults = %+v, want %+v", got, want)
	}
	given := Metadata{Maintainer: "Jane <jane@example.com>", Description: "d", Homepage: "https://example.com", License: "Apache-2.0", Vendor: "ACME"}
	if got := given.WithDefaults("yq", "github.com/mikefarah/yq/v4", "MIT text"); got != given {
		t.Errorf("given fields changed: %+v", got)
	}
}

func TestMetadataCheck(t *testing.T) {
	if err := (Metadata{Maintainer: "Jane Doe <jane@example.com>", Homepage: "https://example.com/x", Description: "A tool.", License: "MIT", Vendor: "ACME"}).Check(); err != nil {
		t.Errorf("good metadata: %v", err)
	}
	if err := (Metadata{}).Check(); err != nil {
		t.Errorf("empty metadata: %v", err)
	}
	for _, c := range []struct {
		m    Metadata
		want string
	}{
		{Metadata{Maintainer: "Jane Doe"}, "packageMaintainer \"Jane Doe\""},
		{Metadata{Homepage: "github.com/x/y"}, "packageHomepage \"github.com/x/y\""},
		{Metadata{Homepage: "ftp://example.com"}, "packageHomepage"},
		{Metadata{Homepage: "https://me:s3cret@example.com/x"}, `packageHomepage "https://me:xxxxx@example.com/x" holds a user or password`},
		{Metadata{Homepage: "https://me:pa#s3cret@example.com/x"}, "packageHomepage (its value is not shown"},
		{Metadata{Description: "one\nDepends: evil"}, "packageDescription"},
		{Metadata{Vendor: "a\tb"}, "packageVendor"},
		{Metadata{License: strings.Repeat("x", 5000)}, "packageLicense is 5000 bytes"},
	} {
		err := c.m.Check()
		if !errors.Is(err, ErrMetadata) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Check(%+v) = %v, want ErrMetadata naming %s", c.m, err, c.want)
		}
	}
}
