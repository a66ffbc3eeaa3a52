package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kgroups/kgroups/kafka/journal"
)

// CommitOffsets commits exactly the given offsets (partition -> next offset
// to read) of group on topic, without joining the group. It is the plain
// commit behind commit-after-review. It refuses with *GroupActiveError while
// the group has live members: their next commit would overwrite ours, and
// Kafka rejects a member-less commit on a live group anyway. Partitions that
// did not take are reported together in a *CommitError. A read-only Cluster
// refuses with ErrReadOnly.
func (c *Cluster) CommitOffsets(ctx context.Context, group, topic string, offsets map[int32]int64) (err error) {
	defer c.diagnose(c.watch.mark(), &err)
	if ok, err := c.commitAllowed(ctx, group, topic, offsets); !ok {
		return err
	}
	if c.journal != nil {
		before, err := c.commitsOn(ctx, group, topic)
		if err != nil {
			return fmt.Errorf("read the offsets of group %s before committing: %w", group, err)
		}
		if err := c.recordCommit(ctx, group, topic, "commit", before, offsets); err != nil {
			return err
		}
	}
	return c.commit(ctx, group, topic, offsets)
}

// commitAllowed checks a commit of offsets before anything is read for it:
// the arguments, read-only mode and live members. ok is false when the
// commit must not go on; err is nil then only for an empty commit.
func (c *Cluster) commitAllowed(ctx context.Context, group, topic string, offsets map[int32]int64) (ok bool, err error) {
	if group == "" || topic == "" {
		return false, errors.New("commit offsets: group and topic are required")
	}
	if c.cfg.ReadOnly {
		return false, ErrReadOnly
	}
	if len(offsets) == 0 {
		return false, nil
	}
	for p, o := range offsets {
		if o < 0 {
			return false, fmt.Errorf("commit offsets of group %s: partition %d: negative offset %d", group, p, o)
		}
	}
	state, members, err := c.LiveMembers(ctx, group)
	if err != nil {
		return false, err
	}
	if len(members) > 0 {
		return false, &GroupActiveError{Group: group, State: state, Members: members, Op: OpCommit, OwnClientID: c.cfg.clientID()}
	}
	return true, nil
}

// CommitOffsetsIfUnchanged is CommitOffsets for a commit a user reviewed
// against figures: before holds the group's commits the user was shown on
// the partitions of offsets (a partition of offsets missing from before was
// shown without a commit). Just before committing it reads the group's
// commits again; if any of those partitions moved since, it commits nothing
// and returns a *StaleError with the figures now. Kafka has no
// compare-and-set for offsets, so a commit landing between the read and the
// write can still be overwritten: the check narrows that window to one
// round trip, and the refusal of live groups closes it for members.
func (c *Cluster) CommitOffsetsIfUnchanged(ctx context.Context, group, topic string, before, offsets map[int32]int64) (err error) {
	defer c.diagnose(c.watch.mark(), &err)
	if ok, err := c.commitAllowed(ctx, group, topic, offsets); !ok {
		return err
	}
	if err := c.checkUnchanged(ctx, group, topic, before, sortedKeys(offsets)); err != nil {
		return err
	}
	if err := c.recordCommit(ctx, group, topic, "commit after review", before, offsets); err != nil {
		return err
	}
	return c.commit(ctx, group, topic, offsets)
}

// recordCommit saves a commit in the journal, described as command: before
// holds the commits on the partitions of offsets as they are.
func (c *Cluster) recordCommit(ctx context.Context, group, topic, command string, before, offsets map[int32]int64) error {
	shown := make(map[int32]int64, len(offsets))
	for p := range offsets {
		if o, ok := before[p]; ok {
			shown[p] = o
		}
	}
	_, err := c.record(ctx, group, journal.KindCommit, command, false,
		[]journal.TopicChange{journal.NewTopicChange(topic, shown, offsets)})
	return err
}

