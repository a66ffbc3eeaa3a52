package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
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

const regBase = "my-batch-consumer"

// regFixture is a kfake cluster with topics seeded, an admin client and a
// registry under regBase.
type regFixture struct {
	kc      *kfake.Cluster
	brokers []string
	adm     *kadm.Client
	reg     *kafka.Registry
}

// regConfig keeps heartbeats short so that rebalances between members of
// one group (the key collision case, forced joins) settle quickly.
func regConfig(brokers []string) kafka.Config {
	return kafka.Config{
		Brokers: brokers,
		Timeout: 10 * time.Second,
		Extra:   []kgo.Opt{kgo.HeartbeatInterval(100 * time.Millisecond)},
	}
}

func newRegFixture(t testing.TB, partitions int32, topics []string, opts ...kafka.RegistryOption) *regFixture {
	t.Helper()
	kc, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(partitions, topics...))
	reg, err := kafka.NewRegistry(regBase, regConfig(brokers), opts...)
	if err != nil {
		t.Fatalf("NewRegistry: %v", err)
	}
	t.Cleanup(reg.Close)
	return &regFixture{kc: kc, brokers: brokers, adm: kadm.NewClient(kafkatest.Client(t, brokers)), reg: reg}
}

func regCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// produce writes n JSON records {"p":P,"i":I} to each given partition.
func (f *regFixture) produce(t testing.TB, topic string, counts map[int32]int) {
	t.Helper()
	var recs []*kgo.Record
	for p, n := range counts {
		recs = append(recs, kafkatest.Values(p, n, func(i int) string { return fmt.Sprintf(`{"p":%d,"i":%d}`, p, i) })...)
	}
	if len(recs) > 0 {
		kafkatest.Produce(t, f.brokers, topic, recs...)
	}
}

// committedOffsets returns the group's commits on topic.
func (f *regFixture) committedOffsets(t testing.TB, group, topic string) map[int32]int64 {
	t.Helper()
	resp, err := f.adm.FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatalf("fetch offsets of %s: %v", group, err)
	}
	out := map[int32]int64{}
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Topic == topic && o.Err == nil && o.At >= 0 {
			out[o.Partition] = o.At
		}
	})
	return out
}

// endOffsets returns the high watermarks of topic.
func (f *regFixture) endOffsets(t testing.TB, topic string) map[int32]int64 {
	t.Helper()
	ends, err := f.adm.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatalf("list end offsets of %s: %v", topic, err)
	}
	out := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) { out[o.Partition] = o.Offset })
	return out
}

func (f *regFixture) groupState(t testing.TB, group string) (string, []model.Member) {
	t.Helper()
	cl, err := kafka.Dial(context.Background(), kafka.Config{Brokers: f.brokers})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer cl.Close()
	state, members, err := cl.LiveMembers(context.Background(), group)
	if err != nil {
		t.Fatalf("LiveMembers(%s): %v", group, err)
	}
	return state, members
}

