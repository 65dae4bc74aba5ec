package binverify

import (
	"bytes"
	"debug/elf"
	"errors"
	"testing"
)

// FuzzInspect checks that Inspect never panics and that it fails only with
// ErrUnknownFormat. Seeds are the first 4 KiB of real binaries.
func FuzzInspect(f *testing.F) {
	needGo(f)
	for _, name := range []string{"linux/amd64", "linux/arm/v7", "linux/s390x", "windows/amd64", "darwin/arm64"} {
		data := readFile(f, buildFor(f, name))
		head := data[:min(len(data), 4096)]
		f.Add(head)
		if string(head[:4]) == elf.ELFMAG {
			f.Add(dropSectionHeaders(head))
		}
	}
	f.Add([]byte("#!/bin/sh\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrUnknownFormat) {
				t.Fatalf("Inspect: %v, want ErrUnknownFormat", err)
			}
			return
		}
		if info.String() == "" {
			t.Fatal("empty Info.String")
		}
		for _, tg := range targets {
			err := Check("fuzz", bytes.NewReader(data), tg.want)
			if err != nil && !errors.Is(err, ErrMismatch) {
				t.Fatalf("Check after a successful Inspect: %v", err)
			}
		}
	})
}

// dropSectionHeaders returns a copy of an ELF file without section headers
// (e_shoff, e_shnum and e_shstrndx zeroed), which debug/elf parses from its
// program headers alone, so fuzzing a file's first pages reaches them.
func dropSectionHeaders(data []byte) []byte {
	data = bytes.Clone(data)
	if data[elf.EI_CLASS] == byte(elf.ELFCLASS64) {
		clear(data[0x28:0x30]) // e_shoff
		clear(data[0x3c:0x40]) // e_shnum, e_shstrndx
	} else {
		clear(data[0x20:0x24])
		clear(data[0x30:0x34])
	}
	return data
}
