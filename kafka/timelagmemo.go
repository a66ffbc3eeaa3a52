package kafka

import (
	"encoding/binary"
	"sync"
	"time"
)

// TimeLagMemo remembers the oldest-unconsumed timestamps that snapshots
// read, so that a caller taking snapshot after snapshot of one cluster (a
// refreshing screen, a watch) fetches only the positions it has not read
// before: the record at an offset of a partition never changes, and most
// groups stay where they were from one refresh to the next. Pass it in
// SnapshotOptions.TimeLagMemo.
//
// A position is a topic ID, a partition and an offset. A topic deleted and
// created again under the same name has a new ID, so nothing remembered of
// the old one is used for it; a topic the brokers give no ID (brokers
// before Kafka 2.8) is read afresh every time. A moved commit, or a log
// start moved past the commit, is a new position and is read. A read that
// failed or was cut off is not remembered: it is tried again next time.
//
// After each snapshot the memo holds only the positions that snapshot
// wanted, so it never grows beyond one refresh's worth: 24 bytes a
// position, without pointers. Compaction can remove the record at a
// remembered position, which moves the true oldest-unconsumed time later
// (and an unclean leader election can put another record there); so every
// remembered position is read again once it has been remembered
// for between memoRereadAfter and twice that many snapshots, each position
// at its own age, so that the re-reads spread over the snapshots instead
// of arriving together.
//
// A memo belongs to one cluster: use a new one for another cluster or
// after a reconnection. It is safe for concurrent use, though snapshots
// taken side by side each keep only what they wanted.
type TimeLagMemo struct {
	mu sync.Mutex
	// topics are the IDs of the topics remembered, in the order of the
	// snapshot that wrote them; entries[first[i]:first[i+1]] are those of
	// topics[i], sorted by partition then offset.
	topics  [][16]byte
	first   []int32
	entries []memoEntry
	taken   uint32 // snapshots that used the memo: its clock for re-reads
}

// memoEntry is one remembered position of a topic.
type memoEntry struct {
	partition int32
	readAt    uint32 // the value of TimeLagMemo.taken when it was read
	offset    int64
	millis    int64 // the record's timestamp, Unix milliseconds
}

// memoRereadAfter is how many snapshots a position is remembered at least
// before it is read again (see TimeLagMemo): about five minutes at the
// TUI's and lag --watch's 5 s refresh.
var memoRereadAfter uint32 = 60

// NewTimeLagMemo returns an empty memo.
func NewTimeLagMemo() *TimeLagMemo { return &TimeLagMemo{} }

// Len is how many positions the memo holds.
func (m *TimeLagMemo) Len() int {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

// stale reports whether an entry of the topic with ID topic is due to be
// read again at snapshot now. Each position gets its own age bound in
// [after, 2*after), from a hash of where it is.
func (e *memoEntry) stale(topic *[16]byte, now uint32) bool {
	after := max(memoRereadAfter, 1)
	h := binary.LittleEndian.Uint64(topic[:8]) ^ binary.LittleEndian.Uint64(topic[8:])
	h = (h^uint64(e.offset))*0x9e3779b97f4a7c15 ^ uint64(uint32(e.partition))*0xbf58476d1ce4e5b9
	bound := after + uint32((h>>32)%uint64(after))
	return now-e.readAt >= bound
}

// recall sets times[i] for every wanted position the memo holds and need
// not read again yet, and recalled[i] to when the memo read it (never 0);
// wants are in compareWants order over the topics of ct. It returns the
// clock value of this snapshot, for remember.
func (m *TimeLagMemo) recall(ct *clusterTopics, wants []tsWant, times []time.Time, recalled []uint32) uint32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.taken++
	if m.taken == 0 { // wrapped: 0 means "not recalled"
		m.taken, m.topics, m.first, m.entries = 1, nil, nil, nil
	}
	now := m.taken
	if len(m.entries) == 0 {
		return now
	}
	byID := make(map[[16]byte]int32, len(m.topics))
	for i, id := range m.topics {
		byID[id] = int32(i)
	}
	for i := 0; i < len(wants); {
		j := topicRunEnd(wants, i)
		tm := &ct.topics[wants[i].topic]
		mi, ok := byID[tm.id]
		if !ok || tm.id == ([16]byte{}) {
			i = j
			continue
		}
		// Both runs are sorted by partition then offset: merge them.
		es := m.entries[m.first[mi]:m.first[mi+1]]
		k := 0
		for ; i < j && k < len(es); i++ {
			w := wants[i]
			p := tm.partitions[w.part].partition
			for k < len(es) && (es[k].partition < p || es[k].partition == p && es[k].offset < w.offset) {
				k++
			}
			if k < len(es) && es[k].partition == p && es[k].offset == w.offset && !es[k].stale(&tm.id, now) {
				times[i] = time.UnixMilli(es[k].millis)
				recalled[i] = es[k].readAt
			}
		}
		i = j
	}
	return now
}

// remember replaces what the memo holds with the wanted positions whose
// times are known: recalled (recalled[i] != 0, when it was read) or read
// now without error (read[i]). now is what recall returned.
func (m *TimeLagMemo) remember(ct *clusterTopics, wants []tsWant, times []time.Time, recalled []uint32, read []bool, now uint32) {
	var (
		topics  [][16]byte
		first   []int32
		entries = make([]memoEntry, 0, len(wants))
	)
	for i := 0; i < len(wants); {
		j := topicRunEnd(wants, i)
		tm := &ct.topics[wants[i].topic]
		if tm.id == ([16]byte{}) {
			i = j
			continue
		}
		start := len(entries)
		for ; i < j; i++ {
			readAt := recalled[i]
			if readAt == 0 {
				if !read[i] {
					continue
				}
				readAt = now
			}
			entries = append(entries, memoEntry{partition: tm.partitions[wants[i].part].partition, readAt: readAt, offset: wants[i].offset, millis: times[i].UnixMilli()})
		}
		if len(entries) > start {
			topics = append(topics, tm.id)
			first = append(first, int32(start))
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(topics) == 0 {
		m.topics, m.first, m.entries = nil, nil, nil
		return
	}
	m.topics, m.first, m.entries = topics, append(first, int32(len(entries))), entries
}

// topicRunEnd is where the run of wants of wants[i]'s topic ends: wants
// are sorted by topic first.
func topicRunEnd(wants []tsWant, i int) int {
	j := i + 1
	for j < len(wants) && wants[j].topic == wants[i].topic {
		j++
	}
	return j
}
