package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

const snapBase = "svc"

// snapT0 is the timestamp of the first record of partition 0; record i of
// partition p is at snapTime(p, i).
var snapT0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func snapTime(p int32, i int64) time.Time {
	return snapT0.Add(time.Duration(p)*time.Hour + time.Duration(i)*time.Minute)
}

// snapProduce writes n[p] records to each partition p of topic, record i of
// partition p stamped snapTime(p, i).
func snapProduce(t testing.TB, brokers []string, topic string, n ...int) {
	t.Helper()
	var recs []*kgo.Record
	for p, count := range n {
		for i := range count {
			recs = append(recs, &kgo.Record{
				Partition: int32(p),
				Value:     fmt.Appendf(nil, `{"p":%d,"i":%d}`, p, i),
				Timestamp: snapTime(int32(p), int64(i)),
			})
		}
	}
	if len(recs) > 0 {
		kafkatest.Produce(t, brokers, topic, recs...)
	}
}

// snapCommit commits offsets for group, keyed "topic/partition".
func snapCommit(t testing.TB, adm *kadm.Client, group string, offs map[string]int64) {
	t.Helper()
	var os kadm.Offsets
	for tp, at := range offs {
		i := strings.LastIndexByte(tp, '/')
		var p int32
		fmt.Sscan(tp[i+1:], &p)
		os.AddOffset(tp[:i], p, at, -1)
	}
	if err := adm.CommitAllOffsets(context.Background(), group, os); err != nil {
		t.Fatalf("commit %s: %v", group, err)
	}
}

func snapDial(t testing.TB, brokers []string, timeout time.Duration) *kafka.Cluster {
	t.Helper()
	c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers, Timeout: timeout})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// wantPart is the expected figure of one partition of a group.
type wantPart struct {
	p            int32
	start, end   int64
	committed    int64 // -1: no commit
	lag, expired int64
	oldest       int64 // offset of the oldest unconsumed record; -1: none
}

func checkPartitions(t *testing.T, group string, got []model.PartitionLag, want []wantPart) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d partitions, want %d: %+v", group, len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Err != nil {
			t.Errorf("%s p%d: unexpected error %v", group, w.p, g.Err)
		}
		if g.Partition != w.p || g.Start != w.start || g.End != w.end || g.Lag != w.lag || g.Expired != w.expired {
			t.Errorf("%s p%d: got partition %d start %d end %d lag %d expired %d, want %+v",
				group, w.p, g.Partition, g.Start, g.End, g.Lag, g.Expired, w)
		}
		switch {
		case w.committed < 0 && g.HasCommitted:
			t.Errorf("%s p%d: committed %d, want none", group, w.p, g.Committed)
		case w.committed >= 0 && (!g.HasCommitted || g.Committed != w.committed):
			t.Errorf("%s p%d: committed %d (%v), want %d", group, w.p, g.Committed, g.HasCommitted, w.committed)
		}
		var wantTime time.Time
		if w.oldest >= 0 {
			wantTime = snapTime(w.p, w.oldest)
		}
		if !g.OldestUnconsumed.Equal(wantTime) {
			t.Errorf("%s p%d: oldest unconsumed %v, want %v", group, w.p, g.OldestUnconsumed, wantTime)
		}
	}
}

// newSnapFixture builds topics orders (3 partitions: 10, 5 and 0 records,
// the first 3 of partition 0 deleted), orders-eu (2: 3, 0) and user.events
// (2: 2, 2), and groups with commits:
//
//	svc-orders                 orders 0@4 1@5
//	svc-orders-full-index      orders 0@10, user.events 0@1
//	svc-orders-eu              orders 0@2 (fits topic orders-eu too: commits decide)
//	svc-orders-eu-x            orders-eu 0@1
//	svc-user.events-analytics  user.events 0@2 1@0
//	svc-nosuchtopic, svc-orders-   unmatched
//	svcx-orders, svc, other-orders not under the base
//
// snapFixtureOffsets holds the log start and end offsets newSnapFixture leaves.
var snapFixtureOffsets = map[string][][2]int64{
	"orders":      {{3, 10}, {0, 5}, {0, 0}},
	"orders-eu":   {{0, 3}, {0, 0}},
	"user.events": {{0, 2}, {0, 2}},
}

