package kafka_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// BenchmarkPeekJSONL is consume --peek -o jsonl of 100,000 records to a
// discarding writer, the client's start and close included, for values of
// about 150 bytes of JSON and of 7 bytes ({"a":1}): "stream" prints each
// fetch as it lands (what the CLI does), "collect" reads them all, sorts,
// then prints (what Peek does). The whole-process comparison with kcat
// -C -J, which prints a JSON envelope per record too, is in BENCHMARKS.md.
func BenchmarkPeekJSONL(b *testing.B) {
	const (
		partitions = 4
		total      = 100_000
	)
	values := map[string]func(i int) []byte{
		"150B": func(i int) []byte {
			return fmt.Appendf(nil, `{"spent_id":"spent-%07d","user":{"id":%d,"name":"user %d"},"amount":{"value":%d.%02d,"currency":"EUR"},"category":"groceries"}`,
				i, i%997, i%997, i%500, i%100)
		},
		"7B": func(int) []byte { return []byte(`{"a":1}`) },
	}
	for _, size := range []string{"150B", "7B"} {
		_, brokers := kafkatest.NewCluster(b, kfake.SeedTopics(partitions, "bench"))
		recs := make([]*kgo.Record, total)
		for i := range recs {
			recs[i] = &kgo.Record{Partition: int32(i % partitions), Key: fmt.Appendf(nil, "spent-%07d", i), Value: values[size](i)}
		}
		kafkatest.Produce(b, brokers, "bench", recs...)
		cluster, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
		if err != nil {
			b.Fatalf("dial: %v", err)
		}
		b.Cleanup(cluster.Close)
		req := kafka.PeekRequest{Topic: "bench", From: kafka.PeekEarliest, Max: total}

		b.Run(size+"/stream", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := bufio.NewWriterSize(io.Discard, 64<<10)
				var line []byte
				n, err := cluster.PeekEach(context.Background(), req, func(batch []model.Record) error {
					for _, r := range batch {
						line = append(model.AppendRecordJSON(line[:0], r), '\n')
						w.Write(line)
					}
					return w.Flush()
				})
				if err != nil || n != total {
					b.Fatalf("read %d: %v", n, err)
				}
			}
		})
		b.Run(size+"/collect", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				got, err := cluster.Peek(context.Background(), req)
				if err != nil || len(got) != total {
					b.Fatalf("read %d: %v", len(got), err)
				}
				w := bufio.NewWriter(io.Discard)
				for _, r := range got {
					line, _ := model.EncodeRecordJSON(r)
					w.Write(line)
					w.WriteString("\n")
				}
				w.Flush()
			}
		})
	}
}
