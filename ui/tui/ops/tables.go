package ops

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// The tables of partitions in offset operation dialogs: a plan, a position,
// an outcome read back; drawn a window of rows at a time.

// VisibleRows is how many of n rows fit in room lines (the column header
// included), and whether a line says that more are hidden.
func VisibleRows(n, room int) (rows int, more bool) {
	switch {
	case room < 2:
		return 0, false
	case n <= room-1:
		return n, false
	}
	return max(room-2, 1), true
}

// RenderTable draws t from row top in at most room lines.
func RenderTable(st *widget.Styles, t widget.Table, width, top, room int) []string {
	n := len(t.Rows)
	rows, more := VisibleRows(n, room)
	if rows == 0 {
		return nil
	}
	// Widths come from every row, so columns stay put while scrolling.
	widths := t.Widths(max(width-widget.GutterWidth, 1))
	top = min(max(top, 0), max(n-rows, 0))
	lines := []string{t.Header(st, widths)}
	for i := top; i < top+rows && i < n; i++ {
		lines = append(lines, t.Row(st, widths, t.Rows[i], false))
	}
	if more {
		lines = append(lines, st.Dim.Render(fmt.Sprintf("  partitions %d–%d of %d shown · pgup/pgdn scroll", top+1, min(top+rows, n), n)))
	}
	return lines
}

// copyPreview is what copying the picked sibling would do, from the last
// snapshot: the same arithmetic as the cluster's plan.
func (f Flow) copyPreview() (model.Plan, []model.PartitionLag) {
	if f.Pick.Index >= len(f.Siblings) {
		return model.Plan{}, nil
	}
	sib := f.Siblings[f.Pick.Index]
	targets := make(map[int32]int64, len(f.Group.Partitions))
	for _, p := range f.Group.Partitions {
		targets[p.Partition] = p.Start // a partition the sibling never committed starts at earliest
	}
	for _, p := range sib.Partitions {
		if p.HasCommitted {
			targets[p.Partition] = p.Committed
		}
	}
	return model.BuildPlan(f.Group.ID, f.Topic, "copy offsets from "+sib.ID, f.Group.Partitions, targets), sib.Partitions
}

// PlanTable shows a plan per partition: current → new and lag before →
// after, with the sibling's offset beside it for a copy.
func PlanTable(st *widget.Styles, plan model.Plan, source []model.PartitionLag) *widget.Table {
	cols := []widget.Column{
		{Title: "part", Min: 4, Align: widget.AlignRight},
		{Title: "current", Min: 7, Align: widget.AlignRight},
	}
	if source != nil {
		cols = append(cols, widget.Column{Title: "sibling", Min: 7, Align: widget.AlignRight})
	}
	cols = append(cols,
		widget.Column{Title: "", Min: 1},
		widget.Column{Title: "new", Min: 5, Align: widget.AlignRight},
		widget.Column{Title: "lag now", Min: 7, Align: widget.AlignRight},
		widget.Column{Title: "", Min: 1},
		widget.Column{Title: "lag after", Min: 9, Align: widget.AlignRight},
		widget.Column{Title: "change", Min: 6, Flex: true, Fill: true},
	)
	t := &widget.Table{Cols: cols}
	for _, p := range plan.Partitions {
		current := "—"
		if p.HasCurrent {
			current = widget.Count(p.Current)
		}
		newCell := widget.Plain(widget.Count(p.New))
		if p.Clamped {
			newCell = widget.Styled(widget.Count(p.New)+"*", st.Warn)
		}
		row := []widget.Cell{widget.Plain(fmt.Sprint(p.Partition)), widget.Plain(current)}
		if source != nil {
			row = append(row, widget.Plain(SiblingOffset(source, p.Partition)))
		}
		row = append(row, widget.Plain("→"), newCell, widget.Plain(widget.Count(p.LagBefore)), widget.Plain("→"), widget.Plain(widget.Count(p.LagAfter)), ChangeCell(st, p))
		t.Rows = append(t.Rows, row)
	}
	return t
}

func SiblingOffset(source []model.PartitionLag, p int32) string {
	for _, s := range source {
		if s.Partition == p && s.HasCommitted {
			return widget.Count(s.Committed)
		}
	}
	return "—"
}

