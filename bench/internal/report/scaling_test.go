package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScalingTable(t *testing.T) {
	versus := []Versus{
		{Header: "GoReleaser (s)", RatioHeader: "go-build ÷ GoReleaser"},
		{Header: "go build loop (s)", RatioHeader: "go-build ÷ loop"},
	}
	tests := []struct {
		name string
		s    Scaling
		want string
	}{
		{
			name: "two tools, cold and warm",
			s: Scaling{
				Versus: versus,
				Rows: []ScalingRow{
					{1, "cold", 30.04, []float64{25, 20}},
					{1, "warm, 1 file changed", 6, []float64{4, 3}},
					{8, "cold", 120, []float64{100, 240}},
				},
			},
			want: "" +
				"| Platforms | Caches               | go-build (s) | GoReleaser (s) | go build loop (s) | go-build ÷ GoReleaser | go-build ÷ loop |\n" +
				"| --------: | :------------------- | -----------: | -------------: | ----------------: | --------------------: | --------------: |\n" +
				"|         1 | cold                 |         30.0 |           25.0 |              20.0 |                  1.20 |            1.50 |\n" +
				"|         1 | warm, 1 file changed |          6.0 |            4.0 |               3.0 |                  1.50 |            2.00 |\n" +
				"|         8 | cold                 |        120.0 |          100.0 |             240.0 |                  1.20 |            0.50 |\n",
		},
		{
			name: "a time not measured, a time missing",
			s: Scaling{
				SubjectHeader: "go-build release (s)",
				Versus:        versus,
				Rows:          []ScalingRow{{2, "cold", 10, []float64{0}}, {4, "cold", 0, []float64{5, 5}}},
			},
			want: "" +
				"| Platforms | Caches | go-build release (s) | GoReleaser (s) | go build loop (s) | go-build ÷ GoReleaser | go-build ÷ loop |\n" +
				"| --------: | :----- | -------------------: | -------------: | ----------------: | --------------------: | --------------: |\n" +
				"|         2 | cold   |                 10.0 |              — |                 — |                     — |               — |\n" +
				"|         4 | cold   |                    — |            5.0 |               5.0 |                     — |               — |\n",
		},
		{
			name: "no tools, no rows: default header",
			s:    Scaling{},
			want: "" +
				"| Platforms | Caches | go-build (s) |\n" +
				"| --------: | :----- | -----------: |\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.Table()
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

func TestScalingMarkdown(t *testing.T) {
	s := Scaling{Title: "Scaling: hey@v0.1.4", Note: "Cold and warm.", Rows: []ScalingRow{{1, "cold", 2, nil}}}
	want := "### Scaling: hey@v0.1.4\n\nCold and warm.\n\n" + s.Table()
	if got := s.Markdown(); got != want {
		t.Errorf("Markdown() =\n%s\nwant\n%s", got, want)
	}
	var _ Part = s
}
