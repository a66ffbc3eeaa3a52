package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"
)

// TestColumnsAlignAsTabwriter: the lag table's aligner writes what
// text/tabwriter (minwidth 0, tabwidth 0, padding 2, spaces) writes for
// the tables it is given: runs of lines with the same number of cells,
// wide and narrow runes, empty cells and trailing text, split by lines
// without a tab. (A run of lines with differing numbers of cells is
// aligned column by column by tabwriter; lag's tables never have one.)
func TestColumnsAlignAsTabwriter(t *testing.T) {
	words := []string{"", "a", "bb", "topic-1", "(default)", "Stable", "12m05s ago", "é", "日本語", "🙂x", "-", "1234567890123"}
	rng := rand.New(rand.NewPCG(1, 2))
	for run := range 300 {
		var lines []string
		for range rng.IntN(6) + 1 {
			// Each table begins after a line without a tab.
			if rng.IntN(2) == 0 {
				lines = append(lines, "")
			} else {
				lines = append(lines, "plain "+words[rng.IntN(len(words))])
			}
			cells := rng.IntN(6) + 1
			for range rng.IntN(8) + 1 {
				row := make([]string, cells+1)
				for k := range row {
					row[k] = words[rng.IntN(len(words))]
				}
				lines = append(lines, strings.Join(row, "\t"))
			}
		}
		var want bytes.Buffer
		tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
		for _, l := range lines {
			fmt.Fprintln(tw, l)
		}
		if err := tw.Flush(); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		bw := bufio.NewWriter(&got)
		cols := &columns{w: bw}
		for _, l := range lines {
			cols.line([]byte(l))
		}
		if err := cols.flush(); err != nil {
			t.Fatal(err)
		}
		bw.Flush()
		if got.String() != want.String() {
			t.Fatalf("run %d:\n%q\ngot:\n%s\nwant (text/tabwriter):\n%s", run, lines, got.String(), want.String())
		}
	}
}
