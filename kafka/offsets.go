package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kgroups/kgroups/kafka/journal"
	"github.com/kgroups/kgroups/model"
)

// ErrReadOnly is returned by every operation that would write while the
// connection is read-only (Config.ReadOnly).
var ErrReadOnly = errors.New("read-only mode: this would write to the cluster")

// ErrGroupExists is returned when creating a group that already exists.
var ErrGroupExists = errors.New("group already exists")

// ResetMode says where a reset moves a group.
type ResetMode int

// Reset modes, as kafka-consumer-groups.sh names them.
const (
	ResetToEarliest  ResetMode = iota // log start offset
	ResetToLatest                     // high watermark
	ResetToOffset                     // ResetSpec.Offset on every partition
	ResetToOffsetMap                  // ResetSpec.OffsetMap per partition
	ResetToDatetime                   // first offset at or after ResetSpec.Time
	ResetByDuration                   // first offset at or after now − ResetSpec.Duration
	ResetShiftBy                      // current position ± ResetSpec.Shift
	ResetFromGroup                    // the positions of sibling group ResetSpec.FromGroup
)

// ResetSpec describes an offset reset. Every target is clamped to the
// partition's [start, end].
type ResetSpec struct {
	Mode      ResetMode
	Offset    int64
	OffsetMap map[int32]int64
	Time      time.Time
	Duration  time.Duration
	Shift     int64
	FromGroup string
	// Partitions limits the reset; empty means every partition of the topic.
	Partitions []int32
	// Now is used by ResetByDuration; time.Now when nil.
	Now func() time.Time
	// File names where OffsetMap was read from, for the plan's description;
	// "" when it was given inline.
	File string
}

func (s ResetSpec) describe() string {
	switch s.Mode {
	case ResetToEarliest:
		return "reset to earliest"
	case ResetToLatest:
		return "reset to latest"
	case ResetToOffset:
		return fmt.Sprintf("reset to offset %d", s.Offset)
	case ResetToOffsetMap:
		if s.File != "" {
			return "reset to the offsets in " + s.File
		}
		parts := make([]string, 0, len(s.OffsetMap))
		for _, p := range sortedKeys(s.OffsetMap) {
			parts = append(parts, fmt.Sprintf("%d=%d", p, s.OffsetMap[p]))
		}
		return "reset to offsets " + strings.Join(parts, ",")
	case ResetToDatetime:
		return "reset to " + s.Time.UTC().Format(model.TimeLayout)
	case ResetByDuration:
		return "reset to " + s.Duration.String() + " ago"
	case ResetShiftBy:
		return fmt.Sprintf("shift by %+d", s.Shift)
	case ResetFromGroup:
		return "copy offsets from " + s.FromGroup
	}
	return "reset"
}

func sortedKeys[V any](m map[int32]V) []int32 {
	keys := make([]int32, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Position returns group's position on every partition of topic: log start,
// end, commit and lag, without joining the group.
func (c *Cluster) Position(ctx context.Context, group, topic string) (_ []model.PartitionLag, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	parts, err := c.partitionOffsets(ctx, topic)
	if err != nil {
		return nil, err
	}
	commits, err := c.commitsOn(ctx, group, topic)
	if err != nil {
		return nil, err
	}
	return model.BuildPartitionLags(parts, commits), nil
}

// partitionOffsets lists the start and end offsets of every partition of topic.
func (c *Cluster) partitionOffsets(ctx context.Context, topic string) ([]model.TopicPartition, error) {
	starts, err := c.adm.ListStartOffsets(ctx, topic)
	if err != nil && !isShardErr(err) {
		return nil, fmt.Errorf("list start offsets of %s: %w", topic, err)
	}
	ends, err := c.adm.ListEndOffsets(ctx, topic)
	if err != nil && !isShardErr(err) {
		return nil, fmt.Errorf("list end offsets of %s: %w", topic, err)
	}
	var parts []model.TopicPartition
	var missing error
	starts.Each(func(o kadm.ListedOffset) {
		if o.Partition < 0 {
			missing = fmt.Errorf("topic %s does not exist: %w", topic, o.Err)
			return
		}
		tp := model.TopicPartition{Partition: o.Partition, Start: o.Offset, Err: o.Err}
		if e, ok := ends.Lookup(topic, o.Partition); ok {
			tp.End = e.Offset
			if tp.Err == nil {
				tp.Err = e.Err
			}
		} else if tp.Err == nil {
			tp.Err = fmt.Errorf("no end offset for %s/%d", topic, o.Partition)
		}
		parts = append(parts, tp)
	})
	if missing != nil {
		return nil, missing
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("topic %s does not exist", topic)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].Partition < parts[j].Partition })
	return parts, nil
}

