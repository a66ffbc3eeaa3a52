package model

import (
	"errors"
	"slices"
	"testing"
)

func TestComputeLag(t *testing.T) {
	tests := []struct {
		name                 string
		start, end, c        int64
		has                  bool
		wantLag, wantExpired int64
	}{
		{name: "no commit counts from the log start", start: 0, end: 100, wantLag: 100},
		{name: "no commit after retention", start: 40, end: 100, wantLag: 60},
		{name: "no commit, empty log", start: 7, end: 7, wantLag: 0},
		{name: "committed in the middle", start: 0, end: 100, c: 30, has: true, wantLag: 70},
		{name: "caught up", start: 0, end: 100, c: 100, has: true, wantLag: 0},
		{name: "committed at start", start: 40, end: 100, c: 40, has: true, wantLag: 60},
		{name: "retention overran the commit", start: 40, end: 100, c: 10, has: true, wantLag: 60, wantExpired: 30},
		{name: "retention deleted everything", start: 100, end: 100, c: 10, has: true, wantLag: 0, wantExpired: 90},
		{name: "commit beyond the end (truncated log)", start: 0, end: 50, c: 80, has: true, wantLag: 0},
		{name: "commit zero", start: 0, end: 5, c: 0, has: true, wantLag: 5},
		{name: "negative commit is no commit", start: 10, end: 50, c: -1, has: true, wantLag: 40},
		{name: "committed value ignored without hasCommitted", start: 0, end: 50, c: 20, wantLag: 50},
		{name: "start beyond end never goes negative", start: 60, end: 50, wantLag: 0},
		{name: "unknown start (-1) counts from zero", start: -1, end: 50, wantLag: 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lag, expired := ComputeLag(tt.start, tt.end, tt.c, tt.has)
			if lag != tt.wantLag || expired != tt.wantExpired {
				t.Fatalf("ComputeLag(%d, %d, %d, %v) = %d, %d; want %d, %d",
					tt.start, tt.end, tt.c, tt.has, lag, expired, tt.wantLag, tt.wantExpired)
			}
		})
	}
}

func TestBuildPartitionLags(t *testing.T) {
	errOffsets := errors.New("not leader")
	parts := []TopicPartition{ // deliberately unsorted
		{Partition: 2, Start: 0, End: 30},
		{Partition: 0, Start: 0, End: 100},
		{Partition: 3, Start: 50, End: 80},
		{Partition: 1, Start: 10, End: 10},
		{Partition: 4, Start: 0, End: 0, Err: errOffsets},
	}
	commits := map[int32]int64{
		0:  60, // lag 40
		3:  20, // retention overrun: expired 30, lag 30
		4:  5,  // offsets unknown: no lag
		9:  1,  // no such partition: ignored
		1:  -1, // "no offset"
		22: 0,
	}
	got := BuildPartitionLags(parts, commits)
	want := []PartitionLag{
		{Partition: 0, Start: 0, End: 100, Committed: 60, HasCommitted: true, Lag: 40},
		{Partition: 1, Start: 10, End: 10},
		{Partition: 2, Start: 0, End: 30, Lag: 30}, // uncommitted partition counts in full
		{Partition: 3, Start: 50, End: 80, Committed: 20, HasCommitted: true, Lag: 30, Expired: 30},
		{Partition: 4, Committed: 5, HasCommitted: true, Err: errOffsets},
	}
	if !slices.EqualFunc(got, want, func(a, b PartitionLag) bool { return a == b }) {
		t.Fatalf("BuildPartitionLags =\n%+v\nwant\n%+v", got, want)
	}
	if parts[0].Partition != 2 {
		t.Errorf("BuildPartitionLags reordered its input")
	}
	lag, expired := Totals(got)
	if lag != 100 || expired != 30 {
		t.Errorf("Totals = %d, %d; want 100, 30", lag, expired)
	}
	g := Group{Partitions: got}
	g.Recompute()
	if g.Lag != 100 || g.Expired != 30 {
		t.Errorf("Recompute: Lag %d Expired %d; want 100, 30", g.Lag, g.Expired)
	}
}

func TestBuildPartitionLagsEmptyGroup(t *testing.T) {
	// An Empty group with no commit at all still lags by every record of
	// every partition (kadm's Lag would skip them).
	parts := []TopicPartition{{Partition: 0, End: 5}, {Partition: 1, Start: 2, End: 9}}
	got := BuildPartitionLags(parts, nil)
	if len(got) != 2 || got[0].HasCommitted || got[1].HasCommitted {
		t.Fatalf("BuildPartitionLags(nil commits) = %+v", got)
	}
	if lag, _ := Totals(got); lag != 12 {
		t.Fatalf("lag = %d, want 12", lag)
	}
	if got := BuildPartitionLags(nil, map[int32]int64{0: 1}); len(got) != 0 {
		t.Fatalf("BuildPartitionLags(no partitions) = %+v, want none", got)
	}
}

