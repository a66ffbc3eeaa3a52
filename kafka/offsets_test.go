package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// opsFixture is a topic "events" with 2 partitions of 10 records each,
// timestamps t0+i seconds, and group "g" committed at 4 and 6.
type opsFixture struct {
	brokers []string
	c       *kafka.Cluster
	adm     *kadm.Client
	t0      time.Time
}

func newOpsFixture(t *testing.T, readOnly bool) opsFixture {
	t.Helper()
	_, brokers := kafkatest.NewCluster(t)
	ctx := context.Background()
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	if _, err := adm.CreateTopic(ctx, 2, 1, nil, "events"); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []*kgo.Record
	for p := range int32(2) {
		for i := range 10 {
			recs = append(recs, &kgo.Record{Partition: p, Value: fmt.Appendf(nil, "%d-%d", p, i), Timestamp: t0.Add(time.Duration(i) * time.Second)})
		}
	}
	kafkatest.Produce(t, brokers, "events", recs...)
	commit(t, adm, "g", "events", map[int32]int64{0: 4, 1: 6})
	c, err := kafka.Dial(ctx, kafka.Config{Brokers: brokers, ReadOnly: readOnly})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return opsFixture{brokers: brokers, c: c, adm: adm, t0: t0}
}

func commit(t *testing.T, adm *kadm.Client, group, topic string, offs map[int32]int64) {
	t.Helper()
	os := make(kadm.Offsets)
	for p, o := range offs {
		os.Add(kadm.Offset{Topic: topic, Partition: p, At: o, LeaderEpoch: -1})
	}
	resp, err := adm.CommitOffsets(context.Background(), group, os)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		t.Fatalf("commit %s: %v", group, err)
	}
}

func committed(t *testing.T, adm *kadm.Client, group, topic string) map[int32]int64 {
	t.Helper()
	out := map[int32]int64{}
	resp, err := adm.FetchOffsets(context.Background(), group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Topic == topic {
			out[o.Partition] = o.At
		}
	})
	return out
}

func newOffsets(p model.Plan) map[int32]int64 { return p.Offsets() }

func TestPlanResetModes(t *testing.T) {
	f := newOpsFixture(t, false)
	ctx := context.Background()
	tests := []struct {
		name      string
		spec      kafka.ResetSpec
		want      map[int32]int64
		lagAfter  int64
		clampedP0 bool
	}{
		{"earliest", kafka.ResetSpec{Mode: kafka.ResetToEarliest}, map[int32]int64{0: 0, 1: 0}, 20, false},
		{"latest", kafka.ResetSpec{Mode: kafka.ResetToLatest}, map[int32]int64{0: 10, 1: 10}, 0, false},
		{"offset", kafka.ResetSpec{Mode: kafka.ResetToOffset, Offset: 7}, map[int32]int64{0: 7, 1: 7}, 6, false},
		{"offset beyond end is clamped", kafka.ResetSpec{Mode: kafka.ResetToOffset, Offset: 99}, map[int32]int64{0: 10, 1: 10}, 0, true},
		{"negative offset is clamped to start", kafka.ResetSpec{Mode: kafka.ResetToOffset, Offset: -5}, map[int32]int64{0: 0, 1: 0}, 20, true},
		{"offset map", kafka.ResetSpec{Mode: kafka.ResetToOffsetMap, OffsetMap: map[int32]int64{0: 2, 1: 8}}, map[int32]int64{0: 2, 1: 8}, 10, false},
		{"datetime on a record", kafka.ResetSpec{Mode: kafka.ResetToDatetime, Time: f.t0.Add(3 * time.Second)}, map[int32]int64{0: 3, 1: 3}, 14, false},
		{"datetime between records", kafka.ResetSpec{Mode: kafka.ResetToDatetime, Time: f.t0.Add(3500 * time.Millisecond)}, map[int32]int64{0: 4, 1: 4}, 12, false},
		{"datetime after the last record", kafka.ResetSpec{Mode: kafka.ResetToDatetime, Time: f.t0.Add(time.Hour)}, map[int32]int64{0: 10, 1: 10}, 0, false},
		{"by duration", kafka.ResetSpec{Mode: kafka.ResetByDuration, Duration: 2 * time.Second, Now: func() time.Time { return f.t0.Add(9 * time.Second) }}, map[int32]int64{0: 7, 1: 7}, 6, false},
		{"shift forward", kafka.ResetSpec{Mode: kafka.ResetShiftBy, Shift: 3}, map[int32]int64{0: 7, 1: 9}, 4, false},
		{"shift forward clamps at end", kafka.ResetSpec{Mode: kafka.ResetShiftBy, Shift: 7}, map[int32]int64{0: 10, 1: 10}, 0, true},
		{"shift back clamps at start", kafka.ResetSpec{Mode: kafka.ResetShiftBy, Shift: -5}, map[int32]int64{0: 0, 1: 1}, 19, true},
		{"one partition only", kafka.ResetSpec{Mode: kafka.ResetToEarliest, Partitions: []int32{1}}, map[int32]int64{1: 0}, 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := f.c.PlanReset(ctx, "g", "events", tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := newOffsets(plan); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("new offsets %v, want %v", got, tt.want)
			}
			if got := plan.LagAfter(); got != tt.lagAfter {
				t.Fatalf("lag after %d, want %d", got, tt.lagAfter)
			}
			if plan.Partitions[0].Clamped != tt.clampedP0 {
				t.Fatalf("clamped = %v, want %v", plan.Partitions[0].Clamped, tt.clampedP0)
			}
			for _, p := range plan.Partitions {
				if !p.HasCurrent || p.Current != map[int32]int64{0: 4, 1: 6}[p.Partition] {
					t.Fatalf("partition %d current %d (has %v), want the commit", p.Partition, p.Current, p.HasCurrent)
				}
			}
		})
	}
	// Planning wrote nothing: dry run is the default.
	if got := committed(t, f.adm, "g", "events"); fmt.Sprint(got) != "map[0:4 1:6]" {
		t.Fatalf("planning changed commits: %v", got)
	}
}

