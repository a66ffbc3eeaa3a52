package cli

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/model"
)

// lineKey is where a jsonl record line comes from.
type lineKey struct {
	Partition int32 `json:"partition"`
	Offset    int64 `json:"offset"`
}

// inFetchOrder checks that jsonl peek output keeps each partition's records
// in offset order, as documented, and returns its lines sorted by
// partition, then offset: the order across partitions depends on which
// broker's fetch lands first.
func inFetchOrder(t *testing.T, out string) string {
	t.Helper()
	lines := strings.SplitAfter(out, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	keys := make(map[string]lineKey, len(lines))
	last := map[int32]int64{}
	for _, l := range lines {
		var k lineKey
		if err := json.Unmarshal([]byte(l), &k); err != nil {
			t.Fatalf("not a record line: %q: %v", l, err)
		}
		if prev, ok := last[k.Partition]; ok && k.Offset <= prev {
			t.Fatalf("partition %d: offset %d printed after %d", k.Partition, k.Offset, prev)
		}
		last[k.Partition] = k.Offset
		keys[l] = k
	}
	slices.SortStableFunc(lines, func(a, b string) int {
		ka, kb := keys[a], keys[b]
		if ka.Partition != kb.Partition {
			return int(ka.Partition - kb.Partition)
		}
		return int(ka.Offset - kb.Offset)
	})
	return strings.Join(lines, "")
}

// TestPeekStreamsWhatAReadReturns checks, for every peek mode, that the
// records consume --peek prints as they arrive are exactly those a whole
// read (Peek, which collects and sorts) returns, each partition in offset
// order.
func TestPeekStreamsWhatAReadReturns(t *testing.T) {
	brokers := startDemo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := kafka.Dial(ctx, kafka.Config{Brokers: strings.Split(brokers, ",")})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	group := model.GroupName{Base: demo.Base, Topic: demo.SpentTopic}.String()
	p2 := int32(2)
	from := time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		args []string
		req  kafka.PeekRequest
	}{
		{"committed", []string{"--base", demo.Base}, kafka.PeekRequest{From: kafka.PeekCommitted, Group: group}},
		{"earliest", nil, kafka.PeekRequest{From: kafka.PeekEarliest}},
		{"from-offset", []string{"--from-offset", "300"}, kafka.PeekRequest{From: kafka.PeekOffset, Offset: 300}},
		{"from-time", []string{"--from-time", from.Format(time.RFC3339)}, kafka.PeekRequest{From: kafka.PeekTimestamp, Time: from}},
		{"last", []string{"--last"}, kafka.PeekRequest{From: kafka.PeekLast}},
		{"partition", []string{"--partition", "2"}, kafka.PeekRequest{From: kafka.PeekEarliest, Partition: &p2}},
		{"last of a partition", []string{"--last", "--partition", "2"}, kafka.PeekRequest{From: kafka.PeekLast, Partition: &p2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 400
			// Raw: the reference lines are the records as the cluster has
			// them (the demo's gzip record would otherwise be decoded).
			args := append([]string{"consume", "--topic", demo.SpentTopic, "-n", "400", "--peek", "-o", "jsonl", "--decode", "raw", "--brokers", brokers}, tt.args...)
			r := kgroups(t, args...)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			req := tt.req
			req.Topic, req.Max = demo.SpentTopic, n
			recs, err := cl.Peek(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) == 0 {
				t.Fatal("the reference read is empty")
			}
			var want strings.Builder
			for _, rec := range recs {
				line, _ := model.EncodeRecordJSON(rec)
				want.Write(line)
				want.WriteByte('\n')
			}
			if got := inFetchOrder(t, r.stdout); got != want.String() {
				t.Errorf("%d lines printed, the read returns %d records; first lines:\n%.600s\nwant:\n%.600s",
					strings.Count(got, "\n"), len(recs), got, want.String())
			}
		})
	}
}

// TestPeekEachEmitsAsFetchesArrive checks that a large peek hands its
// records over in several fetches, each sorted by partition then offset,
// rather than all at once at the end.
func TestPeekEachEmitsAsFetchesArrive(t *testing.T) {
	brokers := startDemo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := kafka.Dial(ctx, kafka.Config{Brokers: strings.Split(brokers, ",")})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kafka.PeekRequest{Topic: demo.SpentTopic, From: kafka.PeekEarliest, Max: 3000}
	batches, total := 0, 0
	n, err := cl.PeekEach(ctx, req, func(batch []model.Record) error {
		batches++
		total += len(batch)
		if !slices.IsSortedFunc(batch, func(a, b model.Record) int {
			if a.Partition != b.Partition {
				return int(a.Partition - b.Partition)
			}
			return int(a.Offset - b.Offset)
		}) {
			t.Errorf("batch %d is not sorted by partition, then offset", batches)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != total || total == 0 {
		t.Fatalf("PeekEach says %d, emitted %d", n, total)
	}
	if batches < 2 {
		t.Errorf("%d records in %d batch(es); want them handed over fetch by fetch", total, batches)
	}
}
