package model

import (
	"cmp"
	"slices"
	"sort"
	"time"
)

// Status says whether a group (or one of its partitions) needs attention.
// The rules, evaluated over the samples inside the window (see Evaluate), in
// this order:
//
//   - UNKNOWN: fewer than MinSamples samples in the window. Never a guess.
//   - OK: lag is 0 now.
//   - After a sample where the lag was 0 (Burrow's rule 1: a consumer that
//     reaches the end between batches is fine): OK while the group commits
//     again after it, or until it has been quiet for two samples and half
//     the window (records just arrived, or the next batch is due); then
//     STALLED or STOPPED as below, since a group that caught up once and
//     then stopped committing while lag builds is not fine.
//   - STALLED: lag > 0, commits did not advance over the window, members
//     present (Burrow's rule 4).
//   - STOPPED: lag > 0, commits did not advance over the window, no members.
//   - FALLING BEHIND: commits advance but the lag never went down from one
//     sample to the next and is higher at the end (Burrow's rule 5) by more
//     than noise: more than one record and more than 5% of the records
//     appended over the window (see fallingBehind).
//   - CATCHING UP: commits advance and the lag is lower at the end than at
//     the start of the window.
//   - OK otherwise: commits advance and the lag went up and down, or stayed
//     the same (keeping pace).
//
// Commits advance when the newest sample's commit is past where the group
// stood at the oldest: its commit, or the log start for a partition it had
// not committed on yet (a first commit is progress).
//
// Burrow is the reference point; the differences are deliberate:
//   - A constant lag with advancing commits is OK here (Burrow warns), since
//     a consumer keeping pace with a steady stream always shows some lag.
//   - STOPPED is decided by the absence of members, not by the age of the
//     last commit compared with the window (Burrow's rule 3): Kafka does not
//     report when an offset was committed, and kgroups samples on its own
//     clock rather than on every commit. A consumer that stopped committing
//     is STALLED or STOPPED once its last commit leaves the window.
//   - Burrow's REWIND (a commit moving backwards) does not appear: History
//     starts a group over when its commits move back (an offset reset), so
//     its status is UNKNOWN until enough new samples arrive.
//   - CATCHING UP is a kind of OK that Burrow does not name.
//   - The noise margin on FALLING BEHIND: a live consumer sampled while it
//     holds a few polled records shows a lag creeping by one or two on a busy
//     topic; Burrow would warn, kgroups calls that keeping pace.
//
// A group's status is the most severe of its partitions' statuses, as in
// Burrow (see EvaluateGroup).
type Status int

// Statuses in increasing order of severity.
const (
	StatusUnknown Status = iota
	StatusOK
	StatusCatchingUp
	StatusFallingBehind
	StatusStalled
	StatusStopped
)

var statusNames = [...]string{"UNKNOWN", "OK", "CATCHING UP", "FALLING BEHIND", "STALLED", "STOPPED"}

func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return "UNKNOWN"
	}
	return statusNames[s]
}

// Severity orders statuses for sorting: higher needs more attention.
// UNKNOWN sorts below OK so that a fresh view does not shout.
func (s Status) Severity() int { return int(s) }

// Sample is one observation of a partition taken at a refresh. It holds no
// pointers (times are Unix nanoseconds), so the garbage collector never
// scans a history's samples.
type Sample struct {
	At           int64 // Unix nanoseconds; see Time
	Committed    int64
	End          int64
	Lag          int64
	TimeLag      time.Duration // age of the oldest unconsumed record; 0 when unknown or no lag
	HasCommitted bool
	// Decreased says the lag went down somewhere between the sample held
	// before this one and this one, at a sample thinned away since (see
	// HistoryOptions.Budget): thinning keeps the FALLING BEHIND rule's
	// "never decreased" true to what was observed.
	Decreased bool
}

// SampleBytes is the size of one Sample in memory.
const SampleBytes = 48

// Time is when the sample was taken.
func (s Sample) Time() time.Time { return time.Unix(0, s.At) }

// EvalConfig tunes Evaluate.
type EvalConfig struct {
	Window     time.Duration // samples older than the newest minus Window are ignored
	MinSamples int           // fewer samples in the window give StatusUnknown
}

// DefaultEvalConfig is a 5 minute window needing 3 samples.
func DefaultEvalConfig() EvalConfig { return EvalConfig{Window: 5 * time.Minute, MinSamples: 3} }

// Evaluation is the verdict on a run of samples.
type Evaluation struct {
	Status       Status
	Samples      int     // samples inside the window
	ConsumeRate  float64 // records/s committed over the window
	ProduceRate  float64 // records/s appended over the window
	Lag          int64   // newest lag
	LagDelta     int64   // newest lag minus oldest lag in the window
	TimeLag      time.Duration
	TimeLagDelta time.Duration
	// CatchUp is lag / (consume − produce) when that is positive; CatchUpNever
	// is true when the group would never catch up at the current rates.
	CatchUp      time.Duration
	CatchUpNever bool
}

