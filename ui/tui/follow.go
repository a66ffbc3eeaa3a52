package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/model/filter"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// DefaultTailBuffer is how many records the follow view keeps unless
// Deps.TailBuffer says otherwise.
const DefaultTailBuffer = 10_000

// rateWindow is how far back the follow view's rates look.
const rateWindow = 3 * time.Second

// followView streams the records of a topic as they are produced: it
// starts at the log end, never joins a group and never commits. The list
// holds the newest records in a bounded ring, the newest at the bottom; the
// cursor stays on its record unless it is on the last row, then it follows
// the stream. Space pauses the list (records are still read and counted),
// the filter line keeps the records matching a filter.Parse term, and
// leaving the page stops the read. With a decoder, records are decoded in
// the command that hands them over and the ring keeps each decoding beside
// its record.
type followView struct {
	styles *widget.Styles
	keys   *keymap.KeyMap
	now    func() time.Time

	id        int // the follow, in chunk messages
	topic     string
	partition *int32
	feed      *followFeed
	dec       *decode.Decoder // nil: records show as their bytes
	started   time.Time

	all     recordRing // every record, newest last
	kept    recordRing // while a filter is applied: the matches
	arrived int64      // records read since the start
	dropped int64      // read but dropped before they could be shown
	ended   bool
	err     error

	paused  bool
	pending followBatch // arrived while paused
	// stale is how many of the first pending records were marked by the
	// filter before the applied one: the new filter's command marks them.
	stale int
	fresh int64 // records arrived while paused

	search    widget.FilterLine
	flt       *filter.Filter // the applied filter; nil keeps every record
	fltErr    string         // why the value of the filter line is not applied
	fltGen    int
	filtering bool  // a new filter runs over the records held
	keptNew   int   // matches kept while it did
	scanned   int64 // records the applied filter looked at
	matched   int64 // and kept

	samples []rateSample
	cur     widget.ListCursor
	mode    valueMode

	width, height int
}

// rateSample is one chunk, for the rates.
type rateSample struct {
	at               time.Time
	arrived, matched int
}

// newFollowView is a follow page holding up to limit records; its feed is
// set once the page has its scope.
func newFollowView(st *widget.Styles, keys *keymap.KeyMap, now func() time.Time, id int, topic string, partition *int32, limit int) followView {
	return followView{
		styles: st, keys: keys, now: now,
		id: id, topic: topic, partition: partition, started: now(),
		all: newRecordRing(limit), kept: newRecordRing(limit),
		search: widget.NewFilterLine("filter: ", false, keys.Follow.Filter, keys.Filter.Cancel),
	}
}

// request is the read the view shows: from the log end, of one partition
// or all.
func (v followView) request() kafka.FollowRequest {
	return kafka.FollowRequest{Topic: v.topic, From: kafka.PeekEnd, Partition: v.partition}
}

// filtered reports whether a filter is applied.
func (v followView) filtered() bool { return !v.flt.Empty() }

// shown is the ring the list shows.
func (v followView) shown() recordRing {
	if v.filtered() {
		return v.kept
	}
	return v.all
}

func (v followView) count() int { return v.shown().Len() }

// selected is the record under the cursor, and its decoding.
func (v followView) selected() (model.Record, decoding, bool) {
	if v.cur.Index >= v.count() {
		return model.Record{}, decoding{}, false
	}
	return v.shown().At(v.cur.Index), v.shown().DecodingAt(v.cur.Index), true
}

// top is how many lines sit above the list: the title, the filter line.
func (v followView) top() int {
	if v.search.Visible() {
		return 2
	}
	return 1
}

// rows is how many records the list shows (its header excluded).
func (v followView) rows() int { return max(v.height-v.top()-1, 1) }

// chunk asks for the next records.
func (v followView) chunk() intent {
	return intentCmd{cmd: followChunkCmd(v.id, v.feed, v.dec, v.flt, v.fltGen)}
}

// onChunk takes what arrived: counted always, shown unless paused.
func (v followView) onChunk(msg followChunkMsg) (followView, intent) {
	n := len(msg.records)
	v.arrived += int64(n) + msg.dropped
	v.dropped += msg.dropped
	match := msg.match
	if v.filtered() && (match == nil || msg.filterGen != v.fltGen) {
		match = matchAll(v.flt, msg.records) // filtered under the filter before: rare, one chunk
	}
	if !v.filtered() {
		match = make([]bool, n)
		for i := range match {
			match[i] = true
		}
	}
	kept := 0
	for _, ok := range match {
		if ok {
			kept++
		}
	}
	decs := msg.decoded
	if len(decs) != n {
		decs = nil
	}
	batch := followBatch{recs: msg.records, decs: decs, match: match}
	if v.filtered() {
		v.scanned += int64(n)
		v.matched += int64(kept)
	}
	if n > 0 {
		v.samples = append(v.samples, rateSample{at: v.now(), arrived: n, matched: kept})
		v.samples = v.pruneSamples()
	}
	if v.paused {
		v.fresh += int64(n) + msg.dropped
		var dropped int
		v.pending, dropped = v.pending.append(batch, v.all.limit)
		v.stale = max(v.stale-dropped, 0)
	} else {
		v = v.add(batch)
	}
	if msg.ended {
		v.ended = true
		if !errors.Is(msg.err, context.Canceled) {
			v.err = msg.err
		}
		return v, nil
	}
	return v, v.chunk()
}

