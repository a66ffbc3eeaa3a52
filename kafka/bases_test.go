package kafka_test

import (
	"context"
	"slices"
	"testing"

	"github.com/kgroups/kgroups/model"
)

func TestDetectBases(t *testing.T) {
	_, brokers := newSnapFixture(t)
	c := snapDial(t, brokers, 0)
	got, err := c.DetectBases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// svc holds five groups that fit a topic (svc-nosuchtopic and
	// svc-orders- fit none); the bare "svc" is no base of anything.
	want := []model.BaseCount{{Base: "svc", Groups: 5}, {Base: "other", Groups: 1}, {Base: "svcx", Groups: 1}}
	if !slices.Equal(got, want) {
		t.Errorf("bases %+v, want %+v", got, want)
	}
}

func TestGroupsOnTopic(t *testing.T) {
	_, brokers := newSnapFixture(t)
	c := snapDial(t, brokers, 0)
	type wantGroup struct {
		id    string
		lag   int64
		parts []wantPart
	}
	tests := []struct {
		name, topic, exclude string
		want                 []wantGroup
		wantErr              bool
	}{
		{
			name: "foreign groups on orders", topic: "orders", exclude: "svc",
			want: []wantGroup{
				{"other-orders", 9, []wantPart{
					{p: 0, start: 3, end: 10, committed: 6, lag: 4, oldest: 6},
					{p: 1, end: 5, committed: -1, lag: 5, oldest: 0},
					{p: 2, committed: -1, oldest: -1},
				}},
				// The bare base is not under it.
				{"svc", 10, []wantPart{
					{p: 0, start: 3, end: 10, committed: 5, lag: 5, oldest: 5},
					{p: 1, end: 5, committed: -1, lag: 5, oldest: 0},
					{p: 2, committed: -1, oldest: -1},
				}},
				{"svcx-orders", 10, []wantPart{
					{p: 0, start: 3, end: 10, committed: 5, lag: 5, oldest: 5},
					{p: 1, end: 5, committed: -1, lag: 5, oldest: 0},
					{p: 2, committed: -1, oldest: -1},
				}},
			},
		},
		{name: "only base groups commit there", topic: "user.events", exclude: "svc"},
		{
			name: "other side of the fence", topic: "user.events", exclude: "other",
			want: []wantGroup{
				{"svc-orders-full-index", 3, []wantPart{
					{p: 0, end: 2, committed: 1, lag: 1, oldest: 1},
					{p: 1, end: 2, committed: -1, lag: 2, oldest: 0},
				}},
				{"svc-user.events-analytics", 2, []wantPart{
					{p: 0, end: 2, committed: 2, oldest: -1},
					{p: 1, end: 2, committed: 0, lag: 2, oldest: 0},
				}},
			},
		},
		{name: "no such topic", topic: "missing", exclude: "svc", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.GroupsOnTopic(context.Background(), tt.topic, tt.exclude)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d groups, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.ID != w.id || g.Name.Topic != tt.topic || g.Lag != w.lag || g.Err != nil {
					t.Errorf("group %d: id %s topic %s lag %d err %v, want %s %s %d", i, g.ID, g.Name.Topic, g.Lag, g.Err, w.id, tt.topic, w.lag)
				}
				checkPartitions(t, g.ID, g.Partitions, w.parts)
			}
		})
	}
}
