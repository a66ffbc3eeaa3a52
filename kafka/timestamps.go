package kafka

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"iter"
	"slices"
	"strconv"
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
	// A round splits each leader's partitions into fetches of at most
	// this many, all in flight at once: the leader answers the first while
	// the client still sends the next, and the client decodes answers side
	// by side, where one fetch for 10,000 partitions was answered and
	// decoded all in one piece (2.5x slower at 160,000 group-partitions).
	tsMaxPartitionsPerFetch = 1000
)

// tsDecompressor decompresses into pooled buffers: a batch is only walked
// for its timestamps, then its buffer is reused.
var (
	tsBuffers      = &decompressPool{}
	tsDecompressor = kgo.DefaultDecompressor(tsBuffers)
)

// decompressPool implements kgo.PoolDecompressBytes.
type decompressPool struct{ p sync.Pool }

func (d *decompressPool) GetDecompressBytes(compressed []byte, _ kgo.CompressionCodecType) []byte {
	if b, ok := d.p.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, max(4*len(compressed), 64<<10))
}

func (d *decompressPool) PutDecompressBytes(b []byte) { d.p.Put(&b) }

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
	filled  bool        // some group shown wants it (see oldestUnconsumed.fill)
	err     error
}

func (p *tsPartition) pending() bool { return p.err == nil && p.next < len(p.offsets) }

// tsWant is one wanted position: a partition (by its indexes in
// clusterTopics) and an offset.
type tsWant struct {
	topic, part int32
	offset      int64
}

func compareWants(a, b tsWant) int {
	switch {
	case a.topic != b.topic:
		return int(a.topic - b.topic)
	case a.part != b.part:
		return int(a.part - b.part)
	}
	return cmp.Compare(a.offset, b.offset)
}

// wantOf locates where the group resumes on a partition of topic tm.
func wantOf(ct *clusterTopics, ti int, pl *model.PartitionLag) (tsWant, bool) {
	parts := ct.topics[ti].partitions
	pi := int(pl.Partition)
	if pi < 0 || pi >= len(parts) || parts[pi].partition != pl.Partition {
		var ok bool
		if pi, ok = slices.BinarySearchFunc(parts, pl.Partition, func(pm partitionMeta, p int32) int { return int(pm.partition - p) }); !ok {
			return tsWant{}, false
		}
	}
	return tsWant{topic: int32(ti), part: int32(pi), offset: oldestUnconsumedOffset(pl)}, true
}

// fillOldestUnconsumed sets PartitionLag.OldestUnconsumed on every partition
// of groups with lag: the timestamp of the record at max(committed, start).
// It fetches from each partition leader with no wait, in as few rounds as the
// data allows, all bounded by timeout (DefaultTimestampTimeout when zero).
// Failures become item errors, one per topic; they never fail the snapshot.
func (c *Cluster) fillOldestUnconsumed(ctx context.Context, ct *clusterTopics, groups []model.Group, timeout time.Duration) []model.ItemError {
	read := c.readOldestUnconsumed(ctx, ct, groupWants(ct, groups), timeout, nil)
	read.fill(ct, groups)
	return read.errors()
}

// oldestUnconsumed is what a read of oldest-unconsumed timestamps found:
// every wanted position once, sorted, with its time. It holds no pointer
// into the groups it was read for, so the read can run while they are
// still being completed.
type oldestUnconsumed struct {
	wants  []tsWant
	index  wantIndex
	times  []time.Time
	partOf []int32 // partOf[i] is the index in parts of wants[i]'s partition, -1 when the memo knew it
	parts  []tsPartition
}

