package kafka_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// histT0 is the test's clock at the first sample. Samples are 5 s apart on
// this clock, whatever the wall clock does, and records carry timestamps on
// it, so rates, catch-up and time lag are exact.
var histT0 = time.Date(2026, 2, 3, 4, 0, 0, 0, time.UTC)

const histStep = 5 * time.Second

// histWorld is one partition of topic "orders", a producer stamping records
// on the test's clock, and a group member of "svc-orders" that commits only
// when the test tells it to consume.
type histWorld struct {
	t        *testing.T
	cluster  *kafka.Cluster
	producer *kgo.Client
	member   *kgo.Client
	leave    func()
	history  *model.History
	cfg      model.EvalConfig
	produced int64
	step     int
}

const (
	histBase  = "svc"
	histTopic = "orders"
	histGroup = "svc-orders"
)

func newHistWorld(t *testing.T) *histWorld {
	t.Helper()
	_, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(1, histTopic))
	w := &histWorld{
		t:        t,
		cluster:  snapDial(t, brokers, 10*time.Second),
		producer: kafkatest.Client(t, brokers, kgo.DefaultProduceTopic(histTopic)),
		history:  model.NewHistory(model.DefaultHistoryCapacity),
		// A window of three samples: statuses change within a few steps.
		cfg: model.EvalConfig{Window: 2 * histStep, MinSamples: 3},
	}
	member, err := kgo.NewClient(
		kgo.SeedBrokers(brokers...),
		kgo.ClientID("orders-service"),
		kgo.ConsumerGroup(histGroup),
		kgo.ConsumeTopics(histTopic),
		kgo.DisableAutoCommit(),
		kgo.FetchMaxWait(100*time.Millisecond),
		kgo.HeartbeatInterval(100*time.Millisecond),
	)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	w.member, w.leave = member, func() { once.Do(member.Close) }
	t.Cleanup(w.leave)
	return w
}

func (w *histWorld) now() time.Time { return histT0.Add(time.Duration(w.step) * histStep) }

func (w *histWorld) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	w.t.Cleanup(cancel)
	return ctx
}

// produce appends n records stamped with the test's clock.
func (w *histWorld) produce(n int) {
	w.t.Helper()
	recs := make([]*kgo.Record, n)
	for i := range recs {
		recs[i] = &kgo.Record{Value: fmt.Appendf(nil, "order %d", w.produced+int64(i)), Timestamp: w.now()}
	}
	if err := w.producer.ProduceSync(w.ctx(), recs...).FirstErr(); err != nil {
		w.t.Fatalf("produce: %v", err)
	}
	w.produced += int64(n)
}

// consume reads exactly n records as the group member and commits them.
func (w *histWorld) consume(n int) {
	w.t.Helper()
	ctx := w.ctx()
	var got []*kgo.Record
	for len(got) < n {
		fs := w.member.PollRecords(ctx, n-len(got))
		if err := ctx.Err(); err != nil {
			w.t.Fatalf("consumed %d of %d records: %v", len(got), n, err)
		}
		fs.EachError(func(topic string, p int32, err error) { w.t.Fatalf("fetch %s/%d: %v", topic, p, err) })
		got = append(got, fs.Records()...)
	}
	if err := w.member.CommitRecords(ctx, got...); err != nil {
		w.t.Fatalf("commit: %v", err)
	}
}

// snapshot reads the group once, on the wall clock.
func (w *histWorld) snapshot() (model.Snapshot, model.Group) {
	w.t.Helper()
	snap, err := w.cluster.Snapshot(w.ctx(), histBase, kafka.SnapshotOptions{Topic: histTopic})
	if err != nil {
		w.t.Fatalf("snapshot: %v", err)
	}
	for _, g := range snap.Groups {
		if g.ID == histGroup {
			return snap, g
		}
	}
	return snap, model.Group{}
}

