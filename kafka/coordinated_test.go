package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// coordinatedCluster is three brokers with 15 groups under snapBase over
// three topics, spread over the brokers as their coordinators, plus a live
// classic group and a live KIP-848 group so that both describes are sent.
func coordinatedCluster(t *testing.T, opts ...kfake.Opt) (*kfake.Cluster, []string) {
	t.Helper()
	topics := []string{"a", "b", "c"}
	c, brokers := kafkatest.NewCluster(t, append([]kfake.Opt{kfake.SeedTopics(3, topics...)}, opts...)...)
	for _, topic := range topics {
		snapProduce(t, brokers, topic, 4, 4, 4)
	}
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	for i, topic := range topics {
		for j, suffix := range []string{"", "-x", "-y", "-z", "-w"} {
			snapCommit(t, adm, snapBase+"-"+topic+suffix, map[string]int64{
				topic + "/0": int64((i + j) % 4), topic + "/1": 1, topic + "/2": 4,
			})
		}
	}
	kafkatest.Client(t, brokers, kgo.ConsumerGroup(snapBase+"-b-classic"), kgo.ConsumeTopics("b"), kgo.DisableAutoCommit())
	return c, brokers
}

// coordinatedSummary is what a snapshot says of every group: id, state,
// member count, lag, and each partition's commit and time lag.
func coordinatedSummary(snap model.Snapshot) string {
	var b strings.Builder
	for _, g := range snap.Groups {
		fmt.Fprintf(&b, "%s %s members=%d lag=%d err=%v:", g.ID, g.State, len(g.Members), g.Lag, g.Err)
		for _, p := range g.Partitions {
			fmt.Fprintf(&b, " %d@%d/%v/%s", p.Partition, p.Committed, p.HasCommitted, p.OldestUnconsumed.Format(time.RFC3339))
		}
		b.WriteByte('\n')
	}
	for _, e := range snap.Errors {
		fmt.Fprintf(&b, "error: %v\n", e)
	}
	return b.String()
}

// settledSnapshot takes snapshots through c until the live group is
// stable with its member, and returns the last.
func settledSnapshot(t *testing.T, c *kafka.Cluster) model.Snapshot {
	t.Helper()
	var snap model.Snapshot
	kafkatest.Eventually(t, 20*time.Second, func() error {
		var err error
		if snap, err = c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{}); err != nil {
			t.Fatal(err)
		}
		if g, ok := snap.Group(snapBase + "-b-classic"); !ok || len(g.Members) == 0 || g.State != "Stable" {
			return fmt.Errorf("the live group is not stable yet: %+v", g)
		}
		return nil
	})
	return snap
}

// TestSnapshotAsksTheListingCoordinators: ListGroups asks each broker for
// the groups it coordinates, so the snapshot sends each its groups' commit
// and describe requests straight away, with no FindCoordinator: a round
// trip and a fifth of a one-shot lag's wall time at 2,000 groups. What it
// reads is what kadm reads through FindCoordinator.
func TestSnapshotAsksTheListingCoordinators(t *testing.T) {
	_, brokers := coordinatedCluster(t)
	settler, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	settledSnapshot(t, settler)
	settler.Close()
	// A new client, which knows no coordinator yet: the client's own
	// sharded requests would look them all up first.
	counter := &requestCounter{}
	c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers, Extra: []kgo.Opt{kgo.WithHooks(counter)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Errors) > 0 {
		t.Fatalf("errors: %v", snap.Errors)
	}
	if _, n := counter.perBroker(kmsg.FindCoordinator); n > 0 {
		t.Errorf("FindCoordinator sent %d times, want none: the listing names every coordinator", n)
	}
	coordinators := map[int32]bool{}
	counter.mu.Lock()
	for node := range counter.n[int16(kmsg.OffsetFetch)] {
		coordinators[node] = true
	}
	counter.mu.Unlock()
	if len(coordinators) < 2 {
		t.Errorf("commits read from %d broker(s): the groups should be spread over the coordinators", len(coordinators))
	}

	// kadm, through FindCoordinator, reads the same commits.
	fetched := kadm.NewClient(kafkatest.Client(t, brokers)).FetchManyOffsets(context.Background(), groupIDs(snap)...)
	if err := fetched.Error(); err != nil {
		t.Fatal(err)
	}
	for _, g := range snap.Groups {
		for _, p := range g.Partitions {
			o, ok := fetched[g.ID].Fetched.Lookup(g.Name.Topic, p.Partition)
			if ok != p.HasCommitted || ok && o.At != p.Committed {
				t.Errorf("%s/%d: snapshot says %d (%v), kadm %d (%v)", g.ID, p.Partition, p.Committed, p.HasCommitted, o.At, ok)
			}
		}
	}
}

func groupIDs(snap model.Snapshot) []string {
	ids := make([]string, 0, len(snap.Groups))
	for _, g := range snap.Groups {
		ids = append(ids, g.ID)
	}
	return ids
}

