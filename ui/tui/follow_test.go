package tui

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

const followTestTopic = "live"

// followRig is a kfake cluster with the topic live of 3 partitions, each
// holding 5 records before any follow starts, and a TUI model on it.
type followRig struct {
	t        *testing.T
	brokers  []string
	cluster  *kafka.Cluster
	fetches  atomic.Int64 // Fetch requests the cluster got
	producer *kgo.Client
	m        Model
	msgs     chan tea.Msg
}

func newFollowRig(t *testing.T, tailBuffer int) *followRig {
	t.Helper()
	fake, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(3, followTestTopic))
	for p := range int32(3) {
		kafkatest.Produce(t, brokers, followTestTopic, kafkatest.Values(p, 5, func(i int) string { return fmt.Sprintf("old-%d-%d", p, i) })...)
	}
	r := &followRig{t: t, brokers: brokers, msgs: make(chan tea.Msg, 256)}
	fake.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		r.fetches.Add(1)
		return nil, nil, false // observe only
	})
	r.cluster = connect(t, kafka.Config{Brokers: brokers})
	r.producer = kafkatest.Client(t, brokers, kgo.DefaultProduceTopic(followTestTopic), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	r.m = sized(New(Deps{Cluster: r.cluster, Base: "svc", Brokers: brokers, TailBuffer: tailBuffer}), 80, 24)
	t.Cleanup(func() { r.m.Close() })
	return r
}

// follow opens the follow page on the topic and waits until it fetches:
// from then on every record produced is the follow's.
func (r *followRig) follow() {
	r.t.Helper()
	before := r.fetches.Load()
	var cmd tea.Cmd
	r.m, cmd = r.m.startFollow(intentFollow{topic: followTestTopic})
	runAll(cmd, r.msgs)
	kafkatest.Eventually(r.t, 15*time.Second, func() error {
		if r.fetches.Load() == before {
			return errors.New("the follow sent no fetch")
		}
		return nil
	})
}

// press sends keys to the model and runs what they ask for.
func (r *followRig) press(keys ...string) {
	for _, k := range keys {
		var cmd tea.Cmd
		r.m, cmd = update(r.m, keyMsg(k))
		runAll(cmd, r.msgs)
	}
}

// until feeds the messages of the commands to the model until cond holds.
func (r *followRig) until(what string, cond func(v followView) bool) {
	r.t.Helper()
	kafkatest.Eventually(r.t, 20*time.Second, func() error {
		for !cond(r.m.followPage()) {
			select {
			case msg := <-r.msgs:
				if msg == nil {
					continue
				}
				var cmd tea.Cmd
				r.m, cmd = update(r.m, msg)
				runAll(cmd, r.msgs)
			default:
				v := r.m.followPage()
				return fmt.Errorf("still waiting for %s (%d records arrived, %d shown):\n%s", what, v.arrived, v.count(), r.m.View())
			}
		}
		return nil
	})
}

