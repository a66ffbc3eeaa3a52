package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// sortOrder is how a list of topics or groups is ordered.
type sortOrder int

const (
	sortByName sortOrder = iota
	sortByLag
	sortByTimeLag
	sortByStatus // most severe lag status first
	sortOrders   // number of orders, for cycling
)

func (s sortOrder) String() string {
	switch s {
	case sortByLag:
		return "lag"
	case sortByTimeLag:
		return "time lag"
	case sortByStatus:
		return "status"
	default:
		return "name"
	}
}

// topicRow is one topic as the topics view shows it.
type topicRow struct {
	Name       string
	Internal   bool
	Partitions int
	Records    int64
	Groups     int
	Lag        int64
	Oldest     time.Time    // oldest unconsumed record among the base groups; zero if none
	Status     model.Status // most severe lag status of the base groups
	Err        error
}

// topicRows summarises every topic of the snapshot with its base groups,
// judged by trends.
func topicRows(snap model.Snapshot, trends *trendSet) []topicRow {
	rows := make([]topicRow, 0, len(snap.Topics))
	index := make(map[string]int, len(snap.Topics))
	for _, t := range snap.Topics {
		index[t.Name] = len(rows)
		rows = append(rows, topicRow{Name: t.Name, Internal: t.Internal, Partitions: len(t.Partitions), Records: t.Records(), Err: t.Err})
	}
	// One pass over the groups, without copying them: a refresh of 10,000
	// groups lands in Update.
	for i := range snap.Groups {
		g := &snap.Groups[i]
		ti, ok := index[g.Name.Topic]
		if !ok {
			continue
		}
		r := &rows[ti]
		r.Groups++
		r.Lag += g.Lag
		if gt, ok := trends.group(g.ID); ok {
			r.Status = max(r.Status, gt.Status)
		}
		for _, p := range g.Partitions {
			if !p.OldestUnconsumed.IsZero() && (r.Oldest.IsZero() || p.OldestUnconsumed.Before(r.Oldest)) {
				r.Oldest = p.OldestUnconsumed
			}
		}
	}
	return rows
}

// topicsView lists the topics of the cluster with the lag of the base's
// groups on each.
type topicsView struct {
	styles *widget.Styles
	keys   *keymap.KeyMap
	now    func() time.Time
	trends *trendSet // lag verdict on the newest snapshot, set by the root

	all          []topicRow
	list         widget.FilteredList[topicRow] // filtered and sorted, by topic name
	loaded       bool
	order        sortOrder
	showInternal bool

	width, height int
}

func newTopicsView(st *widget.Styles, keys *keymap.KeyMap, now func() time.Time) topicsView {
	return topicsView{styles: st, keys: keys, now: now, list: widget.NewFilteredList(topicRow.name, keys.Topics.Filter, keys.Filter.Cancel)}
}

func (r topicRow) name() string { return r.Name }

// SetSize sets the body area the view draws in.
func (v topicsView) setSize(w, h int) topicsView {
	v.width, v.height = w, h
	v.list = v.list.Clamp(v.listSpace())
	return v
}

// listSpace is the height of the list and its filter line: all but the
// title line and the column header.
func (v topicsView) listSpace() int { return v.height - 2 }

// setSnapshot refreshes the rows without moving the selection.
func (v topicsView) setSnapshot(snap model.Snapshot) topicsView {
	v.all = topicRows(snap, v.trends)
	v.loaded = true
	return v.rebuild()
}

// rebuild filters and sorts the rows and puts the cursor back on the
// selected topic (or as close to where it was as the list allows).
func (v topicsView) rebuild() topicsView {
	rows := make([]topicRow, 0, len(v.all))
	for _, r := range v.all {
		if r.Internal && !v.showInternal {
			continue
		}
		rows = append(rows, r)
	}
	sortTopicRows(rows, v.order)
	v.list = v.list.Set(rows, v.listSpace())
	return v
}

