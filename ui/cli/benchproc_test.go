package cli

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Whole-process measurements (BENCHMARKS.md, issue 12) need a cluster and
// a floor program in processes of their own. Built into the test binary
// (go test -c ./ui/cli), two tests serve them when asked through the
// environment, and skip otherwise:
//
//	KGROUPS_BENCH_SERVE=lag  [KGROUPS_BENCH_SCALE=s2] [KGROUPS_BENCH_SERVE_CPUPROFILE=file] cli.test -test.run '^TestBenchServe$' -test.timeout 0
//	KGROUPS_BENCH_SERVE=peek cli.test -test.run '^TestBenchServe$' -test.timeout 0
//	KGROUPS_BENCH_FLOOR=host:port,... [KGROUPS_BENCH_FLOOR_EVERY=5s] [KGROUPS_BENCH_FLOOR_TIMELAG=1] cli.test -test.run '^TestBenchFloor$' -test.timeout 0
//
// TestBenchServe seeds a 3-broker kfake cluster on loopback (the lag
// benchmarks' cluster, or for peek the topics peek150 and peek7 of 100,000
// records of ~150 and 7 bytes on 4 partitions), writes its addresses to
// KGROUPS_BENCH_SERVE_OUT (or stdout) and serves until interrupted.
// TestBenchFloor reads what lag shows with kadm alone (see lagFloor) once,
// or every KGROUPS_BENCH_FLOOR_EVERY until interrupted, on one client, as
// a TUI refreshing at that interval does; with KGROUPS_BENCH_FLOOR_TIMELAG
// set it also reads what lag's time lag needs (see floorTimeLag).
// TestBenchAlternate (benchruns_test.go) runs the programs to compare in
// turn and prints their medians.

func TestBenchServe(t *testing.T) {
	what := os.Getenv("KGROUPS_BENCH_SERVE")
	if what == "" {
		t.Skip("serves a benchmark cluster when KGROUPS_BENCH_SERVE is set")
	}
	var (
		fake    *kfake.Cluster
		brokers []string
		err     error
	)
	switch what {
	case "lag":
		fake, brokers, _, err = seedLagBench()
	case "peek":
		brokers, err = seedPeekBench()
	default:
		t.Fatalf("KGROUPS_BENCH_SERVE=%s: want lag or peek", what)
	}
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("KGROUPS_BENCH_SERVE_CPUPROFILE"); out != "" && fake != nil {
		defer profileServing(t, fake, out)()
	}
	line := "brokers=" + strings.Join(brokers, ",") + "\n"
	if out := os.Getenv("KGROUPS_BENCH_SERVE_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
	} else {
		fmt.Print(line)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
}

// profileServing profiles the cluster's process from now on into the file
// out, and counts the requests it serves by key; the function it returns
// stops the profile and prints the counts. kfake serves the requests of
// every connection one after another on one goroutine, so the profile's
// time under each request's handler (handleFetch, handleListOffsets, ...)
// is what that kind of request costs the cluster.
func profileServing(t *testing.T, fake *kfake.Cluster, out string) func() {
	var mu sync.Mutex
	counts := map[int16]int{}
	fake.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		mu.Lock()
		counts[req.Key()]++
		mu.Unlock()
		return nil, nil, false
	})
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			t.Error(err)
		}
		mu.Lock()
		defer mu.Unlock()
		keys := slices.Sorted(maps.Keys(counts))
		for _, k := range keys {
			fmt.Fprintf(os.Stderr, "%s: %d requests\n", kmsg.NameForKey(k), counts[k])
		}
	}
}

// seedPeekBench is a 3-broker cluster with the topics peek150 and peek7:
// 100,000 records each on 4 partitions, of ~150 bytes of JSON and of 7.
func seedPeekBench() ([]string, error) {
	fake, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.SeedTopics(4, "peek150", "peek7"))
	if err != nil {
		return nil, err
	}
	brokers := fake.ListenAddrs()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerBatchMaxBytes(1<<20))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	const total = 100_000
	recs := make([]*kgo.Record, 0, 2*total)
	for i := range total {
		key := fmt.Appendf(nil, "spent-%07d", i)
		recs = append(recs,
			&kgo.Record{Topic: "peek150", Partition: int32(i % 4), Key: key, Value: fmt.Appendf(nil,
				`{"spent_id":"spent-%07d","user":{"id":%d,"name":"user %d"},"amount":{"value":%d.%02d,"currency":"EUR"},"category":"groceries"}`,
				i, i%997, i%997, i%500, i%100)},
			&kgo.Record{Topic: "peek7", Partition: int32(i % 4), Key: key, Value: []byte(`{"a":1}`)})
	}
	return brokers, cl.ProduceSync(ctx, recs...).FirstErr()
}

func TestBenchFloor(t *testing.T) {
	brokers := os.Getenv("KGROUPS_BENCH_FLOOR")
	if brokers == "" {
		t.Skip("runs the lag floor program when KGROUPS_BENCH_FLOOR is set")
	}
	var every time.Duration
	if e := os.Getenv("KGROUPS_BENCH_FLOOR_EVERY"); e != "" {
		var err error
		if every, err = time.ParseDuration(e); err != nil {
			t.Fatal(err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	timeLag := os.Getenv("KGROUPS_BENCH_FLOOR_TIMELAG") != ""
	for {
		if _, err := lagFloor(ctx, cl, "bench", timeLag); err != nil {
			if ctx.Err() != nil {
				return
			}
			t.Fatal(err)
		}
		if every <= 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