func newSnapFixture(t *testing.T) (*kfake.Cluster, []string) {
	t.Helper()
	fake, brokers := kafkatest.NewCluster(t,
		kfake.SeedTopics(3, "orders"),
		kfake.SeedTopics(2, "orders-eu", "user.events"),
	)
	snapProduce(t, brokers, "orders", 10, 5, 0)
	snapProduce(t, brokers, "orders-eu", 3, 0)
	snapProduce(t, brokers, "user.events", 2, 2)
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	var trim kadm.Offsets
	trim.AddOffset("orders", 0, 3, -1)
	if resp, err := adm.DeleteRecords(context.Background(), trim); err != nil || resp.Error() != nil {
		t.Fatalf("delete records: %v %v", err, resp.Error())
	}
	for group, offs := range map[string]map[string]int64{
		"svc-orders":                {"orders/0": 4, "orders/1": 5},
		"svc-orders-full-index":     {"orders/0": 10, "user.events/0": 1},
		"svc-orders-eu":             {"orders/0": 2},
		"svc-orders-eu-x":           {"orders-eu/0": 1},
		"svc-user.events-analytics": {"user.events/0": 2, "user.events/1": 0},
		"svc-nosuchtopic":           {"orders/0": 5},
		"svc-orders-":               {"orders/0": 5},
		"svcx-orders":               {"orders/0": 5},
		"svc":                       {"orders/0": 5},
		"other-orders":              {"orders/0": 6},
	} {
		snapCommit(t, adm, group, offs)
	}
	return fake, brokers
}

