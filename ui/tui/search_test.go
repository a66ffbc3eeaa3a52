package tui

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// peekedWith is the batch view after a peek that returned records.
func peekedWith(w, h int, records []model.Record) Model {
	m := press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "down", "p", "enter")
	m, _ = update(m, batchMsg{id: m.batchPage().id, kind: batchPeek, target: m.batchPage().target, max: 100,
		req: kafka.PeekRequest{Topic: "spent_detail_topic", Group: m.batchPage().target.ID(), Max: 100}, records: records})
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
	for _, i := range m.batchPage().visible() {
		out = append(out, m.batchPage().records[i].Offset)
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
			if n := len(m.batchPage().visible()); n != 0 {
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
	stale, _ := update(m, searchMsg{batch: m.batchPage().id, query: "user-43", matches: []int{1}})
	if view := stale.View(); strings.Contains(view, "1 of 4") {
		t.Errorf("a stale result shows its count beside 'user-43x':\n%s", view)
	}
	m, status := update(m, cmd())
	if view := m.View(); !strings.Contains(view, "0 of 4 match") {
		t.Errorf("the result of 'user-43x':\n%s", view)
	}
	if !hasStatus(status, widget.LevelInfo, "0 of 4 records match 'user-43x'") {
		t.Errorf("status %+v", statusOf(status))
	}
}

// jsonlRecord is the part of a jsonl record line the tests look at.
type jsonlRecord struct {
	Offset  int64  `json:"offset"`
	Key     string `json:"key"`
	Headers []any  `json:"headers"`
}

func hasLine(lines []string, substr string) bool {
	return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, substr) })
}

