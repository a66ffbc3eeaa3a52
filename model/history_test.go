package model

import (
	"errors"
	"runtime"
	"testing"
	"time"
)

var errTest = errors.New("offsets unavailable")

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// ns is t as a Sample time.
func ns(t time.Time) int64 { return t.UnixNano() }

// run builds samples 5 s apart from (committed, end) pairs.
func run(pairs ...[2]int64) []Sample {
	out := make([]Sample, len(pairs))
	for i, p := range pairs {
		out[i] = Sample{At: ns(t0.Add(time.Duration(i) * 5 * time.Second)), Committed: p[0], HasCommitted: true, End: p[1], Lag: p[1] - p[0]}
	}
	return out
}

// spaced is run with samples every.
func spaced(every time.Duration, pairs ...[2]int64) []Sample {
	out := run(pairs...)
	for i := range out {
		out[i].At = ns(t0.Add(time.Duration(i) * every))
	}
	return out
}

func TestEvaluateStatus(t *testing.T) {
	cfg := EvalConfig{Window: time.Minute, MinSamples: 3}
	tests := []struct {
		name    string
		samples []Sample
		members bool
		want    Status
	}{
		{"no samples", nil, true, StatusUnknown},
		{"two samples are too few", run([2]int64{0, 10}, [2]int64{5, 10}), true, StatusUnknown},
		{"caught up", run([2]int64{10, 10}, [2]int64{10, 10}, [2]int64{10, 10}), false, StatusOK},
		{"lag reached zero in window", run([2]int64{10, 10}, [2]int64{10, 20}, [2]int64{15, 25}), true, StatusOK},
		{"caught up, records just arrived", run([2]int64{10, 10}, [2]int64{10, 10}, [2]int64{10, 14}), false, StatusOK},
		{"caught up, then commits again", run([2]int64{10, 10}, [2]int64{10, 14}, [2]int64{12, 20}), true, StatusOK},
		{"caught up, then quiet for less than half the window", run([2]int64{10, 10}, [2]int64{10, 14}, [2]int64{10, 20}), false, StatusOK},
		{"caught up, then no commit for half the window, no members", spaced(15*time.Second, [2]int64{10, 10}, [2]int64{10, 14}, [2]int64{10, 20}), false, StatusStopped},
		{"caught up, then no commit for half the window, members", spaced(15*time.Second, [2]int64{10, 10}, [2]int64{10, 14}, [2]int64{10, 20}), true, StatusStalled},
		{"shrinking lag", run([2]int64{0, 100}, [2]int64{30, 110}, [2]int64{60, 120}), true, StatusCatchingUp},
		{"keeping pace with constant lag", run([2]int64{0, 10}, [2]int64{10, 20}, [2]int64{20, 30}), true, StatusOK},
		{"growing lag while commits advance", run([2]int64{0, 10}, [2]int64{5, 30}, [2]int64{10, 50}), true, StatusFallingBehind},
		{"grew by one is noise", run([2]int64{0, 10}, [2]int64{5, 15}, [2]int64{10, 21}), true, StatusOK},
		{"grew by two", run([2]int64{0, 10}, [2]int64{5, 15}, [2]int64{10, 22}), true, StatusFallingBehind},
		{"grew by less than 5% of what was appended", run([2]int64{0, 10}, [2]int64{100, 111}, [2]int64{200, 213}), true, StatusOK},
		{"grew by more than 5% of what was appended", run([2]int64{0, 10}, [2]int64{100, 111}, [2]int64{200, 221}), true, StatusFallingBehind},
		{"shrank by one", run([2]int64{0, 10}, [2]int64{5, 15}, [2]int64{10, 19}), true, StatusCatchingUp},
		{"commits stuck with members", run([2]int64{5, 10}, [2]int64{5, 12}, [2]int64{5, 14}), true, StatusStalled},
		{"commits stuck, lag fixed, members", run([2]int64{5, 10}, [2]int64{5, 10}, [2]int64{5, 10}), true, StatusStalled},
		{"commits stuck without members", run([2]int64{5, 10}, [2]int64{5, 10}, [2]int64{5, 10}), false, StatusStopped},
		{"never committed, no members", []Sample{
			{At: ns(t0), End: 10, Lag: 10}, {At: ns(t0.Add(5 * time.Second)), End: 10, Lag: 10}, {At: ns(t0.Add(10 * time.Second)), End: 10, Lag: 10},
		}, false, StatusStopped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Evaluate(tt.samples, tt.members, cfg).Status; got != tt.want {
				t.Fatalf("status = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvaluateWindowDropsOldSamples(t *testing.T) {
	// Stuck for a long time, then moving in the last minute: only the window counts.
	s := run([2]int64{0, 100}, [2]int64{0, 100}, [2]int64{0, 100})
	for i := range s {
		s[i].At = ns(t0.Add(time.Duration(i) * time.Minute))
	}
	later := run([2]int64{10, 100}, [2]int64{40, 100}, [2]int64{70, 100})
	for i := range later {
		later[i].At = ns(t0.Add(10*time.Minute + time.Duration(i)*10*time.Second))
	}
	all := append(s, later...)
	ev := Evaluate(all, true, EvalConfig{Window: time.Minute, MinSamples: 3})
	if ev.Status != StatusCatchingUp || ev.Samples != 3 {
		t.Fatalf("got %v over %d samples, want CATCHING UP over 3", ev.Status, ev.Samples)
	}
}

func TestEvaluateRatesAndCatchUp(t *testing.T) {
	// Over 10 s: consumes 150 (15/s), produces 50 (5/s), lag 100 → 10 s to catch up.
	s := []Sample{
		{At: ns(t0), Committed: 0, HasCommitted: true, End: 200, Lag: 200},
		{At: ns(t0.Add(5 * time.Second)), Committed: 50, HasCommitted: true, End: 225, Lag: 175},
		{At: ns(t0.Add(10 * time.Second)), Committed: 150, HasCommitted: true, End: 250, Lag: 100},
	}
	ev := Evaluate(s, true, DefaultEvalConfig())
	if ev.ConsumeRate != 15 || ev.ProduceRate != 5 {
		t.Fatalf("rates = %v/%v, want 15/5", ev.ConsumeRate, ev.ProduceRate)
	}
	if ev.CatchUp != 10*time.Second || ev.CatchUpNever {
		t.Fatalf("catch up = %v never=%v, want 10s", ev.CatchUp, ev.CatchUpNever)
	}
	slow := run([2]int64{0, 10}, [2]int64{5, 20}, [2]int64{10, 30})
	if ev := Evaluate(slow, true, DefaultEvalConfig()); !ev.CatchUpNever {
		t.Fatalf("consume 1/s < produce 2/s must never catch up, got %v", ev.CatchUp)
	}
}

func snap(at time.Time, groups ...Group) Snapshot { return Snapshot{TakenAt: at, Groups: groups} }

func grp(id string, members int, parts ...PartitionLag) Group {
	g := Group{ID: id, Partitions: parts}
	for range members {
		g.Members = append(g.Members, Member{ClientID: "c"})
	}
	return g
}

func pl(p int32, c, end int64) PartitionLag {
	return PartitionLag{Partition: p, Committed: c, HasCommitted: true, End: end, Lag: end - c}
}

func TestHistoryBoundedAndOrdered(t *testing.T) {
	h := NewHistory(4)
	for i := range 10 {
		h.Observe(snap(t0.Add(time.Duration(i)*time.Second), grp("g", 1, pl(0, int64(i), 100))))
	}
	got := h.PartitionSamples("g", 0)
	if len(got) != 4 {
		t.Fatalf("kept %d samples, want 4", len(got))
	}
	for i, s := range got {
		if s.Committed != int64(6+i) {
			t.Fatalf("sample %d committed %d, want %d (oldest first)", i, s.Committed, 6+i)
		}
	}
}

func TestHistoryIgnoresRepeatedSnapshot(t *testing.T) {
	h := NewHistory(10)
	s := snap(t0, grp("g", 0, pl(0, 1, 2)))
	h.Observe(s)
	h.Observe(s)
	if n := len(h.PartitionSamples("g", 0)); n != 1 {
		t.Fatalf("same snapshot twice gave %d samples", n)
	}
}

func TestHistoryResetOnRewindAndForgetOnDelete(t *testing.T) {
	h := NewHistory(10)
	h.Observe(snap(t0, grp("g", 0, pl(0, 50, 100)), grp("other", 0, pl(0, 1, 2))))
	h.Observe(snap(t0.Add(time.Second), grp("g", 0, pl(0, 60, 100)), grp("other", 0, pl(0, 1, 2))))
	// Offsets reset to earliest: history starts over.
	h.Observe(snap(t0.Add(2*time.Second), grp("g", 0, pl(0, 0, 100)), grp("other", 0, pl(0, 1, 2))))
	if got := h.PartitionSamples("g", 0); len(got) != 1 || got[0].Committed != 0 {
		t.Fatalf("after a rewind got %+v, want one fresh sample", got)
	}
	// Group deleted: forgotten.
	h.Observe(snap(t0.Add(3*time.Second), grp("g", 0, pl(0, 0, 100))))
	if h.PartitionSamples("other", 0) != nil || h.Len() != 1 {
		t.Fatalf("deleted group kept: len %d", h.Len())
	}
	h.Reset("g")
	if h.Len() != 0 {
		t.Fatal("Reset kept the group")
	}
}

func TestEvaluateGroupWorstPartition(t *testing.T) {
	h := NewHistory(10)
	for i := range 3 {
		at := t0.Add(time.Duration(i) * 5 * time.Second)
		h.Observe(snap(at, grp("g", 1,
			pl(0, int64(10*i), 100), // catching up
			pl(1, 5, 50),            // stalled: commits stuck, member present
		)))
	}
	ev := h.EvaluateGroup("g", DefaultEvalConfig())
	if ev.Status != StatusStalled {
		t.Fatalf("group status %v, want STALLED (worst partition)", ev.Status)
	}
	if ev.Partitions[0].Status != StatusCatchingUp {
		t.Fatalf("partition 0 %v, want CATCHING UP", ev.Partitions[0].Status)
	}
	if gs := h.GroupSamples("g"); len(gs) != 3 || gs[2].Lag != 80+45 {
		t.Fatalf("group samples %+v", gs)
	}
}

// benchGroups builds n groups of parts partitions each.
func benchGroups(n, parts int) []Group {
	groups := make([]Group, n)
	for i := range groups {
		ps := make([]PartitionLag, parts)
		for p := range ps {
			ps[p] = pl(int32(p), 0, 100)
		}
		groups[i] = Group{ID: string(rune('a'+i%26)) + string(rune(i)), Partitions: ps}
	}
	return groups
}

func BenchmarkHistoryObserve(b *testing.B) {
	// 2,000 groups × 8 partitions observed for longer than the capacity:
	// memory stays at capacity × partitions.
	groups := benchGroups(2000, 8)
	h := NewHistory(DefaultHistoryCapacity)
	// Fill every ring first: what is measured is the steady state of a
	// long-running session, which must not allocate per sample.
	i := 0
	for ; i < DefaultHistoryCapacity; i++ {
		h.Observe(Snapshot{TakenAt: t0.Add(time.Duration(i) * time.Second), Groups: groups})
	}
	b.ReportAllocs()
	for b.Loop() {
		i++
		h.Observe(Snapshot{TakenAt: t0.Add(time.Duration(i) * time.Second), Groups: groups})
	}
}

func TestHistoryMemoryStaysBounded(t *testing.T) {
	h := NewHistory(16)
	for i := range 1000 {
		h.Observe(snap(t0.Add(time.Duration(i)*time.Second), grp("g", 0, pl(0, int64(i), 2000), pl(1, int64(i), 2000))))
	}
	for p, r := range h.groups["g"].parts {
		if len(r.buf) != 16 || cap(r.buf) != 16 {
			t.Fatalf("partition %d ring len %d cap %d, want 16 and no spare capacity", p, len(r.buf), cap(r.buf))
		}
	}
}

// lags builds samples 5 s apart with the given lags, commits advancing by
// 10 each time (the end follows).
func lags(ls ...int64) []Sample {
	out := make([]Sample, len(ls))
	for i, l := range ls {
		c := int64(10 * i)
		out[i] = Sample{At: ns(t0.Add(time.Duration(i) * 5 * time.Second)), Committed: c, HasCommitted: true, End: c + l, Lag: l}
	}
	return out
}

func TestEvaluateStatusBoundaries(t *testing.T) {
	cfg := EvalConfig{Window: 10 * time.Second, MinSamples: 3}
	noCommit := func(at time.Duration, end, lag int64) Sample { return Sample{At: ns(t0.Add(at)), End: end, Lag: lag} }
	committed := func(at time.Duration, c, end, lag int64) Sample {
		return Sample{At: ns(t0.Add(at)), Committed: c, HasCommitted: true, End: end, Lag: lag}
	}
	tests := []struct {
		name    string
		samples []Sample
		members bool
		want    Status
	}{
		{"exactly MinSamples", lags(30, 20, 10), true, StatusCatchingUp},
		{"sawtooth ending higher keeps pace (Burrow rule 5)", lags(12, 38, 14), true, StatusOK},
		{"sawtooth ending lower", lags(40, 12, 39), true, StatusCatchingUp},
		{"flat then up never went down", lags(10, 10, 12), true, StatusFallingBehind},
		{"zero at the oldest sample in the window", lags(0, 5, 9), true, StatusOK},
		{"zero just outside the window", lags(0, 5, 9, 14), true, StatusFallingBehind},
		{"first commit is progress", []Sample{
			noCommit(0, 100, 100), committed(5*time.Second, 30, 100, 70), committed(10*time.Second, 60, 100, 40),
		}, true, StatusCatchingUp},
		{"never committed while retention shrinks the lag", []Sample{
			// Log start moves 0 → 20 → 40: End − Lag advances but nothing was consumed.
			noCommit(0, 100, 100), noCommit(5*time.Second, 100, 80), noCommit(10*time.Second, 100, 60),
		}, true, StatusStalled},
		{"expired commit stuck below the log start", []Sample{
			committed(0, 5, 100, 90), committed(5*time.Second, 5, 100, 80), committed(10*time.Second, 5, 100, 70),
		}, false, StatusStopped},
		{"expired commit moving past the log start", []Sample{
			committed(0, 5, 100, 90), committed(5*time.Second, 20, 100, 80), committed(10*time.Second, 40, 100, 60),
		}, true, StatusCatchingUp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Evaluate(tt.samples, tt.members, cfg).Status; got != tt.want {
				t.Fatalf("status = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvaluateConsumeRateCountsFirstCommitFromLogStart(t *testing.T) {
	// Log start 40; the first commit lands at 90: 50 records consumed in 10 s.
	s := []Sample{
		{At: ns(t0), End: 100, Lag: 60},
		{At: ns(t0.Add(5 * time.Second)), End: 100, Lag: 60},
		{At: ns(t0.Add(10 * time.Second)), Committed: 90, HasCommitted: true, End: 100, Lag: 10},
	}
	if ev := Evaluate(s, true, DefaultEvalConfig()); ev.ConsumeRate != 5 {
		t.Fatalf("consume rate %v, want 5/s", ev.ConsumeRate)
	}
}

func TestEvaluateTruncatedLogProducesNothing(t *testing.T) {
	s := []Sample{
		{At: ns(t0), Committed: 10, HasCommitted: true, End: 100, Lag: 90},
		{At: ns(t0.Add(10 * time.Second)), Committed: 10, HasCommitted: true, End: 50, Lag: 40},
	}
	if ev := Evaluate(s, true, DefaultEvalConfig()); ev.ProduceRate != 0 {
		t.Fatalf("produce rate %v after the log end moved back, want 0", ev.ProduceRate)
	}
}

func TestHistorySkipsFailedPartitions(t *testing.T) {
	h := NewHistory(10)
	failed := PartitionLag{Partition: 0, Err: errTest} // lag unknown: Lag 0, no commit
	for i, p := range []PartitionLag{pl(0, 5, 50), pl(0, 5, 50), failed, pl(0, 5, 50)} {
		h.Observe(snap(t0.Add(time.Duration(i)*5*time.Second), grp("g", 1, p)))
	}
	got := h.PartitionSamples("g", 0)
	if len(got) != 3 {
		t.Fatalf("kept %d samples, want 3 (the failed one skipped, no reset)", len(got))
	}
	if st := h.EvaluateGroup("g", DefaultEvalConfig()).Status; st != StatusStalled {
		t.Fatalf("status %v, want STALLED: a failed read is not a zero lag", st)
	}
}

func TestGroupSamplesCarryMissingPartitionForward(t *testing.T) {
	h := NewHistory(10)
	h.Observe(snap(t0, grp("g", 1, pl(0, 0, 100), pl(1, 0, 10))))
	h.Observe(snap(t0.Add(5*time.Second), grp("g", 1, pl(0, 10, 100), PartitionLag{Partition: 1, Err: errTest})))
	h.Observe(snap(t0.Add(10*time.Second), grp("g", 1, pl(0, 20, 100), pl(1, 0, 10))))
	gs := h.GroupSamples("g")
	want := []int64{110, 100, 90}
	if got := Lags(gs); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("group lags %v, want %v", got, want)
	}
}

func TestEvaluateGroupRatesSumPartitions(t *testing.T) {
	// Partition 0 consumes 2/s; partition 1 is empty and was never committed
	// on, as a consumer commits only what it read.
	h := NewHistory(10)
	for i := range 3 {
		at := t0.Add(time.Duration(i) * 5 * time.Second)
		h.Observe(snap(at, grp("g", 1,
			pl(0, int64(10*i), 100),
			PartitionLag{Partition: 1},
		)))
	}
	ev := h.EvaluateGroup("g", DefaultEvalConfig())
	if ev.ConsumeRate != 2 || ev.CatchUpNever || ev.CatchUp != 40*time.Second {
		t.Fatalf("consume %v/s, catch up %v never=%v; want 2/s and 40s", ev.ConsumeRate, ev.CatchUp, ev.CatchUpNever)
	}
	if ev.Status != StatusCatchingUp || ev.Partitions[1].Status != StatusOK {
		t.Fatalf("status %v (partition 1 %v), want CATCHING UP (OK)", ev.Status, ev.Partitions[1].Status)
	}
}

func TestEvaluateGroupUnknownUntilEnoughSamples(t *testing.T) {
	h := NewHistory(10)
	h.Observe(snap(t0, grp("g", 0, pl(0, 5, 10))))
	h.Observe(snap(t0.Add(5*time.Second), grp("g", 0, pl(0, 5, 10))))
	if st := h.EvaluateGroup("g", DefaultEvalConfig()).Status; st != StatusUnknown {
		t.Fatalf("status %v after 2 samples, want UNKNOWN", st)
	}
	if ev := h.EvaluateGroup("missing", DefaultEvalConfig()); ev.Status != StatusUnknown || ev.Partitions != nil {
		t.Fatalf("unknown group evaluated to %+v", ev)
	}
}

func TestStatusStringsAndSeverity(t *testing.T) {
	order := []Status{StatusUnknown, StatusOK, StatusCatchingUp, StatusFallingBehind, StatusStalled, StatusStopped}
	words := []string{"UNKNOWN", "OK", "CATCHING UP", "FALLING BEHIND", "STALLED", "STOPPED"}
	for i, s := range order {
		if s.String() != words[i] {
			t.Errorf("%d: %q, want %q", i, s.String(), words[i])
		}
		if i > 0 && s.Severity() <= order[i-1].Severity() {
			t.Errorf("%v not more severe than %v", s, order[i-1])
		}
	}
	if Status(99).String() != "UNKNOWN" {
		t.Error("out-of-range status has a name")
	}
}

// BenchmarkHistoryRetained reports the heap a History keeps per partition
// after ten times its capacity of refreshes: the figure a long session costs.
func BenchmarkHistoryRetained(b *testing.B) {
	const nGroups, nParts = 200, 8
	groups := benchGroups(nGroups, nParts)
	var retained uint64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		h := NewHistory(DefaultHistoryCapacity)
		for i := range 10 * DefaultHistoryCapacity {
			h.Observe(Snapshot{TakenAt: t0.Add(time.Duration(i) * time.Second), Groups: groups})
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		retained = after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(h)
	}
	b.ReportMetric(float64(retained)/(nGroups*nParts), "B/partition")
}

// BenchmarkEvaluateGroup is the cost of one group's verdict with full rings,
// paid for every group at every refresh.
func BenchmarkEvaluateGroup(b *testing.B) {
	groups := benchGroups(1, 8)
	h := NewHistory(DefaultHistoryCapacity)
	for i := range DefaultHistoryCapacity {
		for p := range groups[0].Partitions {
			groups[0].Partitions[p] = pl(int32(p), int64(i), int64(100+2*i))
		}
		h.Observe(Snapshot{TakenAt: t0.Add(time.Duration(i) * 5 * time.Second), Groups: groups})
	}
	cfg := DefaultEvalConfig()
	b.ReportAllocs()
	for b.Loop() {
		h.EvaluateGroup(groups[0].ID, cfg)
	}
}

func TestGroupSamplesAfterWrapAndLatePartition(t *testing.T) {
	h := NewHistory(4)
	for i := range 10 {
		parts := []PartitionLag{pl(0, int64(i), 100)}
		if i >= 7 {
			// A partition added to the topic at the eighth refresh.
			parts = append(parts, pl(1, 0, int64(i)))
		}
		h.Observe(snap(t0.Add(time.Duration(i)*time.Second), grp("g", 1, parts...)))
	}
	gs := h.GroupSamples("g")
	// Partition 0 holds refreshes 6..9, partition 1 holds 7..9.
	want := []struct {
		at  int
		lag int64
	}{{6, 94}, {7, 93 + 7}, {8, 92 + 8}, {9, 91 + 9}}
	if len(gs) != len(want) {
		t.Fatalf("%d group samples, want %d: %+v", len(gs), len(want), gs)
	}
	for i, w := range want {
		if gs[i].At != ns(t0.Add(time.Duration(w.at)*time.Second)) || gs[i].Lag != w.lag {
			t.Errorf("sample %d: at %v lag %d, want refresh %d lag %d", i, gs[i].At, gs[i].Lag, w.at, w.lag)
		}
	}
}
