package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
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

const followTopic = "live"

// followFixture is a kfake cluster with the topic live of 3 partitions, each
// holding 5 records before any follow starts.
type followFixture struct {
	fake    *kfake.Cluster
	brokers []string
	cluster *kafka.Cluster
	fetched chan struct{} // closed at the first Fetch request the cluster gets
}

func newFollowFixture(t *testing.T) *followFixture {
	t.Helper()
	fake, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(3, followTopic))
	for p := range int32(3) {
		kafkatest.Produce(t, brokers, followTopic, kafkatest.Values(p, 5, func(i int) string { return fmt.Sprintf("old-%d-%d", p, i) })...)
	}
	cluster, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(cluster.Close)
	f := &followFixture{fake: fake, brokers: brokers, cluster: cluster, fetched: make(chan struct{})}
	var once sync.Once
	fake.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		once.Do(func() { close(f.fetched) })
		return nil, nil, false // observe only
	})
	return f
}

// followCollector gathers what a follow emits.
type followCollector struct {
	mu   sync.Mutex
	recs []model.Record
}

func (c *followCollector) emit(batch []model.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range batch {
		r.Key = append([]byte(nil), r.Key...)
		r.Value = append([]byte(nil), r.Value...)
		c.recs = append(c.recs, r)
	}
	return nil
}

func (c *followCollector) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.recs)
}

// byPartition lists "p@offset=value" of what was collected, per partition,
// in the order emitted.
func (c *followCollector) byPartition() map[int32][]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[int32][]string{}
	for _, r := range c.recs {
		out[r.Partition] = append(out[r.Partition], fmt.Sprintf("%d@%d=%s", r.Partition, r.Offset, r.Value))
	}
	return out
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: still waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startFollow runs Follow in a goroutine and returns a channel with its error.
func startFollow(ctx context.Context, c *kafka.Cluster, req kafka.FollowRequest, emit func([]model.Record) error) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := c.Follow(ctx, req, emit)
		done <- err
	}()
	return done
}

func TestFollowSeesEveryRecordProducedAfterItStarts(t *testing.T) {
	f := newFollowFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var got followCollector
	done := startFollow(ctx, f.cluster, kafka.FollowRequest{Topic: followTopic, From: kafka.PeekEnd}, got.emit)

	// The producer starts once the follow fetches: it listed the end
	// offsets before that, so every record produced now is after its start.
	const batches, perBatch = 20, 5
	produced := make(chan error, 1)
	go func() {
		select {
		case <-f.fetched:
		case <-ctx.Done():
			produced <- ctx.Err()
			return
		}
		cl, err := kgo.NewClient(kgo.SeedBrokers(f.brokers...), kgo.DefaultProduceTopic(followTopic),
			kgo.RecordPartitioner(kgo.ManualPartitioner()))
		if err != nil {
			produced <- err
			return
		}
		defer cl.Close()
		for b := range batches {
			var recs []*kgo.Record
			for i := range perBatch {
				for p := range int32(3) {
					n := b*perBatch + i
					recs = append(recs, &kgo.Record{Partition: p, Value: fmt.Appendf(nil, "new-%d-%d", p, n)})
				}
			}
			if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
				produced <- err
				return
			}
		}
		produced <- nil
	}()
	if err := <-produced; err != nil {
		t.Fatalf("produce: %v", err)
	}
	waitFor(t, 20*time.Second, "the follow to see all 300 new records", func() bool { return got.len() >= 3*batches*perBatch })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Follow ended with %v, want context.Canceled", err)
	}

	parts := got.byPartition()
	for p := range int32(3) {
		var want []string
		for n := range batches * perBatch {
			want = append(want, fmt.Sprintf("%d@%d=new-%d-%d", p, 5+n, p, n))
		}
		if !reflect.DeepEqual(parts[p], want) {
			t.Errorf("partition %d: followed\n%v\nwant every new record once, in order, and no old one:\n%v", p, parts[p], want)
		}
	}
}

