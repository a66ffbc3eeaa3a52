package model

import (
	"cmp"
	"slices"
)

// Plan is what an offset operation would do to a group on its topic, computed
// before anything is written: per partition the current and the new offset
// and the lag before and after. The CLI prints it (dry run by default) and
// the TUI shows it in a confirmation dialog.
type Plan struct {
	Group      string
	Topic      string
	Operation  string // human description, e.g. "reset to earliest"
	Partitions []PlanPartition
}

// PlanPartition is one partition's move.
type PlanPartition struct {
	Partition  int32
	Start, End int64
	Current    int64 // valid only when HasCurrent
	HasCurrent bool
	New        int64
	LagBefore  int64
	LagAfter   int64
	Clamped    bool // the requested offset was outside [Start, End] and was clamped
}

// Skipped is how many records the move jumps over without reading them
// (positive when moving forward).
func (p PlanPartition) Skipped() int64 {
	from := p.Start
	if p.HasCurrent {
		from = max(p.Current, p.Start)
	}
	return max(p.New-from, 0)
}

// Replayed is how many records the move makes the group read again.
func (p PlanPartition) Replayed() int64 {
	if !p.HasCurrent {
		return 0
	}
	return max(min(p.Current, p.End)-p.New, 0)
}

// Expired is how many records retention deleted between the group's commit
// and the log start before the group read them: the group had lost them
// before the move, whatever the move does.
func (p PlanPartition) Expired() int64 {
	if !p.HasCurrent {
		return 0
	}
	return max(p.Start-p.Current, 0)
}

// Changes reports whether the move changes anything on this partition.
func (p PlanPartition) Changes() bool { return !p.HasCurrent || p.Current != p.New }

// LagBefore is the total lag before the plan is executed.
func (p Plan) LagBefore() (n int64) {
	for _, pp := range p.Partitions {
		n += pp.LagBefore
	}
	return n
}

// LagAfter is the total lag once the plan is executed.
func (p Plan) LagAfter() (n int64) {
	for _, pp := range p.Partitions {
		n += pp.LagAfter
	}
	return n
}

// Offsets returns the new offsets to commit, by partition.
func (p Plan) Offsets() map[int32]int64 {
	out := make(map[int32]int64, len(p.Partitions))
	for _, pp := range p.Partitions {
		out[pp.Partition] = pp.New
	}
	return out
}

// Before returns the commits the plan was computed from, by partition: the
// figures a user reviewed. A partition without a commit is absent.
func (p Plan) Before() map[int32]int64 {
	out := make(map[int32]int64, len(p.Partitions))
	for _, pp := range p.Partitions {
		if pp.HasCurrent {
			out[pp.Partition] = pp.Current
		}
	}
	return out
}

// BuildPlan turns requested target offsets into a plan over the partitions
// named in targets, clamping every target to [start, end] of its partition.
// current holds the group's position (BuildPartitionLags output) on every
// partition of the topic; targets for partitions absent from current are
// ignored, and partitions whose offsets failed to load are left out.
func BuildPlan(group, topic, operation string, current []PartitionLag, targets map[int32]int64) Plan {
	plan := Plan{Group: group, Topic: topic, Operation: operation}
	for _, pl := range current {
		target, ok := targets[pl.Partition]
		if !ok || pl.Err != nil {
			continue
		}
		newOff := min(max(target, pl.Start), pl.End)
		lagAfter, _ := ComputeLag(pl.Start, pl.End, newOff, true)
		plan.Partitions = append(plan.Partitions, PlanPartition{
			Partition:  pl.Partition,
			Start:      pl.Start,
			End:        pl.End,
			Current:    pl.Committed,
			HasCurrent: pl.HasCommitted,
			New:        newOff,
			LagBefore:  pl.Lag,
			LagAfter:   lagAfter,
			Clamped:    newOff != target,
		})
	}
	slices.SortFunc(plan.Partitions, func(a, b PlanPartition) int { return cmp.Compare(a.Partition, b.Partition) })
	return plan
}

// ShiftTargets returns, for each partition, its position moved by delta
// records (from the log start where the group has no commit). BuildPlan
// clamps the result.
func ShiftTargets(current []PartitionLag, delta int64) map[int32]int64 {
	out := make(map[int32]int64, len(current))
	for _, pl := range current {
		from := pl.Start
		if pl.HasCommitted {
			from = max(pl.Committed, pl.Start)
		}
		out[pl.Partition] = from + delta
	}
	return out
}

// PlanResult is what an executed plan left committed, read back from the
// cluster.
type PlanResult struct {
	Plan      Plan
	Committed map[int32]int64 // read back after the commit
	Failed    map[int32]error // partitions whose commit failed or did not take
}

// OK reports whether every partition took its new offset.
func (r PlanResult) OK() bool { return len(r.Failed) == 0 }
