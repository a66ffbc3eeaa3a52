package widget

import (
	"slices"
	"testing"
)

// TestWrapTextHangsIndentedLines: prose wraps flush left as before; an
// indented line (a live member and the partitions it holds, in a refusal)
// keeps its indent and its continuation hangs two spaces further in, so it
// does not read as a line of its own.
func TestWrapTextHangsIndentedLines(t *testing.T) {
	for _, tt := range []struct {
		in    string
		width int
		want  []string
	}{
		{"Joining would rebalance them and take partitions.", 20, []string{"Joining would", "rebalance them and", "take partitions."}},
		{"  alerts@10.0.0.1 holds t/0, t/1, t/2", 24, []string{"  alerts@10.0.0.1", "    holds t/0, t/1, t/2"}},
		{"  short", 24, []string{"  short"}},
	} {
		if got := WrapText(tt.in, tt.width); !slices.Equal(got, tt.want) {
			t.Errorf("WrapText(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}
