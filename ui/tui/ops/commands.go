package ops

import (
	"context"
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Commands and result messages of the offset operations. Each message
// carries the generation of the request, so the root drops the answers a
// flow no longer waits for.

// writeTimeout bounds a plan, a delete preview and a write.
const writeTimeout = 30 * time.Second

// Msg is the answer to a request of an offset operation flow.
type Msg interface{ RequestGen() int }

// PlanMsg is the plan of a reset, a copy or a create, computed by the
// cluster from the offsets it has now.
type PlanMsg struct {
	Gen    int
	Plan   model.Plan
	Source []model.PartitionLag // copy: the sibling's position, shown beside the plan
	Err    error
}

// PreviewMsg is what a delete would remove: the group's state, its live
// members and its position on its topic.
type PreviewMsg struct {
	Gen      int
	State    string
	Members  []model.Member
	Position []model.PartitionLag
	Err      error
}

// AppliedMsg is the outcome of executing a plan, read back.
type AppliedMsg struct {
	Gen    int
	Op     Kind
	Result model.PlanResult
	Err    error
}

// DeletedMsg is the outcome of a delete, with the group's position on
// its topic read back.
type DeletedMsg struct {
	Gen         int
	Group       string
	Topic       string
	OffsetsOnly bool
	After       []model.PartitionLag
	Err         error // the delete failed: nothing was deleted
	ReadErr     error // deleted, but reading it back failed
}

func (m PlanMsg) RequestGen() int    { return m.Gen }
func (m PreviewMsg) RequestGen() int { return m.Gen }
func (m AppliedMsg) RequestGen() int { return m.Gen }
func (m DeletedMsg) RequestGen() int { return m.Gen }

// hasCommits reports whether the group holds a commit on its topic.
func (m PreviewMsg) hasCommits() bool {
	return slices.ContainsFunc(m.Position, func(p model.PartitionLag) bool { return p.HasCommitted })
}

// Left lists the partitions still committed after a delete.
func (m DeletedMsg) Left() []int32 {
	var out []int32
	for _, p := range m.After {
		if p.HasCommitted {
			out = append(out, p.Partition)
		}
	}
	return out
}

// PlanResetCmd plans a reset of group on topic.
func PlanResetCmd(res *widget.Resources, cl *kafka.Cluster, gen int, group, topic string, spec kafka.ResetSpec) tea.Cmd {
	return widget.Run(res, writeTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return PlanMsg{Gen: gen, Err: widget.ErrNoCluster}
		}
		plan, err := cl.PlanReset(ctx, group, topic, spec)
		return PlanMsg{Gen: gen, Plan: plan, Err: err}
	})
}

// PlanCopyCmd plans copying the offsets of sibling from onto group, and
// reads the sibling's position to show beside the plan.
func PlanCopyCmd(res *widget.Resources, cl *kafka.Cluster, gen int, group, from, topic string) tea.Cmd {
	return widget.Run(res, writeTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return PlanMsg{Gen: gen, Err: widget.ErrNoCluster}
		}
		source, err := cl.Position(ctx, from, topic)
		if err != nil {
			return PlanMsg{Gen: gen, Err: err}
		}
		plan, err := cl.PlanReset(ctx, group, topic, kafka.ResetSpec{Mode: kafka.ResetFromGroup, FromGroup: from})
		return PlanMsg{Gen: gen, Plan: plan, Source: source, Err: err}
	})
}

// PlanCreateCmd plans the commits that create group on topic at at.
func PlanCreateCmd(res *widget.Resources, cl *kafka.Cluster, gen int, group, topic string, at kafka.CreateStart) tea.Cmd {
	return widget.Run(res, writeTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return PlanMsg{Gen: gen, Err: widget.ErrNoCluster}
		}
		plan, err := cl.PlanCreate(ctx, group, topic, at)
		return PlanMsg{Gen: gen, Plan: plan, Err: err}
	})
}

// DeletePreviewCmd reads what deleting group would remove.
func DeletePreviewCmd(res *widget.Resources, cl *kafka.Cluster, gen int, group, topic string) tea.Cmd {
	return widget.Run(res, writeTimeout, func(ctx context.Context) tea.Msg {
		msg := PreviewMsg{Gen: gen}
		if cl == nil {
			msg.Err = widget.ErrNoCluster
			return msg
		}
		msg.State, msg.Members, msg.Err = cl.LiveMembers(ctx, group)
		if msg.Err != nil {
			return msg
		}
		msg.Position, msg.Err = cl.Position(ctx, group, topic)
		return msg
	})
}

// ApplyPlanCmd commits plan and reads it back. The cluster refuses a group
// with live members and a read-only connection.
func ApplyPlanCmd(res *widget.Resources, cl *kafka.Cluster, gen int, op Kind, plan model.Plan) tea.Cmd {
	return widget.Run(res, writeTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return AppliedMsg{Gen: gen, Op: op, Result: model.PlanResult{Plan: plan}, Err: widget.ErrNoCluster}
		}
		result, err := cl.Execute(ctx, plan)
		return AppliedMsg{Gen: gen, Op: op, Result: result, Err: err}
	})
}

// DeleteCmd deletes group, or only its offsets on topic, then reads its
// position on topic back. shown is the position the user confirmed on: if
// the group's commits on topic moved since, nothing is deleted.
func DeleteCmd(res *widget.Resources, cl *kafka.Cluster, gen int, group, topic string, offsetsOnly bool, shown []model.PartitionLag) tea.Cmd {
	before := map[int32]int64{}
	for _, p := range shown {
		if p.HasCommitted {
			before[p.Partition] = p.Committed
		}
	}
	return widget.Run(res, writeTimeout, func(ctx context.Context) tea.Msg {
		msg := DeletedMsg{Gen: gen, Group: group, Topic: topic, OffsetsOnly: offsetsOnly}
		if cl == nil {
			msg.Err = widget.ErrNoCluster
			return msg
		}
		if offsetsOnly {
			msg.Err = cl.DeleteGroupOffsetsIfUnchanged(ctx, group, topic, before)
		} else {
			msg.Err = cl.DeleteGroupIfUnchanged(ctx, group, topic, before)
		}
		if msg.Err != nil {
			return msg
		}
		msg.After, msg.ReadErr = cl.Position(ctx, group, topic)
		return msg
	})
}
