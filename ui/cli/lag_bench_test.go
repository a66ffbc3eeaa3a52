package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/model"
)

// lagBenchCluster is a 3-broker kfake cluster at the bench scale (see
// benchScale): every topic holds 4 records per partition, and the groups
// of the scale (4 per topic at S1, 5 at S2) under base "bench" have
// committed at 4, 2, 1 on even partitions, 0 on partition 0, and 3.
var lagBenchCluster struct {
	once    sync.Once
	brokers []string
	groups  int
	err     error
}

func lagBenchBrokers(b *testing.B) ([]string, int) {
	b.Helper()
	lagBenchCluster.once.Do(func() {
		_, lagBenchCluster.brokers, lagBenchCluster.groups, lagBenchCluster.err = seedLagBench()
	})
	if lagBenchCluster.err != nil {
		b.Fatal(lagBenchCluster.err)
	}
	return lagBenchCluster.brokers, lagBenchCluster.groups
}

func seedLagBench() (*kfake.Cluster, []string, int, error) {
	_, nTopics, nParts, nGroups := benchScale()
	perTopic := nGroups / nTopics
	topics := make([]string, nTopics)
	for i := range topics {
		topics[i] = fmt.Sprintf("t%04d", i)
	}
	fake, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.SeedTopics(int32(nParts), topics...))
	if err != nil {
		return nil, nil, 0, err
	}
	brokers := fake.ListenAddrs()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return nil, nil, 0, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var recs []*kgo.Record
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, topic := range topics {
		for p := range int32(nParts) {
			for i := range 4 {
				recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Value: []byte(`{"i":1}`), Timestamp: t0.Add(time.Duration(i) * time.Second)})
			}
		}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return nil, nil, 0, err
	}
	adm := kadm.NewClient(cl)
	jobs := make(chan func() error)
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	for range 16 {
		wg.Go(func() {
			for j := range jobs {
				if err := j(); err != nil {
					mu.Lock()
					firstErr = firstErrOf(firstErr, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, topic := range topics {
		for k, at := range []int64{4, 2, 1, 0, 3}[:perTopic] {
			var os kadm.Offsets
			for p := range int32(nParts) {
				if k == 2 && p%2 == 1 || k == 3 && p > 0 {
					continue
				}
				os.AddOffset(topic, p, at, -1)
			}
			group := "bench-" + topic + []string{"", "-a", "-b", "-c", "-d"}[k]
			jobs <- func() error { return adm.CommitAllOffsets(ctx, group, os) }
		}
	}
	close(jobs)
	wg.Wait()
	return fake, brokers, perTopic * nTopics, firstErr
}

func firstErrOf(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// BenchmarkLagCommand is kgroups lag -o json (and -o table) as a process
// runs it, minus the process start: connect, snapshot, write to a
// discarding writer, close. BenchmarkLagFloor is the same cluster read by
// kadm alone (see there); their ratio is the overhead of kgroups.
func BenchmarkLagCommand(b *testing.B) {
	brokers, _ := lagBenchBrokers(b)
	for _, format := range []string{"json", "table"} {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a := &app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, now: time.Now}
				if code := run(context.Background(), a, []string{"lag", "-o", format, "--brokers", strings.Join(brokers, ","), "--base", "bench"}); code != ExitOK {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}

// BenchmarkLagFloor is a raw kadm program for the figures lag shows: a new
// client, ListGroups, then side by side DescribeGroups and FetchManyOffsets
// of the groups under the base and ListStartOffsets and ListEndOffsets of
// every topic, then close. Nothing is assembled or written.
func BenchmarkLagFloor(b *testing.B) {
	brokers, groups := lagBenchBrokers(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
		if err != nil {
			b.Fatal(err)
		}
		n, err := lagFloor(ctx, cl, "bench", false)
		if err != nil {
			b.Fatal(err)
		}
		if n != groups {
			b.Fatalf("%d groups, want %d", n, groups)
		}
		cl.Close()
	}
}

// lagFloor reads what lag shows with kadm alone: ListGroups, then side by
// side DescribeGroups and FetchManyOffsets of the groups under base and
// ListStartOffsets and ListEndOffsets of every topic. It returns the
// number of groups read. With timeLag it then also reads what lag's time
// lag needs (see floorTimeLag), which kadm has no call for.
func lagFloor(ctx context.Context, cl *kgo.Client, base string, timeLag bool) (int, error) {
	adm := kadm.NewClient(cl)
	listed, err := adm.ListGroups(ctx)
	if err != nil {
		return 0, err
	}
	var ids []string
	for _, g := range listed {
		if model.UnderBase(g.Group, base) {
			ids = append(ids, g.Group)
		}
	}
	var wg sync.WaitGroup
	var descErr, startErr, endErr error
	var fetched kadm.FetchOffsetsResponses
	var start, end kadm.ListedOffsets
	wg.Go(func() { _, descErr = adm.DescribeGroups(ctx, ids...) })
	wg.Go(func() { fetched = adm.FetchManyOffsets(ctx, ids...) })
	wg.Go(func() { start, startErr = adm.ListStartOffsets(ctx) })
	wg.Go(func() { end, endErr = adm.ListEndOffsets(ctx) })
	wg.Wait()
	for _, err := range []error{descErr, fetched.Error(), startErr, endErr} {
		if err != nil {
			return 0, err
		}
	}
	if timeLag {
		if _, err := floorTimeLag(ctx, cl, fetched, start, end); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// floorTimeLag is the plainest read of what lag's time lag needs: the
// timestamp of the record where each group resumes, max(committed, log
// start), on every partition of every topic it committed on that has
// records past that point. Each partition is fetched once, from the lowest
// such offset, with no wait and 32 KiB a partition, in one round: every
// leader gets its partitions in fetches of 1,000, all in flight at once.
// It returns how many of the wanted positions it found a record for, and
// an error unless that is all of them.
func floorTimeLag(ctx context.Context, cl *kgo.Client, fetched kadm.FetchOffsetsResponses, start, end kadm.ListedOffsets) (int, error) {
	type position struct {
		topic     string
		partition int32
	}
	wanted := map[position][]int64{}
	for _, fr := range fetched {
		for topic := range fr.Fetched {
			for partition, lo := range start[topic] {
				at := lo.Offset
				if c, ok := fr.Fetched.Lookup(topic, partition); ok && c.At > at {
					at = c.At
				}
				if e, ok := end.Lookup(topic, partition); ok && at < e.Offset {
					p := position{topic, partition}
					wanted[p] = append(wanted[p], at)
				}
			}
		}
	}
	meta, err := kadm.NewClient(cl).Metadata(ctx)
	if err != nil {
		return 0, err
	}
	names := make(map[[16]byte]string, len(meta.Topics))
	for _, t := range meta.Topics {
		names[t.ID] = t.Topic
	}
	type read struct {
		leader int32
		position
		from int64
	}
	reads := make([]read, 0, len(wanted))
	for p, offsets := range wanted {
		slices.Sort(offsets)
		reads = append(reads, read{meta.Topics[p.topic].Partitions[p.partition].Leader, p, offsets[0]})
	}
	slices.SortFunc(reads, func(a, b read) int {
		return cmp.Or(cmp.Compare(a.leader, b.leader), strings.Compare(a.topic, b.topic), cmp.Compare(a.partition, b.partition))
	})
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		found    int
		firstErr error
	)
	for len(reads) > 0 {
		n := 1
		for n < len(reads) && n < 1000 && reads[n].leader == reads[0].leader {
			n++
		}
		batch := reads[:n]
		reads = reads[n:]
		req := kmsg.NewPtrFetchRequest()
		req.MaxBytes = 4 << 20
		req.SessionEpoch = -1
		for i, r := range batch {
			if i == 0 || r.topic != batch[i-1].topic {
				rt := kmsg.NewFetchRequestTopic()
				rt.Topic = r.topic
				rt.TopicID = meta.Topics[r.topic].ID
				req.Topics = append(req.Topics, rt)
			}
			rp := kmsg.NewFetchRequestTopicPartition()
			rp.Partition, rp.FetchOffset, rp.PartitionMaxBytes = r.partition, r.from, 32<<10
			rt := &req.Topics[len(req.Topics)-1]
			rt.Partitions = append(rt.Partitions, rp)
		}
		wg.Go(func() {
			resp, err := cl.Broker(int(batch[0].leader)).Request(ctx, req)
			got := 0
			if err == nil {
				for _, rt := range resp.(*kmsg.FetchResponse).Topics {
					if rt.Topic == "" { // newer fetches name topics by ID only
						rt.Topic = names[rt.TopicID]
					}
					for i := range rt.Partitions {
						rp := &rt.Partitions[i]
						offsets := wanted[position{rt.Topic, rp.Partition}]
						fp, _ := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{Offset: offsets[0], Topic: rt.Topic, Partition: rp.Partition}, rp, kgo.DefaultDecompressor(), nil)
						k := 0
						for _, r := range fp.Records {
							for k < len(offsets) && offsets[k] <= r.Offset {
								_ = r.Timestamp
								k++
								got++
							}
						}
					}
				}
			}
			mu.Lock()
			found += got
			firstErr = cmp.Or(firstErr, err)
			mu.Unlock()
		})
	}
	wg.Wait()
	total := 0
	for _, offsets := range wanted {
		total += len(offsets)
	}
	if firstErr == nil && found != total {
		firstErr = fmt.Errorf("time lag found at %d of %d positions", found, total)
	}
	return found, firstErr
}
