package model

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"testing"
	"time"
	"unsafe"
)

// TestSampleHoldsNoPointers checks that a Sample is a fixed 48 bytes with
// nothing for the garbage collector to scan.
func TestSampleHoldsNoPointers(t *testing.T) {
	if got := unsafe.Sizeof(Sample{}); got != SampleBytes {
		t.Fatalf("Sample is %d bytes, SampleBytes says %d", got, SampleBytes)
	}
	typ := reflect.TypeFor[Sample]()
	for i := range typ.NumField() {
		switch typ.Field(i).Type.Kind() {
		case reflect.Int64, reflect.Bool:
		default:
			t.Errorf("field %s is a %s", typ.Field(i).Name, typ.Field(i).Type)
		}
	}
}

// budgetScenario is one partition's run of (committed, lag) samples 5 s
// apart, with or without members.
type budgetScenario struct {
	name    string
	members bool
	pairs   func(i int) (committed, lag int64)
	want    Status
}

func budgetScenarios() []budgetScenario {
	return []budgetScenario{
		{"OK: caught up", true, func(i int) (int64, int64) { return int64(10 * i), 0 }, StatusOK},
		{"OK: keeping pace with a constant lag", true, func(i int) (int64, int64) { return int64(10 * i), 7 }, StatusOK},
		{"OK: sawtooth lag growing between batches", true, func(i int) (int64, int64) {
			// Up by 6 on odd samples, down by 5 on even ones: it goes down
			// only at the samples a thinning drops first.
			lag := int64(i/2) + 20
			if i%2 == 1 {
				lag += 6
			}
			return int64(10 * i), lag
		}, StatusOK},
		{"OK: went down early in the window, then grew", true, func(i int) (int64, int64) {
			// The only decreases are at odd samples of the older half,
			// the first a thinning drops.
			if i < 20 {
				if i%2 == 1 {
					return int64(10 * i), 26
				}
				return int64(10 * i), 20
			}
			return int64(10 * i), int64(20 + 3*(i-19))
		}, StatusOK},
		{"OK: caught up once, committing since", true, func(i int) (int64, int64) {
			if i == 3 {
				return 30, 0
			}
			return int64(10 * i), int64(i)
		}, StatusOK},
		{"CATCHING UP", true, func(i int) (int64, int64) { return int64(100 * i), int64(5000 - 90*i) }, StatusCatchingUp},
		{"FALLING BEHIND", true, func(i int) (int64, int64) { return int64(10 * i), int64(100 + 50*i) }, StatusFallingBehind},
		{"STALLED: commits stuck, members", true, func(i int) (int64, int64) { return 500, int64(10 + i) }, StatusStalled},
		{"STOPPED: commits stuck, no members", false, func(i int) (int64, int64) { return 500, int64(10 + i) }, StatusStopped},
		{"STALLED: caught up early, quiet since", true, func(i int) (int64, int64) {
			if i <= 3 {
				return int64(10 * i), 0
			}
			return 30, int64(i)
		}, StatusStalled},
		{"STOPPED: caught up early, quiet since", false, func(i int) (int64, int64) {
			if i <= 3 {
				return int64(10 * i), 0
			}
			return 30, int64(i)
		}, StatusStopped},
	}
}

// feed observes n samples of sc into h, one partition of one group.
func feed(h *History, sc budgetScenario, n int) {
	for i := range n {
		c, lag := sc.pairs(i)
		g := Group{ID: "g", Partitions: []PartitionLag{{Partition: 0, Committed: c, HasCommitted: true, End: c + lag, Lag: lag}}}
		if sc.members {
			g.Members = []Member{{ID: "m"}}
		}
		h.Observe(Snapshot{TakenAt: t0.Add(time.Duration(i) * 5 * time.Second), Groups: []Group{g}})
	}
}

