package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/format"
)

// evaluations is how many snapshots the history of m has evaluated.
func evaluations(m Model) int {
	w := m.lag.worker
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.evaluations
}

// TestUpdateDoesNotEvaluateHistory checks that the lag history is fed and
// evaluated in a command, never in Update: a snapshot reaching Update
// without its verdict goes to a command, and the Update that takes the
// verdict only swaps it in.
func TestUpdateDoesNotEvaluateHistory(t *testing.T) {
	clock := trendAt(0)
	m := sized(New(Deps{Base: testBase, Refresh: trendEvery, Now: func() time.Time { return clock }}), 160, 50)
	defer m.Close()
	for i := range trendSteps {
		clock = trendAt(i)
		m = press(m, "r")
		before := evaluations(m)
		next, cmd := m.Update(snapshotMsg{gen: m.snapGen, base: testBase, snap: trendSnapshot(i)})
		m = next.(Model)
		if got := evaluations(m); got != before {
			t.Fatalf("refresh %d: Update evaluated the history (%d evaluations, want %d)", i, got, before)
		}
		if cmd == nil {
			t.Fatalf("refresh %d: a snapshot without its verdict starts no command", i)
		}
		msg, ok := cmd().(snapshotMsg)
		if !ok || !msg.evaluated || msg.trends == nil {
			t.Fatalf("refresh %d: the command returned %#v, want the evaluated snapshot", i, msg)
		}
		if got := evaluations(m); got != before+1 {
			t.Fatalf("refresh %d: the command made %d evaluations, want 1", i, got-before)
		}
		next, _ = m.Update(msg)
		m = next.(Model)
		if got := evaluations(m); got != before+1 {
			t.Fatalf("refresh %d: Update of the verdict evaluated again", i)
		}
		if m.lag.trends != msg.trends {
			t.Fatalf("refresh %d: the verdict was not swapped in", i)
		}
	}
	m = openTopic(m, "spent_detail_topic")
	for suffix, want := range map[string]string{"full-index": "CATCHING UP", "rebuild": "STALLED", "backfill": "STOPPED", "fresh": "…"} {
		if got := groupStatus(t, m, suffix); got != want {
			t.Errorf("%s is %q, want %q", suffix, got, want)
		}
	}
}

// TestStaleSnapshotNotObserved checks that a snapshot older than one the
// history observed (a refresh that predates a write, overtaken by the one
// after it) does not go into the history.
func TestStaleSnapshotNotObserved(t *testing.T) {
	m := withHistory(160, 50, trendSteps-1)
	defer m.Close()
	job := m.lagJob()
	newer := trendSnapshot(trendSteps - 1)
	if job.land(m.snapGen+2, newer) == nil {
		t.Fatal("the newer snapshot got no verdict")
	}
	older := trendSnapshot(trendSteps - 1)
	older.TakenAt = older.TakenAt.Add(time.Minute)
	if job.land(m.snapGen+1, older) != nil {
		t.Error("a snapshot overtaken by a newer one was evaluated")
	}
	if got := m.lag.worker.history.PartitionSamples(testBase+"-spent_detail_topic-full-index", 0); got[len(got)-1].At != newer.TakenAt.UnixNano() {
		t.Error("the overtaken snapshot went into the history")
	}
}

// TestForgetWhileSnapshotInFlight checks that a group kgroups reset while
// a snapshot was being taken stays forgotten when that snapshot lands with
// a verdict evaluated before the reset, and that the next one forgets its
// history.
func TestForgetWhileSnapshotInFlight(t *testing.T) {
	clock := fixedNow
	fullIndex := testBase + "-spent_detail_topic-full-index"
	m := openTopic(withHistory(160, 50, trendSteps), "spent_detail_topic")
	defer m.Close()
	// The refresh's command runs (and evaluates) before the reset lands.
	m = press(m, "r")
	snap := trendSnapshot(trendSteps - 1)
	snap.TakenAt = fixedNow.Add(trendEvery)
	inFlight := evaluated(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: snap})
	m = m.forgetHistory(fullIndex)
	m, _ = update(m, inFlight)
	if got := groupStatus(t, m, "full-index"); got != "…" {
		t.Errorf("full-index after the in-flight snapshot landed is %q, want … (forgotten)", got)
	}
	// The next refresh forgets its history, then observes one sample.
	snap.TakenAt = fixedNow.Add(2 * trendEvery)
	m = feed(m, &clock, snap)
	if got := len(m.lag.worker.history.PartitionSamples(fullIndex, 0)); got != 1 {
		t.Errorf("full-index has %d samples after the next refresh, want 1", got)
	}
	if got := groupStatus(t, m, "full-index"); got != "…" {
		t.Errorf("full-index after the next refresh is %q, want …", got)
	}
	if len(m.lag.forgets) != 0 {
		t.Errorf("forgets still pending: %v", m.lag.forgets)
	}
}

