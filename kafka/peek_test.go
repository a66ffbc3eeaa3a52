package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
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

// peekBase is the time of the first record of every partition in the peek
// fixture. Partition 0 has a record every 10 s from peekBase, partition 1
// every 10 s from peekBase+5 s: a time between records lands mid-partition.
var peekBase = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	peekTopic   = "events"
	peekTrimmed = "trimmed"
	peekGroup   = "peek-group"
)

// peekFixture is a kfake cluster with:
//   - events: p0 10 records, p1 4 records, p2 empty; peek-group committed
//     p0 at 7 and p1 at 4 (caught up), nothing on p2;
//   - trimmed: one partition of 6 records deleted up to 3, peek-group
//     committed at 1 (below the log start).
type peekFixture struct {
	fake    *kfake.Cluster
	brokers []string
	cluster *kafka.Cluster
}

func newPeekFixture(t *testing.T, extra ...kgo.Opt) *peekFixture {
	t.Helper()
	fake, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(3, peekTopic), kfake.SeedTopics(1, peekTrimmed))
	var recs []*kgo.Record
	for i := range 10 {
		recs = append(recs, &kgo.Record{
			Partition: 0,
			Key:       fmt.Appendf(nil, "k0-%d", i),
			Value:     fmt.Appendf(nil, `{"p":0,"i":%d}`, i),
			Timestamp: peekBase.Add(time.Duration(i) * 10 * time.Second),
			Headers:   []kgo.RecordHeader{{Key: "source", Value: []byte("test")}},
		})
	}
	for i := range 4 {
		recs = append(recs, &kgo.Record{
			Partition: 1,
			Value:     fmt.Appendf(nil, `{"p":1,"i":%d}`, i),
			Timestamp: peekBase.Add(time.Duration(i)*10*time.Second + 5*time.Second),
		})
	}
	kafkatest.Produce(t, brokers, peekTopic, recs...)
	kafkatest.Produce(t, brokers, peekTrimmed, kafkatest.Values(0, 6, func(i int) string { return fmt.Sprint(i) })...)

	cluster, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers, Extra: extra})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(cluster.Close)

	ctx := context.Background()
	adm := cluster.Admin()
	var trim kadm.Offsets
	trim.AddOffset(peekTrimmed, 0, 3, -1)
	if _, err := adm.DeleteRecords(ctx, trim); err != nil {
		t.Fatalf("delete records: %v", err)
	}
	var commits kadm.Offsets
	commits.AddOffset(peekTopic, 0, 7, -1)
	commits.AddOffset(peekTopic, 1, 4, -1)
	commits.AddOffset(peekTrimmed, 0, 1, -1)
	if err := adm.CommitAllOffsets(ctx, peekGroup, commits); err != nil {
		t.Fatalf("commit: %v", err)
	}
	return &peekFixture{fake: fake, brokers: brokers, cluster: cluster}
}

// peekAt lists "partition@offset" for each record, in order.
func peekAt(recs []model.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = fmt.Sprintf("%d@%d", r.Partition, r.Offset)
	}
	return out
}

// peekSpan lists "p@from".."p@to-1".
func peekSpan(p int32, from, to int64) []string {
	var out []string
	for o := from; o < to; o++ {
		out = append(out, fmt.Sprintf("%d@%d", p, o))
	}
	return out
}