func isShardErr(err error) bool {
	var se *kadm.ShardErrors
	return errors.As(err, &se)
}

// commitsOn returns group's committed offsets on topic.
func (c *Cluster) commitsOn(ctx context.Context, group, topic string) (map[int32]int64, error) {
	commits := map[int32]int64{}
	resp, err := c.adm.FetchOffsets(ctx, group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		// Real brokers answer an unknown group with no offsets; some answer
		// with this error. Both mean the group has no commits.
		return commits, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fetch offsets of group %s: %w", group, err)
	}
	var first error
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Topic != topic {
			return
		}
		if o.Err != nil {
			first = cmpErr(first, fmt.Errorf("group %s partition %d: %w", group, o.Partition, o.Err))
			return
		}
		commits[o.Partition] = o.At
	})
	return commits, first
}

// commitsAny counts group's commits on every topic.
func (c *Cluster) commitsAny(ctx context.Context, group string) (int, error) {
	resp, err := c.adm.FetchOffsets(ctx, group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("fetch offsets of group %s: %w", group, err)
	}
	n := 0
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At >= 0 {
			n++
		}
	})
	return n, nil
}

// CommittedTopics lists every topic group has commits on, with the
// partitions committed, sorted: what deleting the whole group drops.
func (c *Cluster) CommittedTopics(ctx context.Context, group string) (_ []model.TopicPartitions, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	resp, err := c.adm.FetchOffsets(ctx, group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fetch offsets of group %s: %w", group, err)
	}
	byTopic := map[string][]int32{}
	var first error
	resp.Each(func(o kadm.OffsetResponse) {
		switch {
		case o.Err != nil:
			first = cmpErr(first, fmt.Errorf("group %s on %s/%d: %w", group, o.Topic, o.Partition, o.Err))
		case o.At >= 0:
			byTopic[o.Topic] = append(byTopic[o.Topic], o.Partition)
		}
	})
	out := make([]model.TopicPartitions, 0, len(byTopic))
	for _, t := range slices.Sorted(maps.Keys(byTopic)) {
		ps := byTopic[t]
		slices.Sort(ps)
		out = append(out, model.TopicPartitions{Topic: t, Partitions: ps})
	}
	return out, first
}

func cmpErr(have, next error) error {
	if have != nil {
		return have
	}
	return next
}

// PlanReset computes what a reset of group on topic would do. It writes
// nothing.
func (c *Cluster) PlanReset(ctx context.Context, group, topic string, spec ResetSpec) (_ model.Plan, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	current, err := c.Position(ctx, group, topic)
	if err != nil {
		return model.Plan{}, err
	}
	if err := checkPartitions(topic, current, spec.Partitions); err != nil {
		return model.Plan{}, err
	}
	targets, err := c.targets(ctx, topic, current, spec)
	if err != nil {
		return model.Plan{}, err
	}
	if len(spec.Partitions) > 0 {
		keep := make(map[int32]int64, len(spec.Partitions))
		for _, p := range spec.Partitions {
			if t, ok := targets[p]; ok {
				keep[p] = t
			}
		}
		targets = keep
	}
	return model.BuildPlan(group, topic, spec.describe(), current, targets), nil
}

