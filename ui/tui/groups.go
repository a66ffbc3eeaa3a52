package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/kafka/journal"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/ops"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// groupRowKind says what a row of the groups view stands for.
type groupRowKind int

const (
	rowGroup          groupRowKind = iota // a group of the base on this topic
	rowMissingDefault                     // the default group, not created yet
	rowUnmatched                          // a group under the base that fits no topic
	rowOther                              // a group of another prefix with commits on this topic
	rowDeleted                            // a suffix group whose last change in the undo journal deleted it
)

// groupRow is one row of the groups view.
type groupRow struct {
	Kind  groupRowKind
	Group model.Group // for rowMissingDefault: what it would be (no commits)
	Trend *groupTrend // lag verdict; nil without history (not created, another prefix)
	Spark string      // lag sparkline, drawn when the snapshot or the width changes
}

func (r groupRow) id() string { return r.Group.ID }

// oldestUnconsumed is the oldest unconsumed record of the group; zero if none.
func oldestUnconsumed(g model.Group) time.Time {
	var oldest time.Time
	for _, p := range g.Partitions {
		if !p.OldestUnconsumed.IsZero() && (oldest.IsZero() || p.OldestUnconsumed.Before(oldest)) {
			oldest = p.OldestUnconsumed
		}
	}
	return oldest
}

// missingDefault is what the default group of topic would be if it started
// now: no commits, so it starts at earliest and its lag is end − start.
func missingDefault(base string, t model.Topic) model.Group {
	name := model.GroupName{Base: base, Topic: t.Name}
	g := model.Group{Name: name, ID: name.String(), Partitions: model.BuildPartitionLags(t.Partitions, nil)}
	g.Recompute()
	return g
}

// groupsView lists the groups of the base on one topic: the default group
// first, then the suffixed ones; groups that do not follow the naming are
// one key away.
type groupsView struct {
	styles *widget.Styles
	keys   *keymap.KeyMap
	now    func() time.Time
	trends *trendSet // lag verdict on the newest snapshot, set by the root
	sparkW int       // width of the lag sparklines; 0 hides them

	topic      string
	base       string
	info       model.Topic
	hasInfo    bool
	own        []groupRow // default (or its placeholder) and suffixed groups
	unmatched  []string
	others     []model.Group // other prefixes, loaded on demand
	othersErr  error
	othersGen  int // the request the others list came from
	othersWant bool
	othersIn   bool // loaded for this topic

	list   widget.FilteredList[groupRow] // sorted and filtered, by group id
	loaded bool
	order  sortOrder

	changes map[string]journal.Entry // newest change of each group in the undo journal

	width, height int
}

func newGroupsView(st *widget.Styles, keys *keymap.KeyMap, now func() time.Time) groupsView {
	return groupsView{styles: st, keys: keys, now: now, list: widget.NewFilteredList(groupRow.id, keys.Groups.Filter, keys.Filter.Cancel)}
}

// open points the view at a topic, forgetting the previous topic's state.
func (v groupsView) open(topic string) groupsView {
	if v.topic == topic {
		return v
	}
	fresh := newGroupsView(v.styles, v.keys, v.now)
	fresh.topic = topic
	fresh.width, fresh.height = v.width, v.height
	fresh.trends, fresh.sparkW = v.trends, v.sparkW
	return fresh
}

// SetSize sets the body area the view draws in.
func (v groupsView) setSize(w, h int) groupsView {
	v.width, v.height = w, h
	if sw := sparkWidth(w); sw != v.sparkW {
		v.sparkW = sw
		v = v.judge().rebuild()
	}
	v.list = v.list.Clamp(v.listSpace())
	return v
}

// listSpace is the height of the list and its filter line: all but the
// topic line, the trend line, the column header, a blank line and the
// selection line.
func (v groupsView) listSpace() int { return v.height - 5 }

// setSnapshot refreshes the rows of the current topic.
func (v groupsView) setSnapshot(snap model.Snapshot) groupsView {
	v.base = snap.Base
	v.info, v.hasInfo = snap.Topic(v.topic)
	v.own = v.own[:0:0]
	hasDefault := false
	for _, g := range snap.GroupsOf(v.topic) {
		if g.Name.IsDefault() {
			hasDefault = true
		}
		v.own = append(v.own, groupRow{Kind: rowGroup, Group: g})
	}
	if !hasDefault && v.hasInfo {
		v.own = append(v.own, groupRow{Kind: rowMissingDefault, Group: missingDefault(snap.Base, v.info)})
	}
	v.unmatched = snap.Unmatched
	v.loaded = true
	return v.judge().rebuild()
}

