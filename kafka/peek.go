package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/model"
)

// PeekFrom says where a peek starts.
type PeekFrom int

const (
	// PeekCommitted starts at the group's committed offset (earliest where none).
	PeekCommitted PeekFrom = iota
	// PeekOffset starts at PeekRequest.Offset on every partition read (clamped to [start, end]).
	PeekOffset
	// PeekTimestamp starts at the first record at or after PeekRequest.Time.
	PeekTimestamp
	// PeekLast reads the last N records of each partition.
	PeekLast
	// PeekEarliest starts at the log start offset.
	PeekEarliest
	// PeekEnd starts at the log end (the high watermark): a peek reads
	// nothing, a follow only the records produced after it started.
	PeekEnd
)

// String names the mode the way flags and messages spell it.
func (f PeekFrom) String() string {
	switch f {
	case PeekCommitted:
		return "committed"
	case PeekOffset:
		return "offset"
	case PeekTimestamp:
		return "timestamp"
	case PeekLast:
		return "last"
	case PeekEarliest:
		return "earliest"
	case PeekEnd:
		return "end"
	}
	return fmt.Sprintf("PeekFrom(%d)", int(f))
}

// PeekRequest describes a read that never commits and never joins a group.
type PeekRequest struct {
	Topic     string
	Group     string // for PeekCommitted; "" means earliest
	From      PeekFrom
	Offset    int64
	Time      time.Time
	Max       int    // records to return (per partition for PeekLast)
	Partition *int32 // nil: all partitions
}

// PeekRange is the slice of one partition a peek reads: [From, To), with the
// partition's log start and end offsets measured when the peek began.
type PeekRange struct {
	Partition int32
	Start     int64 // log start offset
	End       int64 // high watermark
	From      int64 // first offset read
	To        int64 // one past the last offset read; From == To reads nothing
}

// Peek reads up to req.Max records of req.Topic without committing anything
// and without joining any group: it fetches partitions directly at exact
// offsets with a short-lived client that it closes before returning. It
// returns fewer than req.Max records only when the log ends first (as measured
// when the peek began; records produced meanwhile are not returned).
//
// How req.Max is split across partitions (all modes but PeekLast, where Max
// applies to each partition): the backlog of every partition is known before
// reading, so the records are shared out like water filling, round-robin by
// partition number. Each partition with a backlog gets an equal share; a
// partition with less backlog than its share gives the rest back to the
// others; a remainder smaller than the number of partitions still wanting
// records goes one each to the lowest partition numbers. The result is the
// same whatever order the brokers answer in, and a partition far behind
// cannot crowd the others out of a small peek.
//
// Records are returned sorted by partition, then offset. Only partitions with
// a backlog are fetched, so a caught-up partition never holds the read on
// the fetch long-poll, and a peek with nothing to read returns at once
// without fetching.
//
// An unknown topic or partition fails with an error matching
// kerr.UnknownTopicOrPartition.
func (c *Cluster) Peek(ctx context.Context, req PeekRequest) (_ []model.Record, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	ranges, err := c.PeekPlan(ctx, req)
	if err != nil {
		return nil, err
	}
	return c.readRanges(ctx, req.Topic, ranges)
}

