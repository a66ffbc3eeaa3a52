package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// sideBySide is the body width from which the batch list and the detail
// pane sit side by side rather than stacked.
const sideBySide = 120

// batchView shows one batch of records, peeked or consumed, as a list and a
// detail pane for the selected record.
type batchView struct {
	styles *widget.Styles
	keys   *keymap.KeyMap
	now    func() time.Time

	target   target
	id       int // the request whose result this view waits for or shows
	kind     batchKind
	req      kafka.PeekRequest
	max      int
	forced   bool
	isNew    bool // a new suffix: nothing read yet
	readOnly bool // commits are off
	loading  bool
	spin     string // spinner frame, set by the root
	err      error

	records   []model.Record // sorted by partition, then offset
	decoded   []decoding     // by record; nil when nothing was decoded
	lagLeft   int64          // after an empty consume: the group's lag, when lagKnown
	lagKnown  bool
	committed string // non-empty once the batch's offsets are committed: how

	search   widget.FilterLine
	matches  matchSet // the applied search; its zero value shows every record
	cur      widget.ListCursor
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

func newBatchView(st *widget.Styles, keys *keymap.KeyMap, now func() time.Time) batchView {
	return batchView{styles: st, keys: keys, now: now, search: widget.NewFilterLine("search: ", false, keys.Batch.Search, keys.Filter.Cancel)}
}

// reset points the view at a target with nothing loaded.
func (v batchView) reset(t target) batchView {
	fresh := newBatchView(v.styles, v.keys, v.now)
	fresh.width, fresh.height, fresh.mode, fresh.readOnly = v.width, v.height, v.mode, v.readOnly
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
	// Records and their decodings sort together.
	order := make([]int, len(msg.records))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := msg.records[i], msg.records[j]
		if c := cmp.Compare(a.Partition, b.Partition); c != 0 {
			return c
		}
		return cmp.Compare(a.Offset, b.Offset)
	})
	v.records = make([]model.Record, len(order))
	v.decoded = nil
	if len(msg.decoded) == len(msg.records) {
		v.decoded = make([]decoding, len(order))
	}
	for to, from := range order {
		v.records[to] = msg.records[from]
		if v.decoded != nil {
			v.decoded[to] = msg.decoded[from]
		}
	}
	v.isNew = false
	if msg.kind == batchConsume {
		v.committed = "consumed through the registry: offsets committed"
	}
	v.cur = widget.ListCursor{}
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
func (v batchView) setSize(w, h int) batchView {
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
	all := fmt.Sprintf("all %s record%s", widget.Count(int64(len(v.records))), widget.Plural(len(v.records)))
	if v.matches.active() && !v.matches.pending {
		return fmt.Sprintf("%s, not only the %s matching '%s'", all, widget.Count(int64(len(v.matches.indices))), widget.Clean(v.matches.query))
	}
	return all
}

// recordPlace names a record for the status line.
func recordPlace(r model.Record) string {
	return fmt.Sprintf("partition %d offset %s", r.Partition, widget.Count(r.Offset))
}

// decodingOf is how record i of the batch was decoded.
func (v batchView) decodingOf(i int) decoding {
	if i < 0 || i >= len(v.decoded) {
		return decoding{}
	}
	return v.decoded[i]
}