func TestFollowStartsWhereAsked(t *testing.T) {
	f := newFollowFixture(t)
	for _, tt := range []struct {
		name string
		req  kafka.FollowRequest
		want map[int32]int // partition -> records before the new one
	}{
		{"beginning", kafka.FollowRequest{From: kafka.PeekEarliest}, map[int32]int{0: 5, 1: 5, 2: 5}},
		{"offset", kafka.FollowRequest{From: kafka.PeekOffset, Offset: 3}, map[int32]int{0: 2, 1: 2, 2: 2}},
		{"last", kafka.FollowRequest{From: kafka.PeekLast, Last: 1}, map[int32]int{0: 1, 1: 1, 2: 1}},
		{"one partition", kafka.FollowRequest{From: kafka.PeekEarliest, Partition: peekPart(1)}, map[int32]int{1: 5}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			tt.req.Topic = followTopic
			var got followCollector
			done := startFollow(ctx, f.cluster, tt.req, got.emit)
			want := 0
			for _, n := range tt.want {
				want += n
			}
			waitFor(t, 15*time.Second, fmt.Sprintf("%d records", want), func() bool { return got.len() >= want })
			cancel()
			<-done
			parts := got.byPartition()
			counts := map[int32]int{}
			for p, recs := range parts {
				counts[p] = len(recs)
			}
			if !reflect.DeepEqual(counts, tt.want) {
				t.Errorf("records per partition %v, want %v: %v", counts, tt.want, parts)
			}
		})
	}
}

func TestFollowUntil(t *testing.T) {
	f := newFollowFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	until := time.Now().Add(time.Second)
	old := until.Add(-time.Hour)
	// Partition 0 gets a record stamped after until, then one before: the
	// first ends the partition. Partitions 1 and 2 get none after until:
	// the clock ends them.
	kafkatest.Produce(t, f.brokers, followTopic,
		&kgo.Record{Partition: 0, Value: []byte("before"), Timestamp: old},
		&kgo.Record{Partition: 0, Value: []byte("after"), Timestamp: until.Add(time.Hour)},
		&kgo.Record{Partition: 0, Value: []byte("late-stamp"), Timestamp: old},
		&kgo.Record{Partition: 1, Value: []byte("before"), Timestamp: old},
	)
	var got followCollector
	n, err := f.cluster.Follow(ctx, kafka.FollowRequest{Topic: followTopic, From: kafka.PeekOffset, Offset: 5, Until: until}, got.emit)
	if err != nil {
		t.Fatalf("Follow: %v", err)
	}
	want := map[int32][]string{0: {"0@5=before"}, 1: {"1@5=before"}}
	if parts := got.byPartition(); !reflect.DeepEqual(parts, want) || n != 2 {
		t.Errorf("followed %d: %v, want %v", n, parts, want)
	}
	if time.Now().Before(until) {
		t.Errorf("Follow returned before until though partitions 1 and 2 had nothing at or after it")
	}

	// An until already past reads the backlog and stops at once.
	got = followCollector{}
	if _, err := f.cluster.Follow(ctx, kafka.FollowRequest{Topic: followTopic, From: kafka.PeekEarliest, Partition: peekPart(2),
		Until: time.Now().Add(-time.Minute)}, got.emit); err != nil {
		t.Fatalf("Follow: %v", err)
	}
	// The records of partition 2 were stamped now, after that until.
	if parts := got.byPartition(); len(parts) != 0 {
		t.Errorf("followed %v, want nothing: every record is stamped after until", parts)
	}
}

func TestFollowEmitErrorStopsIt(t *testing.T) {
	f := newFollowFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	enough := errors.New("enough")
	calls := 0
	_, err := f.cluster.Follow(ctx, kafka.FollowRequest{Topic: followTopic, From: kafka.PeekEarliest}, func([]model.Record) error {
		calls++
		return enough
	})
	if err != enough || calls != 1 {
		t.Errorf("Follow returned %v after %d calls, want emit's own error after 1", err, calls)
	}
}

