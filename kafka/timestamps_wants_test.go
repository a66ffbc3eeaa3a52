package kafka

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kgroups/kgroups/model"
)

// TestSortedWantsMatchesSort checks that bucketing the wanted positions by
// partition gives what sorting them all would: every position once, in
// order, for groups that share, repeat and skip partitions.
func TestSortedWantsMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ct := &clusterTopics{byName: map[string]int{}}
	for ti := range 7 {
		tm := topicMeta{name: fmt.Sprintf("t%d", ti)}
		for p := range int32(1 + ti*3) {
			tm.partitions = append(tm.partitions, partitionMeta{partition: p})
		}
		ct.byName[tm.name] = len(ct.topics)
		ct.topics = append(ct.topics, tm)
	}
	var groups []model.Group
	for range 60 {
		ti := rng.IntN(len(ct.topics) + 1) // one topic past the end: unknown
		g := model.Group{Name: model.GroupName{Topic: fmt.Sprintf("t%d", ti)}}
		for p := range int32(1 + ti*3) {
			if rng.IntN(4) == 0 {
				continue
			}
			pl := model.PartitionLag{Partition: p, Start: int64(rng.IntN(3)), Lag: int64(rng.IntN(3))}
			if rng.IntN(2) == 0 {
				pl.Committed, pl.HasCommitted = int64(rng.IntN(6)), true
			}
			g.Partitions = append(g.Partitions, pl)
		}
		groups = append(groups, g)
	}
	var want []tsWant
	for _, w := range lagging(ct, groups) {
		want = append(want, w)
	}
	slices.SortFunc(want, compareWants)
	want = slices.Compact(want)
	if len(want) < 20 {
		t.Fatalf("only %d wanted positions: the fixture wants more", len(want))
	}
	got, index := sortedWants(ct, groupWants(ct, groups))
	if !slices.Equal(got, want) {
		t.Errorf("sortedWants:\n got %v\nwant %v", got, want)
	}
	for i, w := range want {
		if at := index.lookup(got, w); at != i {
			t.Errorf("lookup(%v) = %d, want %d", w, at, i)
		}
	}
	if at := index.lookup(got, tsWant{topic: want[0].topic, part: want[0].part, offset: -7}); at != -1 {
		t.Errorf("lookup of an offset not wanted = %d, want -1", at)
	}
}