func TestSnapshotLag(t *testing.T) {
	_, brokers := newSnapFixture(t)
	c := snapDial(t, brokers, 0)
	snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Errors) > 0 {
		t.Fatalf("unexpected item errors: %v", snap.Errors)
	}
	if snap.Brokers != 3 || snap.Base != snapBase {
		t.Errorf("brokers %d base %q", snap.Brokers, snap.Base)
	}

	tests := []struct {
		id       string
		name     model.GroupName
		lag, exp int64
		parts    []wantPart
		other    []model.Commit
	}{
		{
			id: "svc-orders", name: model.GroupName{Base: "svc", Topic: "orders"}, lag: 6,
			parts: []wantPart{
				{p: 0, start: 3, end: 10, committed: 4, lag: 6, oldest: 4},
				{p: 1, start: 0, end: 5, committed: 5, lag: 0, oldest: -1},
				{p: 2, start: 0, end: 0, committed: -1, lag: 0, oldest: -1},
			},
		},
		{
			id: "svc-orders-eu", name: model.GroupName{Base: "svc", Topic: "orders", Suffix: "eu"}, lag: 12, exp: 1,
			parts: []wantPart{
				{p: 0, start: 3, end: 10, committed: 2, lag: 7, expired: 1, oldest: 3},
				{p: 1, start: 0, end: 5, committed: -1, lag: 5, oldest: 0},
				{p: 2, start: 0, end: 0, committed: -1, lag: 0, oldest: -1},
			},
		},
		{
			id: "svc-orders-eu-x", name: model.GroupName{Base: "svc", Topic: "orders-eu", Suffix: "x"}, lag: 2,
			parts: []wantPart{
				{p: 0, start: 0, end: 3, committed: 1, lag: 2, oldest: 1},
				{p: 1, start: 0, end: 0, committed: -1, lag: 0, oldest: -1},
			},
		},
		{
			id: "svc-orders-full-index", name: model.GroupName{Base: "svc", Topic: "orders", Suffix: "full-index"}, lag: 5,
			parts: []wantPart{
				{p: 0, start: 3, end: 10, committed: 10, lag: 0, oldest: -1},
				{p: 1, start: 0, end: 5, committed: -1, lag: 5, oldest: 0},
				{p: 2, start: 0, end: 0, committed: -1, lag: 0, oldest: -1},
			},
			other: []model.Commit{{Topic: "user.events", Partition: 0, Offset: 1}},
		},
		{
			id: "svc-user.events-analytics", name: model.GroupName{Base: "svc", Topic: "user.events", Suffix: "analytics"}, lag: 2,
			parts: []wantPart{
				{p: 0, start: 0, end: 2, committed: 2, lag: 0, oldest: -1},
				{p: 1, start: 0, end: 2, committed: 0, lag: 2, oldest: 0},
			},
		},
	}
	var ids []string
	for _, g := range snap.Groups {
		ids = append(ids, g.ID)
	}
	var wantIDs []string
	for _, tt := range tests {
		wantIDs = append(wantIDs, tt.id)
	}
	if !slices.Equal(ids, wantIDs) {
		t.Fatalf("groups %v, want %v (sorted, under the base only)", ids, wantIDs)
	}
	for i, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			g := snap.Groups[i]
			if g.Name != tt.name {
				t.Errorf("name %+v, want %+v", g.Name, tt.name)
			}
			if g.Lag != tt.lag || g.Expired != tt.exp {
				t.Errorf("lag %d expired %d, want %d %d", g.Lag, g.Expired, tt.lag, tt.exp)
			}
			if g.Protocol != "classic" || g.State != "Empty" || g.Err != nil || len(g.Members) != 0 {
				t.Errorf("protocol %q state %q err %v members %v", g.Protocol, g.State, g.Err, g.Members)
			}
			if !slices.Equal(g.OtherCommits, tt.other) {
				t.Errorf("other commits %+v, want %+v", g.OtherCommits, tt.other)
			}
			checkPartitions(t, tt.id, g.Partitions, tt.parts)
		})
	}

	if want := []string{"svc-nosuchtopic", "svc-orders-"}; !slices.Equal(snap.Unmatched, want) {
		t.Errorf("unmatched %v, want %v", snap.Unmatched, want)
	}
	var topics []string
	for _, tp := range snap.Topics {
		topics = append(topics, tp.Name)
		if tp.Internal {
			t.Errorf("topic %s flagged internal", tp.Name)
		}
	}
	if want := []string{"orders", "orders-eu", "user.events"}; !slices.Equal(topics, want) {
		t.Errorf("topics %v, want %v", topics, want)
	}
	orders, _ := snap.Topic("orders")
	var ends []int64
	for _, p := range orders.Partitions {
		ends = append(ends, p.Start, p.End)
	}
	if want := []int64{3, 10, 0, 5, 0, 0}; !slices.Equal(ends, want) {
		t.Errorf("orders start/end %v, want %v", ends, want)
	}
}

func TestSnapshotTopicOption(t *testing.T) {
	_, brokers := newSnapFixture(t)
	c := snapDial(t, brokers, 0)
	tests := []struct {
		topic  string
		groups []string
	}{
		// svc-orders-eu fits orders-eu by name but commits on orders.
		{"orders", []string{"svc-orders", "svc-orders-eu", "svc-orders-full-index"}},
		{"orders-eu", []string{"svc-orders-eu-x"}},
		{"missing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{Topic: tt.topic, SkipTimestamps: true})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, g := range snap.Groups {
				ids = append(ids, g.ID)
				for _, p := range g.Partitions {
					if !p.OldestUnconsumed.IsZero() {
						t.Errorf("%s p%d: timestamp fetched despite SkipTimestamps", g.ID, p.Partition)
					}
				}
			}
			if !slices.Equal(ids, tt.groups) {
				t.Errorf("groups %v, want %v", ids, tt.groups)
			}
			var topics []string
			for _, tp := range snap.Topics {
				topics = append(topics, tp.Name)
			}
			var want []string
			if tt.groups != nil {
				want = []string{tt.topic}
			}
			if !slices.Equal(topics, want) {
				t.Errorf("topics %v, want %v", topics, want)
			}
			missing := len(snap.Errors) == 1 && errors.Is(snap.Errors[0], kerr.UnknownTopicOrPartition)
			if missing != (tt.groups == nil) {
				t.Errorf("errors %v: want an unknown-topic error only for a missing topic", snap.Errors)
			}
		})
	}
}

