package kafka_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

var errBenchDone = errors.New("all records followed")

// BenchmarkFollowJSONL is kgroups tail -o jsonl to a discarding writer, in
// records/s, with values of about 150 bytes of JSON on 4 partitions:
// "backlog" follows from the beginning a topic holding 100,000 records (the
// rate a follow catches up at); "live" follows while a producer in the
// same process writes 100,000 records in batches of 1,000 (the rate it
// keeps up with, producer and in-process cluster sharing the CPU; the
// records' creation is included). The client's start and close are included.
func BenchmarkFollowJSONL(b *testing.B) {
	const (
		partitions = 4
		total      = 100_000
		batch      = 1000
	)
	value := func(i int) []byte {
		return fmt.Appendf(nil, `{"spent_id":"spent-%07d","user":{"id":%d,"name":"user %d"},"amount":{"value":%d.%02d,"currency":"EUR"},"category":"groceries"}`,
			i, i%997, i%997, i%500, i%100)
	}
	records := func() []*kgo.Record {
		recs := make([]*kgo.Record, total)
		for i := range recs {
			recs[i] = &kgo.Record{Partition: int32(i % partitions), Key: fmt.Appendf(nil, "spent-%07d", i), Value: value(i)}
		}
		return recs
	}
	// follow runs one follow until want records were written.
	follow := func(b *testing.B, cluster *kafka.Cluster, req kafka.FollowRequest, want int) {
		w := bufio.NewWriterSize(io.Discard, 64<<10)
		var line []byte
		got := 0
		_, err := cluster.Follow(context.Background(), req, func(batch []model.Record) error {
			for _, r := range batch {
				line = append(model.AppendRecordJSON(line[:0], r), '\n')
				w.Write(line)
			}
			got += len(batch)
			if err := w.Flush(); err != nil {
				return err
			}
			if got >= want {
				return errBenchDone
			}
			return nil
		})
		if !errors.Is(err, errBenchDone) {
			b.Fatalf("Follow: %v after %d records", err, got)
		}
	}

	b.Run("backlog", func(b *testing.B) {
		_, brokers := kafkatest.NewCluster(b, kfake.SeedTopics(partitions, "bench"))
		kafkatest.Produce(b, brokers, "bench", records()...)
		cluster, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
		if err != nil {
			b.Fatalf("dial: %v", err)
		}
		b.Cleanup(cluster.Close)
		b.ReportAllocs()
		for b.Loop() {
			follow(b, cluster, kafka.FollowRequest{Topic: "bench", From: kafka.PeekEarliest}, total)
		}
		b.ReportMetric(float64(b.N*total)/b.Elapsed().Seconds(), "records/s")
	})

	b.Run("live", func(b *testing.B) {
		_, brokers := kafkatest.NewCluster(b, kfake.SeedTopics(partitions, "bench"))
		cluster, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
		if err != nil {
			b.Fatalf("dial: %v", err)
		}
		b.Cleanup(cluster.Close)
		producer := kafkatest.Client(b, brokers, kgo.DefaultProduceTopic("bench"), kgo.RecordPartitioner(kgo.ManualPartitioner()))
		b.ReportAllocs()
		round := 0
		for b.Loop() {
			// Every partition gets total/partitions records a round, so
			// this round's records start at the same offset everywhere.
			from := int64(round * total / partitions)
			round++
			recs := records()
			done := make(chan error, 1)
			go func() {
				for i := 0; i < total; i += batch {
					if err := producer.ProduceSync(context.Background(), recs[i:i+batch]...).FirstErr(); err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
			follow(b, cluster, kafka.FollowRequest{Topic: "bench", From: kafka.PeekOffset, Offset: from}, total)
			if err := <-done; err != nil {
				b.Fatalf("produce: %v", err)
			}
		}
		b.ReportMetric(float64(b.N*total)/b.Elapsed().Seconds(), "records/s")
	})
}