// PeekPlan computes, without reading any record, the range of each partition
// a Peek with req would read, sorted by partition. Partitions outside
// req.Partition are left out; caught-up ones are present with From == To.
func (c *Cluster) PeekPlan(ctx context.Context, req PeekRequest) (_ []PeekRange, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	if req.Topic == "" {
		return nil, errors.New("peek: no topic given")
	}
	if req.Max < 0 {
		return nil, fmt.Errorf("peek %s: negative record count %d", req.Topic, req.Max)
	}
	if req.From == PeekTimestamp && req.Time.IsZero() {
		return nil, fmt.Errorf("peek %s: no timestamp given", req.Topic)
	}

	starts, err := c.adm.ListStartOffsets(ctx, req.Topic)
	if err != nil {
		return nil, fmt.Errorf("peek %s: list start offsets: %w", req.Topic, err)
	}
	parts, err := topicOffsets(req.Topic, starts)
	if err != nil {
		return nil, err
	}
	ends, err := c.adm.ListEndOffsets(ctx, req.Topic)
	if err != nil {
		return nil, fmt.Errorf("peek %s: list end offsets: %w", req.Topic, err)
	}
	endParts, err := topicOffsets(req.Topic, ends)
	if err != nil {
		return nil, err
	}

	ranges := make([]PeekRange, 0, len(parts))
	for _, p := range sortedPartitions(parts) {
		if req.Partition != nil && p != *req.Partition {
			continue
		}
		start, end := parts[p], endParts[p]
		if start.Err != nil {
			return nil, fmt.Errorf("peek %s/%d: log start offset: %w", req.Topic, p, start.Err)
		}
		if _, ok := endParts[p]; !ok {
			return nil, fmt.Errorf("peek %s/%d: no end offset listed", req.Topic, p)
		}
		if end.Err != nil {
			return nil, fmt.Errorf("peek %s/%d: end offset: %w", req.Topic, p, end.Err)
		}
		ranges = append(ranges, PeekRange{Partition: p, Start: start.Offset, End: end.Offset})
	}
	if req.Partition != nil && len(ranges) == 0 {
		return nil, fmt.Errorf("topic %q has no partition %d (it has %d): %w",
			req.Topic, *req.Partition, len(parts), kerr.UnknownTopicOrPartition)
	}

	if err := c.placeFrom(ctx, req, ranges); err != nil {
		return nil, err
	}
	for i := range ranges {
		r := &ranges[i]
		r.From = min(max(r.From, r.Start), r.End)
		r.To = r.From
	}
	shareOut(req, ranges)
	return ranges, nil
}

// placeFrom sets From on every range by the request's mode; PeekPlan clamps
// it to [Start, End] afterwards.
func (c *Cluster) placeFrom(ctx context.Context, req PeekRequest, ranges []PeekRange) error {
	switch req.From {
	case PeekEarliest:
		for i := range ranges {
			ranges[i].From = ranges[i].Start
		}
	case PeekEnd:
		for i := range ranges {
			ranges[i].From = ranges[i].End
		}
	case PeekOffset:
		for i := range ranges {
			ranges[i].From = req.Offset
		}
	case PeekLast:
		for i := range ranges {
			ranges[i].From = ranges[i].End - int64(req.Max)
		}
	case PeekTimestamp:
		if err := model.CheckKafkaTime(req.Time); err != nil {
			// Negative timestamps are ListOffsets' sentinels for the log
			// end and start: never send one.
			return fmt.Errorf("peek %s from %w", req.Topic, err)
		}
		after, err := c.adm.ListOffsetsAfterMilli(ctx, req.Time.UnixMilli(), req.Topic)
		if err != nil {
			return fmt.Errorf("peek %s: list offsets after %s: %w", req.Topic, req.Time.Format(time.RFC3339), err)
		}
		for i := range ranges {
			r := &ranges[i]
			o, ok := after.Lookup(req.Topic, r.Partition)
			switch {
			case !ok:
				return fmt.Errorf("peek %s/%d: no offset listed for %s", req.Topic, r.Partition, req.Time.Format(time.RFC3339))
			case o.Err != nil:
				return fmt.Errorf("peek %s/%d: offset for %s: %w", req.Topic, r.Partition, req.Time.Format(time.RFC3339), o.Err)
			case o.Offset < 0:
				// No record at or after the time: nothing to read.
				r.From = r.End
			default:
				r.From = o.Offset
			}
		}
	case PeekCommitted:
		for i := range ranges {
			ranges[i].From = ranges[i].Start
		}
		if req.Group == "" {
			return nil
		}
		// An OffsetFetch reads the group's commits without joining it and
		// without creating it.
		commits, err := c.adm.FetchOffsets(ctx, req.Group)
		if errors.Is(err, kerr.GroupIDNotFound) {
			// Some brokers answer so for a group that never committed;
			// it would start at earliest.
			return nil
		}
		if err != nil {
			return fmt.Errorf("peek %s: fetch offsets of group %s: %w", req.Topic, req.Group, err)
		}
		for i := range ranges {
			r := &ranges[i]
			o, ok := commits.Lookup(req.Topic, r.Partition)
			if !ok {
				continue
			}
			if o.Err != nil {
				return fmt.Errorf("peek %s/%d: committed offset of group %s: %w", req.Topic, r.Partition, req.Group, o.Err)
			}
			// A commit below the log start (records deleted by retention)
			// or absent (-1) means the group would resume at earliest.
			if o.At >= 0 {
				r.From = o.At
			}
		}
	default:
		return fmt.Errorf("peek %s: unknown start mode %v", req.Topic, req.From)
	}
	return nil
}