// readOldestUnconsumed reads the timestamps fillOldestUnconsumed sets, at
// the positions wanted yields (twice, both times before the fetch goes
// out). With a memo, it fetches only the positions the memo does not hold,
// and leaves in the memo what this read wanted and knows.
func (c *Cluster) readOldestUnconsumed(ctx context.Context, ct *clusterTopics, wanted iter.Seq[tsWant], timeout time.Duration, memo *TimeLagMemo) oldestUnconsumed {
	wants, index := sortedWants(ct, wanted)
	if len(wants) == 0 {
		if memo != nil {
			memo.remember(ct, nil, nil, nil, nil, 0)
		}
		return oldestUnconsumed{}
	}

	times := make([]time.Time, len(wants))
	// recalled[i] != 0 where the memo knew wants[i]'s time.
	var (
		recalled []uint32
		read     []bool
		now      uint32
	)
	known := func(i int) bool { return recalled != nil && recalled[i] != 0 }
	missing := len(wants)
	if memo != nil {
		recalled = make([]uint32, len(wants))
		now = memo.recall(ct, wants, times, recalled)
		for i := range recalled {
			if known(i) {
				missing--
			}
		}
	}
	// The positions to fetch, packed: slot s of offsets and fetched is
	// wants[slotWant[s]].
	runs, last := 0, tsWant{topic: -1}
	for i, w := range wants {
		if !known(i) && (w.topic != last.topic || w.part != last.part) {
			runs, last = runs+1, w
		}
	}
	offsets := make([]int64, missing)
	fetched := times // without a memo, slot s is wants[s]
	if memo != nil {
		fetched = make([]time.Time, missing)
	}
	slotWant := make([]int32, missing)
	partOf := make([]int32, len(wants)) // -1 where the memo knew the time
	parts := make([]tsPartition, 0, runs)
	s := 0
	for i := 0; i < len(wants); {
		if known(i) {
			partOf[i] = -1
			i++
			continue
		}
		first := s
		j := i
		for j < len(wants) && wants[j].topic == wants[i].topic && wants[j].part == wants[i].part {
			if !known(j) {
				offsets[s] = wants[j].offset
				slotWant[s] = int32(j)
				partOf[j] = int32(len(parts))
				s++
			} else {
				partOf[j] = -1
			}
			j++
		}
		tm := &ct.topics[wants[i].topic]
		pm := tm.partitions[wants[i].part]
		tp := tsPartition{
			topic:     tm,
			partition: pm.partition,
			leader:    pm.leader,
			offsets:   offsets[first:s:s],
			times:     fetched[first:s:s],
			cursor:    offsets[first],
		}
		if tp.leader < 0 {
			tp.err = kerr.LeaderNotAvailable
		}
		parts = append(parts, tp)
		i = j
	}

	if len(parts) > 0 {
		if timeout <= 0 {
			timeout = DefaultTimestampTimeout
		}
		tctx, cancel := context.WithTimeout(ctx, timeout)
		c.fetchTimestamps(tctx, parts)
		cancel()
	}
	if memo != nil {
		read = make([]bool, len(wants))
	}
	s = 0
	for pi := range parts {
		tp := &parts[pi]
		for k := range tp.offsets {
			i := slotWant[s]
			times[i] = fetched[s]
			// Only what was read without error is worth remembering: a
			// position given up on (nothing there yet) has no time.
			if read != nil && tp.err == nil && k < tp.next && !fetched[s].IsZero() {
				read[i] = true
			}
			s++
		}
	}
	if memo != nil {
		memo.remember(ct, wants, times, recalled, read, now)
	}
	return oldestUnconsumed{wants: wants, index: index, times: times, partOf: partOf, parts: parts}
}

// wantIndex locates a partition's run of wanted positions.
type wantIndex struct {
	topicFirst []int // topicFirst[t] is the number of partitions of topics before t
	first      []int // wants[first[k]:first[k+1]] is the run of the k-th partition
}

// lookup is the index in wants of w, or -1.
func (x wantIndex) lookup(wants []tsWant, w tsWant) int {
	k := x.topicFirst[w.topic] + int(w.part)
	for i := x.first[k]; i < x.first[k+1]; i++ {
		if wants[i].offset == w.offset {
			return i
		}
	}
	return -1
}

// sortedWants is every position wanted yields (twice), once, in
// compareWants order, and where each partition's run begins: the
// runs back the partitions' slices without a map. The positions are
// bucketed by partition in two passes rather than sorted, since a refresh
// at scale wants 100,000s of them and a partition only a few (one per
// distinct commit).
func sortedWants(ct *clusterTopics, wanted iter.Seq[tsWant]) ([]tsWant, wantIndex) {
	// first[k] is where the wants of the k-th partition of the cluster (in
	// topic then partition order) begin.
	topicFirst := make([]int, len(ct.topics))
	k := 0
	for i := range ct.topics {
		topicFirst[i] = k
		k += len(ct.topics[i].partitions)
	}
	first := make([]int, k+1)
	for w := range wanted {
		first[topicFirst[w.topic]+int(w.part)+1]++
	}
	for i := 1; i < len(first); i++ {
		first[i] += first[i-1]
	}
	wants := make([]tsWant, first[len(first)-1])
	if len(wants) == 0 {
		return nil, wantIndex{}
	}
	next := slices.Clone(first[:len(first)-1])
	for w := range wanted {
		at := &next[topicFirst[w.topic]+int(w.part)]
		wants[*at] = w
		*at++
	}
	// Sort and deduplicate each partition's few offsets, packing the
	// result to the front.
	out := 0
	for i := 0; i+1 < len(first); i++ {
		run := wants[first[i]:first[i+1]]
		first[i] = out
		if len(run) > 1 {
			slices.SortFunc(run, compareWants)
			run = slices.Compact(run)
		}
		out += copy(wants[out:], run)
	}
	first[len(first)-1] = out
	return wants[:out], wantIndex{topicFirst: topicFirst, first: first}
}

