package model

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// ComputeLag returns a group's lag and expired count on one partition whose
// log starts at start and ends at end (the high watermark).
//
// With a commit c, the group resumes at max(c, start): lag = end − max(c, start)
// and expired = max(start − c, 0), the records retention deleted before the
// group read them. Without a commit the group would start at earliest, so
// lag = end − start. Neither is ever negative: a commit beyond the end (a
// truncated log) gives lag 0. A negative committed offset is Kafka's "no
// offset" and counts as no commit.
func ComputeLag(start, end, committed int64, hasCommitted bool) (lag, expired int64) {
	if start < 0 {
		start = 0
	}
	pos := start
	if hasCommitted && committed >= 0 {
		if committed > pos {
			pos = committed
		}
		expired = max(start-committed, 0)
	}
	lag = max(end-pos, 0)
	return lag, expired
}

// BuildPartitionLags returns a group's position on EVERY partition in parts,
// sorted by partition, whether or not the group committed on it: a partition
// without a commit has HasCommitted false and counts from the log start.
// Commits on partitions missing from parts are ignored, as are negative
// offsets (Kafka's "no offset"). A partition whose offsets failed to load
// keeps its Err and gets no lag, since start and end are unknown.
func BuildPartitionLags(parts []TopicPartition, commits map[int32]int64) []PartitionLag {
	out := make([]PartitionLag, 0, len(parts))
	for _, p := range parts {
		c, ok := commits[p.Partition]
		out = append(out, PartitionLagOf(p, c, ok))
	}
	slices.SortStableFunc(out, func(a, b PartitionLag) int { return cmp.Compare(a.Partition, b.Partition) })
	return out
}

// PartitionLagOf is a group's position on partition p, given its commit
// there (hasCommitted false: none; a negative committed offset counts as
// none), as BuildPartitionLags computes it for each partition.
func PartitionLagOf(p TopicPartition, committed int64, hasCommitted bool) PartitionLag {
	pl := PartitionLag{Partition: p.Partition, Start: p.Start, End: p.End, Err: p.Err}
	if hasCommitted && committed >= 0 {
		pl.Committed, pl.HasCommitted = committed, true
	}
	if p.Err == nil {
		pl.Lag, pl.Expired = ComputeLag(p.Start, p.End, pl.Committed, pl.HasCommitted)
	}
	return pl
}

// Totals sums the lag and expired counts of partitions.
func Totals(pls []PartitionLag) (lag, expired int64) {
	for _, p := range pls {
		lag += p.Lag
		expired += p.Expired
	}
	return lag, expired
}

// Recompute sets g.Lag and g.Expired from g.Partitions.
func (g *Group) Recompute() {
	g.Lag, g.Expired = Totals(g.Partitions)
}

// Records returns the number of records retained in the topic: the sum of
// end − start over its partitions, skipping partitions whose offsets failed.
func (t Topic) Records() int64 {
	var n int64
	for _, p := range t.Partitions {
		if p.Err == nil {
			n += max(p.End-p.Start, 0)
		}
	}
	return n
}

// Topic returns the topic named name.
func (s Snapshot) Topic(name string) (Topic, bool) {
	// Topics are sorted by name; fall back to a scan if a caller built an
	// unsorted snapshot.
	i := sort.Search(len(s.Topics), func(i int) bool { return s.Topics[i].Name >= name })
	if i < len(s.Topics) && s.Topics[i].Name == name {
		return s.Topics[i], true
	}
	for _, t := range s.Topics {
		if t.Name == name {
			return t, true
		}
	}
	return Topic{}, false
}

// Group returns the group with the given id.
func (s Snapshot) Group(id string) (Group, bool) {
	i := sort.Search(len(s.Groups), func(i int) bool { return s.Groups[i].ID >= id })
	if i < len(s.Groups) && s.Groups[i].ID == id {
		return s.Groups[i], true
	}
	for _, g := range s.Groups {
		if g.ID == id {
			return g, true
		}
	}
	return Group{}, false
}

// GroupsOf returns the groups under the base that consume topic: the default
// group first, then the suffixed groups sorted by suffix. It returns a new
// slice.
func (s Snapshot) GroupsOf(topic string) []Group {
	var out []Group
	for _, g := range s.Groups {
		if g.Name.Topic == topic {
			out = append(out, g)
		}
	}
	// The default group has the empty suffix, which sorts first.
	slices.SortStableFunc(out, func(a, b Group) int {
		if c := strings.Compare(a.Name.Suffix, b.Name.Suffix); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// TopicLag sums the lag and expired counts of all groups under the base that
// consume topic.
func (s Snapshot) TopicLag(topic string) (lag, expired int64) {
	for _, g := range s.Groups {
		if g.Name.Topic == topic {
			lag += g.Lag
			expired += g.Expired
		}
	}
	return lag, expired
}

// TotalLag sums the lag of partitions.
func TotalLag(parts []PartitionLag) int64 {
	var n int64
	for _, p := range parts {
		n += p.Lag
	}
	return n
}
