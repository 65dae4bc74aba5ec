package sbom

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The SPDX 2.3 JSON schema is not committed here. syft ships it in its
// module (schema/spdx-json/spdx-schema-2.3.json, which syft's own CLI tests
// validate its SPDX output against), so the test downloads that module
// version with `go mod download` into the module cache, outside this
// module so go.mod is untouched, and checks the file is the one expected.
// Only the test needs the module proxy; the package does not.
const (
	schemaModule = "github.com/anchore/syft@v1.57.1"
	schemaFile   = "schema/spdx-json/spdx-schema-2.3.json"
	schemaSHA256 = "c2e139546ef93597d3b1214d1d452369d0b536af6c6d6500dbd25c582034aa7c"
	schemaID     = "http://spdx.org/rdf/terms/2.3"
)

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// spdxSchema returns the compiled SPDX 2.3 schema, fetched once per run.
func spdxSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(func() { schema, schemaErr = loadSchema() })
	if schemaErr != nil {
		t.Fatalf("SPDX 2.3 JSON schema: %v", schemaErr)
	}
	return schema
}

func loadSchema() (*jsonschema.Schema, error) {
	if _, err := exec.LookPath("go"); err != nil {
		return nil, fmt.Errorf("go is not on PATH to download %s: %w", schemaModule, err)
	}
	dir, err := os.MkdirTemp("", "sbom-schema-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command("go", "mod", "download", "-json", schemaModule)
	cmd.Dir = dir // outside any module: go.mod and go.sum stay as they are
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GO111MODULE=on")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var mod struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &mod); err != nil || jerr != nil || mod.Error != "" {
		return nil, fmt.Errorf("go mod download %s: %v %s %s", schemaModule, err, mod.Error, stderr.String())
	}
	raw, err := os.ReadFile(filepath.Join(mod.Dir, schemaFile))
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != schemaSHA256 {
		return nil, fmt.Errorf("%s in %s has SHA-256 %x, want %s", schemaFile, schemaModule, sum, schemaSHA256)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if id, _ := doc.(map[string]any)["$id"].(string); id != schemaID {
		return nil, fmt.Errorf("schema $id = %q, want %q", id, schemaID)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(schemaID, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaID)
}

// The constraints of the SPDX 2.3 specification the JSON schema leaves
// out (it types most fields as bare strings): checked by hand.
var (
	idRE      = regexp.MustCompile(`^SPDXRef-[A-Za-z0-9.-]+$`)
	dateRE    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)
	creatorRE = regexp.MustCompile(`^(Person|Organization|Tool): \S.*$`)
	purlRE    = regexp.MustCompile(`^pkg:[a-z]+/[^@?#\s]+(@[^?#\s/]+)?(\?[a-z]+=[^&#\s]+(&[a-z]+=[^&#\s]+)*)?$`)
	cpeRE     = regexp.MustCompile(`^cpe:2\.3:[aho](:[^:\s]+){10}$`)
	hexLen    = map[string]int{"SHA1": 40, "SHA256": 64}
)

// checkSPDX validates an SPDX JSON document against the SPDX 2.3 schema
// and the specification's constraints the schema does not encode.
func checkSPDX(t testing.TB, out []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("document is not JSON: %v", err)
	}
	if err := spdxSchema(t).Validate(inst); err != nil {
		t.Fatalf("document fails the SPDX 2.3 schema: %v\n%s", err, out)
	}
	for _, p := range specProblems(out) {
		t.Errorf("SPDX 2.3: %s", p)
	}
}