// TestSnapshotLiveMembers runs a classic consumer and a KIP-848 consumer
// on one topic and expects each group with its protocol, its member and
// the member's partitions.
func TestSnapshotLiveMembers(t *testing.T) {
	_, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(4, "jobs"))
	snapProduce(t, brokers, "jobs", 3, 1, 0, 2)
	kafkatest.Client(t, brokers,
		kgo.ClientID("classic-worker"), kgo.ConsumerGroup("svc-jobs"), kgo.ConsumeTopics("jobs"),
		kgo.Balancers(kgo.RangeBalancer()), kgo.DisableAutoCommit())
	kafkatest.Client(t, brokers,
		kgo.ClientID("next-worker"), kgo.ConsumerGroup("svc-jobs-rt"), kgo.ConsumeTopics("jobs"),
		kgo.Balancers(kgo.RangeBalancer()), kgo.ServerSideBalancer(), kgo.DisableAutoCommit())
	c := snapDial(t, brokers, 0)

	want := map[string]string{"svc-jobs": "classic", "svc-jobs-rt": "consumer"}
	var snap model.Snapshot
	kafkatest.Eventually(t, 20*time.Second, func() error {
		var err error
		snap, err = c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ready := len(snap.Groups) == 2
		for _, g := range snap.Groups {
			ready = ready && g.State == "Stable" && len(g.Members) == 1 &&
				len(g.Members[0].Assigned) == 1 && len(g.Members[0].Assigned[0].Partitions) == 4
		}
		if !ready {
			return fmt.Errorf("groups never settled with their members: %+v", snap.Groups)
		}
		return nil
	})
	for _, g := range snap.Groups {
		if g.Protocol != want[g.ID] {
			t.Errorf("%s: protocol %q, want %q", g.ID, g.Protocol, want[g.ID])
		}
		m := g.Members[0]
		wantClient := map[string]string{"svc-jobs": "classic-worker", "svc-jobs-rt": "next-worker"}[g.ID]
		if m.ClientID != wantClient || m.Host == "" || m.ID == "" {
			t.Errorf("%s: member %+v, want client %s with a host", g.ID, m, wantClient)
		}
		if a := m.Assigned[0]; a.Topic != "jobs" || !slices.Equal(a.Partitions, []int32{0, 1, 2, 3}) {
			t.Errorf("%s: assigned %+v", g.ID, m.Assigned)
		}
		// Nothing committed: every partition counts from the log start.
		checkPartitions(t, g.ID, g.Partitions, []wantPart{
			{p: 0, end: 3, committed: -1, lag: 3, oldest: 0},
			{p: 1, end: 1, committed: -1, lag: 1, oldest: 0},
			{p: 2, end: 0, committed: -1, lag: 0, oldest: -1},
			{p: 3, end: 2, committed: -1, lag: 2, oldest: 0},
		})
		for _, p := range g.Partitions {
			if p.Member != m.ClientID+"@"+m.Host {
				t.Errorf("%s p%d: held by %q, want %q", g.ID, p.Partition, p.Member, m.ClientID+"@"+m.Host)
			}
		}
	}
}

