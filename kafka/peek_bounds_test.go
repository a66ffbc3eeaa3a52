package kafka_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// peekBoundsChunk is the most records PeekEach documents handing to emit at
// once.
const peekBoundsChunk = 512

// TestPeekEachHandsOverBoundedChunks checks that a peek whose fetch holds
// thousands of records (one produced batch) hands them over a bounded
// chunk at a time, in the order a whole read returns them: printing never
// waits for a copy of the whole fetch.
func TestPeekEachHandsOverBoundedChunks(t *testing.T) {
	const total = 3000
	_, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(2, "chunks"))
	recs := append(kafkatest.Values(0, total, func(i int) string { return fmt.Sprintf(`{"i":%d}`, i) }),
		kafkatest.Values(1, 10, func(i int) string { return fmt.Sprint(i) })...)
	kafkatest.Produce(t, brokers, "chunks", recs...)
	cluster, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(cluster.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	req := kafka.PeekRequest{Topic: "chunks", From: kafka.PeekEarliest, Partition: peekPart(0), Max: total}
	want, err := cluster.Peek(ctx, req)
	if err != nil {
		t.Fatalf("Peek: %v", err)
	}
	var got []string
	largest := 0
	n, err := cluster.PeekEach(ctx, req, func(chunk []model.Record) error {
		largest = max(largest, len(chunk))
		got = append(got, peekAt(chunk)...)
		return nil
	})
	if err != nil || n != total {
		t.Fatalf("PeekEach: %d records, %v", n, err)
	}
	if largest > peekBoundsChunk {
		t.Errorf("emit was handed %d records at once; want at most %d", largest, peekBoundsChunk)
	}
	if !reflect.DeepEqual(got, peekAt(want)) {
		t.Errorf("PeekEach printed %d records in another order or content than Peek's %d", len(got), len(want))
	}
}

// TestPeekBoundsItsFetches checks the fetch requests a peek sends: at most
// 128 KiB a partition and 4 MiB in all, not a long-lived consumer's 1 MiB
// and 50 MiB, so a peek holds little more than what it is printing.
func TestPeekBoundsItsFetches(t *testing.T) {
	f := newPeekFixture(t)
	var (
		mu                sync.Mutex
		fetches           int
		maxTotal, maxPart int32
	)
	f.fake.ControlKey(int16(kmsg.Fetch), func(req kmsg.Request) (kmsg.Response, error, bool) {
		f.fake.KeepControl()
		mu.Lock()
		defer mu.Unlock()
		fr := req.(*kmsg.FetchRequest)
		fetches++
		maxTotal = max(maxTotal, fr.MaxBytes)
		for _, t := range fr.Topics {
			for _, p := range t.Partitions {
				maxPart = max(maxPart, p.PartitionMaxBytes)
			}
		}
		return nil, nil, false // observe only: the cluster answers
	})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	n, err := f.cluster.PeekEach(ctx, kafka.PeekRequest{Topic: peekTopic, From: kafka.PeekEarliest, Max: 100},
		func([]model.Record) error { return nil })
	if err != nil || n != 14 {
		t.Fatalf("PeekEach: %d records, %v", n, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if fetches == 0 {
		t.Fatal("no fetch seen")
	}
	if maxTotal > 4<<20 || maxPart > 128<<10 {
		t.Errorf("fetches asked for up to %d bytes in all and %d a partition; want at most %d and %d",
			maxTotal, maxPart, 4<<20, 128<<10)
	}
}

// TestPeekEachReusesNoBytesItStillShows checks a peek over many compressed
// batches, whose fetches are decoded into the memory of those already
// printed: every record handed to emit has its own key and value, exactly
// as a whole read (which reuses nothing) returns them.
func TestPeekEachReusesNoBytesItStillShows(t *testing.T) {
	_, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(2, "reuse"))
	// One produce per round: at least one batch a partition each time,
	// values of varying length so that stale bytes would show.
	for round := range 20 {
		var recs []*kgo.Record
		for p := range int32(2) {
			recs = append(recs, kafkatest.Values(p, 150, func(i int) string {
				return fmt.Sprintf(`{"round":%d,"i":%d,"pad":"%s"}`, round, i, strings.Repeat("x", (i*7+round)%90))
			})...)
		}
		kafkatest.Produce(t, brokers, "reuse", recs...)
	}
	cluster, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(cluster.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	req := kafka.PeekRequest{Topic: "reuse", From: kafka.PeekEarliest, Max: 6000}
	want, err := cluster.Peek(ctx, req)
	if err != nil || len(want) != 6000 {
		t.Fatalf("Peek: %d records, %v", len(want), err)
	}
	lines := func(recs []model.Record) map[int32][]string {
		out := map[int32][]string{}
		for _, r := range recs {
			line, _ := model.EncodeRecordJSON(r)
			out[r.Partition] = append(out[r.Partition], string(line))
		}
		return out
	}
	got := map[int32][]string{}
	if _, err := cluster.PeekEach(ctx, req, func(chunk []model.Record) error {
		for p, ls := range lines(chunk) {
			got[p] = append(got[p], ls...)
		}
		return nil
	}); err != nil {
		t.Fatalf("PeekEach: %v", err)
	}
	for p, ls := range lines(want) {
		if !reflect.DeepEqual(got[p], ls) {
			t.Errorf("partition %d: PeekEach printed %d records unlike Peek's %d", p, len(got[p]), len(ls))
		}
	}
}