// shareOut sets To on every range: req.Max records from each partition for
// PeekLast, else req.Max shared out as documented on Peek.
func shareOut(req PeekRequest, ranges []PeekRange) {
	if req.From == PeekLast {
		for i := range ranges {
			ranges[i].To = ranges[i].End
		}
		return
	}
	remaining := int64(req.Max)
	active := make([]*PeekRange, 0, len(ranges))
	for i := range ranges {
		if ranges[i].From < ranges[i].End {
			active = append(active, &ranges[i])
		}
	}
	for remaining > 0 && len(active) > 0 {
		share := remaining / int64(len(active))
		if share == 0 {
			// Fewer records left than partitions wanting them: one each,
			// lowest partition numbers first (active is in that order).
			for _, r := range active[:remaining] {
				r.To++
			}
			return
		}
		still := active[:0]
		for _, r := range active {
			give := min(share, r.End-r.To)
			r.To += give
			remaining -= give
			if r.To < r.End {
				still = append(still, r)
			}
		}
		active = still
	}
}

// PeekEach is Peek that hands the records over as they arrive instead of
// returning them all at the end: the records of each fetch, sorted by
// partition, then offset, within that fetch (a partition's records always
// come in offset order, but a later fetch may carry a lower partition), go
// to emit in that order in chunks of at most peekChunk records; a chunk
// never spans two fetches. The chunk is only valid during the call: emit
// must copy what it keeps. An error from emit stops the read and is
// returned as it is. It returns the number of records emitted.
func (c *Cluster) PeekEach(ctx context.Context, req PeekRequest, emit func([]model.Record) error) (_ int, err error) {
	var emitted error
	defer func(mark int) {
		if emitted == nil || !errors.Is(err, emitted) {
			c.diagnose(mark, &err)
		}
	}(c.watch.mark())
	ranges, err := c.PeekPlan(ctx, req)
	if err != nil {
		return 0, err
	}
	return c.streamRanges(ctx, req.Topic, ranges, true, func(recs []model.Record) error {
		if err := emit(recs); err != nil {
			emitted = err
			return err
		}
		return nil
	})
}

// readRanges fetches [From, To) of every range with a direct client and
// returns the records sorted by partition, then offset.
func (c *Cluster) readRanges(ctx context.Context, topic string, ranges []PeekRange) ([]model.Record, error) {
	total := 0
	for _, r := range ranges {
		total += int(max(r.To-r.From, 0))
	}
	out := make([]model.Record, 0, total)
	if _, err := c.streamRanges(ctx, topic, ranges, false, func(batch []model.Record) error {
		out = append(out, batch...)
		return nil
	}); err != nil {
		return nil, err
	}
	slices.SortFunc(out, compareRecords)
	return out, nil
}

