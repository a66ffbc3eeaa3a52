package tui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/ops"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// A fixed run of refreshes for the lag history: trendSteps snapshots
// trendEvery apart, the last taken at fixedNow. spent_detail_topic's
// partitions grow by 4 records/s each, user_events' by 10 records/s.
const (
	trendSteps = 6
	trendEvery = 5 * time.Second
)

// trendAt is when snapshot i was taken.
func trendAt(i int) time.Time { return fixedNow.Add(-time.Duration(trendSteps-1-i) * trendEvery) }

// trendGroup builds a group whose oldest unconsumed record is as old as a
// producer writing perSec records/s since offset 0 at t0 makes it.
func trendGroup(t model.Topic, suffix, state string, commits []int64, t0 time.Time, perSec int64, members ...model.Member) model.Group {
	g := testGroup(t, suffix, state, commits, members...)
	for i := range g.Partitions {
		p := &g.Partitions[i]
		p.OldestUnconsumed = time.Time{}
		if p.Lag > 0 {
			p.OldestUnconsumed = t0.Add(time.Duration(p.Committed) * time.Second / time.Duration(perSec))
		}
	}
	return g
}

// trendSnapshot is the cluster at refresh i. The verdicts after every
// refresh, on spent_detail_topic:
//
//	(default)    caught up at every refresh           OK
//	full-index   p0, p1 shrink; p2 touches 0          CATCHING UP
//	incremental  p0 grows, p1 shrinks, p2 caught up   FALLING BEHIND
//	rebuild      commits still, a member holds it     STALLED
//	backfill     commits still, nobody holds it       STOPPED
//	fresh        only in the last snapshot            UNKNOWN
//
// and on user_events analytics keeps pace (OK), realtime-alerts is held
// but stuck (STALLED). orders has no group.
func trendSnapshot(i int) model.Snapshot {
	at := trendAt(i)
	n := int64(i)
	spentEnd := 1000 + 20*n
	spent := testTopic("spent_detail_topic", false, [2]int64{0, spentEnd}, [2]int64{0, spentEnd}, [2]int64{0, spentEnd})
	eventsEnd := 5000 + 50*n
	events := testTopic("user_events", false, [2]int64{0, eventsEnd}, [2]int64{0, eventsEnd})
	orders := testTopic("orders", false, [2]int64{0, 800})
	// Offset o of spent_detail_topic was written at spentT0 + o/4 s.
	spentT0 := trendAt(0).Add(-250 * time.Second)
	eventsT0 := trendAt(0).Add(-500 * time.Second)
	rebuilder := model.Member{ID: "m-1", ClientID: "rebuilder", Host: "/10.0.0.8",
		Assigned: []model.TopicPartitions{{Topic: "spent_detail_topic", Partitions: []int32{0, 1, 2}}}}
	alerts := model.Member{ID: "m-2", ClientID: "alerts", Host: "/10.0.0.9",
		Assigned: []model.TopicPartitions{{Topic: "user_events", Partitions: []int32{0, 1}}}}
	snap := model.Snapshot{
		Base: testBase, TakenAt: at, Brokers: 3, Bootstrap: []string{"127.0.0.1:9092"},
		Topics: []model.Topic{orders, spent, events},
		Groups: []model.Group{
			trendGroup(spent, "", "Empty", []int64{spentEnd, spentEnd, spentEnd}, spentT0, 4),
			trendGroup(spent, "full-index", "Empty", []int64{400 + 60*n, 400 + 60*n, spentEnd - (n%2)*20}, spentT0, 4),
			trendGroup(spent, "incremental", "Empty", []int64{900 + 10*n, 700 + 40*n, spentEnd}, spentT0, 4),
			trendGroup(spent, "rebuild", "Stable", []int64{500, 500, 500}, spentT0, 4, rebuilder),
			trendGroup(spent, "backfill", "Empty", []int64{100, 100, 100}, spentT0, 4),
			trendGroup(events, "analytics", "Empty", []int64{eventsEnd - 30, eventsEnd - 30}, eventsT0, 10),
			trendGroup(events, "realtime-alerts", "Stable", []int64{4000, 4000}, eventsT0, 10, alerts),
		},
	}
	if i == trendSteps-1 {
		snap.Groups = append(snap.Groups, trendGroup(spent, "fresh", "Empty", []int64{990, 990, 990}, spentT0, 4))
	}
	sortGroups(snap.Groups)
	return snap
}

// feed delivers snap to m as the answer to a refresh, with the clock at the
// time it was taken.
func feed(m Model, clock *time.Time, snap model.Snapshot) Model {
	*clock = snap.TakenAt
	m, _ = update(m, keyMsg("r"))
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: snap})
	return m
}

