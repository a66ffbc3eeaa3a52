package cli

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// TestLagCollectsGarbageLessOften: a one-shot lag keeps nearly all it
// allocates until it exits, so it runs the collector with a higher target
// than Go's default (see oneShotGCPercent), unless GOGC is set: the same
// lag, of 60 topics × 8 partitions and 240 groups, collects at most half
// as often as with GOGC=100, and prints the same.
func TestLagCollectsGarbageLessOften(t *testing.T) {
	fake, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.SeedTopics(8, gcTestTopics()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	brokers := fake.ListenAddrs()
	seedGCTest(t, brokers)
	args := []string{"lag", "-o", "json", "--brokers", strings.Join(brokers, ","), "--base", "gc"}
	lag := func(gogc string) (collections uint32, out string) {
		t.Setenv("GOGC", gogc)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := kgroups(t, args...)
		runtime.ReadMemStats(&after)
		mustSucceed(t, r)
		return after.NumGC - before.NumGC, r.stdout
	}
	lag("") // connections and caches warm up, in the test binary and in kfake
	var tuned, dflt uint32
	var tunedOut, dfltOut string
	for range 5 { // alternately, summed: one run's count is a handful
		n, out := lag("")
		tuned, tunedOut = tuned+n, out
		n, out = lag("100")
		dflt, dfltOut = dflt+n, out
	}
	if tunedOut != dfltOut {
		t.Fatal("lag printed differently with GOGC=100")
	}
	if !strings.Contains(tunedOut, `"oldest_unconsumed": "2024-`) {
		t.Fatalf("no time lag read: the test reads too little\n%.400s", tunedOut)
	}
	t.Logf("collections in 5 runs: %d, with GOGC=100 %d", tuned, dflt)
	if dflt < 8 {
		t.Fatalf("only %d collections with GOGC=100 in 5 runs: the test allocates too little to tell", dflt)
	}
	if 2*tuned > dflt {
		t.Errorf("lag collected %d times in 5 runs, %d with GOGC=100: want at most half as often", tuned, dflt)
	}
}

func gcTestTopics() []string {
	topics := make([]string, 60)
	for i := range topics {
		topics[i] = fmt.Sprintf("t%02d", i)
	}
	return topics
}

// seedGCTest writes 4 records to every partition and commits 4 groups per
// topic under base "gc", at 1, 2, 3 and not at all on odd partitions.
func seedGCTest(t *testing.T, brokers []string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []*kgo.Record
	for _, topic := range gcTestTopics() {
		for p := range int32(8) {
			for i := range 4 {
				recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Value: []byte(`{"i":1}`), Timestamp: t0.Add(time.Duration(i) * time.Second)})
			}
		}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	adm := kadm.NewClient(cl)
	for _, topic := range gcTestTopics() {
		for k, suffix := range []string{"", "-a", "-b", "-c"} {
			var os kadm.Offsets
			for p := range int32(8) {
				if k < 3 || p%2 == 0 {
					os.AddOffset(topic, p, int64(1+k%3), -1)
				}
			}
			if err := adm.CommitAllOffsets(ctx, "gc-"+topic+suffix, os); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestCollectLessOftenWaitsForTheFirstCollection: a one-shot lag does not
// collect until its heap reaches oneShotFirstCollection, and collects at
// oneShotGCPercent after the first collection, with no limit; restoring
// puts the settings back, and a collection after that changes nothing.
func TestCollectLessOftenWaitsForTheFirstCollection(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOGC")
	os.Unsetenv("GOMEMLIMIT")
	settings := func() (percent int, limit int64) {
		percent = debug.SetGCPercent(-1)
		debug.SetGCPercent(percent)
		return percent, debug.SetMemoryLimit(-1)
	}
	percent0, limit0 := settings()

	restore := collectLessOften()
	if p, l := settings(); p != -1 || l != oneShotFirstCollection {
		t.Errorf("before the first collection: GOGC %d, limit %d; want off and %d", p, l, oneShotFirstCollection)
	}
	runtime.GC()
	kafkatest.Eventually(t, 5*time.Second, func() error {
		if p, l := settings(); p != oneShotGCPercent || l != limit0 {
			return fmt.Errorf("after the first collection: GOGC %d, limit %d; want %d and %d", p, l, oneShotGCPercent, limit0)
		}
		return nil
	})
	restore()
	if p, l := settings(); p != percent0 || l != limit0 {
		t.Errorf("restored: GOGC %d, limit %d; want %d and %d", p, l, percent0, limit0)
	}

	// Restored before any collection: the first one must not set the
	// one-shot target afterwards.
	restore = collectLessOften()
	restore()
	runtime.GC()
	runtime.GC()
	time.Sleep(50 * time.Millisecond) // a cleanup runs on its own goroutine
	if p, l := settings(); p != percent0 || l != limit0 {
		t.Errorf("restored before the first collection, then collected: GOGC %d, limit %d; want %d and %d", p, l, percent0, limit0)
	}
}