func TestPlanResetBadInput(t *testing.T) {
	f := newOpsFixture(t, false)
	ctx := context.Background()
	if _, err := f.c.PlanReset(ctx, "g", "nope", kafka.ResetSpec{}); err == nil {
		t.Fatal("unknown topic: want an error")
	}
	if _, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Partitions: []int32{7}}); err == nil {
		t.Fatal("unknown partition: want an error")
	}
	if _, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Mode: kafka.ResetFromGroup, FromGroup: "none"}); err == nil {
		t.Fatal("copy from a group without commits: want an error")
	}
	// Kafka reads timestamp -1 as "the log end" and -2 as "the log start":
	// a time before 1970 must fail, not plan one of those.
	for _, at := range []time.Time{time.UnixMilli(-1), time.UnixMilli(-2), time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if plan, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Mode: kafka.ResetToDatetime, Time: at}); err == nil || !strings.Contains(err.Error(), "before 1970") {
			t.Errorf("reset to %s: plan %v, err %v; want an error saying it is before 1970", at, plan.Offsets(), err)
		}
	}
	long := kafka.ResetSpec{Mode: kafka.ResetByDuration, Duration: 100 * 365 * 24 * time.Hour}
	if _, err := f.c.PlanReset(ctx, "g", "events", long); err == nil || !strings.Contains(err.Error(), "before 1970") {
		t.Errorf("reset to 100 years ago: err %v, want an error saying it is before 1970", err)
	}
	if _, err := f.c.PlanCreate(ctx, "g-new", "events", kafka.CreateStart{At: kafka.CreateAtTime, Time: time.UnixMilli(-1)}); err == nil || !strings.Contains(err.Error(), "before 1970") {
		t.Errorf("create before 1970: err %v, want an error saying it is before 1970", err)
	}
}

