package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
)

// CommitOffsets commits exactly the given offsets (partition -> next offset
// to read) of group on topic, without joining the group. It is the plain
// commit behind commit-after-review. It refuses with *GroupActiveError while
// the group has live members: their next commit would overwrite ours, and
// Kafka rejects a member-less commit on a live group anyway. Partitions that
// did not take are reported together in a *CommitError. A read-only Cluster
// refuses with ErrReadOnly.
func (c *Cluster) CommitOffsets(ctx context.Context, group, topic string, offsets map[int32]int64) error {
	if group == "" || topic == "" {
		return errors.New("commit offsets: group and topic are required")
	}
	if c.cfg.ReadOnly {
		return ErrReadOnly
	}
	if len(offsets) == 0 {
		return nil
	}
	for p, o := range offsets {
		if o < 0 {
			return fmt.Errorf("commit offsets of group %s: partition %d: negative offset %d", group, p, o)
		}
	}
	state, members, err := c.LiveMembers(ctx, group)
	if err != nil {
		return err
	}
	if len(members) > 0 {
		return &GroupActiveError{Group: group, State: state, Members: members, Op: OpCommit, OwnClientID: c.cfg.clientID()}
	}

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