// TestHistoryBudgetKeepsStatus checks that thinning under a memory budget
// keeps every status rule's outcome: a partition whose window needs 40
// samples, with a budget that holds them exactly, one byte short of that
// (the first thinning), and far too little (the floor of samples kept).
func TestHistoryBudgetKeepsStatus(t *testing.T) {
	const samples = 40
	cfg := EvalConfig{Window: samples * 5 * time.Second, MinSamples: 3}
	exact := int64(samples)*SampleBytes + ringBytes
	budgets := []struct {
		name   string
		budget int64
		thins  bool
	}{
		{"fits exactly", exact, false},
		{"one byte short", exact - 1, true},
		{"a tenth", exact / 10, true},
	}
	for _, sc := range budgetScenarios() {
		reference := NewHistoryWith(HistoryOptions{Capacity: samples})
		feed(reference, sc, samples)
		if got := reference.EvaluateGroup("g", cfg).Status; got != sc.want {
			t.Fatalf("%s: reference status %v, want %v", sc.name, got, sc.want)
		}
		for _, b := range budgets {
			t.Run(fmt.Sprintf("%s/%s", sc.name, b.name), func(t *testing.T) {
				h := NewHistoryWith(HistoryOptions{Capacity: samples, Budget: b.budget})
				feed(h, sc, samples)
				mem := h.Memory()
				if b.thins != (mem.Samples < samples) {
					t.Fatalf("holds %d of %d samples; thinning expected: %v", mem.Samples, samples, b.thins)
				}
				if mem.Bytes > max(b.budget, minPartitionSamples*SampleBytes+ringBytes) {
					t.Errorf("takes %d bytes over a budget of %d", mem.Bytes, b.budget)
				}
				ps := h.PartitionSamples("g", 0)
				if ps[0].At != ns(t0) || ps[len(ps)-1].At != ns(t0.Add((samples-1)*5*time.Second)) {
					t.Errorf("thinned history spans %v..%v, want the whole run", ps[0].Time(), ps[len(ps)-1].Time())
				}
				if got := h.EvaluateGroup("g", cfg).Status; got != sc.want {
					t.Errorf("status %v after thinning to %d samples, want %v", got, len(ps), sc.want)
				}
			})
		}
	}
}

// TestHistoryBudgetSharedByPartitions checks that the budget bounds the
// samples of all groups together, older samples thinned, and that Memory
// reports it.
func TestHistoryBudgetSharedByPartitions(t *testing.T) {
	const budget = 1 << 20
	h := NewHistoryWith(HistoryOptions{Capacity: 180, Budget: budget})
	groups := benchGroups(100, 8) // 800 partitions: 180 samples each would be 6.6 MiB
	for i := range 400 {
		for g := range groups {
			for p := range groups[g].Partitions {
				groups[g].Partitions[p].Committed += 1
				groups[g].Partitions[p].End += 2
				groups[g].Partitions[p].Lag += 1
			}
		}
		h.Observe(Snapshot{TakenAt: t0.Add(time.Duration(i) * 5 * time.Second), Groups: groups})
	}
	mem := h.Memory()
	if mem.Bytes > budget || mem.Partitions != 800 || mem.Budget != budget {
		t.Fatalf("memory %+v, want at most %d bytes for 800 partitions", mem, budget)
	}
	ps := h.PartitionSamples(groups[0].ID, 0)
	if len(ps) < minPartitionSamples || ps[len(ps)-1].At != ns(t0.Add(399*5*time.Second)) {
		t.Fatalf("%d samples, newest at %v", len(ps), ps[len(ps)-1].Time())
	}
	if span := time.Duration(ps[len(ps)-1].At - ps[0].At); span < 15*time.Minute {
		t.Errorf("thinned samples reach back %v; want older samples thinned, not dropped", span)
	}
}