func TestExecuteResetAndReadBack(t *testing.T) {
	f := newOpsFixture(t, false)
	ctx := context.Background()
	plan, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Mode: kafka.ResetToOffsetMap, OffsetMap: map[int32]int64{0: 1, 1: 9}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.c.Execute(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || fmt.Sprint(res.Committed) != "map[0:1 1:9]" {
		t.Fatalf("result %+v", res)
	}
	if got := committed(t, f.adm, "g", "events"); fmt.Sprint(got) != "map[0:1 1:9]" {
		t.Fatalf("commits now %v", got)
	}
}

func TestCopyFromSibling(t *testing.T) {
	f := newOpsFixture(t, false)
	ctx := context.Background()
	commit(t, f.adm, "g-full-index", "events", map[int32]int64{0: 10})
	plan, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Mode: kafka.ResetFromGroup, FromGroup: "g-full-index"})
	if err != nil {
		t.Fatal(err)
	}
	// Partition 1 was never committed by the sibling: it would start at earliest.
	if got := newOffsets(plan); fmt.Sprint(got) != "map[0:10 1:0]" {
		t.Fatalf("copy plan %v", got)
	}
	if _, err := f.c.Execute(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if got := committed(t, f.adm, "g", "events"); fmt.Sprint(got) != "map[0:10 1:0]" {
		t.Fatalf("commits now %v", got)
	}
}

func TestCreateGroup(t *testing.T) {
	f := newOpsFixture(t, false)
	ctx := context.Background()
	if _, err := f.c.PlanCreate(ctx, "g", "events", kafka.CreateStart{}); !errors.Is(err, kafka.ErrGroupExists) {
		t.Fatalf("creating an existing group: err %v, want ErrGroupExists", err)
	}
	plan, err := f.c.PlanCreate(ctx, "g-new", "events", kafka.CreateStart{At: kafka.CreateAtLatest})
	if err != nil {
		t.Fatal(err)
	}
	if got := committed(t, f.adm, "g-new", "events"); len(got) != 0 {
		t.Fatalf("planning created commits %v", got)
	}
	if _, err := f.c.Execute(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if got := committed(t, f.adm, "g-new", "events"); fmt.Sprint(got) != "map[0:10 1:10]" {
		t.Fatalf("created at %v, want latest", got)
	}
	at := f.t0.Add(5 * time.Second)
	plan, err = f.c.PlanCreate(ctx, "g-at", "events", kafka.CreateStart{At: kafka.CreateAtTime, Time: at})
	if err != nil {
		t.Fatal(err)
	}
	if got := newOffsets(plan); fmt.Sprint(got) != "map[0:5 1:5]" {
		t.Fatalf("create at %s: %v", at, got)
	}
}

func TestDeleteGroupAndOffsets(t *testing.T) {
	f := newOpsFixture(t, false)
	ctx := context.Background()
	if err := f.c.DeleteGroupOffsets(ctx, "g", "events"); err != nil {
		t.Fatal(err)
	}
	if got := committed(t, f.adm, "g", "events"); len(got) != 0 {
		t.Fatalf("offsets left %v", got)
	}
	commit(t, f.adm, "g2", "events", map[int32]int64{0: 1})
	if err := f.c.DeleteGroup(ctx, "g2"); err != nil {
		t.Fatal(err)
	}
	listed, err := f.adm.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := listed["g2"]; ok {
		t.Fatal("g2 still listed after delete")
	}
}

func TestLiveGroupRefusesEveryWrite(t *testing.T) {
	f := newOpsFixture(t, false)
	ctx := context.Background()
	// The member announces kgroups' own client id, as a killed kgroups
	// consume that never left would.
	member := kafkatest.Client(t, f.brokers, kgo.ConsumerGroup("g"), kgo.ConsumeTopics("events"), kgo.DisableAutoCommit(), kgo.ClientID("kgroups"))
	// Wait until the member joined: polling drives the join.
	kafkatest.Eventually(t, 20*time.Second, func() error {
		pctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		member.PollFetches(pctx)
		cancel()
		if described, err := f.adm.DescribeGroups(ctx, "g"); err != nil || described["g"].State != "Stable" {
			return fmt.Errorf("member never joined: %v", err)
		}
		return nil
	})
	plan, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Mode: kafka.ResetToEarliest})
	if err != nil {
		t.Fatal(err)
	}
	before := committed(t, f.adm, "g", "events")
	writes := map[string]func() error{
		"execute":        func() error { _, err := f.c.Execute(ctx, plan); return err },
		"delete":         func() error { return f.c.DeleteGroup(ctx, "g") },
		"delete offsets": func() error { return f.c.DeleteGroupOffsets(ctx, "g", "events") },
	}
	for name, write := range writes {
		err := write()
		var active *kafka.GroupActiveError
		if !errors.As(err, &active) || len(active.Members) != 1 {
			t.Fatalf("%s on a live group: err %v, want GroupActiveError naming the member", name, err)
		}
		if strings.Contains(err.Error(), "--force") || !strings.Contains(err.Error(), "stop them") {
			t.Fatalf("%s refusal says %q: it must tell the user to stop the members, not to force", name, err)
		}
		if !strings.Contains(err.Error(), "probably a kgroups consume that was killed") {
			t.Errorf("%s refusal %q does not say the member is probably a killed kgroups", name, err)
		}
	}
	if got := committed(t, f.adm, "g", "events"); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("refused writes changed commits: %v → %v", before, got)
	}
}

