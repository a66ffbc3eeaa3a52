package kafka_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
)

// The snapshot benchmarks share one cluster: 500 topics of 8 partitions with
// 4 records each, and 2,000 groups under base "bench", four per topic:
//
//	bench-t%03d     committed at 4 everywhere (caught up)
//	bench-t%03d-a   committed at 2 everywhere
//	bench-t%03d-b   committed at 1 on even partitions only
//	bench-t%03d-c   committed at 0 on partition 0 only
//
// so most partitions lag and want a timestamp at one of several offsets.
const (
	benchBase       = "bench"
	benchTopics     = 500
	benchPartitions = 8
	benchRecords    = 4
)

var benchCluster struct {
	once    sync.Once
	brokers []string
	err     error
}

// benchBrokers seeds the shared cluster once per process; it lives until the
// process exits so that the seeding is never timed.
func benchBrokers(b *testing.B) []string {
	b.Helper()
	benchCluster.once.Do(func() {
		benchCluster.brokers, benchCluster.err = seedBenchCluster()
	})
	if benchCluster.err != nil {
		b.Fatal(benchCluster.err)
	}
	return benchCluster.brokers
}

func seedBenchCluster() ([]string, error) {
	topics := make([]string, benchTopics)
	for i := range topics {
		topics[i] = fmt.Sprintf("t%03d", i)
	}
	fake, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.SeedTopics(benchPartitions, topics...))
	if err != nil {
		return nil, err
	}
	brokers := fake.ListenAddrs()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var recs []*kgo.Record
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, topic := range topics {
		for p := range int32(benchPartitions) {
			for i := range benchRecords {
				recs = append(recs, &kgo.Record{
					Topic: topic, Partition: p,
					Value:     fmt.Appendf(nil, `{"topic":%q,"partition":%d,"i":%d}`, topic, p, i),
					Timestamp: t0.Add(time.Duration(i) * time.Second),
				})
			}
		}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return nil, fmt.Errorf("seed records: %w", err)
	}

	adm := kadm.NewClient(cl)
	type job struct {
		group string
		os    kadm.Offsets
	}
	jobs := make(chan job)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for j := range jobs {
				if err := adm.CommitAllOffsets(ctx, j.group, j.os); err != nil {
					select {
					case errs <- fmt.Errorf("seed commits of %s: %w", j.group, err):
					default:
					}
				}
			}
		})
	}
	for _, topic := range topics {
		var def, a, bb, c kadm.Offsets
		for p := range int32(benchPartitions) {
			def.AddOffset(topic, p, benchRecords, -1)
			a.AddOffset(topic, p, 2, -1)
			if p%2 == 0 {
				bb.AddOffset(topic, p, 1, -1)
			}
		}
		c.AddOffset(topic, 0, 0, -1)
		id := benchBase + "-" + topic
		jobs <- job{id, def}
		jobs <- job{id + "-a", a}
		jobs <- job{id + "-b", bb}
		jobs <- job{id + "-c", c}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	return brokers, nil
}

func benchDial(b *testing.B) *kafka.Cluster {
	b.Helper()
	c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: benchBrokers(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	return c
}

func benchSnapshot(b *testing.B, opt kafka.SnapshotOptions) {
	c := benchDial(b)
	ctx := context.Background()
	check := func(snap model.Snapshot, err error) {
		if err != nil {
			b.Fatal(err)
		}
		if len(snap.Groups) != 4*benchTopics || len(snap.Topics) != benchTopics || len(snap.Errors) > 0 {
			b.Fatalf("%d groups, %d topics, errors %v", len(snap.Groups), len(snap.Topics), snap.Errors)
		}
	}
	// Warm the client's connections and metadata as a running TUI has them.
	check(c.Snapshot(ctx, benchBase, opt))
	b.ReportAllocs()
	for b.Loop() {
		check(c.Snapshot(ctx, benchBase, opt))
	}
}

// BenchmarkSnapshot is the full snapshot the TUI refreshes: every topic's
// offsets, 2,000 groups with lag, and the oldest-unconsumed timestamps.
func BenchmarkSnapshot(b *testing.B) { benchSnapshot(b, kafka.SnapshotOptions{}) }

// BenchmarkSnapshotNoTimestamps is the same without the timestamp fetch.
func BenchmarkSnapshotNoTimestamps(b *testing.B) {
	benchSnapshot(b, kafka.SnapshotOptions{SkipTimestamps: true})
}

// BenchmarkSnapshotFloor is what kadm alone needs for the same figures:
// ListGroups, then side by side DescribeGroups, FetchManyOffsets for the
// groups under the base, and ListStartOffsets and ListEndOffsets of every
// topic. Nothing is assembled.
func BenchmarkSnapshotFloor(b *testing.B) {
	adm := benchDial(b).Admin()
	ctx := context.Background()
	floor := func() {
		listed, err := adm.ListGroups(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var ids []string
		for _, g := range listed {
			if model.UnderBase(g.Group, benchBase) {
				ids = append(ids, g.Group)
			}
		}
		if len(ids) != 4*benchTopics {
			b.Fatalf("%d groups", len(ids))
		}
		var wg sync.WaitGroup
		var descErr, startErr, endErr error
		var fetched kadm.FetchOffsetsResponses
		wg.Go(func() { _, descErr = adm.DescribeGroups(ctx, ids...) })
		wg.Go(func() { fetched = adm.FetchManyOffsets(ctx, ids...) })
		wg.Go(func() { _, startErr = adm.ListStartOffsets(ctx) })
		wg.Go(func() { _, endErr = adm.ListEndOffsets(ctx) })
		wg.Wait()
		if err := fetched.Error(); descErr != nil || startErr != nil || endErr != nil || err != nil {
			b.Fatal(descErr, startErr, endErr, err)
		}
	}
	floor()
	b.ReportAllocs()
	for b.Loop() {
		floor()
	}
}