// withHistory is a model at w×h that has seen the first n trend snapshots.
func withHistory(w, h, n int) Model {
	clock := trendAt(0)
	m := sized(New(Deps{Base: testBase, Brokers: []string{"127.0.0.1:9092"}, Refresh: trendEvery,
		Now: func() time.Time { return clock }}), w, h)
	for i := range n {
		m = feed(m, &clock, trendSnapshot(i))
	}
	return m
}

var historyScreens = []screen{
	{"topics_by_status", func(w, h int) Model { return press(withHistory(w, h, trendSteps), "s", "s", "s") }},
	{"groups", func(w, h int) Model { return openTopic(withHistory(w, h, trendSteps), "spent_detail_topic") }},
	{"groups_by_status", func(w, h int) Model {
		return press(openTopic(withHistory(w, h, trendSteps), "spent_detail_topic"), "s", "s", "s", "down")
	}},
	{"groups_first_refresh", func(w, h int) Model { return openTopic(withHistory(w, h, 1), "spent_detail_topic") }},
	{"partitions_falling_behind", func(w, h int) Model {
		return press(openTopic(withHistory(w, h, trendSteps), "spent_detail_topic"), "down", "down", "down", "down", "enter")
	}},
	{"partitions_stalled", func(w, h int) Model {
		return press(openTopic(withHistory(w, h, trendSteps), "user_events"), "down", "down", "enter")
	}},
}

func TestHistoryGoldenViews(t *testing.T) {
	checkGoldenScreens(t, historyScreens)
	checkScreensResize(t, historyScreens, [][2]int{{60, 15}, {40, 10}, {100, 30}, {120, 40}, {200, 60}})
}

// groupStatus is the status word the groups view shows for a group.
func groupStatus(t *testing.T, m Model, suffix string) string {
	t.Helper()
	for _, r := range m.groupsPage().list.Rows {
		if r.Group.Name.Suffix == suffix && r.Kind == rowGroup {
			s, ok := r.status()
			return statusCell(m.styles, s, ok).Text
		}
	}
	t.Fatalf("no group %q in the groups view", suffix)
	return ""
}

// TestStatusAsSnapshotsArrive follows a consumer catching up, refresh by
// refresh: no verdict until three samples, then CATCHING UP while the lag
// shrinks, OK once it reached 0 in the window. The groups view, the topics
// view and the header say so.
func TestStatusAsSnapshotsArrive(t *testing.T) {
	topic := testTopic("jobs", false, [2]int64{0, 1000})
	steps := []struct {
		commit     int64
		want       string
		wantHeader string
	}{
		{700, "…", "UNKNOWN · 1 of 3 samples in the 5m00s window"},
		{800, "…", "UNKNOWN · consume 20.0/s, produce 0/s · 2 of 3 samples in the 5m00s window"},
		{900, "CATCHING UP", "CATCHING UP · consume 20.0/s, produce 0/s · catches up in 5s"},
		{1000, "OK", "OK · consume 20.0/s, produce 0/s · caught up"},
		{1000, "OK", "OK · consume 15.0/s, produce 0/s · caught up"},
	}
	clock := fixedNow
	m := sized(New(Deps{Base: testBase, Refresh: trendEvery, Now: func() time.Time { return clock }}), 160, 50)
	defer m.Close()
	for i, step := range steps {
		snap := model.Snapshot{Base: testBase, TakenAt: fixedNow.Add(time.Duration(i) * trendEvery),
			Topics: []model.Topic{topic}, Groups: []model.Group{testGroup(topic, "", "Empty", []int64{step.commit})}}
		m = feed(m, &clock, snap)
		if i == 0 {
			m = openTopic(m, "jobs")
		}
		if got := groupStatus(t, m, ""); got != step.want {
			t.Errorf("after snapshot %d: status %q, want %q", i+1, got, step.want)
		}
		if r, _ := m.topicsPage().selected(); statusCell(m.styles, r.Status, true).Text != step.want {
			t.Errorf("after snapshot %d: topic status %v, want %q", i+1, r.Status, step.want)
		}
		if view := m.View(); !strings.Contains(view, "(default): "+step.wantHeader) {
			t.Errorf("after snapshot %d: the header lacks %q:\n%s", i+1, step.wantHeader, view)
		}
	}
}

