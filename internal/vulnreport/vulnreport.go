// Package vulnreport reads govulncheck's JSON output (-format json, the
// protocol v1.0.0 message stream of golang.org/x/vuln) into findings, says
// which of them fail a build, and writes the local vulnerability database
// layout govulncheck reads with -db file:///path.
//
// govulncheck reports an advisory at up to three levels: the module is
// required at a vulnerable version, a vulnerable package is imported, or a
// vulnerable symbol is reachable (called from the scanned code in source
// mode, with a call path; present in a binary in binary mode). Only the
// last fails: the first two are informational, as in govulncheck's own
// text output. With -format json govulncheck exits 0 whatever it found,
// so the rule is applied here, to the findings.
package vulnreport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GovulncheckVersion is the govulncheck go-build installs from the Go
// module proxy: go install golang.org/x/vuln/cmd/govulncheck@<version>.
const GovulncheckVersion = "v1.10.0"

// GovulncheckPackage is govulncheck's main package.
const GovulncheckPackage = "golang.org/x/vuln/cmd/govulncheck"

var (
	// ErrStream is wrapped when govulncheck's output does not read.
	ErrStream = errors.New("invalid govulncheck JSON")
	// ErrVulnerable is wrapped by Check's error: a vulnerable symbol is
	// reachable.
	ErrVulnerable = errors.New("vulnerable code is reachable")
)

// Config is govulncheck's config message: what scanned, against what.
type Config struct {
	ProtocolVersion string     `json:"protocol_version"`
	ScannerName     string     `json:"scanner_name,omitempty"`
	ScannerVersion  string     `json:"scanner_version,omitempty"`
	DB              string     `json:"db,omitempty"`
	DBLastModified  *time.Time `json:"db_last_modified,omitempty"`
	GoVersion       string     `json:"go_version,omitempty"`
	ScanLevel       string     `json:"scan_level,omitempty"`
	ScanMode        string     `json:"scan_mode,omitempty"`
}

// OSV is the part of an OSV entry a report shows.
type OSV struct {
	ID       string     `json:"id"`
	Aliases  []string   `json:"aliases,omitempty"`
	Summary  string     `json:"summary,omitempty"`
	Details  string     `json:"details,omitempty"`
	Affected []Affected `json:"affected,omitempty"`
	// DatabaseSpecific holds the advisory's page on pkg.go.dev.
	DatabaseSpecific struct {
		URL string `json:"url,omitempty"`
	} `json:"database_specific"`
}

// Affected is one module an OSV entry affects.
type Affected struct {
	Package struct {
		Name      string `json:"name"`
		Ecosystem string `json:"ecosystem"`
	} `json:"package"`
	Ranges []struct {
		Type   string              `json:"type"`
		Events []map[string]string `json:"events"`
	} `json:"ranges,omitempty"`
}

// Finding is one finding message: an advisory at one level of use.
type Finding struct {
	OSV          string   `json:"osv"`
	FixedVersion string   `json:"fixed_version,omitempty"`
	Trace        []*Frame `json:"trace,omitempty"`
}

// Frame is one frame of a finding's trace, from the vulnerable symbol to
// the entry point.
type Frame struct {
	Module   string    `json:"module"`
	Version  string    `json:"version,omitempty"`
	Package  string    `json:"package,omitempty"`
	Function string    `json:"function,omitempty"`
	Receiver string    `json:"receiver,omitempty"`
	Position *Position `json:"position,omitempty"`
}

