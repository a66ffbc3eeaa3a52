package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
)

// peekedWith is the batch view after a peek that returned records.
func peekedWith(w, h int, records []model.Record) Model {
	m := press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "down", "p", "enter")
	m, _ = update(m, batchMsg{id: m.batch.id, kind: batchPeek, target: m.batch.target, max: 100,
		req: kafka.PeekRequest{Topic: "spent_detail_topic", Group: m.batch.target.ID(), Max: 100}, records: records})
	return m
}

// search types query into the batch search and applies it; run says
// whether the search command runs and its result arrives.
func search(t *testing.T, m Model, query string, run bool) Model {
	t.Helper()
	m = typeText(press(m, "/", "ctrl+u"), query)
	m, cmd := update(m, keyMsg("enter"))
	if cmd == nil {
		t.Fatalf("search %q: no command", query)
	}
	if run {
		m, _ = update(m, cmd())
	}
	return m
}

// shownOffsets is the offsets of the records the batch list shows.
func shownOffsets(m Model) []int64 {
	out := []int64{}
	for _, i := range m.batch.visible() {
		out = append(out, m.batch.records[i].Offset)
	}
	return out
}

func TestBatchSearchFindsWhatTheScreenShows(t *testing.T) {
	records := []model.Record{
		{Partition: 0, Offset: 0, Key: []byte("k-esc"), Value: []byte("\x1b[31mred\x07 alert")},
		{Partition: 0, Offset: 1, Key: []byte{0xff, 0x00}, Value: []byte{0x1b, 0x07, 0xde, 0xad, 0x00}},
		{Partition: 0, Offset: 2, Key: []byte("plain"), Value: []byte("hello"),
			Headers: []model.Header{{Key: "h", Value: []byte("\u202eevil")}}},
	}
	tests := []struct {
		query string
		want  []int64
	}{
		{`\x1b`, []int64{0, 1}},  // the escape the detail pane prints for ESC
		{`\X07`, []int64{0, 1}},  // case-insensitive, BEL
		{`\x1b[31m`, []int64{0}}, // escape and text after it
		{`\xff\x00`, []int64{1}}, // a binary key as the list shows it
		{`\u202e`, []int64{2}},   // a bidi override in a header
		{"1b 07", []int64{1}},    // a byte pair as the hex dump shows it
		{"1b07", []int64{1}},
		{"DE AD 00", []int64{1}},
		{"red", []int64{0}}, // raw text still matches
		{"alert", []int64{0}},
		{"evil", []int64{2}},
		{"no-such-text", []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			m := search(t, peekedWith(80, 24, records), tt.query, true)
			defer m.Close()
			if got := shownOffsets(m); !slices.Equal(got, tt.want) {
				t.Errorf("search %q shows offsets %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

func TestBatchSearchWithNoMatchShowsNothing(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 50}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := search(t, peeked(size[0], size[1]), "no-such-record", true)
			defer m.Close()
			view := m.View()
			if n := len(m.batch.visible()); n != 0 {
				t.Errorf("a search with no match shows %d records", n)
			}
			for _, key := range []string{"user-42", "user-43"} {
				if strings.Contains(view, key) {
					t.Errorf("a search with no match shows the record %s:\n%s", key, view)
				}
			}
			if !strings.Contains(view, "0 of 4 match") || !strings.Contains(view, "'no-such-record'") {
				t.Errorf("the view does not say that nothing matches:\n%s", view)
			}
			checkFrame(t, view, size[0], size[1])
		})
	}
}

func TestBatchSearchCountBelongsToTheQuery(t *testing.T) {
	m := search(t, peeked(80, 24), "user-43", true)
	defer m.Close()
	if view := m.View(); !strings.Contains(view, "search: user-43  1 of 4 match") {
		t.Fatalf("applied search:\n%s", view)
	}
	// Typing another query: the old count is not shown beside it.
	m = typeText(press(m, "/"), "x")
	if view := m.View(); strings.Contains(view, "1 of 4") {
		t.Errorf("the count of 'user-43' shows beside 'user-43x':\n%s", view)
	}
	// Applied, the search still running: no count yet, and not the old one.
	m, cmd := update(m, keyMsg("enter"))
	if view := m.View(); strings.Contains(view, "1 of 4") || !strings.Contains(view, "searching") {
		t.Errorf("while 'user-43x' is searched:\n%s", view)
	}
	// A late result of an older query changes nothing.
	stale, _ := update(m, searchMsg{batch: m.batch.id, query: "user-43", matches: []int{1}})
	if view := stale.View(); strings.Contains(view, "1 of 4") {
		t.Errorf("a stale result shows its count beside 'user-43x':\n%s", view)
	}
	m, status := update(m, cmd())
	if view := m.View(); !strings.Contains(view, "0 of 4 match") {
		t.Errorf("the result of 'user-43x':\n%s", view)
	}
	if !hasStatus(status, levelInfo, "0 of 4 records match 'user-43x'") {
		t.Errorf("status %+v", statusOf(status))
	}
}
