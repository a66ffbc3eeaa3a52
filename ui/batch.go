package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
)

// sideBySide is the body width from which the batch list and the detail
// pane sit side by side rather than stacked.
const sideBySide = 120

// batchView shows one batch of records, peeked or consumed, as a list and a
// detail pane for the selected record.
type batchView struct {
	styles *Styles
	keys   *keymap.KeyMap
	now    func() time.Time

	target  target
	id      int // the request whose result this view waits for or shows
	kind    batchKind
	req     kafka.PeekRequest
	max     int
	forced  bool
	isNew   bool // a new suffix: nothing read yet
	loading bool
	spin    string // spinner frame, set by the root
	err     error

	records   []model.Record // sorted by partition, then offset
	lagLeft   int64          // after an empty consume: the group's lag, when lagKnown
	lagKnown  bool
	committed string // non-empty once the batch's offsets are committed: how

	search   filterLine
	matches  matchSet // the applied search; its zero value shows every record
	cur      listCursor
	sel      recordKey
	inDetail bool // keys scroll the detail pane
	scroll   int
	mode     valueMode
	detail   detailCache

	width, height int
}

// recordKey identifies a record within a batch, to keep the selection when
// the list is filtered.
type recordKey struct {
	partition int32
	offset    int64
}

func newBatchView(st *Styles, keys *keymap.KeyMap, now func() time.Time) batchView {
	return batchView{styles: st, keys: keys, now: now, search: newFilterLine("search: ", false)}
}

// reset points the view at a target with nothing loaded.
func (v batchView) reset(t target) batchView {
	fresh := newBatchView(v.styles, v.keys, v.now)
	fresh.width, fresh.height, fresh.mode = v.width, v.height, v.mode
	fresh.target, fresh.id = t, v.id
	return fresh
}

// start marks the view as waiting for request id.
func (v batchView) start(id int, kind batchKind, t target, max int, req kafka.PeekRequest) batchView {
	v = v.reset(t)
	v.id, v.kind, v.max, v.req, v.loading = id, kind, max, req, true
	return v
}

// setResult takes the result of the request the view waits for.
func (v batchView) setResult(msg batchMsg) batchView {
	v.loading = false
	v.err = msg.err
	v.kind, v.forced = msg.kind, msg.forced
	v.lagLeft, v.lagKnown = msg.lagLeft, msg.lagKnown
	if msg.err != nil && len(msg.records) == 0 {
		return v
	}
	recs := slices.Clone(msg.records)
	slices.SortStableFunc(recs, func(a, b model.Record) int {
		if c := cmp.Compare(a.Partition, b.Partition); c != 0 {
			return c
		}
		return cmp.Compare(a.Offset, b.Offset)
	})
	v.records = recs
	v.isNew = false
	if msg.kind == batchConsume {
		v.committed = "consumed through the registry: offsets committed"
	}
	v.cur = listCursor{}
	return v.refresh()
}

// setMatches applies the result of a search.
func (v batchView) setMatches(msg searchMsg) batchView {
	if msg.batch != v.id || !v.matches.pending || msg.query != v.matches.query {
		return v // the records or the query changed since
	}
	v.matches = matchSet{query: msg.query, indices: msg.matches}
	return v.reselect()
}

// SetSize sets the body area the view draws in.
func (v batchView) SetSize(w, h int) batchView {
	v.width, v.height = w, h
	return v.refresh()
}

// visible returns the indices of the records the list shows.
// While a search runs the list is empty: it shows nothing it cannot vouch
// for.
func (v batchView) visible() []int {
	if v.matches.active() {
		return v.matches.indices
	}
	all := make([]int, len(v.records))
	for i := range all {
		all[i] = i
	}
	return all
}

func (v batchView) count() int {
	if v.matches.active() {
		return len(v.matches.indices)
	}
	return len(v.records)
}

// index maps a list position to a record index.
func (v batchView) index(pos int) int {
	if v.matches.active() {
		return v.matches.indices[pos]
	}
	return pos
}

// commitScope says what C commits: every record of the batch, whatever a
// search hides.
func (v batchView) commitScope() string {
	all := fmt.Sprintf("all %s record%s", count(int64(len(v.records))), plural(len(v.records)))
	if v.matches.active() && !v.matches.pending {
		return fmt.Sprintf("%s, not only the %s matching '%s'", all, count(int64(len(v.matches.indices))), clean(v.matches.query))
	}
	return all
}

// recordPlace names a record for the status line.
func recordPlace(r model.Record) string {
	return fmt.Sprintf("partition %d offset %s", r.Partition, count(r.Offset))
}

// selected returns the record under the cursor.
func (v batchView) selected() (model.Record, int, bool) {
	if v.cur.index >= v.count() {
		return model.Record{}, -1, false
	}
	i := v.index(v.cur.index)
	return v.records[i], i, true
}

