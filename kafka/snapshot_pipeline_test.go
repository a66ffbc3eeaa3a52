package kafka_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// TestSnapshotReadsTimeLagWhileGroupsAreDescribed checks that the read of
// the oldest unconsumed records, which needs only the commits and the
// offsets, does not wait for the describes of the groups: with
// DescribeGroups slow to answer, the first Fetch is on its way before its
// answers are in. A refresh then costs the slower of the two, not their sum.
func TestSnapshotReadsTimeLagWhileGroupsAreDescribed(t *testing.T) {
	fake, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(2, "spent"))
	snapProduce(t, brokers, "spent", 5, 5)
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	snapCommit(t, adm, "svc-spent", map[string]int64{"spent/0": 1, "spent/1": 2})
	log := &requestLog{}
	c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers, Extra: []kgo.Opt{kgo.WithHooks(log)}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A slow describe: the delay stands for a busy coordinator, it
	// asserts nothing.
	fake.ControlKey(int16(kmsg.DescribeGroups), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		fake.SleepControl(func() { time.Sleep(200 * time.Millisecond) })
		return nil, nil, false
	})
	log.mu.Lock()
	log.events = nil
	log.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	snap, err := c.Snapshot(ctx, "svc", kafka.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Groups) != 1 || snap.Groups[0].Partitions[0].OldestUnconsumed.IsZero() {
		t.Fatalf("want svc-spent with its time lag, got %+v (errors %v)", snap.Groups, snap.Errors)
	}

	log.mu.Lock()
	defer log.mu.Unlock()
	firstFetch, lastDescribe := -1, -1
	for i, e := range log.events {
		if !e.read && e.key == kmsg.Fetch && firstFetch < 0 {
			firstFetch = i
		}
		if e.read && e.key == kmsg.DescribeGroups {
			lastDescribe = i
		}
	}
	if firstFetch < 0 || lastDescribe < 0 {
		t.Fatalf("no Fetch (%d) or DescribeGroups answer (%d) in %v", firstFetch, lastDescribe, log.events)
	}
	if firstFetch > lastDescribe {
		t.Errorf("the first Fetch was written after the last DescribeGroups answer (event %d > %d): the time lag waited for the describes", firstFetch, lastDescribe)
	}
}

// TestSnapshotOldestUnconsumedMatchesReferenceRead compares every lagging
// partition's oldest unconsumed time with a plain consumer's read of the
// whole topic, with the describes slowed so that the time-lag read runs
// beside them: on a partition read from the middle, one that is empty, one
// whose head was deleted with a group committed below the new log start,
// and groups wanting the same and different offsets of one partition.
func TestSnapshotOldestUnconsumedMatchesReferenceRead(t *testing.T) {
	fake, brokers := kafkatest.NewCluster(t, kfake.NumBrokers(2), kfake.SeedTopics(4, "spent"))
	snapProduce(t, brokers, "spent", 10, 0, 10, 10)
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	var trim kadm.Offsets
	trim.AddOffset("spent", 2, 6, -1)
	if resp, err := adm.DeleteRecords(context.Background(), trim); err != nil || resp.Error() != nil {
		t.Fatalf("delete records: %v %v", err, resp.Error())
	}
	for group, offs := range map[string]map[string]int64{
		"svc-spent":             {"spent/0": 3, "spent/2": 2, "spent/3": 10},
		"svc-spent-full-index":  {"spent/0": 3, "spent/2": 8, "spent/3": 9},
		"svc-spent-incremental": {"spent/3": 5},
	} {
		snapCommit(t, adm, group, offs)
	}
	fake.ControlKey(int16(kmsg.DescribeGroups), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		fake.SleepControl(func() { time.Sleep(50 * time.Millisecond) })
		return nil, nil, false
	})

	// The reference: every record of the topic, by partition and offset.
	ref := map[int32]map[int64]time.Time{}
	cl := kafkatest.Client(t, brokers, kgo.ConsumeTopics("spent"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for n := 0; n < 10+4+10; {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatal(err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if ref[r.Partition] == nil {
				ref[r.Partition] = map[int64]time.Time{}
			}
			ref[r.Partition][r.Offset] = r.Timestamp
			n++
		})
	}

	c := snapDial(t, brokers, 0)
	snap, err := c.Snapshot(ctx, snapBase, kafka.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Errors) > 0 {
		t.Fatalf("item errors: %v", snap.Errors)
	}
	if len(snap.Groups) != 3 {
		t.Fatalf("groups %+v", snap.Groups)
	}
	lagging := 0
	for _, g := range snap.Groups {
		for _, p := range g.Partitions {
			var want time.Time
			if p.Lag > 0 {
				lagging++
				at := p.Start
				if p.HasCommitted && p.Committed > at {
					at = p.Committed
				}
				var ok bool
				if want, ok = ref[p.Partition][at]; !ok {
					t.Fatalf("%s p%d: the reference read has no record at %d", g.ID, p.Partition, at)
				}
			}
			if !p.OldestUnconsumed.Equal(want) {
				t.Errorf("%s p%d (lag %d): oldest unconsumed %v, the reference read says %v", g.ID, p.Partition, p.Lag, p.OldestUnconsumed, want)
			}
		}
	}
	// p0 from 3 (twice) and 0; p2 from 6 (committed 2 is below the start,
	// and without a commit) and 8; p3 from 9 and 5; p1 is empty.
	if lagging != 8 {
		t.Errorf("%d lagging partitions, want 8", lagging)
	}
}

// TestSnapshotTimeLagReadInPieces checks that the time-lag read splits a
// leader's many lagging partitions over several fetches in flight at once
// (one fetch for all of them is answered and decoded in one piece) and
// still finds every partition's oldest unconsumed record.
func TestSnapshotTimeLagReadInPieces(t *testing.T) {
	const parts = 2500
	fake, brokers := kafkatest.NewCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(parts, "spent"))
	counts := make([]int, parts)
	for p := range counts {
		counts[p] = 2
	}
	snapProduce(t, brokers, "spent", counts...)
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	snapCommit(t, adm, "svc-spent", map[string]int64{"spent/0": 1})
	var mu sync.Mutex
	var sizes []int
	fake.ControlKey(int16(kmsg.Fetch), func(req kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		n := 0
		for _, rt := range req.(*kmsg.FetchRequest).Topics {
			n += len(rt.Partitions)
		}
		mu.Lock()
		sizes = append(sizes, n)
		mu.Unlock()
		return nil, nil, false
	})
	c := snapDial(t, brokers, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	snap, err := c.Snapshot(ctx, snapBase, kafka.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Errors) > 0 || len(snap.Groups) != 1 {
		t.Fatalf("groups %d, errors %v", len(snap.Groups), snap.Errors)
	}
	for _, p := range snap.Groups[0].Partitions {
		want := snapTime(p.Partition, 0)
		if p.Partition == 0 {
			want = snapTime(0, 1)
		}
		if !p.OldestUnconsumed.Equal(want) {
			t.Fatalf("p%d: oldest unconsumed %v, want %v", p.Partition, p.OldestUnconsumed, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sizes) < 3 || slices.Max(sizes) > 1000 {
		t.Errorf("fetches of %v partitions: want the %d lagging partitions in fetches of at most 1000", sizes, parts)
	}
}
