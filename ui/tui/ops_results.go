package tui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Answers to the requests of offset operation flows: plans, delete
// previews and the outcomes of writes, read back.

// handleOpMsg takes the answer to a flow's request. Plans and previews the
// user moved past are dropped; the outcome of a write is always shown.
func (m Model) handleOpMsg(msg opMsg) (Model, tea.Cmd) {
	f := m.flow()
	current := f != nil && f.wait == msg.opGen()
	switch msg := msg.(type) {
	case opPlanMsg:
		if !current {
			return m, nil
		}
		return m.takePlan(*f, msg)
	case opPreviewMsg:
		if !current {
			return m, nil
		}
		return m.takePreview(*f, msg)
	case opAppliedMsg:
		if msg.gen == m.ops.writing {
			m.ops.writing = 0
		}
		return m.takeApplied(f, current, msg)
	case opDeletedMsg:
		if msg.gen == m.ops.writing {
			m.ops.writing = 0
		}
		return m.takeDeleted(f, current, msg)
	}
	return m, nil
}

func (m Model) takePlan(f opFlow, msg opPlanMsg) (Model, tea.Cmd) {
	f.wait = 0
	if msg.err != nil {
		// Back to where the request came from, with the reason.
		f.step, _ = f.asked()
		f.err = widget.Clean(msg.err.Error())
		m.modal = &f
		return m.resize(), nil
	}
	f.step, f.focus, f.scroll = stepPlan, ctlCancel, 0
	f.plan, f.source = msg.plan, msg.source
	if len(msg.plan.Partitions) == 0 {
		f.err = "the plan moves no partition: nothing to apply"
	}
	f = f.refocus()
	m.modal = &f
	return m.resize(), nil
}

func (m Model) takePreview(f opFlow, msg opPreviewMsg) (Model, tea.Cmd) {
	f.wait = 0
	if msg.err != nil {
		m.modal = nil
		return m.resize(), widget.ReportError(msg.err)
	}
	if len(msg.members) > 0 {
		return m.refuseOp(f.group.ID, msg.members, opDelete), nil
	}
	hasCommits := slices.ContainsFunc(msg.position, func(p model.PartitionLag) bool { return p.HasCommitted })
	if !hasCommits && (msg.state == "" || msg.state == "Dead") {
		m.modal = nil
		return m.resize(), widget.ReportInfo("%s does not exist: nothing to delete", widget.Clean(f.group.ID))
	}
	f.preview = msg
	f.step, f.focus, f.scroll = stepDelete, ctlName, 0
	if !hasCommits {
		f.mode = 0 // no commit on the topic: only the whole group can go
	}
	f = f.refocus()
	m.modal = &f
	return m.resize(), nil
}