// add puts records in the rings. The cursor stays on its record (the rows
// above it may be evicted) unless it is on the last row: then it moves to
// the newest.
func (v followView) add(b followBatch) followView {
	if len(b.recs) == 0 {
		return v
	}
	following := v.cur.Index >= v.count()-1
	var kept []model.Record
	var keptDecs []decoding
	if v.filtered() {
		for i, ok := range b.match {
			if ok {
				kept = append(kept, b.recs[i])
				if b.decs != nil {
					keptDecs = append(keptDecs, b.decs[i])
				}
			}
		}
	}
	var evicted int
	v.all, evicted = v.all.PushDecoded(b.recs, b.decs)
	if v.filtered() {
		v.kept, evicted = v.kept.PushDecoded(kept, keptDecs)
		if v.filtering {
			v.keptNew += len(kept)
		}
	}
	v.cur.Index = max(v.cur.Index-evicted, 0)
	v.cur.Offset = max(v.cur.Offset-evicted, 0)
	if following {
		v.cur.Index = v.count() - 1
	}
	v.cur = v.cur.Clamp(v.count(), v.rows())
	return v
}

// pruneSamples drops the samples older than the rate window.
func (v followView) pruneSamples() []rateSample {
	from := v.now().Add(-rateWindow)
	i := 0
	for i < len(v.samples) && !v.samples[i].at.After(from) {
		i++
	}
	return v.samples[i:]
}

// rates are the records a second arriving and matching, over the last
// rateWindow (or the time since the start, when shorter).
func (v followView) rates() (arriving, matching float64) {
	now := v.now()
	span := min(max(now.Sub(v.started), time.Second), rateWindow)
	from := now.Add(-span)
	var a, m int
	for _, s := range v.samples {
		if s.at.After(from) {
			a += s.arrived
			m += s.matched
		}
	}
	return float64(a) / span.Seconds(), float64(m) / span.Seconds()
}

// togglePause pauses the list, or shows what arrived meanwhile.
func (v followView) togglePause() followView {
	v.paused = !v.paused
	if !v.paused {
		if v.stale > 0 {
			// Resumed before the new filter's command marked them: rare,
			// and at most a ring of records.
			v.pending.match = slices.Concat(matchAll(v.flt, v.pending.recs[:v.stale]), v.pending.match[v.stale:])
		}
		pending := v.pending.newest(v.all.limit)
		v.pending, v.fresh, v.stale = followBatch{}, 0, 0
		v = v.add(pending)
	}
	return v
}

// applyFilter applies the filter line's value: a new filter runs over the
// records held in a command, and keeps the matches of what arrives from
// now on.
func (v followView) applyFilter() (followView, intent) {
	line := v.search.Value
	flt, err := filter.Parse(line)
	if err != nil {
		// Not applied: the list stays as it was, the line says why.
		v.fltErr = err.Error()
		return v, nil
	}
	v.fltErr = ""
	v.fltGen++
	v.flt = flt
	v.scanned, v.matched, v.keptNew = 0, 0, 0
	for i := range v.samples {
		v.samples[i].matched = 0
	}
	v.kept = newRecordRing(v.all.limit)
	v.cur = widget.ListCursor{}
	if !v.filtered() {
		v.filtering = false
		v.cur = v.cur.Move(v.count(), v.count(), v.rows())
		return v, nil
	}
	v.filtering = true
	// The records arrived while paused were marked by the filter before:
	// the command marks them too.
	v.stale = len(v.pending.recs)
	return v, intentCmd{cmd: followRefilterCmd(v.id, v.feed.res, v.all.Records(), v.all.Decodings(), slices.Clone(v.pending.recs), v.flt, v.fltGen)}
}

// onRefilter takes the matches of a new filter among the records held
// when it was applied; the matches that arrived since stay after them.
func (v followView) onRefilter(msg followRefilterMsg) followView {
	if msg.id != v.id || msg.filterGen != v.fltGen || !v.filtering {
		return v
	}
	since, sinceDecs := v.kept.Records(), v.kept.Decodings()
	from := max(len(since)-v.keptNew, 0)
	recs := append(msg.matches, since[from:]...)
	var decs []decoding
	if msg.matchDecs != nil || sinceDecs != nil {
		decs = make([]decoding, 0, len(recs))
		decs = append(decs, msg.matchDecs...)
		decs = append(decs, make([]decoding, len(msg.matches)-len(msg.matchDecs))...)
		if sinceDecs != nil {
			decs = append(decs, sinceDecs[from:]...)
		} else {
			decs = append(decs, make([]decoding, len(since)-from)...)
		}
	}
	v.kept, _ = newRecordRing(v.all.limit).PushDecoded(recs, decs)
	for _, ok := range msg.pendingMatch {
		v.scanned++
		if ok {
			v.matched++
		}
	}
	if v.stale > 0 {
		// The oldest pending records may have gone since: the stale ones
		// are the last of those the command marked.
		marked := msg.pendingMatch[len(msg.pendingMatch)-v.stale:]
		v.pending.match = slices.Concat(marked, v.pending.match[v.stale:])
		v.stale = 0
	}
	v.scanned += int64(msg.scanned)
	v.matched += int64(len(msg.matches))
	v.filtering, v.keptNew = false, 0
	v.cur = v.cur.Move(v.count(), v.count(), v.rows())
	return v
}