func compareRecords(a, b model.Record) int {
	if c := cmp.Compare(a.Partition, b.Partition); c != 0 {
		return c
	}
	return cmp.Compare(a.Offset, b.Offset)
}

// peekChunk is the most records PeekEach hands to emit at once: a fetch of
// one large batch can hold tens of thousands of records, and converting them
// all before printing any would hold a second copy of the fetch's headers.
const peekChunk = 512

// streamRanges fetches [From, To) of every range with a direct client and
// emits the records of each fetch sorted by partition, then offset, in
// chunks of at most peekChunk. With reuse, the client decodes the next
// fetches into the memory of those already emitted (peekPool): emit must
// then copy what it keeps.
func (c *Cluster) streamRanges(ctx context.Context, topic string, ranges []PeekRange, reuse bool, emit func([]model.Record) error) (int, error) {
	starts := make(map[int32]kgo.Offset)
	want := make(map[int32]int64) // partition -> To
	total := 0
	for _, r := range ranges {
		if r.From < r.To {
			starts[r.Partition] = kgo.NewOffset().At(r.From)
			want[r.Partition] = r.To
			total += int(r.To - r.From)
		}
	}
	if len(starts) == 0 {
		return 0, nil
	}

	// A direct client: no group, no commits. Control records are kept so
	// a transaction marker at the end of a range still counts as reached.
	// The fetch bounds come first so that Config.Extra can still override
	// them.
	opts := append(peekFetchOpts(), c.cfg.Opts()...)
	opts = append(opts,
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: starts}),
		kgo.KeepControlRecords(),
	)
	if reuse {
		opts = append(opts, kgo.WithPools(&peekPool{}))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return 0, fmt.Errorf("peek %s: %w", topic, err)
	}
	defer cl.Close()

	emitted := 0
	chunk := make([]model.Record, 0, peekChunk)
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		if err := emit(chunk); err != nil {
			return err
		}
		emitted += len(chunk)
		clear(chunk) // let the fetched buffers go
		chunk = chunk[:0]
		return nil
	}
	var parts []kgo.FetchPartition
	for len(want) > 0 {
		fetches := cl.PollFetches(ctx)
		if fetches.IsClientClosed() {
			return emitted, fmt.Errorf("peek %s: client closed", topic)
		}
		if err := ctx.Err(); err != nil {
			return emitted, fmt.Errorf("peek %s: %d of %d records read: %w", topic, emitted, total, err)
		}
		for _, fe := range fetches.Errors() {
			if _, reading := want[fe.Partition]; reading || fe.Partition < 0 {
				return emitted, fmt.Errorf("peek %s/%d: %w", fe.Topic, fe.Partition, fe.Err)
			}
		}
		// The partitions of this poll in order, each one's records already
		// in offset order: converting them chunk by chunk gives the order
		// of sorting the whole poll without holding a copy of it.
		parts = parts[:0]
		fetches.EachPartition(func(p kgo.FetchTopicPartition) {
			if p.Topic == topic && len(p.Records) > 0 {
				parts = append(parts, p.FetchPartition)
			}
		})
		slices.SortFunc(parts, func(a, b kgo.FetchPartition) int {
			if c := cmp.Compare(a.Partition, b.Partition); c != 0 {
				return c
			}
			return cmp.Compare(a.Records[0].Offset, b.Records[0].Offset)
		})
		var done []int32
		for _, p := range parts {
			for _, rec := range p.Records {
				to, reading := want[rec.Partition]
				if !reading {
					break
				}
				if rec.Offset < to && !rec.Attrs.IsControl() {
					chunk = append(chunk, modelRecord(rec))
					if len(chunk) == peekChunk {
						if err := flush(); err != nil {
							return emitted, err
						}
					}
				}
				// Past the range also ends it: retention may have moved the
				// log start beyond it while we read, and the client then
				// resets to the new start.
				if rec.Offset >= to-1 {
					delete(want, rec.Partition)
					done = append(done, rec.Partition)
				}
			}
		}
		if err := flush(); err != nil {
			return emitted, err
		}
		if reuse {
			// Everything of this poll is printed: its records and
			// decompressed bytes can hold the next fetch.
			for _, p := range parts {
				for _, rec := range p.Records {
					rec.Recycle()
				}
			}
		}
		clear(parts)
		if len(done) > 0 && len(want) > 0 {
			// Stop buffering what we will not return.
			cl.PauseFetchPartitions(map[string][]int32{topic: done})
		}
	}
	return emitted, nil
}