// window returns the suffix of samples (oldest first) inside cfg.Window of the newest.
func window(samples []Sample, cfg EvalConfig) []Sample {
	if len(samples) == 0 {
		return nil
	}
	if cfg.Window <= 0 {
		return samples
	}
	cut := samples[len(samples)-1].At - int64(cfg.Window)
	i := sort.Search(len(samples), func(i int) bool { return samples[i].At >= cut })
	return samples[i:]
}

// Evaluate applies the status rules (see Status) to samples, oldest first.
// hasMembers says whether the group has live members now.
func Evaluate(samples []Sample, hasMembers bool, cfg EvalConfig) Evaluation {
	w := window(samples, cfg)
	ev := Evaluation{Samples: len(w)}
	if len(w) == 0 {
		return ev
	}
	consumed := ev.measure(w[0], w[len(w)-1])
	if len(w) < max(cfg.MinSamples, 2) {
		ev.Status = StatusUnknown
		return ev
	}
	ev.Status = statusOf(w, consumed > 0, hasMembers, cfg.Window)
	return ev
}

// measure sets the figures of a window from its first and last samples
// (lags, rates, catch-up) and returns how far the commits moved in it.
func (ev *Evaluation) measure(first, last Sample) (consumed int64) {
	ev.Lag, ev.LagDelta = last.Lag, last.Lag-first.Lag
	ev.TimeLag, ev.TimeLagDelta = last.TimeLag, last.TimeLag-first.TimeLag
	consumed = consumedBetween(first, last)
	if secs := time.Duration(last.At - first.At).Seconds(); secs > 0 {
		ev.ConsumeRate = float64(consumed) / secs
		// A log end that moved back (a truncated log) produced nothing.
		ev.ProduceRate = float64(max(last.End-first.End, 0)) / secs
	}
	ev.CatchUp, ev.CatchUpNever = catchUp(ev.Lag, ev.ConsumeRate, ev.ProduceRate)
	return consumed
}

func statusOf(w []Sample, advancing, hasMembers bool, window time.Duration) Status {
	last := w[len(w)-1]
	if last.Lag == 0 {
		return StatusOK
	}
	stuck := func() Status {
		if hasMembers {
			return StatusStalled
		}
		return StatusStopped
	}
	if z := lastZeroLag(w); z >= 0 {
		tail := w[z:]
		if consumedBetween(tail[0], last) > 0 || !quietLongEnough(w, tail, window) {
			return StatusOK
		}
		return stuck()
	}
	if !advancing {
		return stuck()
	}
	first := w[0]
	switch {
	case fallingBehind(first, last) && neverDecreased(w):
		return StatusFallingBehind
	case last.Lag < first.Lag:
		return StatusCatchingUp
	default:
		return StatusOK
	}
}

// quietLongEnough reports whether the samples since the group was last
// caught up (tail) show it idle for long enough to call it stuck: at least
// two samples after the zero, spanning at least half the window (half the
// samples' span when there is no window). A batch job that commits every
// few seconds, sampled more often, is never quiet that long.
func quietLongEnough(w, tail []Sample, window time.Duration) bool {
	if len(tail) < 3 {
		return false
	}
	span := window
	if span <= 0 {
		span = time.Duration(w[len(w)-1].At - w[0].At)
	}
	return 2*time.Duration(tail[len(tail)-1].At-tail[0].At) >= span
}

// lastZeroLag is the index of the newest sample with lag 0, or -1.
func lastZeroLag(w []Sample) int {
	for i := len(w) - 1; i >= 0; i-- {
		if w[i].Lag == 0 {
			return i
		}
	}
	return -1
}

// fallingBehind reports whether the lag grew from first to last by more than
// noise: more than one record and more than 5% of what was appended between
// them.
func fallingBehind(first, last Sample) bool {
	growth := last.Lag - first.Lag
	appended := max(last.End-first.End, 0)
	return growth > 1 && growth*20 > appended
}

// neverDecreased reports whether the lag never went down from one sample to
// the next. A batch consumer sampled between its commits shows a sawtooth
// lag that goes up and down while it keeps pace; only a lag that never goes
// down is falling behind. A decrease at a sample thinned away counts.
func neverDecreased(w []Sample) bool {
	for i := 1; i < len(w); i++ {
		if w[i].Lag < w[i-1].Lag || w[i].Decreased {
			return false
		}
	}
	return true
}

// consumedBetween is how far the commits moved from first to last: from
// where the group stood at first (its commit, or the log start End − Lag when
// it had none or its commit had expired) to its commit at last. Without a
// commit at last nothing was consumed.
func consumedBetween(first, last Sample) int64 {
	if !last.HasCommitted {
		return 0
	}
	from := first.End - first.Lag
	if first.HasCommitted {
		// A commit beyond a truncated log end is where the group resumes.
		from = max(from, first.Committed)
	}
	return max(last.Committed-from, 0)
}

