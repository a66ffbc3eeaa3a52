package cli

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
)

// countFetchedPartitions counts the partitions f's cluster is asked to
// fetch from.
func countFetchedPartitions(f *opsFixture) *atomic.Int32 {
	var n atomic.Int32
	f.cluster.ControlKey(int16(kmsg.Fetch), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		for _, rt := range kreq.(*kmsg.FetchRequest).Topics {
			n.Add(int32(len(rt.Partitions)))
		}
		return nil, nil, false
	})
	return &n
}

// TestSamplingReadsEachTimeLagOnce runs lag --watch and lag --check
// --fail-on, which take several samples of groups that do not move: the
// records at the groups' positions (b-events at 4 and 6,
// b-events-full-index at 9 on partition 0) are fetched for the first
// sample only, and every sample still knows the time lag.
func TestSamplingReadsEachTimeLagOnce(t *testing.T) {
	f := newOpsFixture(t)
	fetched := countFetchedPartitions(f)

	r := kgroupsNoWait(t, "lag", "--watch", "--interval", "10ms", "--count", "4", "-o", "json",
		"--brokers", f.brokers, "--base", opsBase)
	mustSucceed(t, r)
	lines := parseWatchLines(t, r.stdout)
	if len(lines) != 4 {
		t.Fatalf("%d samples, want 4:\n%s", len(lines), r.stdout)
	}
	for i, l := range lines {
		for _, g := range l.Groups {
			if g.Group == opsDefault && g.TimeLagSeconds <= 0 {
				t.Errorf("sample %d: %s shows no time lag", i+1, g.Group)
			}
		}
	}
	if n := fetched.Swap(0); n != 2 {
		t.Errorf("lag --watch fetched %d partitions over 4 samples, want the 2 lagging once", n)
	}

	r = kgroupsNoWait(t, "lag", "--check", "--max-time-lag", "6s", "--fail-on", "STALLED",
		"--window", "3s", "--interval", "1s", "--brokers", f.brokers, "--base", opsBase)
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if n := fetched.Swap(0); n != 2 {
		t.Errorf("lag --check --fail-on fetched %d partitions over 4 samples, want the 2 lagging once", n)
	}
}

// TestSamplingForgetsTimeLagsAfterAFailedSample keeps the memo from sample
// to sample, and starts a new one after a sample that failed as a whole:
// the cluster answering after a failure may be another one.
func TestSamplingForgetsTimeLagsAfterAFailedSample(t *testing.T) {
	r := &rememberTimeLags{}
	first := r.options(kafka.SnapshotOptions{Topic: "orders"})
	if first.TimeLagMemo == nil || first.Topic != "orders" {
		t.Fatalf("options %+v: no memo, or the topic lost", first)
	}
	r.taken(nil)
	if next := r.options(kafka.SnapshotOptions{}); next.TimeLagMemo != first.TimeLagMemo {
		t.Error("a new memo after a sample that succeeded")
	}
	r.taken(errors.New("connection refused"))
	if next := r.options(kafka.SnapshotOptions{}); next.TimeLagMemo == first.TimeLagMemo || next.TimeLagMemo == nil {
		t.Error("the memo kept after a sample that failed")
	}
	var none *rememberTimeLags
	if opt := none.options(kafka.SnapshotOptions{}); opt.TimeLagMemo != nil {
		t.Error("a one-shot check remembers time lags")
	}
	none.taken(errors.New("no panic"))
}
