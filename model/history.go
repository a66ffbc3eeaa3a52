package model

import (
	"sort"
	"time"
)

// Status says whether a group (or one of its partitions) needs attention.
// The rules, evaluated over the samples inside the window (see Evaluate):
//
//   - UNKNOWN: fewer than MinSamples samples in the window. Never a guess.
//   - OK: lag is 0 now, or was 0 at some sample in the window (Burrow's first
//     rule: a consumer that reaches the end between batches is fine), or the
//     commits advance and the lag did not change (keeping pace).
//   - CATCHING UP: lag > 0, commits advance and the lag shrank over the window.
//   - FALLING BEHIND: lag > 0, commits advance but the lag grew over the window.
//   - STALLED: lag > 0, commits did not advance over the window, members present.
//   - STOPPED: lag > 0, commits did not advance over the window, no members.
//
// Burrow is the reference point; two deliberate differences: a constant lag
// with advancing commits is OK here (Burrow warns), since a consumer keeping
// pace with a steady stream always shows some lag; and STOPPED is decided by
// the absence of members rather than by the age of the last commit, which
// Kafka does not report.
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

// Sample is one observation of a partition taken at a refresh.
type Sample struct {
	At           time.Time
	Committed    int64
	HasCommitted bool
	End          int64
	Lag          int64
	TimeLag      time.Duration // age of the oldest unconsumed record; 0 when unknown or no lag
}

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
	cut := samples[len(samples)-1].At.Add(-cfg.Window)
	i := sort.Search(len(samples), func(i int) bool { return !samples[i].At.Before(cut) })
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
	first, last := w[0], w[len(w)-1]
	ev.Lag, ev.LagDelta = last.Lag, last.Lag-first.Lag
	ev.TimeLag, ev.TimeLagDelta = last.TimeLag, last.TimeLag-first.TimeLag
	consumed := committedDelta(first, last)
	if secs := last.At.Sub(first.At).Seconds(); secs > 0 {
		ev.ConsumeRate = float64(consumed) / secs
		ev.ProduceRate = float64(last.End-first.End) / secs
	}
	ev.CatchUp, ev.CatchUpNever = catchUp(ev.Lag, ev.ConsumeRate, ev.ProduceRate)
	if len(w) < max(cfg.MinSamples, 2) {
		ev.Status = StatusUnknown
		return ev
	}
	ev.Status = statusOf(w, consumed > 0, hasMembers)
	return ev
}

func statusOf(w []Sample, advancing, hasMembers bool) Status {
	last := w[len(w)-1]
	if last.Lag == 0 {
		return StatusOK
	}
	for _, s := range w {
		if s.Lag == 0 {
			return StatusOK
		}
	}
	if !advancing {
		if hasMembers {
			return StatusStalled
		}
		return StatusStopped
	}
	switch delta := last.Lag - w[0].Lag; {
	case delta < 0:
		return StatusCatchingUp
	case delta > 0:
		return StatusFallingBehind
	default:
		return StatusOK
	}
}

// committedDelta is how far commits moved between two samples; a first commit
// counts from the log end of the earlier sample's view only when both exist.
func committedDelta(first, last Sample) int64 {
	if !first.HasCommitted || !last.HasCommitted {
		return 0
	}
	return max(last.Committed-first.Committed, 0)
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

// ring is a bounded buffer of samples, oldest first when read. It grows as
// samples arrive, so a short session costs only what it saw.
type ring struct {
	buf  []Sample
	size int // capacity bound
	next int
	full bool
}

func (r *ring) add(s Sample) {
	if !r.full {
		r.buf = append(r.buf, s)
		if len(r.buf) == r.size {
			r.full = true
		}
		return
	}
	r.buf[r.next] = s
	r.next = (r.next + 1) % len(r.buf)
}

func (r *ring) appendTo(dst []Sample) []Sample {
	if !r.full {
		return append(dst, r.buf...)
	}
	dst = append(dst, r.buf[r.next:]...)
	return append(dst, r.buf[:r.next]...)
}

func (r *ring) last() (Sample, bool) {
	if len(r.buf) == 0 {
		return Sample{}, false
	}
	if !r.full {
		return r.buf[len(r.buf)-1], true
	}
	return r.buf[(r.next+len(r.buf)-1)%len(r.buf)], true
}

// DefaultHistoryCapacity keeps 15 minutes of samples at the default 5 s
// refresh: three default evaluation windows, 11.5 KiB per partition.
const DefaultHistoryCapacity = 180

type groupHistory struct {
	parts   map[int32]*ring
	members bool
	seen    uint64 // generation of the last snapshot that named the group
}

// History keeps a bounded run of samples per group and partition, fed by
// every snapshot. Memory is bounded by capacity × partitions of the groups
// present in the newest snapshot: groups that disappear are forgotten, and a
// group whose commits move backwards (an offset reset) starts over.
// History is not safe for concurrent use.
type History struct {
	capacity int
	groups   map[string]*groupHistory
	gen      uint64
}

// NewHistory keeps at most capacity samples per partition.
func NewHistory(capacity int) *History {
	if capacity < 2 {
		capacity = 2
	}
	return &History{capacity: capacity, groups: make(map[string]*groupHistory)}
}

// Observe records one sample for every partition of every group in s.
// Snapshots older than the newest sample already held are ignored.
func (h *History) Observe(s Snapshot) {
	h.gen++
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
			gh = &groupHistory{parts: make(map[int32]*ring, len(g.Partitions))}
			h.groups[g.ID] = gh
		}
		gh.seen = h.gen
		gh.members = len(g.Members) > 0
		for _, p := range g.Partitions {
			r := gh.parts[p.Partition]
			if r == nil {
				r = &ring{size: h.capacity}
				gh.parts[p.Partition] = r
			}
			if last, ok := r.last(); ok && !s.TakenAt.After(last.At) {
				continue
			}
			r.add(sampleOf(p, s.TakenAt))
		}
	}
	for id, gh := range h.groups {
		if gh.seen != h.gen {
			delete(h.groups, id)
		}
	}
}