func TestSortByStatus(t *testing.T) {
	m := withHistory(160, 50, trendSteps)
	defer m.Close()
	m, cmd := update(press(m, "s", "s"), keyMsg("s"))
	if !hasStatus(cmd, widget.LevelInfo, "topics sorted by status") {
		t.Error("the third s does not say it sorts by status")
	}
	var topics []string
	for _, r := range m.topicsPage().list.Rows {
		topics = append(topics, r.Name)
	}
	if want := []string{"spent_detail_topic", "user_events", "orders"}; !slices.Equal(topics, want) {
		t.Errorf("topics by status %v, want %v (STOPPED, STALLED, no group)", topics, want)
	}

	m = openTopic(press(m, "s"), "spent_detail_topic") // back to by name
	m, cmd = update(press(m, "s", "s"), keyMsg("s"))
	if !hasStatus(cmd, widget.LevelInfo, "sorted by status") {
		t.Error("the third s in the groups view does not say it sorts by status")
	}
	var got []string
	for _, r := range m.groupsPage().list.Rows {
		got = append(got, groupStatus(t, m, r.Group.Name.Suffix))
	}
	// The default group stays first, whatever the order.
	want := []string{"OK", "STOPPED", "STALLED", "FALLING BEHIND", "CATCHING UP", "…"}
	if !slices.Equal(got, want) {
		t.Errorf("groups by status %q, want %q", got, want)
	}
	if m = press(m, "s"); m.groupsPage().order != sortByName {
		t.Errorf("s after status sorts by %v, want name", m.groupsPage().order)
	}
}

// TestHistoryForgetsGroups checks a group's history starts over when it
// disappears from a snapshot, and when kgroups itself resets it.
func TestHistoryForgetsGroups(t *testing.T) {
	clock := fixedNow
	m := openTopic(withHistory(160, 50, trendSteps), "spent_detail_topic")
	defer m.Close()
	if got := groupStatus(t, m, "backfill"); got != "STOPPED" {
		t.Fatalf("setup: backfill is %q", got)
	}
	// backfill is deleted by someone else: gone from the next snapshot.
	gone := trendSnapshot(trendSteps - 1)
	gone.TakenAt = fixedNow.Add(trendEvery)
	gone.Groups = slices.DeleteFunc(gone.Groups, func(g model.Group) bool { return g.Name.Suffix == "backfill" })
	m = feed(m, &clock, gone)
	if m.lag.worker.history.GroupSamples(testBase+"-spent_detail_topic-backfill") != nil {
		t.Error("the history keeps a group that disappeared")
	}
	// It comes back with the same offsets: a new group, judged afresh.
	back := trendSnapshot(trendSteps - 1)
	back.TakenAt = fixedNow.Add(2 * trendEvery)
	m = feed(m, &clock, back)
	if got := groupStatus(t, m, "backfill"); got != "…" {
		t.Errorf("backfill after coming back is %q, want … (too few samples)", got)
	}

	// kgroups resets full-index: its history goes at once. (Fed the same
	// offsets three times, its p2 caught up once and then stopped
	// committing, so it has a verdict of its own by now.)
	before := groupStatus(t, m, "full-index")
	if before == "…" {
		t.Fatalf("setup: full-index has no verdict yet")
	}
	m = m.forgetHistory(testBase + "-spent_detail_topic-full-index")
	if got := groupStatus(t, m, "full-index"); got != "…" {
		t.Errorf("full-index after a reset is %q, want …", got)
	}
	if got := groupStatus(t, m, "incremental"); got != "FALLING BEHIND" {
		t.Errorf("forgetting full-index changed incremental to %q", got)
	}
	m = press(m, "down", "down", "down", "enter") // full-index's partitions
	if m.partitionsPage().group.Name.Suffix != "full-index" {
		t.Fatalf("opened %q", m.partitionsPage().group.ID)
	}
	if view := m.View(); !strings.Contains(view, "UNKNOWN · 0 of 3 samples") || strings.Contains(view, before) {
		t.Errorf("the partitions of a reset group still show their old verdict:\n%s", view)
	}
}

// TestWindowFromDeps checks the window bounds the samples a verdict uses:
// three refreshes 5 s apart do not fit in 8 s.
func TestWindowFromDeps(t *testing.T) {
	for _, tt := range []struct {
		window time.Duration
		want   string
	}{
		{0, "CATCHING UP"},
		{8 * time.Second, "…"},
		{10 * time.Second, "CATCHING UP"},
	} {
		clock := fixedNow
		m := sized(New(Deps{Base: testBase, Refresh: trendEvery, Window: tt.window, Now: func() time.Time { return clock }}), 80, 24)
		for i := range trendSteps {
			m = feed(m, &clock, trendSnapshot(i))
		}
		m = openTopic(m, "spent_detail_topic")
		if got := groupStatus(t, m, "full-index"); got != tt.want {
			t.Errorf("window %s: full-index is %q, want %q", tt.window, got, tt.want)
		}
		m.Close()
	}
}

// bigSnapshotAt is bigSnapshot at refresh step, trendEvery apart: every
// partition grows by 10 records a refresh, the groups commit 5, 10 or 15.
func bigSnapshotAt(step int) model.Snapshot {
	s := bigSnapshot()
	s.TakenAt = fixedNow.Add(time.Duration(step) * trendEvery)
	for gi := range s.Groups {
		g := &s.Groups[gi]
		for pi := range g.Partitions {
			p := &g.Partitions[pi]
			p.End += int64(step) * 10
			if p.HasCommitted {
				p.Committed += int64(step) * int64(5+gi%3*5)
			}
			p.Lag, p.Expired = model.ComputeLag(p.Start, p.End, p.Committed, p.HasCommitted)
		}
		g.Recompute()
	}
	return s
}