func TestReadOnlyRefusesWritesButNotReads(t *testing.T) {
	f := newOpsFixture(t, true)
	ctx := context.Background()
	plan, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Mode: kafka.ResetToEarliest})
	if err != nil {
		t.Fatalf("planning is a read and must work read-only: %v", err)
	}
	for name, err := range map[string]error{
		"execute":        func() error { _, err := f.c.Execute(ctx, plan); return err }(),
		"delete":         f.c.DeleteGroup(ctx, "g"),
		"delete offsets": f.c.DeleteGroupOffsets(ctx, "g", "events"),
	} {
		if !errors.Is(err, kafka.ErrReadOnly) {
			t.Fatalf("%s read-only: err %v, want ErrReadOnly", name, err)
		}
	}
	if got := committed(t, f.adm, "g", "events"); fmt.Sprint(got) != "map[0:4 1:6]" {
		t.Fatalf("read-only changed commits: %v", got)
	}
	recs, err := f.c.Peek(ctx, kafka.PeekRequest{Topic: "events", Group: "g", Max: 3})
	if err != nil || len(recs) != 3 {
		t.Fatalf("peek read-only: %d records, err %v", len(recs), err)
	}
}

// TestCommitOffsetsIfUnchanged: a reviewed commit is written only while the
// group still has the commits the user was shown; otherwise nothing is
// written and the error names what moved.
func TestCommitOffsetsIfUnchanged(t *testing.T) {
	f := newOpsFixture(t, false)
	ctx := context.Background()

	// Shown 4 on partition 0; someone moves it to 8 before the confirmation.
	commit(t, f.adm, "g", "events", map[int32]int64{0: 8})
	err := f.c.CommitOffsetsIfUnchanged(ctx, "g", "events", map[int32]int64{0: 4}, map[int32]int64{0: 5})
	var stale *kafka.StaleError
	if !errors.As(err, &stale) || !errors.Is(err, kafka.ErrOffsetsMoved) {
		t.Fatalf("moved since shown: err %v, want a StaleError", err)
	}
	if want := []kafka.MovedOffset{{Partition: 0, Shown: 4, HadShown: true, Now: 8, HasNow: true}}; fmt.Sprint(stale.Moved) != fmt.Sprint(want) {
		t.Fatalf("moved %+v, want %+v", stale.Moved, want)
	}
	if !strings.Contains(err.Error(), "partition 0 was 4, now 8") {
		t.Fatalf("error %q does not say what moved", err)
	}
	if got := committed(t, f.adm, "g", "events"); fmt.Sprint(got) != "map[0:8 1:6]" {
		t.Fatalf("a refused commit wrote: commits now %v", got)
	}

	// Shown without a commit, but one appeared.
	commit(t, f.adm, "fresh", "events", map[int32]int64{1: 3})
	err = f.c.CommitOffsetsIfUnchanged(ctx, "fresh", "events", nil, map[int32]int64{1: 2})
	if !errors.As(err, &stale) || stale.Moved[0].HadShown || stale.Moved[0].Now != 3 {
		t.Fatalf("a commit appeared since shown: err %v, want a StaleError", err)
	}
	if got := committed(t, f.adm, "fresh", "events"); fmt.Sprint(got) != "map[1:3]" {
		t.Fatalf("a refused commit wrote: commits now %v", got)
	}

	// Unchanged: applied. Partition 1 is not committed, so its move is not checked.
	if err := f.c.CommitOffsetsIfUnchanged(ctx, "g", "events", map[int32]int64{0: 8}, map[int32]int64{0: 5}); err != nil {
		t.Fatalf("unchanged: %v", err)
	}
	if got := committed(t, f.adm, "g", "events"); fmt.Sprint(got) != "map[0:5 1:6]" {
		t.Fatalf("commits now %v, want partition 0 moved back to 5", got)
	}
}

