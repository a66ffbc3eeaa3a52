package render

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kgroups/kgroups/ui/uitest"
)

// sparkCases are the sparklines kept in testdata/render/sparkline.golden.
var sparkCases = []struct {
	name   string
	values []int64
	width  int
}{
	{"empty", nil, 8},
	{"one value", []int64{42}, 8},
	{"all equal", []int64{7, 7, 7, 7}, 8},
	{"all zero", []int64{0, 0, 0}, 8},
	{"rising", []int64{0, 1, 2, 3, 4, 5, 6, 7}, 8},
	{"falling to zero (catching up)", []int64{700, 600, 500, 400, 300, 200, 100, 0}, 8},
	{"growing lag (falling behind)", []int64{100, 150, 210, 260, 330, 390, 450, 520}, 8},
	{"sawtooth of a batch consumer", []int64{10, 40, 12, 38, 11, 41, 13, 39}, 8},
	{"spike", []int64{5, 5, 5, 9000, 5, 5}, 8},
	{"fewer values than width", []int64{3, 1, 2}, 10},
	{"more values than width keeps the newest", []int64{1000, 0, 1, 2, 3}, 4},
	{"width one", []int64{1, 2, 3}, 1},
	{"width zero", []int64{1, 2, 3}, 0},
	{"negative width", []int64{1}, -3},
	{"extremes", []int64{math.MinInt64, 0, math.MaxInt64}, 3},
	{"large lags", []int64{1_000_000_000, 1_000_000_001, 1_000_000_002}, 5},
}

func TestSparklineGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range sparkCases {
		fmt.Fprintf(&b, "%-45s width %2d  |%s|  |%s|\n", c.name, c.width,
			Sparkline(c.values, c.width), SparklineASCII(c.values, c.width))
	}
	uitest.RequireGolden(t, filepath.Join("..", "..", "testdata", "render", "sparkline.golden"), []byte(b.String()))
}

func TestSparklineShape(t *testing.T) {
	tests := []struct {
		name   string
		values []int64
		width  int
		want   string
	}{
		{"scaled min to max", []int64{0, 7}, 2, "▁█"},
		{"latest at the right", []int64{9, 0}, 2, "█▁"},
		{"right-aligned", []int64{1, 2}, 4, "  ▁█"},
		{"flat low when equal", []int64{5, 5, 5}, 3, "▁▁▁"},
		{"empty is spaces", nil, 3, "   "},
		{"scale over the drawn values only", []int64{100, 0, 1}, 2, "▁█"},
		{"middle rounds to the nearest level", []int64{0, 50, 100}, 3, "▁▅█"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sparkline(tt.values, tt.width); got != tt.want {
				t.Fatalf("Sparkline(%v, %d) = %q, want %q", tt.values, tt.width, got, tt.want)
			}
		})
	}
}

func TestSparklineWidthIsExact(t *testing.T) {
	for n := range 20 {
		values := make([]int64, n)
		for i := range values {
			values[i] = int64(i * i % 7)
		}
		for width := 0; width < 12; width++ {
			for _, got := range []string{Sparkline(values, width), SparklineASCII(values, width)} {
				if c := utf8.RuneCountInString(got); c != width {
					t.Fatalf("%d values at width %d: %d cells %q", n, width, c, got)
				}
			}
		}
	}
}

func TestSparklineDoesNotModifyInput(t *testing.T) {
	values := []int64{3, 1, 2}
	Sparkline(values, 2)
	if values[0] != 3 || values[1] != 1 || values[2] != 2 {
		t.Fatalf("input changed: %v", values)
	}
}

func BenchmarkSparkline(b *testing.B) {
	values := make([]int64, 180)
	for i := range values {
		values[i] = int64(i * 37 % 101)
	}
	b.ReportAllocs()
	for b.Loop() {
		Sparkline(values, 40)
	}
}