// TestBatchActionsSayWhatTheyActOn checks that e, y, Y and C say, in the
// help, their dialogs and the status line after acting, whether they act on
// the whole batch, the matches of a search or the record under the cursor.
func TestBatchActionsSayWhatTheyActOn(t *testing.T) {
	var clip bytes.Buffer
	start := func(t *testing.T, query string) Model {
		m := peeked(160, 50)
		m.res.Clipboard = &clip
		clip.Reset()
		if query != "" {
			m = search(t, m, query, true)
		}
		return m
	}
	helpOf := func(m Model) string {
		var out []string
		for _, col := range m.helpKeys().FullHelp() {
			for _, b := range col {
				out = append(out, b.Help().Key+" "+b.Help().Desc)
			}
		}
		return strings.Join(out, "\n")
	}

	t.Run("help", func(t *testing.T) {
		m := start(t, "")
		defer m.Close()
		for _, want := range []string{"e export batch", "y copy value", "Y copy record as JSON", "C commit batch"} {
			if !strings.Contains(helpOf(m), want) {
				t.Errorf("help without a search lacks %q:\n%s", want, helpOf(m))
			}
		}
		m = search(t, m, "user-4", true)
		for _, want := range []string{"e export matches", "y copy value", "C commit whole batch"} {
			if !strings.Contains(helpOf(m), want) {
				t.Errorf("help with a search lacks %q:\n%s", want, helpOf(m))
			}
		}
	})

	export := func(t *testing.T, m Model) (Model, []string, []string) {
		t.Helper()
		m = press(m, "e")
		if m.prompt() == nil {
			t.Fatal("e opened no dialog")
		}
		body := m.prompt().title + "\n" + strings.Join(m.prompt().body, "\n")
		path := filepath.Join(t.TempDir(), "out.jsonl")
		m = typeText(press(m, "ctrl+u"), path)
		m, cmd := update(m, keyMsg("enter"))
		m, status := settle(m, cmd)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var offsets []string
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var r jsonlRecord
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatal(err)
			}
			offsets = append(offsets, fmt.Sprint(r.Offset))
		}
		return m, append([]string{body}, status...), offsets
	}
	t.Run("e without a search exports the whole batch", func(t *testing.T) {
		m, said, offsets := export(t, start(t, ""))
		defer m.Close()
		if len(offsets) != 4 || !strings.Contains(said[0], "whole batch") || !hasLine(said, "exported all 4 records of the batch to ") {
			t.Errorf("exported %v, said %q", offsets, said)
		}
	})
	t.Run("e with a search exports the matches", func(t *testing.T) {
		m, said, offsets := export(t, start(t, "user-4"))
		defer m.Close()
		if !slices.Equal(offsets, []string{"600", "601"}) {
			t.Errorf("exported offsets %v, want the 2 matches", offsets)
		}
		if !strings.Contains(said[0], "2 of 4 records that match 'user-4'") || !hasLine(said, "exported 2 records matching 'user-4' (of 4 in the batch) to ") {
			t.Errorf("said %q", said)
		}
	})

	t.Run("y copies the value of the record under the cursor", func(t *testing.T) {
		m := press(start(t, "user-4"), "down")
		defer m.Close()
		m, cmd := update(m, keyMsg("y"))
		_, said := settle(m, cmd)
		if !hasLine(said, "copied the value of partition 0 offset 601 (27 B)") {
			t.Errorf("said %q", said)
		}
	})
	t.Run("y on a binary value says it copied the record", func(t *testing.T) {
		m := press(start(t, ""), "end")
		defer m.Close()
		m, cmd := update(m, keyMsg("y"))
		_, said := settle(m, cmd)
		if !hasLine(said, "copied partition 1 offset 51 as a JSON record") || !hasLine(said, "not plain text") {
			t.Errorf("said %q", said)
		}
	})
	t.Run("Y copies the whole record as JSON", func(t *testing.T) {
		m := start(t, "")
		defer m.Close()
		m, cmd := update(m, keyMsg("Y"))
		_, said := settle(m, cmd)
		if !hasLine(said, "copied partition 0 offset 600 as a JSON record") {
			t.Errorf("said %q", said)
		}
		seq := strings.TrimSuffix(strings.TrimPrefix(clip.String(), "\x1b]52;c;"), "\a")
		data, err := base64.StdEncoding.DecodeString(seq)
		if err != nil {
			t.Fatalf("clipboard %q: %v", clip.String(), err)
		}
		var r jsonlRecord
		if err := json.Unmarshal(data, &r); err != nil || r.Offset != 600 || r.Key != "user-42" || len(r.Headers) != 1 {
			t.Errorf("clipboard holds %q (%v)", data, err)
		}
	})

	t.Run("C with a search commits the whole batch and says so", func(t *testing.T) {
		m := start(t, "user-4")
		defer m.Close()
		if !strings.Contains(m.View(), "C commits all 4, not only the matches") {
			t.Errorf("the summary does not say what C commits:\n%s", m.View())
		}
		m = pressCommit(m)
		if m.prompt() == nil {
			t.Fatal("C opened no dialog")
		}
		if body := strings.Join(m.prompt().body, "\n"); !strings.Contains(body, "all 4 records, not only the 2 matching 'user-4'") {
			t.Errorf("the commit dialog does not say it commits the whole batch:\n%s", body)
		}
		a := m.prompt().action.(commitAction)
		if len(a.changes) != 2 || a.changes[1].Partition != 1 || a.changes[1].After != 52 {
			t.Errorf("commit %+v, want both partitions of the batch", a.changes)
		}
	})

	t.Run("nothing matches: nothing to act on", func(t *testing.T) {
		m := start(t, "no-such-record")
		defer m.Close()
		for _, k := range []string{"y", "Y", "e"} {
			m2, cmd := update(m, keyMsg(k))
			_, said := settle(m2, cmd)
			if m2.prompt() != nil || !hasLine(said, "no record matches 'no-such-record'") {
				t.Errorf("%s with no match: dialog %v, said %q", k, m2.prompt() != nil, said)
			}
		}
		if clip.Len() != 0 {
			t.Errorf("copied %q with no record shown", clip.String())
		}
	})
}

func TestBatchActionsWaitForTheSearch(t *testing.T) {
	m := search(t, peeked(80, 24), "user-43", false)
	defer m.Close()
	for _, k := range []string{"y", "Y", "e"} {
		m2, cmd := update(m, keyMsg(k))
		_, said := settle(m2, cmd)
		if m2.prompt() != nil || !hasLine(said, "still searching for 'user-43'") {
			t.Errorf("%s while searching: dialog %v, said %q", k, m2.prompt() != nil, said)
		}
	}
}
