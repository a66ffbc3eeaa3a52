package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/model/filter"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// offsets lists the offsets a ring holds, oldest first.
func offsets(r recordRing) []int64 {
	var out []int64
	for i := range r.Len() {
		out = append(out, r.At(i).Offset)
	}
	return out
}

func seq(from, to int64) []model.Record {
	var out []model.Record
	for o := from; o < to; o++ {
		out = append(out, model.Record{Offset: o, Value: []byte{byte(o)}})
	}
	return out
}

func TestRecordRingKeepsTheNewest(t *testing.T) {
	r := newRecordRing(5)
	r, ev := r.Push(seq(0, 3)...)
	if ev != 0 || !slices.Equal(offsets(r), []int64{0, 1, 2}) {
		t.Fatalf("held %v, evicted %d", offsets(r), ev)
	}
	early := r
	r, ev = r.Push(seq(3, 7)...)
	if ev != 2 || !slices.Equal(offsets(r), []int64{2, 3, 4, 5, 6}) {
		t.Fatalf("held %v, evicted %d; want 2…6, 2 evicted", offsets(r), ev)
	}
	// Many pushes: compaction keeps the order and the bound.
	for o := int64(7); o < 100; o++ {
		r, ev = r.Push(seq(o, o+1)...)
		if ev != 1 || r.Len() != 5 {
			t.Fatalf("after %d: held %v, evicted %d", o, offsets(r), ev)
		}
	}
	if !slices.Equal(offsets(r), []int64{95, 96, 97, 98, 99}) {
		t.Fatalf("held %v, want 95…99", offsets(r))
	}
	// A batch bigger than the ring: its newest records.
	r, ev = r.Push(seq(100, 120)...)
	if ev != 5 || !slices.Equal(offsets(r), []int64{115, 116, 117, 118, 119}) {
		t.Fatalf("held %v, evicted %d; want 115…119, 5 evicted", offsets(r), ev)
	}
	// A copy made earlier still reads the records it held that were not
	// evicted since (the model is a value).
	if early.Len() != 3 || early.At(2).Offset != 2 || early.At(2).Value[0] != 2 {
		t.Errorf("the early copy lost its record 2: %v", offsets(early))
	}
}

// TestFollowChunksCoalesce pushes many small batches before the chunk
// command runs: they come as one message, so the view redraws once, not
// once per batch or per record. What does not fit the ring is counted.
func TestFollowChunksCoalesce(t *testing.T) {
	res := widget.NewResources(nil)
	defer res.Close()
	feed := newFollowFeed(res, 1000)
	for i := range int64(1500) {
		feed.push(seq(i, i+1))
	}
	flt, err := filter.Parse("key:k-*")
	if err != nil {
		t.Fatal(err)
	}
	msg := followChunkCmd(7, feed, nil, flt, 3)().(followChunkMsg)
	if len(msg.records) != 1000 || msg.dropped != 500 {
		t.Fatalf("one chunk of %d records, %d dropped; want the newest 1,000 and 500 dropped", len(msg.records), msg.dropped)
	}
	if msg.records[0].Offset != 500 || msg.records[999].Offset != 1499 {
		t.Errorf("chunk from %d to %d, want 500 to 1499", msg.records[0].Offset, msg.records[999].Offset)
	}
	if msg.id != 7 || msg.filterGen != 3 || len(msg.match) != 1000 || slices.Contains(msg.match, true) {
		t.Errorf("chunk of follow %d, filter %d, %d marks (any kept: %v); want 7, 3, 1000 none kept (no key)", msg.id, msg.filterGen, len(msg.match), slices.Contains(msg.match, true))
	}
	// The page counts the dropped records as arrived and says so.
	m := followed(80, 24, nil)
	msg.id = m.followPage().id
	m, _ = update(m, msg)
	v := m.followPage()
	if v.arrived != 1500 || v.count() != 1000 {
		t.Errorf("%d arrived, %d shown; want 1,500 and 1,000", v.arrived, v.count())
	}
	if view := m.View(); !strings.Contains(view, "500 not shown") {
		t.Errorf("the dropped records are not said:\n%s", view)
	}
}

// TestFollowFilterKeepsWhatTheFilterKeeps applies filters of every kind to
// a stream holding JSON, text, binary values and a tombstone: the list
// holds exactly what filter.Match keeps, and "M of N match" counts them.
func TestFollowFilterKeepsWhatTheFilterKeeps(t *testing.T) {
	recs := testRecords("spent_detail_topic")
	for _, line := range []string{"key:user-4?", "header:trace-id=abc*", "jq:.amount > 10", "jq:.", "line", "key:*", "jq:.user == 42"} {
		t.Run(line, func(t *testing.T) {
			flt, err := filter.Parse(line)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for i := range recs {
				if flt.Match(&recs[i]) {
					want = append(want, recs[i].Offset)
				}
			}
			m := typeText(press(followed(80, 24, recs), "/"), line)
			m, cmd := update(m, keyMsg("enter"))
			m, _ = update(m, cmd()) // the filter over the records held
			// And over what arrives after.
			m, _ = update(m, followChunkMsg{id: m.followPage().id, records: recs})
			v := m.followPage()
			var got []int64
			for i := range v.count() {
				got = append(got, v.shown().At(i).Offset)
			}
			if !slices.Equal(got, append(slices.Clone(want), want...)) {
				t.Errorf("the list holds %v, want %v twice", got, want)
			}
			if s := fmt.Sprintf("%d of 8 match", 2*len(want)); !strings.Contains(m.View(), s) {
				t.Errorf("the view does not say %q:\n%s", s, m.View())
			}
		})
	}
}