// setOthers takes the other-prefix groups of the topic.
func (v groupsView) setOthers(msg othersMsg) groupsView {
	if msg.topic != v.topic || msg.gen != v.othersGen {
		return v // stale: another topic or an older request
	}
	v.others, v.othersErr, v.othersIn = msg.groups, msg.err, true
	return v.rebuild()
}

func (v groupsView) rebuild() groupsView {
	own := slices.Clone(v.own)
	slices.SortStableFunc(own, func(a, b groupRow) int {
		// The default group (or its placeholder) always comes first.
		ad, bd := a.Group.Name.IsDefault(), b.Group.Name.IsDefault()
		if ad != bd {
			if ad {
				return -1
			}
			return 1
		}
		switch v.order {
		case sortByLag:
			if c := cmp.Compare(b.Group.Lag, a.Group.Lag); c != 0 {
				return c
			}
		case sortByTimeLag:
			if c := compareOldest(oldestUnconsumed(a.Group), oldestUnconsumed(b.Group)); c != 0 {
				return c
			}
		case sortByStatus:
			if c := cmp.Compare(b.severity(), a.severity()); c != 0 {
				return c
			}
		}
		return strings.Compare(a.Group.ID, b.Group.ID)
	})
	rows := append(own, v.deletedRows()...)
	if v.othersWant {
		for _, id := range v.unmatched {
			rows = append(rows, groupRow{Kind: rowUnmatched, Group: model.Group{ID: id}})
		}
		others := slices.Clone(v.others)
		slices.SortFunc(others, func(a, b model.Group) int { return strings.Compare(a.ID, b.ID) })
		for _, g := range others {
			rows = append(rows, groupRow{Kind: rowOther, Group: g})
		}
	}
	v.list = v.list.Set(rows, v.listSpace())
	return v
}

func (v groupsView) selected() (groupRow, bool) { return v.list.Selected() }

// deletedRows are the suffix groups of the topic whose last change in the
// undo journal deleted them: gone from the cluster, one key (u) from coming
// back. The default group keeps its own row when it is gone.
func (v groupsView) deletedRows() []groupRow {
	if v.base == "" {
		return nil
	}
	prefix := model.GroupName{Base: v.base, Topic: v.topic}.String() + "-"
	var out []groupRow
	for id, e := range v.changes {
		suffix, ok := strings.CutPrefix(id, prefix)
		if !ok || suffix == "" || e.Kind != journal.KindDelete || !slices.Contains(e.TopicNames(), v.topic) ||
			slices.ContainsFunc(v.own, func(r groupRow) bool { return r.id() == id }) {
			continue
		}
		out = append(out, groupRow{Kind: rowDeleted, Group: model.Group{ID: id, Name: model.GroupName{Base: v.base, Topic: v.topic, Suffix: suffix}}})
	}
	slices.SortFunc(out, func(a, b groupRow) int { return strings.Compare(a.id(), b.id()) })
	return out
}

func (v groupsView) capturing() bool { return v.list.Capturing() }

func (v groupsView) update(msg tea.KeyMsg) (groupsView, intent) {
	k := v.keys.Groups
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
		return v, say(widget.ReportInfo("suffixed groups sorted by %s", v.order))
	case widget.KeyMatches(msg, k.Others):
		v.othersWant = !v.othersWant
		v = v.rebuild()
		if v.othersWant {
			return v.askOthers()
		}
		return v, nil
	case widget.KeyMatches(msg, k.NewSuffix):
		return v, intentNewSuffix{topic: v.topic}
	case widget.KeyMatches(msg, k.Follow):
		return v, intentFollow{topic: v.topic}
	case widget.KeyMatches(msg, k.Reset, k.CopyFrom, k.Create, k.Delete, k.Undo):
		return v, v.opIntent(msg)
	}
	row, ok := v.selected()
	if !ok {
		return v, nil
	}
	switch {
	case widget.KeyMatches(msg, k.Open):
		if row.Kind == rowUnmatched {
			return v, say(widget.ReportInfo("%s fits no topic of the cluster: nothing to show", widget.Clean(row.id())))
		}
		return v, intentOpenGroup{group: row.Group, missing: row.Kind == rowMissingDefault || row.Kind == rowDeleted, foreign: row.Kind == rowOther}
	case widget.KeyMatches(msg, k.Consume, k.Peek):
		if row.Kind == rowUnmatched || row.Kind == rowOther {
			return v, say(widget.ReportWarn("%s is not a group of the base: consume and peek act on {base}-{topic}[-{suffix}]", widget.Clean(row.id())))
		}
		t := target{Group: row.Group.Name}
		if widget.KeyMatches(msg, k.Consume) {
			return v, intentConsume{target: t}
		}
		return v, intentPeek{target: t}
	}
	return v, nil
}

func (v groupsView) escape() (groupsView, bool) {
	var cleared bool
	if v.list, cleared = v.list.Escape(); !cleared {
		return v, false
	}
	return v.rebuild(), true
}