func TestFollowCancelLeavesNoGoroutine(t *testing.T) {
	f := newFollowFixture(t)
	follow := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var got followCollector
		done := startFollow(ctx, f.cluster, kafka.FollowRequest{Topic: followTopic, From: kafka.PeekEarliest}, got.emit)
		waitFor(t, 15*time.Second, "the backlog", func() bool { return got.len() >= 15 })
		// Now it waits on a fetch long-poll for records that never come.
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Follow ended with %v, want context.Canceled", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Follow still running 10 s after its context was cancelled")
		}
	}
	follow() // warm up the cluster client's connections
	baseline := peekSettledGoroutines(runtime.NumGoroutine(), 0)
	for range 3 {
		follow()
	}
	if n := peekSettledGoroutines(baseline, 5*time.Second); n > baseline {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after cancelled follows, %d before:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}

func TestFollowLeavesGroupsAndOffsetsAlone(t *testing.T) {
	f := newFollowFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adm := f.cluster.Admin()
	const group = "watcher"
	var commits kadm.Offsets
	commits.AddOffset(followTopic, 0, 2, -1)
	if err := adm.CommitAllOffsets(ctx, group, commits); err != nil {
		t.Fatalf("commit: %v", err)
	}
	groupsBefore, err := adm.ListGroups(ctx)
	if err != nil {
		t.Fatalf("list groups: %v", err)
	}
	offsetsBefore, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		t.Fatalf("fetch offsets: %v", err)
	}
	for _, req := range []kafka.FollowRequest{
		{Topic: followTopic, From: kafka.PeekCommitted, Group: group},
		{Topic: followTopic, From: kafka.PeekCommitted, Group: "not-created-by-follow"},
		{Topic: followTopic, From: kafka.PeekEarliest},
	} {
		fctx, fcancel := context.WithCancel(ctx)
		var got followCollector
		done := startFollow(fctx, f.cluster, req, got.emit)
		waitFor(t, 15*time.Second, "records", func() bool { return got.len() > 0 })
		fcancel()
		<-done
	}
	groupsAfter, err := adm.ListGroups(ctx)
	if err != nil {
		t.Fatalf("list groups: %v", err)
	}
	if !reflect.DeepEqual(groupsAfter.Groups(), groupsBefore.Groups()) {
		t.Errorf("groups changed: before %v, after %v", groupsBefore.Groups(), groupsAfter.Groups())
	}
	offsetsAfter, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		t.Fatalf("fetch offsets: %v", err)
	}
	if !reflect.DeepEqual(offsetsAfter.Offsets(), offsetsBefore.Offsets()) {
		t.Errorf("commits changed:\nbefore %v\nafter  %v", offsetsBefore.Offsets(), offsetsAfter.Offsets())
	}
}

// TestFollowStreamPullsChunks is the pull form a terminal UI uses: one Next
// per command, the records the caller's to keep, io.EOF at until, the
// context's error when it is cancelled.
func TestFollowStreamPullsChunks(t *testing.T) {
	f := newFollowFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := f.cluster.OpenFollow(ctx, kafka.FollowRequest{Topic: followTopic, From: kafka.PeekEarliest, Until: time.Now().Add(300 * time.Millisecond)})
	if err != nil {
		t.Fatalf("OpenFollow: %v", err)
	}
	defer s.Close()
	var kept [][]model.Record
	for {
		batch, err := s.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		kept = append(kept, batch)
	}
	got := map[int32][]string{}
	for _, batch := range kept {
		for _, r := range batch {
			got[r.Partition] = append(got[r.Partition], fmt.Sprintf("%d@%d=%s", r.Partition, r.Offset, r.Value))
		}
	}
	for p := range int32(3) {
		var want []string
		for i := range 5 {
			want = append(want, fmt.Sprintf("%d@%d=old-%d-%d", p, i, p, i))
		}
		if !reflect.DeepEqual(got[p], want) {
			t.Errorf("partition %d: kept %v, want %v (a later Next must not overwrite an earlier batch)", p, got[p], want)
		}
	}

	s2, err := f.cluster.OpenFollow(ctx, kafka.FollowRequest{Topic: followTopic, From: kafka.PeekEnd})
	if err != nil {
		t.Fatalf("OpenFollow: %v", err)
	}
	defer s2.Close()
	pending, stop := context.WithCancel(ctx)
	go func() { time.Sleep(50 * time.Millisecond); stop() }()
	if _, err := s2.Next(pending); !errors.Is(err, context.Canceled) {
		t.Errorf("Next on a cancelled context: %v, want context.Canceled", err)
	}
}
