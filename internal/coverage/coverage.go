// Package coverage reads, merges and writes Go's text cover profiles (what
// go test -coverprofile writes and go tool cover reads) across the
// platforms a project is tested on, and summarises them per file.
//
// A profile is a "mode:" line, then one line per basic block:
//
//	mode: set
//	example.com/m/greet/greet.go:5.28,7.2 1 1
//
// file:startLine.startCol,endLine.endCol, the block's statements, and how
// often it ran (set: 0 or 1). A file that only one target builds
// (greet_arm64.go, //go:build s390x) is only in that target's profile; the
// merge keeps its blocks with their counts and records which platforms
// built it, so its coverage counts on those platforms only.
package coverage

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

var (
	// ErrProfile is wrapped by every error reading a profile.
	ErrProfile = errors.New("invalid cover profile")
	// ErrMerge is wrapped when profiles cannot be merged.
	ErrMerge = errors.New("cover profiles do not merge")
)

// Modes are the -covermode values.
var Modes = []string{"set", "count", "atomic"}

// Block is one basic block of a file and its count.
type Block struct {
	StartLine, StartCol, EndLine, EndCol int
	NumStmt                              int
	Count                                int64
}

// Profile is one cover profile: its mode and each file's blocks, sorted
// by position.
type Profile struct {
	Mode  string
	Files map[string][]Block
}

// Parse reads a text cover profile. Several profiles of one mode may be
// concatenated (a test binary per package each writes one): every "mode:"
// line must agree. A block listed twice, as when two test binaries built
// with -coverpkg cover the same package, is merged as go tool cover does:
// set ORs the counts, count and atomic add them. name says whose profile
// it is in errors.
func Parse(name string, r io.Reader) (*Profile, error) {
	p := &Profile{Files: map[string][]Block{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if mode, ok := strings.CutPrefix(line, "mode:"); ok {
			mode = strings.TrimSpace(mode)
			if !slices.Contains(Modes, mode) {
				return nil, fmt.Errorf("%w: %s line %d: mode %q: want one of %s", ErrProfile, name, n, mode, strings.Join(Modes, ", "))
			}
			if p.Mode != "" && p.Mode != mode {
				return nil, fmt.Errorf("%w: %s line %d: mode %s after mode %s: a profile has one mode", ErrProfile, name, n, mode, p.Mode)
			}
			p.Mode = mode
			continue
		}
		if p.Mode == "" {
			return nil, fmt.Errorf("%w: %s line %d: %q before the \"mode:\" line", ErrProfile, name, n, line)
		}
		file, b, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("%w: %s line %d: %q: %v", ErrProfile, name, n, line, err)
		}
		if p.Mode == "set" && b.Count > 1 {
			return nil, fmt.Errorf("%w: %s line %d: count %d in a set profile: want 0 or 1", ErrProfile, name, n, b.Count)
		}
		p.Files[file] = append(p.Files[file], b)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrProfile, name, err)
	}
	if p.Mode == "" {
		return nil, fmt.Errorf("%w: %s: empty, want a \"mode:\" line first", ErrProfile, name)
	}
	for file, blocks := range p.Files {
		merged, err := mergeBlocks(p.Mode, blocks)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %s: %v", ErrProfile, name, file, err)
		}
		p.Files[file] = merged
	}
	return p, nil
}

// parseLine reads "file:sl.sc,el.ec stmts count". The file name may hold
// colons (a Windows path), so it is cut at the last one.
func parseLine(line string) (string, Block, error) {
	var b Block
	fields := strings.Fields(line)
	if len(fields) != 3 {
		return "", b, errors.New("want file:startLine.startCol,endLine.endCol numStmts count")
	}
	i := strings.LastIndexByte(fields[0], ':')
	if i <= 0 {
		return "", b, errors.New("no file name before the position")
	}
	file, pos := fields[0][:i], fields[0][i+1:]
	start, end, ok := strings.Cut(pos, ",")
	if !ok {
		return "", b, fmt.Errorf("position %q: want startLine.startCol,endLine.endCol", pos)
	}
	var err error
	if b.StartLine, b.StartCol, err = lineCol(start); err != nil {
		return "", b, err
	}
	if b.EndLine, b.EndCol, err = lineCol(end); err != nil {
		return "", b, err
	}
	if b.EndLine < b.StartLine || (b.EndLine == b.StartLine && b.EndCol < b.StartCol) {
		return "", b, fmt.Errorf("position %q ends before it starts", pos)
	}
	if b.NumStmt, err = strconv.Atoi(fields[1]); err != nil || b.NumStmt < 0 {
		return "", b, fmt.Errorf("statements %q: want a count", fields[1])
	}
	if b.Count, err = strconv.ParseInt(fields[2], 10, 64); err != nil || b.Count < 0 {
		return "", b, fmt.Errorf("count %q: want a count", fields[2])
	}
	return file, b, nil
}

