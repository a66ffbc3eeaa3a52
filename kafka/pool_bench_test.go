package kafka_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// BenchmarkPoolNextBatch measures the service's loop step: the next
// batch of 1,000 records (about 200 bytes of JSON each, over 4 partitions)
// from a cached consumer, committed before the call returns. Records are
// produced outside the timer whenever fewer than a batch remain.
func BenchmarkPoolNextBatch(b *testing.B) {
	const (
		batch      = 1000
		partitions = 4
		chunk      = 20 * batch
	)
	f := newRegFixture(b, partitions, []string{"spent_detail_topic"})
	ctx := context.Background()
	value := func(p int32, i int) string {
		return fmt.Sprintf(`{"id":"%d-%d","user_id":42,"amount":{"value":1999,"currency":"EUR"},`+
			`"merchant":{"id":7,"name":"Corner Shop","category":"groceries"},`+
			`"relations":{"card_id":3,"account_id":9},"tags":["a","b"],"seq":%d}`, p, i, i)
	}
	produced, consumed := 0, 0
	produce := func() {
		recs := make([]*kgo.Record, 0, chunk)
		for p := range int32(partitions) {
			recs = append(recs, kafkatest.Values(p, chunk/partitions, func(i int) string { return value(p, produced+i) })...)
		}
		kafkatest.Produce(b, f.brokers, "spent_detail_topic", recs...)
		produced += chunk
	}
	produce()
	// Join and warm the cached consumer before timing.
	if recs, err := f.reg.ConsumeMessages(ctx, "spent_detail_topic", batch); err != nil || len(recs) != batch {
		b.Fatalf("warm-up: %d records, %v", len(recs), err)
	}
	consumed += batch

	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if produced-consumed < batch {
			b.StopTimer()
			produce()
			b.StartTimer()
		}
		recs, err := f.reg.ConsumeMessages(ctx, "spent_detail_topic", batch)
		if err != nil || len(recs) != batch {
			b.Fatalf("batch: %d records, %v", len(recs), err)
		}
		consumed += batch
	}
}
