package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
)

// partitionsView shows one group's position on every partition of its topic.
type partitionsView struct {
	styles *Styles
	keys   *keymap.KeyMap
	now    func() time.Time
	trends *trendSet // lag verdict on the newest snapshot, set by the root
	sparkW int       // width of the lag sparklines; 0 hides them

	group   model.Group
	missing bool // the group does not exist yet: offsets are what it would start with
	foreign bool // another prefix's group: not refreshed with the base's snapshot
	cur     listCursor
	sel     int32 // selected partition, kept across refreshes

	trend  *groupTrend      // the group's lag verdict; nil without history
	sparks map[int32]string // lag sparkline per partition

	width, height int
}

func newPartitionsView(st *Styles, keys *keymap.KeyMap, now func() time.Time) partitionsView {
	return partitionsView{styles: st, keys: keys, now: now}
}

// open shows g; the cursor stays on the same partition when g is the group
// already shown.
func (v partitionsView) open(g model.Group, missing, foreign bool) partitionsView {
	if g.ID != v.group.ID {
		v.cur, v.sel = listCursor{}, 0
	}
	v.group, v.missing, v.foreign = g, missing, foreign
	return v.judge().reselect()
}

// setSnapshot refreshes the group from a new snapshot of the base.
func (v partitionsView) setSnapshot(snap model.Snapshot) partitionsView {
	if v.foreign || v.group.ID == "" {
		return v
	}
	if g, ok := snap.Group(v.group.ID); ok {
		v.group, v.missing = g, false
	} else if t, ok := snap.Topic(v.group.Name.Topic); ok {
		// Not created (yet, or any more): show what it would start with.
		g := missingDefault(v.group.Name.Base, t)
		g.Name, g.ID = v.group.Name, v.group.ID
		v.group, v.missing = g, true
	}
	return v.judge().reselect()
}

// setForeign refreshes a group of another prefix from a new list of them.
func (v partitionsView) setForeign(groups []model.Group) partitionsView {
	if !v.foreign {
		return v
	}
	for _, g := range groups {
		if g.ID == v.group.ID {
			v.group = g
			return v.reselect()
		}
	}
	return v
}

func (v partitionsView) reselect() partitionsView {
	if i := slices.IndexFunc(v.group.Partitions, func(p model.PartitionLag) bool { return p.Partition == v.sel }); i >= 0 {
		v.cur.index = i
	}
	v.cur = v.cur.clamp(len(v.group.Partitions), v.listHeight())
	v.sync()
	return v
}

func (v *partitionsView) sync() {
	if v.cur.index < len(v.group.Partitions) {
		v.sel = v.group.Partitions[v.cur.index].Partition
	}
}

// SetSize sets the body area the view draws in.
func (v partitionsView) setSize(w, h int) partitionsView {
	v.width, v.height = w, h
	if sw := sparkWidth(w); sw != v.sparkW {
		v.sparkW = sw
		v = v.judge()
	}
	v.cur = v.cur.clamp(len(v.group.Partitions), v.listHeight())
	return v
}

func (v partitionsView) listHeight() int { return max(v.height-5, 1) } // 3 summary lines, blank, column header

func (v partitionsView) update(msg tea.KeyMsg) (partitionsView, intent) {
	n := len(v.group.Partitions)
	if c, ok := navigate(v.keys.List, msg, v.cur, n, v.listHeight()); ok {
		v.cur = c
		v.sync()
		return v, nil
	}
	k := v.keys.Partitions
	switch {
	case keyMatches(msg, k.Reset, k.CopyFrom, k.Create, k.Delete):
		return v, v.opIntent(msg)
	case keyMatches(msg, k.Consume, k.Peek) && v.foreign:
		return v, say(reportWarn("%s is not a group of the base: consume and peek act on {base}-{topic}[-{suffix}]", clean(v.group.ID)))
	case keyMatches(msg, k.Consume):
		return v, intentConsume{target: target{Group: v.group.Name}}
	case keyMatches(msg, k.Peek):
		t := target{Group: v.group.Name}
		if v.cur.index < n {
			p := v.group.Partitions[v.cur.index].Partition
			t.Partition = &p
		}
		return v, intentPeek{target: t}
	}
	return v, nil
}

func (v partitionsView) scroll(delta int) partitionsView {
	v.cur = v.cur.move(delta, len(v.group.Partitions), v.listHeight())
	v.sync()
	return v
}

