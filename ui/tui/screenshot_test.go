package tui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/kgroups/kgroups/kafka/demo"
)

var screenshot = flag.Bool("screenshot", false, "write the README's screenshots (docs/*.svg) from the TUI on the demo cluster")

// Screenshot size: wide enough for the batch view's detail pane, short
// enough for the first screen of the README.
const (
	shotCols = 120
	shotRows = 26
)

// shotBrokers is what the header shows: the addresses `kgroups demo`
// listens on by default. The in-process demo below listens on free ports,
// which would change the picture on every run.
var shotBrokers = []string{"127.0.0.1:9092", "127.0.0.1:9093", "127.0.0.1:9094"}

// TestScreenshot renders the real TUI, driven by keys on the seeded demo
// cluster, into the SVG pictures the README shows. It runs only with
// -screenshot:
//
//	go test ./ui -run TestScreenshot -args -screenshot
func TestScreenshot(t *testing.T) {
	if !*screenshot {
		t.Skip("writes docs/*.svg; run with -args -screenshot")
	}
	// Colours as a true-colour terminal with a dark background shows them;
	// TestMain pins ASCII for the golden views, restored afterwards.
	lipgloss.SetColorProfile(termenv.TrueColor)
	t.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })

	// Frozen: no producer, and the live member holds its partitions
	// without reading, so every offset is the seed's. The records lead up
	// to now, as with --demo: the lag history times its samples by the
	// wall clock, so ages agree only with a seed timed by it too.
	_, cl := startDemo(t, demo.Options{NoProducer: true, Now: time.Now})

	shots := []struct {
		file  string
		title string
		drive func(s driver)
		want  []string // on the final screen, so a wrong turn fails
	}{
		{
			file:  "kgroups.svg",
			title: "kgroups --demo",
			drive: func(s driver) {
				s.wait(demo.SpentTopic)
				s.keys("/")
				s.typeText(demo.SpentTopic)
				s.keys("enter", "enter")
				s.wait("groups of the base")
				// Two more samples give every group a status: the
				// frozen demo's groups are STOPPED, caught up or STALLED.
				s.keys("r")
				s.wait("2 of 3 samples")
				s.keys("r")
				s.wait("STOPPED")
				s.keys("?") // the full key help under the table
				s.wait("page down")
			},
			want: []string{"full-index", "incremental", "expired", "other groups"},
		},
		{
			file:  "kgroups-batch.svg",
			title: "kgroups --demo",
			drive: func(s driver) {
				s.wait(demo.SpentTopic)
				s.keys("/")
				s.typeText(demo.SpentTopic)
				s.keys("enter", "enter")
				s.wait("groups of the base")
				s.keys("enter") // the default group comes first
				s.wait("no live member")
				s.keys("p") // peek partition 0 from the group's position
				s.wait("Peek " + demo.Base + "-" + demo.SpentTopic)
				s.keys("enter")
				s.wait("C commits this batch")
			},
			want: []string{"peeked", "nothing committed", `"spent_id"`},
		},
	}
	for _, shot := range shots {
		t.Run(shot.file, func(t *testing.T) {
			m := New(Deps{
				Cluster: cl,
				Base:    demo.Base,
				Brokers: shotBrokers,
				Refresh: 0, // no refresh between the keys and the picture
			})
			d := drive(t, m, shotCols, shotRows)
			shot.drive(d)
			fm := d.quit("q")

			screen := fm.View()
			plain := stripANSI(screen)
			for _, w := range shot.want {
				if !strings.Contains(plain, w) {
					t.Fatalf("screen lacks %q:\n%s", w, plain)
				}
			}
			if !strings.Contains(screen, "\x1b[38;2;") {
				t.Fatalf("screen has no true-colour sequences; the colour profile did not take:\n%q", screen)
			}
			svg := ansiToSVG(screen, svgOptions{Cols: shotCols, Rows: shotRows, Title: shot.title})
			checkWellFormed(t, svg)
			path := filepath.Join("..", "..", "docs", shot.file)
			if err := os.WriteFile(path, svg, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s (%d bytes)", path, len(svg))
		})
	}
}

// stripANSI removes escape sequences, leaving the text of a screen.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			n, _, _ := escapeSequence(s[i:])
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