func (v groupsView) scroll(delta int) groupsView {
	v.list = v.list.Scroll(delta, v.listSpace())
	return v
}

func (v groupsView) View() string {
	st := v.styles
	if !v.loaded {
		return st.Dim.Render("Loading groups…")
	}
	var lines []string
	// The title drops whole phrases when it does not fit: the o hint
	// first (the help bar has it), then the record and partition counts.
	summary := []widget.Phrase{{Text: "topic " + widget.Clean(v.topic), Need: 0}}
	if v.hasInfo {
		summary = append(summary, widget.Phrase{Text: fmt.Sprintf(" · %d partitions", len(v.info.Partitions)), Need: 2}, widget.Phrase{Text: fmt.Sprintf(" · %s records", widget.Count(v.info.Records())), Need: 3})
	} else {
		summary = append(summary, widget.Phrase{Text: " · not in the cluster any more", Need: 0})
	}
	nOwn := 0
	for _, r := range v.own {
		if r.Kind == rowGroup {
			nOwn++
		}
	}
	summary = append(summary, widget.Phrase{Text: fmt.Sprintf(" · %d group%s of the base", nOwn, widget.Plural(nOwn)), Need: 0})
	switch {
	case !v.othersWant:
		summary = append(summary, widget.Phrase{Text: " · " + keymap.Hint("unmatched and other prefixes", v.keys.Groups.Others), Need: 4})
	case !v.othersIn:
		summary = append(summary, widget.Phrase{Text: " · loading other prefixes…", Need: 1})
	case v.othersErr != nil:
		summary = append(summary, widget.Phrase{Text: " · other prefixes: " + widget.Clean(v.othersErr.Error()), Need: 1})
	default:
		summary = append(summary, widget.Phrase{Text: fmt.Sprintf(" · %d unmatched, %d other-prefix", len(v.unmatched), len(v.others)), Need: 1})
	}
	lines = append(lines, st.Title.Render(widget.Fit(widget.FitPhrases(v.width, summary...), v.width, widget.AlignLeft)), widget.Fit(v.trendLine(), v.width, widget.AlignLeft))
	if v.list.Filter.Visible() {
		lines = append(lines, v.list.Filter.View(st, v.width, fmt.Sprintf("  %d shown", len(v.list.Rows))))
	}
	now := v.now()
	t := widget.Table{Cols: []widget.Column{
		{Title: "group", Min: 10, Max: 60, Flex: true, Middle: true},
		{Title: "status", Min: 6},
		{Title: "state", Min: 5},
		{Title: "members", Min: 7, Align: widget.AlignRight},
		{Title: "lag", Min: 5, Align: widget.AlignRight},
	}}
	if v.sparkW > 0 {
		t.Cols = append(t.Cols, widget.Column{Title: "trend", Min: v.sparkW, Max: v.sparkW})
	}
	t.Cols = append(t.Cols,
		widget.Column{Title: "time lag", Min: 8, Align: widget.AlignRight},
		widget.Column{Title: "note", Min: 12, Flex: true, Fill: true},
	)
	t.Rows = make([][]widget.Cell, len(v.list.Rows))
	for i, r := range v.list.Rows {
		g := r.Group
		name := widget.Clean(g.Name.Suffix)
		if g.Name.IsDefault() {
			name = "(default)"
		}
		state := widget.Plain(widget.StateLabel(g))
		members := widget.Plain(widget.Count(int64(len(g.Members))))
		lag := widget.Plain(widget.Count(g.Lag))
		note := widget.Plain("")
		switch r.Kind {
		case rowMissingDefault:
			state = widget.Plain("—")
			members = widget.Plain("—")
			note = widget.Styled("not created yet: starts at earliest", st.Tag)
		case rowUnmatched:
			name = widget.Clean(g.ID)
			members, lag = widget.Plain("—"), widget.Plain("—")
			note = widget.Styled("unmatched", st.Tag)
		case rowOther:
			name = widget.Clean(g.ID)
			note = widget.Styled("other prefix", st.Tag)
		case rowDeleted:
			state, members, lag = widget.Plain("—"), widget.Plain("—"), widget.Plain("—")
			note = widget.Styled("deleted · "+ops.UndoHint(v.keys.Groups.Undo), st.Tag)
		}
		if g.Err != nil {
			note = errCell(st, g.Err)
			if notAuthorized(g.Err) {
				members, lag = deniedCell(st), deniedCell(st)
			}
		} else if g.Expired > 0 && r.Kind != rowUnmatched {
			note = widget.Styled(widget.Count(g.Expired)+" expired", st.Warn)
		}
		status, judged := r.status()
		// Room for every column: one allocation per row.
		row := append(make([]widget.Cell, 0, len(t.Cols)), widget.Plain(name), statusCell(st, status, judged), state, members, lag)
		if v.sparkW > 0 {
			row = append(row, widget.Cell{Text: r.Spark, Style: &st.Spark})
		}
		t.Rows[i] = append(row, widget.Plain(widget.AgeSince(now, oldestUnconsumed(g))), note)
	}
	if len(t.Rows) == 0 {
		return strings.Join(append(lines, st.Dim.Render("No group to show.")), "\n")
	}
	lines = append(lines, t.Render(st, v.width, v.height-len(lines)-2, v.list.Cur)...)
	for len(lines) < v.height-1 {
		lines = append(lines, "")
	}
	return strings.Join(append(lines, widget.Fit(v.selectionLine(), v.width, widget.AlignLeft)), "\n")
}

