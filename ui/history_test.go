package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/kgroups/kgroups/model"
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

var historyScreens = []struct {
	name  string
	build func(w, h int) Model
}{
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
	for _, s := range historyScreens {
		for _, size := range [][2]int{{80, 24}, {160, 50}} {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				m := s.build(size[0], size[1])
				defer m.Close()
				view := m.View()
				checkFrame(t, view, size[0], size[1])
				requireGolden(t, view)
			})
		}
	}
	for _, s := range historyScreens {
		m := s.build(80, 24)
		for _, size := range [][2]int{{60, 15}, {40, 10}, {100, 30}, {120, 40}, {200, 60}} {
			m = sized(m, size[0], size[1])
			checkFrame(t, m.View(), size[0], size[1])
		}
		m.Close()
	}
}