// layout splits the body into the list and the detail pane.
type batchLayout struct {
	top                      int // lines above list and pane (summary, search)
	listWidth, listHeight    int // list including its column header
	detailWidth, detailLines int
	side                     bool
}

func (v batchView) layout() batchLayout {
	l := batchLayout{top: 1}
	if v.search.visible() {
		l.top++
	}
	body := max(v.height-l.top, 2)
	if v.width >= sideBySide {
		l.side = true
		l.listWidth = min(v.width*45/100, 80)
		l.detailWidth = v.width - l.listWidth - 3 // " │ "
		l.listHeight, l.detailLines = body, body
		return l
	}
	l.listWidth, l.detailWidth = v.width, v.width
	l.listHeight = min(max(body*2/5, 4), body-1)
	l.detailLines = body - l.listHeight - 1 // a rule between them
	return l
}

// rows is how many records fit in the list (its header excluded).
func (v batchView) rows() int { return max(v.layout().listHeight-1, 1) }

// refresh clamps the cursor and renders the selected record if needed.
func (v batchView) refresh() batchView {
	v.cur = v.cur.clamp(v.count(), v.rows())
	if r, _, ok := v.selected(); ok {
		v.sel = recordKey{r.Partition, r.Offset}
	}
	return v.ensureDetail()
}

// reselect puts the cursor back on the selected record when it is visible.
func (v batchView) reselect() batchView {
	for pos := range v.count() {
		r := v.records[v.index(pos)]
		if r.Partition == v.sel.partition && r.Offset == v.sel.offset {
			v.cur.index = pos
			break
		}
	}
	return v.refresh()
}

// ensureDetail renders the selected record for the pane's width, once: the
// cache holds the last rendering, so moving back and forth in a big batch
// renders only what is looked at.
func (v batchView) ensureDetail() batchView {
	r, i, ok := v.selected()
	if !ok {
		v.detail = detailCache{}
		return v
	}
	k := detailKey{batch: v.id, index: i, width: v.layout().detailWidth, mode: v.mode}
	if v.detail.valid && v.detail.key == k {
		return v
	}
	if !v.detail.valid || v.detail.key.index != i || v.detail.key.batch != v.id {
		v.scroll = 0
	}
	v.detail = detailCache{key: k, valid: true, lines: renderDetail(v.styles, r, v.now(), k.width, v.mode)}
	v.scroll = min(v.scroll, max(len(v.detail.lines)-1, 0))
	return v
}

func (v batchView) capturing() bool { return v.search.editing }

func (v batchView) update(msg tea.KeyMsg) (batchView, intent) {
	if v.search.editing {
		var changed bool
		v.search, changed = v.search.update(msg, v.keys.Filter, v.keys.Input)
		if !changed {
			return v.refresh(), nil
		}
		v.matches = searching(v.search.value)
		if !v.matches.active() {
			return v.reselect(), nil
		}
		return v.refresh(), intentSearch{query: v.search.value}
	}
	k := v.keys.Batch
	switch {
	case keyMatches(msg, k.Focus):
		v.inDetail = !v.inDetail
		return v, nil
	case keyMatches(msg, k.ScrollUp):
		return v.scrollDetail(-1), nil
	case keyMatches(msg, k.ScrollDown):
		return v.scrollDetail(1), nil
	case keyMatches(msg, k.Mode):
		v.mode = (v.mode + 1) % valueModes
		return v.ensureDetail(), say(reportInfo("values shown as %s", v.mode.about()))
	case keyMatches(msg, k.Search):
		if len(v.records) == 0 {
			return v, nil
		}
		v.search = v.search.start()
		return v.refresh(), nil
	case keyMatches(msg, k.Consume):
		return v, intentConsume{target: v.target}
	case keyMatches(msg, k.Peek):
		return v, intentPeek{target: v.target}
	}
	if v.inDetail {
		l := v.keys.List
		page := max(v.layout().detailLines-2, 1)
		switch {
		case keyMatches(msg, l.Up):
			return v.scrollDetail(-1), nil
		case keyMatches(msg, l.Down):
			return v.scrollDetail(1), nil
		case keyMatches(msg, l.PageUp):
			return v.scrollDetail(-page), nil
		case keyMatches(msg, l.PageDown):
			return v.scrollDetail(page), nil
		case keyMatches(msg, l.Top):
			return v.scrollDetail(-len(v.detail.lines)), nil
		case keyMatches(msg, l.Bottom):
			return v.scrollDetail(len(v.detail.lines)), nil
		}
	} else if c, ok := navigate(v.keys.List, msg, v.cur, v.count(), v.rows()); ok {
		v.cur = c
		return v.refresh(), nil
	}
	if len(v.records) == 0 {
		return v, nil
	}
	switch {
	case keyMatches(msg, k.Export):
		return v, intentExport{}
	case keyMatches(msg, k.Copy):
		return v, intentCopy{}
	case keyMatches(msg, k.CopyRecord):
		return v, intentCopy{asRecord: true}
	case keyMatches(msg, k.Commit):
		return v, intentCommitReview{}
	}
	return v, nil
}