func TestTopicRecords(t *testing.T) {
	tp := Topic{Partitions: []TopicPartition{
		{Partition: 0, Start: 0, End: 10},
		{Partition: 1, Start: 5, End: 8},
		{Partition: 2, Start: 9, End: 3},                        // inconsistent: ignored, not negative
		{Partition: 3, Start: 0, End: 99, Err: errors.New("x")}, // unknown
	}}
	if got := tp.Records(); got != 13 {
		t.Fatalf("Records() = %d, want 13", got)
	}
}

func testSnapshot() Snapshot {
	mk := func(topic, suffix string, lag, expired int64) Group {
		n := GroupName{Base: "b", Topic: topic, Suffix: suffix}
		return Group{Name: n, ID: n.String(), Lag: lag, Expired: expired}
	}
	return Snapshot{
		Base:   "b",
		Topics: []Topic{{Name: "a"}, {Name: "a-x"}, {Name: "orders"}, {Name: "users"}},
		// Sorted by id: note "b-a-x" (topic a-x) sorts among topic a's groups.
		Groups: []Group{
			mk("a", "", 1, 0),
			mk("a-x", "", 4, 1),
			mk("a", "x-y", 8, 0),
			mk("a", "z", 2, 0),
			mk("orders", "", 32, 0),
			mk("orders", "full-index", 64, 0),
			mk("orders", "incremental", 16, 2),
		},
	}
}

func TestSnapshotTopic(t *testing.T) {
	s := testSnapshot()
	for _, name := range []string{"a", "a-x", "orders", "users"} {
		if tp, ok := s.Topic(name); !ok || tp.Name != name {
			t.Errorf("Topic(%q) = %q, %v", name, tp.Name, ok)
		}
	}
	if _, ok := s.Topic("nope"); ok {
		t.Errorf("Topic(nope) found")
	}
	// Unsorted input still works.
	s.Topics = []Topic{{Name: "z"}, {Name: "a"}}
	if tp, ok := s.Topic("a"); !ok || tp.Name != "a" {
		t.Errorf("Topic(a) on unsorted topics = %q, %v", tp.Name, ok)
	}
}

func TestSnapshotGroup(t *testing.T) {
	s := testSnapshot()
	for _, g := range s.Groups {
		if got, ok := s.Group(g.ID); !ok || got.ID != g.ID {
			t.Errorf("Group(%q) = %q, %v", g.ID, got.ID, ok)
		}
	}
	if _, ok := s.Group("b-nope"); ok {
		t.Errorf("Group(b-nope) found")
	}
	// Unsorted input still works.
	slices.Reverse(s.Groups)
	if got, ok := s.Group("b-a-x"); !ok || got.ID != "b-a-x" {
		t.Errorf("Group(b-a-x) on unsorted groups = %q, %v", got.ID, ok)
	}
}

func TestSnapshotGroupsOf(t *testing.T) {
	s := testSnapshot()
	ids := func(gs []Group) []string {
		var out []string
		for _, g := range gs {
			out = append(out, g.ID)
		}
		return out
	}
	tests := []struct {
		topic string
		want  []string
	}{
		{"a", []string{"b-a", "b-a-x-y", "b-a-z"}},
		{"a-x", []string{"b-a-x"}},
		{"orders", []string{"b-orders", "b-orders-full-index", "b-orders-incremental"}},
		{"users", nil},
	}
	for _, tt := range tests {
		if got := ids(s.GroupsOf(tt.topic)); !slices.Equal(got, tt.want) {
			t.Errorf("GroupsOf(%q) = %q, want %q", tt.topic, got, tt.want)
		}
	}
	// GroupsOf must not reorder the snapshot.
	before := ids(testSnapshot().Groups)
	if after := ids(s.Groups); !slices.Equal(before, after) {
		t.Errorf("GroupsOf reordered Snapshot.Groups: %q", after)
	}
}

func TestSnapshotTopicLag(t *testing.T) {
	s := testSnapshot()
	tests := []struct {
		topic        string
		lag, expired int64
	}{
		{"a", 11, 0},
		{"a-x", 4, 1},
		{"orders", 112, 2},
		{"users", 0, 0},
	}
	for _, tt := range tests {
		if lag, expired := s.TopicLag(tt.topic); lag != tt.lag || expired != tt.expired {
			t.Errorf("TopicLag(%q) = %d, %d; want %d, %d", tt.topic, lag, expired, tt.lag, tt.expired)
		}
	}
}