// produce writes n records to each partition, values "new-p-i" and keys
// "k-p-i", from a goroutine, a few at a time.
func (r *followRig) produce(n int) <-chan error {
	done := make(chan error, 1)
	cl := r.producer
	go func() {
		for i := 0; i < n; i += 10 {
			var recs []*kgo.Record
			for p := range int32(3) {
				for j := i; j < min(i+10, n); j++ {
					recs = append(recs, &kgo.Record{Partition: p, Key: fmt.Appendf(nil, "k-%d-%d", p, j), Value: fmt.Appendf(nil, "new-%d-%d", p, j)})
				}
			}
			if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	return done
}

func (m Model) followPage() followView { return pageOn[followView](m) }

// heldByPartition lists the values the ring holds, per partition, in order.
func heldByPartition(v followView, ring recordRing) map[int32][]string {
	out := map[int32][]string{}
	for i := range ring.Len() {
		r := ring.At(i)
		out[r.Partition] = append(out[r.Partition], fmt.Sprintf("%d@%d=%s", r.Partition, r.Offset, r.Value))
	}
	return out
}

func TestFollowPageShowsEveryNewRecordInOrder(t *testing.T) {
	r := newFollowRig(t, 1000)
	r.follow()
	if r.m.topKind() != pageNone || r.m.followPage().id == 0 {
		t.Fatalf("the follow page is not on top")
	}
	done := r.produce(40)
	r.until("120 records", func(v followView) bool { return v.arrived >= 120 })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	v := r.m.followPage()
	if v.arrived != 120 || v.all.Len() != 120 {
		t.Fatalf("%d records arrived, %d held, want 120 (only those produced after the start)", v.arrived, v.all.Len())
	}
	got := heldByPartition(v, v.all)
	for p := range int32(3) {
		var want []string
		for i := range 40 {
			want = append(want, fmt.Sprintf("%d@%d=new-%d-%d", p, 5+i, p, i))
		}
		if !slices.Equal(got[p], want) {
			t.Errorf("partition %d holds %v, want %v", p, got[p], want)
		}
	}
	// The cursor followed the stream: the newest record is on the last row.
	if v.cur.Index != v.count()-1 {
		t.Errorf("cursor on row %d of %d: it did not follow the stream", v.cur.Index, v.count())
	}
	last := v.all.At(v.all.Len() - 1)
	view := r.m.View()
	if !strings.Contains(view, string(last.Key)) {
		t.Errorf("the newest record %s is not on screen:\n%s", last.Key, view)
	}
	if !strings.Contains(view, "120 records") {
		t.Errorf("the header does not count 120 records:\n%s", view)
	}
}

func TestFollowPageRingIsBounded(t *testing.T) {
	r := newFollowRig(t, 25)
	r.follow()
	done := r.produce(40)
	r.until("120 records", func(v followView) bool { return v.arrived >= 120 })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	v := r.m.followPage()
	if v.all.Len() != 25 || v.count() != 25 {
		t.Fatalf("the ring holds %d records (list %d), want its bound 25", v.all.Len(), v.count())
	}
	// What it holds is the newest of each partition, in order.
	for p, held := range heldByPartition(v, v.all) {
		for i, s := range held {
			var off, n int
			if _, err := fmt.Sscanf(s[strings.Index(s, "@")+1:], "%d=new-", &off); err != nil {
				t.Fatal(err)
			}
			n = len(held)
			if want := 45 - n + i; off != want {
				t.Errorf("partition %d: held %v, not the newest %d in order", p, held, n)
				break
			}
		}
	}
}

func TestFollowPageCursorStaysOnItsRecord(t *testing.T) {
	r := newFollowRig(t, 1000)
	r.follow()
	done := r.produce(10)
	r.until("30 records", func(v followView) bool { return v.arrived >= 30 })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	r.press("home")
	first := r.m.followPage().all.At(0)
	done = r.produce(10)
	r.until("60 records", func(v followView) bool { return v.arrived >= 60 })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	v := r.m.followPage()
	if sel, _, _ := v.selected(); v.cur.Index != 0 || sel.Offset != first.Offset || sel.Partition != first.Partition {
		t.Errorf("the cursor moved to row %d (%d@%d) while records arrived; it was on the first row", v.cur.Index, sel.Partition, sel.Offset)
	}
}

func TestFollowPagePauseCountsNewRecords(t *testing.T) {
	r := newFollowRig(t, 1000)
	r.follow()
	done := r.produce(10)
	r.until("30 records", func(v followView) bool { return v.arrived >= 30 })
	<-done
	r.press(" ")
	if !r.m.followPage().paused {
		t.Fatal("space did not pause")
	}
	done = r.produce(5)
	r.until("15 more records", func(v followView) bool { return v.arrived >= 45 })
	<-done
	v := r.m.followPage()
	if v.count() != 30 {
		t.Errorf("the paused list shows %d records, want the 30 before the pause", v.count())
	}
	if view := r.m.View(); !strings.Contains(view, "15 new") || !strings.Contains(view, "paused") {
		t.Errorf("the paused view does not say paused and 15 new:\n%s", view)
	}
	r.press(" ")
	if v := r.m.followPage(); v.paused || v.count() != 45 {
		t.Errorf("after resuming: paused %v, %d records shown, want 45", v.paused, v.count())
	}
}

func TestFollowPageFilterCountsMatches(t *testing.T) {
	r := newFollowRig(t, 1000)
	r.follow()
	r.press("/")
	r.m = typeText(r.m, "key:k-1-*")
	r.press("enter")
	done := r.produce(20)
	r.until("60 records", func(v followView) bool { return v.arrived >= 60 })
	<-done
	v := r.m.followPage()
	if v.count() != 20 {
		t.Errorf("the list shows %d records, want the 20 of partition 1", v.count())
	}
	for i := range v.count() {
		if rec := v.shown().At(i); rec.Partition != 1 {
			t.Errorf("row %d is %d@%d, which key:k-1-* does not keep", i, rec.Partition, rec.Offset)
		}
	}
	if view := r.m.View(); !strings.Contains(view, "20 of 60 match") {
		t.Errorf("the filter line does not say 20 of 60 match:\n%s", view)
	}
	// A new filter runs over the records held too.
	r.press("/", "ctrl+u")
	r.m = typeText(r.m, "new-2-1")
	r.press("enter")
	r.until("the refilter", func(v followView) bool { return !v.filtering })
	if view := r.m.View(); !strings.Contains(view, "11 of 60 match") {
		t.Errorf("the new filter does not say 11 of 60 match (new-2-1, new-2-10…19):\n%s", view)
	}
	// A bad filter says why in the filter line and changes nothing.
	r.press("/", "ctrl+u")
	r.m = typeText(r.m, "jq:.a >")
	r.press("enter")
	view := r.m.View()
	if !strings.Contains(view, "jq:") || !strings.Contains(view, "✗") {
		t.Errorf("the bad filter's error is not in the filter line:\n%s", view)
	}
	if v := r.m.followPage(); v.flt.String() != "new-2-1" {
		t.Errorf("the bad filter replaced the applied one: %q", v.flt.String())
	}
}

// TestFollowPageEscStopsTheRead leaves a follow waiting on a fetch
// long-poll: the read and the chunk commands return and no goroutine of
// the follow is left.
func TestFollowPageEscStopsTheRead(t *testing.T) {
	r := newFollowRig(t, 1000)
	followThenLeave := func() {
		t.Helper()
		r.follow()
		done := r.produce(2)
		r.until("6 records", func(v followView) bool { return v.arrived >= 6 })
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		r.press("esc")
		if _, ok := r.m.top().(followView); ok {
			t.Fatal("esc did not leave the follow page")
		}
		for _, p := range r.m.closed {
			if _, ok := p.(followView); ok {
				t.Fatal("the follow page left is kept, with its records")
			}
		}
	}
	// Warm up the connections of the cluster and of the producer, like
	// kafka's TestFollowCancelLeavesNoGoroutine.
	followThenLeave()
	baseline := steadyClientGoroutines()
	for range 3 {
		followThenLeave()
		var n int
		var stacks string
		_ = kafkatest.Poll(10*time.Second, func() error {
			if n, stacks = clientGoroutines(); n > baseline {
				return errors.New("goroutines left")
			}
			return nil
		})
		if n > baseline {
			t.Fatalf("%d goroutines after leaving the follow, %d before:\n%s", n, baseline, stacks)
		}
	}
}

// clientGoroutines counts the goroutines of the process but the cluster's
// (kfake serves every connection with goroutines of its own, and the
// test's other clients may open connections at any time).
func clientGoroutines() (int, string) {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var kept []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if !strings.Contains(g, "franz-go/pkg/kfake") {
			kept = append(kept, g)
		}
	}
	return len(kept), strings.Join(kept, "\n\n")
}

// steadyClientGoroutines is clientGoroutines once the count held still for
// a tenth of a second (or after 5 s): what is left once a follow wound down.
func steadyClientGoroutines() int {
	n, _ := clientGoroutines()
	for range 50 {
		time.Sleep(100 * time.Millisecond)
		m, _ := clientGoroutines()
		if m == n {
			break
		}
		n = m
	}
	return n
}

func TestFollowPageNeverJoinsNorCommits(t *testing.T) {
	r := newFollowRig(t, 1000)
	ctx := context.Background()
	adm := r.cluster.Admin()
	const group = "svc-live"
	var commits kadm.Offsets
	commits.AddOffset(followTestTopic, 0, 2, -1)
	if err := adm.CommitAllOffsets(ctx, group, commits); err != nil {
		t.Fatalf("commit: %v", err)
	}
	groupsBefore, err := adm.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	offsetsBefore, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	r.follow()
	done := r.produce(5)
	r.until("15 records", func(v followView) bool { return v.arrived >= 15 })
	<-done
	r.press("esc")
	groupsAfter, err := adm.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	offsetsAfter, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	if b, a := groupsBefore.Groups(), groupsAfter.Groups(); !slices.Equal(b, a) {
		t.Errorf("groups before %v, after %v", b, a)
	}
	before, after := offsetsBefore.Offsets(), offsetsAfter.Offsets()
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("offsets of %s before %v, after %v", group, before, after)
	}
}

