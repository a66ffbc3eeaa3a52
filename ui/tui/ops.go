package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/ops"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Offset operations: reset (R), copy from a sibling (S), create a suffix
// group (N) and delete (D), from the groups and partitions views. Each runs
// as a flow in one dialog: a form, the plan the cluster computes, an
// explicit Apply, then what was read back. Nothing is written before Apply;
// the kafka layer refuses live groups and read-only connections as well.

// opsState is the root's part in offset operations: the requests the flows
// made. The open flow is the root's modal.
type opsState struct {
	gen     int // bumps with every request a flow makes
	writing int // the write in flight (its gen), 0 if none
}

// opsWaiting reports whether the user waits for an operation's answer.
func (m Model) opsWaiting() bool {
	f := m.flow()
	return m.ops.writing != 0 || (f != nil && f.Wait != 0)
}

// intentOp asks the root to start an offset operation.
type intentOp struct {
	op        ops.Kind
	group     model.Group // the group acted on; for create, the view's topic is enough
	topic     string
	partition *int32 // the partition selected in the partitions view
	missing   bool   // the group does not exist yet
	foreign   bool   // not a group of the base
}

func (intentOp) isIntent() {}

// opIntent is what R, S, N or D asks for on the groups view.
func (v groupsView) opIntent(msg tea.KeyMsg) intent {
	k := v.keys.Groups
	op, ok := ops.OfKey(msg, k.Reset, k.CopyFrom, k.Create, k.Delete)
	if !ok {
		return nil
	}
	in := intentOp{op: op, topic: v.topic}
	if row, ok := v.selected(); ok {
		in.group = row.Group
		in.missing = row.Kind == rowMissingDefault
		in.foreign = row.Kind == rowUnmatched || row.Kind == rowOther
	}
	return in
}

// opIntent is what R, S, N or D asks for on the partitions view. A reset
// starts limited to the selected partition.
func (v partitionsView) opIntent(msg tea.KeyMsg) intent {
	k := v.keys.Partitions
	op, ok := ops.OfKey(msg, k.Reset, k.CopyFrom, k.Create, k.Delete)
	if !ok {
		return nil
	}
	in := intentOp{op: op, group: v.group, topic: v.group.Name.Topic, missing: v.missing, foreign: v.foreign}
	if v.cur.Index < len(v.group.Partitions) {
		p := v.group.Partitions[v.cur.Index].Partition
		in.partition = &p
	}
	return in
}

// openOp starts the flow in asks for, or says why not.
func (m Model) openOp(in intentOp) (Model, tea.Cmd) {
	id := widget.Clean(in.group.ID)
	switch {
	case m.deps.ReadOnly:
		return m, m.readOnly(in.op.String() + " writes offsets, so it")
	case m.ops.writing != 0:
		return m, widget.ReportWarn("an offset change is still running: wait for it")
	case in.op != ops.Create && in.group.ID == "":
		return m, widget.ReportInfo("no group selected")
	case in.op != ops.Create && in.foreign:
		return m, widget.ReportWarn("%s is not a group of the base: %s acts on {base}-{topic}[-{suffix}]", id, in.op)
	case in.op == ops.Delete && in.missing:
		return m, widget.ReportInfo("%s does not exist yet: nothing to delete", id)
	case in.op != ops.Create && len(in.group.Members) > 0:
		return m.refuseOp(in.group.ID, in.group.Members, in.op), nil
	}
	f := ops.Flow{Op: in.op, Group: in.group, Name: in.group.Name, Topic: in.topic, Keys: m.keys.Ops}
	if t, ok := m.snap.Topic(in.topic); ok {
		f.Parts = len(t.Partitions)
	}
	if f.Name.Base == "" {
		f.Name.Base = m.base
	}
	switch in.op {
	case ops.Reset:
		f.Step, f.Focus = ops.StepForm, ops.CtlMode
		for i, rm := range ops.ResetModes {
			f.Vals[i] = widget.NewLineInput("", "", rm.Placeholder)
		}
		f.Vals[ops.ModeDatetime].SetValue(m.deps.Now().UTC().Truncate(time.Minute).Format(time.RFC3339))
		part := ""
		if in.partition != nil {
			part = strconv.Itoa(int(*in.partition))
		}
		f.Limit = widget.NewLineInput("", part, "all")
	case ops.Copy:
		f.Siblings = ops.Siblings(m.snap, in.group)
		if len(f.Siblings) == 0 {
			return m, widget.ReportInfo("no other group of the base has commits on %s to copy from", widget.Clean(in.topic))
		}
		f.Step = ops.StepPick
	case ops.Create:
		f.Step, f.Focus = ops.StepForm, ops.CtlSuffix
		f.Name = model.GroupName{Base: m.base, Topic: in.topic}
		f.Text = widget.NewLineInput("", "", "e.g. full-index")
		f.At = widget.NewLineInput("", m.deps.Now().UTC().Truncate(time.Minute).Format(time.RFC3339), "2025-01-31T09:00:00Z")
	case ops.Delete:
		f.Text = ops.NewConfirmInput(f.Name)
		f.Focus = ops.CtlName
		f.Others = ops.OtherTopics(in.group)
		m.modal = flowModal{&f}
		return m.request(func(gen int) tea.Cmd {
			return ops.DeletePreviewCmd(m.res, m.deps.Cluster, gen, f.Group.ID, f.Topic)
		})
	}
	f = f.Refocus()
	m.modal = flowModal{&f}
	return m.resize(), nil
}