// TestPartitionSparksBetweenRefreshes checks that a partitions view opened
// after the last refresh asks for its sparklines in a command, and draws
// them when they arrive.
func TestPartitionSparksBetweenRefreshes(t *testing.T) {
	m := press(openTopic(withHistory(160, 50, trendSteps), "user_events"), "down", "down")
	defer m.Close()
	next, cmd := m.Update(keyMsg("enter"))
	m = next.(Model)
	group := m.top().(partitionsView).group.ID
	if group != testBase+"-user_events-realtime-alerts" {
		t.Fatalf("setup: opened %s", group)
	}
	if m.lag.trends.hasPartitionLags(group) {
		t.Fatal("setup: the verdict already holds the partitions' sparklines")
	}
	if cmd == nil {
		t.Fatal("opening the partitions view asks for no sparklines")
	}
	msg, ok := cmd().(sparksMsg)
	if !ok {
		t.Fatalf("the command returned %T, want sparksMsg", msg)
	}
	next, _ = m.Update(msg)
	m = next.(Model)
	want := "▁▂▄▅▇█"
	if v := m.View(); strings.Count(v, want) != 2 {
		t.Errorf("partitions view lacks its 2 sparklines %q:\n%s", want, v)
	}
	// The next refresh brings them along.
	clock := fixedNow
	snap := trendSnapshot(trendSteps - 1)
	snap.TakenAt = fixedNow.Add(trendEvery)
	m = feed(m, &clock, snap)
	if gt, _ := m.lag.trends.group(group); gt.partLags == nil {
		t.Error("the next refresh came without the open partitions view's sparklines")
	}
}

// TestHelpShowsHistoryMemory checks the full help says how much memory the
// lag history takes, of which budget, over how many partitions.
func TestHelpShowsHistoryMemory(t *testing.T) {
	for _, budget := range []int64{0, 3 << 20} {
		m := New(Deps{Base: testBase, Refresh: trendEvery, Now: nowFixed, HistoryBudget: budget})
		m = sized(m, 80, 24)
		m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
		mem := m.lag.worker.history.Memory()
		if budget == 0 {
			budget = model.DefaultHistoryBudget
		}
		want := "lag history " + format.Size(int(mem.Bytes)) + " of " + format.Size(int(budget)) + " · " + format.Count(int64(mem.Partitions)) + " partitions"
		if mem.Bytes == 0 || mem.Partitions == 0 {
			t.Fatalf("setup: history holds %+v", mem)
		}
		if v := press(m, "?").View(); !strings.Contains(v, want) {
			t.Errorf("full help lacks %q:\n%s", want, v)
		}
		if v := m.View(); strings.Contains(v, "lag history") {
			t.Errorf("the short help shows the history's memory:\n%s", v)
		}
		m.Close()
	}
}

// TestHelpSaysHistoryIsAtItsLeast checks that a history over its budget,
// because each partition keeps the fewest samples the status rules need,
// says so in the full help rather than showing a figure over its bound.
func TestHelpSaysHistoryIsAtItsLeast(t *testing.T) {
	m := sized(New(Deps{Base: testBase, Refresh: trendEvery, Now: nowFixed, HistoryBudget: 1 << 10}), 80, 24)
	defer m.Close()
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
	mem := m.lag.worker.history.Memory()
	if mem.Bytes <= 1<<10 {
		t.Fatalf("setup: history takes %d bytes, want more than its 1 KiB budget", mem.Bytes)
	}
	want := "lag history " + format.Size(int(mem.Bytes)) + " of 1.0 KiB, the least it keeps · 14 partitions"
	if v := press(m, "?").View(); !strings.Contains(v, want) {
		t.Errorf("full help lacks %q:\n%s", want, v)
	}
}

