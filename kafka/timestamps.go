package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/model"
)

// The oldest-unconsumed fetch reads only the first batch or so at each
// position: small per-partition and per-request byte limits keep a backlog of
// large records from turning a snapshot into a bulk read.
const (
	tsPartitionMaxBytes = 32 << 10
	tsRequestMaxBytes   = 4 << 20
	tsMaxRounds         = 16
	tsMaxSoloInFlight   = 8
)

var tsDecompressor = kgo.DefaultDecompressor()

// errTimestampsCutOff marks positions the bounded fetch did not reach.
var errTimestampsCutOff = errors.New("the bounded fetch ran out of time or rounds")

// tsPartition is one partition whose record timestamps at some offsets we
// want.
type tsPartition struct {
	topic     *topicMeta
	partition int32
	leader    int32

	offsets []int64     // wanted offsets, sorted, unique
	times   []time.Time // times[i] is the timestamp for offsets[i]
	next    int         // offsets[:next] are resolved (or given up)
	cursor  int64       // where the next fetch starts
	solo    bool        // made no progress in a shared request: fetch it alone
	err     error
}

func (p *tsPartition) pending() bool { return p.err == nil && p.next < len(p.offsets) }

// fillOldestUnconsumed sets PartitionLag.OldestUnconsumed on every partition
// of groups with lag: the timestamp of the record at max(committed, start).
// It fetches from each partition leader with no wait, in as few rounds as the
// data allows, all bounded by timeout (DefaultTimestampTimeout when zero).
// Failures become item errors, one per topic; they never fail the snapshot.
func (c *Cluster) fillOldestUnconsumed(ctx context.Context, ct *clusterTopics, groups []model.Group, timeout time.Duration) []model.ItemError {
	parts := make(map[topicPartition]*tsPartition)
	for gi := range groups {
		g := &groups[gi]
		tm, ok := ct.lookup(g.Name.Topic)
		if !ok {
			continue
		}
		for pi := range g.Partitions {
			pl := &g.Partitions[pi]
			if pl.Lag <= 0 || pl.Err != nil {
				continue
			}
			key := topicPartition{tm.name, pl.Partition}
			tp := parts[key]
			if tp == nil {
				tp = &tsPartition{topic: tm, partition: pl.Partition, leader: -1}
				if i, ok := slices.BinarySearchFunc(tm.partitions, pl.Partition, func(pm partitionMeta, p int32) int { return int(pm.partition - p) }); ok {
					tp.leader = tm.partitions[i].leader
				}
				parts[key] = tp
			}
			tp.offsets = append(tp.offsets, oldestUnconsumedOffset(pl))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	for _, tp := range parts {
		slices.Sort(tp.offsets)
		tp.offsets = slices.Compact(tp.offsets)
		tp.times = make([]time.Time, len(tp.offsets))
		tp.cursor = tp.offsets[0]
		if tp.leader < 0 {
			tp.err = kerr.LeaderNotAvailable
		}
	}

	if timeout <= 0 {
		timeout = DefaultTimestampTimeout
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c.fetchTimestamps(tctx, parts)

	for gi := range groups {
		g := &groups[gi]
		for pi := range g.Partitions {
			pl := &g.Partitions[pi]
			if pl.Lag <= 0 || pl.Err != nil {
				continue
			}
			tp := parts[topicPartition{g.Name.Topic, pl.Partition}]
			if tp == nil {
				continue
			}
			if i, ok := slices.BinarySearch(tp.offsets, oldestUnconsumedOffset(pl)); ok {
				pl.OldestUnconsumed = tp.times[i]
			}
		}
	}
	return timestampErrors(parts)
}

// oldestUnconsumedOffset is where the group resumes on the partition.
func oldestUnconsumedOffset(pl *model.PartitionLag) int64 {
	if pl.HasCommitted && pl.Committed > pl.Start {
		return pl.Committed
	}
	return pl.Start
}

// fetchTimestamps runs fetch rounds until every wanted offset is resolved,
// the rounds run out or ctx ends. Each round sends one request per leader
// holding every pending partition, plus one request for each partition that
// made no progress in a shared request (a broker always returns the first
// batch of the first partition whole, whatever the byte limits).
func (c *Cluster) fetchTimestamps(ctx context.Context, parts map[topicPartition]*tsPartition) {
	for round := 0; round < tsMaxRounds; round++ {
		byLeader := make(map[int32][]*tsPartition)
		var solos [][]*tsPartition
		for _, tp := range parts {
			if !tp.pending() {
				continue
			}
			if tp.solo {
				solos = append(solos, []*tsPartition{tp})
			} else {
				byLeader[tp.leader] = append(byLeader[tp.leader], tp)
			}
		}
		if len(byLeader) == 0 && len(solos) == 0 {
			return
		}
		var wg sync.WaitGroup
		for leader, batch := range byLeader {
			wg.Go(func() { c.fetchRound(ctx, leader, batch) })
		}
		sem := make(chan struct{}, tsMaxSoloInFlight)
		for _, batch := range solos {
			wg.Go(func() {
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				defer func() { <-sem }()
				c.fetchRound(ctx, batch[0].leader, batch)
			})
		}
		wg.Wait()
		if ctx.Err() != nil {
			return
		}
	}
}

// fetchRound sends one fetch for batch to leader and advances each partition.
func (c *Cluster) fetchRound(ctx context.Context, leader int32, batch []*tsPartition) {
	req := kmsg.NewPtrFetchRequest()
	req.MaxWaitMillis = 0
	req.MinBytes = 1
	req.MaxBytes = tsRequestMaxBytes
	req.SessionEpoch = -1 // a one-off fetch: no session
	byKey := make(map[topicPartition]*tsPartition, len(batch))
	topicAt := make(map[string]int)
	for _, tp := range batch {
		ti, ok := topicAt[tp.topic.name]
		if !ok {
			rt := kmsg.NewFetchRequestTopic()
			rt.Topic = tp.topic.name
			rt.TopicID = tp.topic.id
			req.Topics = append(req.Topics, rt)
			ti = len(req.Topics) - 1
			topicAt[tp.topic.name] = ti
		}
		rp := kmsg.NewFetchRequestTopicPartition()
		rp.Partition = tp.partition
		rp.FetchOffset = tp.cursor
		rp.PartitionMaxBytes = tsPartitionMaxBytes
		req.Topics[ti].Partitions = append(req.Topics[ti].Partitions, rp)
		byKey[topicPartition{tp.topic.name, tp.partition}] = tp
	}

	kresp, err := c.cl.Broker(int(leader)).Request(ctx, req)
	if err == nil {
		if code := kresp.(*kmsg.FetchResponse).ErrorCode; code != 0 {
			err = kerr.ErrorForCode(code)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return // the deadline is reported once, for what is still pending
		}
		err = fmt.Errorf("fetch from broker %d: %w", leader, err)
		for _, tp := range batch {
			tp.err = err
		}
		return
	}
	resp := kresp.(*kmsg.FetchResponse)
	byID := make(map[[16]byte]string, len(topicAt))
	for _, tp := range batch {
		byID[tp.topic.id] = tp.topic.name
	}
	seen := 0
	for ri := range resp.Topics {
		rt := &resp.Topics[ri]
		name := rt.Topic
		if name == "" {
			name = byID[rt.TopicID]
		}
		for pi := range rt.Partitions {
			rp := &rt.Partitions[pi]
			tp := byKey[topicPartition{name, rp.Partition}]
			if tp == nil || !tp.pending() {
				continue
			}
			seen++
			tp.advance(rp)
		}
	}
	if seen == 0 {
		for _, tp := range batch {
			tp.err = fmt.Errorf("broker %d answered for none of the partitions asked", leader)
		}
	}
}

// advance resolves what one fetch response partition holds.
func (tp *tsPartition) advance(rp *kmsg.FetchResponseTopicPartition) {
	if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
		// Retention may have moved the log start past the cursor since it
		// was listed: the oldest record is now at the new start.
		if errors.Is(err, kerr.OffsetOutOfRange) && rp.LogStartOffset > tp.cursor {
			tp.cursor = rp.LogStartOffset
			return
		}
		tp.err = err
		return
	}
	fp, nextOffset := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{
		Offset:    tp.cursor,
		Topic:     tp.topic.name,
		Partition: tp.partition,
	}, rp, tsDecompressor, nil)
	for _, r := range fp.Records {
		for tp.next < len(tp.offsets) && tp.offsets[tp.next] <= r.Offset {
			tp.times[tp.next] = r.Timestamp
			tp.next++
		}
	}
	if fp.Err != nil && len(fp.Records) == 0 {
		tp.err = fp.Err
		return
	}
	switch {
	case nextOffset > tp.cursor:
		tp.cursor, tp.solo = nextOffset, false
	case tp.solo:
		// Alone in its request and still nothing: nothing to read there.
		tp.next = len(tp.offsets)
		return
	default:
		tp.solo = true
	}
	if tp.cursor >= rp.HighWatermark {
		tp.next = len(tp.offsets) // the rest lies beyond the end: no record
	}
}

// timestampErrors reports partitions that failed or that the deadline cut
// off, one error per topic.
func timestampErrors(parts map[topicPartition]*tsPartition) []model.ItemError {
	type failure struct {
		parts []int32
		err   error
	}
	byTopic := make(map[string]*failure)
	for key, tp := range parts {
		err := tp.err
		if err == nil && tp.next < len(tp.offsets) {
			err = errTimestampsCutOff
		}
		if err == nil {
			continue
		}
		f := byTopic[key.topic]
		if f == nil {
			f = &failure{err: err}
			byTopic[key.topic] = f
		}
		f.parts = append(f.parts, key.partition)
	}
	out := make([]model.ItemError, 0, len(byTopic))
	for topic, f := range byTopic {
		slices.Sort(f.parts)
		ps := make([]string, len(f.parts))
		for i, p := range f.parts {
			ps[i] = fmt.Sprint(p)
		}
		out = append(out, model.ItemError{
			Kind: "timestamps",
			Name: topic,
			Err:  fmt.Errorf("oldest unconsumed unknown on partition(s) %s: %w", strings.Join(ps, ","), f.err),
		})
	}
	slices.SortFunc(out, func(a, b model.ItemError) int { return strings.Compare(a.Name, b.Name) })
	return out
}
