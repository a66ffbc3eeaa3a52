package tui

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/model"
)

// Benchmarks of the TUI at real scale (issue 12): S1, 500 topics × 8
// partitions and 2,000 groups (16,000 group-partitions), by default; S2,
// 2,000 topics × 16 partitions and 10,000 groups (160,000), with
// KGROUPS_BENCH_SCALE=s2. The history is filled to the default window (5
// minutes every 5 s) before the timer starts.

// scale is the size of the benchmarks' cluster.
func scale() (topics, parts, groups int) {
	if os.Getenv("KGROUPS_BENCH_SCALE") == "s2" {
		return 2000, 16, 10000
	}
	return 500, 8, 2000
}

// scaleSnapshot is the cluster at refresh 0: every topic read by
// groups/topics groups of the base, every group committed on every
// partition.
func scaleSnapshot() model.Snapshot {
	nt, np, ng := scale()
	s := model.Snapshot{Base: testBase, TakenAt: fixedNow, Brokers: 3}
	ranges := make([][2]int64, np)
	for p := range ranges {
		ranges[p] = [2]int64{0, 100000}
	}
	commits := make([]int64, np)
	for ti := range nt {
		t := testTopic(fmt.Sprintf("topic-%04d", ti), false, ranges...)
		s.Topics = append(s.Topics, t)
		for gi := range ng / nt {
			for p := range commits {
				commits[p] = int64(50000 + 1000*gi + p)
			}
			s.Groups = append(s.Groups, testGroup(t, fmt.Sprintf("job-%d", gi), "Stable", commits))
		}
	}
	sortGroups(s.Groups)
	return s
}

// scaleStep is s at refresh step, in slices of its own (the model keeps
// the snapshots it shows): every partition grows by 100 records a refresh,
// the groups commit 50, 100 or 150.
func scaleStep(s model.Snapshot, step int) model.Snapshot {
	s.TakenAt = fixedNow.Add(time.Duration(step) * trendEvery)
	grow := int64(step) * 100
	s.Topics = slices.Clone(s.Topics)
	for i := range s.Topics {
		t := &s.Topics[i]
		t.Partitions = slices.Clone(t.Partitions)
		for p := range t.Partitions {
			t.Partitions[p].End += grow
		}
	}
	s.Groups = slices.Clone(s.Groups)
	for gi := range s.Groups {
		g := &s.Groups[gi]
		g.Partitions = slices.Clone(g.Partitions)
		for pi := range g.Partitions {
			p := &g.Partitions[pi]
			p.End += grow
			p.Committed += int64(step) * int64(50+gi%3*50)
			p.Lag, p.Expired = model.ComputeLag(p.Start, p.End, p.Committed, p.HasCommitted)
		}
		g.Recompute()
	}
	return s
}

// scaleModel is a 160×50 TUI with a topic open, its history full of the
// default window's refreshes of the benchmark's scale. It returns the
// model, the snapshot at refresh 0 and the next refresh step.
func scaleModel(b *testing.B) (Model, model.Snapshot, int) {
	b.Helper()
	base := scaleSnapshot()
	clock := fixedNow
	m := sized(New(Deps{Base: testBase, Refresh: trendEvery, Now: func() time.Time { return clock }}), 160, 50)
	steps := model.HistoryCapacity(model.DefaultEvalConfig().Window, trendEvery)
	for i := range steps {
		m = press(m, "r")
		snap := scaleStep(base, i)
		clock = snap.TakenAt
		m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: snap})
	}
	m = openTopic(m, "topic-0000")
	if gt, ok := m.lag.trends.group(base.Groups[0].ID); !ok || gt.Status == model.StatusUnknown {
		b.Fatalf("history not filled: %+v", gt)
	}
	return m, base, steps
}

// landing is the answer to the refresh m waits for as snapshotCmd returns
// it to Update: taken and evaluated by the lag history.
func landing(m Model, base model.Snapshot, step int) snapshotMsg {
	return evaluated(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: scaleStep(base, step)})
}

// BenchmarkUpdateRefresh is the Update that lands a refresh at scale, the
// history's evaluation done (in the command, as in the TUI): it swaps the
// verdict in and gives the snapshot to the topics and groups views. It
// reports the slowest Update (max-ms) besides the mean.
func BenchmarkUpdateRefresh(b *testing.B) {
	m, base, step := scaleModel(b)
	defer m.Close()
	var slowest time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		m = press(m, "r")
		msg := landing(m, base, step+i)
		runtime.GC() // the garbage of the evaluation is not the Update's
		b.StartTimer()
		start := time.Now()
		next, _ := m.Update(msg)
		took := time.Since(start)
		b.StopTimer()
		m = next.(Model)
		if m.lag.trends != msg.trends {
			b.Fatal("the refresh did not land")
		}
		slowest = max(slowest, took)
		b.StartTimer()
	}
	b.ReportMetric(float64(slowest.Microseconds())/1000, "max-ms")
}