// TestExecuteRefusesAPlanOnStaleFigures: a plan shows the commits it was
// computed from; executing it after they moved writes nothing.
func TestExecuteRefusesAPlanOnStaleFigures(t *testing.T) {
	f := newOpsFixture(t, false)
	ctx := context.Background()
	plan, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Mode: kafka.ResetShiftBy, Shift: -2})
	if err != nil {
		t.Fatal(err)
	}
	if got := newOffsets(plan); fmt.Sprint(got) != "map[0:2 1:4]" {
		t.Fatalf("plan %v", got)
	}
	commit(t, f.adm, "g", "events", map[int32]int64{1: 9})
	_, err = f.c.Execute(ctx, plan)
	var stale *kafka.StaleError
	if !errors.As(err, &stale) || len(stale.Moved) != 1 || stale.Moved[0].Partition != 1 || stale.Moved[0].Now != 9 {
		t.Fatalf("execute on moved commits: err %v, want a StaleError for partition 1", err)
	}
	if got := committed(t, f.adm, "g", "events"); fmt.Sprint(got) != "map[0:4 1:9]" {
		t.Fatalf("a refused plan wrote: commits now %v", got)
	}

	// A create planned on a group nobody had, which someone else created meanwhile.
	create, err := f.c.PlanCreate(ctx, "g-new", "events", kafka.CreateStart{At: kafka.CreateAtEarliest})
	if err != nil {
		t.Fatal(err)
	}
	commit(t, f.adm, "g-new", "events", map[int32]int64{0: 7})
	if _, err := f.c.Execute(ctx, create); !errors.Is(err, kafka.ErrOffsetsMoved) {
		t.Fatalf("create after someone else created the group: err %v, want ErrOffsetsMoved", err)
	}
	if got := committed(t, f.adm, "g-new", "events"); fmt.Sprint(got) != "map[0:7]" {
		t.Fatalf("a refused create wrote: commits now %v", got)
	}
}

// TestDeleteIfUnchanged: a delete confirmed on the commits it showed
// deletes nothing once they moved, and deletes when they did not.
func TestDeleteIfUnchanged(t *testing.T) {
	f := newOpsFixture(t, false)
	ctx := context.Background()
	shown := map[int32]int64{0: 4, 1: 6}
	commit(t, f.adm, "g", "events", map[int32]int64{1: 8})
	for name, del := range map[string]func() error{
		"delete":         func() error { return f.c.DeleteGroupIfUnchanged(ctx, "g", "events", shown) },
		"delete offsets": func() error { return f.c.DeleteGroupOffsetsIfUnchanged(ctx, "g", "events", shown) },
	} {
		var stale *kafka.StaleError
		if err := del(); !errors.As(err, &stale) || len(stale.Moved) != 1 || stale.Moved[0].Partition != 1 || stale.Moved[0].Now != 8 {
			t.Fatalf("%s after partition 1 moved: err %v, want a StaleError for it", name, err)
		}
		if got := committed(t, f.adm, "g", "events"); fmt.Sprint(got) != "map[0:4 1:8]" {
			t.Fatalf("%s refused but deleted: commits now %v", name, got)
		}
	}
	// A commit on a partition that had none when shown counts as a move.
	commit(t, f.adm, "h", "events", map[int32]int64{0: 1})
	commit(t, f.adm, "h", "events", map[int32]int64{1: 2})
	if err := f.c.DeleteGroupOffsetsIfUnchanged(ctx, "h", "events", map[int32]int64{0: 1}); !errors.Is(err, kafka.ErrOffsetsMoved) {
		t.Fatalf("a commit appeared since shown: err %v, want ErrOffsetsMoved", err)
	}
	if err := f.c.DeleteGroupOffsetsIfUnchanged(ctx, "g", "events", map[int32]int64{0: 4, 1: 8}); err != nil {
		t.Fatalf("unchanged: %v", err)
	}
	if got := committed(t, f.adm, "g", "events"); len(got) != 0 {
		t.Fatalf("offsets left %v", got)
	}
}