func peekJoin(parts ...[]string) []string {
	out := []string{}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func peekPart(p int32) *int32 { return &p }

func TestPeekModes(t *testing.T) {
	f := newPeekFixture(t)
	tests := []struct {
		name string
		req  kafka.PeekRequest
		want []string
	}{
		{"committed reads from the group's commit", kafka.PeekRequest{Topic: peekTopic, Group: peekGroup, Max: 100},
			peekSpan(0, 7, 10)},
		{"committed without group is earliest", kafka.PeekRequest{Topic: peekTopic, Max: 100},
			peekJoin(peekSpan(0, 0, 10), peekSpan(1, 0, 4))},
		{"committed of an unknown group is earliest", kafka.PeekRequest{Topic: peekTopic, Group: "nobody", Max: 100},
			peekJoin(peekSpan(0, 0, 10), peekSpan(1, 0, 4))},
		{"commit below log start reads from log start", kafka.PeekRequest{Topic: peekTrimmed, Group: peekGroup, Max: 100},
			peekSpan(0, 3, 6)},
		{"earliest on a trimmed log", kafka.PeekRequest{Topic: peekTrimmed, From: kafka.PeekEarliest, Max: 100},
			peekSpan(0, 3, 6)},
		// Backlogs 10 and 4: 5 = 2+2, then the odd one to partition 0.
		{"earliest shares Max across partitions", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekEarliest, Max: 5},
			peekJoin(peekSpan(0, 0, 3), peekSpan(1, 0, 2))},
		// 12 = 6+6, partition 1 holds only 4, its 2 go back to partition 0.
		{"a short partition gives its share back", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekEarliest, Max: 12},
			peekJoin(peekSpan(0, 0, 8), peekSpan(1, 0, 4))},
		{"one record goes to the lowest partition", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekEarliest, Max: 1},
			peekSpan(0, 0, 1)},
		{"zero records", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekEarliest, Max: 0},
			[]string{}},
		{"offset", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekOffset, Offset: 2, Max: 100},
			peekJoin(peekSpan(0, 2, 10), peekSpan(1, 2, 4))},
		{"offset past the end is clamped to the end", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekOffset, Offset: 100, Max: 100},
			[]string{}},
		{"offset before the start is clamped to the start", kafka.PeekRequest{Topic: peekTrimmed, From: kafka.PeekOffset, Offset: -7, Max: 100},
			peekSpan(0, 3, 6)},
		{"offset inside the deleted range is clamped to the start", kafka.PeekRequest{Topic: peekTrimmed, From: kafka.PeekOffset, Offset: 1, Max: 100},
			peekSpan(0, 3, 6)},
		// p0 records at 0,10,20,30 s...; p1 at 5,15,25,35 s.
		{"timestamp between records", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekTimestamp, Time: peekBase.Add(22 * time.Second), Max: 100},
			peekJoin(peekSpan(0, 3, 10), peekSpan(1, 2, 4))},
		{"timestamp equal to a record includes it", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekTimestamp, Time: peekBase.Add(15 * time.Second), Max: 100},
			peekJoin(peekSpan(0, 2, 10), peekSpan(1, 1, 4))},
		{"timestamp before every record", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekTimestamp, Time: peekBase.Add(-time.Hour), Max: 100},
			peekJoin(peekSpan(0, 0, 10), peekSpan(1, 0, 4))},
		{"timestamp after every record", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekTimestamp, Time: peekBase.Add(time.Hour), Max: 100},
			[]string{}},
		{"last N of each partition", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekLast, Max: 2},
			peekJoin(peekSpan(0, 8, 10), peekSpan(1, 2, 4))},
		{"last N clamped at the log start", kafka.PeekRequest{Topic: peekTrimmed, From: kafka.PeekLast, Max: 5},
			peekSpan(0, 3, 6)},
		{"one partition", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekEarliest, Max: 100, Partition: peekPart(1)},
			peekSpan(1, 0, 4)},
		{"one partition gets the whole Max", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekEarliest, Max: 3, Partition: peekPart(0)},
			peekSpan(0, 0, 3)},
		{"one empty partition", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekEarliest, Max: 100, Partition: peekPart(2)},
			[]string{}},
		{"one partition from the group's commit", kafka.PeekRequest{Topic: peekTopic, Group: peekGroup, Max: 100, Partition: peekPart(1)},
			[]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			recs, err := f.cluster.Peek(ctx, tt.req)
			if err != nil {
				t.Fatalf("Peek: %v", err)
			}
			if got := peekAt(recs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Peek read\n  %v\nwant\n  %v", got, tt.want)
			}
		})
	}
}

func TestPeekRecordContent(t *testing.T) {
	f := newPeekFixture(t)
	recs, err := f.cluster.Peek(context.Background(), kafka.PeekRequest{
		Topic: peekTopic, From: kafka.PeekOffset, Offset: 3, Max: 1, Partition: peekPart(0),
	})
	if err != nil {
		t.Fatalf("Peek: %v", err)
	}
	want := []model.Record{{
		Topic:     peekTopic,
		Partition: 0,
		Offset:    3,
		Timestamp: peekBase.Add(30 * time.Second),
		Key:       []byte("k0-3"),
		Value:     []byte(`{"p":0,"i":3}`),
		Headers:   []model.Header{{Key: "source", Value: []byte("test")}},
	}}
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	recs[0].Timestamp = recs[0].Timestamp.UTC()
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("got %+v\nwant %+v", recs, want)
	}

	// A record with no key keeps a nil key (null, not empty).
	recs, err = f.cluster.Peek(context.Background(), kafka.PeekRequest{
		Topic: peekTopic, From: kafka.PeekEarliest, Max: 1, Partition: peekPart(1),
	})
	if err != nil {
		t.Fatalf("Peek: %v", err)
	}
	if len(recs) != 1 || recs[0].Key != nil {
		t.Errorf("want one record with a nil key, got %+v", recs)
	}
}