// waitMembers takes snapshots (not fed to the history) until the group
// shows n members.
func (w *histWorld) waitMembers(n int) {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, g := w.snapshot()
		if len(g.Members) == n && (n == 0 || g.State == "Stable") {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("group %s: state %q with %d members, want %d", histGroup, g.State, len(g.Members), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sample takes a snapshot at the current step of the test's clock, feeds
// the history, checks the members and moves the clock one step on.
func (w *histWorld) sample(members int) model.GroupEvaluation {
	w.t.Helper()
	snap, g := w.snapshot()
	if g.ID == "" || g.Err != nil {
		w.t.Fatalf("step %d: group %s missing or failed: %v", w.step, histGroup, g.Err)
	}
	if len(g.Members) != members {
		w.t.Fatalf("step %d: %d members, want %d", w.step, len(g.Members), members)
	}
	snap.TakenAt = w.now()
	w.history.Observe(snap)
	w.step++
	return w.history.EvaluateGroup(histGroup, w.cfg)
}

// TestHistoryStatusFollowsAConsumer runs a producer and a consumer at known
// rates per 5 s step and checks the status a user would see at every step:
// CATCHING UP then OK as the consumer catches up, FALLING BEHIND when the
// producer outpaces it, STALLED when the still-joined member stops
// committing, STOPPED once it leaves.
func TestHistoryStatusFollowsAConsumer(t *testing.T) {
	t.Parallel()
	w := newHistWorld(t)
	w.produce(50)
	w.waitMembers(1)

	type step struct {
		name             string
		produce, consume int
		leave            bool
		members          int
		lag              int64
		want             model.Status
	}
	steps := []step{
		{name: "backlog, nothing committed yet", members: 1, lag: 50, want: model.StatusUnknown},
		{name: "consume 30, produce 10", produce: 10, consume: 30, members: 1, lag: 30, want: model.StatusUnknown},
		{name: "consume 30, produce 10 again", produce: 10, consume: 30, members: 1, lag: 10, want: model.StatusCatchingUp},
		{name: "caught up", produce: 10, consume: 20, members: 1, lag: 0, want: model.StatusOK},
		{name: "keeping pace", produce: 10, consume: 10, members: 1, lag: 0, want: model.StatusOK},
		{name: "producer doubles, lag 0 still in the window", produce: 20, consume: 10, members: 1, lag: 10, want: model.StatusOK},
		{name: "lag 0 leaving the window", produce: 20, consume: 10, members: 1, lag: 20, want: model.StatusOK},
		{name: "lag only grows while commits advance", produce: 20, consume: 10, members: 1, lag: 30, want: model.StatusFallingBehind},
		{name: "member stops committing", produce: 10, members: 1, lag: 40, want: model.StatusFallingBehind},
		{name: "no commit over the window, member joined", produce: 10, members: 1, lag: 50, want: model.StatusStalled},
		{name: "member left", leave: true, members: 0, lag: 50, want: model.StatusStopped},
	}
	var got []string
	evs := make([]model.GroupEvaluation, 0, len(steps))
	for _, s := range steps {
		if s.produce > 0 {
			w.produce(s.produce)
		}
		if s.consume > 0 {
			w.consume(s.consume)
		}
		if s.leave {
			w.leave()
			w.waitMembers(0)
		}
		ev := w.sample(s.members)
		evs = append(evs, ev)
		got = append(got, ev.Status.String())
		if ev.Lag != s.lag || ev.Status != s.want {
			t.Errorf("step %d (%s): %v with lag %d, want %v with lag %d", len(evs)-1, s.name, ev.Status, ev.Lag, s.want, s.lag)
		}
	}
	t.Logf("statuses: %s", strings.Join(got, ", "))

	// Step 2: 60 records committed and 20 produced in 10 s, 10 left.
	if ev := evs[2]; ev.ConsumeRate != 6 || ev.ProduceRate != 2 || ev.CatchUp != 2500*time.Millisecond || ev.LagDelta != -40 {
		t.Errorf("step 2: consume %v/s produce %v/s catch up %v lag delta %d; want 6, 2, 2.5s, -40",
			ev.ConsumeRate, ev.ProduceRate, ev.CatchUp, ev.LagDelta)
	}
	// Step 7: 2/s consumed against 4/s produced never catches up.
	if ev := evs[7]; !ev.CatchUpNever || ev.ConsumeRate != 2 || ev.ProduceRate != 4 {
		t.Errorf("step 7: consume %v/s produce %v/s never=%v; want 2, 4, never", ev.ConsumeRate, ev.ProduceRate, ev.CatchUpNever)
	}
	// While stalled the oldest unconsumed record stays the same, so the time
	// lag grows by exactly one step per sample. It was produced at step 6.
	if a, b := evs[9].TimeLag, evs[10].TimeLag; a != 3*histStep || b != 4*histStep {
		t.Errorf("time lag %v then %v while stopped, want %v then %v", a, b, 3*histStep, 4*histStep)
	}
}

// TestHistoryStaysBoundedOnRealSnapshots feeds one real snapshot many times
// on an advancing clock: the history keeps its capacity and still evaluates.
func TestHistoryStaysBoundedOnRealSnapshots(t *testing.T) {
	t.Parallel()
	w := newHistWorld(t)
	w.produce(20)
	w.waitMembers(1)
	w.consume(5)
	snap, _ := w.snapshot()
	const capacity = 16
	h := model.NewHistory(capacity)
	for i := range 5000 {
		snap.TakenAt = histT0.Add(time.Duration(i) * time.Second)
		h.Observe(snap)
	}
	if n := len(h.PartitionSamples(histGroup, 0)); n != capacity {
		t.Fatalf("kept %d samples after 5000, want %d", n, capacity)
	}
	if gs := h.GroupSamples(histGroup); len(gs) != capacity {
		t.Fatalf("group samples %d, want %d", len(gs), capacity)
	}
	ev := h.EvaluateGroup(histGroup, model.EvalConfig{Window: time.Minute, MinSamples: 3})
	if ev.Status != model.StatusStalled || ev.Lag != 15 {
		t.Fatalf("status %v lag %d, want STALLED with 15", ev.Status, ev.Lag)
	}
}