func sortTopicRows(rows []topicRow, order sortOrder) {
	slices.SortStableFunc(rows, func(a, b topicRow) int {
		switch order {
		case sortByLag:
			if c := cmp.Compare(b.Lag, a.Lag); c != 0 {
				return c
			}
		case sortByTimeLag:
			if c := compareOldest(a.Oldest, b.Oldest); c != 0 {
				return c
			}
		case sortByStatus:
			if c := cmp.Compare(topicSeverity(b), topicSeverity(a)); c != 0 {
				return c
			}
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// compareOldest orders the oldest unconsumed record first (the worst time
// lag) and unknown ones last.
func compareOldest(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}

// selected returns the topic under the cursor.
func (v topicsView) selected() (topicRow, bool) { return v.list.Selected() }

// capturing reports whether the view wants every key (its filter is open).
func (v topicsView) capturing() bool { return v.list.Capturing() }

func (v topicsView) update(msg tea.KeyMsg) (topicsView, intent) {
	k := v.keys.Topics
	var handled, refilter bool
	if v.list, handled, refilter = v.list.Update(msg, v.keys, k.Filter, v.listSpace()); handled {
		if refilter {
			v = v.rebuild()
		}
		return v, nil
	}
	switch {
	case widget.KeyMatches(msg, k.Sort):
		v.order = (v.order + 1) % sortOrders
		v = v.rebuild()
		return v, say(widget.ReportInfo("topics sorted by %s", v.order))
	case widget.KeyMatches(msg, k.Internal):
		v.showInternal = !v.showInternal
		v = v.rebuild()
		if v.showInternal {
			if !v.hasInternal() {
				return v, say(widget.ReportInfo("showing internal topics: the cluster lists none"))
			}
			return v, say(widget.ReportInfo("showing internal topics"))
		}
		return v, say(widget.ReportInfo("hiding internal topics"))
	}
	row, ok := v.selected()
	if !ok {
		return v, nil
	}
	switch {
	case widget.KeyMatches(msg, k.Open):
		return v, intentOpenTopic{topic: row.Name}
	case widget.KeyMatches(msg, k.Consume):
		return v, intentConsume{target: target{Group: model.GroupName{Topic: row.Name}}}
	case widget.KeyMatches(msg, k.Peek):
		return v, intentPeek{target: target{Group: model.GroupName{Topic: row.Name}}}
	case widget.KeyMatches(msg, k.NewSuffix):
		return v, intentNewSuffix{topic: row.Name}
	case widget.KeyMatches(msg, k.Follow):
		return v, intentFollow{topic: row.Name}
	}
	return v, nil
}

// escape clears an applied filter; it reports false when there was none.
func (v topicsView) escape() (topicsView, bool) {
	var cleared bool
	if v.list, cleared = v.list.Escape(); !cleared {
		return v, false
	}
	return v.rebuild(), true
}

func (v topicsView) scroll(delta int) topicsView {
	v.list = v.list.Scroll(delta, v.listSpace())
	return v
}

// hasInternal says whether the cluster listed any internal topic.
func (v topicsView) hasInternal() bool {
	for _, r := range v.all {
		if r.Internal {
			return true
		}
	}
	return false
}

func (v topicsView) View() string {
	st := v.styles
	if !v.loaded {
		return st.Dim.Render("Loading topics…")
	}
	hidden := 0
	for _, r := range v.all {
		if r.Internal && !v.showInternal {
			hidden++
		}
	}
	rows := v.list.Rows
	title := fmt.Sprintf("%d topic%s", len(rows), widget.Plural(len(rows)))
	if hidden > 0 {
		title += fmt.Sprintf(" (%d internal hidden, %s shows)", hidden, keymap.Name(v.keys.Topics.Internal))
	}
	title += " · sorted by " + v.order.String()
	lines := []string{st.Title.Render(widget.Fit(title, v.width, widget.AlignLeft))}
	if v.list.Filter.Visible() {
		lines = append(lines, v.list.Filter.View(st, v.width, fmt.Sprintf("  %d of %d", len(rows), len(v.all))))
	}
	if len(rows) == 0 {
		return strings.Join(append(lines, st.Dim.Render("No topic to show.")), "\n")
	}
	now := v.now()
	t := widget.Table{Cols: []widget.Column{
		{Title: "topic", Min: 12, Max: 80, Flex: true},
		{Title: "parts", Min: 5, Align: widget.AlignRight},
		{Title: "records", Min: 7, Align: widget.AlignRight},
		{Title: "groups", Min: 6, Align: widget.AlignRight},
		{Title: "lag", Min: 5, Align: widget.AlignRight},
		{Title: "time lag", Min: 8, Align: widget.AlignRight},
		{Title: "status", Min: 6},
	}}
	t.Rows = make([][]widget.Cell, len(rows))
	for i, r := range rows {
		name := widget.Clean(r.Name)
		if r.Internal {
			name += " (internal)"
		}
		nameCell := widget.Plain(name)
		if r.Err != nil {
			nameCell = widget.Styled(name+" "+errCell(st, r.Err).Text, st.Bad)
		}
		lag := widget.Plain(widget.Count(r.Lag))
		if r.Groups == 0 {
			lag = widget.Styled("—", st.Dim)
		}
		records := widget.Plain(widget.Count(r.Records))
		if notAuthorized(r.Err) {
			records, lag = deniedCell(st), deniedCell(st)
		}
		t.Rows[i] = []widget.Cell{
			nameCell,
			widget.Plain(widget.Count(int64(r.Partitions))),
			records,
			widget.Plain(widget.Count(int64(r.Groups))),
			lag,
			widget.Plain(widget.AgeSince(now, r.Oldest)),
			statusCell(st, r.Status, r.Groups > 0),
		}
	}
	lines = append(lines, t.Render(st, v.width, v.height-len(lines), v.list.Cur)...)
	return strings.Join(lines, "\n")
}

// Page methods of the topics view.

// Update takes a key or a snapshot.
func (v topicsView) Update(msg tea.Msg) (Page, intent) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return v.update(msg)
	case snapshotTaken:
		v.trends = msg.trends
		return v.setSnapshot(msg.snap), nil
	}
	return v, nil
}

func (v topicsView) SetSize(w, h int) Page          { return v.setSize(w, h) }
func (v topicsView) Help() keymap.Help              { return v.keys.TopicsHelp() }
func (v topicsView) Crumbs(trail []string) []string { return append(trail, "topics") }
func (v topicsView) Capturing() bool                { return v.capturing() }
func (v topicsView) Escape() (Page, bool)           { return v.escape() }
func (v topicsView) Scroll(delta int) Page          { return v.scroll(delta) }
func (v topicsView) Empty() bool                    { return !v.loaded }
func (v topicsView) Resume(Page) (Page, bool)       { return v, false }

// ItemError is the error of the selected topic.
func (v topicsView) ItemError() string {
	if r, ok := v.selected(); ok && r.Err != nil {
		return fmt.Sprintf("topic %s: %s", r.Name, widget.OneLine(r.Err.Error()))
	}
	return ""
}