func (m Model) takeApplied(f *opFlow, current bool, msg opAppliedMsg) (Model, tea.Cmd) {
	group := widget.Clean(msg.result.Plan.Group)
	if ga, ok := groupActive(msg.err); ok {
		m = m.refuseOp(ga.Group, ga.Members, msg.op)
		m, cmd := m.refreshAfterWrite()
		return m, cmd
	}
	if se, ok := staleError(msg.err); ok && current {
		// The plan's figures are stale: compute it again on the new ones
		// and show it, with what moved; nothing was written.
		g := *f
		g.wait, g.step = 0, stepPlan
		g.note = fmt.Sprintf("Not applied: %s moved since the plan was read (%s). Below is the plan on the new figures; nothing was written.", group, movedText(se.Moved))
		m.modal = &g
		m, replan := m.submitOp(g)
		m, refresh := m.refreshAfterWrite()
		return m, tea.Batch(replan, refresh, widget.ReportWarn("%s of %s not applied: its offsets moved since the plan was read", msg.op, group))
	}
	if msg.err == nil {
		// kgroups moved the offsets itself: not consumption.
		m = m.forgetHistory(msg.result.Plan.Group)
	}
	m, refresh := m.refreshAfterWrite()
	if !current {
		// The dialog was closed while the write ran: report in the status bar.
		switch {
		case msg.err != nil:
			return m, tea.Batch(refresh, widget.ReportError(fmt.Errorf("%s of %s: %w", msg.op, group, msg.err)))
		case !msg.result.OK():
			return m, tea.Batch(refresh, widget.ReportWarn("%s of %s: %d partition(s) did not take their new offset", msg.op, group, len(msg.result.Failed)))
		}
		return m, tea.Batch(refresh, widget.ReportInfo("%s of %s: committed and read back", msg.op, group))
	}
	g := *f
	g.wait, g.step, g.scroll, g.focus = 0, stepDone, 0, ctlNone
	g.result = msg.result
	if msg.err != nil {
		if errors.Is(msg.err, kafka.ErrReadOnly) {
			g.err = "read-only: nothing was written"
		} else {
			g.err = widget.Clean(msg.err.Error())
		}
	}
	m.modal = &g
	m = m.resize()
	if msg.err != nil {
		return m, refresh
	}
	if !msg.result.OK() {
		return m, tea.Batch(refresh, widget.ReportWarn("%s of %s: %d partition(s) did not take their new offset", msg.op, group, len(msg.result.Failed)))
	}
	return m, tea.Batch(refresh, widget.ReportInfo("%s of %s: committed and read back", msg.op, group))
}

func (m Model) takeDeleted(f *opFlow, current bool, msg opDeletedMsg) (Model, tea.Cmd) {
	group := widget.Clean(msg.group)
	if ga, ok := groupActive(msg.err); ok {
		m = m.refuseOp(ga.Group, ga.Members, opDelete)
		return m.refreshAfterWrite()
	}
	if se, ok := staleError(msg.err); ok && current {
		// What the dialog showed is stale: read the group again and show
		// it, with what moved; nothing was deleted.
		g := *f
		g.wait, g.step = 0, stepDelete
		g.note = fmt.Sprintf("Not deleted: %s moved since it was read (%s). Below is the group now; confirm again to delete it.", group, movedText(se.Moved))
		m.modal = &g
		cl, res, name, topic := m.deps.Cluster, m.res, g.group.ID, g.topic
		m, reread := m.request(func(gen int) tea.Cmd { return deletePreviewCmd(res, cl, gen, name, topic) })
		m, refresh := m.refreshAfterWrite()
		return m, tea.Batch(reread, refresh, widget.ReportWarn("delete of %s not applied: its offsets moved since they were read", group))
	}
	if msg.err == nil {
		m = m.forgetHistory(msg.group)
	}
	m, refresh := m.refreshAfterWrite()
	left := msg.left()
	var status tea.Cmd
	switch {
	case msg.err != nil:
		status = widget.ReportError(fmt.Errorf("delete of %s: %w", group, msg.err))
	case msg.readErr != nil:
		status = widget.ReportWarn("deleted %s, but reading it back failed: %v", group, msg.readErr)
	case len(left) > 0:
		status = widget.ReportWarn("deleted %s, but it still has commits on partition(s) %s", group, joinInts(left))
	default:
		status = widget.ReportInfo("deleted %s: read back, no commit left on %s", group, widget.Clean(msg.topic))
	}
	if !current {
		return m, tea.Batch(refresh, status)
	}
	g := *f
	g.wait, g.step, g.scroll, g.focus = 0, stepDone, 0, ctlNone
	g.deleted = msg
	if msg.err != nil {
		g.err = widget.Clean(msg.err.Error())
	}
	m.modal = &g
	return m.resize(), tea.Batch(refresh, status)
}

// refreshAfterWrite takes a new snapshot even if one is in flight: that one
// may predate the write, and its answer is then dropped by generation.
func (m Model) refreshAfterWrite() (Model, tea.Cmd) {
	m.snapLoading = false
	return m.refresh()
}

func joinInts(ps []int32) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(int(p))
	}
	return strings.Join(s, ",")
}