func (v partitionsView) View() string {
	st := v.styles
	g := v.group
	now := v.now()
	// Narrow windows drop whole phrases, the least needed first: the
	// expired count, then the members (the line below names them), then
	// the lag (the table has it per partition).
	summary := []phrase{
		{text: "group " + clean(g.ID)},
		{text: " · " + stateLabel(g), need: 1},
		{text: fmt.Sprintf(" · %d member%s", len(g.Members), plural(len(g.Members))), need: 3},
		{text: " · lag " + count(g.Lag), need: 2},
	}
	if g.Expired > 0 {
		summary = append(summary, phrase{text: " · " + count(g.Expired) + " expired", need: 4})
	}
	if notAuthorized(g.Err) {
		summary = []phrase{{text: "group " + clean(g.ID)}, {text: " · " + stateLabel(g), need: 1}, {text: " · " + notAuthorizedText}}
	}
	second := ""
	switch {
	case v.missing:
		second = st.Tag.Render("not created yet: it would start at earliest, so its lag is end − start")
	case v.foreign:
		second = st.Tag.Render("a group of another prefix with commits on " + clean(g.Name.Topic))
	case g.Err != nil:
		second = st.Bad.Render("⚠ " + clean(g.Err.Error()))
	case len(g.Members) > 0:
		var ms []string
		for _, m := range g.Members {
			ms = append(ms, clean(m.ClientID+"@"+m.Host))
		}
		second = st.Dim.Render("held by " + strings.Join(ms, ", "))
	default:
		second = st.Dim.Render("no live member: " + readHint(v.keys.Partitions.Consume, v.keys.Partitions.Peek))
	}
	lines := []string{
		st.Title.Render(fit(fitPhrases(v.width, summary...), v.width, alignLeft)),
		fit(second, v.width, alignLeft),
		fit(v.trendLine(), v.width, alignLeft),
		"",
	}
	t := table{cols: []column{
		{Title: "part", Min: 4, Align: alignRight},
		{Title: "start", Min: 5, Align: alignRight},
		{Title: "committed", Min: 9, Align: alignRight},
		{Title: "end", Min: 5, Align: alignRight},
		{Title: "lag", Min: 5, Align: alignRight},
		{Title: "status", Min: 6},
	}}
	if v.sparkW > 0 {
		t.cols = append(t.cols, column{Title: "trend", Min: v.sparkW, Max: v.sparkW})
	}
	t.cols = append(t.cols,
		column{Title: "expired", Min: 7, Align: alignRight},
		column{Title: "oldest unread", Min: 8, Align: alignRight},
		column{Title: "member", Min: 8, Flex: true, Fill: true},
	)
	for _, p := range g.Partitions {
		committed := plain("—")
		if p.HasCommitted {
			committed = plain(count(p.Committed))
		}
		expired := plain("0")
		if p.Expired > 0 {
			// Retention deleted records the group never read: flag it.
			expired = styled(count(p.Expired), st.Warn)
			committed = styled(committed.Text+" !", st.Warn)
		}
		member := plain(clean(p.Member))
		lag := plain(count(p.Lag))
		if p.Err != nil {
			member = errCell(st, p.Err)
			if notAuthorized(p.Err) || notAuthorized(g.Err) {
				member, committed, lag = styled(notAuthorizedText, st.Bad), deniedCell(st), deniedCell(st)
			}
		}
		status, judged := v.partitionStatus(p.Partition)
		row := append(make([]cell, 0, len(t.cols)),
			plain(fmt.Sprint(p.Partition)),
			plain(count(p.Start)),
			committed,
			plain(count(p.End)),
			lag,
			statusCell(st, status, judged),
		)
		if v.sparkW > 0 {
			row = append(row, cell{Text: v.sparks[p.Partition], Style: &st.Spark})
		}
		t.rows = append(t.rows, append(row, expired, plain(ageSince(now, p.OldestUnconsumed)), member))
	}
	if len(t.rows) == 0 {
		return strings.Join(append(lines, st.Dim.Render("No partition to show.")), "\n")
	}
	lines = append(lines, t.render(st, v.width, v.height-len(lines), v.cur)...)
	return strings.Join(lines, "\n")
}

// Page methods of the partitions view.

// Update takes a key, a snapshot or the groups of other prefixes (for a
// group of another prefix).
func (v partitionsView) Update(msg tea.Msg) (Page, intent) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return v.update(msg)
	case snapshotTaken:
		v.trends = msg.trends
		return v.setSnapshot(msg.snap), nil
	case othersMsg:
		if msg.topic == v.group.Name.Topic && msg.err == nil {
			return v.setForeign(msg.groups), nil
		}
	}
	return v, nil
}

func (v partitionsView) SetSize(w, h int) Page          { return v.setSize(w, h) }
func (v partitionsView) Help() keymap.Help              { return v.keys.PartitionsHelp() }
func (v partitionsView) Crumbs(trail []string) []string { return append(trail, v.group.ID) }
func (v partitionsView) Capturing() bool                { return false }
func (v partitionsView) Escape() (Page, bool)           { return v, false }
func (v partitionsView) Scroll(delta int) Page          { return v.scroll(delta) }
func (v partitionsView) Empty() bool                    { return false }

// Resume keeps the cursor on the same partition of the same group.
func (v partitionsView) Resume(prev Page) (Page, bool) {
	if p, ok := prev.(partitionsView); ok && p.group.ID == v.group.ID {
		return p.open(v.group, v.missing, v.foreign), true
	}
	return v, false
}

// ItemError is the error of the group, or of the selected partition.
func (v partitionsView) ItemError() string {
	if notAuthorized(v.group.Err) {
		return fmt.Sprintf("group %s: %s", v.group.ID, oneLine(v.group.Err.Error()))
	}
	if v.cur.index < len(v.group.Partitions) {
		if p := v.group.Partitions[v.cur.index]; p.Err != nil {
			return fmt.Sprintf("%s/%d: %s", v.group.Name.Topic, p.Partition, oneLine(p.Err.Error()))
		}
	}
	return ""
}