func (v batchView) scrollDetail(delta int) batchView {
	v.scroll = min(max(v.scroll+delta, 0), max(len(v.detail.lines)-v.layout().detailLines+1, 0))
	return v
}

// escape closes an applied search; it reports false when there was none.
func (v batchView) escape() (batchView, bool) {
	if v.search.value == "" {
		return v, false
	}
	v.search.value = ""
	v.search.input.SetValue("")
	v.matches = matchSet{}
	return v.reselect(), true
}

func (v batchView) scrollBy(delta int) batchView {
	if v.inDetail {
		return v.scrollDetail(delta)
	}
	v.cur = v.cur.move(delta, v.count(), v.rows())
	return v.refresh()
}

// summary is the title line of the batch, in phrases that drop whole, the
// least useful first, when the line does not fit.
func (v batchView) summary() []phrase {
	id := clean(v.target.ID())
	switch {
	case v.loading && v.kind == batchConsume:
		return []phrase{{v.spin + " joining " + id, 0}, {" and reading up to " + count(int64(v.max)) + " records", 1}, {" (commits)", 2}, {"…", 0}}
	case v.loading:
		return []phrase{{v.spin + " peeking", 0}, {" up to " + count(int64(v.max)) + " records", 1}, {" of " + id + "…", 0}}
	case v.isNew:
		return []phrase{{"new group " + id, 0}, {": not created yet", 2}, {", starts at earliest", 1}}
	case v.kind == batchNone:
		return []phrase{{"group " + id + ": nothing read yet", 0}}
	}
	// A peek reads at the group's position without joining it: "of" the
	// group, where a consume reads "as" the group.
	verb, note, prep := "peeked", " (nothing committed)", "of"
	if v.committed != "" {
		verb, note = "reviewed", ""
	}
	if v.kind == batchConsume {
		verb, note, prep = "consumed", "", "as"
		if v.forced {
			verb = "consumed (forced)"
		}
	}
	parts := map[int32]bool{}
	for _, r := range v.records {
		parts[r.Partition] = true
	}
	s := []phrase{
		{fmt.Sprintf("%s %s record%s", verb, count(int64(len(v.records))), plural(len(v.records))), 0},
		{note, 2},
		{fmt.Sprintf(" from %d partition%s", len(parts), plural(len(parts))), 3},
		{" " + prep + " " + id, 0},
	}
	switch {
	case v.committed != "" && v.kind == batchPeek:
		s = append(s, phrase{" · " + v.committed, 1})
	case v.kind == batchPeek && len(v.records) > 0 && v.matches.active():
		// A search narrows the list, not the commit.
		s = append(s, phrase{" · C commits all " + count(int64(len(v.records))) + ", not only the matches", 4})
	case v.kind == batchPeek && len(v.records) > 0:
		s = append(s, phrase{" · C commits this batch", 4})
	}
	return s
}