func checkPartitions(topic string, current []model.PartitionLag, want []int32) error {
	var missing []string
	for _, p := range want {
		if !slices.ContainsFunc(current, func(pl model.PartitionLag) bool { return pl.Partition == p }) {
			missing = append(missing, fmt.Sprint(p))
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("topic %s has no partition %s (it has %d partitions)", topic, missing[0], len(current))
	}
	return fmt.Errorf("topic %s has no partitions %s (it has %d partitions)", topic, strings.Join(missing, ", "), len(current))
}

// targets resolves spec into a requested offset per partition (unclamped).
func (c *Cluster) targets(ctx context.Context, topic string, current []model.PartitionLag, spec ResetSpec) (map[int32]int64, error) {
	out := make(map[int32]int64, len(current))
	switch spec.Mode {
	case ResetToEarliest:
		for _, p := range current {
			out[p.Partition] = p.Start
		}
	case ResetToLatest:
		for _, p := range current {
			out[p.Partition] = p.End
		}
	case ResetToOffset:
		for _, p := range current {
			out[p.Partition] = spec.Offset
		}
	case ResetToOffsetMap:
		if err := checkPartitions(topic, current, sortedKeys(spec.OffsetMap)); err != nil {
			return nil, err
		}
		for p, o := range spec.OffsetMap {
			out[p] = o
		}
	case ResetToDatetime, ResetByDuration:
		at := spec.Time
		if spec.Mode == ResetByDuration {
			now := time.Now
			if spec.Now != nil {
				now = spec.Now
			}
			at = now().Add(-spec.Duration)
		}
		if err := model.CheckKafkaTime(at); err != nil {
			// Negative timestamps are ListOffsets' sentinels for the log
			// end and start: never send one.
			return nil, fmt.Errorf("reset %s: %w", topic, err)
		}
		listed, err := c.adm.ListOffsetsAfterMilli(ctx, at.UnixMilli(), topic)
		if err != nil && !isShardErr(err) {
			return nil, fmt.Errorf("list offsets of %s at %s: %w", topic, at.UTC().Format(model.TimeLayout), err)
		}
		for _, p := range current {
			o, ok := listed.Lookup(topic, p.Partition)
			if !ok || o.Err != nil {
				return nil, fmt.Errorf("no offset for %s/%d at %s: %v", topic, p.Partition, at.UTC().Format(model.TimeLayout), errOr(o.Err, "not listed"))
			}
			out[p.Partition] = o.Offset
		}
	case ResetShiftBy:
		return model.ShiftTargets(current, spec.Shift), nil
	case ResetFromGroup:
		if spec.FromGroup == "" {
			return nil, errors.New("copy needs a source group")
		}
		from, err := c.commitsOn(ctx, spec.FromGroup, topic)
		if err != nil {
			return nil, err
		}
		if len(from) == 0 {
			return nil, fmt.Errorf("group %s has no commits on %s to copy", spec.FromGroup, topic)
		}
		// A partition the sibling never committed would start at earliest.
		for _, p := range current {
			if o, ok := from[p.Partition]; ok {
				out[p.Partition] = o
			} else {
				out[p.Partition] = p.Start
			}
		}
	default:
		return nil, fmt.Errorf("unknown reset mode %d", spec.Mode)
	}
	return out, nil
}

func errOr(err error, s string) string {
	if err != nil {
		return err.Error()
	}
	return s
}

// CreateAt says where a group created by PlanCreate starts.
type CreateAt int

const (
	CreateAtEarliest CreateAt = iota // the log start of every partition (the zero value)
	CreateAtLatest                   // the log end: only records produced from now on
	CreateAtTime                     // the first record at or after CreateStart.Time
)

// CreateStart is where PlanCreate starts a new group.
type CreateStart struct {
	At   CreateAt
	Time time.Time // with CreateAtTime; Kafka timestamps start in 1970
}

// PlanCreate computes the commits that would create group on topic at
// start. It fails with ErrGroupExists when the group already exists.
func (c *Cluster) PlanCreate(ctx context.Context, group, topic string, start CreateStart) (_ model.Plan, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	spec := ResetSpec{Mode: ResetToEarliest}
	switch start.At {
	case CreateAtEarliest:
	case CreateAtLatest:
		spec.Mode = ResetToLatest
	case CreateAtTime:
		if err := model.CheckKafkaTime(start.Time); err != nil {
			return model.Plan{}, fmt.Errorf("create at %w", err)
		}
		spec = ResetSpec{Mode: ResetToDatetime, Time: start.Time}
	default:
		return model.Plan{}, fmt.Errorf("create at: unknown start %d", start.At)
	}
	if err := c.checkAbsent(ctx, group); err != nil {
		return model.Plan{}, err
	}
	plan, err := c.PlanReset(ctx, group, topic, spec)
	plan.Operation = "create at " + strings.TrimPrefix(spec.describe(), "reset to ")
	return plan, err
}

func (c *Cluster) checkAbsent(ctx context.Context, group string) error {
	state, members, err := c.LiveMembers(ctx, group)
	if err != nil {
		return err
	}
	if len(members) > 0 || (state != "" && state != "Dead" && state != "Empty") {
		return fmt.Errorf("%w: %s is %s", ErrGroupExists, group, state)
	}
	commits, err := c.commitsAny(ctx, group)
	if err != nil {
		return err
	}
	if commits > 0 {
		return fmt.Errorf("%w: %s already holds commits", ErrGroupExists, group)
	}
	return nil
}

// checkWritable refuses writes on a read-only connection and on groups that
// live members hold.
func (c *Cluster) checkWritable(ctx context.Context, group string, op Op) error {
	if c.cfg.ReadOnly {
		return ErrReadOnly
	}
	state, members, err := c.LiveMembers(ctx, group)
	if err != nil {
		return err
	}
	if len(members) > 0 {
		return &GroupActiveError{Group: group, State: state, Members: members, Op: op, OwnClientID: c.cfg.clientID()}
	}
	return nil
}

// Execute commits a plan's new offsets, then reads them back. It refuses on
// a read-only connection and while the group has live members, and with a
// *StaleError, writing nothing, when the group's commits on the plan's
// partitions are no longer those the plan was computed from. Partitions
// that did not take are in the result's Failed.
func (c *Cluster) Execute(ctx context.Context, plan model.Plan) (_ model.PlanResult, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	res := model.PlanResult{Plan: plan, Failed: map[int32]error{}}
	if err := c.checkWritable(ctx, plan.Group, OpReset); err != nil {
		return res, err
	}
	if len(plan.Partitions) == 0 {
		return res, errors.New("the plan moves no partition")
	}
	parts := make([]int32, 0, len(plan.Partitions))
	for _, p := range plan.Partitions {
		parts = append(parts, p.Partition)
	}
	if err := c.checkUnchanged(ctx, plan.Group, plan.Topic, plan.Before(), parts); err != nil {
		return res, err
	}
	if _, err := c.record(ctx, plan.Group, planKind(plan), plan.Operation, false,
		[]journal.TopicChange{journal.NewTopicChange(plan.Topic, plan.Before(), plan.Offsets())}); err != nil {
		return res, err
	}
	os := make(kadm.Offsets)
	for _, p := range plan.Partitions {
		os.Add(kadm.Offset{Topic: plan.Topic, Partition: p.Partition, At: p.New, LeaderEpoch: -1})
	}
	resp, err := c.adm.CommitOffsets(ctx, plan.Group, os)
	if err != nil {
		return res, fmt.Errorf("commit offsets of group %s: %w", plan.Group, err)
	}
	resp.Each(func(r kadm.OffsetResponse) {
		if r.Err != nil {
			res.Failed[r.Partition] = r.Err
		}
	})
	after, err := c.commitsOn(ctx, plan.Group, plan.Topic)
	if err != nil {
		return res, fmt.Errorf("read back offsets of group %s: %w", plan.Group, err)
	}
	res.Committed = after
	for _, p := range plan.Partitions {
		if _, failed := res.Failed[p.Partition]; failed {
			continue
		}
		if got, ok := after[p.Partition]; !ok || got != p.New {
			res.Failed[p.Partition] = fmt.Errorf("committed %d, read back %s", p.New, readBack(got, ok))
		}
	}
	return res, nil
}

// planKind is the journal's kind of change for an executed plan.
func planKind(plan model.Plan) string {
	if strings.HasPrefix(plan.Operation, "create") {
		return journal.KindCreate
	}
	return journal.KindReset
}

func readBack(o int64, ok bool) string {
	if !ok {
		return "nothing"
	}
	return fmt.Sprint(o)
}

// DeleteGroup deletes group entirely. Refused read-only and while live.
func (c *Cluster) DeleteGroup(ctx context.Context, group string) (err error) {
	defer c.diagnose(c.watch.mark(), &err)
	return c.deleteGroup(ctx, group, nil)
}

// DeleteGroupIfUnchanged is DeleteGroup for a delete confirmed on figures:
// before holds the group's commits on topic as they were shown. If they
// changed since, nothing is deleted and the error is a *StaleError.
func (c *Cluster) DeleteGroupIfUnchanged(ctx context.Context, group, topic string, before map[int32]int64) (err error) {
	defer c.diagnose(c.watch.mark(), &err)
	return c.deleteGroup(ctx, group, func() error { return c.checkUnchanged(ctx, group, topic, before, nil) })
}

func (c *Cluster) deleteGroup(ctx context.Context, group string, verify func() error) error {
	if err := c.checkWritable(ctx, group, OpDelete); err != nil {
		return err
	}
	if verify != nil {
		if err := verify(); err != nil {
			return err
		}
	}
	before, err := c.allCommits(ctx, group)
	if err != nil {
		return fmt.Errorf("read the offsets of group %s before deleting it: %w", group, err)
	}
	changes := make([]journal.TopicChange, 0, len(before))
	for _, t := range slices.Sorted(maps.Keys(before)) {
		changes = append(changes, journal.NewTopicChange(t, before[t], nil))
	}
	if len(changes) > 0 {
		// A group without commits loses nothing an undo could restore.
		if _, err := c.record(ctx, group, journal.KindDelete, "delete group", true, changes); err != nil {
			return err
		}
	}
	resp, err := c.adm.DeleteGroup(ctx, group)
	if err != nil {
		return fmt.Errorf("delete group %s: %w", group, err)
	}
	if resp.Err != nil {
		if errors.Is(resp.Err, kerr.GroupIDNotFound) {
			return fmt.Errorf("group %s does not exist", group)
		}
		return fmt.Errorf("delete group %s: %w", group, resp.Err)
	}
	return nil
}

// DeleteGroupOffsets deletes group's commits on topic only. Refused
// read-only and while live.
func (c *Cluster) DeleteGroupOffsets(ctx context.Context, group, topic string) (err error) {
	defer c.diagnose(c.watch.mark(), &err)
	return c.deleteGroupOffsets(ctx, group, topic, nil)
}

// DeleteGroupOffsetsIfUnchanged is DeleteGroupOffsets for a delete
// confirmed on figures: before holds the group's commits on topic as they
// were shown. If they changed since, nothing is deleted and the error is a
// *StaleError.
func (c *Cluster) DeleteGroupOffsetsIfUnchanged(ctx context.Context, group, topic string, before map[int32]int64) (err error) {
	defer c.diagnose(c.watch.mark(), &err)
	return c.deleteGroupOffsets(ctx, group, topic, func() error { return c.checkUnchanged(ctx, group, topic, before, nil) })
}

func (c *Cluster) deleteGroupOffsets(ctx context.Context, group, topic string, verify func() error) error {
	if err := c.checkWritable(ctx, group, OpDelete); err != nil {
		return err
	}
	if verify != nil {
		if err := verify(); err != nil {
			return err
		}
	}
	commits, err := c.commitsOn(ctx, group, topic)
	if err != nil {
		return err
	}
	if len(commits) == 0 {
		return fmt.Errorf("group %s has no commits on %s", group, topic)
	}
	if _, err := c.record(ctx, group, journal.KindDeleteOffsets, "delete offsets on "+topic, false,
		[]journal.TopicChange{journal.NewTopicChange(topic, commits, nil)}); err != nil {
		return err
	}
	set := make(kadm.TopicsSet)
	for p := range commits {
		set.Add(topic, p)
	}
	resp, err := c.adm.DeleteOffsets(ctx, group, set)
	if err != nil {
		return fmt.Errorf("delete offsets of group %s on %s: %w", group, topic, err)
	}
	return resp.Error()
}
