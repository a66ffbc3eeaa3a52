package tui

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
	"github.com/kgroups/kgroups/ui/uitest"
)

// screens builds every screen of the TUI from fixed data at a size.
// screen is a named way to build the model at a size, for golden views.
type screen struct {
	name  string
	build func(w, h int) Model
}

var screens = []screen{
	{"bases", func(w, h int) Model {
		m := sized(New(Deps{Brokers: []string{"127.0.0.1:9092"}, Now: nowFixed}), w, h)
		m, _ = update(m, basesMsg{gen: m.basesGen, bases: []model.BaseCount{{Base: testBase, Groups: 6}, {Base: "billing-service", Groups: 2}, {Base: "my-batch", Groups: 1}}})
		return m
	}},
	{"topics", func(w, h int) Model { return loaded(fixedSnapshot(), w, h) }},
	{"topics_internal_by_lag_filtered", func(w, h int) Model {
		m := press(loaded(fixedSnapshot(), w, h), "i", "s", "/")
		return press(typeText(m, "e"), "enter")
	}},
	{"topics_partial", func(w, h int) Model { return loaded(partialSnapshot(), w, h) }},
	{"topics_help", func(w, h int) Model { return press(loaded(fixedSnapshot(), w, h), "?") }},
	{"groups", func(w, h int) Model { return openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic") }},
	{"groups_missing_default", func(w, h int) Model { return openTopic(loaded(fixedSnapshot(), w, h), "user_events") }},
	{"groups_others", func(w, h int) Model {
		m := press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "o")
		other := testGroup(fixedSnapshot().Topics[3], "", "Stable", []int64{1000, 1300, 900})
		other.Name, other.ID = model.GroupName{Topic: "spent_detail_topic"}, "billing-service-spent_detail_topic"
		m, _ = update(m, othersMsg{gen: m.groupsPage().othersGen, topic: "spent_detail_topic", groups: []model.Group{other}})
		return press(m, "end")
	}},
	{"partitions", func(w, h int) Model {
		return press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "down", "enter")
	}},
	{"partitions_live", func(w, h int) Model {
		return press(openTopic(loaded(fixedSnapshot(), w, h), "user_events"), "end", "enter")
	}},
	{"dialog_consume", func(w, h int) Model {
		return press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "down", "c", "enter")
	}},
	{"dialog_peek_timestamp", func(w, h int) Model {
		return press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "p", "right", "right", "right")
	}},
	{"dialog_refusal", func(w, h int) Model {
		return press(openTopic(loaded(fixedSnapshot(), w, h), "user_events"), "end", "c")
	}},
	{"batch_loading", func(w, h int) Model {
		return press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "down", "c", "enter", "y")
	}},
	{"batch_json", func(w, h int) Model { return peeked(w, h) }},
	{"batch_text", func(w, h int) Model { return press(peeked(w, h), "down") }},
	{"batch_tombstone", func(w, h int) Model { return press(peeked(w, h), "down", "down") }},
	{"batch_hex", func(w, h int) Model { return press(peeked(w, h), "end") }},
	{"batch_search", func(w, h int) Model {
		m := typeText(press(peeked(w, h), "/"), "user-43")
		m, cmd := update(m, keyMsg("enter"))
		m, _ = update(m, cmd())
		return m
	}},
	{"batch_search_none", func(w, h int) Model {
		m := typeText(press(peeked(w, h), "/"), "no-such-record")
		m, cmd := update(m, keyMsg("enter"))
		m, _ = update(m, cmd())
		return m
	}},
	{"batch_search_escape", func(w, h int) Model {
		// The escape the list shows for the binary key finds its record.
		m := typeText(press(peeked(w, h), "/"), `\xff`)
		m, cmd := update(m, keyMsg("enter"))
		m, _ = update(m, cmd())
		return m
	}},
	{"batch_avro", func(w, h int) Model { return peekedAvro(w, h) }},
	{"batch_avro_raw", func(w, h int) Model { return press(peekedAvro(w, h), "v") }},
	{"batch_avro_undecoded", func(w, h int) Model { return press(peekedAvro(w, h), "down") }},
	{"dialog_commit", func(w, h int) Model { return pressCommit(peeked(w, h)) }},
	{"batch_committed", func(w, h int) Model {
		m := pressCommit(peeked(w, h))
		a := m.prompt().action.(commitAction)
		m = press(m, "y")
		m, _ = update(m, commitMsg{id: a.batch, target: a.target, changes: a.changes})
		return m
	}},
	{"dialog_export", func(w, h int) Model { return press(peeked(w, h), "e") }},
	{"batch_new_suffix", func(w, h int) Model {
		m := press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "n")
		return press(typeText(m, "reindex-2025"), "enter")
	}},
	{"follow", func(w, h int) Model { return followed(w, h, testRecords("spent_detail_topic")) }},
	{"follow_filtered_paused", func(w, h int) Model {
		m := typeText(press(followed(w, h, testRecords("spent_detail_topic")), "/"), "key:user-4*")
		m, cmd := update(m, keyMsg("enter"))
		m, _ = update(m, cmd())
		m = press(m, " ")
		m, _ = update(m, followChunkMsg{id: m.followPage().id, records: testRecords("spent_detail_topic")[:2]})
		return m
	}},
	{"error_status", func(w, h int) Model {
		m := loaded(fixedSnapshot(), w, h)
		m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, err: errors.New("cannot reach Kafka at 127.0.0.1:9092: i/o timeout")})
		m, _ = update(m, widget.StatusMsg{Level: widget.LevelError, Text: "cannot reach Kafka at 127.0.0.1:9092: i/o timeout"})
		return m
	}},
}

