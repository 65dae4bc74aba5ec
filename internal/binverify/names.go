package binverify

import (
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
)

// Short names, as file(1) prints them for ELF and as GOARCH spells them for
// PE and Mach-O.
var (
	elfMachineNames = map[elf.Machine]string{
		elf.EM_386:       "i386",
		elf.EM_X86_64:    "x86-64",
		elf.EM_ARM:       "arm",
		elf.EM_AARCH64:   "aarch64",
		elf.EM_PPC:       "ppc",
		elf.EM_PPC64:     "ppc64",
		elf.EM_S390:      "s390",
		elf.EM_RISCV:     "riscv",
		elf.EM_MIPS:      "mips",
		elf.EM_LOONGARCH: "loongarch",
		elf.EM_SPARC:     "sparc",
		elf.EM_SPARCV9:   "sparcv9",
	}
	peMachines = map[uint16][2]string{
		pe.IMAGE_FILE_MACHINE_I386:        {"IMAGE_FILE_MACHINE_I386", "386"},
		pe.IMAGE_FILE_MACHINE_AMD64:       {"IMAGE_FILE_MACHINE_AMD64", "amd64"},
		pe.IMAGE_FILE_MACHINE_ARM:         {"IMAGE_FILE_MACHINE_ARM", "arm"},
		pe.IMAGE_FILE_MACHINE_ARMNT:       {"IMAGE_FILE_MACHINE_ARMNT", "arm"},
		pe.IMAGE_FILE_MACHINE_ARM64:       {"IMAGE_FILE_MACHINE_ARM64", "arm64"},
		pe.IMAGE_FILE_MACHINE_RISCV64:     {"IMAGE_FILE_MACHINE_RISCV64", "riscv64"},
		pe.IMAGE_FILE_MACHINE_LOONGARCH64: {"IMAGE_FILE_MACHINE_LOONGARCH64", "loong64"},
	}
	machoCPUNames = map[macho.Cpu]string{
		macho.Cpu386:   "386",
		macho.CpuAmd64: "amd64",
		macho.CpuArm:   "arm",
		macho.CpuArm64: "arm64",
		macho.CpuPpc:   "ppc",
		macho.CpuPpc64: "ppc64",
	}
)

func elfMachineName(m elf.Machine) string {
	if s, ok := elfMachineNames[m]; ok {
		return s
	}
	return fmt.Sprintf("machine %d", uint16(m))
}

func peMachineName(m uint16) string {
	if s, ok := peMachines[m]; ok {
		return s[1]
	}
	return fmt.Sprintf("machine %#04x", m)
}

func machoCPUName(c macho.Cpu) string {
	if s, ok := machoCPUNames[c]; ok {
		return s
	}
	return fmt.Sprintf("cpu %#x", uint32(c))
}

func className(c elf.Class) string {
	switch c {
	case elf.ELFCLASS32:
		return "32-bit"
	case elf.ELFCLASS64:
		return "64-bit"
	}
	return fmt.Sprintf("class %d", uint8(c))
}

func dataName(d elf.Data) string {
	switch d {
	case elf.ELFDATA2LSB:
		return "LSB"
	case elf.ELFDATA2MSB:
		return "MSB"
	}
	return fmt.Sprintf("data %d", uint8(d))
}

// The descriptions below, used in MismatchError, give the constant's name
// and its short name: "EM_AARCH64 (aarch64)".

func describeELFMachine(m elf.Machine) string {
	if s, ok := elfMachineNames[m]; ok {
		return fmt.Sprintf("%v (%s)", m, s)
	}
	return fmt.Sprintf("EM %d", uint16(m))
}

func describePEMachine(m uint16) string {
	if s, ok := peMachines[m]; ok {
		return fmt.Sprintf("%s (%s)", s[0], s[1])
	}
	return fmt.Sprintf("IMAGE_FILE_MACHINE %#04x", m)
}

func describeMachOCPU(c macho.Cpu) string {
	if s, ok := machoCPUNames[c]; ok {
		return fmt.Sprintf("%v (%s)", c, s)
	}
	return fmt.Sprintf("CPU_TYPE %#x", uint32(c))
}

func describeClass(c elf.Class) string {
	return fmt.Sprintf("%v (%s)", c, className(c))
}

func describeData(d elf.Data) string {
	switch d {
	case elf.ELFDATA2LSB:
		return fmt.Sprintf("%v (little-endian)", d)
	case elf.ELFDATA2MSB:
		return fmt.Sprintf("%v (big-endian)", d)
	}
	return d.String()
}