// liveMember joins group on topic with a plain kgo consumer, the way a
// running service would, and waits until the group lists it.
func (f *regFixture) liveMember(t testing.TB, group, topic string) *kgo.Client {
	t.Helper()
	cl := kafkatest.Client(t, f.brokers,
		kgo.ClientID("live-service"),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.HeartbeatInterval(100*time.Millisecond),
	)
	deadline := time.Now().Add(20 * time.Second)
	for {
		state, members := f.groupState(t, group)
		if state == "Stable" && len(members) == 1 {
			return cl
		}
		if time.Now().After(deadline) {
			t.Fatalf("live member never joined %s: state %s, %d members", group, state, len(members))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func offsetsOf(recs []model.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = fmt.Sprintf("%s/%d@%d", r.Topic, r.Partition, r.Offset)
	}
	return out
}

func TestRegistryReusesConsumerPerKey(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 2, []string{"orders"})
	f.produce(t, "orders", map[int32]int{0: 5, 1: 5})
	ctx := regCtx(t)

	var memberID string
	for i := range 3 {
		if _, err := f.reg.ConsumeMessages(ctx, "orders", 3); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if got := f.reg.Len(); got != 1 {
			t.Fatalf("after call %d on one key: Len %d, want 1", i, got)
		}
		_, members := f.groupState(t, regBase+"-orders")
		if len(members) != 1 {
			t.Fatalf("call %d: group has %d members, want 1", i, len(members))
		}
		if i == 0 {
			memberID = members[0].ID
		} else if members[0].ID != memberID {
			t.Fatalf("call %d: member %s, want the cached member %s", i, members[0].ID, memberID)
		}
	}
	if _, err := f.reg.ConsumeMessagesWithGroup(ctx, "orders", 3, "full-index"); err != nil {
		t.Fatal(err)
	}
	if got := f.reg.Len(); got != 2 {
		t.Fatalf("after a second key: Len %d, want 2", got)
	}
	// An empty suffix is the default group's key, not a third consumer.
	if _, err := f.reg.ConsumeMessagesWithGroup(ctx, "orders", 3, ""); err != nil {
		t.Fatal(err)
	}
	if got := f.reg.Len(); got != 2 {
		t.Fatalf("empty suffix: Len %d, want 2", got)
	}
}

func TestRegistryKeysTopicAndSuffixApart(t *testing.T) {
	t.Parallel()
	// Topic "a-b" with the default group and topic "a" with suffix "b" both
	// map to the group id base-a-b: a joined-string cache key would hand
	// the second call the first consumer, reading topic "a-b".
	f := newRegFixture(t, 1, []string{"a-b", "a"})
	f.produce(t, "a-b", map[int32]int{0: 7})
	f.produce(t, "a", map[int32]int{0: 3})
	ctx := regCtx(t)

	fromAB, err := f.reg.ConsumeMessages(ctx, "a-b", 5)
	if err != nil {
		t.Fatal(err)
	}
	fromA, err := f.reg.ConsumeMessagesWithGroup(ctx, "a", 5, "b")
	if err != nil {
		t.Fatalf("second key on the same group id: %v", err)
	}
	if f.reg.Len() != 2 {
		t.Fatalf("Len %d, want 2 consumers", f.reg.Len())
	}
	for _, c := range []struct {
		topic string
		recs  []model.Record
		want  int
	}{{"a-b", fromAB, 5}, {"a", fromA, 3}} {
		if len(c.recs) != c.want {
			t.Errorf("%s: %d records (%v), want %d", c.topic, len(c.recs), offsetsOf(c.recs), c.want)
		}
		for _, r := range c.recs {
			if r.Topic != c.topic {
				t.Errorf("call for topic %s returned a record of %s", c.topic, r.Topic)
			}
		}
	}
	group := regBase + "-a-b"
	if got := f.committedOffsets(t, group, "a-b"); got[0] != 5 {
		t.Errorf("offset on a-b: %v, want 5", got)
	}
	if got := f.committedOffsets(t, group, "a"); got[0] != 3 {
		t.Errorf("offset on a: %v, want 3", got)
	}
	// Each key goes on from its own offset.
	more, err := f.reg.ConsumeMessages(ctx, "a-b", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(more) != 2 || more[0].Offset != 5 {
		t.Errorf("next a-b batch %v, want offsets 5 and 6", offsetsOf(more))
	}
}

func TestRegistryEvictsLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 1, []string{"events"}, kafka.WithMaxConsumers(2))
	f.produce(t, "events", map[int32]int{0: 3})
	ctx := regCtx(t)

	for _, suffix := range []string{"one", "two", "one", "three"} {
		if _, err := f.reg.ConsumeMessagesWithGroup(ctx, "events", 1, suffix); err != nil {
			t.Fatalf("suffix %s: %v", suffix, err)
		}
	}
	if got := f.reg.Len(); got != 2 {
		t.Fatalf("Len %d, want the bound 2", got)
	}
	for _, c := range []struct{ suffix, state string }{
		{"one", "Stable"}, {"two", "Empty"}, {"three", "Stable"},
	} {
		state, members := f.groupState(t, regBase+"-events-"+c.suffix)
		if state != c.state {
			t.Errorf("group %s: state %s with %d members, want %s", c.suffix, state, len(members), c.state)
		}
	}
	// The evicted group kept its offset and a new consumer resumes there.
	recs, err := f.reg.ConsumeMessagesWithGroup(ctx, "events", 5, "two")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Offset != 1 {
		t.Errorf("after eviction: %v, want offsets 1 and 2", offsetsOf(recs))
	}
}

