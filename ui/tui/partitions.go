package tui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka/journal"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/ops"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// partitionsView shows one group's position on every partition of its topic.
type partitionsView struct {
	styles *widget.Styles
	keys   *keymap.KeyMap
	now    func() time.Time
	trends *trendSet // lag verdict on the newest snapshot, set by the root
	sparkW int       // width of the lag sparklines; 0 hides them

	group   model.Group
	missing bool // the group does not exist yet: offsets are what it would start with
	foreign bool // another prefix's group: not refreshed with the base's snapshot
	cur     widget.ListCursor
	sel     int32 // selected partition, kept across refreshes

	trend  *groupTrend      // the group's lag verdict; nil without history
	sparks map[int32]string // lag sparkline per partition

	changes map[string]journal.Entry // newest change of each group in the undo journal

	width, height int
}

func newPartitionsView(st *widget.Styles, keys *keymap.KeyMap, now func() time.Time) partitionsView {
	return partitionsView{styles: st, keys: keys, now: now}
}

// open shows g; the cursor stays on the same partition when g is the group
// already shown.
func (v partitionsView) open(g model.Group, missing, foreign bool) partitionsView {
	if g.ID != v.group.ID {
		v.cur, v.sel = widget.ListCursor{}, 0
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
	v.cur, v.sel = widget.Follow(v.group.Partitions, partitionOf, v.sel, v.cur, v.listHeight())
	return v
}

func (v *partitionsView) sync() { v.sel = widget.KeyAt(v.group.Partitions, partitionOf, v.cur, v.sel) }

func partitionOf(p model.PartitionLag) int32 { return p.Partition }

// SetSize sets the body area the view draws in.
func (v partitionsView) setSize(w, h int) partitionsView {
	v.width, v.height = w, h
	if sw := sparkWidth(w); sw != v.sparkW {
		v.sparkW = sw
		v = v.judge()
	}
	v.cur = v.cur.Clamp(len(v.group.Partitions), v.listHeight())
	return v
}

func (v partitionsView) listHeight() int { return max(v.height-5, 1) } // 3 summary lines, blank, column header

func (v partitionsView) update(msg tea.KeyMsg) (partitionsView, intent) {
	n := len(v.group.Partitions)
	if c, ok := widget.Navigate(v.keys.List, msg, v.cur, n, v.listHeight()); ok {
		v.cur = c
		v.sync()
		return v, nil
	}
	k := v.keys.Partitions
	switch {
	case widget.KeyMatches(msg, k.Reset, k.CopyFrom, k.Create, k.Delete, k.Undo):
		return v, v.opIntent(msg)
	case widget.KeyMatches(msg, k.Consume, k.Peek) && v.foreign:
		return v, say(widget.ReportWarn("%s is not a group of the base: consume and peek act on {base}-{topic}[-{suffix}]", widget.Clean(v.group.ID)))
	case widget.KeyMatches(msg, k.Consume):
		return v, intentConsume{target: target{Group: v.group.Name}}
	case widget.KeyMatches(msg, k.Peek):
		t := target{Group: v.group.Name}
		if v.cur.Index < n {
			p := v.group.Partitions[v.cur.Index].Partition
			t.Partition = &p
		}
		return v, intentPeek{target: t}
	}
	return v, nil
}

func (v partitionsView) scroll(delta int) partitionsView {
	v.cur = v.cur.Move(delta, len(v.group.Partitions), v.listHeight())
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
	summary := []widget.Phrase{
		{Text: "group " + widget.Clean(g.ID)},
		{Text: " · " + widget.StateLabel(g), Need: 1},
		{Text: fmt.Sprintf(" · %d member%s", len(g.Members), widget.Plural(len(g.Members))), Need: 3},
		{Text: " · lag " + widget.Count(g.Lag), Need: 2},
	}
	if g.Expired > 0 {
		summary = append(summary, widget.Phrase{Text: " · " + widget.Count(g.Expired) + " expired", Need: 4})
	}
	if notAuthorized(g.Err) {
		summary = []widget.Phrase{{Text: "group " + widget.Clean(g.ID)}, {Text: " · " + widget.StateLabel(g), Need: 1}, {Text: " · " + notAuthorizedText}}
	}
	second := ""
	switch {
	case v.missing:
		second = st.Tag.Render("not created yet: it would start at earliest, so its lag is end − start")
	case v.foreign:
		second = st.Tag.Render("a group of another prefix with commits on " + widget.Clean(g.Name.Topic))
	case g.Err != nil:
		second = st.Bad.Render("⚠ " + widget.Clean(g.Err.Error()))
	case len(g.Members) > 0:
		var ms []string
		for _, m := range g.Members {
			ms = append(ms, widget.Clean(m.ClientID+"@"+m.Host))
		}
		second = st.Dim.Render("held by " + strings.Join(ms, ", "))
	default:
		second = st.Dim.Render("no live member: " + readHint(v.keys.Partitions.Consume, v.keys.Partitions.Peek))
	}
	if e, ok := v.changes[g.ID]; ok {
		phrases := ops.ChangePhrases(now, e, v.keys.Partitions.Undo)
		for i := range phrases {
			phrases[i].Text = st.Dim.Render(phrases[i].Text)
		}
		second = widget.FitPhrases(v.width, append([]widget.Phrase{{Text: second}}, phrases...)...)
	}
	lines := []string{
		st.Title.Render(widget.Fit(widget.FitPhrases(v.width, summary...), v.width, widget.AlignLeft)),
		widget.Fit(second, v.width, widget.AlignLeft),
		widget.Fit(v.trendLine(), v.width, widget.AlignLeft),
		"",
	}
	t := widget.Table{Cols: []widget.Column{
		{Title: "part", Min: 4, Align: widget.AlignRight},
		{Title: "start", Min: 5, Align: widget.AlignRight},
		{Title: "committed", Min: 9, Align: widget.AlignRight},
		{Title: "end", Min: 5, Align: widget.AlignRight},
		{Title: "lag", Min: 5, Align: widget.AlignRight},
		{Title: "status", Min: 6},
	}}
	if v.sparkW > 0 {
		t.Cols = append(t.Cols, widget.Column{Title: "trend", Min: v.sparkW, Max: v.sparkW})
	}
	t.Cols = append(t.Cols,
		widget.Column{Title: "expired", Min: 7, Align: widget.AlignRight},
		widget.Column{Title: "oldest unread", Min: 8, Align: widget.AlignRight},
		widget.Column{Title: "member", Min: 8, Flex: true, Fill: true},
	)
	for _, p := range g.Partitions {
		committed := widget.Plain("—")
		if p.HasCommitted {
			committed = widget.Plain(widget.Count(p.Committed))
		}
		expired := widget.Plain("0")
		if p.Expired > 0 {
			// Retention deleted records the group never read: flag it.
			expired = widget.Styled(widget.Count(p.Expired), st.Warn)
			committed = widget.Styled(committed.Text+" !", st.Warn)
		}
		member := widget.Plain(widget.Clean(p.Member))
		lag := widget.Plain(widget.Count(p.Lag))
		if p.Err != nil {
			member = errCell(st, p.Err)
			if notAuthorized(p.Err) || notAuthorized(g.Err) {
				member, committed, lag = widget.Styled(notAuthorizedText, st.Bad), deniedCell(st), deniedCell(st)
			}
		}
		status, judged := v.partitionStatus(p.Partition)
		row := append(make([]widget.Cell, 0, len(t.Cols)),
			widget.Plain(fmt.Sprint(p.Partition)),
			widget.Plain(widget.Count(p.Start)),
			committed,
			widget.Plain(widget.Count(p.End)),
			lag,
			statusCell(st, status, judged),
		)
		if v.sparkW > 0 {
			row = append(row, widget.Cell{Text: v.sparks[p.Partition], Style: &st.Spark})
		}
		t.Rows = append(t.Rows, append(row, expired, widget.Plain(widget.AgeSince(now, p.OldestUnconsumed)), member))
	}
	if len(t.Rows) == 0 {
		return strings.Join(append(lines, st.Dim.Render("No partition to show.")), "\n")
	}
	lines = append(lines, t.Render(st, v.width, v.height-len(lines), v.cur)...)
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
	case ops.ChangesMsg:
		v.changes = msg.Latest
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
		return fmt.Sprintf("group %s: %s", v.group.ID, widget.OneLine(v.group.Err.Error()))
	}
	if v.cur.Index < len(v.group.Partitions) {
		if p := v.group.Partitions[v.cur.Index]; p.Err != nil {
			return fmt.Sprintf("%s/%d: %s", v.group.Name.Topic, p.Partition, widget.OneLine(p.Err.Error()))
		}
	}
	return ""
}
