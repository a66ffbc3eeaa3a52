package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// fetchLog records the positions the cluster is asked to fetch from, as
// "topic/partition@offset", topics named by ID through names.
type fetchLog struct {
	mu    sync.Mutex
	names map[[16]byte]string
	asked []string
}

// logFetches records every fetch fake answers from now on.
func logFetches(t *testing.T, fake *kfake.Cluster, adm *kadm.Client) *fetchLog {
	t.Helper()
	fl := &fetchLog{}
	fl.learnNames(t, adm)
	fake.ControlKey(int16(kmsg.Fetch), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		req := kreq.(*kmsg.FetchRequest)
		fl.mu.Lock()
		defer fl.mu.Unlock()
		for _, rt := range req.Topics {
			name := rt.Topic
			if name == "" {
				name = fl.names[rt.TopicID]
			}
			for _, rp := range rt.Partitions {
				fl.asked = append(fl.asked, fmt.Sprintf("%s/%d@%d", name, rp.Partition, rp.FetchOffset))
			}
		}
		return nil, nil, false
	})
	return fl
}

// learnNames reads the topic IDs of the cluster again.
func (fl *fetchLog) learnNames(t *testing.T, adm *kadm.Client) {
	t.Helper()
	topics, err := adm.ListTopics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.names = make(map[[16]byte]string)
	for _, td := range topics {
		fl.names[td.ID] = td.Topic
	}
}

// take returns the positions asked since the last take, sorted.
func (fl *fetchLog) take() []string {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	out := fl.asked
	fl.asked = nil
	sort.Strings(out)
	return out
}

