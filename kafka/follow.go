package kafka

import (
	"context"
	"errors"
	"fmt"
	"io"
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
// goroutine of it is left running. The batch is only valid during the call.
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
	s, err := c.OpenFollow(ctx, req)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	s.reuse = true // emit copies what it keeps
	emitted := 0
	for {
		batch, err := s.Next(ctx)
		if errors.Is(err, io.EOF) {
			return emitted, nil
		}
		if err != nil {
			return emitted, err
		}
		if err := emit(batch); err != nil {
			return emitted, err
		}
		emitted += len(batch)
		clear(batch) // let the fetched buffers go
	}
}

// FollowStream is a follow read one fetch at a time, for a caller that
// pulls: a terminal UI's command that fetches a chunk and re-arms itself.
// Follow describes what it reads and when it ends. It is not safe for
// concurrent use; Close it when done (cancelling the context of a pending
// Next first makes that Next return at once).
type FollowStream struct {
	c      *Cluster
	cl     *kgo.Client
	topic  string
	until  time.Time
	next   map[int32]int64 // partitions still read -> next offset expected
	stopAt map[int32]int64 // once the clock passed until: end offsets to read up to
	read   int
	reuse  bool // Next may reuse its batch (Follow's emit copies)
	batch  []model.Record
}

// OpenFollow plans a follow (where each partition starts) and starts its
// client; no record is fetched before the first Next.
func (c *Cluster) OpenFollow(ctx context.Context, req FollowRequest) (*FollowStream, error) {
	if req.Last < 0 {
		return nil, fmt.Errorf("follow %s: negative record count %d", req.Topic, req.Last)
	}
	ranges, err := c.PeekPlan(ctx, PeekRequest{
		Topic: req.Topic, Group: req.Group, From: req.From, Offset: req.Offset,
		Time: req.Time, Max: req.Last, Partition: req.Partition,
	})
	if err != nil {
		return nil, err
	}
	s := &FollowStream{c: c, topic: req.Topic, until: req.Until, next: make(map[int32]int64, len(ranges))}
	starts := make(map[int32]kgo.Offset, len(ranges))
	for _, r := range ranges {
		starts[r.Partition] = kgo.NewOffset().At(r.From)
		s.next[r.Partition] = r.From
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
		return nil, fmt.Errorf("follow %s: %w", req.Topic, err)
	}
	s.cl = cl
	return s, nil
}

// Close stops the stream's client and its fetches.
func (s *FollowStream) Close() { s.cl.Close() }

// Next waits for the next fetch that brings records and returns them,
// sorted by partition, then offset (the slice is the caller's). It returns
// io.EOF once the follow reached its Until on every partition, and ctx's
// error (wrapped) when ctx ends first.
func (s *FollowStream) Next(ctx context.Context) ([]model.Record, error) {
	for len(s.next) > 0 {
		pollCtx, cancel := ctx, context.CancelFunc(func() {})
		if !s.until.IsZero() && s.stopAt == nil {
			pollCtx, cancel = context.WithDeadline(ctx, s.until)
		}
		fetches := s.cl.PollFetches(pollCtx)
		cancel()
		if fetches.IsClientClosed() {
			return nil, fmt.Errorf("follow %s: closed", s.topic)
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("follow %s: %d records read: %w", s.topic, s.read, err)
		}
		batch, err := s.take(fetches)
		if err != nil {
			return nil, err
		}
		if !s.until.IsZero() && s.stopAt == nil && !time.Now().Before(s.until) {
			// The clock passed until: read on up to the ends as they are now.
			if err := s.listStops(ctx); err != nil {
				return nil, err
			}
		}
		s.finishReached()
		if len(batch) > 0 {
			s.read += len(batch)
			return batch, nil
		}
	}
	return nil, io.EOF
}

// take returns the records of one poll and drops the partitions that
// reached until.
func (s *FollowStream) take(fetches kgo.Fetches) ([]model.Record, error) {
	for _, fe := range fetches.Errors() {
		if errors.Is(fe.Err, context.DeadlineExceeded) || errors.Is(fe.Err, context.Canceled) {
			continue // our own poll deadline at until
		}
		if _, reading := s.next[fe.Partition]; reading || fe.Partition < 0 {
			return nil, fmt.Errorf("follow %s/%d: %w", fe.Topic, fe.Partition, fe.Err)
		}
	}
	var done []int32
	batch := s.batch[:0]
	if !s.reuse {
		batch = nil
	}
	fetches.EachRecord(func(rec *kgo.Record) {
		next, reading := s.next[rec.Partition]
		if !reading || rec.Offset < next {
			return // finished, or already returned
		}
		if !s.until.IsZero() && !rec.Timestamp.Before(s.until) && !rec.Attrs.IsControl() {
			delete(s.next, rec.Partition)
			done = append(done, rec.Partition)
			return
		}
		s.next[rec.Partition] = rec.Offset + 1
		if !rec.Attrs.IsControl() {
			batch = append(batch, modelRecord(rec))
		}
	})
	if s.reuse {
		s.batch = batch
	}
	if len(done) > 0 {
		s.cl.PauseFetchPartitions(map[string][]int32{s.topic: done})
	}
	if !slices.IsSortedFunc(batch, compareRecords) {
		slices.SortFunc(batch, compareRecords)
	}
	return batch, nil
}

// listStops records the end offsets of the partitions still read, once the
// clock passed until.
func (s *FollowStream) listStops(ctx context.Context) error {
	ends, err := s.c.adm.ListEndOffsets(ctx, s.topic)
	if err != nil {
		return fmt.Errorf("follow %s: list end offsets at %s: %w", s.topic, s.until.Format(time.RFC3339), err)
	}
	s.stopAt = make(map[int32]int64, len(s.next))
	for p := range s.next {
		o, ok := ends.Lookup(s.topic, p)
		switch {
		case !ok:
			return fmt.Errorf("follow %s/%d: no end offset listed", s.topic, p)
		case o.Err != nil:
			return fmt.Errorf("follow %s/%d: end offset: %w", s.topic, p, o.Err)
		}
		s.stopAt[p] = o.Offset
	}
	return nil
}

// finishReached drops the partitions read up to their stop offset.
func (s *FollowStream) finishReached() {
	if s.stopAt == nil {
		return
	}
	var done []int32
	for p, next := range s.next {
		if next >= s.stopAt[p] {
			delete(s.next, p)
			done = append(done, p)
		}
	}
	if len(done) > 0 && len(s.next) > 0 {
		s.cl.PauseFetchPartitions(map[string][]int32{s.topic: done})
	}
}
