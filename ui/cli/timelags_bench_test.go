//go:build unix

package cli

import (
	"context"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
)

// processCPU is the CPU time (user and system) the process has used: the
// client's and, in these benchmarks, the in-process cluster's.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// fetchCounter counts the fetch requests a client writes.
type fetchCounter struct{ n atomic.Int64 }

func (f *fetchCounter) OnBrokerWrite(_ kgo.BrokerMetadata, key int16, _ int, _, _ time.Duration, err error) {
	if err == nil && key == int16(kmsg.Fetch) {
		f.n.Add(1)
	}
}

// BenchmarkRepeatedSnapshot is the refresh of the TUI and of lag --watch
// on the lag benchmarks' cluster (S1, or S2 with KGROUPS_BENCH_SCALE=s2),
// whose groups do not move: snapshot after snapshot on one connection,
// with a kafka.TimeLagMemo ("memo") and without ("fresh"). It reports the
// fetch requests of a snapshot (without the memo every snapshot reads the
// oldest unconsumed record of every lagging partition again) and the CPU
// time of one, the in-process cluster's included.
func BenchmarkRepeatedSnapshot(b *testing.B) {
	brokers, groups := lagBenchBrokers(b)
	for _, withMemo := range []bool{false, true} {
		name := "fresh"
		if withMemo {
			name = "memo"
		}
		b.Run(name, func(b *testing.B) {
			fetches := &fetchCounter{}
			c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers, Extra: []kgo.Opt{kgo.WithHooks(fetches)}})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			opt := kafka.SnapshotOptions{}
			if withMemo {
				opt.TimeLagMemo = kafka.NewTimeLagMemo()
			}
			take := func() {
				snap, err := c.Snapshot(context.Background(), "bench", opt)
				if err != nil {
					b.Fatal(err)
				}
				if len(snap.Groups) != groups || len(snap.Errors) > 0 {
					b.Fatalf("%d groups, want %d; errors %v", len(snap.Groups), groups, snap.Errors)
				}
			}
			// The first refresh, with its connections and a memo filled,
			// is not timed: the TUI takes it once.
			take()
			fetches.n.Store(0)
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				take()
			}
			b.ReportMetric(float64(processCPU()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(fetches.n.Load())/float64(b.N), "fetches/op")
			if opt.TimeLagMemo != nil {
				b.ReportMetric(float64(opt.TimeLagMemo.Len()), "remembered")
			}
		})
	}
}
