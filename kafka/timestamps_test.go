package kafka_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// TestOldestUnconsumedLargeAndCompressedBatches checks the timestamps where
// a partition's first batch is larger than the fetch's per-partition limit
// (the broker then returns nothing for it in a shared request), where
// batches are compressed, and where several groups want different offsets
// of one partition.
func TestOldestUnconsumedLargeAndCompressedBatches(t *testing.T) {
	_, brokers := kafkatest.NewCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(3, "big", "zipped"))
	rng := rand.New(rand.NewPCG(1, 2))
	produce := func(topic string, value func() []byte, opts ...kgo.Opt) {
		cl := kafkatest.Client(t, brokers, append(opts, kgo.DefaultProduceTopic(topic),
			kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(50*time.Millisecond))...)
		var recs []*kgo.Record
		for p := range int32(3) {
			for i := range int64(40) {
				recs = append(recs, &kgo.Record{Partition: p, Value: value(), Timestamp: snapTime(p, i)})
			}
		}
		if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	// 40 incompressible 2 KiB values: one batch of about 80 KiB per partition.
	produce("big", func() []byte {
		b := make([]byte, 2048)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	})
	produce("zipped", func() []byte { return []byte(strings.Repeat("spent detail ", 50)) },
		kgo.ProducerBatchCompression(kgo.ZstdCompression()))

	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	for group, offs := range map[string]map[string]int64{
		"svc-big":      {"big/0": 10, "big/1": 35},
		"svc-big-late": {"big/0": 39, "big/1": 40},
		"svc-zipped":   {"zipped/1": 7, "zipped/2": 40},
	} {
		snapCommit(t, adm, group, offs)
	}
	c := snapDial(t, brokers, 0)
	snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Errors) > 0 {
		t.Fatalf("item errors: %v", snap.Errors)
	}
	want := map[string][]int64{ // oldest unconsumed offset per partition, -1 for none
		"svc-big":      {10, 35, 0},
		"svc-big-late": {39, -1, 0},
		"svc-zipped":   {0, 7, -1},
	}
	if len(snap.Groups) != len(want) {
		t.Fatalf("groups %+v", snap.Groups)
	}
	for _, g := range snap.Groups {
		for i, p := range g.Partitions {
			var wantTime time.Time
			if o := want[g.ID][i]; o >= 0 {
				wantTime = snapTime(p.Partition, o)
			}
			if !p.OldestUnconsumed.Equal(wantTime) {
				t.Errorf("%s p%d: oldest unconsumed %v, want %v", g.ID, p.Partition, p.OldestUnconsumed, wantTime)
			}
		}
	}
}

// TestOldestUnconsumedBounded makes the leader never answer fetches and
// expects the snapshot back after the timestamp timeout, lag intact.
func TestOldestUnconsumedBounded(t *testing.T) {
	fake, brokers := newSnapFixture(t)
	fake.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		return nil, nil, true // swallow the request: no answer, ever
	})
	c := snapDial(t, brokers, 0) // request timeouts of 10 s
	start := time.Now()
	snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{TimestampTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("snapshot took %v despite a 200ms timestamp bound", d)
	}
	var cut bool
	for _, e := range snap.Errors {
		cut = cut || e.Kind == "timestamps"
	}
	if !cut {
		t.Errorf("no timestamps error in %v", snap.Errors)
	}
	if g, _ := snap.Group("svc-orders"); g.Lag != 6 || g.Partitions[0].OldestUnconsumed != (time.Time{}) {
		t.Errorf("svc-orders: lag %d oldest %v", g.Lag, g.Partitions[0].OldestUnconsumed)
	}
}

// TestOldestUnconsumedCrowdedResponse wants more bytes than one fetch
// response carries and expects every timestamp from a later shared round,
// not from one request per partition. (kfake leaves crowded-out partitions
// out of the response; Kafka sends them empty, which the fetch also treats as
// "wait for the next shared round".)
func TestOldestUnconsumedCrowdedResponse(t *testing.T) {
	const partitions = 160 // 160 batches of 30 KB: beyond a 4 MiB response
	fake, brokers := kafkatest.NewCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(partitions, "wide"))
	rng := rand.New(rand.NewPCG(3, 4))
	var recs []*kgo.Record
	for p := range int32(partitions) {
		v := make([]byte, 30_000)
		for i := range v {
			v[i] = byte(rng.Uint32())
		}
		recs = append(recs, &kgo.Record{Partition: p, Value: v, Timestamp: snapTime(p, 0)})
	}
	kafkatest.Produce(t, brokers, "wide", recs...)
	snapCommit(t, kadm.NewClient(kafkatest.Client(t, brokers)), "svc-wide", map[string]int64{"wide/0": 0})

	var fetches atomic.Int32
	fake.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		fetches.Add(1)
		return nil, nil, false
	})
	c := snapDial(t, brokers, 0)
	snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{})
	if err != nil || len(snap.Errors) > 0 || len(snap.Groups) != 1 {
		t.Fatalf("err %v, item errors %v, groups %d", err, snap.Errors, len(snap.Groups))
	}
	for _, p := range snap.Groups[0].Partitions {
		if !p.OldestUnconsumed.Equal(snapTime(p.Partition, 0)) {
			t.Errorf("p%d: oldest unconsumed %v", p.Partition, p.OldestUnconsumed)
		}
	}
	if n := fetches.Load(); n > 3 {
		t.Errorf("%d fetch requests, want a few shared rounds", n)
	}
}