func TestRegistryCaughtUpReturnsEmptyAtOnce(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 3, []string{"spent"})
	// Partition 2 stays empty: it must not hold the call up either.
	f.produce(t, "spent", map[int32]int{0: 4, 1: 6})
	ctx := regCtx(t)

	recs, err := f.reg.ConsumeMessages(ctx, "spent", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 10 {
		t.Fatalf("first batch: %d records, want all 10", len(recs))
	}
	// The registry waits out an idle poll for 3 s before giving up; a
	// caught-up call that polled at all would hit this deadline first.
	for i := range 3 {
		short, cancel := context.WithTimeout(ctx, 2*time.Second)
		recs, err = f.reg.ConsumeMessages(short, "spent", 100)
		cancel()
		if err != nil || len(recs) != 0 {
			t.Fatalf("caught-up call %d: %d records, err %v; want an empty batch at once", i, len(recs), err)
		}
	}
}

func TestRegistryCommitsPastTransactionMarkers(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 1, []string{"txn"})
	ctx := regCtx(t)
	producer := kafkatest.Client(t, f.brokers, kgo.TransactionalID("seed"), kgo.DefaultProduceTopic("txn"))
	for range 2 {
		if err := producer.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if err := producer.ProduceSync(ctx, &kgo.Record{Value: fmt.Appendf(nil, `{"i":%d}`, i)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := producer.EndTransaction(ctx, kgo.TryCommit); err != nil {
			t.Fatal(err)
		}
	}
	end := waitEnd(t, f, "txn", 0, 8) // 6 records and 2 commit markers

	recs, err := f.reg.ConsumeMessages(ctx, "txn", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6 {
		t.Fatalf("%d records (%v), want the 6 data records", len(recs), offsetsOf(recs))
	}
	if got := f.committedOffsets(t, regBase+"-txn", "txn"); got[0] != end {
		t.Errorf("committed %v, want %d: past the final marker, lag 0", got, end)
	}
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	recs, err = f.reg.ConsumeMessages(short, "txn", 100)
	if err != nil || len(recs) != 0 {
		t.Fatalf("caught-up call: %d records, err %v; want an empty batch at once", len(recs), err)
	}
}

// waitEnd waits until partition p of topic has end offset want (transaction
// markers are written asynchronously) and returns it.
func waitEnd(t *testing.T, f *regFixture, topic string, p int32, want int64) int64 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := f.endOffsets(t, topic)[p]
		if got == want {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("end offset of %s/%d: %d, want %d", topic, p, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRegistryBatchesCoverEveryOffsetOnce(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 4, []string{"spent_detail_topic"})
	counts := map[int32]int{0: 37, 1: 0, 2: 120, 3: 55}
	f.produce(t, "spent_detail_topic", counts)
	ctx := regCtx(t)
	rng := rand.New(rand.NewPCG(1, 2))

	total := 0
	for _, n := range counts {
		total += n
	}
	seen := map[string]bool{}
	produced := false
	for calls := 0; ; calls++ {
		if calls > 200 {
			t.Fatal("no end after 200 batches")
		}
		remaining := total - len(seen)
		max := 1 + rng.IntN(40)
		recs, err := f.reg.ConsumeMessagesWithGroup(ctx, "spent_detail_topic", max, "full-index")
		if err != nil {
			t.Fatalf("batch %d: %v", calls, err)
		}
		if want := min(max, remaining); len(recs) != want {
			t.Fatalf("batch %d of max %d with %d left: %d records, want %d", calls, max, remaining, len(recs), want)
		}
		// Each call commits exactly what it returned, nothing buffered
		// past it.
		committedNow := 0
		for _, o := range f.committedOffsets(t, regBase+"-spent_detail_topic-full-index", "spent_detail_topic") {
			committedNow += int(o)
		}
		if want := len(seen) + len(recs); committedNow != want {
			t.Fatalf("batch %d: commits sum to %d, want the %d records returned so far", calls, committedNow, want)
		}
		for _, r := range recs {
			id := fmt.Sprintf("%d@%d", r.Partition, r.Offset)
			if seen[id] {
				t.Fatalf("batch %d: %s returned twice", calls, id)
			}
			seen[id] = true
			if want := fmt.Sprintf(`{"p":%d,"i":%d}`, r.Partition, r.Offset); string(r.Value) != want {
				t.Fatalf("%s: value %s, want %s", id, r.Value, want)
			}
		}
		if len(recs) == 0 {
			if produced {
				break
			}
			// More records arrive after the group caught up.
			more := map[int32]int{1: 9, 3: 4}
			for p, n := range more {
				from := counts[p]
				kafkatest.Produce(t, f.brokers, "spent_detail_topic",
					kafkatest.Values(p, n, func(i int) string { return fmt.Sprintf(`{"p":%d,"i":%d}`, p, from+i) })...)
				counts[p] += n
				total += n
			}
			produced = true
		}
	}
	for p, n := range counts {
		for o := range n {
			if !seen[fmt.Sprintf("%d@%d", p, o)] {
				t.Errorf("offset %d@%d never returned", p, o)
			}
		}
	}
	ends := f.endOffsets(t, "spent_detail_topic")
	got := f.committedOffsets(t, regBase+"-spent_detail_topic-full-index", "spent_detail_topic")
	for p, end := range ends {
		if end > 0 && got[p] != end {
			t.Errorf("partition %d: committed %d, want the end %d", p, got[p], end)
		}
	}
}

func TestRegistryNewSuffixStartsAtEarliest(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 1, []string{"user_events"})
	f.produce(t, "user_events", map[int32]int{0: 10})
	ctx := regCtx(t)

	if recs, err := f.reg.ConsumeMessagesWithGroup(ctx, "user_events", 10, "analytics"); err != nil || len(recs) != 10 {
		t.Fatalf("analytics: %d records, err %v", len(recs), err)
	}
	for _, suffix := range []string{"realtime-alerts", ""} {
		recs, err := f.reg.ConsumeMessagesWithGroup(ctx, "user_events", 4, suffix)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 4 || recs[0].Offset != 0 {
			t.Errorf("suffix %q: %v, want offsets 0..3", suffix, offsetsOf(recs))
		}
	}
}

func TestRegistryRefusesLiveGroup(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 2, []string{"user_events"})
	f.produce(t, "user_events", map[int32]int{0: 3, 1: 3})
	group := regBase + "-user_events-realtime-alerts"
	f.liveMember(t, group, "user_events")
	ctx := regCtx(t)

	_, err := f.reg.ConsumeMessagesWithGroup(ctx, "user_events", 10, "realtime-alerts")
	var active *kafka.GroupActiveError
	if !errors.As(err, &active) || !errors.Is(err, kafka.ErrGroupActive) {
		t.Fatalf("err %v, want *GroupActiveError", err)
	}
	if active.Group != group || len(active.Members) != 1 || active.Members[0].ClientID != "live-service" {
		t.Errorf("refusal %+v, want group %s with the live-service member", active, group)
	}
	if !strings.Contains(err.Error(), "live-service@") {
		t.Errorf("message %q does not name the member", err)
	}
	if len(active.Members[0].Assigned) != 1 || len(active.Members[0].Assigned[0].Partitions) != 2 {
		t.Errorf("member assignment %+v, want both partitions", active.Members[0].Assigned)
	}
	if f.reg.Len() != 0 {
		t.Errorf("Len %d after a refusal, want 0", f.reg.Len())
	}
	if _, members := f.groupState(t, group); len(members) != 1 {
		t.Errorf("the refused call touched the group: %d members", len(members))
	}
	// Typed calls go through the same check.
	if _, err := kafka.ConsumeMessagesAsWithGroup[map[string]any](ctx, f.reg, "user_events", 1, "realtime-alerts"); !errors.Is(err, kafka.ErrGroupActive) {
		t.Errorf("typed call: err %v, want ErrGroupActive", err)
	}

	forced, err := kafka.NewRegistry(regBase, regConfig(f.brokers), kafka.WithForce(true))
	if err != nil {
		t.Fatal(err)
	}
	defer forced.Close()
	// The live member keeps both partitions through the first round of the
	// cooperative rebalance and gives one up in the second: the forced call
	// waits for it rather than report an empty batch.
	recs, err := forced.ConsumeMessagesWithGroup(ctx, "user_events", 10, "realtime-alerts")
	if err != nil {
		t.Fatalf("forced: %v", err)
	}
	if len(recs) == 0 {
		t.Errorf("forced: no records while the group has lag 6")
	}
	if _, members := f.groupState(t, group); len(members) != 2 {
		t.Errorf("forced join: %d members, want 2", len(members))
	}
}

type spentDetail struct {
	P int `json:"p"`
	I int `json:"i"`
}

func TestRegistryDecodeFailureCommitsNothing(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 1, []string{"spent"})
	vals := []string{`{"p":0,"i":0}`, `{"p":0,"i":1}`, `not json`, `{"p":0,"i":3}`}
	kafkatest.Produce(t, f.brokers, "spent", kafkatest.Values(0, len(vals), func(i int) string { return vals[i] })...)
	ctx := regCtx(t)
	group := regBase + "-spent"

	for i := range 2 {
		got, err := kafka.ConsumeMessagesAs[spentDetail](ctx, f.reg, "spent", 10)
		var de *kafka.DecodeError
		if !errors.As(err, &de) || de.Topic != "spent" || de.Partition != 0 || de.Offset != 2 {
			t.Fatalf("call %d: %v, %v; want DecodeError at spent/0@2", i, got, err)
		}
		if got != nil {
			t.Errorf("call %d returned %v with the error", i, got)
		}
		if c := f.committedOffsets(t, group, "spent"); len(c) != 0 {
			t.Fatalf("call %d committed %v after a decode failure", i, c)
		}
	}
	// Nothing was lost: a batch that stops short of the bad record decodes
	// and commits, and the raw call still sees the bad record next.
	got, err := kafka.ConsumeMessagesAs[spentDetail](ctx, f.reg, "spent", 2)
	if err != nil || !slices.Equal(got, []spentDetail{{0, 0}, {0, 1}}) {
		t.Fatalf("typed batch of 2: %v, %v", got, err)
	}
	if c := f.committedOffsets(t, group, "spent"); c[0] != 2 {
		t.Fatalf("committed %v, want 2", c)
	}
	raw, err := f.reg.ConsumeMessages(ctx, "spent", 10)
	if err != nil || len(raw) != 2 || string(raw[0].Value) != "not json" {
		t.Fatalf("raw batch: %v, %v; want the bad record and the next", offsetsOf(raw), err)
	}
}

