package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// registryBounds is what one call knows of the consumer's partitions: the
// next offset to return and the end (last stable offset) of each.
type registryBounds struct {
	parts []int32
	gen   uint64
	pos   map[int32]int64
	end   map[int32]int64
}

// more reports whether some assigned partition has records left.
func (b *registryBounds) more() bool {
	for _, p := range b.parts {
		if b.pos[p] < b.end[p] {
			return true
		}
	}
	return false
}

// errNoPartitions is batch's signal that the consumer holds no partition;
// Registry.consume turns it into a *NotAssignedError naming the members.
var errNoPartitions = errors.New("no partitions assigned")

// registryAssignWait bounds how long a call that joined with no partition
// waits for one: long enough for a cooperative rebalance's second round at
// kgo's default 3 s heartbeats.
const registryAssignWait = 10 * time.Second

// batch polls up to max records from the consumer's assigned partitions,
// hands them to accept and commits them. The caller holds the turn.
func (c *registryConsumer) batch(ctx context.Context, adm *kadm.Client, max int, accept func([]*kgo.Record) error) error {
	if err := c.waitSettled(ctx); err != nil {
		return err
	}
	if ok, err := c.waitAssigned(ctx, registryAssignWait); err != nil {
		return err
	} else if !ok {
		// Never an empty "caught up" batch: the group may have lag on
		// partitions other members kept.
		return errNoPartitions
	}
	b := &registryBounds{pos: make(map[int32]int64), end: make(map[int32]int64)}
	if err := c.refresh(ctx, adm, b, nil); err != nil {
		return err
	}
	if !b.more() {
		// Caught up: return at once instead of waiting out a poll.
		return accept(nil)
	}

	// Every poll, even a timed out one, blocks rebalances until this.
	defer c.cl.AllowRebalance()

	recs := make([]*kgo.Record, 0, min(max, 4096))
	first := make(map[int32]int64)          // first offset polled per partition, to rewind to
	next := make(map[int32]kgo.EpochOffset) // offset after the last polled, to commit
	for len(recs) < max && b.more() {
		pctx, cancel := context.WithTimeout(ctx, registryIdleWait)
		fetches := c.cl.PollRecords(pctx, max-len(recs))
		cancel()

		idle, err := c.fetchErr(ctx, fetches)
		fetches.EachRecord(func(rec *kgo.Record) {
			p := rec.Partition
			if rec.Topic != c.key.Topic || rec.Offset < b.pos[p] {
				return // already committed: a rewind raced a commit
			}
			if _, ok := first[p]; !ok {
				first[p] = rec.Offset
			}
			b.pos[p] = rec.Offset + 1
			next[p] = kgo.EpochOffset{Epoch: rec.LeaderEpoch, Offset: rec.Offset + 1}
			if !rec.Attrs.IsControl() {
				recs = append(recs, rec)
			}
		})
		if err != nil {
			c.rewind(first)
			return err
		}

		// Once a poll returned, rebalances wait for AllowRebalance, so
		// the assignment read here holds for the rest of the call.
		if _, gen := c.assignment(); gen != b.gen {
			if err := c.refresh(ctx, adm, b, first); err != nil {
				c.rewind(first)
				return err
			}
			continue
		}
		if idle {
			moved, err := c.endsMoved(ctx, adm, b)
			if err != nil {
				c.rewind(first)
				return err
			}
			if !moved {
				break
			}
		}
	}

	if err := accept(recs); err != nil {
		c.rewind(first)
		return err
	}
	// The records are accepted (a handler may have processed them): finish
	// their commit even if ctx ends now, or they would be processed twice
	// for nothing but a badly timed cancellation.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), registryCommitTimeout)
	defer cancel()
	if err := c.commit(cctx, next); err != nil {
		c.rewind(first)
		return err
	}
	return nil
}

// fetchErr sorts a poll's errors: idle is a poll that timed out with the
// call's context still alive; err is anything that fails the call.
func (c *registryConsumer) fetchErr(ctx context.Context, fetches kgo.Fetches) (idle bool, err error) {
	fetches.EachError(func(topic string, p int32, ferr error) {
		var dataLoss *kgo.ErrDataLoss
		switch {
		case errors.Is(ferr, context.DeadlineExceeded) || errors.Is(ferr, context.Canceled):
			if ctx.Err() == nil {
				idle = true
			} else if err == nil {
				err = ctx.Err()
			}
		case errors.As(ferr, &dataLoss):
			// The client moved on to the new log start; records
			// there are still returned and committed in order.
		case err == nil && topic == "":
			err = fmt.Errorf("poll group %s: %w", c.group, ferr)
		case err == nil:
			err = fmt.Errorf("fetch %s/%d for group %s: %w", topic, p, c.group, ferr)
		}
	})
	return idle, err
}

