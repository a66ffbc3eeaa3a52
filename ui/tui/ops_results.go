package tui

import (
	"errors"
	"fmt"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/ops"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Answers to the requests of offset operation flows: plans, delete
// previews and the outcomes of writes, read back.

// handleOpMsg takes the answer to a flow's request. Plans and previews the
// user moved past are dropped; the outcome of a write is always shown.
func (m Model) handleOpMsg(msg ops.Msg) (Model, tea.Cmd) {
	f := m.flow()
	current := f != nil && f.Wait == msg.RequestGen()
	switch msg := msg.(type) {
	case ops.PlanMsg:
		if !current {
			return m, nil
		}
		return m.takePlan(*f, msg)
	case ops.PreviewMsg:
		if !current {
			return m, nil
		}
		return m.takePreview(*f, msg)
	case ops.AppliedMsg:
		if msg.Gen == m.ops.writing {
			m.ops.writing = 0
		}
		return m.takeApplied(f, current, msg)
	case ops.DeletedMsg:
		if msg.Gen == m.ops.writing {
			m.ops.writing = 0
		}
		return m.takeDeleted(f, current, msg)
	}
	return m, nil
}

func (m Model) takePlan(f ops.Flow, msg ops.PlanMsg) (Model, tea.Cmd) {
	f.Wait = 0
	if msg.Err != nil {
		// Back to where the request came from, with the reason.
		f.Step, _ = f.Asked()
		f.Err = widget.Clean(msg.Err.Error())
		m.modal = flowModal{&f}
		return m.resize(), nil
	}
	f.Step, f.Focus, f.Scroll = ops.StepPlan, ops.CtlCancel, 0
	f.Plan, f.Source = msg.Plan, msg.Source
	if len(msg.Plan.Partitions) == 0 {
		f.Err = "the plan moves no partition: nothing to apply"
	}
	f = f.Refocus()
	m.modal = flowModal{&f}
	return m.resize(), nil
}

func (m Model) takePreview(f ops.Flow, msg ops.PreviewMsg) (Model, tea.Cmd) {
	f.Wait = 0
	if msg.Err != nil {
		m.modal = nil
		return m.resize(), widget.ReportError(msg.Err)
	}
	if len(msg.Members) > 0 {
		return m.refuseOp(f.Group.ID, msg.Members, ops.Delete), nil
	}
	hasCommits := slices.ContainsFunc(msg.Position, func(p model.PartitionLag) bool { return p.HasCommitted })
	if !hasCommits && (msg.State == "" || msg.State == "Dead") {
		m.modal = nil
		return m.resize(), widget.ReportInfo("%s does not exist: nothing to delete", widget.Clean(f.Group.ID))
	}
	f.Preview = msg
	f.Step, f.Focus, f.Scroll = ops.StepDelete, ops.CtlName, 0
	if !hasCommits {
		f.Mode = 0 // no commit on the topic: only the whole group can go
	}
	f = f.Refocus()
	m.modal = flowModal{&f}
	return m.resize(), nil
}

func (m Model) takeApplied(f *ops.Flow, current bool, msg ops.AppliedMsg) (Model, tea.Cmd) {
	group := widget.Clean(msg.Result.Plan.Group)
	if ga, ok := groupActive(msg.Err); ok {
		m = m.refuseOp(ga.Group, ga.Members, msg.Op)
		m, cmd := m.refreshAfterWrite()
		return m, cmd
	}
	if se, ok := staleError(msg.Err); ok && current {
		// The plan's figures are stale: compute it again on the new ones
		// and show it, with what moved; nothing was written.
		g := *f
		g.Wait, g.Step = 0, ops.StepPlan
		g.Note = fmt.Sprintf("Not applied: %s moved since the plan was read (%s). Below is the plan on the new figures; nothing was written.", group, movedText(se.Moved))
		m.modal = flowModal{&g}
		m, replan := m.submitOp(g)
		m, refresh := m.refreshAfterWrite()
		return m, tea.Batch(replan, refresh, widget.ReportWarn("%s of %s not applied: its offsets moved since the plan was read", msg.Op, group))
	}
	if msg.Err == nil {
		// kgroups moved the offsets itself: not consumption.
		m = m.forgetHistory(msg.Result.Plan.Group)
	}
	m, refresh := m.refreshAfterWrite()
	if !current {
		// The dialog was closed while the write ran: report in the status bar.
		switch {
		case msg.Err != nil:
			return m, tea.Batch(refresh, widget.ReportError(fmt.Errorf("%s of %s: %w", msg.Op, group, msg.Err)))
		case !msg.Result.OK():
			return m, tea.Batch(refresh, widget.ReportWarn("%s of %s: %d partition(s) did not take their new offset", msg.Op, group, len(msg.Result.Failed)))
		}
		return m, tea.Batch(refresh, widget.ReportInfo("%s of %s: committed and read back", msg.Op, group))
	}
	g := *f
	g.Wait, g.Step, g.Scroll, g.Focus = 0, ops.StepDone, 0, ops.CtlNone
	g.Result = msg.Result
	if msg.Err != nil {
		if errors.Is(msg.Err, kafka.ErrReadOnly) {
			g.Err = "read-only: nothing was written"
		} else {
			g.Err = widget.Clean(msg.Err.Error())
		}
	}
	m.modal = flowModal{&g}
	m = m.resize()
	if msg.Err != nil {
		return m, refresh
	}
	if !msg.Result.OK() {
		return m, tea.Batch(refresh, widget.ReportWarn("%s of %s: %d partition(s) did not take their new offset", msg.Op, group, len(msg.Result.Failed)))
	}
	return m, tea.Batch(refresh, widget.ReportInfo("%s of %s: committed and read back", msg.Op, group))
}

func (m Model) takeDeleted(f *ops.Flow, current bool, msg ops.DeletedMsg) (Model, tea.Cmd) {
	group := widget.Clean(msg.Group)
	if ga, ok := groupActive(msg.Err); ok {
		m = m.refuseOp(ga.Group, ga.Members, ops.Delete)
		return m.refreshAfterWrite()
	}
	if se, ok := staleError(msg.Err); ok && current {
		// What the dialog showed is stale: read the group again and show
		// it, with what moved; nothing was deleted.
		g := *f
		g.Wait, g.Step = 0, ops.StepDelete
		g.Note = fmt.Sprintf("Not deleted: %s moved since it was read (%s). Below is the group now; confirm again to delete it.", group, movedText(se.Moved))
		m.modal = flowModal{&g}
		cl, res, name, topic := m.deps.Cluster, m.res, g.Group.ID, g.Topic
		m, reread := m.request(func(gen int) tea.Cmd { return ops.DeletePreviewCmd(res, cl, gen, name, topic) })
		m, refresh := m.refreshAfterWrite()
		return m, tea.Batch(reread, refresh, widget.ReportWarn("delete of %s not applied: its offsets moved since they were read", group))
	}
	if msg.Err == nil {
		m = m.forgetHistory(msg.Group)
	}
	m, refresh := m.refreshAfterWrite()
	left := msg.Left()
	var status tea.Cmd
	switch {
	case msg.Err != nil:
		status = widget.ReportError(fmt.Errorf("delete of %s: %w", group, msg.Err))
	case msg.ReadErr != nil:
		status = widget.ReportWarn("deleted %s, but reading it back failed: %v", group, msg.ReadErr)
	case len(left) > 0:
		status = widget.ReportWarn("deleted %s, but it still has commits on partition(s) %s", group, ops.JoinInts(left))
	default:
		status = widget.ReportInfo("deleted %s: read back, no commit left on %s", group, widget.Clean(msg.Topic))
	}
	if !current {
		return m, tea.Batch(refresh, status)
	}
	g := *f
	g.Wait, g.Step, g.Scroll, g.Focus = 0, ops.StepDone, 0, ops.CtlNone
	g.Deleted = msg
	if msg.Err != nil {
		g.Err = widget.Clean(msg.Err.Error())
	}
	m.modal = flowModal{&g}
	return m.resize(), tea.Batch(refresh, status)
}

// refreshAfterWrite takes a new snapshot even if one is in flight: that one
// may predate the write, and its answer is then dropped by generation.
func (m Model) refreshAfterWrite() (Model, tea.Cmd) {
	m.snapLoading = false
	return m.refresh()
}