// selected returns the record under the cursor.
func (v batchView) selected() (model.Record, int, bool) {
	if v.cur.Index >= v.count() {
		return model.Record{}, -1, false
	}
	i := v.index(v.cur.Index)
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
	if v.search.Visible() {
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
	v.cur = v.cur.Clamp(v.count(), v.rows())
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
			v.cur.Index = pos
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
	v.detail = detailCache{key: k, valid: true, lines: renderDetail(v.styles, r, v.decodingOf(i), v.now(), k.width, v.mode, keymap.Name(v.keys.Batch.Mode))}
	v.scroll = min(v.scroll, max(len(v.detail.lines)-1, 0))
	return v
}

func (v batchView) capturing() bool { return v.search.Editing }

func (v batchView) update(msg tea.KeyMsg) (batchView, intent) {
	if v.search.Editing {
		var changed bool
		v.search, changed = v.search.Update(msg, v.keys.Filter, v.keys.Input)
		if !changed {
			return v.refresh(), nil
		}
		v.matches = searching(v.search.Value)
		if !v.matches.active() {
			return v.reselect(), nil
		}
		return v.refresh(), intentSearch{batch: v.id, query: v.search.Value, records: v.records, decoded: v.decoded}
	}
	k := v.keys.Batch
	switch {
	case widget.KeyMatches(msg, k.Focus):
		v.inDetail = !v.inDetail
		return v, nil
	case widget.KeyMatches(msg, k.ScrollUp):
		return v.scrollDetail(-1), nil
	case widget.KeyMatches(msg, k.ScrollDown):
		return v.scrollDetail(1), nil
	case widget.KeyMatches(msg, k.Mode):
		_, i, _ := v.selected()
		decoded := v.decodingOf(i).value.Decoded()
		v.mode = v.mode.next(decoded)
		return v.ensureDetail(), say(widget.ReportInfo("values shown as %s", v.mode.about(decoded)))
	case widget.KeyMatches(msg, k.Search):
		if len(v.records) == 0 {
			return v, nil
		}
		v.search = v.search.Start()
		return v.refresh(), nil
	case widget.KeyMatches(msg, k.Consume):
		return v, intentConsume{target: v.target}
	case widget.KeyMatches(msg, k.Peek):
		return v, intentPeek{target: v.target}
	case widget.KeyMatches(msg, k.Follow):
		return v, intentFollow{topic: v.target.Group.Topic, partition: v.target.Partition}
	}
	if v.inDetail {
		if d, ok := widget.Scroll(v.keys.List, msg, max(v.layout().detailLines-2, 1), len(v.detail.lines)); ok {
			return v.scrollDetail(d), nil
		}
	} else if c, ok := widget.Navigate(v.keys.List, msg, v.cur, v.count(), v.rows()); ok {
		v.cur = c
		return v.refresh(), nil
	}
	if len(v.records) == 0 {
		return v, nil
	}
	switch {
	case widget.KeyMatches(msg, k.Export):
		return v, intentExport{batch: v}
	case widget.KeyMatches(msg, k.Copy):
		return v.copyIntent(false)
	case widget.KeyMatches(msg, k.CopyRecord):
		return v.copyIntent(true)
	case widget.KeyMatches(msg, k.Commit):
		return v, intentCommitReview{batch: v}
	}
	return v, nil
}

func (v batchView) scrollDetail(delta int) batchView {
	v.scroll = min(max(v.scroll+delta, 0), max(len(v.detail.lines)-v.layout().detailLines+1, 0))
	return v
}

// escape closes an applied search; it reports false when there was none.
func (v batchView) escape() (batchView, bool) {
	if v.search.Value == "" {
		return v, false
	}
	v.search.Value = ""
	v.search.Input.SetValue("")
	v.matches = matchSet{}
	return v.reselect(), true
}

func (v batchView) scrollBy(delta int) batchView {
	if v.inDetail {
		return v.scrollDetail(delta)
	}
	v.cur = v.cur.Move(delta, v.count(), v.rows())
	return v.refresh()
}

// summary is the title line of the batch, in phrases that drop whole, the
// least useful first, when the line does not fit.
func (v batchView) summary() []widget.Phrase {
	id := widget.Clean(v.target.ID())
	switch {
	case v.loading && v.kind == batchConsume:
		return []widget.Phrase{{Text: v.spin + " joining " + id, Need: 0}, {Text: " and reading up to " + widget.Count(int64(v.max)) + " records", Need: 1}, {Text: " (commits)", Need: 2}, {Text: "…", Need: 0}}
	case v.loading:
		return []widget.Phrase{{Text: v.spin + " peeking", Need: 0}, {Text: " up to " + widget.Count(int64(v.max)) + " records", Need: 1}, {Text: " of " + id + "…", Need: 0}}
	case v.isNew:
		return []widget.Phrase{{Text: "new group " + id, Need: 0}, {Text: ": not created yet", Need: 2}, {Text: ", starts at earliest", Need: 1}}
	case v.kind == batchNone:
		return []widget.Phrase{{Text: "group " + id + ": nothing read yet", Need: 0}}
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
	s := []widget.Phrase{
		{Text: fmt.Sprintf("%s %s record%s", verb, widget.Count(int64(len(v.records))), widget.Plural(len(v.records))), Need: 0},
		{Text: note, Need: 2},
		{Text: fmt.Sprintf(" from %d partition%s", len(parts), widget.Plural(len(parts))), Need: 3},
		{Text: " " + prep + " " + id, Need: 0},
	}
	switch {
	case v.committed != "" && v.kind == batchPeek:
		s = append(s, widget.Phrase{Text: " · " + v.committed, Need: 1})
	case v.kind == batchPeek && len(v.records) > 0 && v.matches.active():
		// A search narrows the list, not the commit.
		s = append(s, widget.Phrase{Text: " · " + keymap.Name(v.keys.Batch.Commit) + " commits all " + widget.Count(int64(len(v.records))) + ", not only the matches", Need: 4})
	case v.kind == batchPeek && len(v.records) > 0:
		s = append(s, widget.Phrase{Text: " · " + keymap.Name(v.keys.Batch.Commit) + " commits this batch", Need: 4})
	}
	return s
}

// readHint names the keys that fill the batch: "c consumes, p peeks".
func (v batchView) readHint() string {
	return readHint(v.keys.Batch.Consume, v.keys.Batch.Peek)
}

// readHint names a view's keys that consume and peek: "c consumes, p peeks".
func readHint(consume, peek key.Binding) string {
	return keymap.Name(consume) + " consumes, " + keymap.Name(peek) + " peeks"
}

func (v batchView) View() string {
	st := v.styles
	lines := []string{st.Title.Render(widget.Fit(widget.FitPhrases(v.width, v.summary()...), v.width, widget.AlignLeft))}
	if v.search.Visible() {
		// The count belongs to the applied query: while another one is
		// typed, no count shows beside it.
		suffix := ""
		if c := v.matchCount(); c != "" && v.search.Input.Value() == v.matches.query {
			suffix = "  " + c
		}
		lines = append(lines, v.search.View(st, v.width, suffix))
	}
	switch {
	case v.loading:
		return strings.Join(lines, "\n")
	case v.err != nil && len(v.records) == 0:
		// Wrapped, not cut: the reason is the point (who kept the
		// partitions, what to do).
		lines = append(lines, "")
		for _, l := range widget.WrapText(widget.Clean("failed: "+v.err.Error()), v.width) {
			lines = append(lines, st.Bad.Render(widget.Fit(l, v.width, widget.AlignLeft)))
		}
		return strings.Join(append(lines, "", st.Dim.Render(v.readHint())), "\n")
	case len(v.records) == 0:
		b := v.keys.Batch
		hint := keymap.Name(b.Consume) + " consumes N records (commits) · " + keymap.Name(b.Peek) + " peeks without committing"
		switch {
		case v.kind == batchConsume && v.lagKnown && v.lagLeft > 0:
			hint = fmt.Sprintf("No record, nothing committed: the group still has lag %s on partitions other members hold. ", widget.Count(v.lagLeft)) + hint
		case v.kind != batchNone:
			hint = "No record: the group is at the end of every partition it read. " + hint
		}
		return strings.Join(append(lines, "", st.Dim.Render(widget.Fit(hint, v.width, widget.AlignLeft))), "\n")
	case v.matches.pending:
		return strings.Join(append(lines, "", st.Dim.Render(widget.Fit("searching "+widget.Count(int64(len(v.records)))+" records for '"+widget.Clean(v.matches.query)+"'…", v.width, widget.AlignLeft))), "\n")
	case v.matches.active() && len(v.matches.indices) == 0:
		none := fmt.Sprintf("0 of %s records match '%s'", widget.Count(int64(len(v.records))), widget.Clean(v.matches.query))
		return strings.Join(append(lines, "",
			st.Warn.Render(widget.Fit(none, v.width, widget.AlignLeft)),
			st.Dim.Render(widget.Fit("searched keys, values and headers, as stored and as shown", v.width, widget.AlignLeft)),
			st.Dim.Render(widget.Fit(keymap.Name(v.keys.Batch.Search)+" edits the search · "+keymap.Name(v.keys.Filter.Cancel)+" clears it", v.width, widget.AlignLeft))), "\n")
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
			lines = append(lines, widget.Fit(left, l.listWidth, widget.AlignLeft)+sep+right)
		}
		return strings.Join(lines, "\n")
	}
	lines = append(lines, list...)
	for len(lines) < l.top+l.listHeight {
		lines = append(lines, "")
	}
	rule := st.DetailRule.Render(widget.Fit("─ detail ("+keymap.Name(v.keys.Batch.Focus)+" focuses, "+keymap.Name(v.keys.Batch.ScrollDown)+"/"+keymap.Name(v.keys.Batch.ScrollUp)+" scroll) "+strings.Repeat("─", v.width), v.width, widget.AlignLeft))
	if v.inDetail {
		rule = st.Title.Render(widget.Fit("━ detail: "+keymap.Arrows(v.keys.List.Up, v.keys.List.Down)+" "+keymap.Arrows(v.keys.List.PageUp, v.keys.List.PageDown)+" scroll, "+keymap.Name(v.keys.Batch.Focus)+" back to the list "+strings.Repeat("━", v.width), v.width, widget.AlignLeft))
	}
	lines = append(lines, rule)
	lines = append(lines, detail...)
	return strings.Join(lines, "\n")
}

func (v batchView) listLines(width, height int) []string {
	t := widget.Table{Cols: []widget.Column{
		{Title: "p", Min: 1, Align: widget.AlignRight},
		{Title: "offset", Min: 6, Align: widget.AlignRight},
		{Title: "timestamp (UTC)", Min: 12, Max: 23},
		{Title: "key", Min: 6, Flex: true, Fill: true},
		{Title: "size", Min: 6, Align: widget.AlignRight},
	}}
	// Only the rows on screen are laid out; widths come from them too.
	first := min(v.cur.Offset, v.count())
	last := min(first+max(height-1, 0), v.count())
	cur := v.cur
	cur.Index -= first
	cur.Offset = 0
	for pos := first; pos < last; pos++ {
		i := v.index(pos)
		r := v.records[i]
		key := widget.Styled("<null>", v.styles.Dim)
		if dk := v.decodingOf(i).key; dk.Decoded() {
			key = widget.Plain(render.Preview(decodedText(dk), 96))
		} else if r.Key != nil {
			key = widget.Plain(render.Preview(r.Key, 96))
		}
		sz := widget.Plain(widget.Size(len(r.Value)))
		if r.Value == nil {
			sz = widget.Styled("tombstone", v.styles.Dim)
		}
		t.Rows = append(t.Rows, []widget.Cell{
			widget.Plain(fmt.Sprint(r.Partition)),
			widget.Plain(widget.Count(r.Offset)),
			widget.Plain(widget.Stamp(r.Timestamp)),
			key,
			sz,
		})
	}
	if v.inDetail {
		cur.Index = -1 // the pane has the focus: no row looks active
	}
	return t.Render(v.styles, width, height, cur)
}

func (v batchView) detailLines(width, height int) []string {
	if height <= 0 || !v.detail.valid {
		return nil
	}
	end := min(v.scroll+height, len(v.detail.lines))
	out := slices.Clone(v.detail.lines[min(v.scroll, end):end])
	if v.scroll+height < len(v.detail.lines) && len(out) > 0 {
		k := v.keys
		more := fmt.Sprintf("↓ %d more lines (%s, or %s then %s)", len(v.detail.lines)-v.scroll-height+1,
			keymap.Name(k.Batch.ScrollDown), keymap.Name(k.Batch.Focus), keymap.Arrows(k.List.Down, k.List.PageDown))
		out[len(out)-1] = v.styles.Dim.Render(widget.Fit(more, width, widget.AlignLeft))
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

// Page methods of the batch view.

func (v batchView) batchID() int { return v.id }

// Update takes a key, the result of its read, of a search or of a commit,
// and the spinner's frame.
func (v batchView) Update(msg tea.Msg) (Page, intent) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return v.update(msg)
	case batchMsg:
		if msg.id == v.id {
			return v.setResult(msg), nil
		}
	case searchMsg:
		v = v.setMatches(msg)
		if s := v.matches; msg.batch == v.id && !s.pending && s.query == msg.query {
			return v, say(widget.ReportInfo("%s of %s records match '%s'", widget.Count(int64(len(s.indices))), widget.Count(int64(len(v.records))), widget.Clean(s.query)))
		}
	case batchCommitted:
		if msg.id == v.id {
			v.committed = msg.summary
		}
	case spinFrame:
		v.spin = string(msg)
	}
	return v, nil
}

// Help offers what the batch can do now.
func (v batchView) Help() keymap.Help {
	keys := *v.keys
	if v.kind != batchPeek || v.loading {
		// Nothing peeked in this view yet: there is no "again".
		keys.Batch.Peek = keymap.Relabel(keys.Batch.Peek, "peek")
	}
	if v.matches.active() {
		// e acts on what the list shows; C on the whole batch still.
		keys.Batch.Export = keymap.Relabel(keys.Batch.Export, "export matches")
		if !v.readOnly {
			keys.Batch.Commit = keymap.Relabel(keys.Batch.Commit, "commit whole batch")
		}
	}
	return keys.BatchHelp(len(v.records) > 0, v.committed == "")
}

// copyIntent asks to copy the record under the cursor: its value, or
// with asRecord the whole record as JSON.
func (v batchView) copyIntent(asRecord bool) (batchView, intent) {
	r, i, ok := v.selected()
	if !ok {
		return v, say(v.nothingShown("copy"))
	}
	return v, intentCopy{record: r, decoded: v.decodingOf(i), asRecord: asRecord}
}

// Crumbs names the group read, unless the trail ends with it, then "batch".
func (v batchView) Crumbs(trail []string) []string {
	if id := v.target.ID(); len(trail) == 0 || trail[len(trail)-1] != id {
		trail = append(trail, id)
	}
	return append(trail, "batch")
}

func (v batchView) SetSize(w, h int) Page { return v.setSize(w, h) }
func (v batchView) Capturing() bool       { return v.capturing() }
func (v batchView) Escape() (Page, bool)  { return v.escape() }
func (v batchView) Scroll(delta int) Page { return v.scrollBy(delta) }
func (v batchView) ItemError() string     { return "" }
func (v batchView) Empty() bool           { return false }

// Resume keeps how values are shown from the batch read before.
func (v batchView) Resume(prev Page) (Page, bool) {
	if p, ok := prev.(batchView); ok {
		v.mode = p.mode
		return v, true
	}
	return v, false
}