func memoSnapshot(t *testing.T, c *kafka.Cluster, memo *kafka.TimeLagMemo) model.Snapshot {
	t.Helper()
	snap, err := c.Snapshot(context.Background(), snapBase, kafka.SnapshotOptions{TimeLagMemo: memo})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// sameFigures fails unless two snapshots show the same groups with the
// same figures, oldest-unconsumed times included, and the same warnings.
func sameFigures(t *testing.T, got, want model.Snapshot) {
	t.Helper()
	if !reflect.DeepEqual(got.Groups, want.Groups) {
		t.Errorf("groups with the memo differ from those without:\n got %+v\nwant %+v", got.Groups, want.Groups)
	}
	if fmt.Sprint(got.Errors) != fmt.Sprint(want.Errors) {
		t.Errorf("warnings with the memo %v, without %v", got.Errors, want.Errors)
	}
}

func oldestOf(t *testing.T, snap model.Snapshot, group string, partition int32) time.Time {
	t.Helper()
	g, ok := snap.Group(group)
	if !ok {
		t.Fatalf("no group %s", group)
	}
	for _, p := range g.Partitions {
		if p.Partition == partition {
			return p.OldestUnconsumed
		}
	}
	t.Fatalf("%s has no partition %d", group, partition)
	return time.Time{}
}

// TestTimeLagMemoFetchesOnlyNewPositions takes snapshot after snapshot with
// one memo: the second fetches nothing, a moved commit and a log start
// moved past commits fetch only the new position, and every snapshot shows
// the figures one taken without the memo shows.
func TestTimeLagMemoFetchesOnlyNewPositions(t *testing.T) {
	fake, brokers := newSnapFixture(t)
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	fetches := logFetches(t, fake, adm)
	c := snapDial(t, brokers, 0)
	memo := kafka.NewTimeLagMemo()

	first := memoSnapshot(t, c, memo)
	sameFigures(t, first, memoSnapshot(t, c, nil))
	if len(first.Errors) > 0 {
		t.Fatalf("item errors: %v", first.Errors)
	}
	if len(fetches.take()) == 0 {
		t.Fatal("the first snapshot fetched nothing: the test reads no timestamp")
	}
	held := memo.Len()
	if held == 0 {
		t.Fatal("the memo remembered nothing")
	}

	again := memoSnapshot(t, c, memo)
	if got := fetches.take(); len(got) > 0 {
		t.Errorf("the second snapshot fetched %v again", got)
	}
	sameFigures(t, again, first)

	// The commit moves from 4 to 6: only orders/0@6 is new.
	snapCommit(t, adm, "svc-orders", map[string]int64{"orders/0": 6})
	moved := memoSnapshot(t, c, memo)
	if got, want := fetches.take(), []string{"orders/0@6"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after the commit moved, fetched %v, want %v", got, want)
	}
	if got := oldestOf(t, moved, "svc-orders", 0); !got.Equal(snapTime(0, 6)) {
		t.Errorf("svc-orders p0: oldest unconsumed %v after the commit moved, want %v", got, snapTime(0, 6))
	}
	if memo.Len() != held {
		t.Errorf("the memo holds %d positions, want the %d the last snapshot wanted", memo.Len(), held)
	}
	sameFigures(t, moved, memoSnapshot(t, c, nil))
	fetches.take()

	// The log start moves to 8, past the commits at 2 (svc-orders-eu) and
	// 6 (svc-orders): both now resume at 8.
	var trim kadm.Offsets
	trim.AddOffset("orders", 0, 8, -1)
	if resp, err := adm.DeleteRecords(context.Background(), trim); err != nil || resp.Error() != nil {
		t.Fatalf("delete records: %v %v", err, resp.Error())
	}
	trimmed := memoSnapshot(t, c, memo)
	if got, want := fetches.take(), []string{"orders/0@8"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after the log start moved, fetched %v, want %v", got, want)
	}
	for _, g := range []string{"svc-orders", "svc-orders-eu"} {
		if got := oldestOf(t, trimmed, g, 0); !got.Equal(snapTime(0, 8)) {
			t.Errorf("%s p0: oldest unconsumed %v after the log start moved, want %v", g, got, snapTime(0, 8))
		}
	}
	if memo.Len() != held-1 { // 3 and 6 became one position, 8
		t.Errorf("the memo holds %d positions, want %d", memo.Len(), held-1)
	}
	sameFigures(t, trimmed, memoSnapshot(t, c, nil))
}

// TestTimeLagMemoRecreatedTopic deletes a topic and creates it again under
// the same name, with records stamped a day later: the group resumes at
// the same offset, and the memo must not answer for the new topic with the
// old record's time.
func TestTimeLagMemoRecreatedTopic(t *testing.T) {
	_, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(1, "orders"))
	snapProduce(t, brokers, "orders", 5)
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	snapCommit(t, adm, "svc-orders", map[string]int64{"orders/0": 2})
	c := snapDial(t, brokers, 0)
	memo := kafka.NewTimeLagMemo()
	if got := oldestOf(t, memoSnapshot(t, c, memo), "svc-orders", 0); !got.Equal(snapTime(0, 2)) {
		t.Fatalf("oldest unconsumed %v, want %v", got, snapTime(0, 2))
	}

	ctx := context.Background()
	if _, err := adm.DeleteTopic(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, "orders"); err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	var recs []*kgo.Record
	for i := range int64(5) {
		recs = append(recs, &kgo.Record{Partition: 0, Value: []byte("again"), Timestamp: snapTime(0, i).Add(day)})
	}
	kafkatest.Produce(t, brokers, "orders", recs...)
	// A new client: the first still knows the old topic ID.
	snapCommit(t, kadm.NewClient(kafkatest.Client(t, brokers)), "svc-orders", map[string]int64{"orders/0": 2})

	// Wait, without the memo, until the cluster shows the new topic, so
	// that no snapshot taken meanwhile empties the memo; then one with it.
	want := snapTime(0, 2).Add(day)
	kafkatest.Eventually(t, 10*time.Second, func() error {
		snap := memoSnapshot(t, c, nil)
		if got := oldestOf(t, snap, "svc-orders", 0); !got.Equal(want) {
			return fmt.Errorf("oldest unconsumed %v on the recreated topic, want %v (errors %v)", got, want, snap.Errors)
		}
		return nil
	})
	if memo.Len() != 1 {
		t.Fatalf("the memo holds %d positions, want the old topic's one", memo.Len())
	}
	snap := memoSnapshot(t, c, memo)
	if got := oldestOf(t, snap, "svc-orders", 0); !got.Equal(want) {
		t.Errorf("oldest unconsumed %v on the recreated topic with the memo, want %v (errors %v)", got, want, snap.Errors)
	}
}