var _ tea.Model = Model{}

// TestHistoryKeepsOnlyTheWindow checks the TUI keeps the samples its
// window needs at its refresh interval (or its widest sparkline), not
// more: 62 samples a partition for 5 minutes every 5 s.
func TestHistoryKeepsOnlyTheWindow(t *testing.T) {
	tests := []struct {
		window, refresh time.Duration
		want            int
	}{
		{5 * time.Minute, 5 * time.Second, 62},
		{time.Minute, 5 * time.Second, sparkMax},
		{10 * time.Minute, time.Second, 602},
	}
	for _, tt := range tests {
		clock := fixedNow
		m := sized(New(Deps{Base: testBase, Refresh: tt.refresh, Window: tt.window, Now: func() time.Time { return clock }}), 160, 50)
		snap := fixedSnapshot()
		for i := range tt.want + 10 {
			snap.TakenAt = fixedNow.Add(time.Duration(i) * tt.refresh)
			m = feed(m, &clock, snap)
		}
		if got := len(m.lag.worker.history.PartitionSamples(testBase+"-spent_detail_topic-full-index", 0)); got != tt.want {
			t.Errorf("window %s every %s: %d samples a partition, want %d", tt.window, tt.refresh, got, tt.want)
		}
		m.Close()
	}
}

// refreshesOf is n refreshes of a base of topics topics × 8 partitions,
// groups groups a topic, each its own slices, taken trendEvery apart.
func refreshesOf(topics, groups, n int) []model.Snapshot {
	s := model.Snapshot{Base: testBase, TakenAt: fixedNow}
	commits := make([]int64, 8)
	for ti := range topics {
		t := testTopic(fmt.Sprintf("topic-%04d", ti), false, slices.Repeat([][2]int64{{0, 100000}}, 8)...)
		s.Topics = append(s.Topics, t)
		for gi := range groups {
			for p := range commits {
				commits[p] = int64(50000 + 1000*gi + p)
			}
			s.Groups = append(s.Groups, testGroup(t, fmt.Sprintf("job-%d", gi), "Stable", commits))
		}
	}
	sortGroups(s.Groups)
	out := make([]model.Snapshot, n)
	for i := range out {
		out[i] = scaleStep(s, i)
	}
	return out
}

// TestVerdictAllocationsDoNotGrowWithGroups checks that evaluating a
// refresh allocates a few blocks for the whole verdict, not some for every
// group: at 160,000 partitions a map a group made the verdict 32 MiB of
// garbage every refresh.
func TestVerdictAllocationsDoNotGrowWithGroups(t *testing.T) {
	allocs := func(groups int) float64 {
		const warm = 12
		snaps := refreshesOf(10, groups, warm+8)
		job := lagJob{worker: newLagState(time.Minute, trendEvery, 0).worker}
		for i := range warm {
			job.land(i, snaps[i])
		}
		step := warm
		got := testing.AllocsPerRun(6, func() {
			if job.land(step, snaps[step]) == nil {
				t.Fatal("a refresh got no verdict")
			}
			step++
		})
		if gt, ok := job.land(step, snaps[step]).group(snaps[0].Groups[0].ID); !ok || gt.Status == model.StatusUnknown {
			t.Fatalf("the history was not filled: %+v", gt)
		}
		return got
	}
	small, large := allocs(2), allocs(20)
	t.Logf("allocations a refresh: %.0f for 20 groups, %.0f for 200", small, large)
	// A margin for what another goroutine of the test binary allocates.
	if large > small+10 {
		t.Errorf("a refresh of 1,600 partitions makes %.0f allocations, of 160 %.0f: want as many", large, small)
	}
}
