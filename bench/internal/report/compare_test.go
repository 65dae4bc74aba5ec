package report

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPairRatio(t *testing.T) {
	tests := []struct {
		name string
		pair Pair
		want float64
		ok   bool
	}{
		{"go-build slower", Pair{Subject: 33, Baseline: 30}, 1.1, true},
		{"go-build faster", Pair{Subject: 3, Baseline: 12}, 0.25, true},
		{"baseline not measured", Pair{Subject: 3}, 0, false},
		{"subject not measured", Pair{Baseline: 3}, 0, false},
		{"negative", Pair{Subject: 3, Baseline: -1}, 0, false},
		{"baseline printed as 0.0 s", Pair{Subject: 1.2, Baseline: 0.004}, 0, false},
		{"baseline printed as 0.1 s", Pair{Subject: 1.2, Baseline: 0.06}, 20, true},
	}
	for _, tt := range tests {
		got, ok := tt.pair.Ratio()
		if ok != tt.ok || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: Ratio = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestComparisonTable(t *testing.T) {
	tests := []struct {
		name string
		c    Comparison
		want string
	}{
		{
			name: "both times, ratio; a baseline not measured",
			c: Comparison{
				SubjectHeader: "go-build (s)", BaselineHeader: "pipeline (s)", RatioHeader: "go-build ÷ pipeline",
				Pairs: []Pair{
					{"coredns@v1.11.3", "build arm64", "cold", 120.04, 100},
					{"coredns@v1.11.3", "build arm64", "warm, no change", 1.25, 0.5},
					{"coredns@v1.11.3", "build arm64", "warm, 1 file changed", 20, 0},
				},
			},
			want: "" +
				"| Project         | Case        | Caches               | go-build (s) | pipeline (s) | go-build ÷ pipeline |\n" +
				"| :-------------- | :---------- | :------------------- | -----------: | -----------: | ------------------: |\n" +
				"| coredns@v1.11.3 | build arm64 | cold                 |        120.0 |        100.0 |                1.20 |\n" +
				"| coredns@v1.11.3 | build arm64 | warm, no change      |          1.2 |          0.5 |                2.50 |\n" +
				"| coredns@v1.11.3 | build arm64 | warm, 1 file changed |         20.0 |            — |                   — |\n",
		},
		{
			name: "default headers, no pairs",
			c:    Comparison{},
			want: "" +
				"| Project | Case | Caches | go-build (s) | baseline (s) | Ratio |\n" +
				"| :------ | :--- | :----- | -----------: | -----------: | ----: |\n",
		},
		{
			name: "pipes escaped",
			c:    Comparison{Pairs: []Pair{{"a|b", "x", "cold", 0, 2}}},
			want: "" +
				"| Project | Case | Caches | go-build (s) | baseline (s) | Ratio |\n" +
				"| :------ | :--- | :----- | -----------: | -----------: | ----: |\n" +
				"| a\\|b    | x    | cold   |            — |          2.0 |     — |\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.c.Table()
			if got != tt.want {
				t.Errorf("Table() =\n%s\nwant\n%s", got, tt.want)
			}
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			for _, l := range lines[1:] {
				if utf8.RuneCountInString(l) != utf8.RuneCountInString(lines[0]) {
					t.Errorf("misaligned line %q", l)
				}
			}
		})
	}
}

func TestDocumentOfSectionsAndComparisons(t *testing.T) {
	s := Section{Title: "Compile", Baseline: "x", Rows: []Row{{"p", "x", "cold", 1}}}
	c := Comparison{Title: "Baseline: pipeline", Note: "Same flags.", Pairs: []Pair{{"p", "build arm64", "cold", 2, 1}}}
	wantC := "### Baseline: pipeline\n\nSame flags.\n\n" + c.Table()
	if got := c.Markdown(); got != wantC {
		t.Errorf("Markdown() =\n%s\nwant\n%s", got, wantC)
	}
	if got, want := Document(s, c), s.Markdown()+"\n"+wantC; got != want {
		t.Errorf("Document() =\n%s\nwant\n%s", got, want)
	}
}