// Position is a source position of a frame: the vulnerable symbol's
// definition for the first frame, the call for the others.
type Position struct {
	Filename string `json:"filename,omitempty"`
	Offset   int    `json:"offset"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

// message is one JSON value of the stream; SBOM and progress are read and
// dropped.
type message struct {
	Config   *Config         `json:"config,omitempty"`
	Progress json.RawMessage `json:"progress,omitempty"`
	SBOM     json.RawMessage `json:"SBOM,omitempty"`
	OSV      *OSV            `json:"osv,omitempty"`
	Finding  *Finding        `json:"finding,omitempty"`
}

// Stream is govulncheck's output, read.
type Stream struct {
	Config   Config
	OSVs     map[string]*OSV
	Findings []*Finding
}

// Parse reads govulncheck -format json output.
func Parse(r io.Reader) (*Stream, error) {
	s := &Stream{OSVs: map[string]*OSV{}}
	dec := json.NewDecoder(r)
	sawConfig := false
	for n := 1; ; n++ {
		var m message
		err := dec.Decode(&m)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: message %d: %v", ErrStream, n, err)
		}
		switch {
		case m.Config != nil:
			if !strings.HasPrefix(m.Config.ProtocolVersion, "v1.") {
				return nil, fmt.Errorf("%w: protocol version %q: want v1.x (govulncheck %s)", ErrStream, m.Config.ProtocolVersion, GovulncheckVersion)
			}
			s.Config, sawConfig = *m.Config, true
		case m.OSV != nil:
			if m.OSV.ID == "" {
				return nil, fmt.Errorf("%w: message %d: an osv entry without an id", ErrStream, n)
			}
			s.OSVs[m.OSV.ID] = m.OSV
		case m.Finding != nil:
			if m.Finding.OSV == "" || len(m.Finding.Trace) == 0 || m.Finding.Trace[0] == nil {
				return nil, fmt.Errorf("%w: message %d: a finding without an advisory or a trace", ErrStream, n)
			}
			s.Findings = append(s.Findings, m.Finding)
		}
	}
	if !sawConfig {
		return nil, fmt.Errorf("%w: no config message: is this govulncheck -format json output?", ErrStream)
	}
	return s, nil
}

// Level is how far the scanned code uses a vulnerability.
type Level int

const (
	// Required: the module is in the build at a vulnerable version.
	Required Level = iota + 1
	// Imported: a vulnerable package is imported.
	Imported
	// Reachable: a vulnerable symbol is called (source) or in the binary.
	Reachable
)

func (l Level) String() string {
	switch l {
	case Required:
		return "required"
	case Imported:
		return "imported"
	case Reachable:
		return "reachable"
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// level is a finding's level, read from its first frame as govulncheck
// fills it: a function for symbol findings, a package for package ones.
func (f *Finding) level() Level {
	switch {
	case f.Trace[0].Function != "":
		return Reachable
	case f.Trace[0].Package != "":
		return Imported
	}
	return Required
}

// Vulnerability is one advisory and its deepest use.
type Vulnerability struct {
	ID      string
	Aliases []string
	Summary string
	URL     string
	Level   Level
	// Module and Found are the vulnerable module and the version in the
	// build ("stdlib" and the Go version for the standard library).
	Module, Found string
	// Fixed is the first fixed version; "" when no fix exists.
	Fixed string
	// CallPaths are the reachable findings' traces, entry point first, as
	// CallPath renders them.
	CallPaths []string
}

// Vulnerabilities groups the findings by advisory, deepest level first,
// then by ID.
func (s *Stream) Vulnerabilities() []Vulnerability {
	byID := map[string]*Vulnerability{}
	var order []string
	for _, f := range s.Findings {
		v := byID[f.OSV]
		if v == nil {
			v = &Vulnerability{ID: f.OSV}
			if o := s.OSVs[f.OSV]; o != nil {
				v.Aliases, v.Summary, v.URL = o.Aliases, o.Summary, o.DatabaseSpecific.URL
				if v.Summary == "" {
					v.Summary, _, _ = strings.Cut(o.Details, "\n")
				}
			}
			byID[f.OSV] = v
			order = append(order, f.OSV)
		}
		v.Module, v.Found, v.Fixed = f.Trace[0].Module, f.Trace[0].Version, f.FixedVersion
		if l := f.level(); l > v.Level {
			v.Level = l
		}
		if f.level() == Reachable {
			if p := CallPath(f.Trace); !slices.Contains(v.CallPaths, p) {
				v.CallPaths = append(v.CallPaths, p)
			}
		}
	}
	out := make([]Vulnerability, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	slices.SortStableFunc(out, func(a, b Vulnerability) int {
		if a.Level != b.Level {
			return int(b.Level - a.Level)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// symbol is a frame's function as Go names it: pkg.Func, pkg.T.Method or
// pkg.(*T).Method.
func symbol(f *Frame) string {
	name := f.Function
	switch {
	case strings.HasPrefix(f.Receiver, "*"):
		name = "(" + f.Receiver + ")." + name
	case f.Receiver != "":
		name = f.Receiver + "." + name
	}
	if f.Package != "" {
		return f.Package + "." + name
	}
	return name
}

func (p *Position) String() string {
	if p == nil || p.Filename == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// CallPath renders a trace from the entry point to the vulnerable symbol,
// each caller with the position of its call:
//
//	example.com/app.main (main.go:10:17) -> example.com/app.run (main.go:14:23) -> example.com/lib.Decode
//
// A binary's trace is the symbol alone.
func CallPath(trace []*Frame) string {
	var parts []string
	for i := len(trace) - 1; i >= 0; i-- {
		part := symbol(trace[i])
		if i > 0 {
			if pos := trace[i].Position.String(); pos != "" {
				part += " (" + pos + ")"
			}
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, " -> ")
}

func (v Vulnerability) name() string {
	if len(v.Aliases) == 0 {
		return v.ID
	}
	return v.ID + " (" + strings.Join(v.Aliases, ", ") + ")"
}

func (v Vulnerability) fixed() string {
	if v.Fixed == "" {
		return "no fixed version"
	}
	return "fixed in " + v.Module + "@" + v.Fixed
}

// Text is a plain summary: each advisory with its module, found and fixed
// versions, how it is used and, when reachable, its call paths; then a
// count line.
func Text(vulns []Vulnerability) string {
	var b strings.Builder
	counts := map[Level]int{}
	for _, v := range vulns {
		counts[v.Level]++
		fmt.Fprintf(&b, "%s: %s\n", v.name(), v.Summary)
		fmt.Fprintf(&b, "  module: %s@%s, %s\n", v.Module, v.Found, v.fixed())
		switch v.Level {
		case Reachable:
			for _, p := range v.CallPaths {
				fmt.Fprintf(&b, "  call path: %s\n", p)
			}
		case Imported:
			b.WriteString("  imported, but no vulnerable function is called (informational)\n")
		case Required:
			b.WriteString("  required, but no vulnerable package is imported (informational)\n")
		}
		if v.URL != "" {
			fmt.Fprintf(&b, "  more: %s\n", v.URL)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%d reachable, %d imported only, %d required only\n", counts[Reachable], counts[Imported], counts[Required])
	return b.String()
}

// Check fails when a vulnerable symbol is reachable, naming each such
// advisory, its module, fixed version and call path.
func Check(vulns []Vulnerability) error {
	var items []string
	for _, v := range vulns {
		if v.Level != Reachable {
			continue
		}
		items = append(items, fmt.Sprintf("%s in %s@%s (%s): %s", v.name(), v.Module, v.Found, v.fixed(), strings.Join(v.CallPaths, "; ")))
	}
	if len(items) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrVulnerable, strings.Join(items, "; "))
}

// Report reads a stream and renders it: the text summary, and Check's
// error when a vulnerable symbol is reachable.
func Report(out []byte) (string, error) {
	s, err := Parse(bytes.NewReader(out))
	if err != nil {
		return "", err
	}
	vulns := s.Vulnerabilities()
	text := Text(vulns)
	if err := Check(vulns); err != nil {
		return text, err
	}
	return text, nil
}
