package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/ui/tui/ops"
)

// Offset operations (package ops) from the root's side: the views ask for
// one with intentOp, the root hands the controller what it needs (opsEnv)
// and carries out what it answers (takeOps). The open flow is the modal.

// intentOp asks the root to start an offset operation.
type intentOp struct{ req ops.Request }

func (intentOp) isIntent() {}

// opIntent is what R, S, N, D or u asks for on the groups view.
func (v groupsView) opIntent(msg tea.KeyMsg) intent {
	k := v.keys.Groups
	op, ok := ops.OfKey(msg, k.Reset, k.CopyFrom, k.Create, k.Delete, k.Undo)
	if !ok {
		return nil
	}
	req := ops.Request{Op: op, Topic: v.topic}
	if row, ok := v.selected(); ok {
		req.Group = row.Group
		req.Missing = row.Kind == rowMissingDefault || row.Kind == rowDeleted
		req.Foreign = row.Kind == rowUnmatched || row.Kind == rowOther
		if e, ok := v.changes[row.id()]; ok {
			req.Change = &e
		}
	}
	return intentOp{req}
}

// opIntent is what R, S, N, D or u asks for on the partitions view. A reset
// starts limited to the selected partition.
func (v partitionsView) opIntent(msg tea.KeyMsg) intent {
	k := v.keys.Partitions
	op, ok := ops.OfKey(msg, k.Reset, k.CopyFrom, k.Create, k.Delete, k.Undo)
	if !ok {
		return nil
	}
	req := ops.Request{Op: op, Group: v.group, Topic: v.group.Name.Topic, Missing: v.missing, Foreign: v.foreign}
	if e, ok := v.changes[v.group.ID]; ok {
		req.Change = &e
	}
	if v.cur.Index < len(v.group.Partitions) {
		p := v.group.Partitions[v.cur.Index].Partition
		req.Partition = &p
	}
	return intentOp{req}
}

// opsEnv is what the offset operations need from the root now.
func (m Model) opsEnv() ops.Env {
	env := ops.Env{
		Cluster: m.deps.Cluster, Res: m.res, Keys: m.keys, Styles: m.styles, Now: m.deps.Now,
		Base: m.base, Snap: m.snap, Width: m.width, Height: m.bodyHeight(), Tick: m.spinner.Tick,
	}
	if m.deps.ReadOnly {
		env.ReadOnly = m.readOnly
	}
	return env
}

// takeOps carries out what the offset operations answered.
func (m Model) takeOps(c ops.Controller, out ops.Outcome) (Model, tea.Cmd) {
	m.ops = c
	if out.Set {
		m.modal = nil
		if out.Flow != nil {
			m.modal = flowModal{out.Flow}
		}
	}
	if r := out.Refusal; r != nil {
		m.modal = nil
		m = m.openDialog(dialog{kind: dialogRefusal, title: r.Title, body: r.Body, action: noticeAction{}})
	}
	if out.Forget != "" {
		m = m.forgetHistory(out.Forget)
	}
	cmd := out.Cmd
	if out.Refresh {
		// The snapshot in flight may predate the write: take another, and
		// the older answer is dropped by generation.
		m.snapLoading = false
		var refresh tea.Cmd
		m, refresh = m.refresh()
		cmd = tea.Batch(cmd, refresh)
	}
	return m.resize(), cmd
}
