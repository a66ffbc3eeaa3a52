package tui

import (
	"fmt"
	"testing"

	"github.com/kgroups/kgroups/model"
)

// bigSnapshot has 2,000 groups of the base: 1,000 suffixes on one topic and
// 1,000 spread over 100 more topics.
func bigSnapshot() model.Snapshot {
	s := model.Snapshot{Base: testBase, TakenAt: fixedNow, Brokers: 3}
	hot := testTopic("hot", false, [2]int64{0, 1e6}, [2]int64{0, 1e6}, [2]int64{0, 1e6}, [2]int64{0, 1e6})
	s.Topics = append(s.Topics, hot)
	for i := range 1000 {
		s.Groups = append(s.Groups, testGroup(hot, fmt.Sprintf("job-%04d", i), "Empty", []int64{int64(i), int64(2 * i), -1, 5}))
	}
	for ti := range 100 {
		t := testTopic(fmt.Sprintf("topic-%03d", ti), false, [2]int64{0, 5000}, [2]int64{0, 5000})
		s.Topics = append(s.Topics, t)
		for gi := range 10 {
			s.Groups = append(s.Groups, testGroup(t, fmt.Sprintf("s%d", gi), "Stable", []int64{100, 200}))
		}
	}
	sortTopics(s.Topics)
	sortGroups(s.Groups)
	return s
}

func sortTopics(ts []model.Topic) {
	for i := range ts {
		for j := i + 1; j < len(ts); j++ {
			if ts[j].Name < ts[i].Name {
				ts[i], ts[j] = ts[j], ts[i]
			}
		}
	}
}

func BenchmarkViewTopics2000Groups(b *testing.B) {
	m := loaded(bigSnapshot(), 160, 50)
	defer m.Close()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkViewGroups2000Groups(b *testing.B) {
	m := openTopic(loaded(bigSnapshot(), 160, 50), "hot")
	defer m.Close()
	if len(m.groupsPage().list.Rows) < 1000 {
		b.Fatalf("%d rows", len(m.groupsPage().list.Rows))
	}
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkKeyToFrameGroups2000 is the work between a key press and the
// next frame in a list of 1,000 groups: Update, then View.
func BenchmarkKeyToFrameGroups2000(b *testing.B) {
	m := openTopic(loaded(bigSnapshot(), 160, 50), "hot")
	defer m.Close()
	down, up := keyMsg("down"), keyMsg("up")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := down
		if i%2 == 1 {
			k = up
		}
		m, _ = update(m, k)
		_ = m.View()
	}
}

// BenchmarkRefresh2000Groups is the work of applying a new snapshot.
func BenchmarkRefresh2000Groups(b *testing.B) {
	snap := bigSnapshot()
	m := openTopic(loaded(snap, 160, 50), "hot")
	defer m.Close()
	b.ResetTimer()
	for b.Loop() {
		m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: snap})
	}
}

func bigRecordBatch(w, h int) Model {
	m := press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "p", "enter")
	recs := []model.Record{hostileRecords()[9], hostileRecords()[8], testRecords("t")[0]}
	m, _ = update(m, batchMsg{id: m.batchPage().id, kind: batchPeek, target: m.batchPage().target, records: recs})
	return m
}

func BenchmarkView1MBRecordSelected(b *testing.B) {
	m := bigRecordBatch(160, 50)
	defer m.Close()
	if r, _, _ := m.batchPage().selected(); len(r.Value) < 1<<20 {
		b.Fatalf("selected record of %d bytes, want 1 MB", len(r.Value))
	}
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkSelect1MBRecord is the one-time cost of laying out a 1 MB JSON
// value when the cursor lands on it (cached afterwards).
func BenchmarkSelect1MBRecord(b *testing.B) {
	m := bigRecordBatch(160, 50)
	defer m.Close()
	down, home := keyMsg("down"), keyMsg("home")
	b.ResetTimer()
	for b.Loop() {
		m, _ = update(m, down) // the 1 MB text value
		m, _ = update(m, home) // back to the 1 MB JSON value
	}
}
