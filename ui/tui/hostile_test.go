package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// hostileRecords are payloads that try to drive the terminal, or to make
// the renderer crash or freeze.
func hostileRecords() []model.Record {
	big := make([]byte, 0, 1<<20)
	for len(big) < 1<<20 {
		big = append(big, "line \x1b[31mred\x1b[0m \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ \a\n"...)
	}
	item := `{"k":"\u001b[2J","v":12345},`
	bigJSON := []byte(`{"items":[` + strings.Repeat(item, (1<<20)/len(item)+1) + `{}]}`)
	deep := []byte(strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000))
	vals := [][]byte{
		[]byte("\x1b[31mred\x1b[0m \x1b[2J\x1b[H\x1b[?1049l cleared"),
		[]byte("\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\"),
		[]byte("\x1b]52;c;ZXZpbA==\x07 clipboard"),
		[]byte("\x1b]0;pwned title\x07 bells \a\a\a"),
		[]byte("c1 \u009b31m csi \u009d0;t\u009c and raw \x9b31m"),
		{0xff, 0xfe, 0xc3, 0x28, 0x1b, '[', '3', '1', 'm'},
		{},
		nil,
		big,
		bigJSON,
		deep,
		[]byte(`{"msg":"\u001b[31m escaped in JSON","raw":"` + "\x1b" + `"}`),
	}
	var out []model.Record
	for i, v := range vals {
		out = append(out, model.Record{
			Topic: "evil", Partition: int32(i % 3), Offset: int64(i), Timestamp: fixedNow,
			Key:     []byte(fmt.Sprintf("\x1b]0;key %d\x07\x1b[5m", i)),
			Value:   v,
			Headers: []model.Header{{Key: "\x1b[1mhdr\u009b", Value: []byte("\x1b]52;c;aGk=\x07")}},
		})
	}
	return out
}

// hostileSnapshot names everything from the cluster with escapes.
func hostileSnapshot() model.Snapshot {
	s := fixedSnapshot()
	evil := testTopic("evil", false, [2]int64{0, 10}, [2]int64{0, 10}, [2]int64{0, 10})
	m := model.Member{ClientID: "\x1b]8;;http://x\x1b\\cid\x1b]8;;\x1b\\", Host: "/10.0.0.1\a",
		Assigned: []model.TopicPartitions{{Topic: "evil", Partitions: []int32{0}}}}
	g := testGroup(evil, "sfx\x1b[2J\u009b", "Stable", []int64{1, 2, 3}, m)
	s.Topics = append([]model.Topic{evil}, s.Topics...)
	s.Groups = append(s.Groups, g)
	sortGroups(s.Groups)
	s.Unmatched = append(s.Unmatched, testBase+"-\x1b]52;c;aGk=\x07")
	s.Errors = []model.ItemError{{Kind: "group", Name: "\x1b[31mbad\x07", Err: fmt.Errorf("denied \x1b]0;x\x07")}}
	return s
}

var (
	anySGR = regexp.MustCompile("\x1b\\[[0-9;:]*m")
	// uiSGR is what the UI's own styling emits under the ASCII profile:
	// weight, underline and reverse video, never a colour.
	uiSGR = regexp.MustCompile("\x1b\\[(?:[012347]|22|23|24|27)?(?:;(?:[012347]|22|23|24|27))*m")
)

// checkInert fails if view holds a byte that could drive a terminal other
// than the UI's own SGR styling: ESC, BEL, C1 controls, invalid UTF-8.
func checkInert(t *testing.T, view string, strict bool) {
	t.Helper()
	if !utf8.ValidString(view) {
		t.Fatal("view is not valid UTF-8")
	}
	rest := anySGR.ReplaceAllString(view, "")
	if strict {
		rest = uiSGR.ReplaceAllString(view, "")
	}
	for i, r := range rest {
		if r == 0x1b || r == 0x07 || (r >= 0x80 && r <= 0x9f) || (r < 0x20 && r != '\n') || r == 0x7f {
			lo := max(i-30, 0)
			t.Fatalf("control %U in the view at byte %d: %q", r, i, rest[lo:min(i+30, len(rest))])
		}
	}
}