// TestSnapshotOneCoordinatorFailing makes one broker fail as coordinator and
// expects its groups reported with an error while every other group keeps
// its figures.
func TestSnapshotOneCoordinatorFailing(t *testing.T) {
	groupReply := func(key kmsg.Key, code int16) func(kmsg.Request) kmsg.Response {
		return func(req kmsg.Request) kmsg.Response {
			switch r := req.(type) {
			case *kmsg.DescribeGroupsRequest:
				resp := r.ResponseKind().(*kmsg.DescribeGroupsResponse)
				for _, g := range r.Groups {
					rg := kmsg.NewDescribeGroupsResponseGroup()
					rg.Group, rg.ErrorCode = g, code
					resp.Groups = append(resp.Groups, rg)
				}
				return resp
			case *kmsg.OffsetFetchRequest:
				resp := r.ResponseKind().(*kmsg.OffsetFetchResponse)
				resp.ErrorCode = code
				for _, g := range r.Groups {
					rg := kmsg.NewOffsetFetchResponseGroup()
					rg.Group, rg.ErrorCode = g.Group, code
					resp.Groups = append(resp.Groups, rg)
				}
				return resp
			}
			panic(fmt.Sprintf("unexpected request %T for key %v", req, key))
		}
	}
	tests := []struct {
		name       string
		key        kmsg.Key
		code       int16
		commitsBad bool // the failing groups lose their commits (lag unknown)
	}{
		{"describe not authorized", kmsg.DescribeGroups, kerr.GroupAuthorizationFailed.Code, false},
		{"offset fetch fails", kmsg.OffsetFetch, kerr.UnknownServerError.Code, true},
		{"coordinator stuck loading", kmsg.OffsetFetch, kerr.CoordinatorLoadInProgress.Code, true},
	}
	groups := []string{"svc-orders-a", "svc-orders-b", "svc-orders-c", "svc-orders-d", "svc-orders-e", "svc-orders-f"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(2, "orders"))
			snapProduce(t, brokers, "orders", 4, 4)
			adm := kadm.NewClient(kafkatest.Client(t, brokers))
			for _, g := range groups {
				snapCommit(t, adm, g, map[string]int64{"orders/0": 1, "orders/1": 3})
			}
			failNode := fake.CoordinatorFor(groups[0])
			failing := map[string]bool{}
			for _, g := range groups {
				failing[g] = fake.CoordinatorFor(g) == failNode
			}
			if !slices.Contains(slices.Collect(maps.Values(failing)), false) {
				t.Fatalf("every group on node %d: pick other names", failNode)
			}
			reply := groupReply(tt.key, tt.code)
			fake.ControlKey(int16(tt.key), func(req kmsg.Request) (kmsg.Response, error, bool) {
				fake.KeepControl()
				if fake.CurrentNode() != failNode {
					return nil, nil, false
				}
				return reply(req), nil, true
			})

			c := snapDial(t, brokers, time.Second)
			snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{})
			if err != nil {
				t.Fatalf("one coordinator failing failed the whole snapshot: %v", err)
			}
			var ids []string
			for _, g := range snap.Groups {
				ids = append(ids, g.ID)
			}
			if !slices.Equal(ids, groups) {
				t.Fatalf("groups %v, want all of %v", ids, groups)
			}
			reported := map[string]bool{}
			for _, e := range snap.Errors {
				reported[e.Name] = true
			}
			for _, g := range snap.Groups {
				if !failing[g.ID] {
					if g.Err != nil {
						t.Errorf("%s (healthy coordinator): %v", g.ID, g.Err)
					}
					checkPartitions(t, g.ID, g.Partitions, []wantPart{
						{p: 0, end: 4, committed: 1, lag: 3, oldest: 1},
						{p: 1, end: 4, committed: 3, lag: 1, oldest: 3},
					})
					continue
				}
				if g.Err == nil || !reported[g.ID] {
					t.Errorf("%s (failing coordinator): err %v, reported %v", g.ID, g.Err, reported[g.ID])
				}
				if tt.commitsBad {
					for _, p := range g.Partitions {
						if p.Err == nil || p.Lag != 0 {
							t.Errorf("%s p%d: lag %d err %v, want unknown lag", g.ID, p.Partition, p.Lag, p.Err)
						}
					}
				} else if g.Lag != 4 {
					t.Errorf("%s: lag %d, want 4 from its commits", g.ID, g.Lag)
				}
			}
		})
	}
}

