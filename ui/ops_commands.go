package ui

import (
	"context"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
)

// Commands and result messages of the offset operations. Each message
// carries the generation of the request, so the root drops the answers a
// flow no longer waits for.

// opMsg is the answer to a request of an offset operation flow.
type opMsg interface{ opGen() int }

// opPlanMsg is the plan of a reset, a copy or a create, computed by the
// cluster from the offsets it has now.
type opPlanMsg struct {
	gen    int
	plan   model.Plan
	source []model.PartitionLag // copy: the sibling's position, shown beside the plan
	err    error
}

// opPreviewMsg is what a delete would remove: the group's state, its live
// members and its position on its topic.
type opPreviewMsg struct {
	gen      int
	state    string
	members  []model.Member
	position []model.PartitionLag
	err      error
}

// opAppliedMsg is the outcome of executing a plan, read back.
type opAppliedMsg struct {
	gen    int
	op     opKind
	result model.PlanResult
	err    error
}

// opDeletedMsg is the outcome of a delete, with the group's position on
// its topic read back.
type opDeletedMsg struct {
	gen         int
	group       string
	topic       string
	offsetsOnly bool
	after       []model.PartitionLag
	err         error // the delete failed: nothing was deleted
	readErr     error // deleted, but reading it back failed
}

func (m opPlanMsg) opGen() int    { return m.gen }
func (m opPreviewMsg) opGen() int { return m.gen }
func (m opAppliedMsg) opGen() int { return m.gen }
func (m opDeletedMsg) opGen() int { return m.gen }

// hasCommits reports whether the group holds a commit on its topic.
func (m opPreviewMsg) hasCommits() bool {
	return slices.ContainsFunc(m.position, func(p model.PartitionLag) bool { return p.HasCommitted })
}

// left lists the partitions still committed after a delete.
func (m opDeletedMsg) left() []int32 {
	var out []int32
	for _, p := range m.after {
		if p.HasCommitted {
			out = append(out, p.Partition)
		}
	}
	return out
}

// planResetCmd plans a reset of group on topic.
func planResetCmd(res *resources, cl *kafka.Cluster, gen int, group, topic string, spec kafka.ResetSpec) tea.Cmd {
	return run(res, commitTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return opPlanMsg{gen: gen, err: errNoCluster}
		}
		plan, err := cl.PlanReset(ctx, group, topic, spec)
		return opPlanMsg{gen: gen, plan: plan, err: err}
	})
}

// planCopyCmd plans copying the offsets of sibling from onto group, and
// reads the sibling's position to show beside the plan.
func planCopyCmd(res *resources, cl *kafka.Cluster, gen int, group, from, topic string) tea.Cmd {
	return run(res, commitTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return opPlanMsg{gen: gen, err: errNoCluster}
		}
		source, err := cl.Position(ctx, from, topic)
		if err != nil {
			return opPlanMsg{gen: gen, err: err}
		}
		plan, err := cl.PlanReset(ctx, group, topic, kafka.ResetSpec{Mode: kafka.ResetFromGroup, FromGroup: from})
		return opPlanMsg{gen: gen, plan: plan, source: source, err: err}
	})
}

// planCreateCmd plans the commits that create group on topic at at.
func planCreateCmd(res *resources, cl *kafka.Cluster, gen int, group, topic string, at kafka.CreateStart) tea.Cmd {
	return run(res, commitTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return opPlanMsg{gen: gen, err: errNoCluster}
		}
		plan, err := cl.PlanCreate(ctx, group, topic, at)
		return opPlanMsg{gen: gen, plan: plan, err: err}
	})
}

// deletePreviewCmd reads what deleting group would remove.
func deletePreviewCmd(res *resources, cl *kafka.Cluster, gen int, group, topic string) tea.Cmd {
	return run(res, commitTimeout, func(ctx context.Context) tea.Msg {
		msg := opPreviewMsg{gen: gen}
		if cl == nil {
			msg.err = errNoCluster
			return msg
		}
		msg.state, msg.members, msg.err = cl.LiveMembers(ctx, group)
		if msg.err != nil {
			return msg
		}
		msg.position, msg.err = cl.Position(ctx, group, topic)
		return msg
	})
}

// applyPlanCmd commits plan and reads it back. The cluster refuses a group
// with live members and a read-only connection.
func applyPlanCmd(res *resources, cl *kafka.Cluster, gen int, op opKind, plan model.Plan) tea.Cmd {
	return run(res, commitTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return opAppliedMsg{gen: gen, op: op, result: model.PlanResult{Plan: plan}, err: errNoCluster}
		}
		result, err := cl.Execute(ctx, plan)
		return opAppliedMsg{gen: gen, op: op, result: result, err: err}
	})
}

// deleteCmd deletes group, or only its offsets on topic, then reads its
// position on topic back. shown is the position the user confirmed on: if
// the group's commits on topic moved since, nothing is deleted.
func deleteCmd(res *resources, cl *kafka.Cluster, gen int, group, topic string, offsetsOnly bool, shown []model.PartitionLag) tea.Cmd {
	before := map[int32]int64{}
	for _, p := range shown {
		if p.HasCommitted {
			before[p.Partition] = p.Committed
		}
	}
	return run(res, commitTimeout, func(ctx context.Context) tea.Msg {
		msg := opDeletedMsg{gen: gen, group: group, topic: topic, offsetsOnly: offsetsOnly}
		if cl == nil {
			msg.err = errNoCluster
			return msg
		}
		if offsetsOnly {
			msg.err = cl.DeleteGroupOffsetsIfUnchanged(ctx, group, topic, before)
		} else {
			msg.err = cl.DeleteGroupIfUnchanged(ctx, group, topic, before)
		}
		if msg.err != nil {
			return msg
		}
		msg.after, msg.readErr = cl.Position(ctx, group, topic)
		return msg
	})
}