// BenchmarkKeyToFrameWhileRefreshing moves the cursor up and down the open
// topic's groups while refreshes land: each refresh is evaluated on another
// goroutine, as the snapshot's command does, while keys are handled, and
// lands between two keys every keysPerRefresh keys (the wait for its
// evaluation is not timed). A key's time is its
// Update and View, plus the Update and View of the refresh that landed
// just before it (Bubble Tea handles messages one at a time: a key pressed
// while a refresh lands waits for it). It reports the 50th and 99th
// percentile and the slowest key.
func BenchmarkKeyToFrameWhileRefreshing(b *testing.B) {
	const keysPerRefresh = 20
	m, base, step := scaleModel(b)
	defer m.Close()
	results := make(chan snapshotMsg)
	done := make(chan struct{})
	finished := make(chan struct{})
	// The evaluations run against the model as it was when each refresh
	// was asked for: gen and base are all they read of it.
	go func(m Model) {
		defer close(finished)
		// The next refresh's snapshot is cloned before this one is handed
		// over: the real TUI builds it seconds away from a landing, and
		// its garbage would start collections during the timed landing.
		snap := scaleStep(base, step)
		for i := 0; ; i++ {
			m.snapGen++
			msg := evaluated(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: snap})
			snap = scaleStep(base, step+i+1)
			select {
			case results <- msg:
			case <-done:
				return
			}
		}
	}(m)
	keys := []tea.KeyMsg{keyMsg("down"), keyMsg("up")}
	times := make([]time.Duration, 0, b.N)
	landed := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var msg snapshotMsg
		due := i%keysPerRefresh == keysPerRefresh-1
		if due {
			// Not timed: the evaluation of the refresh is the command's,
			// on its own goroutine, while the keys before were handled.
			b.StopTimer()
			msg = <-results
			b.StartTimer()
		}
		start := time.Now()
		if due {
			m.snapGen, m.snapLoading = msg.gen, true
			next, _ := m.Update(msg)
			m = next.(Model)
			_ = m.View()
			if m.lag.trends != msg.trends {
				b.Fatal("the refresh did not land")
			}
			landed++
		}
		next, _ := m.Update(keys[i%2])
		m = next.(Model)
		_ = m.View()
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	close(done)
	<-finished
	slices.Sort(times)
	pct := func(p float64) float64 {
		return float64(times[min(int(p*float64(len(times))), len(times)-1)].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
	b.ReportMetric(float64(landed), "refreshes")
}

// BenchmarkTUISoak runs the TUI through 30 minutes of refreshes at the
// default 5 s (360 refreshes, simulated: no waiting), evaluation included
// as in the snapshot's command, with the topics view and a topic open. It
// reports the heap in use after a collection at 1, 5 (the window full)
// and 30 minutes, and the time a refresh takes (evaluation and Update)
// over the fifth minute and over the thirtieth.
func BenchmarkTUISoak(b *testing.B) {
	const perMinute = int(time.Minute / trendEvery)
	for b.Loop() {
		base := scaleSnapshot()
		clock := fixedNow
		m := sized(New(Deps{Base: testBase, Refresh: trendEvery, Now: func() time.Time { return clock }}), 160, 50)
		heap := map[int]float64{}
		took := map[int]time.Duration{}
		for i := range 30 * perMinute {
			if i == 1 {
				m = openTopic(m, "topic-0000")
			}
			m = press(m, "r")
			snap := scaleStep(base, i)
			clock = snap.TakenAt
			start := time.Now()
			m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: snap})
			_ = m.View()
			took[i/perMinute+1] += time.Since(start)
			if minute := (i + 1) / perMinute; (i+1)%perMinute == 0 && (minute == 1 || minute == 5 || minute == 30) {
				var ms runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&ms)
				heap[minute] = float64(ms.HeapInuse) / (1 << 20)
			}
		}
		m.Close()
		for _, minute := range []int{1, 5, 30} {
			b.ReportMetric(heap[minute], fmt.Sprintf("MiB-heap-%dmin", minute))
		}
		b.ReportMetric(float64(took[5].Milliseconds())/float64(perMinute), "ms/refresh-min5")
		b.ReportMetric(float64(took[30].Milliseconds())/float64(perMinute), "ms/refresh-min30")
	}
}