func (v followView) update(msg tea.KeyMsg) (followView, intent) {
	if v.search.Editing {
		var changed bool
		v.search, changed = v.search.Update(msg, v.keys.Filter, v.keys.Input)
		if !changed && v.search.Editing {
			return v, nil
		}
		if !changed && v.fltErr == "" {
			return v, nil
		}
		return v.applyFilter()
	}
	k := v.keys.Follow
	switch {
	case widget.KeyMatches(msg, k.Pause):
		v = v.togglePause()
		if v.paused {
			return v, say(widget.ReportInfo("paused: records are still read and counted; %s resumes", keymap.Name(k.Pause)))
		}
		return v, nil
	case widget.KeyMatches(msg, k.Filter):
		v.search = v.search.Start()
		return v, nil
	case widget.KeyMatches(msg, k.Mode):
		_, d, _ := v.selected()
		decoded := d.value.Decoded()
		v.mode = v.mode.next(decoded)
		return v, say(widget.ReportInfo("values shown as %s", v.mode.about(decoded)))
	case widget.KeyMatches(msg, k.Open):
		if r, d, ok := v.selected(); ok {
			return v, intentPush{page: newRecordView(v.styles, v.keys, v.now, v.topic, r, d, v.mode)}
		}
		return v, nil
	}
	if c, ok := widget.Navigate(v.keys.List, msg, v.cur, v.count(), v.rows()); ok {
		v.cur = c
	}
	return v, nil
}

// Page methods of the follow view.

// Update takes a key, a chunk of the stream, the matches of a new filter.
func (v followView) Update(msg tea.Msg) (Page, intent) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return v.update(msg)
	case followChunkMsg:
		if msg.id == v.id {
			return v.onChunk(msg)
		}
	case followRefilterMsg:
		return v.onRefilter(msg), nil
	}
	return v, nil
}

func (v followView) SetSize(w, h int) Page {
	v.width, v.height = w, h
	v.cur = v.cur.Clamp(v.count(), v.rows())
	return v
}

func (v followView) Help() keymap.Help { return v.keys.FollowHelp(v.count() > 0) }

// Crumbs names the topic followed, unless the trail does.
func (v followView) Crumbs(trail []string) []string {
	if !slices.Contains(trail, v.topic) {
		trail = append(trail, v.topic)
	}
	return append(trail, "follow")
}

func (v followView) Capturing() bool { return v.search.Editing }

// Escape clears an applied filter first; then esc leaves the page, which
// stops the stream.
func (v followView) Escape() (Page, bool) {
	if v.search.Value == "" && v.fltErr == "" {
		return v, false
	}
	v.search, _ = v.search.Clear()
	v.search.Value = ""
	p, _ := v.applyFilter()
	return p, true
}

func (v followView) Scroll(delta int) Page {
	v.cur = v.cur.Move(delta, v.count(), v.rows())
	return v
}

func (v followView) ItemError() string { return "" }
func (v followView) Empty() bool       { return false }

// Resume never resumes: each follow is a new read from the log end.
func (v followView) Resume(Page) (Page, bool) { return v, false }

// transient: the root does not keep a follow once it is left.
func (followView) transient() {}

// matchLine is "M of N match", over the records the applied filter looked
// at.
func (v followView) matchLine() string {
	if !v.filtered() {
		return ""
	}
	s := fmt.Sprintf("%s of %s match", widget.Count(v.matched), widget.Count(v.scanned))
	if v.filtering {
		s += " (filtering the records held…)"
	}
	return s
}

// startFollow opens a follow page for the topic and starts its read in the
// page's scope: leaving the page stops it.
func (m Model) startFollow(in intentFollow) (Model, tea.Cmd) {
	m.followGen++
	limit := m.deps.TailBuffer
	if limit <= 0 {
		limit = DefaultTailBuffer
	}
	v := newFollowView(m.styles, m.keys, m.deps.Now, m.followGen, in.topic, in.partition, limit)
	m = m.push(v)
	v = m.top().(followView) // sized by push
	v.feed = newFollowFeed(m.topScope(), limit)
	v.dec = m.deps.Decoder
	m = m.setTop(v)
	return m, tea.Batch(followReadCmd(m.deps.Cluster, v.request(), v.feed), followChunkCmd(v.id, v.feed, v.dec, nil, 0))
}