func TestRegistryFailedCommitFailsTheCall(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 1, []string{"spent"})
	f.produce(t, "spent", map[int32]int{0: 5})
	ctx := regCtx(t)
	group := regBase + "-spent"

	// Join first so the failure hits the commit, not the join.
	if _, err := f.reg.ConsumeMessages(ctx, "spent", 1); err != nil {
		t.Fatal(err)
	}
	f.kc.ControlKey(int16(kmsg.OffsetCommit), func(req kmsg.Request) (kmsg.Response, error, bool) {
		creq := req.(*kmsg.OffsetCommitRequest)
		resp := creq.ResponseKind().(*kmsg.OffsetCommitResponse)
		for _, rt := range creq.Topics {
			st := kmsg.NewOffsetCommitResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				sp := kmsg.NewOffsetCommitResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.ErrorCode = kerr.GroupAuthorizationFailed.Code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	_, err := f.reg.ConsumeMessages(ctx, "spent", 2)
	var ce *kafka.CommitError
	if !errors.As(err, &ce) || len(ce.Partitions) != 1 || ce.Partitions[0].Partition != 0 {
		t.Fatalf("err %v, want a CommitError naming partition 0", err)
	}
	if c := f.committedOffsets(t, group, "spent"); c[0] != 1 {
		t.Fatalf("committed %v, want 1 (unchanged)", c)
	}
	recs, err := f.reg.ConsumeMessages(ctx, "spent", 2)
	if err != nil || len(recs) != 2 || recs[0].Offset != 1 {
		t.Fatalf("after the failed commit: %v, %v; want offsets 1 and 2 again", offsetsOf(recs), err)
	}
}

func TestRegistryRejectsBadInput(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 1, []string{"spent"})
	ctx := regCtx(t)
	for _, c := range []struct {
		name  string
		topic string
		max   int
	}{
		{"empty topic", "", 1},
		{"zero max", "spent", 0},
		{"unknown topic", "nope", 1},
	} {
		if _, err := f.reg.ConsumeMessages(ctx, c.topic, c.max); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if f.reg.Len() != 0 {
		t.Errorf("Len %d after failed calls, want 0", f.reg.Len())
	}
}

func TestRegistryCloseLeaksNoGoroutine(t *testing.T) {
	// Not parallel: it counts the process's goroutines.
	_, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(3, "spent", "users"))
	before := runtime.NumGoroutine()
	// Produce with a client closed before counting: only the registry's
	// goroutines (and the broker's for its connections) may remain.
	producer, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic("spent"),
		kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	err = producer.ProduceSync(regCtx(t), kafkatest.Values(1, 20, func(i int) string { return fmt.Sprint(i) })...).FirstErr()
	producer.Close()
	if err != nil {
		t.Fatal(err)
	}

	reg, err := kafka.NewRegistry(regBase, regConfig(brokers), kafka.WithMaxConsumers(2))
	if err != nil {
		t.Fatal(err)
	}
	ctx := regCtx(t)
	for _, k := range []kafka.ConsumerKey{{Topic: "spent"}, {Topic: "spent", Suffix: "x"}, {Topic: "users"}} {
		if _, err := reg.ConsumeMessagesWithGroup(ctx, k.Topic, 5, k.Suffix); err != nil {
			t.Fatal(err)
		}
	}
	reg.Close()
	reg.Close() // idempotent
	if _, err := reg.ConsumeMessages(ctx, "spent", 1); !errors.Is(err, kafka.ErrRegistryClosed) {
		t.Errorf("call after Close: %v, want ErrRegistryClosed", err)
	}

	deadline := time.Now().Add(10 * time.Second)
	for {
		now := runtime.NumGoroutine()
		if now <= before {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", now, before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRegistryCallsOnOneKeySerialise(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 2, []string{"spent"})
	f.produce(t, "spent", map[int32]int{0: 50, 1: 50})
	ctx := regCtx(t)

	results := make(chan []model.Record, 10)
	errs := make(chan error, 10)
	for range 10 {
		go func() {
			recs, err := f.reg.ConsumeMessages(ctx, "spent", 10)
			errs <- err
			results <- recs
		}()
	}
	seen := map[string]bool{}
	for range 10 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		recs := <-results
		if len(recs) != 10 {
			t.Errorf("concurrent call: %d records, want 10", len(recs))
		}
		for _, id := range offsetsOf(recs) {
			if seen[id] {
				t.Errorf("%s returned to two concurrent calls", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != 100 {
		t.Errorf("%d distinct records, want 100", len(seen))
	}
}

func TestRegistryReadOnlyRefusesToConsume(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 1, []string{"spent"})
	f.produce(t, "spent", map[int32]int{0: 3})
	cfg := regConfig(f.brokers)
	cfg.ReadOnly = true
	reg, err := kafka.NewRegistry(regBase, cfg)
	if err != nil {
		t.Fatalf("a read-only registry must still build (the TUI holds one): %v", err)
	}
	defer reg.Close()
	if _, err := reg.ConsumeMessages(regCtx(t), "spent", 1); !errors.Is(err, kafka.ErrReadOnly) {
		t.Fatalf("err %v, want ErrReadOnly", err)
	}
	if state, _ := f.groupState(t, regBase+"-spent"); state != "Dead" {
		t.Errorf("read-only call touched the group: state %s", state)
	}
}

func TestRegistryEvictsUnderConcurrentCalls(t *testing.T) {
	t.Parallel()
	for _, bound := range []int{1, 2} {
		t.Run(fmt.Sprint("bound ", bound), func(t *testing.T) {
			t.Parallel()
			f := newRegFixture(t, 2, []string{"spent"}, kafka.WithMaxConsumers(bound))
			f.produce(t, "spent", map[int32]int{0: 20, 1: 20})
			ctx := regCtx(t)

			suffixes := []string{"a", "b", "c", "d"}
			errs := make(chan error, 3*len(suffixes))
			for i := range 3 * len(suffixes) {
				go func() {
					_, err := f.reg.ConsumeMessagesWithGroup(ctx, "spent", 2, suffixes[i%len(suffixes)])
					errs <- err
				}()
			}
			for range 3 * len(suffixes) {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			if got := f.reg.Len(); got > bound {
				t.Errorf("Len %d, want at most the bound %d", got, bound)
			}
			// Every group got exactly its three batches, however often
			// its consumer was evicted in between.
			for _, s := range suffixes {
				sum := int64(0)
				for _, o := range f.committedOffsets(t, regBase+"-spent-"+s, "spent") {
					sum += o
				}
				if sum != 6 {
					t.Errorf("group %s committed %d records, want 6", s, sum)
				}
			}
		})
	}
}

// TestRegistryForcedJoinAssignedNothing checks that a forced join that gets
// no partition (the live member keeps the only one) fails with
// *NotAssignedError naming the member, never an empty "caught up" batch, and
// commits nothing.
func TestRegistryForcedJoinAssignedNothing(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 1, []string{"user_events"})
	f.produce(t, "user_events", map[int32]int{0: 600})
	group := regBase + "-user_events-realtime-alerts"
	f.liveMember(t, group, "user_events")
	ctx := regCtx(t)

	forced, err := kafka.NewRegistry(regBase, regConfig(f.brokers), kafka.WithForce(true))
	if err != nil {
		t.Fatal(err)
	}
	defer forced.Close()
	recs, err := forced.ConsumeMessagesWithGroup(ctx, "user_events", 10, "realtime-alerts")
	var na *kafka.NotAssignedError
	if !errors.As(err, &na) || !errors.Is(err, kafka.ErrNotAssigned) {
		t.Fatalf("forced: %d records, err %v; want *NotAssignedError", len(recs), err)
	}
	if na.Group != group || na.Topic != "user_events" || len(na.Members) != 1 || na.Members[0].ClientID != "live-service" {
		t.Errorf("error %+v, want group %s on user_events held by live-service", na, group)
	}
	for _, want := range []string{"no partitions", "live-service@", "kept them"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
	if got := f.committedOffsets(t, group, "user_events"); len(got) != 0 {
		t.Errorf("commits %v after a call that read nothing", got)
	}
}

// TestRegistryNamesKilledKgroups checks that a live member using kgroups'
// own client id is named as probably a killed kgroups process, with when
// its session runs out; another client keeps the plain wording.
func TestRegistryNamesKilledKgroups(t *testing.T) {
	t.Parallel()
	f := newRegFixture(t, 2, []string{"user_events"})
	f.produce(t, "user_events", map[int32]int{0: 3, 1: 3})
	ctx := regCtx(t)
	join := func(group, clientID string) {
		cl := kafkatest.Client(t, f.brokers, kgo.ClientID(clientID), kgo.ConsumerGroup(group),
			kgo.ConsumeTopics("user_events"), kgo.HeartbeatInterval(100*time.Millisecond))
		deadline := time.Now().Add(20 * time.Second)
		for {
			pctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			cl.PollFetches(pctx) // polling drives the join
			cancel()
			if state, members := f.groupState(t, group); state == "Stable" && len(members) == 1 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s never joined %s", clientID, group)
			}
		}
	}
	join(regBase+"-user_events-killed", "kgroups")
	join(regBase+"-user_events-service", "billing")

	_, err := f.reg.ConsumeMessagesWithGroup(ctx, "user_events", 1, "killed")
	if !errors.Is(err, kafka.ErrGroupActive) {
		t.Fatalf("err %v, want ErrGroupActive", err)
	}
	for _, want := range []string{"kgroups@", "kgroups' client id", "killed", "session", "45s"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
	_, err = f.reg.ConsumeMessagesWithGroup(ctx, "user_events", 1, "service")
	if !errors.Is(err, kafka.ErrGroupActive) || strings.Contains(err.Error(), "killed") || strings.Contains(err.Error(), "kgroups") {
		t.Errorf("err %v, want the plain refusal naming billing only", err)
	}
}

// TestRegistryConsumeFuncCommitsOnlyWhatWasHandled checks process-then-commit:
// a batch whose handler fails is not committed and comes back whole on the
// next call; a batch whose handler succeeds is committed, even when the
// call's context ends while the handler runs.
func TestRegistryConsumeFuncCommitsOnlyWhatWasHandled(t *testing.T) {
	t.Parallel()
	// One partition: which partition a poll serves first is the client's
	// choice, and the same records must come back.
	f := newRegFixture(t, 1, []string{"spent"})
	f.produce(t, "spent", map[int32]int{0: 12})
	ctx := regCtx(t)
	group := regBase + "-spent-jobs"

	refused := errors.New("disk full")
	var first []string
	err := f.reg.ConsumeFunc(ctx, "spent", "jobs", 5, func(recs []model.Record) error {
		first = offsetsOf(recs)
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatalf("err %v, want the handler's error", err)
	}
	if len(first) != 5 {
		t.Fatalf("handler got %v, want 5 records", first)
	}
	if c := f.committedOffsets(t, group, "spent"); len(c) != 0 {
		t.Fatalf("committed %v after the handler failed, want nothing", c)
	}

	// The next call hands the same records, and commits them once handled,
	// though the caller gave up while they were being handled.
	cctx, cancel := context.WithCancel(ctx)
	var again []string
	err = f.reg.ConsumeFunc(cctx, "spent", "jobs", 5, func(recs []model.Record) error {
		again = offsetsOf(recs)
		cancel()
		return nil
	})
	if err != nil {
		t.Fatalf("second call: %v", err)
	}
	if !slices.Equal(first, again) {
		t.Fatalf("second call handled %v, want the refused batch %v again", again, first)
	}
	want := map[int32]int64{}
	for _, r := range again {
		var p int32
		var off int64
		fmt.Sscanf(r, "spent/%d@%d", &p, &off)
		want[p] = max(want[p], off+1)
	}
	if c := f.committedOffsets(t, group, "spent"); !maps.Equal(c, want) {
		t.Fatalf("committed %v, want %v: just past the handled records", c, want)
	}

	// Caught up: the handler is not called and nothing fails.
	n := 0
	for range 3 {
		if err := f.reg.ConsumeFunc(ctx, "spent", "jobs", 5, func(recs []model.Record) error {
			n += len(recs)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if n != 7 {
		t.Fatalf("read %d more records, want the 7 left", n)
	}
	called := false
	if err := f.reg.ConsumeFunc(ctx, "spent", "jobs", 5, func([]model.Record) error { called = true; return nil }); err != nil || called {
		t.Fatalf("caught up: err %v, handler called %v; want neither", err, called)
	}
}