// selectionLine spells out the selected row in full, since its cells may
// be cut: the group id, and what a missing default group would start with.
func (v groupsView) selectionLine() string {
	r, ok := v.selected()
	if !ok {
		return ""
	}
	st := v.styles
	id := widget.Clean(r.id())
	style, line, short := st.Dim, id, id
	switch r.Kind {
	case rowMissingDefault:
		style, short = st.Tag, "(default) not created yet"
		line = fmt.Sprintf("%s not created yet: would start at earliest, lag = end − start = %s", id, widget.Count(r.Group.Lag))
	case rowUnmatched:
		style, line = st.Tag, id+": under the base but fits no topic of the cluster"
	case rowOther:
		style, line = st.Tag, id+": another prefix with commits on "+widget.Clean(v.topic)
	case rowDeleted:
		style, line, short = st.Tag, id+" was deleted", widget.Clean(r.Group.Name.Suffix)+" was deleted"
	default:
		if n := len(r.Group.Members); n > 0 {
			var ms []string
			for _, m := range r.Group.Members {
				ms = append(ms, widget.Clean(m.ClientID+"@"+m.Host))
			}
			line += " · held by " + strings.Join(ms, ", ")
		}
		short = widget.Clean(r.Group.Name.Suffix)
		if r.Group.Name.IsDefault() {
			short = "(default)"
		}
	}
	if e, ok := v.changes[r.id()]; ok {
		change := ops.ChangePhrases(v.now(), e, v.keys.Groups.Undo)
		if ansi.StringWidth(line+change[0].Text+change[3].Text) > v.width {
			// The last change and its key matter more than the full id:
			// name the group as its row does.
			line = short
		}
		line = widget.FitPhrases(v.width, append([]widget.Phrase{{Text: line}}, change...)...)
	}
	return style.Render(line)
}

// Page methods of the groups view.

// Update takes a key, a snapshot or the groups of other prefixes.
func (v groupsView) Update(msg tea.Msg) (Page, intent) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return v.update(msg)
	case snapshotTaken:
		v.trends = msg.trends
		v = v.setSnapshot(msg.snap)
		if v.othersWant && !msg.again {
			// Other prefixes are not in the base's snapshot: refresh them too.
			return v.askOthers()
		}
		return v, nil
	case ops.ChangesMsg:
		v.changes = msg.Latest
		return v.rebuild(), nil
	case othersMsg:
		mine := msg.topic == v.topic && msg.gen == v.othersGen
		v = v.setOthers(msg)
		if mine && msg.err != nil {
			return v, say(widget.ReportError(msg.err))
		}
	}
	return v, nil
}

// askOthers asks for the groups of other prefixes on the topic; the answer
// carries the request's generation, and older ones are dropped.
func (v groupsView) askOthers() (groupsView, intent) {
	v.othersGen++
	return v, intentOthers{topic: v.topic, gen: v.othersGen}
}

func (v groupsView) SetSize(w, h int) Page          { return v.setSize(w, h) }
func (v groupsView) Help() keymap.Help              { return v.keys.GroupsHelp() }
func (v groupsView) Crumbs(trail []string) []string { return append(trail, v.topic) }
func (v groupsView) Capturing() bool                { return v.capturing() }
func (v groupsView) Escape() (Page, bool)           { return v.escape() }
func (v groupsView) Scroll(delta int) Page          { return v.scroll(delta) }
func (v groupsView) Empty() bool                    { return !v.loaded }

// Resume keeps the filter, the sort and the cursor of the same topic.
func (v groupsView) Resume(prev Page) (Page, bool) {
	if p, ok := prev.(groupsView); ok && p.topic == v.topic {
		return p, true
	}
	return v, false
}

// ItemError is the error of the selected group.
func (v groupsView) ItemError() string {
	if r, ok := v.selected(); ok && r.Group.Err != nil {
		return fmt.Sprintf("group %s: %s", r.id(), widget.OneLine(r.Group.Err.Error()))
	}
	return ""
}