func catchUp(lag int64, consume, produce float64) (time.Duration, bool) {
	if lag == 0 {
		return 0, false
	}
	net := consume - produce
	if net <= 0 {
		return 0, true
	}
	return time.Duration(float64(lag) / net * float64(time.Second)), false
}

// ring is a bounded buffer of samples, oldest first when read. Its buffer
// is a slot of its History's slab, at the final size from the start: it
// never grows, so a history costs from its first minute what it costs after
// an hour.
type ring struct {
	buf  []Sample
	slab *slab // where buf comes from; nil: the heap, as needed
	// Kept as samples arrive so that evaluating the ring reads its first
	// and last samples and no others (see evaluate): the time of the newest
	// sample with lag 0, and of the newest whose lag went down from the
	// sample held before it (or that carries a decrease thinned away).
	zeroAt, decreasedAt  int64
	next                 int32 // when full, the index of the oldest sample
	partition            int32 // in its group's
	full                 bool  // buf is at its bound and wraps
	hasZero, hasDecrease bool
	// 64 bytes in all: see ringBytes.
}

// add appends s. At the bound limit the oldest sample is overwritten when
// the ring holds no more than capacity allows (limit == capacity); under a
// memory budget (limit < capacity) the older half is thinned instead, so the
// ring keeps reaching back in time at a coarser step.
func (r *ring) add(s Sample, limit, capacity int) {
	// Thinning keeps the newest sample: it stays the one s follows.
	prev, ok := r.last()
	defer func() {
		if ok && (s.Lag < prev.Lag || s.Decreased) {
			r.decreasedAt, r.hasDecrease = s.At, true
		}
		if s.Lag == 0 {
			r.zeroAt, r.hasZero = s.At, true
		}
	}()
	if len(r.buf) >= limit {
		if limit >= capacity && len(r.buf) == limit {
			if !r.full {
				r.full, r.next = true, 0
			}
			r.buf[r.next] = s
			r.next = int32((int(r.next) + 1) % len(r.buf))
			return
		}
		r.thin(limit)
	}
	if len(r.buf) == cap(r.buf) {
		grown := r.slab.get(max(limit, len(r.buf)+1))
		grown = append(grown, r.buf...)
		r.slab.put(r.buf)
		r.buf = grown
	}
	r.buf = append(r.buf, s)
}

// linearize puts the samples oldest first at the start of buf.
func (r *ring) linearize() {
	if r.full && r.next != 0 {
		out := r.slab.get(cap(r.buf))[:len(r.buf)]
		n := copy(out, r.buf[r.next:])
		copy(out[n:], r.buf[:r.next])
		r.slab.put(r.buf)
		r.buf = out
	}
	r.full, r.next = false, 0
}

// thin makes room under limit by dropping every other sample of the older
// half, the oldest kept. The newest sample with lag 0 is never dropped (the
// status rules start from it), and a decrease of the lag at a dropped
// sample is carried by the next sample kept. It shrinks the buffer when the
// limit did.
func (r *ring) thin(limit int) {
	r.linearize()
	for len(r.buf) >= limit {
		zero := -1
		for i := len(r.buf) - 1; i >= 0; i-- {
			if r.buf[i].Lag == 0 {
				zero = i
				break
			}
		}
		half := len(r.buf) / 2
		kept := 1
		for i := 1; i < len(r.buf); i++ {
			x := r.buf[i]
			if i < half && i%2 == 1 && i != zero {
				// Dropped: the next sample (kept, since i+1 is even or in
				// the newer half) inherits any decrease it would hide.
				prev, next := r.buf[kept-1], &r.buf[i+1]
				next.Decreased = next.Decreased || x.Decreased || x.Lag < prev.Lag || next.Lag < x.Lag
				continue
			}
			r.buf[kept] = x
			kept++
		}
		if kept == len(r.buf) {
			// Too few to thin: drop the oldest, as a full ring would.
			kept = copy(r.buf, r.buf[1:])
		}
		r.buf = r.buf[:kept]
	}
	r.mark()
	if cap(r.buf) > limit {
		shrunk := append(r.slab.get(limit), r.buf...)
		r.slab.put(r.buf)
		r.buf = shrunk
	}
}

// mark finds the newest zero lag and decrease of the samples held, for a
// ring whose samples were moved or dropped other than the oldest first.
func (r *ring) mark() {
	r.hasZero, r.hasDecrease = false, false
	for i := range r.len() {
		x := r.at(i)
		if x.Lag == 0 {
			r.zeroAt, r.hasZero = x.At, true
		}
		if i > 0 && (x.Lag < r.at(i-1).Lag || x.Decreased) {
			r.decreasedAt, r.hasDecrease = x.At, true
		}
	}
}