// request starts a command of the open flow under a new generation; the
// flow waits for its answer.
func (m Model) request(cmd func(gen int) tea.Cmd) (Model, tea.Cmd) {
	m.ops.gen++
	f := *m.flow()
	f.Wait = m.ops.gen
	f.Err = ""
	if f.Step != ops.StepApplying {
		f.Step = ops.StepLoading
	}
	m.modal = flowModal{&f}
	return m.resize(), tea.Batch(cmd(m.ops.gen), m.spinner.Tick)
}

// refuseOp explains that live members hold the group: the broker would
// reject the change or the service would overwrite it.
func (m Model) refuseOp(group string, members []model.Member, op ops.Kind) Model {
	m.modal = nil
	body := []string{fmt.Sprintf("%s has %d live member(s):", widget.Clean(group), len(members))}
	body = append(body, memberLines(members)...)
	body = append(body, "", fmt.Sprintf("The broker would reject the %s, or the running service would overwrite it. Stop them first, then try again.", op))
	return m.openDialog(dialog{
		kind:   dialogRefusal,
		title:  widget.Capitalize(op.String()) + " refused: the group is in use",
		body:   body,
		action: noticeAction{},
	})
}

// memberLines names members and what they hold, one line each.
func memberLines(members []model.Member) []string {
	var out []string
	for _, mem := range members {
		line := "  " + widget.Clean(mem.ClientID+"@"+mem.Host)
		var parts []string
		for _, tp := range mem.Assigned {
			for _, p := range tp.Partitions {
				parts = append(parts, widget.Clean(tp.Topic)+"/"+strconv.Itoa(int(p)))
			}
		}
		if len(parts) > 0 {
			line += " holds " + strings.Join(parts, ", ")
		}
		out = append(out, line)
	}
	return out
}

// handleOpKey gives a key to the open flow and acts on what it did.
func (m Model) handleOpKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	f, ev := m.flow().Update(msg, m.keys.Ops, m.keys.Input, m.opRows())
	m.modal = flowModal{&f}
	switch ev {
	case ops.Close:
		if f.Step == ops.StepApplying {
			m.modal = nil
			return m.resize(), widget.ReportInfo("the %s goes on: its outcome will show here", f.Op)
		}
		m.modal = nil
		return m.resize(), nil
	case ops.Back:
		return m.resize(), nil
	case ops.Submit:
		f.Note = ""
		return m.submitOp(f)
	case ops.Apply:
		return m.applyOp(f)
	}
	return m, nil
}

// opRows is how many table rows the open flow's dialog shows at the
// current size.
func (m Model) opRows() int {
	return m.flow().TableRows(m.styles, m.width, m.bodyHeight())
}

// submitOp checks the form (or the pick) and asks the cluster for the plan.
func (m Model) submitOp(f ops.Flow) (Model, tea.Cmd) {
	cl, res := m.deps.Cluster, m.res
	switch f.Op {
	case ops.Reset:
		spec, err := f.ResetSpec(m.deps.Now)
		if err != nil {
			return m.opInvalid(f, err)
		}
		return m.request(func(gen int) tea.Cmd { return ops.PlanResetCmd(res, cl, gen, f.Name.String(), f.Topic, spec) })
	case ops.Copy:
		from := f.Siblings[f.Pick.Index]
		return m.request(func(gen int) tea.Cmd { return ops.PlanCopyCmd(res, cl, gen, f.Name.String(), from.ID, f.Topic) })
	case ops.Create:
		suffix := strings.TrimSpace(f.Text.Value())
		if err := validSuffix(suffix); err != nil {
			return m.opInvalid(f, err)
		}
		name := model.GroupName{Base: m.base, Topic: f.Topic, Suffix: suffix}
		if g, ok := m.snap.Group(name.String()); ok && g.Exists() {
			return m.opInvalid(f, fmt.Errorf("%s already exists: move it with %s instead", name, keymap.Name(m.keys.Groups.Reset)))
		}
		at := kafka.CreateStart{At: ops.CreateKinds[f.Mode]}
		if f.Mode == ops.CreateAtDatetime {
			t, err := ops.ParseRFC3339(f.At.Value())
			if err != nil {
				return m.opInvalid(f, err)
			}
			at.Time = t
		}
		f.Name = name
		m.modal = flowModal{&f}
		return m.request(func(gen int) tea.Cmd { return ops.PlanCreateCmd(res, cl, gen, name.String(), f.Topic, at) })
	}
	return m, nil
}

func (m Model) opInvalid(f ops.Flow, err error) (Model, tea.Cmd) {
	f.Err = widget.Clean(err.Error())
	m.modal = flowModal{&f}
	return m, nil
}

// applyOp runs the confirmed write.
func (m Model) applyOp(f ops.Flow) (Model, tea.Cmd) {
	if m.ops.writing != 0 {
		return m.opInvalid(f, fmt.Errorf("an offset change is still running: wait for it"))
	}
	f.Step = ops.StepApplying
	m.modal = flowModal{&f}
	cl, res := m.deps.Cluster, m.res
	var cmd func(gen int) tea.Cmd
	if f.Op == ops.Delete {
		offsetsOnly, shown := f.Mode == 1, f.Preview.Position
		cmd = func(gen int) tea.Cmd {
			return ops.DeleteCmd(res, cl, gen, f.Name.String(), f.Topic, offsetsOnly, shown)
		}
	} else {
		plan := f.Plan
		cmd = func(gen int) tea.Cmd { return ops.ApplyPlanCmd(res, cl, gen, f.Op, plan) }
	}
	m, c := m.request(cmd)
	m.ops.writing = m.ops.gen
	return m, c
}