func TestPeekLeavesGroupsAndOffsetsAlone(t *testing.T) {
	f := newPeekFixture(t)
	ctx := context.Background()
	adm := f.cluster.Admin()
	groupsBefore, err := adm.ListGroups(ctx)
	if err != nil {
		t.Fatalf("list groups: %v", err)
	}
	offsetsBefore, err := adm.FetchOffsets(ctx, peekGroup)
	if err != nil {
		t.Fatalf("fetch offsets: %v", err)
	}

	for _, req := range []kafka.PeekRequest{
		{Topic: peekTopic, Group: peekGroup, Max: 100},
		{Topic: peekTopic, Group: "not-created-by-peek", Max: 100},
		{Topic: peekTopic, From: kafka.PeekEarliest, Max: 100},
		{Topic: peekTopic, From: kafka.PeekLast, Max: 3},
		{Topic: peekTopic, From: kafka.PeekTimestamp, Time: peekBase, Max: 100},
		{Topic: peekTopic, From: kafka.PeekOffset, Offset: 1, Max: 100, Partition: peekPart(0)},
	} {
		recs, err := f.cluster.Peek(ctx, req)
		if err != nil {
			t.Fatalf("Peek(%+v): %v", req, err)
		}
		if len(recs) == 0 {
			t.Fatalf("Peek(%+v) read nothing; the test needs reads to mean something", req)
		}
	}

	groupsAfter, err := adm.ListGroups(ctx)
	if err != nil {
		t.Fatalf("list groups: %v", err)
	}
	if !reflect.DeepEqual(groupsAfter.Groups(), groupsBefore.Groups()) {
		t.Errorf("groups changed: before %v, after %v", groupsBefore.Groups(), groupsAfter.Groups())
	}
	offsetsAfter, err := adm.FetchOffsets(ctx, peekGroup)
	if err != nil {
		t.Fatalf("fetch offsets: %v", err)
	}
	if !reflect.DeepEqual(offsetsAfter.Offsets(), offsetsBefore.Offsets()) {
		t.Errorf("commits changed:\nbefore %v\nafter  %v", offsetsBefore.Offsets(), offsetsAfter.Offsets())
	}
}

// peekFetchWatch records which partitions every Fetch request the cluster gets
// asks for.
type peekFetchWatch struct {
	mu       sync.Mutex
	requests int
	parts    map[int32]int
}

func peekWatchFetches(fake *kfake.Cluster) *peekFetchWatch {
	w := &peekFetchWatch{parts: map[int32]int{}}
	fake.ControlKey(int16(kmsg.Fetch), func(req kmsg.Request) (kmsg.Response, error, bool) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.requests++
		for _, t := range req.(*kmsg.FetchRequest).Topics {
			for _, p := range t.Partitions {
				w.parts[p.Partition]++
			}
		}
		return nil, nil, false // observe only: the cluster answers
	})
	return w
}

func (w *peekFetchWatch) snapshot() (int, map[int32]int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	parts := make(map[int32]int, len(w.parts))
	for p, n := range w.parts {
		parts[p] = n
	}
	return w.requests, parts
}

func TestPeekNeverStalls(t *testing.T) {
	// A fetch long-poll far longer than the test's deadline: a peek that
	// waited on a caught-up partition would run out of time.
	f := newPeekFixture(t, kgo.FetchMaxWait(time.Minute))
	watch := peekWatchFetches(f.fake)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	// Partition 1 is caught up and partition 2 empty for the group; only
	// partition 0 has a backlog.
	recs, err := f.cluster.Peek(ctx, kafka.PeekRequest{Topic: peekTopic, Group: peekGroup, Max: 100})
	if err != nil {
		t.Fatalf("Peek: %v", err)
	}
	if got, want := peekAt(recs), peekSpan(0, 7, 10); !reflect.DeepEqual(got, want) {
		t.Fatalf("Peek read %v, want %v", got, want)
	}
	if _, parts := watch.snapshot(); parts[1] != 0 || parts[2] != 0 || parts[0] == 0 {
		t.Errorf("fetched partitions %v; want only partition 0", parts)
	}

	// Caught up everywhere: empty at once, without a single fetch.
	before, _ := watch.snapshot()
	recs, err = f.cluster.Peek(ctx, kafka.PeekRequest{Topic: peekTopic, Group: peekGroup, Max: 100, Partition: peekPart(1)})
	if err != nil {
		t.Fatalf("Peek: %v", err)
	}
	if len(recs) != 0 {
		t.Errorf("caught-up peek read %v", peekAt(recs))
	}
	recs, err = f.cluster.Peek(ctx, kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekOffset, Offset: 10, Max: 100})
	if err != nil {
		t.Fatalf("Peek: %v", err)
	}
	if len(recs) != 0 {
		t.Errorf("peek at the end read %v", peekAt(recs))
	}
	if after, _ := watch.snapshot(); after != before {
		t.Errorf("peeks with nothing to read sent %d fetch requests", after-before)
	}
}