// TestFollowRecordDetail opens the record under the cursor; the stream
// goes on underneath, and esc comes back to it.
func TestFollowRecordDetail(t *testing.T) {
	m := press(followed(80, 24, testRecords("spent_detail_topic")), "home", "enter")
	rv, ok := m.top().(recordView)
	if !ok || rv.rec.Offset != 600 {
		t.Fatalf("enter opened %T on offset %d, want the record view of offset 600", m.top(), rv.rec.Offset)
	}
	if view := m.View(); !strings.Contains(view, `"amount": 12.5`) || !strings.Contains(view, "trace-id: abc123") {
		t.Errorf("the record is not shown in full:\n%s", view)
	}
	// A record longer than the screen says how much is below, and scrolls.
	long := sized(m, 80, 12)
	if view := long.View(); !strings.Contains(view, "more lines (↑/↓, pgup/pgdn)") {
		t.Errorf("the record view does not say more lines are below:\n%s", view)
	}
	if view := press(long, "end").View(); strings.Contains(view, "more lines") || !strings.Contains(view, "}") {
		t.Errorf("the end of the record is not shown after end:\n%s", view)
	}
	m, _ = update(m, followChunkMsg{id: m.followPage().id, records: testRecords("spent_detail_topic")[:2]})
	m = press(m, "esc")
	if v, ok := m.top().(followView); !ok || v.count() != 6 {
		t.Errorf("esc went to %T; the follow should hold the 6 records that arrived", m.top())
	}
}

// TestFollowHostileStreamIsInert streams the hostile payloads into the
// follow view and its record view, decoded as hostile as a registry and a
// producer can make them: escapes in decoded keys and decompressed text, in
// a schema's subject and in the reason a value was not decoded.
func TestFollowHostileStreamIsInert(t *testing.T) {
	evilSchema := &model.SchemaRef{ID: 9, Subject: "subj\x1b]0;owned\x07\u009b2J", Version: 1, Type: "avro"}
	hostileDecodings := func(n int) []decoding {
		out := make([]decoding, n)
		for i := range out {
			switch i % 3 {
			case 0:
				out[i].key = model.Decoded{Format: "gzip+text", Value: []byte(`"\u001b]0;key\u0007\u009b31m"`)}
				out[i].value = model.Decoded{Format: "avro", Value: []byte(`{"s":"\u001b[2J\u001b]52;c;aGk=\u0007"}`), Schema: evilSchema}
			case 1:
				out[i].value = model.Decoded{Format: "gzip+text", Value: []byte(`"log \u001b[2J\u001b]0;owned\u0007 \u202eevil"`)}
			case 2:
				out[i].key = model.Decoded{Err: fmt.Errorf("schema registry has no schema 9 \x1b]52;c;aGk=\x07")}
				out[i].value = model.Decoded{Err: fmt.Errorf("corrupt \x1b[2J\u009b31m body")}
			}
		}
		return out
	}
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.TrueColor} {
		lipgloss.SetColorProfile(profile)
		strict := profile == termenv.Ascii
		for _, size := range [][2]int{{80, 24}, {160, 50}} {
			m := followed(size[0], size[1], hostileRecords())
			recs := hostileRecords()
			m, _ = update(m, followChunkMsg{id: m.followPage().id, records: recs, decoded: hostileDecodings(len(recs))})
			if got := m.followPage().all.DecodingAt(len(recs)).value.Format; got != "avro" {
				t.Fatalf("the hostile decodings are not held beside their records: %q", got)
			}
			checkInert(t, m.View(), strict)
			m = press(m, "home")
			for range 2 * len(recs) {
				r := press(m, "enter")
				for range valueModes {
					checkInert(t, r.View(), strict)
					r = press(r, "v")
				}
				m = press(m, "down")
			}
			f := typeText(press(m, "/"), "jq:.msg")
			f, cmd := update(f, keyMsg("enter"))
			f, _ = update(f, cmd())
			checkInert(t, f.View(), strict)
			m.Close()
		}
	}
	lipgloss.SetColorProfile(termenv.Ascii)
}