func (v batchView) View() string {
	st := v.styles
	lines := []string{st.Title.Render(fit(fitPhrases(v.width, v.summary()...), v.width, alignLeft))}
	if v.search.visible() {
		// The count belongs to the applied query: while another one is
		// typed, no count shows beside it.
		suffix := ""
		if c := v.matchCount(); c != "" && v.search.input.Value() == v.matches.query {
			suffix = "  " + c
		}
		lines = append(lines, v.search.view(st, v.width, suffix))
	}
	switch {
	case v.loading:
		return strings.Join(lines, "\n")
	case v.err != nil && len(v.records) == 0:
		// Wrapped, not cut: the reason is the point (who kept the
		// partitions, what to do).
		lines = append(lines, "")
		for _, l := range wrapText(clean("failed: "+v.err.Error()), v.width) {
			lines = append(lines, st.Bad.Render(fit(l, v.width, alignLeft)))
		}
		return strings.Join(append(lines, "", st.Dim.Render("c consumes, p peeks")), "\n")
	case len(v.records) == 0:
		hint := "c consumes N records (commits) · p peeks without committing"
		switch {
		case v.kind == batchConsume && v.lagKnown && v.lagLeft > 0:
			hint = fmt.Sprintf("No record, nothing committed: the group still has lag %s on partitions other members hold. ", count(v.lagLeft)) + hint
		case v.kind != batchNone:
			hint = "No record: the group is at the end of every partition it read. " + hint
		}
		return strings.Join(append(lines, "", st.Dim.Render(fit(hint, v.width, alignLeft))), "\n")
	case v.matches.pending:
		return strings.Join(append(lines, "", st.Dim.Render(fit("searching "+count(int64(len(v.records)))+" records for '"+clean(v.matches.query)+"'…", v.width, alignLeft))), "\n")
	case v.matches.active() && len(v.matches.indices) == 0:
		none := fmt.Sprintf("0 of %s records match '%s'", count(int64(len(v.records))), clean(v.matches.query))
		return strings.Join(append(lines, "",
			st.Warn.Render(fit(none, v.width, alignLeft)),
			st.Dim.Render(fit("searched keys, values and headers, as stored and as shown", v.width, alignLeft)),
			st.Dim.Render(fit("/ edits the search · esc clears it", v.width, alignLeft))), "\n")
	}
	l := v.layout()
	list := v.listLines(l.listWidth, l.listHeight)
	detail := v.detailLines(l.detailWidth, l.detailLines)
	if l.side {
		sep := st.DetailRule.Render(" │ ")
		if v.inDetail {
			sep = st.Title.Render(" ┃ ")
		}
		for i := range max(len(list), len(detail)) {
			left, right := "", ""
			if i < len(list) {
				left = list[i]
			}
			if i < len(detail) {
				right = detail[i]
			}
			lines = append(lines, fit(left, l.listWidth, alignLeft)+sep+right)
		}
		return strings.Join(lines, "\n")
	}
	lines = append(lines, list...)
	for len(lines) < l.top+l.listHeight {
		lines = append(lines, "")
	}
	rule := st.DetailRule.Render(fit("─ detail (tab focuses, J/K scroll) "+strings.Repeat("─", v.width), v.width, alignLeft))
	if v.inDetail {
		rule = st.Title.Render(fit("━ detail: ↑/↓ pgup/pgdn scroll, tab back to the list "+strings.Repeat("━", v.width), v.width, alignLeft))
	}
	lines = append(lines, rule)
	lines = append(lines, detail...)
	return strings.Join(lines, "\n")
}

func (v batchView) listLines(width, height int) []string {
	t := table{cols: []column{
		{Title: "p", Min: 1, Align: alignRight},
		{Title: "offset", Min: 6, Align: alignRight},
		{Title: "timestamp (UTC)", Min: 12, Max: 23},
		{Title: "key", Min: 6, Flex: true, Fill: true},
		{Title: "size", Min: 6, Align: alignRight},
	}}
	// Only the rows on screen are laid out; widths come from them too.
	first := min(v.cur.offset, v.count())
	last := min(first+max(height-1, 0), v.count())
	cur := v.cur
	cur.index -= first
	cur.offset = 0
	for pos := first; pos < last; pos++ {
		r := v.records[v.index(pos)]
		key := styled("<null>", v.styles.Dim)
		if r.Key != nil {
			key = plain(render.Preview(r.Key, 96))
		}
		sz := plain(size(len(r.Value)))
		if r.Value == nil {
			sz = styled("tombstone", v.styles.Dim)
		}
		t.rows = append(t.rows, []cell{
			plain(fmt.Sprint(r.Partition)),
			plain(count(r.Offset)),
			plain(stamp(r.Timestamp)),
			key,
			sz,
		})
	}
	if v.inDetail {
		cur.index = -1 // the pane has the focus: no row looks active
	}
	return t.render(v.styles, width, height, cur)
}

func (v batchView) detailLines(width, height int) []string {
	if height <= 0 || !v.detail.valid {
		return nil
	}
	end := min(v.scroll+height, len(v.detail.lines))
	out := slices.Clone(v.detail.lines[min(v.scroll, end):end])
	if v.scroll+height < len(v.detail.lines) && len(out) > 0 {
		more := fmt.Sprintf("↓ %d more lines (J, or tab then ↓/pgdn)", len(v.detail.lines)-v.scroll-height+1)
		out[len(out)-1] = v.styles.Dim.Render(fit(more, width, alignLeft))
	}
	return out
}

// reviewChanges computes the commit of a reviewed batch: on each partition
// the batch holds, the group moves to the offset after the last record
// shown. before is the group's position as just read from the cluster.
func reviewChanges(records []model.Record, before model.Group) []offsetChange {
	last := map[int32]int64{}
	for _, r := range records {
		if o, ok := last[r.Partition]; !ok || r.Offset > o {
			last[r.Partition] = r.Offset
		}
	}
	changes := make([]offsetChange, 0, len(last))
	for p, o := range last {
		c := offsetChange{Partition: p, LastReviewed: o, After: o + 1}
		for _, pl := range before.Partitions {
			if pl.Partition == p && pl.HasCommitted {
				c.Before, c.HasBefore = pl.Committed, true
			}
		}
		changes = append(changes, c)
	}
	slices.SortFunc(changes, func(a, b offsetChange) int { return cmp.Compare(a.Partition, b.Partition) })
	return changes
}
