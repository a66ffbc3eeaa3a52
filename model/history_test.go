package model

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// run builds samples 5 s apart from (committed, end) pairs.
func run(pairs ...[2]int64) []Sample {
	out := make([]Sample, len(pairs))
	for i, p := range pairs {
		out[i] = Sample{At: t0.Add(time.Duration(i) * 5 * time.Second), Committed: p[0], HasCommitted: true, End: p[1], Lag: p[1] - p[0]}
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
		{"shrinking lag", run([2]int64{0, 100}, [2]int64{30, 110}, [2]int64{60, 120}), true, StatusCatchingUp},
		{"keeping pace with constant lag", run([2]int64{0, 10}, [2]int64{10, 20}, [2]int64{20, 30}), true, StatusOK},
		{"growing lag while commits advance", run([2]int64{0, 10}, [2]int64{5, 30}, [2]int64{10, 50}), true, StatusFallingBehind},
		{"grew by one", run([2]int64{0, 10}, [2]int64{5, 15}, [2]int64{10, 21}), true, StatusFallingBehind},
		{"shrank by one", run([2]int64{0, 10}, [2]int64{5, 15}, [2]int64{10, 19}), true, StatusCatchingUp},
		{"commits stuck with members", run([2]int64{5, 10}, [2]int64{5, 12}, [2]int64{5, 14}), true, StatusStalled},
		{"commits stuck, lag fixed, members", run([2]int64{5, 10}, [2]int64{5, 10}, [2]int64{5, 10}), true, StatusStalled},
		{"commits stuck without members", run([2]int64{5, 10}, [2]int64{5, 10}, [2]int64{5, 10}), false, StatusStopped},
		{"never committed, no members", []Sample{
			{At: t0, End: 10, Lag: 10}, {At: t0.Add(5 * time.Second), End: 10, Lag: 10}, {At: t0.Add(10 * time.Second), End: 10, Lag: 10},
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
		s[i].At = t0.Add(time.Duration(i) * time.Minute)
	}
	later := run([2]int64{10, 100}, [2]int64{40, 100}, [2]int64{70, 100})
	for i := range later {
		later[i].At = t0.Add(10*time.Minute + time.Duration(i)*10*time.Second)
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
		{At: t0, Committed: 0, HasCommitted: true, End: 200, Lag: 200},
		{At: t0.Add(5 * time.Second), Committed: 50, HasCommitted: true, End: 225, Lag: 175},
		{At: t0.Add(10 * time.Second), Committed: 150, HasCommitted: true, End: 250, Lag: 100},
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

func BenchmarkHistoryObserve(b *testing.B) {
	// 2,000 groups × 8 partitions observed for longer than the capacity:
	// memory stays at capacity × partitions.
	groups := make([]Group, 2000)
	for i := range groups {
		parts := make([]PartitionLag, 8)
		for p := range parts {
			parts[p] = pl(int32(p), 0, 100)
		}
		groups[i] = Group{ID: string(rune('a'+i%26)) + string(rune(i)), Partitions: parts}
	}
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
		if len(r.buf) != 16 || cap(r.buf) > 32 {
			t.Fatalf("partition %d ring len %d cap %d, want 16 and bounded", p, len(r.buf), cap(r.buf))
		}
	}
}
