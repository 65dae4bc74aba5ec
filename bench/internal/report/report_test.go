package report

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

var compileRows = []Row{
	{"coredns@v1.11.3", "native amd64", "cold", 100},
	{"coredns@v1.11.3", "cross arm64", "cold", 104},
	{"coredns@v1.11.3", "emulated arm64", "cold", 1250},
	{"coredns@v1.11.3", "native amd64", "warm", 8},
	{"coredns@v1.11.3", "cross arm64", "warm", 9},
	{"go-sqlite3@v1.14.24", "native amd64", "cold", 50},
	{"go-sqlite3@v1.14.24", "cross arm64", "cold", 60},
	{"go-sqlite3@v1.14.24", "emulated arm64", "warm", 30},
}

func TestRatio(t *testing.T) {
	tests := []struct {
		name     string
		rows     []Row
		row      Row
		baseline string
		want     float64
		ok       bool
	}{
		{"baseline itself", compileRows, compileRows[0], "native amd64", 1, true},
		{"cross cold", compileRows, compileRows[1], "native amd64", 1.04, true},
		{"emulated cold", compileRows, compileRows[2], "native amd64", 12.5, true},
		{"same temperature only", compileRows, compileRows[4], "native amd64", 9.0 / 8, true},
		{"same project only", compileRows, compileRows[6], "native amd64", 1.2, true},
		{"no warm baseline of that project", compileRows, compileRows[7], "native amd64", 0, false},
		{"unknown baseline case", compileRows, compileRows[1], "native s390x", 0, false},
		{"zero baseline", []Row{{"p", "b", "cold", 0}, {"p", "x", "cold", 3}}, Row{"p", "x", "cold", 3}, "b", 0, false},
		{"negative baseline", []Row{{"p", "b", "cold", -1}}, Row{"p", "b", "cold", -1}, "b", 0, false},
		{"first baseline wins", []Row{{"p", "b", "cold", 2}, {"p", "b", "cold", 4}}, Row{"p", "x", "cold", 4}, "b", 2, true},
		{"no rows", nil, Row{"p", "x", "cold", 4}, "b", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Ratio(tt.rows, tt.row, tt.baseline)
			if ok != tt.ok || math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Ratio = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSum(t *testing.T) {
	tests := []struct {
		name string
		rows []Row
		want float64
	}{
		{"four builds", []Row{{Seconds: 10}, {Seconds: 11.5}, {Seconds: 12}, {Seconds: 0.25}}, 33.75},
		{"none", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sum("p", "sum", "cold", tt.rows)
			want := Row{"p", "sum", "cold", tt.want}
			if got != want {
				t.Errorf("Sum = %+v, want %+v", got, want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		v             float64
		seconds, rati string
	}{
		{12.34, "12.3", "12.34"},
		{59.96, "60.0", "59.96"},
		{1, "1.0", "1.00"},
		{0.004, "0.0", "0.00"},
		{1234.5678, "1234.6", "1234.57"},
	}
	for _, tt := range tests {
		if got := FormatSeconds(tt.v); got != tt.seconds {
			t.Errorf("FormatSeconds(%v) = %q, want %q", tt.v, got, tt.seconds)
		}
		if got := FormatRatio(tt.v); got != tt.rati {
			t.Errorf("FormatRatio(%v) = %q, want %q", tt.v, got, tt.rati)
		}
	}
}

func TestTable(t *testing.T) {
	tests := []struct {
		name    string
		section Section
		want    string
	}{
		{
			name: "ratios against the native row, NoRatio without one",
			section: Section{
				Baseline:    "native amd64",
				RatioHeader: "× native",
				Rows: []Row{
					{"coredns@v1.11.3", "native amd64", "cold", 100.04},
					{"coredns@v1.11.3", "emulated arm64", "cold", 1300},
					{"coredns@v1.11.3", "cross arm64", "warm", 9},
				},
			},
			want: "" +
				"| Project         | Case           | Caches | Seconds | × native |\n" +
				"| :-------------- | :------------- | :----- | ------: | -------: |\n" +
				"| coredns@v1.11.3 | native amd64   | cold   |   100.0 |     1.00 |\n" +
				"| coredns@v1.11.3 | emulated arm64 | cold   |  1300.0 |    12.99 |\n" +
				"| coredns@v1.11.3 | cross arm64    | warm   |     9.0 |        — |\n",
		},
		{
			name: "default header, short cells padded to three, pipes escaped",
			section: Section{
				Baseline: "b",
				Rows:     []Row{{"a|b", "b", "c", 2}, {"a|b", "x", "c", 1}},
			},
			want: "" +
				"| Project | Case | Caches | Seconds | Ratio |\n" +
				"| :------ | :--- | :----- | ------: | ----: |\n" +
				"| a\\|b    | b    | c      |     2.0 |  1.00 |\n" +
				"| a\\|b    | x    | c      |     1.0 |  0.50 |\n",
		},
		{
			name:    "no rows",
			section: Section{RatioHeader: "image/sum"},
			want: "" +
				"| Project | Case | Caches | Seconds | image/sum |\n" +
				"| :------ | :--- | :----- | ------: | --------: |\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.section.Table()
			if got != tt.want {
				t.Errorf("Table() =\n%s\nwant\n%s", got, tt.want)
			}
			// Every line is equally wide, counting runes (— and × are
			// multi-byte).
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			for _, l := range lines[1:] {
				if utf8.RuneCountInString(l) != utf8.RuneCountInString(lines[0]) {
					t.Errorf("misaligned line %q", l)
				}
			}
		})
	}
}

func TestMarkdownAndDocument(t *testing.T) {
	a := Section{Title: "Strip", Note: "Compile cached.\n", Baseline: "NATIVE", Rows: []Row{{"p", "NATIVE", "warm", 2}}}
	b := Section{Baseline: "x", Rows: []Row{{"p", "x", "cold", 1}}}
	wantA := "### Strip\n\nCompile cached.\n\n" + a.Table()
	if got := a.Markdown(); got != wantA {
		t.Errorf("Markdown() =\n%s\nwant\n%s", got, wantA)
	}
	if got := b.Markdown(); got != b.Table() {
		t.Errorf("Markdown() without title or note =\n%s\nwant the bare table", got)
	}
	if got, want := Document(a, b), wantA+"\n"+b.Table(); got != want {
		t.Errorf("Document() =\n%s\nwant\n%s", got, want)
	}
	if got := Document(); got != "" {
		t.Errorf("Document() of nothing = %q", got)
	}
}