func TestHostilePayloadsAreInert(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.TrueColor} {
		lipgloss.SetColorProfile(profile)
		strict := profile == termenv.Ascii
		for _, size := range [][2]int{{80, 24}, {160, 50}} {
			m := loaded(hostileSnapshot(), size[0], size[1])
			checkInert(t, m.View(), strict)
			// Every screen that shows cluster names.
			for _, keys := range [][]string{{"enter"}, {"enter", "o"}, {"enter", "enter"}, {"enter", "end", "enter"}} {
				v := press(m, keys...)
				v, _ = update(v, othersMsg{gen: v.groupsPage().othersGen, topic: "evil", groups: hostileSnapshot().Groups[:1]})
				checkInert(t, v.View(), strict)
				v.Close()
			}
			b := press(m, "enter", "p", "enter")
			b, _ = update(b, batchMsg{id: b.batchPage().id, kind: batchPeek, target: b.batchPage().target, max: 100,
				req: kafka.PeekRequest{Topic: "evil", Max: 100}, records: hostileRecords()})
			for i := range hostileRecords() {
				for mode := range valueModes {
					checkInert(t, b.View(), strict)
					if i == 0 && mode == modeAuto && !strings.Contains(anySGR.ReplaceAllString(b.View(), ""), `\x1b[31mred`) {
						t.Error("the escape of record 0 is not shown as text")
					}
					b = press(b, "v")
				}
				checkInert(t, press(b, "C").View(), strict)
				b = press(b, "down")
			}
			// The refusal and the error paths name things from the cluster too.
			r, _ := update(b, batchMsg{id: b.batchPage().id, kind: batchConsume, target: b.batchPage().target,
				err: &kafka.GroupActiveError{Group: "\x1b[2Jg", Members: hostileSnapshot().Groups[0].Members}})
			checkInert(t, r.View(), strict)
			e, _ := update(b, widget.StatusMsg{Level: widget.LevelError, Text: "boom \x1b]52;c;aGk=\x07"})
			checkInert(t, e.View(), strict)
			b.Close()
			m.Close()
		}
	}
	lipgloss.SetColorProfile(termenv.Ascii)
}

// TestBigValueSaysWhatIsCut checks a 1 MB value renders capped and says so.
func TestBigValueSaysWhatIsCut(t *testing.T) {
	m := loaded(fixedSnapshot(), 160, 50)
	defer m.Close()
	m = press(m, "down", "down", "enter", "p", "enter")
	rec := hostileRecords()[8]
	m, _ = update(m, batchMsg{id: m.batchPage().id, kind: batchPeek, target: m.batchPage().target, records: []model.Record{rec}})
	lines := m.batchPage().detail.lines
	if len(lines) > detailLimits.MaxLines+50 {
		t.Errorf("%d lines laid out for a 1 MB value", len(lines))
	}
	if !strings.Contains(lines[len(lines)-1], "not shown") {
		t.Errorf("the cut is not said: last line %q", lines[len(lines)-1])
	}
}

// TestHostileDecodedStringsAreInert shows records whose Avro and Protobuf
// strings, decompressed text, decoded keys and schema subjects carry
// terminal escapes: in every mode v cycles through, at both sizes and
// colour profiles, nothing reaches the terminal as a control.
func TestHostileDecodedStringsAreInert(t *testing.T) {
	cl, url := decodeCluster(t)
	evilKey := model.Decoded{Format: "avro", Value: []byte(`"\u001b]0;key\u0007` + "\u009b" + `"`),
		Schema: &model.SchemaRef{ID: 9, Subject: "keys\x1b[2J\u009b", Version: 1, Type: "avro"}}
	evilErr := model.Decoded{Err: fmt.Errorf("schema registry http://x has no schema 9 \x1b]52;c;aGk=\x07")}
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.TrueColor} {
		lipgloss.SetColorProfile(profile)
		strict := profile == termenv.Ascii
		for _, size := range [][2]int{{80, 24}, {160, 50}} {
			m := sized(New(Deps{Cluster: cl, Base: "svc", Now: nowFixed, Decoder: registryDecoder(t, decode.RegistryOptions{URL: url})}), size[0], size[1])
			m = peekNotes(t, m)
			b := m.batchPage()
			// A decoded key and a failure naming hostile things too.
			b.decoded[0].key = evilKey
			b.decoded[5].key = evilErr
			b.detail = detailCache{}
			m = m.replaceTop(b.refresh())
			for range b.records {
				for range valueModes {
					checkInert(t, m.View(), strict)
					m = press(m, "v")
				}
				m = press(m, "down")
			}
			m.Close()
		}
	}
	lipgloss.SetColorProfile(termenv.Ascii)
}