func lineCol(s string) (int, int, error) {
	l, c, ok := strings.Cut(s, ".")
	line, err1 := strconv.Atoi(l)
	col, err2 := strconv.Atoi(c)
	if !ok || err1 != nil || err2 != nil || line < 1 || col < 1 {
		return 0, 0, fmt.Errorf("position %q: want line.column", s)
	}
	return line, col, nil
}

func compareBlocks(a, b Block) int {
	if c := a.StartLine - b.StartLine; c != 0 {
		return c
	}
	if c := a.StartCol - b.StartCol; c != 0 {
		return c
	}
	if c := a.EndLine - b.EndLine; c != 0 {
		return c
	}
	return a.EndCol - b.EndCol
}

// combine is two counts of one block under mode.
func combine(mode string, a, b int64) int64 {
	if mode == "set" {
		if a > 0 || b > 0 {
			return 1
		}
		return 0
	}
	return a + b
}

// mergeBlocks sorts blocks and merges those at the same position.
func mergeBlocks(mode string, blocks []Block) ([]Block, error) {
	blocks = slices.Clone(blocks)
	slices.SortStableFunc(blocks, compareBlocks)
	var out []Block
	for _, b := range blocks {
		if n := len(out); n > 0 && compareBlocks(out[n-1], b) == 0 {
			if out[n-1].NumStmt != b.NumStmt {
				return nil, fmt.Errorf("block %s has %d statements and %d: the profiles are of different sources",
					pos(b), out[n-1].NumStmt, b.NumStmt)
			}
			out[n-1].Count = combine(mode, out[n-1].Count, b.Count)
			continue
		}
		out = append(out, b)
	}
	return out, nil
}

func pos(b Block) string {
	return fmt.Sprintf("%d.%d,%d.%d", b.StartLine, b.StartCol, b.EndLine, b.EndCol)
}

// Format writes p as a text cover profile, files in byte order and blocks
// by position, so the same coverage always gives the same bytes.
func (p *Profile) Format() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "mode: %s\n", p.Mode)
	for _, file := range p.FileNames() {
		for _, bl := range p.Files[file] {
			fmt.Fprintf(&b, "%s:%s %d %d\n", file, pos(bl), bl.NumStmt, bl.Count)
		}
	}
	return b.Bytes()
}

// FileNames are p's files in byte order.
func (p *Profile) FileNames() []string {
	names := make([]string, 0, len(p.Files))
	for f := range p.Files {
		names = append(names, f)
	}
	slices.Sort(names)
	return names
}

// PlatformProfile is one platform's profile.
type PlatformProfile struct {
	Platform string
	Profile  *Profile
}

// Merged is the profiles of several platforms as one.
type Merged struct {
	// Profile holds every block of every platform: a block in several
	// profiles has its counts combined (set: OR; count, atomic: sum), a
	// block in one profile only keeps its count.
	Profile *Profile
	// Platforms are, for each file, the platforms whose profile has it (in
	// the order given): the targets that built it.
	Platforms map[string][]string
}

// Merge merges the profiles of several platforms. They must share a mode:
// set counts cannot be added to count ones, and count and atomic profiles
// come from different runs (-race forces atomic), so a mix is refused. A
// block with different statement counts on two platforms means the
// profiles are of different sources, and is refused too.
func Merge(profiles []PlatformProfile) (*Merged, error) {
	if len(profiles) == 0 {
		return nil, fmt.Errorf("%w: no profiles to merge", ErrMerge)
	}
	first := profiles[0]
	m := &Merged{Profile: &Profile{Mode: first.Profile.Mode, Files: map[string][]Block{}}, Platforms: map[string][]string{}}
	seen := map[string]bool{}
	for _, pp := range profiles {
		if seen[pp.Platform] {
			return nil, fmt.Errorf("%w: %s's profile given twice", ErrMerge, pp.Platform)
		}
		seen[pp.Platform] = true
		if pp.Profile.Mode != first.Profile.Mode {
			return nil, fmt.Errorf("%w: %s's profile is -covermode=%s, %s's is %s: test every platform with one -covermode",
				ErrMerge, pp.Platform, pp.Profile.Mode, first.Platform, first.Profile.Mode)
		}
		for file, blocks := range pp.Profile.Files {
			m.Profile.Files[file] = append(m.Profile.Files[file], blocks...)
			m.Platforms[file] = append(m.Platforms[file], pp.Platform)
		}
	}
	for file, blocks := range m.Profile.Files {
		merged, err := mergeBlocks(m.Profile.Mode, blocks)
		if err != nil {
			return nil, fmt.Errorf("%w: %s (in the profiles of %s): %v", ErrMerge, file, strings.Join(m.Platforms[file], ", "), err)
		}
		m.Profile.Files[file] = merged
	}
	return m, nil
}