// fill sets OldestUnconsumed on the lagging partitions of groups that the
// read resolved, and marks the partitions read for them: errors reports
// only those, so that a group read for and then left out (found dead by
// its describe) adds no warning.
func (r oldestUnconsumed) fill(ct *clusterTopics, groups []model.Group) {
	if len(r.wants) == 0 {
		return
	}
	for pl, w := range lagging(ct, groups) {
		if i := r.index.lookup(r.wants, w); i >= 0 {
			pl.OldestUnconsumed = r.times[i]
			if p := r.partOf[i]; p >= 0 {
				r.parts[p].filled = true
			}
		}
	}
}

// errors reports the partitions filled that the read failed on or did not
// reach.
func (r oldestUnconsumed) errors() []model.ItemError { return timestampErrors(r.parts) }

// lagging yields every partition of groups that has lag and loaded without
// error, with the position whose timestamp it wants.
func lagging(ct *clusterTopics, groups []model.Group) iter.Seq2[*model.PartitionLag, tsWant] {
	return func(yield func(*model.PartitionLag, tsWant) bool) {
		for gi := range groups {
			g := &groups[gi]
			ti, ok := ct.byName[g.Name.Topic]
			if !ok {
				continue
			}
			for pi := range g.Partitions {
				pl := &g.Partitions[pi]
				if pl.Lag <= 0 || pl.Err != nil {
					continue
				}
				if w, ok := wantOf(ct, ti, pl); ok && !yield(pl, w) {
					return
				}
			}
		}
	}
}

// groupWants yields the position every lagging partition of groups wants.
func groupWants(ct *clusterTopics, groups []model.Group) iter.Seq[tsWant] {
	return func(yield func(tsWant) bool) {
		for _, w := range lagging(ct, groups) {
			if !yield(w) {
				return
			}
		}
	}
}

// oldestUnconsumedOffset is where the group resumes on the partition.
func oldestUnconsumedOffset(pl *model.PartitionLag) int64 {
	if pl.HasCommitted && pl.Committed > pl.Start {
		return pl.Committed
	}
	return pl.Start
}