// search is the index of the first sample held taken at or after at.
func (r *ring) search(at int64) int {
	// Most rings hold the window and a sample or two before it: look at
	// the oldest few before searching.
	lo, hi := 0, len(r.buf)
	for ; lo < min(hi, 3); lo++ {
		if r.at(lo).At >= at {
			return lo
		}
	}
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if r.at(mid).At < at {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// evaluate is Evaluate of the ring's samples, without reading or copying
// the window: the rules need its first and last samples, the newest zero
// lag in it and whether the lag went down in it, which the ring keeps as
// samples arrive. A refresh costs the same whatever the window holds.
func (r *ring) evaluate(hasMembers bool, cfg EvalConfig) Evaluation {
	n := r.len()
	if n == 0 {
		return Evaluation{}
	}
	last, start := r.at(n-1), 0
	if cfg.Window > 0 {
		start = r.search(last.At - int64(cfg.Window))
	}
	first := r.at(start)
	ev := Evaluation{Samples: n - start}
	consumed := ev.measure(first, last)
	if ev.Samples < max(cfg.MinSamples, 2) {
		ev.Status = StatusUnknown
		return ev
	}
	ev.Status = r.status(first, last, consumed > 0, hasMembers, cfg.Window)
	return ev
}

// status is statusOf the window from first to last, from the ring's marks.
func (r *ring) status(first, last Sample, advancing, hasMembers bool, window time.Duration) Status {
	if last.Lag == 0 {
		return StatusOK
	}
	stuck := StatusStopped
	if hasMembers {
		stuck = StatusStalled
	}
	if r.hasZero && r.zeroAt >= first.At {
		z := r.search(r.zeroAt)
		zero := r.at(z)
		if consumedBetween(zero, last) > 0 {
			return StatusOK
		}
		span := window
		if span <= 0 {
			span = time.Duration(last.At - first.At)
		}
		if r.len()-z < 3 || 2*time.Duration(last.At-zero.At) < span {
			return StatusOK // not quiet long enough: see quietLongEnough
		}
		return stuck
	}
	if !advancing {
		return stuck
	}
	// A decrease at the window's first sample is from before the window.
	neverDecreased := !r.hasDecrease || r.decreasedAt <= first.At
	switch {
	case fallingBehind(first, last) && neverDecreased:
		return StatusFallingBehind
	case last.Lag < first.Lag:
		return StatusCatchingUp
	default:
		return StatusOK
	}
}

// runs returns the samples held from the i-th on, oldest first, as at most
// two runs of the buffer, to read and not to keep.
func (r *ring) runs(i int) (a, b []Sample) {
	n := len(r.buf)
	if !r.full || i >= n {
		return r.buf[min(i, n):], nil
	}
	start := (int(r.next) + i) % n
	if start >= int(r.next) {
		return r.buf[start:], r.buf[:r.next]
	}
	return r.buf[start:r.next], nil
}

// len is the number of samples held.
func (r *ring) len() int { return len(r.buf) }

// at returns the i-th sample held, oldest first.
func (r *ring) at(i int) Sample {
	if !r.full {
		return r.buf[i]
	}
	return r.buf[(int(r.next)+i)%len(r.buf)]
}

// appendFrom appends the samples taken at or after cut, oldest first.
func (r *ring) appendFrom(dst []Sample, cut int64) []Sample {
	n := len(r.buf)
	i := sort.Search(n, func(i int) bool { return r.at(i).At >= cut })
	if !r.full {
		return append(dst, r.buf[i:]...)
	}
	for ; i < n; i++ {
		dst = append(dst, r.at(i))
	}
	return dst
}

func (r *ring) appendTo(dst []Sample) []Sample { return r.appendFrom(dst, minTime) }

func (r *ring) last() (Sample, bool) {
	if len(r.buf) == 0 {
		return Sample{}, false
	}
	return r.at(len(r.buf) - 1), true
}

// slab holds the buffers of a History's rings: slots of stride samples
// (the samples a partition may keep) carved out of large blocks without
// pointers, which the garbage collector never scans and the allocator does
// not round up slot by slot. A slot given back is handed out again. A block
// is as large as the slots the newest snapshot still lacks, so a steady
// history is one block.
type slab struct {
	stride int
	want   int // slots the newest snapshot needs, for sizing a block
	blocks int // samples in all blocks
	rest   []Sample
	free   [][]Sample
}

// get returns an empty buffer of capacity n: a slot when n is the stride,
// else (a ring outside a History, or a size no slot has) from the heap.
func (s *slab) get(n int) []Sample {
	if s == nil || n != s.stride {
		return make([]Sample, 0, n)
	}
	if k := len(s.free); k > 0 {
		b := s.free[k-1]
		s.free = s.free[:k-1]
		return b[:0]
	}
	if len(s.rest) < n {
		slots := max(s.want-s.blocks/n, 1)
		s.rest = make([]Sample, slots*n)
		s.blocks += slots * n
	}
	b := s.rest[:0:n]
	s.rest = s.rest[n:]
	return b
}

// put gives back a buffer from get once no ring uses it.
func (s *slab) put(b []Sample) {
	if s != nil && cap(b) == s.stride && s.stride > 0 {
		s.free = append(s.free, b[:0])
	}
}

// minTime is before every sample.
const minTime = -1 << 63

// DefaultHistoryCapacity keeps 15 minutes of samples at the default 5 s
// refresh: three default evaluation windows, 8.4 KiB of samples per
// partition (48 bytes each).
const DefaultHistoryCapacity = 180

// DefaultHistoryBudget is the memory all samples of a History may take
// together unless told otherwise. 64 MiB keeps the whole default window (62
// samples every 5 s) of 20,000 partitions, and at 160,000 the fewest
// samples the status rules need (minPartitionSamples, 72 MB with the
// rings): Go lets its heap grow to twice what is live before collecting,
// so the samples count double in a process's memory, and a TUI watching
// 160,000 partitions stays under 400 MB.
const DefaultHistoryBudget = 64 << 20

// minPartitionSamples is the fewest samples a partition keeps however tight
// the budget: enough for every status rule (three in the window, two after a
// zero lag) after a thinning.
const minPartitionSamples = 8

// ringBytes is what a partition's ring is counted as besides its samples,
// in the budget and in Memory: about its ring in its group's slice.
const ringBytes = 64

// HistoryOptions size a History.
type HistoryOptions struct {
	// Capacity is the most samples kept per partition; the oldest goes
	// when a new one arrives.
	Capacity int
	// Budget is the most bytes the samples of all groups may take together;
	// DefaultHistoryBudget when zero. When the partitions held need more
	// than Capacity samples each would fit, each keeps fewer, thinning its
	// older half (every other sample dropped) instead of dropping its
	// oldest: the history still reaches as far back, more coarsely. At
	// least minPartitionSamples are kept per partition whatever the budget.
	Budget int64
}

type groupHistory struct {
	// parts are the rings of the group's partitions, by partition: in a
	// slice rather than a map of pointers, a partition costs its ring and
	// nothing more, and a group's partitions are read in one sweep.
	parts   []ring
	members bool
	seen    uint64 // generation of the last snapshot that named the group
}

// find is the index in gh.parts of partition p, or where it goes; hint
// is where it is likely to be (a snapshot lists a group's partitions in
// the order the history holds them).
func (gh *groupHistory) find(p int32, hint int) (int, bool) {
	if hint >= 0 && hint < len(gh.parts) && gh.parts[hint].partition == p {
		return hint, true
	}
	return slices.BinarySearchFunc(gh.parts, p, func(r ring, p int32) int { return cmp.Compare(r.partition, p) })
}

// ring is the ring of partition p; nil when the group has none.
func (gh *groupHistory) ring(p int32) *ring {
	if i, ok := gh.find(p, int(p)); ok {
		return &gh.parts[i]
	}
	return nil
}

// History keeps a bounded run of samples per group and partition, fed by
// every snapshot. Memory is bounded by capacity × partitions of the groups
// present in the newest snapshot and by a budget over all of them: groups
// that disappear are forgotten, and a group whose commits move backwards
// (an offset reset) starts over. History is not safe for concurrent use.
type History struct {
	capacity   int
	budget     int64
	limit      int // samples per partition under the budget, at most capacity
	partitions int // partitions held after the last Observe
	groups     map[string]*groupHistory
	gen        uint64
	slab       *slab // the rings' buffers, slots of limit samples
	// Scratch for the refresh times of a group (see groupTimes).
	times, spareTimes []int64
}

// NewHistory keeps at most capacity samples per partition, within
// DefaultHistoryBudget.
func NewHistory(capacity int) *History {
	return NewHistoryWith(HistoryOptions{Capacity: capacity})
}

// NewHistoryWith makes a History sized by opt.
func NewHistoryWith(opt HistoryOptions) *History {
	h := &History{capacity: max(opt.Capacity, 2), budget: opt.Budget, groups: make(map[string]*groupHistory)}
	if h.budget <= 0 {
		h.budget = DefaultHistoryBudget
	}
	h.limit = h.capacity
	h.slab = &slab{stride: h.limit}
	return h
}

// perPartition is how many samples each of n partitions may keep.
func (h *History) perPartition(n int) int {
	if n <= 0 {
		return h.capacity
	}
	fit := (h.budget/int64(n) - ringBytes) / SampleBytes
	return int(max(min(fit, int64(h.capacity)), min(minPartitionSamples, int64(h.capacity))))
}

// Observe records one sample for every partition of every group in s.
// Snapshots older than the newest sample already held are ignored.
func (h *History) Observe(s Snapshot) {
	h.gen++
	// The budget is shared by the partitions of this snapshot.
	n := 0
	for i := range s.Groups {
		n += len(s.Groups[i].Partitions)
	}
	if limit := h.perPartition(max(n, h.partitions)); limit != h.limit {
		h.relayout(limit)
	}
	h.slab.want = n
	at := s.TakenAt.UnixNano()
	held := 0
	for i := range s.Groups {
		g := &s.Groups[i]
		gh := h.groups[g.ID]
		if g.Err != nil {
			// Keep what we had: a failed describe is not a reset.
			if gh != nil {
				gh.seen = h.gen
			}
			continue
		}
		if gh == nil || rewound(gh, g) {
			if gh != nil {
				h.release(gh)
			}
			gh = &groupHistory{parts: make([]ring, 0, len(g.Partitions))}
			h.groups[g.ID] = gh
		}
		gh.seen = h.gen
		gh.members = len(g.Members) > 0
		for k, p := range g.Partitions {
			if p.Err != nil {
				// Its lag is unknown, not 0: a zero would pass for caught up.
				continue
			}
			i, ok := gh.find(p.Partition, k)
			if !ok {
				gh.parts = slices.Insert(gh.parts, i, ring{slab: h.slab, partition: p.Partition})
			}
			r := &gh.parts[i]
			if last, ok := r.last(); ok && at <= last.At {
				continue
			}
			r.add(sampleOf(p, at, s.TakenAt), h.limit, h.capacity)
		}
	}
	for id, gh := range h.groups {
		if gh.seen != h.gen {
			h.release(gh)
			delete(h.groups, id)
			continue
		}
		held += len(gh.parts)
	}
	h.partitions = held
}

func sampleOf(p PartitionLag, at int64, taken time.Time) Sample {
	s := Sample{At: at, Committed: p.Committed, HasCommitted: p.HasCommitted, End: p.End, Lag: p.Lag}
	if p.Lag > 0 && !p.OldestUnconsumed.IsZero() {
		s.TimeLag = max(taken.Sub(p.OldestUnconsumed), 0)
	}
	return s
}

// rewound reports whether any partition's commit moved backwards or vanished,
// which means someone reset or deleted the group's offsets.
func rewound(gh *groupHistory, g *Group) bool {
	for k, p := range g.Partitions {
		i, ok := gh.find(p.Partition, k)
		if !ok || p.Err != nil {
			// An unreadable commit is not a vanished one.
			continue
		}
		last, ok := gh.parts[i].last()
		if !ok || !last.HasCommitted {
			continue
		}
		if !p.HasCommitted || p.Committed < last.Committed {
			return true
		}
	}
	return false
}

// relayout moves every ring to a slab of slots of limit samples, thinning
// those that hold more, when the number of partitions held changes what
// each may keep under the budget. The old slab goes as a whole.
func (h *History) relayout(limit int) {
	old := h.slab
	h.limit = limit
	h.slab = &slab{stride: limit, want: h.partitions}
	var scratch []Sample
	for _, gh := range h.groups {
		for i := range gh.parts {
			r := &gh.parts[i]
			p := r.partition
			if r.len() > limit {
				// Thinned in a copy on the heap: the old slab is going.
				scratch = r.appendTo(scratch[:0])
				thinned := ring{buf: scratch}
				thinned.thin(limit)
				*r = thinned
			}
			buf := r.appendTo(h.slab.get(limit))
			old.put(r.buf)
			*r = ring{buf: buf, slab: h.slab, partition: p}
			r.mark()
		}
	}
}

// release gives the buffers of a group's rings back to the slab.
func (h *History) release(gh *groupHistory) {
	for i := range gh.parts {
		r := &gh.parts[i]
		r.slab.put(r.buf)
		r.buf = nil
	}
}

// Reset forgets a group's history (after kgroups itself resets or deletes it).
func (h *History) Reset(group string) {
	if gh := h.groups[group]; gh != nil {
		h.release(gh)
		delete(h.groups, group)
	}
}

// Len is the number of groups held.
func (h *History) Len() int { return len(h.groups) }

// HistoryMemory is what a History holds.
type HistoryMemory struct {
	Groups       int
	Partitions   int
	Samples      int   // samples held
	Bytes        int64 // memory taken by the samples and their rings
	Budget       int64 // the budget Bytes is kept under
	PerPartition int   // samples each partition may keep now
}

// Memory reports what the history holds and the memory it takes, for the
// help screen and for tests. It walks every partition: call it when asked,
// not on every refresh.
func (h *History) Memory() HistoryMemory {
	m := HistoryMemory{Groups: len(h.groups), Budget: h.budget, PerPartition: h.limit}
	for _, gh := range h.groups {
		m.Partitions += len(gh.parts)
		for i := range gh.parts {
			r := &gh.parts[i]
			m.Samples += len(r.buf)
			if r.slab != h.slab {
				// Not in a slot (a ring left behind by a relayout cannot be).
				m.Bytes += int64(cap(r.buf)) * SampleBytes
			}
		}
	}
	// The slab counts whole, its free slots included: they are memory taken.
	m.Bytes += int64(h.slab.blocks)*SampleBytes + int64(m.Partitions)*ringBytes
	return m
}

// PartitionSamples returns a copy of the samples of one partition, oldest first.
func (h *History) PartitionSamples(group string, partition int32) []Sample {
	gh := h.groups[group]
	if gh == nil {
		return nil
	}
	r := gh.ring(partition)
	if r == nil {
		return nil
	}
	return r.appendTo(nil)
}

// GroupSamples sums the group's partitions sample by sample (aligned on the
// refresh they were taken at), oldest first. A partition missing from a
// refresh (its offsets failed to load) counts with its previous sample, so
// the sum does not dip; one that had no sample yet counts for nothing.
// Committed is the sum of the positions the group resumes from (its commit,
// or the log start where it has none), HasCommitted whether any partition
// has a commit, TimeLag the largest of the partitions'.
func (h *History) GroupSamples(group string) []Sample {
	return h.groupSamplesFrom(group, minTime, nil)
}

// GroupLags appends to dst the lags of the group's newest n refreshes,
// oldest first: the tail of GroupSamples' lags, summed only over those
// refreshes, for a sparkline.
func (h *History) GroupLags(group string, n int, dst []int64) []int64 {
	gh := h.groups[group]
	if gh == nil || n <= 0 {
		return dst
	}
	// The newest n refreshes of the group are each among the newest n of
	// some partition.
	times := h.groupTimes(gh, func(r *ring) int64 { return r.at(max(r.len()-n, 0)).At })
	times = times[max(len(times)-n, 0):]
	if len(times) == 0 {
		return dst
	}
	from := len(dst)
	dst = slices.Grow(dst, len(times))[:from+len(times)]
	sums := dst[from:]
	clear(sums)
	cut := times[0]
	for i := range gh.parts {
		r := &gh.parts[i]
		// Partition by partition, each refresh counting the partition's
		// newest sample at or before it, as GroupSamples does.
		i := sort.Search(r.len(), func(i int) bool { return r.at(i).At >= cut })
		lag, has := int64(0), i > 0
		if has {
			lag = r.at(i - 1).Lag
		}
		for k, at := range times {
			for ; i < r.len(); i++ {
				x := r.at(i)
				if x.At > at {
					break
				}
				lag, has = x.Lag, true
			}
			if has {
				sums[k] += lag
			}
		}
	}
	return dst
}

// PartitionLags appends to dst the lags of a partition's newest n samples,
// oldest first.
func (h *History) PartitionLags(group string, partition int32, n int, dst []int64) []int64 {
	gh := h.groups[group]
	if gh == nil || n <= 0 {
		return dst
	}
	r := gh.ring(partition)
	if r == nil {
		return dst
	}
	for i := max(r.len()-n, 0); i < r.len(); i++ {
		dst = append(dst, r.at(i).Lag)
	}
	return dst
}

// groupSamplesFrom is GroupSamples from the refresh at or after cut on,
// each partition counting with its sample before cut until it has one.
func (h *History) groupSamplesFrom(group string, cut int64, dst []Sample) []Sample {
	gh := h.groups[group]
	if gh == nil {
		return dst
	}
	rings := make([]*ring, 0, len(gh.parts))
	for i := range gh.parts {
		rings = append(rings, &gh.parts[i])
	}
	times := slices.Clone(h.groupTimes(gh, func(*ring) int64 { return cut }))
	out := dst
	next := make([]int, len(rings)) // per ring: index of its first sample after the current time
	for k, r := range rings {
		next[k] = sort.Search(r.len(), func(i int) bool { return r.at(i).At >= cut })
	}
	for _, at := range times {
		sum := Sample{At: at}
		for k, r := range rings {
			for next[k] < r.len() && r.at(next[k]).At <= at {
				next[k]++
			}
			if next[k] == 0 {
				continue
			}
			x := r.at(next[k] - 1)
			pos := x.End - x.Lag
			if x.HasCommitted {
				pos = max(pos, x.Committed)
			}
			sum.Committed += pos
			sum.HasCommitted = sum.HasCommitted || x.HasCommitted
			sum.End += x.End
			sum.Lag += x.Lag
			sum.TimeLag = max(sum.TimeLag, x.TimeLag)
		}
		out = append(out, sum)
	}
	return out
}

// groupTimes is the sorted union of the times of the samples of gh's
// rings, each from the cut it gives, in the history's scratch: good until
// the next call. Evaluating every group each refresh allocates nothing.
func (h *History) groupTimes(gh *groupHistory, cut func(*ring) int64) []int64 {
	times, spare := h.times[:0], h.spareTimes[:0]
	for i := range gh.parts {
		r := &gh.parts[i]
		if r.len() == 0 {
			continue
		}
		if merged, ok := mergeTimes(spare, times, r, cut(r)); ok {
			times, spare = merged, times
		}
	}
	h.times, h.spareTimes = times, spare
	return times
}

// mergeTimes returns the sorted union of times and the times of r's
// samples at or after cut, in dst's array, and true; or times and false
// when that is times. Partitions are sampled together, so the common case
// is two equal runs, checked first.
func mergeTimes(dst, times []int64, r *ring, cut int64) ([]int64, bool) {
	from := r.search(cut)
	n := r.len() - from
	if len(times) == n && sameTimes(times, r, from) {
		return times, false
	}
	out := slices.Grow(dst[:0], len(times)+n)
	i, j := 0, from
	for i < len(times) || j < r.len() {
		switch {
		case j == r.len() || (i < len(times) && times[i] < r.at(j).At):
			out = append(out, times[i])
			i++
		case i == len(times) || r.at(j).At < times[i]:
			out = append(out, r.at(j).At)
			j++
		default: // the same refresh
			out = append(out, times[i])
			i++
			j++
		}
	}
	return out, true
}

// sameTimes reports whether times are those of r's samples from the
// from-th on, read run by run from the ring's buffer.
func sameTimes(times []int64, r *ring, from int) bool {
	a, b := r.runs(from)
	for k := range a {
		if times[k] != a[k].At {
			return false
		}
	}
	times = times[len(a):]
	for k := range b {
		if times[k] != b[k].At {
			return false
		}
	}
	return true
}

// groupWindow is the group's figures over the window from cut: what
// Evaluate gives for GroupSamples (its samples, lag, lag change, time lag
// and its change) without summing every refresh, only the first and the
// last; rates, catch-up and status are the caller's, from the partitions.
func (h *History) groupWindow(gh *groupHistory, cut int64) Evaluation {
	times := h.groupTimes(gh, func(*ring) int64 { return cut })
	ev := Evaluation{Samples: len(times)}
	if len(times) == 0 {
		return ev
	}
	first, last := sumAt(gh, times[0]), sumAt(gh, times[len(times)-1])
	ev.Lag, ev.LagDelta = last.Lag, last.Lag-first.Lag
	ev.TimeLag, ev.TimeLagDelta = last.TimeLag, last.TimeLag-first.TimeLag
	return ev
}

// sumAt is the group's sample at a refresh, as GroupSamples sums it: each
// partition counts with its newest sample taken at or before at.
func sumAt(gh *groupHistory, at int64) Sample {
	sum := Sample{At: at}
	for k := range gh.parts {
		r := &gh.parts[k]
		i := r.search(at + 1) // the first sample after at
		if i == 0 {
			continue
		}
		x := r.at(i - 1)
		sum.Lag += x.Lag
		sum.TimeLag = max(sum.TimeLag, x.TimeLag)
	}
	return sum
}

// GroupEvaluation is the verdict on a group: the most severe of its
// partitions' statuses, with rates and catch-up time over the whole group.
type GroupEvaluation struct {
	Evaluation
	Partitions map[int32]Evaluation
}

// EvaluateGroup evaluates every partition of group and the group as a whole:
// the group's status is the most severe known status of its partitions
// (UNKNOWN when none is known), its rates the sums of theirs, its lag, lag
// change and time lag those of GroupSamples.
func (h *History) EvaluateGroup(group string, cfg EvalConfig) GroupEvaluation {
	gh := h.groups[group]
	if gh == nil {
		return GroupEvaluation{}
	}
	out := GroupEvaluation{Partitions: make(map[int32]Evaluation, len(gh.parts))}
	out.Evaluation, _ = h.EvaluateGroupEach(group, cfg, func(p int32, ev Evaluation) { out.Partitions[p] = ev })
	return out
}

// EvaluateGroupEach is EvaluateGroup without a map to fill: it hands each
// partition's evaluation to each, in no particular order, and returns the
// group's; false when the history holds nothing of the group. A caller
// that keeps the verdicts of thousands of groups keeps what it needs of
// them where it likes, without a map a group every refresh.
func (h *History) EvaluateGroupEach(group string, cfg EvalConfig, each func(partition int32, ev Evaluation)) (Evaluation, bool) {
	gh := h.groups[group]
	if gh == nil {
		return Evaluation{}, false
	}
	worst, known := StatusUnknown, false
	var consume, produce float64
	newest := int64(minTime)
	for i := range gh.parts {
		if last, ok := gh.parts[i].last(); ok {
			newest = max(newest, last.At)
		}
	}
	for i := range gh.parts {
		r := &gh.parts[i]
		ev := r.evaluate(gh.members, cfg)
		if each != nil {
			each(r.partition, ev)
		}
		// Summed per partition: a partition the group never committed on
		// must not hide the others' progress.
		consume += ev.ConsumeRate
		produce += ev.ProduceRate
		if ev.Status != StatusUnknown {
			known = true
			worst = max(worst, ev.Status)
		}
	}
	cut := int64(minTime)
	if cfg.Window > 0 && newest != minTime {
		cut = newest - int64(cfg.Window)
	}
	out := h.groupWindow(gh, cut)
	out.ConsumeRate, out.ProduceRate = consume, produce
	out.CatchUp, out.CatchUpNever = catchUp(out.Lag, consume, produce)
	if known {
		out.Status = worst
	} else {
		out.Status = StatusUnknown
	}
	return out, true
}

// Lags returns the lag values of samples, for sparklines.
func Lags(samples []Sample) []int64 {
	out := make([]int64, len(samples))
	for i, s := range samples {
		out[i] = s.Lag
	}
	return out
}