// ChangeCell says what a partition's move does to the group's reading, and
// what retention had already deleted before the group read it.
func ChangeCell(st *widget.Styles, p model.PlanPartition) widget.Cell {
	c := MoveCell(st, p)
	if n := p.Expired(); n > 0 {
		c.Text += " · " + widget.Count(n) + " expired"
		if c.Style == nil {
			c = widget.Styled(c.Text, st.Warn)
		}
	}
	return c
}

func MoveCell(st *widget.Styles, p model.PlanPartition) widget.Cell {
	switch {
	case !p.Changes():
		return widget.Plain("no change")
	case p.Replayed() > 0:
		return widget.Styled("replays "+widget.Count(p.Replayed()), st.Warn)
	case p.Skipped() > 0:
		return widget.Styled("skips "+widget.Count(p.Skipped()), st.Warn)
	case !p.HasCurrent:
		return widget.Plain("first commit")
	}
	return widget.Plain("moves")
}

// PositionTable shows a group's position: what a delete removes.
func PositionTable(pos []model.PartitionLag) *widget.Table {
	t := &widget.Table{Cols: []widget.Column{
		{Title: "part", Min: 4, Align: widget.AlignRight},
		{Title: "start", Min: 5, Align: widget.AlignRight},
		{Title: "committed", Min: 9, Align: widget.AlignRight},
		{Title: "end", Min: 5, Align: widget.AlignRight},
		{Title: "lag", Min: 5, Align: widget.AlignRight},
	}}
	for _, p := range pos {
		committed := "—"
		if p.HasCommitted {
			committed = widget.Count(p.Committed)
		}
		t.Rows = append(t.Rows, []widget.Cell{widget.Plain(fmt.Sprint(p.Partition)), widget.Plain(widget.Count(p.Start)), widget.Plain(committed), widget.Plain(widget.Count(p.End)), widget.Plain(widget.Count(p.Lag))})
	}
	return t
}

// ResultTable shows what an executed plan left committed, read back.
func ResultTable(st *widget.Styles, r model.PlanResult) *widget.Table {
	t := &widget.Table{Cols: []widget.Column{
		{Title: "part", Min: 4, Align: widget.AlignRight},
		{Title: "planned", Min: 7, Align: widget.AlignRight},
		{Title: "read back", Min: 9, Align: widget.AlignRight},
		{Title: "lag now", Min: 7, Align: widget.AlignRight},
		{Title: "", Min: 8, Flex: true, Fill: true},
	}}
	for _, p := range r.Plan.Partitions {
		got, ok := r.Committed[p.Partition]
		back, lag := "nothing", "—"
		if ok {
			back = widget.Count(got)
			l, _ := model.ComputeLag(p.Start, p.End, got, true)
			lag = widget.Count(l)
		}
		status := widget.Styled("✓", st.Good)
		if err := r.Failed[p.Partition]; err != nil {
			status = widget.Styled("did not take: "+widget.Clean(err.Error()), st.Bad)
		}
		t.Rows = append(t.Rows, []widget.Cell{widget.Plain(fmt.Sprint(p.Partition)), widget.Plain(widget.Count(p.New)), widget.Plain(back), widget.Plain(lag), status})
	}
	return t
}

// DeletedTable shows a group's commits before a delete and read back after.
func DeletedTable(st *widget.Styles, before, after []model.PartitionLag) *widget.Table {
	t := &widget.Table{Cols: []widget.Column{
		{Title: "part", Min: 4, Align: widget.AlignRight},
		{Title: "before", Min: 6, Align: widget.AlignRight},
		{Title: "read back", Min: 9, Align: widget.AlignRight},
		{Title: "", Min: 8, Flex: true, Fill: true},
	}}
	was := map[int32]string{}
	for _, p := range before {
		if p.HasCommitted {
			was[p.Partition] = widget.Count(p.Committed)
		}
	}
	for _, p := range after {
		b, ok := was[p.Partition]
		if !ok {
			b = "—"
		}
		now, status := "—", widget.Plain("")
		if ok {
			status = widget.Styled("✓ gone", st.Good)
		}
		if p.HasCommitted {
			now, status = widget.Count(p.Committed), widget.Styled("still committed", st.Bad)
		}
		t.Rows = append(t.Rows, []widget.Cell{widget.Plain(fmt.Sprint(p.Partition)), widget.Plain(b), widget.Plain(now), status})
	}
	return t
}

// JoinInts lists partitions for a line: "0,2,5".
func JoinInts(ps []int32) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(int(p))
	}
	return strings.Join(s, ",")
}
