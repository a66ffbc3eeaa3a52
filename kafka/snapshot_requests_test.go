package kafka_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// requestCounter counts the requests a client writes, per request key and
// broker.
type requestCounter struct {
	mu sync.Mutex
	n  map[int16]map[int32]int
}

func (rc *requestCounter) OnBrokerWrite(meta kgo.BrokerMetadata, key int16, _ int, _, _ time.Duration, err error) {
	if err != nil {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.n == nil {
		rc.n = make(map[int16]map[int32]int)
	}
	if rc.n[key] == nil {
		rc.n[key] = make(map[int32]int)
	}
	rc.n[key][meta.NodeID]++
}

func (rc *requestCounter) reset() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.n = make(map[int16]map[int32]int)
}

// perBroker returns the most requests of key written to any one broker and
// the total over all brokers.
func (rc *requestCounter) perBroker(key kmsg.Key) (most, total int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, n := range rc.n[int16(key)] {
		most = max(most, n)
		total += n
	}
	return most, total
}

// TestSnapshotBatchesRequests counts the requests of one snapshot of many
// groups spread over three coordinators: one ListGroups, one DescribeGroups
// and one ConsumerGroupDescribe, one OffsetFetch, one ListOffsets each for
// log start and end, and one fetch for the oldest-unconsumed timestamps,
// each at most once per broker whatever the number of groups and
// partitions. A request per group or per topic would send dozens.
func TestSnapshotBatchesRequests(t *testing.T) {
	topics := []string{"a", "b", "c", "d"}
	_, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(3, topics...))
	for _, topic := range topics {
		snapProduce(t, brokers, topic, 4, 4, 4)
	}
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	var groups []string
	for i, topic := range topics {
		for _, suffix := range []string{"", "-x", "-y", "-z", "-w"} {
			g := "svc-" + topic + suffix
			groups = append(groups, g)
			snapCommit(t, adm, g, map[string]int64{
				topic + "/0": int64(i % 4), topic + "/1": 1, topic + "/2": 4,
			})
		}
	}
	snapCommit(t, adm, "other-a", map[string]int64{"a/0": 1})
	// A live KIP-848 group, so that the consumer-protocol describe is sent.
	kafkatest.Client(t, brokers, kgo.ConsumerGroup("svc-a-live"), kgo.ConsumeTopics("a"),
		kgo.ServerSideBalancer(), kgo.DisableAutoCommit())

	counter := &requestCounter{}
	c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers, Extra: []kgo.Opt{kgo.WithHooks(counter)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)

	var snap model.Snapshot
	kafkatest.Eventually(t, 20*time.Second, func() error {
		counter.reset()
		snap, err = c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := snap.Group("svc-a-live"); !ok || len(snap.Groups) != len(groups)+1 {
			return fmt.Errorf("the live group never showed: %d groups", len(snap.Groups))
		}
		return nil
	})
	if len(snap.Errors) > 0 {
		t.Fatalf("errors: %v", snap.Errors)
	}
	var oldest int
	for _, g := range snap.Groups {
		for _, p := range g.Partitions {
			if !p.OldestUnconsumed.IsZero() {
				oldest++
			}
		}
	}
	if oldest == 0 {
		t.Fatal("no oldest-unconsumed timestamp was read: the fetch went untested")
	}

	for _, tt := range []struct {
		key       kmsg.Key
		perBroker int // at most, on any one broker
	}{
		{kmsg.ListGroups, 1},
		{kmsg.DescribeGroups, 1},
		{kmsg.ConsumerGroupDescribe, 1},
		{kmsg.OffsetFetch, 1},
		{kmsg.ListOffsets, 2}, // log start and log end
		{kmsg.Fetch, 1},
	} {
		most, total := counter.perBroker(tt.key)
		if total == 0 {
			t.Errorf("%s: never sent", tt.key.Name())
		}
		if most > tt.perBroker {
			t.Errorf("%s: %d requests to one broker (%d in all), want at most %d per broker",
				tt.key.Name(), most, total, tt.perBroker)
		}
	}
}

// TestSnapshotAndCloseSendNoClientTelemetry: the time-lag read opens a
// fetch connection, which starts a kgo client's KIP-714 telemetry: a
// GetTelemetrySubscriptions during the snapshot and, at Close, a final
// PushTelemetry that Close waits on (up to a second). kgroups' clients are
// short-lived tools an operator's metrics gain nothing from, so they send
// neither, and a command's exit does not wait on a push.
func TestSnapshotAndCloseSendNoClientTelemetry(t *testing.T) {
	_, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(3, "a"))
	snapProduce(t, brokers, "a", 4, 4, 4)
	snapCommit(t, kadm.NewClient(kafkatest.Client(t, brokers)), "svc-a", map[string]int64{"a/0": 1, "a/1": 2, "a/2": 3})

	counter := &requestCounter{}
	c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers, Extra: []kgo.Opt{kgo.WithHooks(counter)}})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g, ok := snap.Group("svc-a")
	if !ok || len(g.Partitions) != 3 || g.Partitions[0].OldestUnconsumed.IsZero() {
		t.Fatalf("the time lag was not read, so the fetch connection went untested: %+v", g)
	}
	c.Close()
	for _, key := range []kmsg.Key{kmsg.GetTelemetrySubscriptions, kmsg.PushTelemetry} {
		if _, total := counter.perBroker(key); total > 0 {
			t.Errorf("%s: sent %d times, want never", key.Name(), total)
		}
	}
}