// peekFetchOpts bound what a peek's client buffers: one fetch in flight at
// a time, of at most 128 KiB a partition and 4 MiB in all (a broker still
// returns a whole record batch larger than that). The client's defaults
// (50 MiB a fetch, every broker at once, 1 MiB a partition) suit a
// long-lived consumer; a peek prints as fast as it reads, so holding less
// costs it no throughput on loopback (BENCHMARKS.md, "Whole processes").
func peekFetchOpts() []kgo.Opt {
	return []kgo.Opt{
		kgo.MaxConcurrentFetches(1),
		kgo.FetchMaxPartitionBytes(128 << 10),
		kgo.FetchMaxBytes(4 << 20),
	}
}

// peekPool hands a peek's client back the record slices and decompression
// buffers of fetches already printed (kgo.WithPools), so that a peek of many
// batches reuses a few instead of allocating one of each per batch. It
// keeps at most peekPoolKeep of each; it is safe for concurrent use.
type peekPool struct {
	mu      sync.Mutex
	records [][]kgo.Record
	bytes   [][]byte
}

const peekPoolKeep = 4

// GetRecords implements kgo.PoolRecords.
func (p *peekPool) GetRecords(n int) []kgo.Record {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, recs := range p.records {
		if cap(recs) >= n {
			p.records = slices.Delete(p.records, i, i+1)
			return recs[:0]
		}
	}
	return make([]kgo.Record, 0, n)
}

// PutRecords implements kgo.PoolRecords.
func (p *peekPool) PutRecords(recs []kgo.Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.records) < peekPoolKeep {
		p.records = append(p.records, recs)
	}
}

// GetDecompressBytes implements kgo.PoolDecompressBytes: the largest buffer
// kept (a codec grows it when it is too small), or none.
func (p *peekPool) GetDecompressBytes([]byte, kgo.CompressionCodecType) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.bytes) == 0 {
		return nil
	}
	largest := 0
	for i, b := range p.bytes {
		if cap(b) > cap(p.bytes[largest]) {
			largest = i
		}
	}
	b := p.bytes[largest]
	p.bytes = slices.Delete(p.bytes, largest, largest+1)
	return b[:0]
}

// PutDecompressBytes implements kgo.PoolDecompressBytes.
func (p *peekPool) PutDecompressBytes(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.bytes) < peekPoolKeep {
		p.bytes = append(p.bytes, b)
	}
}

// topicOffsets picks topic out of a kadm listing, turning a missing topic
// into an error that names it.
func topicOffsets(topic string, listed kadm.ListedOffsets) (map[int32]kadm.ListedOffset, error) {
	parts, ok := listed[topic]
	if ok {
		if bad, isErr := parts[-1]; isErr && bad.Err != nil {
			ok = false
			if !errors.Is(bad.Err, kerr.UnknownTopicOrPartition) {
				return nil, fmt.Errorf("peek %s: %w", topic, bad.Err)
			}
		}
	}
	if !ok || len(parts) == 0 {
		return nil, fmt.Errorf("topic %q does not exist: %w", topic, kerr.UnknownTopicOrPartition)
	}
	return parts, nil
}

func sortedPartitions(parts map[int32]kadm.ListedOffset) []int32 {
	ps := make([]int32, 0, len(parts))
	for p := range parts {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}