func sampleOf(p PartitionLag, at time.Time) Sample {
	s := Sample{At: at, Committed: p.Committed, HasCommitted: p.HasCommitted, End: p.End, Lag: p.Lag}
	if p.Lag > 0 && !p.OldestUnconsumed.IsZero() {
		s.TimeLag = max(at.Sub(p.OldestUnconsumed), 0)
	}
	return s
}

// rewound reports whether any partition's commit moved backwards or vanished,
// which means someone reset or deleted the group's offsets.
func rewound(gh *groupHistory, g *Group) bool {
	for _, p := range g.Partitions {
		r := gh.parts[p.Partition]
		if r == nil {
			continue
		}
		last, ok := r.last()
		if !ok || !last.HasCommitted {
			continue
		}
		if !p.HasCommitted || p.Committed < last.Committed {
			return true
		}
	}
	return false
}

// Reset forgets a group's history (after kgroups itself resets or deletes it).
func (h *History) Reset(group string) { delete(h.groups, group) }

// Len is the number of groups held.
func (h *History) Len() int { return len(h.groups) }

// PartitionSamples returns a copy of the samples of one partition, oldest first.
func (h *History) PartitionSamples(group string, partition int32) []Sample {
	gh := h.groups[group]
	if gh == nil {
		return nil
	}
	r := gh.parts[partition]
	if r == nil {
		return nil
	}
	return r.appendTo(nil)
}

// GroupSamples sums the group's partitions sample by sample (aligned on the
// refresh they were taken at), oldest first.
func (h *History) GroupSamples(group string) []Sample {
	gh := h.groups[group]
	if gh == nil {
		return nil
	}
	byTime := map[time.Time]*Sample{}
	var order []time.Time
	var scratch []Sample
	for _, r := range gh.parts {
		scratch = r.appendTo(scratch[:0])
		for _, s := range scratch {
			sum := byTime[s.At]
			if sum == nil {
				sum = &Sample{At: s.At, HasCommitted: true}
				byTime[s.At] = sum
				order = append(order, s.At)
			}
			sum.Committed += s.Committed
			sum.HasCommitted = sum.HasCommitted && s.HasCommitted
			sum.End += s.End
			sum.Lag += s.Lag
			sum.TimeLag = max(sum.TimeLag, s.TimeLag)
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i].Before(order[j]) })
	out := make([]Sample, len(order))
	for i, t := range order {
		out[i] = *byTime[t]
	}
	return out
}

// GroupEvaluation is the verdict on a group: the most severe of its
// partitions' statuses, with rates and catch-up time over the whole group.
type GroupEvaluation struct {
	Evaluation
	Partitions map[int32]Evaluation
}

// EvaluateGroup evaluates every partition of group and the group as a whole.
func (h *History) EvaluateGroup(group string, cfg EvalConfig) GroupEvaluation {
	gh := h.groups[group]
	if gh == nil {
		return GroupEvaluation{}
	}
	out := GroupEvaluation{Partitions: make(map[int32]Evaluation, len(gh.parts))}
	worst, known := StatusUnknown, false
	var scratch []Sample
	for p, r := range gh.parts {
		scratch = r.appendTo(scratch[:0])
		ev := Evaluate(scratch, gh.members, cfg)
		out.Partitions[p] = ev
		if ev.Status != StatusUnknown {
			known = true
			worst = max(worst, ev.Status)
		}
	}
	out.Evaluation = Evaluate(h.GroupSamples(group), gh.members, cfg)
	if known {
		out.Status = worst
	} else {
		out.Status = StatusUnknown
	}
	return out
}

// Lags returns the lag values of samples, for sparklines.
func Lags(samples []Sample) []int64 {
	out := make([]int64, len(samples))
	for i, s := range samples {
		out[i] = s.Lag
	}
	return out
}
