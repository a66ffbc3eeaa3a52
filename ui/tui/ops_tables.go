package tui

import (
	"fmt"

	"github.com/kgroups/kgroups/model"
)

// The tables of partitions in offset operation dialogs: a plan, a position,
// an outcome read back; drawn a window of rows at a time.

// visibleRows is how many of n rows fit in room lines (the column header
// included), and whether a line says that more are hidden.
func visibleRows(n, room int) (rows int, more bool) {
	switch {
	case room < 2:
		return 0, false
	case n <= room-1:
		return n, false
	}
	return max(room-2, 1), true
}

// renderOpTable draws t from row top in at most room lines.
func renderOpTable(st *Styles, t table, width, top, room int) []string {
	n := len(t.rows)
	rows, more := visibleRows(n, room)
	if rows == 0 {
		return nil
	}
	// Widths come from every row, so columns stay put while scrolling.
	widths := t.widths(max(width-gutterWidth, 1))
	top = min(max(top, 0), max(n-rows, 0))
	lines := []string{t.header(st, widths)}
	for i := top; i < top+rows && i < n; i++ {
		lines = append(lines, t.row(st, widths, t.rows[i], false))
	}
	if more {
		lines = append(lines, st.Dim.Render(fmt.Sprintf("  partitions %d–%d of %d shown · pgup/pgdn scroll", top+1, min(top+rows, n), n)))
	}
	return lines
}

// copyPreview is what copying the picked sibling would do, from the last
// snapshot: the same arithmetic as the cluster's plan.
func (f opFlow) copyPreview() (model.Plan, []model.PartitionLag) {
	if f.pick.index >= len(f.siblings) {
		return model.Plan{}, nil
	}
	sib := f.siblings[f.pick.index]
	targets := make(map[int32]int64, len(f.group.Partitions))
	for _, p := range f.group.Partitions {
		targets[p.Partition] = p.Start // a partition the sibling never committed starts at earliest
	}
	for _, p := range sib.Partitions {
		if p.HasCommitted {
			targets[p.Partition] = p.Committed
		}
	}
	return model.BuildPlan(f.group.ID, f.topic, "copy offsets from "+sib.ID, f.group.Partitions, targets), sib.Partitions
}

// planTable shows a plan per partition: current → new and lag before →
// after, with the sibling's offset beside it for a copy.
func planTable(st *Styles, plan model.Plan, source []model.PartitionLag) *table {
	cols := []column{
		{Title: "part", Min: 4, Align: alignRight},
		{Title: "current", Min: 7, Align: alignRight},
	}
	if source != nil {
		cols = append(cols, column{Title: "sibling", Min: 7, Align: alignRight})
	}
	cols = append(cols,
		column{Title: "", Min: 1},
		column{Title: "new", Min: 5, Align: alignRight},
		column{Title: "lag now", Min: 7, Align: alignRight},
		column{Title: "", Min: 1},
		column{Title: "lag after", Min: 9, Align: alignRight},
		column{Title: "change", Min: 6, Flex: true, Fill: true},
	)
	t := &table{cols: cols}
	for _, p := range plan.Partitions {
		current := "—"
		if p.HasCurrent {
			current = count(p.Current)
		}
		newCell := plain(count(p.New))
		if p.Clamped {
			newCell = styled(count(p.New)+"*", st.Warn)
		}
		row := []cell{plain(fmt.Sprint(p.Partition)), plain(current)}
		if source != nil {
			row = append(row, plain(siblingOffset(source, p.Partition)))
		}
		row = append(row, plain("→"), newCell, plain(count(p.LagBefore)), plain("→"), plain(count(p.LagAfter)), changeCell(st, p))
		t.rows = append(t.rows, row)
	}
	return t
}

func siblingOffset(source []model.PartitionLag, p int32) string {
	for _, s := range source {
		if s.Partition == p && s.HasCommitted {
			return count(s.Committed)
		}
	}
	return "—"
}

// changeCell says what a partition's move does to the group's reading, and
// what retention had already deleted before the group read it.
func changeCell(st *Styles, p model.PlanPartition) cell {
	c := moveCell(st, p)
	if n := p.Expired(); n > 0 {
		c.Text += " · " + count(n) + " expired"
		if c.Style == nil {
			c = styled(c.Text, st.Warn)
		}
	}
	return c
}

func moveCell(st *Styles, p model.PlanPartition) cell {
	switch {
	case !p.Changes():
		return plain("no change")
	case p.Replayed() > 0:
		return styled("replays "+count(p.Replayed()), st.Warn)
	case p.Skipped() > 0:
		return styled("skips "+count(p.Skipped()), st.Warn)
	case !p.HasCurrent:
		return plain("first commit")
	}
	return plain("moves")
}

// positionTable shows a group's position: what a delete removes.
func positionTable(pos []model.PartitionLag) *table {
	t := &table{cols: []column{
		{Title: "part", Min: 4, Align: alignRight},
		{Title: "start", Min: 5, Align: alignRight},
		{Title: "committed", Min: 9, Align: alignRight},
		{Title: "end", Min: 5, Align: alignRight},
		{Title: "lag", Min: 5, Align: alignRight},
	}}
	for _, p := range pos {
		committed := "—"
		if p.HasCommitted {
			committed = count(p.Committed)
		}
		t.rows = append(t.rows, []cell{plain(fmt.Sprint(p.Partition)), plain(count(p.Start)), plain(committed), plain(count(p.End)), plain(count(p.Lag))})
	}
	return t
}

// resultTable shows what an executed plan left committed, read back.
func resultTable(st *Styles, r model.PlanResult) *table {
	t := &table{cols: []column{
		{Title: "part", Min: 4, Align: alignRight},
		{Title: "planned", Min: 7, Align: alignRight},
		{Title: "read back", Min: 9, Align: alignRight},
		{Title: "lag now", Min: 7, Align: alignRight},
		{Title: "", Min: 8, Flex: true, Fill: true},
	}}
	for _, p := range r.Plan.Partitions {
		got, ok := r.Committed[p.Partition]
		back, lag := "nothing", "—"
		if ok {
			back = count(got)
			l, _ := model.ComputeLag(p.Start, p.End, got, true)
			lag = count(l)
		}
		status := styled("✓", st.Good)
		if err := r.Failed[p.Partition]; err != nil {
			status = styled("did not take: "+clean(err.Error()), st.Bad)
		}
		t.rows = append(t.rows, []cell{plain(fmt.Sprint(p.Partition)), plain(count(p.New)), plain(back), plain(lag), status})
	}
	return t
}

// deletedTable shows a group's commits before a delete and read back after.
func deletedTable(st *Styles, before, after []model.PartitionLag) *table {
	t := &table{cols: []column{
		{Title: "part", Min: 4, Align: alignRight},
		{Title: "before", Min: 6, Align: alignRight},
		{Title: "read back", Min: 9, Align: alignRight},
		{Title: "", Min: 8, Flex: true, Fill: true},
	}}
	was := map[int32]string{}
	for _, p := range before {
		if p.HasCommitted {
			was[p.Partition] = count(p.Committed)
		}
	}
	for _, p := range after {
		b, ok := was[p.Partition]
		if !ok {
			b = "—"
		}
		now, status := "—", plain("")
		if ok {
			status = styled("✓ gone", st.Good)
		}
		if p.HasCommitted {
			now, status = count(p.Committed), styled("still committed", st.Bad)
		}
		t.rows = append(t.rows, []cell{plain(fmt.Sprint(p.Partition)), plain(b), plain(now), status})
	}
	return t
}
