package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// TestEndToEndPeekThenCommit drives the TUI against an in-process cluster
// seeded like the demo: open the topic, the default group, peek its first
// partition from the group's position, commit the reviewed batch, and
// check that the group moved by exactly that batch.
func TestEndToEndPeekThenCommit(t *testing.T) {
	cl, brokers := seededCluster(t)
	group := demo.Base + "-" + demo.SpentTopic
	before := fetchOffsets(t, cl.Admin(), group)

	d := drive(t, New(Deps{Cluster: cl, Base: demo.Base, Brokers: brokers}), 160, 50)
	d.wait(demo.SpentTopic)
	d.keys("/")
	d.typeText(demo.SpentTopic)
	d.keys("enter", "enter")
	d.wait("groups of the base")
	d.keys("enter") // the default group comes first
	d.wait("no live member")
	d.keys("p") // from the partitions view: partition 0 is filled in
	d.wait("Peek " + group)
	d.keys("enter")
	d.wait("C commits this batch")
	d.keys("C")
	d.wait("Commit the reviewed batch?")
	d.keys("y")
	d.wait("committed p0→")
	fm := d.quit("q")

	// The batch is partition 0 from the committed offset on.
	recs := fm.batchPage().records
	if len(recs) == 0 {
		t.Fatal("no record peeked")
	}
	for i, r := range recs {
		if r.Partition != 0 || r.Offset != before[0]+int64(i) {
			t.Fatalf("record %d is %d@%d, want 0@%d", i, r.Partition, r.Offset, before[0]+int64(i))
		}
	}
	after := fetchOffsets(t, cl.Admin(), group)
	for p, o := range before {
		want := o
		if p == 0 {
			want = o + int64(len(recs))
		}
		if after[p] != want {
			t.Errorf("partition %d committed %d, want %d (before %d, batch of %d)", p, after[p], want, o, len(recs))
		}
	}
	if len(after) != len(before) {
		t.Errorf("committed partitions %v, before %v", after, before)
	}
}

// TestEndToEndConsumeRefusedOnLiveGroup consumes from a group a member
// holds: the TUI refuses and names the member, and commits nothing.
func TestEndToEndConsumeRefusedOnLiveGroup(t *testing.T) {
	if testing.Short() {
		t.Skip("joins a live group")
	}
	d, cl := startDemo(t, demo.Options{NoProducer: true})
	before := fetchOffsets(t, cl.Admin(), demo.LiveGroup)

	run := drive(t, New(Deps{Cluster: cl, Base: demo.Base, Brokers: d.Brokers()}), 160, 50)
	run.wait(demo.UserEventsTopic)
	run.keys("/")
	run.typeText(demo.UserEventsTopic)
	run.keys("enter", "enter")
	run.wait("realtime-alerts")
	run.keys("end", "c")
	// Refused at once, naming the member: no count asked, nothing read.
	run.wait("is in use: refused")
	fm := run.quit("ctrl+c")
	if fm.prompt() == nil || fm.prompt().kind != dialogRefusal || !fm.prompt().canForce {
		t.Fatalf("c on a live group opened %+v, want a refusal that can be forced", fm.prompt())
	}
	if view := fm.View(); !strings.Contains(view, "live member(s) hold it") || !strings.Contains(view, "holds "+demo.UserEventsTopic+"/") {
		t.Errorf("the refusal does not name the member and what it holds:\n%s", view)
	}
	if fm.topKind() == pageBatch || fm.batchPage().kind != batchNone || fm.batchBusy != 0 {
		t.Errorf("a refused consume reached the batch screen: page %v, kind %v", fm.topKind(), fm.batchPage().kind)
	}
	after := fetchOffsets(t, cl.Admin(), demo.LiveGroup)
	for p, o := range before {
		if after[p] != o {
			t.Errorf("partition %d moved from %d to %d", p, o, after[p])
		}
	}
}

// seededCluster starts an in-process cluster seeded like the demo and
// dials it; both end with the test.
func seededCluster(t *testing.T) (*kafka.Cluster, []string) {
	t.Helper()
	_, brokers := kafkatest.NewCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := demo.Seed(ctx, brokers); err != nil {
		t.Fatal(err)
	}
	cl, err := kafka.Dial(ctx, kafka.Config{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl, brokers
}

// startDemo starts the demo (cluster, live groups, jobs) with opt and
// dials it; both end with the test.
func startDemo(t *testing.T, opt demo.Options) (*demo.Demo, *kafka.Cluster) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := demo.Start(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	cl, err := kafka.Dial(ctx, kafka.Config{Brokers: d.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return d, cl
}

func fetchOffsets(t *testing.T, adm *kadm.Client, group string) map[int32]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	resp.Each(func(o kadm.OffsetResponse) { out[o.Partition] = o.At })
	return out
}

// TestEndToEndConsume consumes a batch through the registry: the group's
// offsets move by exactly the records shown, and kgroups does not stay a
// member of the group afterwards.
func TestEndToEndConsume(t *testing.T) {
	cl, brokers := seededCluster(t)
	group := demo.Base + "-" + demo.UserEventsTopic + "-analytics"
	before := fetchOffsets(t, cl.Admin(), group)

	d := drive(t, New(Deps{Cluster: cl, Base: demo.Base, Brokers: brokers}), 80, 24)
	d.wait(demo.UserEventsTopic)
	d.keys("/")
	d.typeText(demo.UserEventsTopic)
	d.keys("enter", "enter")
	d.wait("analytics")
	d.keys("down", "c") // the default group of user_events does not exist: its row comes first
	d.wait("How many records?")
	d.keys("ctrl+u")
	d.typeText("25")
	d.keys("enter")
	d.wait("Consume and commit?")
	d.keys("y")
	d.wait("consumed 25 records as")
	fm := d.quit("q")

	if fm.batchPage().kind != batchConsume || len(fm.batchPage().records) != 25 {
		t.Fatalf("batch kind %v with %d records, want a consume of 25", fm.batchPage().kind, len(fm.batchPage().records))
	}
	last := map[int32]int64{}
	for _, r := range fm.batchPage().records {
		last[r.Partition] = max(last[r.Partition], r.Offset+1)
	}
	after := fetchOffsets(t, cl.Admin(), group)
	for p, o := range before {
		want := o
		if l, ok := last[p]; ok {
			want = l
		}
		if after[p] != want {
			t.Errorf("partition %d committed %d, want %d", p, after[p], want)
		}
	}
	state, members, err := cl.LiveMembers(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 0 {
		t.Errorf("kgroups is still a member of %s (%s): %+v", group, state, members)
	}
}