// followed is the follow page on spent_detail_topic, opened from its groups
// view, from fixed data, with records arrived.
func followed(w, h int, recs []model.Record) Model {
	m := press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "f")
	m, _ = update(m, followChunkMsg{id: m.followPage().id, records: recs})
	return m
}

// TestEndToEndFollowFromTheGroupsView runs the TUI as a program: f in the
// groups view of a topic follows it, and records a producer writes from
// then on show up on screen; esc goes back to the groups.
func TestEndToEndFollowFromTheGroupsView(t *testing.T) {
	r := newFollowRig(t, 1000)
	d := drive(t, New(Deps{Cluster: r.cluster, Base: "svc", Brokers: r.brokers}), 80, 24)
	wait := func(what string) { t.Helper(); d.wait(what) }
	wait(followTestTopic)
	before := r.fetches.Load()
	d.keys("enter")
	wait("groups of the base")
	d.keys("f")
	wait("waiting for records")
	kafkatest.Eventually(t, 15*time.Second, func() error {
		if r.fetches.Load() == before {
			return errors.New("the follow sent no fetch")
		}
		return nil
	})
	done := r.produce(3)
	wait("k-2-2")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	d.keys("esc")
	wait("groups of the base")
	fm := d.quit("q")
	if _, ok := fm.top().(followView); ok {
		t.Error("esc did not leave the follow")
	}
}