// checkUnchanged reads group's commits on topic and fails with a
// *StaleError when one of partitions differs from before (absent from
// before: no commit). nil partitions checks every partition that has a
// commit in before or now.
func (c *Cluster) checkUnchanged(ctx context.Context, group, topic string, before map[int32]int64, partitions []int32) error {
	now, err := c.commitsOn(ctx, group, topic)
	if err != nil {
		return fmt.Errorf("re-read the offsets of group %s before writing: %w", group, err)
	}
	if partitions == nil {
		seen := map[int32]bool{}
		for p := range before {
			seen[p] = true
		}
		for p, o := range now {
			seen[p] = seen[p] || o >= 0
		}
		partitions = sortedKeys(seen)
	}
	stale := &StaleError{Group: group, Topic: topic}
	for _, p := range partitions {
		shown, hadShown := before[p]
		cur, hasNow := now[p]
		if cur < 0 {
			cur, hasNow = 0, false // a fetched "no commit"
		}
		if hadShown != hasNow || shown != cur {
			stale.Moved = append(stale.Moved, MovedOffset{Partition: p, Shown: shown, HadShown: hadShown, Now: cur, HasNow: hasNow})
		}
	}
	if len(stale.Moved) > 0 {
		slices.SortFunc(stale.Moved, func(a, b MovedOffset) int { return int(a.Partition) - int(b.Partition) })
		return stale
	}
	return nil
}

// commit writes offsets of group on topic and reports the partitions that
// did not take.
func (c *Cluster) commit(ctx context.Context, group, topic string, offsets map[int32]int64) error {
	os := make(kadm.Offsets)
	for p, o := range offsets {
		os.Add(kadm.Offset{Topic: topic, Partition: p, At: o, LeaderEpoch: -1})
	}
	resp, err := c.adm.CommitOffsets(ctx, group, os)
	if err != nil {
		return fmt.Errorf("commit offsets of group %s on %s: %w", group, topic, err)
	}
	cerr := &CommitError{Group: group, Topic: topic}
	for p, o := range offsets {
		r, ok := resp.Lookup(topic, p)
		switch {
		case !ok:
			cerr.Partitions = append(cerr.Partitions, PartitionCommitError{Partition: p, Offset: o, Err: errors.New("missing from the commit response")})
		case r.Err != nil:
			cerr.Partitions = append(cerr.Partitions, PartitionCommitError{Partition: p, Offset: o, Err: r.Err})
		}
	}
	if len(cerr.Partitions) > 0 {
		slices.SortFunc(cerr.Partitions, func(a, b PartitionCommitError) int { return int(a.Partition) - int(b.Partition) })
		return cerr
	}
	return nil
}

// CommitError lists the partitions of a commit that did not take; the other
// partitions of the same commit did.
type CommitError struct {
	Group      string
	Topic      string
	Partitions []PartitionCommitError // sorted by partition
}

// PartitionCommitError is one partition's failure within a commit.
type PartitionCommitError struct {
	Partition int32
	Offset    int64
	Err       error
}

func (e *CommitError) Error() string {
	parts := make([]string, 0, len(e.Partitions))
	for _, p := range e.Partitions {
		parts = append(parts, fmt.Sprintf("partition %d (offset %d): %v", p.Partition, p.Offset, p.Err))
	}
	return fmt.Sprintf("commit of group %s on %s failed for %s", e.Group, e.Topic, strings.Join(parts, "; "))
}

// Unwrap exposes every partition's error to errors.Is and errors.As.
func (e *CommitError) Unwrap() []error {
	errs := make([]error, 0, len(e.Partitions))
	for _, p := range e.Partitions {
		errs = append(errs, p.Err)
	}
	return errs
}

// ErrOffsetsMoved is matched (errors.Is) by a *StaleError.
var ErrOffsetsMoved = errors.New("the group's offsets moved since they were shown")

// StaleError refuses a write that was reviewed against offsets the group no
// longer has: someone else moved them between the review and the
// confirmation. Nothing was written.
type StaleError struct {
	Group string
	Topic string
	Moved []MovedOffset // sorted by partition
}

// MovedOffset is one partition whose commit changed after it was shown.
type MovedOffset struct {
	Partition int32
	Shown     int64 // the commit shown; valid only when HadShown
	HadShown  bool
	Now       int64 // the commit read just before writing; valid only when HasNow
	HasNow    bool
}

func (e *StaleError) Error() string {
	parts := make([]string, 0, len(e.Moved))
	for _, m := range e.Moved {
		parts = append(parts, fmt.Sprintf("partition %d was %s, now %s", m.Partition, commitText(m.Shown, m.HadShown), commitText(m.Now, m.HasNow)))
	}
	return fmt.Sprintf("offsets of group %s on %s moved since they were shown (%s): nothing written; review the new figures and try again",
		e.Group, e.Topic, strings.Join(parts, ", "))
}

// Is makes errors.Is(err, ErrOffsetsMoved) true.
func (e *StaleError) Is(target error) bool { return target == ErrOffsetsMoved }

func commitText(o int64, ok bool) string {
	if !ok {
		return "no commit"
	}
	return fmt.Sprint(o)
}
