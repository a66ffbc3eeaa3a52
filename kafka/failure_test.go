package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// failureFixture is a cluster with topic "orders" (6 partitions, 10 records
// each) and groups under base "svc" that committed 4 on every partition, so
// every group's lag is 36.
type failureFixture struct {
	kc      *kfake.Cluster
	brokers []string
	groups  []string
}

const (
	failureBase       = "svc"
	failurePartitions = 6
	failureLag        = failurePartitions * (10 - 4)
)

func newFailureFixture(t *testing.T, opts ...kfake.Opt) failureFixture {
	t.Helper()
	kc, brokers := kafkatest.NewCluster(t, append([]kfake.Opt{kfake.SeedTopics(failurePartitions, "orders")}, opts...)...)
	var recs []*kgo.Record
	for p := range int32(failurePartitions) {
		recs = append(recs, kafkatest.Values(p, 10, func(i int) string { return strconv.Itoa(i) })...)
	}
	kafkatest.Produce(t, brokers, "orders", recs...)
	f := failureFixture{kc: kc, brokers: brokers,
		groups: []string{"svc-orders", "svc-orders-full-index", "svc-orders-incremental", "svc-orders-audit"}}
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	for _, g := range f.groups {
		var offs kadm.Offsets
		for p := range int32(failurePartitions) {
			offs.AddOffset("orders", p, 4, -1)
		}
		if err := adm.CommitAllOffsets(context.Background(), g, offs); err != nil {
			t.Fatalf("commit %s: %v", g, err)
		}
	}
	return f
}

// outcome is one snapshot taken while the cluster misbehaves.
type outcome struct {
	snap model.Snapshot
	err  error
}

// complete reports whether o shows every group with its true lag and no
// error at all: the cluster is fully back.
func (f failureFixture) complete(o outcome, wantBrokers int) bool {
	if o.err != nil || len(o.snap.Errors) > 0 || o.snap.Brokers != wantBrokers || len(o.snap.Groups) != len(f.groups) {
		return false
	}
	for _, g := range o.snap.Groups {
		if g.Err != nil || g.Lag != failureLag {
			return false
		}
	}
	return true
}

// honest checks the promise a degraded snapshot keeps: whatever it shows
// is right or flagged. A group is either missing with an error reported, or
// shows its true lag, or carries an error; a partition shows the true
// offsets or carries an error.
func (f failureFixture) honest(t *testing.T, o outcome) {
	t.Helper()
	if o.err != nil {
		return // a failed snapshot says so; the TUI keeps the last good one
	}
	byID := map[string]model.Group{}
	for _, g := range o.snap.Groups {
		byID[g.ID] = g
	}
	for _, id := range f.groups {
		g, ok := byID[id]
		switch {
		case !ok && len(o.snap.Errors) == 0:
			t.Errorf("group %s silently missing from a snapshot without errors", id)
		case !ok:
		case g.Err == nil && g.Lag != failureLag:
			// Partitions with their own error may leave lag uncounted.
			flagged := false
			for _, p := range g.Partitions {
				flagged = flagged || p.Err != nil
			}
			if !flagged {
				t.Errorf("group %s shows lag %d without any error, want %d", id, g.Lag, failureLag)
			}
		}
	}
	for _, tp := range o.snap.Topics {
		if tp.Name != "orders" || tp.Err != nil {
			continue
		}
		for _, p := range tp.Partitions {
			if p.Err == nil && p.End != 10 {
				t.Errorf("orders/%d shows end %d without an error, want 10", p.Partition, p.End)
			}
		}
	}
}

// boundedSnapshot takes a snapshot under a deadline and fails the test if
// Snapshot does not return soon after it: a hang is the bug to catch.
func boundedSnapshot(t *testing.T, c *Cluster, deadline time.Duration) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	done := make(chan outcome, 1)
	go func() {
		snap, err := c.Snapshot(ctx, failureBase, SnapshotOptions{TimestampTimeout: deadline / 4})
		done <- outcome{snap, err}
	}()
	select {
	case o := <-done:
		return o
	case <-time.After(deadline + 10*time.Second):
		t.Fatalf("Snapshot hung past its %s deadline", deadline)
		return outcome{}
	}
}

// brokerPorts maps node ids to listening ports, from the cluster's metadata.
func brokerPorts(t *testing.T, brokers []string) map[int32]int {
	t.Helper()
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	details, err := adm.ListBrokers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int{}
	for _, d := range details {
		out[d.NodeID] = int(d.Port)
	}
	return out
}