// specProblems lists the document's violations of SPDX 2.3 rules beyond
// the schema.
func specProblems(out []byte) []string {
	var d Document
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return []string{err.Error()}
	}
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	if d.SPDXVersion != "SPDX-2.3" || d.DataLicense != "CC0-1.0" || d.SPDXID != "SPDXRef-DOCUMENT" || d.Name == "" {
		bad("header %q %q %q %q", d.SPDXVersion, d.DataLicense, d.SPDXID, d.Name)
	}
	if u, err := url.Parse(d.DocumentNamespace); err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" || strings.Contains(d.DocumentNamespace, "#") {
		bad("documentNamespace %q is not an absolute URI without #", d.DocumentNamespace)
	}
	if !dateRE.MatchString(d.CreationInfo.Created) {
		bad("created %q is not YYYY-MM-DDThh:mm:ssZ", d.CreationInfo.Created)
	}
	if len(d.CreationInfo.Creators) == 0 {
		bad("no creators")
	}
	for _, c := range d.CreationInfo.Creators {
		if !creatorRE.MatchString(c) {
			bad("creator %q", c)
		}
	}
	ids := map[string]bool{d.SPDXID: true}
	for _, p := range d.Packages {
		if !idRE.MatchString(p.SPDXID) || ids[p.SPDXID] {
			bad("package SPDXID %q is malformed or not unique", p.SPDXID)
		}
		ids[p.SPDXID] = true
		if p.Name == "" || p.DownloadLocation == "" || p.Supplier == "" || p.CopyrightText == "" || p.LicenseConcluded == "" || p.LicenseDeclared == "" {
			bad("package %s lacks a required value: %+v", p.SPDXID, p)
		}
		for _, c := range p.Checksums {
			n, ok := hexLen[c.Algorithm]
			if !ok || len(c.Value) != n || strings.ToLower(c.Value) != c.Value {
				bad("package %s checksum %s %q is not %d lowercase hex digits", p.SPDXID, c.Algorithm, c.Value, n)
			}
			if _, err := hex.DecodeString(c.Value); err != nil {
				bad("package %s checksum %q: %v", p.SPDXID, c.Value, err)
			}
		}
		purls := 0
		for _, r := range p.ExternalRefs {
			switch {
			case r.Type == "purl" && r.Category == "PACKAGE-MANAGER" && purlRE.MatchString(r.Locator):
				purls++
			case r.Type == "cpe23Type" && r.Category == "SECURITY" && cpeRE.MatchString(r.Locator):
			default:
				bad("package %s external ref %+v", p.SPDXID, r)
			}
		}
		if purls != 1 && p.PrimaryPackagePurpose != "APPLICATION" {
			bad("package %s has %d purls", p.SPDXID, purls)
		}
		for _, a := range p.Annotations {
			if !dateRE.MatchString(a.Date) || !creatorRE.MatchString(a.Annotator) {
				bad("package %s annotation %+v", p.SPDXID, a)
			}
		}
	}
	relTypes := []string{"DESCRIBES", "CONTAINS", "DEPENDS_ON"}
	described := false
	for i, r := range d.Relationships {
		if !ids[r.Element] || !ids[r.Related] || !slices.Contains(relTypes, r.Type) {
			bad("relationship %+v names an unknown element or type", r)
		}
		if i > 0 && r == d.Relationships[i-1] {
			bad("relationship %+v is repeated", r)
		}
		described = described || r.Type == "DESCRIBES" && r.Element == d.SPDXID
	}
	if !described {
		bad("the document DESCRIBES nothing")
	}
	return probs
}

// The checks must reject what SPDX rejects, or passing them means nothing.
func TestCheckRejects(t *testing.T) {
	_, good := mustGenerate(t, fixtureInput(t))
	tests := []struct {
		name, old, new string
		schema         bool // the schema itself rejects it
	}{
		{"relationship type", `"CONTAINS"`, `"INCLUDES"`, true},
		{"checksum algorithm", `"algorithm": "SHA256"`, `"algorithm": "SHA-256"`, true},
		{"missing SPDXID", `"SPDXID": "SPDXRef-DOCUMENT",`, ``, true},
		{"package purpose", `"APPLICATION"`, `"BINARY"`, true},
		{"upper-case checksum", `"checksumValue": "abab`, `"checksumValue": "ABAB`, false},
		{"SPDXID characters", `"SPDXRef-Binary-app-`, `"SPDXRef-Binary-app_`, false},
		{"created format", `"created": "2025-01-02T03:04:05Z"`, `"created": "2025-01-02 03:04:05"`, false},
		{"creator", `"Tool: go-build v0.1.0"`, `"go-build v0.1.0"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broken := bytes.Replace(good, []byte(tt.old), []byte(tt.new), 1)
			if bytes.Equal(broken, good) {
				t.Fatalf("%q is not in the document", tt.old)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(broken))
			if err != nil {
				t.Fatal(err)
			}
			schemaErr := spdxSchema(t).Validate(inst)
			if (schemaErr != nil) != tt.schema {
				t.Errorf("schema error = %v, want one: %v", schemaErr, tt.schema)
			}
			if schemaErr == nil && len(specProblems(broken)) == 0 {
				t.Error("neither the schema nor the spec checks reject it")
			}
		})
	}
}
