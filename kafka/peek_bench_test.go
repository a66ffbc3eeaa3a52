package kafka_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// BenchmarkPeek100k peeks 100,000 records (about 150 bytes of JSON each,
// spread over 4 partitions) from earliest: plan, direct fetch, conversion
// and sort, the client's start and close included.
func BenchmarkPeek100k(b *testing.B) {
	const (
		topic      = "bench"
		partitions = 4
		total      = 100_000
	)
	_, brokers := kafkatest.NewCluster(b, kfake.SeedTopics(partitions, topic))
	recs := make([]*kgo.Record, total)
	for i := range recs {
		recs[i] = &kgo.Record{
			Partition: int32(i % partitions),
			Key:       fmt.Appendf(nil, "spent-%07d", i),
			Value: fmt.Appendf(nil, `{"spent_id":"spent-%07d","user":{"id":%d,"name":"user %d"},"amount":{"value":%d.%02d,"currency":"EUR"},"category":"groceries"}`,
				i, i%997, i%997, i%500, i%100),
		}
	}
	kafkatest.Produce(b, brokers, topic, recs...)

	cluster, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
	if err != nil {
		b.Fatalf("dial: %v", err)
	}
	b.Cleanup(cluster.Close)
	req := kafka.PeekRequest{Topic: topic, From: kafka.PeekEarliest, Max: total}

	b.ReportAllocs()
	for b.Loop() {
		got, err := cluster.Peek(context.Background(), req)
		if err != nil {
			b.Fatalf("Peek: %v", err)
		}
		if len(got) != total {
			b.Fatalf("Peek read %d records, want %d", len(got), total)
		}
	}
}