// TestSnapshotSurvivesBrokerLoss removes the coordinator of the groups
// while a snapshot loop runs, then adds it back: no snapshot hangs, every
// snapshot is honest about what it could not read, and the loop returns to
// complete data without a new connection.
func TestSnapshotSurvivesBrokerLoss(t *testing.T) {
	f := newFailureFixture(t)
	ports := brokerPorts(t, f.brokers)
	victim := f.kc.CoordinatorFor("svc-orders")
	c, err := Dial(context.Background(), Config{Brokers: f.brokers, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	var (
		mu       sync.Mutex
		outcomes []outcome
		stop     = make(chan struct{})
		loopDone = make(chan struct{})
		stopOnce sync.Once
	)
	stopLoop := func() { stopOnce.Do(func() { close(stop) }); <-loopDone }
	go func() { // the snapshot loop, as the TUI's refresh runs it
		defer close(loopDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			o := boundedSnapshot(t, c, 4*time.Second)
			mu.Lock()
			outcomes = append(outcomes, o)
			mu.Unlock()
		}
	}()
	defer stopLoop()

	// waitFor polls the loop's snapshots from index from on until cond
	// holds for one, returning the index after it.
	waitFor := func(what string, from int, cond func(outcome) bool) int {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			seen := outcomes[min(from, len(outcomes)):]
			n := len(outcomes)
			mu.Unlock()
			for _, o := range seen {
				if cond(o) {
					return n
				}
			}
			from = n
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("no snapshot %s within 30s", what)
		return 0
	}

	next := waitFor("complete before the loss", 0, func(o outcome) bool { return f.complete(o, 3) })
	if err := f.kc.RemoveNode(victim); err != nil {
		t.Fatal(err)
	}
	next = waitFor("complete with two brokers", next, func(o outcome) bool { return f.complete(o, 2) })
	if _, _, err := f.kc.AddNode(victim, ports[victim]); err != nil {
		t.Fatal(err)
	}
	waitFor("complete with the broker back", next, func(o outcome) bool { return f.complete(o, 3) })

	stopLoop()

	degraded := 0
	for _, o := range outcomes {
		f.honest(t, o)
		if o.err != nil || len(o.snap.Errors) > 0 {
			degraded++
		}
	}
	t.Logf("%d snapshots, %d degraded", len(outcomes), degraded)
}

// TestSnapshotPartialWhileNodeFails injects errors on one broker for the
// requests a snapshot makes there: the groups it coordinates and the
// partitions it leads carry errors, everything else shows, and the next
// snapshot after the fault ends is complete.
func TestSnapshotPartialWhileNodeFails(t *testing.T) {
	f := newFailureFixture(t)
	c, err := Dial(context.Background(), Config{Brokers: f.brokers, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sick := f.kc.CoordinatorFor("svc-orders")

	fault := f.kc.Fault(kfake.Fault{
		Nodes: []int32{sick},
		Keys:  []kmsg.Key{kmsg.ListOffsets, kmsg.OffsetFetch, kmsg.DescribeGroups},
		Err:   kerr.UnknownServerError,
		Count: -1,
	})
	o := boundedSnapshot(t, c, 4*time.Second)
	if o.err != nil {
		t.Fatalf("one sick broker failed the whole snapshot: %v", o.err)
	}
	f.honest(t, o)

	sickGroups, sickParts := 0, 0
	for _, g := range o.snap.Groups {
		coordinator := f.kc.CoordinatorFor(g.ID)
		switch {
		case coordinator == sick && !errors.Is(g.Err, kerr.UnknownServerError):
			t.Errorf("group %s on the sick broker: Err = %v, want its error", g.ID, g.Err)
		case coordinator != sick && g.Err != nil:
			t.Errorf("group %s on a healthy broker: Err = %v", g.ID, g.Err)
		case coordinator == sick:
			sickGroups++
		}
	}
	for _, tp := range o.snap.Topics {
		if tp.Name != "orders" {
			continue
		}
		for _, p := range tp.Partitions {
			onSick := f.kc.LeaderFor("orders", p.Partition) == sick
			switch {
			case onSick && p.Err == nil:
				t.Errorf("orders/%d led by the sick broker has no error", p.Partition)
			case !onSick && p.Err != nil:
				t.Errorf("orders/%d led by a healthy broker: %v", p.Partition, p.Err)
			case onSick:
				sickParts++
			}
		}
	}
	if sickGroups == 0 || len(o.snap.Errors) == 0 {
		t.Errorf("the fault touched nothing (groups %d, partitions %d, errors %v)", sickGroups, sickParts, o.snap.Errors)
	}

	fault.Remove()
	if o := boundedSnapshot(t, c, 4*time.Second); !f.complete(o, 3) {
		t.Errorf("snapshot after the fault ended is not complete: err %v, errors %v", o.err, o.snap.Errors)
	}
}

// TestClusterComesBack covers a cluster that is down when kgroups starts
// and one that goes away under a running session: Dial and Snapshot fail
// within their bounds naming the brokers, and succeed again once the
// cluster listens on the same addresses, with no new Cluster needed for the
// session.
func TestClusterComesBack(t *testing.T) {
	ports := make([]int, 3)
	addrs := make([]string, 3)
	for i := range ports {
		addrs[i] = closedPort(t)
		_, p, _ := net.SplitHostPort(addrs[i])
		ports[i], _ = strconv.Atoi(p)
	}

	_, err := dialBounded(t, Config{Brokers: addrs, Timeout: 500 * time.Millisecond})
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) {
		t.Fatalf("Dial to a down cluster = %v, want *UnreachableError", err)
	}

	start := func() *kfake.Cluster {
		kc, err := kfake.NewCluster(kfake.Ports(ports...), kfake.SeedTopics(2, "orders"))
		if err != nil {
			t.Skipf("cannot listen on the chosen loopback ports again: %v", err)
		}
		return kc
	}
	kc := start()
	c, err := dialBounded(t, Config{Brokers: addrs, Timeout: 500 * time.Millisecond})
	if err != nil {
		kc.Close()
		t.Fatalf("Dial after the cluster came up: %v", err)
	}
	if o := boundedSnapshot(t, c, 2*time.Second); o.err != nil {
		t.Fatalf("first snapshot: %v", o.err)
	}

	kc.Close()
	o := boundedSnapshot(t, c, 2*time.Second)
	if o.err == nil {
		t.Fatalf("snapshot of a stopped cluster succeeded: %+v", o.snap)
	}
	if msg := o.err.Error(); !containsAny(msg, addrs) {
		t.Errorf("snapshot error %q names no broker", msg)
	}

	kc = start()
	defer kc.Close()
	kafkatest.Eventually(t, 20*time.Second, func() error {
		if o := boundedSnapshot(t, c, 2*time.Second); o.err != nil || len(o.snap.Topics) != 1 {
			return fmt.Errorf("the session did not recover after the cluster came back: %v", o.err)
		}
		return nil
	})
}
