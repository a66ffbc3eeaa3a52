package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/model"
)

// FollowRequest describes a follow: a read that, like a peek, never joins a
// group and never commits, but does not stop at the log end: it hands over
// records as they are produced.
type FollowRequest struct {
	Topic     string
	Group     string // for PeekCommitted
	From      PeekFrom
	Offset    int64     // for PeekOffset
	Time      time.Time // for PeekTimestamp
	Last      int       // for PeekLast: start this many records before each partition's end
	Partition *int32    // nil: all partitions

	// Until, when set, ends the follow at that time (see Follow).
	Until time.Time
}

// Follow reads req.Topic from where req.From says (PeekEnd: only records
// produced from now on) and hands each fetch's records to emit as they
// arrive, sorted by partition, then offset, within the fetch. Every record
// of a partition is emitted once, in offset order. Like PeekEach, it fetches
// partitions directly with a client of its own, which it closes before
// returning: no group is joined or created, nothing is committed, and no
// goroutine of it is left running.
//
// It ends:
//   - when ctx ends, returning ctx's error (wrapped; match it with
//     errors.Is(err, context.Canceled));
//   - when emit returns an error, returning it as it is (a caller that has
//     seen enough returns a sentinel of its own);
//   - with req.Until set, returning nil: a partition is finished by its
//     first record stamped at or after Until (that record and the later ones
//     are not emitted), and once the clock passes Until the follow reads on
//     only up to the end offsets listed at that moment. So records produced
//     before Until are all emitted even if they reach us late, a partition
//     that gets no record cannot hold the follow open, and an Until in the
//     past reads the backlog up to the current end and stops.
//
// The partitions are those the topic has when the follow starts; partitions
// added later are not read.
//
// It returns the number of records emitted.
func (c *Cluster) Follow(ctx context.Context, req FollowRequest, emit func([]model.Record) error) (int, error) {
	if req.Last < 0 {
		return 0, fmt.Errorf("follow %s: negative record count %d", req.Topic, req.Last)
	}
	ranges, err := c.PeekPlan(ctx, PeekRequest{
		Topic: req.Topic, Group: req.Group, From: req.From, Offset: req.Offset,
		Time: req.Time, Max: req.Last, Partition: req.Partition,
	})
	if err != nil {
		return 0, err
	}
	f := &follower{
		c: c, topic: req.Topic, until: req.Until, emit: emit,
		next: make(map[int32]int64, len(ranges)),
	}
	starts := make(map[int32]kgo.Offset, len(ranges))
	for _, r := range ranges {
		starts[r.Partition] = kgo.NewOffset().At(r.From)
		f.next[r.Partition] = r.From
	}
	// A direct client: no group, no commits. Control records are kept so
	// that the position reaches the end offset when a transaction marker
	// is last.
	opts := append(c.cfg.Opts(),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{req.Topic: starts}),
		kgo.KeepControlRecords(),
	)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return 0, fmt.Errorf("follow %s: %w", req.Topic, err)
	}
	defer cl.Close()
	f.cl = cl
	err = f.run(ctx)
	return f.emitted, err
}

// follower is the state of one Follow.
type follower struct {
	c       *Cluster
	cl      *kgo.Client
	topic   string
	until   time.Time
	emit    func([]model.Record) error
	next    map[int32]int64 // partitions still read -> next offset expected
	stopAt  map[int32]int64 // once the clock passed until: end offsets to read up to
	emitted int
	batch   []model.Record
}

func (f *follower) run(ctx context.Context) error {
	for len(f.next) > 0 {
		pollCtx, cancel := ctx, context.CancelFunc(func() {})
		if !f.until.IsZero() && f.stopAt == nil {
			pollCtx, cancel = context.WithDeadline(ctx, f.until)
		}
		fetches := f.cl.PollFetches(pollCtx)
		cancel()
		if fetches.IsClientClosed() {
			return fmt.Errorf("follow %s: client closed", f.topic)
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("follow %s: %d records read: %w", f.topic, f.emitted, err)
		}
		if err := f.take(fetches); err != nil {
			return err
		}
		if !f.until.IsZero() && f.stopAt == nil && !time.Now().Before(f.until) {
			// The clock passed until: read on up to the ends as they are now.
			if err := f.listStops(ctx); err != nil {
				return err
			}
		}
		f.finishReached()
	}
	return nil
}

// take emits the records of one poll and drops the partitions that reached
// until.
func (f *follower) take(fetches kgo.Fetches) error {
	for _, fe := range fetches.Errors() {
		if errors.Is(fe.Err, context.DeadlineExceeded) || errors.Is(fe.Err, context.Canceled) {
			continue // our own poll deadline at until
		}
		if _, reading := f.next[fe.Partition]; reading || fe.Partition < 0 {
			return fmt.Errorf("follow %s/%d: %w", fe.Topic, fe.Partition, fe.Err)
		}
	}
	var done []int32
	f.batch = f.batch[:0]
	fetches.EachRecord(func(rec *kgo.Record) {
		next, reading := f.next[rec.Partition]
		if !reading || rec.Offset < next {
			return // finished, or already emitted
		}
		if !f.until.IsZero() && !rec.Timestamp.Before(f.until) && !rec.Attrs.IsControl() {
			delete(f.next, rec.Partition)
			done = append(done, rec.Partition)
			return
		}
		f.next[rec.Partition] = rec.Offset + 1
		if !rec.Attrs.IsControl() {
			f.batch = append(f.batch, modelRecord(rec))
		}
	})
	if len(done) > 0 {
		f.cl.PauseFetchPartitions(map[string][]int32{f.topic: done})
	}
	if len(f.batch) == 0 {
		return nil
	}
	if !slices.IsSortedFunc(f.batch, compareRecords) {
		slices.SortFunc(f.batch, compareRecords)
	}
	err := f.emit(f.batch)
	if err == nil {
		f.emitted += len(f.batch)
	}
	clear(f.batch) // let the fetched buffers go
	return err
}

// listStops records the end offsets of the partitions still read, once the
// clock passed until.
func (f *follower) listStops(ctx context.Context) error {
	ends, err := f.c.adm.ListEndOffsets(ctx, f.topic)
	if err != nil {
		return fmt.Errorf("follow %s: list end offsets at %s: %w", f.topic, f.until.Format(time.RFC3339), err)
	}
	f.stopAt = make(map[int32]int64, len(f.next))
	for p := range f.next {
		o, ok := ends.Lookup(f.topic, p)
		switch {
		case !ok:
			return fmt.Errorf("follow %s/%d: no end offset listed", f.topic, p)
		case o.Err != nil:
			return fmt.Errorf("follow %s/%d: end offset: %w", f.topic, p, o.Err)
		}
		f.stopAt[p] = o.Offset
	}
	return nil
}

// finishReached drops the partitions read up to their stop offset.
func (f *follower) finishReached() {
	if f.stopAt == nil {
		return
	}
	var done []int32
	for p, next := range f.next {
		if next >= f.stopAt[p] {
			delete(f.next, p)
			done = append(done, p)
		}
	}
	if len(done) > 0 && len(f.next) > 0 {
		f.cl.PauseFetchPartitions(map[string][]int32{f.topic: done})
	}
}
