// Package fuzzcorpus holds what go-build needs to run one Go fuzz target
// and keep what it finds: Go's corpus file format, the fuzz target and
// package rules of go test -fuzz, the crash report in go test's output,
// and where a corpus lives (the seed corpus in the package's
// testdata/fuzz/FuzzX, the generated one in $GOCACHE/fuzz/<import
// path>/FuzzX).
package fuzzcorpus

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Header is the first line of every corpus file.
const Header = "go test fuzz v1"

// ErrCorpus is wrapped by every error reading or writing a corpus file.
var ErrCorpus = errors.New("invalid fuzz corpus file")

// Marshal encodes one input, the fuzz function's arguments after
// *testing.T, as a corpus file, as the testing package writes them: the
// header, then one Go conversion expression a line. The types are those
// go test -fuzz accepts: string, []byte, bool, the sized and unsized ints
// and uints, float32, float64; an int32 is written as a rune and a uint8
// as a byte, as Go does.
func Marshal(values ...any) ([]byte, error) {
	if len(values) == 0 {
		return nil, fmt.Errorf("%w: no values: a corpus entry holds the fuzz function's arguments", ErrCorpus)
	}
	var b bytes.Buffer
	b.WriteString(Header + "\n")
	for i, v := range values {
		line, err := encode(v)
		if err != nil {
			return nil, fmt.Errorf("%w: value %d: %v", ErrCorpus, i+1, err)
		}
		b.WriteString(line + "\n")
	}
	return b.Bytes(), nil
}

func encode(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return "string(" + strconv.Quote(v) + ")", nil
	case []byte:
		return "[]byte(" + strconv.Quote(string(v)) + ")", nil
	case bool:
		return "bool(" + strconv.FormatBool(v) + ")", nil
	case int:
		return "int(" + strconv.FormatInt(int64(v), 10) + ")", nil
	case int8:
		return "int8(" + strconv.FormatInt(int64(v), 10) + ")", nil
	case int16:
		return "int16(" + strconv.FormatInt(int64(v), 10) + ")", nil
	case int32:
		if utf8.ValidRune(v) {
			return "rune(" + strconv.QuoteRune(v) + ")", nil
		}
		return "int32(" + strconv.FormatInt(int64(v), 10) + ")", nil
	case int64:
		return "int64(" + strconv.FormatInt(v, 10) + ")", nil
	case uint:
		return "uint(" + strconv.FormatUint(uint64(v), 10) + ")", nil
	case uint8:
		return "byte(" + strconv.QuoteRune(rune(v)) + ")", nil
	case uint16:
		return "uint16(" + strconv.FormatUint(uint64(v), 10) + ")", nil
	case uint32:
		return "uint32(" + strconv.FormatUint(uint64(v), 10) + ")", nil
	case uint64:
		return "uint64(" + strconv.FormatUint(v, 10) + ")", nil
	case float32:
		// A NaN other than Go's own keeps its bits.
		if v != v && math.Float32bits(v) != math.Float32bits(float32(math.NaN())) {
			return fmt.Sprintf("math.Float32frombits(0x%x)", math.Float32bits(v)), nil
		}
		return "float32(" + fmt.Sprint(v) + ")", nil
	case float64:
		if v != v && math.Float64bits(v) != math.Float64bits(math.NaN()) {
			return fmt.Sprintf("math.Float64frombits(0x%x)", math.Float64bits(v)), nil
		}
		return "float64(" + fmt.Sprint(v) + ")", nil
	}
	return "", fmt.Errorf("type %T: want string, []byte, bool, an int, uint or float type", v)
}

// Unmarshal decodes a corpus file into its values, typed as Marshal takes
// them (a rune line gives an int32, a byte line a uint8).
func Unmarshal(data []byte) ([]any, error) {
	lines := strings.Split(string(data), "\n")
	if strings.TrimSuffix(lines[0], "\r") != Header {
		return nil, fmt.Errorf("%w: first line %q: want %q", ErrCorpus, lines[0], Header)
	}
	var values []any
	for i, line := range lines[1:] {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		v, err := decode(line)
		if err != nil {
			return nil, fmt.Errorf("%w: line %d %q: %v", ErrCorpus, i+2, line, err)
		}
		values = append(values, v)
	}
	if len(values) == 0 {
		return nil, fmt.Errorf("%w: no values after %q", ErrCorpus, Header)
	}
	return values, nil
}