// bigHistory is a model at 160×50 whose history is full: as many refreshes
// of 2,000 groups as the default window holds.
func bigHistory(b *testing.B) (Model, int) {
	clock := fixedNow
	m := sized(New(Deps{Base: testBase, Refresh: trendEvery, Now: func() time.Time { return clock }}), 160, 50)
	steps := model.HistoryCapacity(model.DefaultEvalConfig().Window, trendEvery)
	for i := range steps {
		m = feed(m, &clock, bigSnapshotAt(i))
	}
	if gt, ok := m.lag.trends.group(testBase + "-hot-job-0001"); !ok || gt.Samples < 3 || gt.Status == model.StatusUnknown {
		b.Fatalf("history not filled: %+v", gt)
	}
	return m, steps
}

func BenchmarkViewGroups2000GroupsWithHistory(b *testing.B) {
	m, _ := bigHistory(b)
	m = openTopic(m, "hot")
	defer m.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkViewTopics2000GroupsWithHistory(b *testing.B) {
	m, _ := bigHistory(b)
	defer m.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkViewPartitionsWithHistory(b *testing.B) {
	m, _ := bigHistory(b)
	m = press(openTopic(m, "hot"), "down", "enter")
	defer m.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkSnapshotWithHistory2000Groups is the work of one refresh with a
// full history: observing 2,000 groups, evaluating every one, drawing the
// sparklines of the open topic, sorting.
func BenchmarkSnapshotWithHistory2000Groups(b *testing.B) {
	m, steps := bigHistory(b)
	m = openTopic(m, "hot")
	defer m.Close()
	snaps := make([]model.Snapshot, 8)
	for i := range snaps {
		snaps[i] = bigSnapshotAt(steps + i)
	}
	clock := fixedNow
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		snap := snaps[i%len(snaps)]
		snap.TakenAt = fixedNow.Add(time.Duration(steps+i) * trendEvery)
		clock = snap.TakenAt
		m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: snap})
	}
	_ = clock
}

// TestOffsetWritesForgetHistory checks that a reset or a delete kgroups
// made starts the group's history over, while a refused or failed one
// keeps it.
func TestOffsetWritesForgetHistory(t *testing.T) {
	fullIndex := testBase + "-spent_detail_topic-full-index"
	tests := []struct {
		name string
		msg  tea.Msg
		want string
	}{
		{"reset applied", ops.AppliedMsg{Op: ops.Reset, Result: model.PlanResult{Plan: model.Plan{Group: fullIndex}}}, "…"},
		{"reset failed", ops.AppliedMsg{Op: ops.Reset, Result: model.PlanResult{Plan: model.Plan{Group: fullIndex}}, Err: errors.New("boom")}, "CATCHING UP"},
		{"deleted", ops.DeletedMsg{Group: fullIndex, Topic: "spent_detail_topic"}, "…"},
		{"delete failed", ops.DeletedMsg{Group: fullIndex, Topic: "spent_detail_topic", Err: errors.New("boom")}, "CATCHING UP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := openTopic(withHistory(160, 50, trendSteps), "spent_detail_topic")
			defer m.Close()
			m, _ = update(m, tt.msg)
			if got := groupStatus(t, m, "full-index"); got != tt.want {
				t.Errorf("full-index is %q, want %q", got, tt.want)
			}
		})
	}
}

// TestFailedGroupStatus checks a group whose offsets fail to load keeps the
// verdict it had, and shows none ("—", not a waiting "…") if it never
// loaded.
func TestFailedGroupStatus(t *testing.T) {
	clock := fixedNow
	m := openTopic(withHistory(160, 50, trendSteps), "spent_detail_topic")
	defer m.Close()
	snap := trendSnapshot(trendSteps - 1)
	snap.TakenAt = fixedNow.Add(trendEvery)
	spent, _ := snap.Topic("spent_detail_topic")
	for i, g := range snap.Groups {
		if g.Name.Suffix == "full-index" {
			snap.Groups[i].Err = errors.New("coordinator not available")
		}
	}
	denied := testGroup(spent, "denied", "", nil)
	denied.Err = errors.New("not authorized")
	snap.Groups = append(snap.Groups, denied)
	sortGroups(snap.Groups)
	m = feed(m, &clock, snap)
	if got := groupStatus(t, m, "full-index"); got != "CATCHING UP" {
		t.Errorf("full-index failing once shows %q, want its last verdict", got)
	}
	if got := groupStatus(t, m, "denied"); got != "—" {
		t.Errorf("a group that never loaded shows %q, want —", got)
	}
}