// TestSnapshotPartialTopicAndTimestampFailures refuses the offsets of one
// topic and every fetch, and expects the rest intact.
func TestSnapshotPartialTopicAndTimestampFailures(t *testing.T) {
	fake, brokers := newSnapFixture(t)
	fake.ControlKey(int16(kmsg.ListOffsets), func(req kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		r := req.(*kmsg.ListOffsetsRequest)
		if !slices.ContainsFunc(r.Topics, func(t kmsg.ListOffsetsRequestTopic) bool { return t.Topic == "user.events" }) {
			return nil, nil, false
		}
		resp := r.ResponseKind().(*kmsg.ListOffsetsResponse)
		for _, rt := range r.Topics {
			st := kmsg.NewListOffsetsResponseTopic()
			st.Topic = rt.Topic
			for _, rp := range rt.Partitions {
				sp := kmsg.NewListOffsetsResponseTopicPartition()
				sp.Partition = rp.Partition
				if rt.Topic == "user.events" {
					sp.ErrorCode = kerr.TopicAuthorizationFailed.Code
				} else {
					// The same request carries other topics: answer them
					// as the broker would.
					startEnd := snapFixtureOffsets[rt.Topic][rp.Partition]
					sp.Offset = startEnd[1]
					if rp.Timestamp == -2 {
						sp.Offset = startEnd[0]
					}
				}
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	fake.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		return nil, errors.New("fetch refused"), true
	})
	c := snapDial(t, brokers, time.Second)
	snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{TimestampTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, e := range snap.Errors {
		kinds[e.Kind+" "+e.Name] = true
	}
	if !kinds["partition user.events"] {
		t.Errorf("no error for the refused topic in %v", snap.Errors)
	}
	if !kinds["timestamps orders"] {
		t.Errorf("no timestamp error for orders in %v", snap.Errors)
	}
	for _, g := range snap.Groups {
		for _, p := range g.Partitions {
			if !p.OldestUnconsumed.IsZero() {
				t.Errorf("%s p%d: timestamp without a fetch", g.ID, p.Partition)
			}
		}
	}
	analytics, ok := snap.Group("svc-user.events-analytics")
	if !ok || len(analytics.Partitions) != 2 || analytics.Partitions[0].Err == nil {
		t.Errorf("group on the refused topic: %+v", analytics)
	}
	orders, _ := snap.Group("svc-orders")
	if orders.Lag != 6 || orders.Err != nil {
		t.Errorf("svc-orders: lag %d err %v, want 6 and no error", orders.Lag, orders.Err)
	}
}

func TestSnapshotInternalTopics(t *testing.T) {
	fake, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(1, "plain", "__offsets_like"))
	if err := fake.CreateTopic("_schemas", 1, map[string]string{"kfake.is_internal": "true"}); err != nil {
		t.Fatal(err)
	}
	c := snapDial(t, brokers, 0)
	snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"__offsets_like": true, "_schemas": true, "plain": false}
	if len(snap.Topics) != len(want) {
		t.Fatalf("topics %+v", snap.Topics)
	}
	for _, tp := range snap.Topics {
		if tp.Internal != want[tp.Name] {
			t.Errorf("%s: internal %v, want %v", tp.Name, tp.Internal, want[tp.Name])
		}
	}
}

func TestSnapshotCanceled(t *testing.T) {
	_, brokers := newSnapFixture(t)
	c := snapDial(t, brokers, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Snapshot(ctx, snapBase, kafka.SnapshotOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}