// fetchTimestamps runs fetch rounds until every wanted offset is resolved,
// the rounds run out or ctx ends. Each round sends each leader its pending
// partitions, tsMaxPartitionsPerFetch to a request, plus one request for
// each partition that made no progress in a shared request (a broker always
// returns the first batch of the first partition whole, whatever the byte
// limits).
func (c *Cluster) fetchTimestamps(ctx context.Context, parts []tsPartition) {
	for round := 0; round < tsMaxRounds; round++ {
		byLeader := make(map[int32][]*tsPartition)
		var solos []*tsPartition
		for i := range parts {
			tp := &parts[i]
			if !tp.pending() {
				continue
			}
			if tp.solo {
				solos = append(solos, tp)
			} else {
				byLeader[tp.leader] = append(byLeader[tp.leader], tp)
			}
		}
		if len(byLeader) == 0 && len(solos) == 0 {
			return
		}
		var wg sync.WaitGroup
		for leader, batch := range byLeader {
			for len(batch) > 0 {
				n := min(len(batch), tsMaxPartitionsPerFetch)
				chunk := batch[:n:n]
				batch = batch[n:]
				wg.Go(func() { c.fetchRound(ctx, leader, chunk) })
			}
		}
		solo := make(chan *tsPartition)
		for range min(tsMaxSoloInFlight, len(solos)) {
			wg.Go(func() {
				for tp := range solo {
					c.fetchRound(ctx, tp.leader, []*tsPartition{tp})
				}
			})
		}
	feed:
		for _, tp := range solos {
			select {
			case solo <- tp:
			case <-ctx.Done():
				break feed
			}
		}
		close(solo)
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
	// batch is in partition order, so each topic's partitions are adjacent.
	ntopics := 0
	for i, tp := range batch {
		if i == 0 || tp.topic != batch[i-1].topic {
			ntopics++
		}
	}
	req.Topics = make([]kmsg.FetchRequestTopic, 0, ntopics)
	all := make([]kmsg.FetchRequestTopicPartition, len(batch))
	for i, tp := range batch {
		if i == 0 || tp.topic != batch[i-1].topic {
			rt := kmsg.NewFetchRequestTopic()
			rt.Topic = tp.topic.name
			rt.TopicID = tp.topic.id
			rt.Partitions = all[i:i:len(all)]
			req.Topics = append(req.Topics, rt)
		}
		rp := kmsg.NewFetchRequestTopicPartition()
		rp.Partition = tp.partition
		rp.FetchOffset = tp.cursor
		rp.PartitionMaxBytes = tsPartitionMaxBytes
		rt := &req.Topics[len(req.Topics)-1]
		rt.Partitions = append(rt.Partitions, rp)
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

	// Brokers answer in request order: match by position, and by lookup
	// only if that fails.
	var byKey map[topicPartition]*tsPartition
	match := func(k int, rt *kmsg.FetchResponseTopic, partition int32) *tsPartition {
		if k < len(batch) {
			tp := batch[k]
			if tp.partition == partition && (rt.Topic == tp.topic.name || rt.Topic == "" && rt.TopicID == tp.topic.id) {
				return tp
			}
		}
		if byKey == nil {
			byKey = make(map[topicPartition]*tsPartition, len(batch))
			for _, tp := range batch {
				byKey[topicPartition{tp.topic.name, tp.partition}] = tp
				byKey[topicPartition{string(tp.topic.id[:]), tp.partition}] = tp
			}
		}
		if rt.Topic != "" {
			return byKey[topicPartition{rt.Topic, partition}]
		}
		return byKey[topicPartition{string(rt.TopicID[:]), partition}]
	}
	resp := kresp.(*kmsg.FetchResponse)
	// A response filled to MaxBytes leaves later partitions empty: they wait
	// for the next shared round rather than going solo.
	var total int
	for ri := range resp.Topics {
		for pi := range resp.Topics[ri].Partitions {
			total += len(resp.Topics[ri].Partitions[pi].RecordBatches)
		}
	}
	full := total >= tsRequestMaxBytes-tsPartitionMaxBytes
	seen, k := 0, 0
	for ri := range resp.Topics {
		rt := &resp.Topics[ri]
		for pi := range rt.Partitions {
			rp := &rt.Partitions[pi]
			tp := match(k, rt, rp.Partition)
			k++
			if tp == nil || !tp.pending() {
				continue
			}
			seen++
			tp.advance(rp, full)
		}
	}
	if seen == 0 {
		for _, tp := range batch {
			tp.err = fmt.Errorf("broker %d answered for none of the partitions asked", leader)
		}
	}
}

// advance resolves what one fetch response partition holds. full says the
// response hit its byte limit.
func (tp *tsPartition) advance(rp *kmsg.FetchResponseTopicPartition, full bool) {
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
	nextOffset, err := tp.scan(rp)
	if err != nil {
		tp.err = err
		return
	}
	switch {
	case nextOffset > tp.cursor:
		tp.cursor, tp.solo = nextOffset, false
	case tp.solo:
		// Alone in its request and still nothing: nothing to read there.
		tp.next = len(tp.offsets)
		return
	case full && len(rp.RecordBatches) == 0:
		// Crowded out by other partitions: try again in the next round.
	default:
		// Its first batch exceeds the per-partition limit, which a broker
		// lifts only for the first partition of a response.
		tp.solo = true
	}
	if tp.cursor >= rp.HighWatermark {
		tp.next = len(tp.offsets) // the rest lies beyond the end: no record
	}
}

// Record batch v2 layout (KIP-98): the fields the scan reads.
const (
	batchLengthAt   = 8  // int32, bytes after this field
	batchMagicAt    = 16 // int8
	batchCRCAt      = 17 // uint32, Castagnoli over attributes..end
	batchAttrsAt    = 21 // int16
	batchLastDeltAt = 23 // int32 lastOffsetDelta
	batchBaseTsAt   = 27 // int64 baseTimestamp
	batchMaxTsAt    = 35 // int64 maxTimestamp
	batchCountAt    = 57 // int32 record count
	batchHeaderLen  = 61

	attrCompression   = 0x07
	attrLogAppendTime = 0x08
	attrControl       = 0x20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var errCorruptBatch = errors.New("corrupt record batch")

// scan resolves wanted offsets from the record batches of rp and returns
// the offset after the last complete batch. It reads only each record's
// offset and timestamp deltas, so it allocates nothing for uncompressed
// batches; legacy message sets go through kgo's full decoder.
func (tp *tsPartition) scan(rp *kmsg.FetchResponseTopicPartition) (int64, error) {
	in := rp.RecordBatches
	if len(in) > batchMagicAt && in[batchMagicAt] != 2 {
		return tp.scanLegacy(rp)
	}
	next := tp.cursor
	for len(in) > batchMagicAt {
		length := int32(binary.BigEndian.Uint32(in[batchLengthAt:]))
		size := 12 + int(length)
		if length < 0 || len(in) < size {
			break // a partial batch ends the response
		}
		if size <= batchMagicAt {
			return next, errCorruptBatch // too short to hold even its magic byte
		}
		batch := in[:size]
		in = in[size:]
		if batch[batchMagicAt] != 2 {
			break // the next round starts here and takes the legacy path
		}
		if size < batchHeaderLen || crc32.Checksum(batch[batchAttrsAt:], castagnoli) != binary.BigEndian.Uint32(batch[batchCRCAt:]) {
			return next, errCorruptBatch
		}
		base := int64(binary.BigEndian.Uint64(batch))
		last := base + int64(int32(binary.BigEndian.Uint32(batch[batchLastDeltAt:])))
		attrs := binary.BigEndian.Uint16(batch[batchAttrsAt:])
		if tp.next < len(tp.offsets) && last >= tp.offsets[tp.next] && attrs&attrControl == 0 {
			if err := tp.scanRecords(batch, base, last, attrs); err != nil {
				return next, err
			}
		}
		next = max(next, last+1)
	}
	return next, nil
}

// scanRecords walks the records of one v2 batch holding offsets base to last.
// A record outside them is corrupt: its timestamp must not stand for offsets
// the batch does not hold.
func (tp *tsPartition) scanRecords(batch []byte, base, last int64, attrs uint16) error {
	recs := batch[batchHeaderLen:]
	if codec := attrs & attrCompression; codec != 0 {
		var err error
		if recs, err = tsDecompressor.Decompress(recs, kgo.CompressionCodecType(codec)); err != nil {
			return fmt.Errorf("decompress batch at %d: %w", base, err)
		}
		defer tsBuffers.PutDecompressBytes(recs)
	}
	baseTs := int64(binary.BigEndian.Uint64(batch[batchBaseTsAt:]))
	maxTs := int64(binary.BigEndian.Uint64(batch[batchMaxTsAt:]))
	count := int32(binary.BigEndian.Uint32(batch[batchCountAt:]))
	for range count {
		if tp.next >= len(tp.offsets) {
			return nil
		}
		length, n := binary.Varint(recs)
		if n <= 0 || length < 0 || length > int64(len(recs)-n) {
			return errCorruptBatch
		}
		rec := recs[n : n+int(length)]
		recs = recs[n+int(length):]
		if len(rec) < 1 {
			return errCorruptBatch
		}
		tsDelta, n := binary.Varint(rec[1:]) // after the attributes byte
		if n <= 0 {
			return errCorruptBatch
		}
		offDelta, m := binary.Varint(rec[1+n:])
		if m <= 0 || offDelta < 0 || offDelta > last-base {
			return errCorruptBatch
		}
		ts := baseTs + tsDelta
		if attrs&attrLogAppendTime != 0 {
			ts = maxTs
		}
		for off := base + offDelta; tp.next < len(tp.offsets) && tp.offsets[tp.next] <= off; tp.next++ {
			tp.times[tp.next] = time.UnixMilli(ts)
		}
	}
	return nil
}

// scanLegacy decodes pre-0.11 message sets with kgo.
func (tp *tsPartition) scanLegacy(rp *kmsg.FetchResponseTopicPartition) (int64, error) {
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
		return nextOffset, fp.Err
	}
	return nextOffset, nil
}

// timestampErrors reports partitions that failed or that the deadline cut
// off, one error per topic, in topic order.
func timestampErrors(parts []tsPartition) []model.ItemError {
	var out []model.ItemError
	for i := 0; i < len(parts); {
		topic := parts[i].topic
		var failed []string
		var first error
		for ; i < len(parts) && parts[i].topic == topic; i++ {
			tp := &parts[i]
			if !tp.filled {
				continue
			}
			err := tp.err
			if err == nil && tp.next < len(tp.offsets) {
				err = errTimestampsCutOff
			}
			if err == nil {
				continue
			}
			if first == nil {
				first = err
			}
			failed = append(failed, strconv.Itoa(int(tp.partition)))
		}
		if first != nil {
			out = append(out, model.ItemError{
				Kind: "timestamps",
				Name: topic.name,
				Err:  fmt.Errorf("oldest unconsumed unknown on partition(s) %s: %w", strings.Join(failed, ","), first),
			})
		}
	}
	return out
}