// openTopic selects topic in the topics view and opens it.
func openTopic(m Model, topic string) Model {
	m = cursorTo(m, topicsList, func(r topicRow) bool { return r.Name == topic }, "topic "+topic)
	return press(m, "enter")
}

// peeked is the batch view after peeking the full-index group of
// spent_detail_topic.
func peeked(w, h int) Model {
	m := press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "down", "p", "enter")
	m, _ = update(m, batchMsg{id: m.batchPage().id, kind: batchPeek, target: m.batchPage().target, max: 100,
		req: kafka.PeekRequest{Topic: "spent_detail_topic", Group: m.batchPage().target.ID(), Max: 100}, records: testRecords("spent_detail_topic")})
	return m
}

// peekedAvro is the batch view after peeking records a schema registry
// decoded: an Avro order, then one whose schema id the registry lacks.
func peekedAvro(w, h int) Model {
	m := press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "down", "p", "enter")
	frame := func(id byte, n int) []byte {
		b := []byte{0, 0, 0, 0, id}
		for i := range n - 5 {
			b = append(b, byte(i*7))
		}
		return b
	}
	at := fixedNow.Add(-12 * time.Minute)
	recs := []model.Record{
		{Topic: "spent_detail_topic", Partition: 0, Offset: 600, Timestamp: at, Key: []byte("ord_000017"), Value: frame(7, 212)},
		{Topic: "spent_detail_topic", Partition: 0, Offset: 601, Timestamp: at, Key: []byte("ord_000018"), Value: frame(42, 40)},
	}
	order := `{"order_id":"ord_000017","order_uuid":"00000000-0000-4000-8000-000000000017","user_id":"u_007",` +
		`"status":"PAID","placed_at":"2024-05-01T11:48:00.000Z","delivery_date":"2024-05-04",` +
		`"total":{"amount":"123.45","currency":"EUR"},"coupon":null}`
	decoded := []decoding{
		{value: model.Decoded{Format: "avro", Value: []byte(order), Schema: &model.SchemaRef{ID: 7, Subject: "orders-value", Version: 3, Type: "avro"}}},
		{value: model.Decoded{Err: errors.New("schema registry http://127.0.0.1:8081 has no schema 42 (is the value really schema-registry framed?)")}},
	}
	m, _ = update(m, batchMsg{id: m.batchPage().id, kind: batchPeek, target: m.batchPage().target, max: 100,
		req: kafka.PeekRequest{Topic: "spent_detail_topic", Group: m.batchPage().target.ID(), Max: 100}, records: recs, decoded: decoded})
	return m
}

func TestGoldenViews(t *testing.T) { checkGoldenScreens(t, screens) }

// checkGoldenScreens renders every screen at 80x24 and 160x50 and compares
// each frame with its golden file.
func checkGoldenScreens(t *testing.T, screens []screen) {
	t.Helper()
	for _, s := range screens {
		for _, size := range [][2]int{{80, 24}, {160, 50}} {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				m := s.build(size[0], size[1])
				defer m.Close()
				view := m.View()
				checkFrame(t, view, size[0], size[1])
				uitest.RequireGolden(t, viewGolden(t), []byte(view))
			})
		}
	}
}

// checkScreensResize builds every screen at 80x24, then resizes it through
// sizes: the frame must always be exactly the window, rows never wrapping.
func checkScreensResize(t *testing.T, screens []screen, sizes [][2]int) {
	t.Helper()
	for _, s := range screens {
		m := s.build(80, 24)
		for _, size := range sizes {
			m = sized(m, size[0], size[1])
			checkFrame(t, m.View(), size[0], size[1])
		}
		m.Close()
	}
}

// TestViewsHoldAtAnySize resizes every screen through small and odd sizes:
// the frame must always be exactly the window, rows never wrapping.
func TestViewsHoldAtAnySize(t *testing.T) {
	checkScreensResize(t, screens, [][2]int{{80, 24}, {100, 30}, {60, 15}, {40, 10}, {200, 60}, {81, 25}})
}

// TestFullHelpShowsEveryKey opens the full help of each screen at 80x24:
// every key of it must be on screen, quit and the list keys included,
// rather than cut at the right edge.
func TestFullHelpShowsEveryKey(t *testing.T) {
	builds := map[string]func(w, h int) Model{
		"topics": func(w, h int) Model { return loaded(fixedSnapshot(), w, h) },
		"groups": func(w, h int) Model { return openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic") },
		"partitions": func(w, h int) Model {
			return press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "down", "enter")
		},
		"batch": peeked,
	}
	for name, build := range builds {
		t.Run(name, func(t *testing.T) {
			m := press(build(80, 24), "?")
			defer m.Close()
			view := m.View()
			checkFrame(t, view, 80, 24)
			for _, column := range m.helpKeys().FullHelp() {
				for _, b := range column {
					if !strings.Contains(view, b.Help().Desc) {
						t.Errorf("full help lacks %q (%s)", b.Help().Key, b.Help().Desc)
					}
				}
			}
		})
	}
}

// TestNoColor: with NO_COLOR set, a terminal that could show colours gets
// none, only weight and reverse video; without it the theme colours.
func TestNoColor(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	colour := regexp.MustCompile(`\x1b\[[0-9;]*[34]8;`)
	for _, tt := range []struct {
		noColor string
		want    bool
	}{{"", true}, {"1", false}} {
		t.Run("NO_COLOR="+tt.noColor, func(t *testing.T) {
			t.Setenv("NO_COLOR", tt.noColor)
			m := openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic")
			defer m.Close()
			if got := colour.MatchString(m.View()); got != tt.want {
				t.Errorf("view has colours: %v, want %v", got, tt.want)
			}
		})
	}
}