// decode reads one line, a Go conversion T(literal).
func decode(line string) (any, error) {
	expr, err := parser.ParseExpr(line)
	if err != nil {
		return nil, fmt.Errorf("not a Go expression: %v", err)
	}
	call, ok := expr.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || call.Ellipsis.IsValid() {
		return nil, errors.New("want a conversion such as string(\"x\") or int(3)")
	}
	typ, err := typeName(call.Fun)
	if err != nil {
		return nil, err
	}
	lit, neg, err := literal(call.Args[0])
	if err != nil {
		return nil, err
	}
	switch typ {
	case "[]byte", "string":
		if lit.Kind != token.STRING || neg {
			return nil, fmt.Errorf("%s needs a string literal", typ)
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			return nil, err
		}
		if typ == "[]byte" {
			return []byte(s), nil
		}
		return s, nil
	case "bool":
		switch {
		case lit.Kind == token.IDENT && lit.Value == "true" && !neg:
			return true, nil
		case lit.Kind == token.IDENT && lit.Value == "false" && !neg:
			return false, nil
		}
		return nil, errors.New("bool needs true or false")
	case "rune", "byte":
		if lit.Kind == token.CHAR && !neg {
			r, _, tail, err := strconv.UnquoteChar(lit.Value[1:len(lit.Value)-1], '\'')
			if err != nil || tail != "" {
				return nil, fmt.Errorf("character %s: not one character", lit.Value)
			}
			if typ == "rune" {
				return r, nil
			}
			if r > 0xff {
				return nil, fmt.Errorf("byte %s: above 0xff", lit.Value)
			}
			return uint8(r), nil
		}
		if typ == "rune" {
			return integer(lit, neg, "int32")
		}
		return integer(lit, neg, "uint8")
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return integer(lit, neg, typ)
	case "float32", "float64":
		return float(lit, neg, typ)
	case "math.Float32frombits", "math.Float64frombits":
		if lit.Kind != token.INT || neg {
			return nil, fmt.Errorf("%s needs an unsigned integer literal", typ)
		}
		size := 64
		if typ == "math.Float32frombits" {
			size = 32
		}
		bits, err := strconv.ParseUint(lit.Value, 0, size)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", typ, err)
		}
		if size == 32 {
			return math.Float32frombits(uint32(bits)), nil
		}
		return math.Float64frombits(bits), nil
	}
	return nil, fmt.Errorf("type %s: want string, []byte, bool, rune, byte, an int, uint or float type", typ)
}

// typeName is a conversion's type: an identifier, []byte, or
// math.Float32frombits/Float64frombits.
func typeName(fun ast.Expr) (string, error) {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name, nil
	case *ast.ArrayType:
		if id, ok := f.Elt.(*ast.Ident); ok && f.Len == nil && (id.Name == "byte" || id.Name == "uint8") {
			return "[]byte", nil
		}
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && x.Name == "math" {
			return "math." + f.Sel.Name, nil
		}
	}
	return "", errors.New("want a conversion to a basic type, []byte or math.Float64frombits")
}

// literal is a conversion's argument: a literal, or an identifier (true,
// false, NaN, Inf), possibly negated (or, for Inf, with a plus).
func literal(arg ast.Expr) (*ast.BasicLit, bool, error) {
	neg := false
	if u, ok := arg.(*ast.UnaryExpr); ok {
		if u.Op != token.SUB && u.Op != token.ADD {
			return nil, false, fmt.Errorf("operator %s: only - and + are allowed", u.Op)
		}
		neg = u.Op == token.SUB
		arg = u.X
	}
	switch a := arg.(type) {
	case *ast.BasicLit:
		return a, neg, nil
	case *ast.Ident:
		return &ast.BasicLit{Kind: token.IDENT, Value: a.Name}, neg, nil
	}
	return nil, false, errors.New("want a literal value")
}

func integer(lit *ast.BasicLit, neg bool, typ string) (any, error) {
	if lit.Kind != token.INT {
		return nil, fmt.Errorf("%s needs an integer literal", typ)
	}
	s := lit.Value
	if neg {
		s = "-" + s
	}
	signed := !strings.HasPrefix(typ, "uint")
	size := 64
	if n, err := strconv.Atoi(strings.TrimLeft(typ, "uint")); err == nil {
		size = n
	}
	if signed {
		n, err := strconv.ParseInt(s, 0, size)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", typ, err.(*strconv.NumError).Err)
		}
		switch typ {
		case "int":
			return int(n), nil
		case "int8":
			return int8(n), nil
		case "int16":
			return int16(n), nil
		case "int32":
			return int32(n), nil
		}
		return n, nil
	}
	n, err := strconv.ParseUint(s, 0, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", typ, err.(*strconv.NumError).Err)
	}
	switch typ {
	case "uint":
		return uint(n), nil
	case "uint8":
		return uint8(n), nil
	case "uint16":
		return uint16(n), nil
	case "uint32":
		return uint32(n), nil
	}
	return n, nil
}

func float(lit *ast.BasicLit, neg bool, typ string) (any, error) {
	var s string
	switch {
	case lit.Kind == token.INT || lit.Kind == token.FLOAT:
		s = lit.Value
	case lit.Kind == token.IDENT && (lit.Value == "Inf" || lit.Value == "NaN"):
		s = lit.Value
	default:
		return nil, fmt.Errorf("%s needs a number, Inf or NaN", typ)
	}
	if neg {
		s = "-" + s
	}
	size := 64
	if typ == "float32" {
		size = 32
	}
	f, err := strconv.ParseFloat(s, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", typ, err.(*strconv.NumError).Err)
	}
	if size == 32 {
		return float32(f), nil
	}
	return f, nil
}
