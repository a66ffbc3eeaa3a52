package tui

import (
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/model"
)

// fixedNow is the clock of every view test.
var fixedNow = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

func nowFixed() time.Time { return fixedNow }

const testBase = "my-batch-consumer"

func gname(topic, suffix string) model.GroupName {
	return model.GroupName{Base: testBase, Topic: topic, Suffix: suffix}
}

// testGroup builds a group of the base with commits per partition (-1: none).
func testGroup(t model.Topic, suffix, state string, commits []int64, members ...model.Member) model.Group {
	name := gname(t.Name, suffix)
	c := map[int32]int64{}
	for p, o := range commits {
		if o >= 0 {
			c[int32(p)] = o
		}
	}
	g := model.Group{Name: name, ID: name.String(), State: state, Protocol: "classic", Members: members,
		Partitions: model.BuildPartitionLags(t.Partitions, c)}
	for i := range g.Partitions {
		if g.Partitions[i].Lag > 0 {
			g.Partitions[i].OldestUnconsumed = fixedNow.Add(-time.Duration(i+1) * 7 * time.Minute)
		}
	}
	for _, m := range members {
		for _, a := range m.Assigned {
			for _, p := range a.Partitions {
				g.Partitions[p].Member = m.ClientID + "@" + m.Host
			}
		}
	}
	g.Recompute()
	return g
}

func testTopic(name string, internal bool, ranges ...[2]int64) model.Topic {
	t := model.Topic{Name: name, Internal: internal}
	for i, r := range ranges {
		t.Partitions = append(t.Partitions, model.TopicPartition{Partition: int32(i), Leader: int32(i % 3), Start: r[0], End: r[1]})
	}
	return t
}

// fixedSnapshot is the cluster every golden view is drawn from.
func fixedSnapshot() model.Snapshot {
	spent := testTopic("spent_detail_topic", false, [2]int64{0, 1200}, [2]int64{100, 1350}, [2]int64{0, 980})
	events := testTopic("user_events", false, [2]int64{0, 52000}, [2]int64{0, 51870})
	orders := testTopic("orders", false, [2]int64{500, 800})
	offsets := testTopic("__consumer_offsets", true, [2]int64{0, 42})
	hostile := testTopic("evil\x1b[31mred\x07topic", false, [2]int64{0, 3})
	worker := model.Member{ID: "m-1", ClientID: "indexer", Host: "/10.0.0.7",
		Assigned: []model.TopicPartitions{{Topic: "user_events", Partitions: []int32{0, 1}}}}
	snap := model.Snapshot{
		Base:      testBase,
		TakenAt:   fixedNow,
		Brokers:   3,
		Bootstrap: []string{"127.0.0.1:9092"},
		Topics:    []model.Topic{offsets, hostile, orders, spent, events},
		Groups: []model.Group{
			testGroup(orders, "replay", "Empty", []int64{400}),
			testGroup(spent, "", "Empty", []int64{1200, 1350, 980}),
			testGroup(spent, "full-index", "Empty", []int64{600, 50, -1}),
			testGroup(spent, "incremental", "Empty", []int64{1100, 1300, 900}),
			testGroup(events, "analytics", "Empty", []int64{40000, 41000}),
			testGroup(events, "realtime-alerts", "Stable", []int64{51990, 51870}, worker),
		},
		Unmatched: []string{testBase + "-old_topic-x"},
	}
	snap.Groups[4].Err = nil
	sortGroups(snap.Groups)
	return snap
}

func sortGroups(gs []model.Group) {
	for i := range gs {
		for j := i + 1; j < len(gs); j++ {
			if gs[j].ID < gs[i].ID {
				gs[i], gs[j] = gs[j], gs[i]
			}
		}
	}
}

// partialSnapshot is fixedSnapshot with a failed item.
func partialSnapshot() model.Snapshot {
	s := fixedSnapshot()
	s.Errors = []model.ItemError{{Kind: "group", Name: testBase + "-orders-replay", Err: errors.New("coordinator not available")}}
	return s
}

// sized returns m after a window of w×h.
func sized(m Model, w, h int) Model {
	next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return next.(Model)
}

// loaded returns a model at w×h showing snap, as if the first snapshot
// had arrived.
func loaded(snap model.Snapshot, w, h int) Model {
	m := New(Deps{Base: testBase, Brokers: []string{"127.0.0.1:9092"}, Refresh: 5 * time.Second, Now: nowFixed})
	m = sized(m, w, h)
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: snap})
	return m
}

// testRecords is a small batch with the kinds of values the detail pane
// distinguishes.
func testRecords(topic string) []model.Record {
	at := func(m int) time.Time { return fixedNow.Add(-time.Duration(m) * time.Minute) }
	return []model.Record{
		{Topic: topic, Partition: 0, Offset: 600, Timestamp: at(30), Key: []byte("user-42"),
			Value:   []byte(`{"user":42,"amount":12.5,"tags":["a","b"],"ok":true,"note":null}`),
			Headers: []model.Header{{Key: "trace-id", Value: []byte("abc123")}}},
		{Topic: topic, Partition: 0, Offset: 601, Timestamp: at(29), Key: []byte("user-43"), Value: []byte("plain text line\nsecond line")},
		{Topic: topic, Partition: 1, Offset: 50, Timestamp: at(28), Key: nil, Value: nil},
		{Topic: topic, Partition: 1, Offset: 51, Timestamp: at(27), Key: []byte{0xff, 0x00}, Value: []byte{0x00, 0x01, 0x02, 0xfe, 0xff, 'A', 'B'}},
	}
}