// TestFollowRates feeds chunks at known times: the title says how many
// records a second arrive and match, over the last three seconds, and
// falls to 0 once the stream is quiet.
func TestFollowRates(t *testing.T) {
	clock := &testClock{now: fixedNow}
	m := sized(New(Deps{Base: testBase, Brokers: []string{"127.0.0.1:9092"}, Now: clock.Now}), 160, 50)
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
	m = press(openTopic(m, "spent_detail_topic"), "f")
	m = typeText(press(m, "/"), "key:k-1*")
	m, cmd := update(m, keyMsg("enter"))
	m, _ = update(m, cmd())
	flt := m.followPage().flt
	// 100 records every half second, 10 of them matching, for 4 s.
	for i := range 8 {
		clock.now = clock.now.Add(500 * time.Millisecond)
		recs := make([]model.Record, 100)
		for j := range recs {
			recs[j] = model.Record{Partition: int32(j % 10), Offset: int64(i*10 + j/10), Key: fmt.Appendf(nil, "k-%d", j%10)}
		}
		m, _ = update(m, followChunkMsg{id: m.followPage().id, records: recs, match: matchAll(flt, recs), filterGen: m.followPage().fltGen})
	}
	// The last 3 s hold 6 chunks: 600 records, 60 matching.
	if view := m.View(); !strings.Contains(view, "· 200/s ·") || !strings.Contains(view, "· 20.0/s matching") {
		t.Errorf("the title does not say 200/s arriving and 20.0/s matching:\n%s", view)
	}
	clock.now = clock.now.Add(4 * time.Second)
	if view := m.View(); !strings.Contains(view, "· 0/s ·") || !strings.Contains(view, "· 0/s matching") {
		t.Errorf("after 4 quiet seconds the rates are not 0:\n%s", view)
	}
}

// TestFollowFilterWhilePaused applies a filter while records wait to be
// shown: they are marked by the filter's command, not in Update, and show
// on resume as the filter says, whether the command answered before the
// resume or after.
func TestFollowFilterWhilePaused(t *testing.T) {
	recs := testRecords("spent_detail_topic")
	for _, resumeFirst := range []bool{false, true} {
		m := press(followed(80, 24, recs), " ")
		m, _ = update(m, followChunkMsg{id: m.followPage().id, records: recs})
		m = typeText(press(m, "/"), "key:user-4*")
		m, cmd := update(m, keyMsg("enter"))
		if got := m.followPage().pending.match; slices.Contains(got, false) {
			t.Fatalf("the filter marked the waiting records in Update: %v", got)
		}
		if resumeFirst {
			m = press(m, " ")
			m, _ = update(m, cmd())
		} else {
			m, _ = update(m, cmd())
			m = press(m, " ")
		}
		v := m.followPage()
		var keys []string
		for i := range v.count() {
			keys = append(keys, string(v.shown().At(i).Key))
		}
		if !slices.Equal(keys, []string{"user-42", "user-43", "user-42", "user-43"}) || v.paused {
			t.Errorf("resume first %v: the list shows %q (paused %v), want user-42, user-43 twice", resumeFirst, keys, v.paused)
		}
		if view := m.View(); !strings.Contains(view, "4 of 8 match") {
			t.Errorf("resume first %v: the view does not say 4 of 8 match:\n%s", resumeFirst, view)
		}
	}
}

// TestRecordRingKeepsDecodingsBeside pushes undecoded then decoded records
// through eviction, compaction and a batch bigger than the ring: each
// record's decoding stays beside it, and the undecoded ones read as not
// decoded.
func TestRecordRingKeepsDecodingsBeside(t *testing.T) {
	decoded := func(recs []model.Record) []decoding {
		out := make([]decoding, len(recs))
		for i, r := range recs {
			out[i].value = model.Decoded{Format: "avro", Value: fmt.Appendf(nil, `%d`, r.Offset), Schema: &model.SchemaRef{ID: 1}}
		}
		return out
	}
	check := func(r recordRing, what string) {
		t.Helper()
		for i := range r.Len() {
			rec, d := r.At(i), r.DecodingAt(i)
			want := rec.Offset%3 != 0 // pushed decoded
			if d.value.Decoded() != want || want && string(d.value.Value) != fmt.Sprint(rec.Offset) {
				t.Fatalf("%s: offset %d has decoding %+v", what, rec.Offset, d.value)
			}
		}
	}
	r := newRecordRing(5)
	r, _ = r.Push(seq(0, 1)...) // undecoded before any decoding
	check(r, "first push")
	for o := int64(1); o < 40; o++ {
		recs := seq(o, o+1)
		if o%3 == 0 {
			r, _ = r.Push(recs...)
		} else {
			r, _ = r.PushDecoded(recs, decoded(recs))
		}
		check(r, fmt.Sprintf("after %d", o))
	}
	big := seq(40, 60)
	decs := decoded(big)
	for i := range big {
		if big[i].Offset%3 == 0 {
			decs[i] = decoding{}
		}
	}
	r, _ = r.PushDecoded(big, decs)
	check(r, "a batch bigger than the ring")
	if got := r.Decodings(); len(got) != r.Len() || string(got[4].value.Value) != "59" {
		t.Errorf("Decodings: %d, the newest %q", len(got), got[len(got)-1].value.Value)
	}
	if plain, _ := newRecordRing(5).Push(seq(0, 12)...); plain.Decodings() != nil || plain.decs != nil {
		t.Error("a ring never given a decoding holds decodings")
	}
}