// TestTimeLagMemoForgetsFailedReads fails the fetch, then cuts it off, then
// lets it through: the failures warn as without a memo, and the positions
// they missed are read the next time.
func TestTimeLagMemoForgetsFailedReads(t *testing.T) {
	fake, brokers := newSnapFixture(t)
	const (
		pass int32 = iota
		fail
		swallow
	)
	var mode atomic.Int32
	fake.ControlKey(int16(kmsg.Fetch), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		switch mode.Load() {
		case fail:
			req := kreq.(*kmsg.FetchRequest)
			resp := req.ResponseKind().(*kmsg.FetchResponse)
			resp.SetVersion(req.GetVersion())
			for _, rt := range req.Topics {
				st := kmsg.NewFetchResponseTopic()
				st.Topic, st.TopicID = rt.Topic, rt.TopicID
				for _, rp := range rt.Partitions {
					sp := kmsg.NewFetchResponseTopicPartition()
					sp.Partition = rp.Partition
					sp.ErrorCode = kerr.KafkaStorageError.Code
					st.Partitions = append(st.Partitions, sp)
				}
				resp.Topics = append(resp.Topics, st)
			}
			return resp, nil, true
		case swallow:
			return nil, nil, true // no answer, ever
		}
		return nil, nil, false
	})
	c := snapDial(t, brokers, 0)
	memo := kafka.NewTimeLagMemo()
	ctx := context.Background()
	take := func() model.Snapshot {
		t.Helper()
		snap, err := c.Snapshot(ctx, snapBase, kafka.SnapshotOptions{TimeLagMemo: memo, TimestampTimeout: 300 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	warned := func(snap model.Snapshot, want error) bool {
		for _, e := range snap.Errors {
			if e.Kind == "timestamps" && errors.Is(e.Err, want) {
				return true
			}
		}
		return false
	}

	mode.Store(fail)
	if snap := take(); !warned(snap, kerr.KafkaStorageError) {
		t.Errorf("a failed read gave no timestamps warning: %v", snap.Errors)
	}
	if memo.Len() != 0 {
		t.Errorf("the memo holds %d positions after every read failed", memo.Len())
	}
	mode.Store(swallow)
	if snap := take(); len(snap.Errors) == 0 || !oldestOf(t, snap, "svc-orders", 0).IsZero() {
		t.Errorf("a read cut off: errors %v, svc-orders p0 at %v", snap.Errors, oldestOf(t, snap, "svc-orders", 0))
	}
	if memo.Len() != 0 {
		t.Errorf("the memo holds %d positions after every read was cut off", memo.Len())
	}
	mode.Store(pass)
	snap := take()
	if len(snap.Errors) > 0 {
		t.Errorf("the read after the failures warns: %v", snap.Errors)
	}
	if got := oldestOf(t, snap, "svc-orders", 0); !got.Equal(snapTime(0, 4)) {
		t.Errorf("svc-orders p0: oldest unconsumed %v once reads pass, want %v", got, snapTime(0, 4))
	}
	sameFigures(t, snap, memoSnapshot(t, c, nil))
}

// TestTimeLagMemoRereadsOldPositions keeps the memo over many snapshots:
// the record at a remembered position can be compacted away, so each
// position is read again after a while, but never on the very next
// snapshot.
func TestTimeLagMemoRereadsOldPositions(t *testing.T) {
	const after = 3
	defer kafka.SetMemoRereadAfter(after)()
	fake, brokers := newSnapFixture(t)
	fetches := logFetches(t, fake, kadm.NewClient(kafkatest.Client(t, brokers)))
	c := snapDial(t, brokers, 0)
	memo := kafka.NewTimeLagMemo()

	memoSnapshot(t, c, memo)
	positions := fetches.take()
	if len(positions) == 0 {
		t.Fatal("the first snapshot fetched nothing")
	}
	memoSnapshot(t, c, memo)
	if got := fetches.take(); len(got) > 0 {
		t.Errorf("the next snapshot fetched %v again", got)
	}
	reread := map[string]bool{}
	for range 2 * after {
		snap := memoSnapshot(t, c, memo)
		if len(snap.Errors) > 0 {
			t.Fatalf("item errors: %v", snap.Errors)
		}
		for _, p := range fetches.take() {
			reread[p] = true
		}
	}
	for _, p := range positions {
		if !reread[p] {
			t.Errorf("%s was not read again in %d snapshots", p, 2*after)
		}
	}
}

// TestTimeLagMemoSpreadsRereads remembers 64 positions read at once and
// expects their re-reads spread over later snapshots, not all in one: a
// memo must not turn into a periodic spike of the full read.
func TestTimeLagMemoSpreadsRereads(t *testing.T) {
	const (
		after      = 8
		partitions = 64
	)
	defer kafka.SetMemoRereadAfter(after)()
	fake, brokers := kafkatest.NewCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(partitions, "wide"))
	n := make([]int, partitions)
	for i := range n {
		n[i] = 1
	}
	snapProduce(t, brokers, "wide", n...)
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	offs := map[string]int64{}
	for p := range partitions {
		offs[fmt.Sprintf("wide/%d", p)] = 0
	}
	// Committed at 0: one record to go on every partition.
	snapCommit(t, adm, "svc-wide", offs)
	fetches := logFetches(t, fake, adm)
	c := snapDial(t, brokers, 0)
	memo := kafka.NewTimeLagMemo()

	memoSnapshot(t, c, memo)
	if got := len(fetches.take()); got != partitions {
		t.Fatalf("the first snapshot fetched %d positions, want %d", got, partitions)
	}
	reread := map[string]int{}
	most := 0
	for range 2 * after {
		memoSnapshot(t, c, memo)
		got := fetches.take()
		most = max(most, len(got))
		for _, p := range got {
			reread[p]++
		}
	}
	if len(reread) != partitions {
		t.Errorf("%d of %d positions read again within %d snapshots", len(reread), partitions, 2*after)
	}
	if most > partitions/2 {
		t.Errorf("one snapshot read %d of the %d positions again: the re-reads are not spread", most, partitions)
	}
}