func TestPeekIgnoresRecordsProducedAfterItStarts(t *testing.T) {
	f := newPeekFixture(t)
	// Hold the peek's first fetch until a record more is in partition 0:
	// the peek measured the end at 10 and must stop there.
	var once sync.Once
	var lateErr error
	f.fake.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		once.Do(func() {
			f.fake.SleepControl(func() {
				cl, err := kgo.NewClient(kgo.SeedBrokers(f.brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
				if err != nil {
					lateErr = err
					return
				}
				defer cl.Close()
				lateErr = cl.ProduceSync(context.Background(),
					&kgo.Record{Topic: peekTopic, Partition: 0, Value: []byte("late")}).FirstErr()
			})
		})
		return nil, nil, false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	recs, err := f.cluster.Peek(ctx, kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekEarliest, Max: 100, Partition: peekPart(0)})
	if err != nil {
		t.Fatalf("Peek: %v", err)
	}
	if lateErr != nil {
		t.Fatalf("late produce: %v", lateErr)
	}
	if got, want := peekAt(recs), peekSpan(0, 0, 10); !reflect.DeepEqual(got, want) {
		t.Errorf("Peek read %v, want %v", got, want)
	}
	end, err := f.cluster.Admin().ListEndOffsets(ctx, peekTopic)
	if err != nil {
		t.Fatalf("list end offsets: %v", err)
	}
	if o, _ := end.Lookup(peekTopic, 0); o.Offset != 11 {
		t.Fatalf("end offset %d after the late produce, want 11: the test proves nothing", o.Offset)
	}
}

func TestPeekErrors(t *testing.T) {
	f := newPeekFixture(t)
	tests := []struct {
		name    string
		req     kafka.PeekRequest
		want    string
		unknown bool // errors.Is kerr.UnknownTopicOrPartition
	}{
		{"unknown topic", kafka.PeekRequest{Topic: "nope", Max: 1}, `topic "nope" does not exist`, true},
		{"unknown partition", kafka.PeekRequest{Topic: peekTopic, Max: 1, Partition: peekPart(7)}, `topic "events" has no partition 7 (it has 3)`, true},
		{"negative partition", kafka.PeekRequest{Topic: peekTopic, Max: 1, Partition: peekPart(-1)}, `has no partition -1`, true},
		{"no topic", kafka.PeekRequest{Max: 1}, "no topic given", false},
		{"negative count", kafka.PeekRequest{Topic: peekTopic, Max: -1}, "negative record count", false},
		{"timestamp mode without a time", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekTimestamp, Max: 1}, "no timestamp given", false},
		{"unknown mode", kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekFrom(42), Max: 1}, "unknown start mode", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := f.cluster.Peek(ctx, tt.req)
			if err == nil {
				t.Fatalf("Peek succeeded, want error %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if got := errors.Is(err, kerr.UnknownTopicOrPartition); got != tt.unknown {
				t.Errorf("errors.Is(UnknownTopicOrPartition) = %v, want %v", got, tt.unknown)
			}
		})
	}
}

func TestPeekLeaksNoGoroutine(t *testing.T) {
	f := newPeekFixture(t)
	ctx := context.Background()
	// Warm up: the cluster client's own connections and goroutines.
	if _, err := f.cluster.Peek(ctx, kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekEarliest, Max: 100}); err != nil {
		t.Fatalf("Peek: %v", err)
	}
	baseline := peekSettledGoroutines(runtime.NumGoroutine(), 0)
	for range 3 {
		if _, err := f.cluster.Peek(ctx, kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekEarliest, Max: 100}); err != nil {
			t.Fatalf("Peek: %v", err)
		}
	}
	if n := peekSettledGoroutines(baseline, 5*time.Second); n > baseline {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after peeks, %d before:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}

// peekSettledGoroutines waits up to wait for the goroutine count to fall to at
// most target and returns the last count seen.
func peekSettledGoroutines(target int, wait time.Duration) int {
	n := runtime.NumGoroutine()
	_ = kafkatest.Poll(wait, func() error {
		if n = runtime.NumGoroutine(); n > target {
			return errors.New("goroutines left")
		}
		return nil
	})
	return n
}

// TestPeekBeforeEpoch checks that a peek from a time before 1970 fails
// rather than read from whatever Kafka's sentinel timestamps mean.
func TestPeekBeforeEpoch(t *testing.T) {
	f := newPeekFixture(t)
	for _, at := range []time.Time{time.UnixMilli(-1), time.UnixMilli(-2), time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC)} {
		recs, err := f.cluster.Peek(context.Background(), kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekTimestamp, Time: at, Max: 5})
		if err == nil || !strings.Contains(err.Error(), "before 1970") {
			t.Errorf("peek from %s: %d records, err %v; want an error saying it is before 1970", at, len(recs), err)
		}
	}
}
