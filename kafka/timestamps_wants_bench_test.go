package kafka

import (
	"fmt"
	"testing"
	"time"

	"github.com/kgroups/kgroups/model"
)

// benchWantsFixture is the S2 lag benchmark cluster's layout without a
// cluster: 2,000 topics of 16 partitions, 5 groups a topic with 4 records
// a partition, committed at 4, 2, 1 on even partitions, 0 on partition 0,
// and 3 (160,000 group-partitions).
func benchWantsFixture() (*clusterTopics, []model.Group) {
	ct := &clusterTopics{byName: map[string]int{}}
	var groups []model.Group
	for ti := range 2000 {
		tm := topicMeta{name: fmt.Sprintf("t%04d", ti)}
		for p := range int32(16) {
			tm.partitions = append(tm.partitions, partitionMeta{partition: p})
		}
		ct.byName[tm.name] = len(ct.topics)
		ct.topics = append(ct.topics, tm)
	}
	for k, at := range []int64{4, 2, 1, 0, 3} {
		for ti := range 2000 {
			g := model.Group{Name: model.GroupName{Topic: fmt.Sprintf("t%04d", ti)}}
			for p := range int32(16) {
				pl := model.PartitionLag{Partition: p, Start: 0, End: 4, Lag: 4 - at}
				if !(k == 2 && p%2 == 1 || k == 3 && p > 0) {
					pl.Committed, pl.HasCommitted = at, true
				} else {
					pl.Lag = 4
				}
				g.Partitions = append(g.Partitions, pl)
			}
			groups = append(groups, g)
		}
	}
	return ct, groups
}

// BenchmarkTimeLagPositions collects the positions a time-lag read wants at
// S2, once each and in order.
func BenchmarkTimeLagPositions(b *testing.B) {
	ct, groups := benchWantsFixture()
	for b.Loop() {
		sortedWants(ct, groupWants(ct, groups))
	}
}

// BenchmarkTimeLagFill sets every lagging partition's time from the read at
// S2.
func BenchmarkTimeLagFill(b *testing.B) {
	ct, groups := benchWantsFixture()
	wants, index := sortedWants(ct, groupWants(ct, groups))
	r := oldestUnconsumed{wants: wants, index: index, times: make([]time.Time, len(wants)), partOf: make([]int32, len(wants)), parts: make([]tsPartition, 1)}
	for b.Loop() {
		r.fill(ct, groups)
	}
}