// BenchmarkHistoryRefresh is one refresh of the TUI's lag history once the
// window is full: observe a snapshot, then evaluate every group, keeping
// every partition's status as the TUI does. The default
// run has 2,000 groups × 8 partitions (16,000); KGROUPS_BENCH_SCALE=s2 has
// 10,000 × 16 (160,000), with the default window and refresh (5 minutes
// every 5 s) and the default budget. It reports the heap the history holds.
func BenchmarkHistoryRefresh(b *testing.B) {
	nGroups, nParts := 2000, 8
	if os.Getenv("KGROUPS_BENCH_SCALE") == "s2" {
		nGroups, nParts = 10000, 16
	}
	cfg := DefaultEvalConfig()
	capacity := int(cfg.Window/(5*time.Second)) + 2
	groups := benchGroups(nGroups, nParts)
	for i := range groups {
		groups[i].ID = fmt.Sprintf("g%05d", i)
	}
	h := NewHistoryWith(HistoryOptions{Capacity: capacity})
	i := 0
	var statuses []Status
	step := func() {
		for g := range groups {
			for p := range groups[g].Partitions {
				pl := &groups[g].Partitions[p]
				pl.End += int64(1 + g%3)
				pl.Committed += int64(1 + (g+i)%3)
				pl.Lag, _ = ComputeLag(0, pl.End, pl.Committed, true)
			}
		}
		h.Observe(Snapshot{TakenAt: t0.Add(time.Duration(i) * 5 * time.Second), Groups: groups})
		// As the TUI does: every partition's status kept in one block.
		statuses = statuses[:0]
		for g := range groups {
			h.EvaluateGroupEach(groups[g].ID, cfg, func(_ int32, ev Evaluation) { statuses = append(statuses, ev.Status) })
		}
		i++
	}
	for range capacity {
		step()
	}
	b.ReportAllocs()
	for b.Loop() {
		step()
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MiB-heap")
	b.ReportMetric(float64(h.Memory().Bytes)/(1<<20), "MiB-history")
}

// TestHistoryMemoryIsTakenOnce checks that the history's memory does not
// depend on how long it has run: the first refresh takes what the last one
// holds (each partition's samples at their final number, in one slab), so
// a TUI's memory after a minute is its memory after an hour.
func TestHistoryMemoryIsTakenOnce(t *testing.T) {
	for _, budget := range []int64{0, 200 * (20*SampleBytes + ringBytes)} {
		h := NewHistoryWith(HistoryOptions{Capacity: 62, Budget: budget})
		groups := benchGroups(25, 8)
		var first int64
		for i := range 300 {
			for g := range groups {
				for p := range groups[g].Partitions {
					pl := &groups[g].Partitions[p]
					pl.End += int64(1 + g%3)
					pl.Committed += int64(1 + (g+i)%3)
					pl.Lag, _ = ComputeLag(0, pl.End, pl.Committed, true)
				}
			}
			h.Observe(Snapshot{TakenAt: t0.Add(time.Duration(i) * 5 * time.Second), Groups: groups})
			mem := h.Memory()
			if i == 0 {
				first = mem.Bytes
				if want := int64(200) * (int64(mem.PerPartition)*SampleBytes + ringBytes); first != want {
					t.Fatalf("budget %d: first refresh takes %d bytes, want %d (%d samples a partition)", budget, first, want, mem.PerPartition)
				}
			}
			if mem.Bytes != first {
				t.Fatalf("budget %d: refresh %d takes %d bytes, the first %d", budget, i, mem.Bytes, first)
			}
		}
	}
}

// TestHistoryMemoryIsWhatItHolds checks that the memory a history reports
// (the figure on the help screen, and what the budget is kept under) is
// what it takes on the heap, at the scale where each partition keeps the
// fewest samples: there, what a partition costs besides its samples
// weighs as much as a sixth of them.
func TestHistoryMemoryIsWhatItHolds(t *testing.T) {
	const nGroups, nParts = 1250, 16
	n := nGroups * nParts
	groups := benchGroups(nGroups, nParts)
	for i := range groups {
		groups[i].ID = fmt.Sprintf("g%05d", i)
	}
	h := NewHistoryWith(HistoryOptions{Capacity: 62, Budget: int64(n) * (minPartitionSamples*SampleBytes + ringBytes)})
	for i := range 20 {
		for g := range groups {
			for p := range groups[g].Partitions {
				pl := &groups[g].Partitions[p]
				pl.End += int64(1 + g%3)
				pl.Committed += int64(1 + (g+i)%3)
				pl.Lag, _ = ComputeLag(0, pl.End, pl.Committed, true)
			}
		}
		h.Observe(Snapshot{TakenAt: t0.Add(time.Duration(i) * 5 * time.Second), Groups: groups})
	}
	mem := h.Memory()
	if mem.Partitions != n || mem.PerPartition != minPartitionSamples {
		t.Fatalf("history holds %d partitions, %d samples each; want %d, %d", mem.Partitions, mem.PerPartition, n, minPartitionSamples)
	}
	// What the heap gives back when the history goes is what it held.
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	runtime.KeepAlive(h)
	h = nil
	runtime.GC()
	runtime.ReadMemStats(&without)
	held := int64(with.HeapAlloc) - int64(without.HeapAlloc)
	t.Logf("held %d says %d", held, mem.Bytes)
	if held > mem.Bytes*11/10 {
		t.Errorf("history takes %d bytes on the heap, says %d: want within a tenth", held, mem.Bytes)
	}
}

// TestRingIsRingBytes checks that a partition's ring costs what the budget
// counts it as.
func TestRingIsRingBytes(t *testing.T) {
	if got := unsafe.Sizeof(ring{}); got != ringBytes {
		t.Errorf("a ring is %d bytes; ringBytes says %d", got, ringBytes)
	}
}
