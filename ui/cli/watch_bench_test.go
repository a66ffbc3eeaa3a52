package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/kgroups/kgroups/model"
)

// benchScale is the scale of the benchmarks that model a real cluster:
// "s1" (the default, 500 topics × 8 partitions, 2,000 groups) or "s2"
// (KGROUPS_BENCH_SCALE=s2: 2,000 topics × 16 partitions, 10,000 groups).
func benchScale() (name string, topics, partitions, groups int) {
	if os.Getenv("KGROUPS_BENCH_SCALE") == "s2" {
		return "s2", 2000, 16, 10000
	}
	return "s1", 500, 8, 2000
}

// soakSnapshot is a snapshot of groups × partitions that soakStep moves on.
func soakSnapshot(groups, partitions int) model.Snapshot {
	snap := model.Snapshot{Base: "soak", Groups: make([]model.Group, groups)}
	for i := range snap.Groups {
		name := model.GroupName{Base: "soak", Topic: fmt.Sprintf("t%05d", i/4), Suffix: string(rune('a' + i%4))}
		g := model.Group{Name: name, ID: name.String(), State: "Stable", Partitions: make([]model.PartitionLag, partitions)}
		if i%3 != 0 {
			g.Members = []model.Member{{ID: "m"}}
		}
		for p := range g.Partitions {
			g.Partitions[p] = model.PartitionLag{Partition: int32(p), Start: 0, End: 1000, Committed: 1000 - int64(i%50), HasCommitted: true}
		}
		snap.Groups[i] = g
	}
	return snap
}

// soakStep moves the snapshot one interval on: every partition gets
// records; groups by kind keep pace, catch up, fall behind or stop.
func soakStep(snap *model.Snapshot, at time.Time) {
	snap.TakenAt = at
	for i := range snap.Groups {
		g := &snap.Groups[i]
		for p := range g.Partitions {
			pl := &g.Partitions[p]
			pl.End += 10
			switch i % 4 {
			case 0: // keeps pace
				pl.Committed = pl.End - int64(p%3)
			case 1: // catches up
				pl.Committed = min(pl.Committed+12, pl.End)
			case 2: // falls behind
				pl.Committed += 7
			}
			pl.Lag, pl.Expired = model.ComputeLag(pl.Start, pl.End, pl.Committed, true)
		}
		g.Recompute()
	}
}

// BenchmarkWatchSoak is lag --watch --interval 1s for 10 minutes of
// simulated samples (not wall time) at the bench scale: every interval the
// history observes a snapshot, every group is evaluated and the JSON line
// is written. It reports the time per interval and the heap in use at
// minutes 1, 5 (the default window full) and 10: after the window fills
// both must stay flat.
func BenchmarkWatchSoak(b *testing.B) {
	scale, _, partitions, groups := benchScale()
	const minutes = 10
	o := watchOptions{Interval: time.Second, Window: model.DefaultEvalConfig().Window, Output: "json"}
	cfg := model.DefaultEvalConfig()
	b.Logf("scale %s: %d groups × %d partitions", scale, groups, partitions)
	for b.Loop() {
		snap := soakSnapshot(groups, partitions)
		history := model.NewHistoryWith(model.HistoryOptions{Capacity: o.capacity(), Budget: int64(defaultHistoryBudget)})
		out := bufio.NewWriter(io.Discard)
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		perMinute := make([]time.Duration, minutes)
		heap := make([]uint64, minutes)
		for i := range minutes * 60 {
			soakStep(&snap, t0.Add(time.Duration(i)*time.Second))
			start := time.Now()
			history.Observe(snap)
			if err := writeWatchJSON(out, newWatchReport(snap, history, cfg)); err != nil {
				b.Fatal(err)
			}
			perMinute[i/60] += time.Since(start)
			if i%60 == 59 {
				var ms runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&ms)
				heap[i/60] = ms.HeapInuse
			}
		}
		for _, m := range []int{1, 5, 10} {
			b.ReportMetric(float64(perMinute[m-1].Nanoseconds())/60, fmt.Sprintf("ns/interval@%dm", m))
			b.ReportMetric(float64(heap[m-1])/(1<<20), fmt.Sprintf("MiB@%dm", m))
		}
	}
}

// BenchmarkLagOutput writes lag -o json and -o table of a snapshot of the
// bench scale (built in memory, see s1Snapshot; KGROUPS_BENCH_SCALE=s2
// repeats it five times over: 2,500 topics, 10,000 groups) to a discarding
// writer: "stream" is the writer lag uses, "reference" the one it replaced.
func BenchmarkLagOutput(b *testing.B) {
	snap := s1Snapshot()
	if scale, _, _, _ := benchScale(); scale == "s2" {
		snap = s2Snapshot(snap)
	}
	now := time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC)
	writers := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"json/stream", func(w io.Writer) error { return writeLagJSON(w, snap) }},
		{"json/reference", func(w io.Writer) error { return referenceLagJSON(w, snap) }},
		{"table/stream", func(w io.Writer) error { return writeLagTable(w, snap, false, now) }},
		{"table/reference", func(w io.Writer) error { return referenceLagTable(w, snap, false, now) }},
	}
	for _, wr := range writers {
		b.Run(wr.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := wr.write(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// s2Snapshot repeats an S1 snapshot's groups five times under new topic
// names, sorted as a snapshot is.
func s2Snapshot(s1 model.Snapshot) model.Snapshot {
	s2 := s1
	s2.Groups = nil
	for k := range 5 {
		for _, g := range s1.Groups {
			g.Name.Topic = fmt.Sprintf("r%d-%s", k, g.Name.Topic)
			g.ID = g.Name.String()
			s2.Groups = append(s2.Groups, g)
		}
	}
	return s2
}