// refresh re-reads the assignment and, for partitions this call has not
// polled yet, where the group stands (its commit, or the log start when it
// has none or the commit was deleted by retention) and the end of the log.
func (c *registryConsumer) refresh(ctx context.Context, adm *kadm.Client, b *registryBounds, polled map[int32]int64) error {
	parts, gen := c.assignment()
	b.parts, b.gen = parts, gen
	if len(parts) == 0 {
		return nil
	}
	// Three independent round trips: run them side by side.
	var (
		wg                sync.WaitGroup
		commits           kadm.OffsetResponses
		starts, ends      kadm.ListedOffsets
		fetchErr, listErr error
	)
	wg.Go(func() { commits, fetchErr = adm.FetchOffsets(ctx, c.group) })
	wg.Go(func() { starts, ends, listErr = listBounds(ctx, adm, c.key.Topic) })
	wg.Wait()
	if fetchErr != nil && !errors.Is(fetchErr, kerr.GroupIDNotFound) {
		return fmt.Errorf("fetch offsets of group %s: %w", c.group, fetchErr)
	}
	if listErr != nil {
		return listErr
	}
	for _, p := range parts {
		s, e, err := partitionBounds(c.key.Topic, p, starts, ends)
		if err != nil {
			return err
		}
		if _, ok := polled[p]; !ok {
			b.pos[p] = s
			if o, ok := commits.Lookup(c.key.Topic, p); ok {
				if o.Err != nil {
					return fmt.Errorf("fetch offset of group %s on %s/%d: %w", c.group, c.key.Topic, p, o.Err)
				}
				if o.At > s {
					b.pos[p] = o.At
				}
			}
		}
		b.end[p] = e
	}
	return nil
}

// endsMoved re-reads the end offsets and reports whether any assigned
// partition's end moved since the call read it.
func (c *registryConsumer) endsMoved(ctx context.Context, adm *kadm.Client, b *registryBounds) (bool, error) {
	starts, ends, err := listBounds(ctx, adm, c.key.Topic)
	if err != nil {
		return false, err
	}
	moved := false
	for _, p := range b.parts {
		_, e, err := partitionBounds(c.key.Topic, p, starts, ends)
		if err != nil {
			return false, err
		}
		if e != b.end[p] {
			b.end[p], moved = e, true
		}
	}
	return moved, nil
}

// listBounds lists the log start offsets and the last stable offsets (the
// end a read_committed consumer reaches) of topic.
func listBounds(ctx context.Context, adm *kadm.Client, topic string) (starts, ends kadm.ListedOffsets, err error) {
	var wg sync.WaitGroup
	var startErr, endErr error
	wg.Go(func() { starts, startErr = adm.ListStartOffsets(ctx, topic) })
	wg.Go(func() { ends, endErr = adm.ListCommittedOffsets(ctx, topic) })
	wg.Wait()
	// Shard errors come with the partitions that did answer;
	// partitionBounds reports a missing partition.
	if startErr != nil && len(starts) == 0 {
		return nil, nil, fmt.Errorf("list start offsets of %s: %w", topic, startErr)
	}
	if endErr != nil && len(ends) == 0 {
		return nil, nil, fmt.Errorf("list end offsets of %s: %w", topic, endErr)
	}
	return starts, ends, nil
}

func partitionBounds(topic string, p int32, starts, ends kadm.ListedOffsets) (start, end int64, err error) {
	s, ok := starts.Lookup(topic, p)
	if !ok {
		return 0, 0, fmt.Errorf("list start offset of %s/%d: missing from the response", topic, p)
	}
	if s.Err != nil {
		return 0, 0, fmt.Errorf("list start offset of %s/%d: %w", topic, p, s.Err)
	}
	e, ok := ends.Lookup(topic, p)
	if !ok {
		return 0, 0, fmt.Errorf("list end offset of %s/%d: missing from the response", topic, p)
	}
	if e.Err != nil {
		return 0, 0, fmt.Errorf("list end offset of %s/%d: %w", topic, p, e.Err)
	}
	return s.Offset, e.Offset, nil
}

// rewind moves the client back to the first record this call polled on
// each partition, dropping what it buffered past it, so that records the
// call does not return are read again by the next call rather than lost.
// It runs before AllowRebalance, while the partitions are still ours.
func (c *registryConsumer) rewind(first map[int32]int64) {
	if len(first) == 0 {
		return
	}
	to := make(map[int32]kgo.EpochOffset, len(first))
	for p, o := range first {
		to[p] = kgo.EpochOffset{Epoch: -1, Offset: o}
	}
	c.cl.SetOffsets(map[string]map[int32]kgo.EpochOffset{c.key.Topic: to})
}

// commit synchronously commits next (per partition, the offset after the
// last record polled) and fails if any partition did not take.
func (c *registryConsumer) commit(ctx context.Context, next map[int32]kgo.EpochOffset) error {
	if len(next) == 0 {
		return nil
	}
	var reqErr error
	failed := &CommitError{Group: c.group, Topic: c.key.Topic}
	c.cl.CommitOffsetsSync(ctx, map[string]map[int32]kgo.EpochOffset{c.key.Topic: next},
		func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
			if err != nil {
				reqErr = err
				return
			}
			for _, t := range resp.Topics {
				for _, p := range t.Partitions {
					if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
						failed.Partitions = append(failed.Partitions, PartitionCommitError{
							Partition: p.Partition, Offset: next[p.Partition].Offset, Err: err,
						})
					}
				}
			}
		})
	if reqErr != nil {
		return fmt.Errorf("commit group %s on %s: %w", c.group, c.key.Topic, reqErr)
	}
	if len(failed.Partitions) > 0 {
		slices.SortFunc(failed.Partitions, func(a, b PartitionCommitError) int { return int(a.Partition) - int(b.Partition) })
		return failed
	}
	return nil
}