// TestSnapshotFollowsAMovedCoordinator: a coordinator that answers "not
// coordinator" (the group moved since the listing) or that is still
// loading has its groups asked again through the client, which finds
// their coordinators: the snapshot reads the same as without the fault,
// with no error.
func TestSnapshotFollowsAMovedCoordinator(t *testing.T) {
	for _, code := range []*kerr.Error{kerr.NotCoordinator, kerr.CoordinatorLoadInProgress} {
		t.Run(code.Message, func(t *testing.T) {
			fake, brokers := coordinatedCluster(t)
			counter := &requestCounter{}
			c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers, Extra: []kgo.Opt{kgo.WithHooks(counter)}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Close)
			want := coordinatedSummary(settledSnapshot(t, c))

			// The next OffsetFetch and DescribeGroups to each broker, the
			// ones sent straight to the listing coordinators, are refused.
			var commitsRefused, describesRefused atomic.Int32
			fake.ControlKey(int16(kmsg.OffsetFetch), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
				fake.KeepControl()
				if commitsRefused.Add(1) > 3 {
					return nil, nil, false
				}
				req := kreq.(*kmsg.OffsetFetchRequest)
				resp := req.ResponseKind().(*kmsg.OffsetFetchResponse)
				for _, rg := range req.Groups {
					g := kmsg.NewOffsetFetchResponseGroup()
					g.Group, g.ErrorCode = rg.Group, code.Code
					resp.Groups = append(resp.Groups, g)
				}
				return resp, nil, true
			})
			fake.ControlKey(int16(kmsg.DescribeGroups), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
				fake.KeepControl()
				if describesRefused.Add(1) > 3 {
					return nil, nil, false
				}
				req := kreq.(*kmsg.DescribeGroupsRequest)
				resp := req.ResponseKind().(*kmsg.DescribeGroupsResponse)
				for _, id := range req.Groups {
					g := kmsg.NewDescribeGroupsResponseGroup()
					g.Group, g.ErrorCode = id, code.Code
					resp.Groups = append(resp.Groups, g)
				}
				return resp, nil, true
			})
			counter.reset()
			snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := coordinatedSummary(snap); got != want {
				t.Errorf("with the coordinators refusing once:\n%s\nwant:\n%s", got, want)
			}
			if commitsRefused.Load() < 3 || describesRefused.Load() < 3 {
				t.Fatalf("refused %d commit and %d describe requests, want 3 each: the fault went untested", commitsRefused.Load(), describesRefused.Load())
			}
			if _, n := counter.perBroker(kmsg.FindCoordinator); n == 0 {
				t.Error("no FindCoordinator: the refused groups were not asked again through the client")
			}
		})
	}
}

// TestSnapshotCommitsFromOldBrokers: before version 8 (Kafka 3.0) an
// OffsetFetch names one group, so a request for all of a coordinator's
// groups cannot go straight to it; the client's sharded request splits it,
// and the snapshot reads the same commits.
func TestSnapshotCommitsFromOldBrokers(t *testing.T) {
	_, brokers := coordinatedCluster(t, kfake.MaxVersions(kversion.V2_8_0()))
	c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	snap := settledSnapshot(t, c)
	if len(snap.Errors) > 0 {
		t.Fatalf("errors: %v", snap.Errors)
	}
	var commits []string
	for _, g := range snap.Groups {
		for _, p := range g.Partitions {
			if p.HasCommitted {
				commits = append(commits, fmt.Sprintf("%s/%d@%d", g.ID, p.Partition, p.Committed))
			}
		}
	}
	if len(commits) != 15*3 || !slices.Contains(commits, snapBase+"-c-w/0@2") {
		t.Errorf("commits read from a 2.8 cluster: %d, want 45 including svc-c-w/0@2:\n%s", len(commits), strings.Join(commits, "\n"))
	}
}

// TestSnapshotMetadataFallsBack: the snapshot asks a known broker for the
// topics' metadata straight away; if that broker fails, the client's own
// metadata request, which tries the others, answers, and the snapshot
// reads as it would have.
func TestSnapshotMetadataFallsBack(t *testing.T) {
	fake, brokers := coordinatedCluster(t)
	c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	want := coordinatedSummary(settledSnapshot(t, c))

	var asked atomic.Int32
	fake.ControlKey(int16(kmsg.Metadata), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		if kreq.(*kmsg.MetadataRequest).Topics != nil || asked.Add(1) > 1 {
			return nil, nil, false
		}
		return nil, errors.New("injected: the broker asked first fails"), true
	})
	snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if asked.Load() < 2 {
		t.Fatalf("%d metadata requests for every topic, want the failed one and the fallback", asked.Load())
	}
	if got := coordinatedSummary(snap); got != want || len(snap.Topics) != 3 {
		t.Errorf("after the first metadata request failed (%d topics):\n%s\nwant:\n%s", len(snap.Topics), got, want)
	}
}
