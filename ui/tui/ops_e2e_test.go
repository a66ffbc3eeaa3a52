package tui

import (
	"context"
	"testing"
	"time"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/demo"
)

// opsDriver runs the TUI against a seeded in-process cluster, with the
// groups view of the demo's spent topic filtered down to one suffix.
type opsDriver struct {
	driver
	cl *kafka.Cluster
}

func startOps(t *testing.T, suffix string) opsDriver {
	t.Helper()
	cl, brokers := seededCluster(t)
	d := opsDriver{driver: drive(t, New(Deps{Cluster: cl, Base: demo.Base, Brokers: brokers}), 160, 50), cl: cl}
	d.open(suffix)
	return d
}

// open filters the groups of the demo's spent topic down to suffix.
func (d opsDriver) open(suffix string) {
	d.wait(demo.SpentTopic)
	d.keys("/")
	d.typeText(demo.SpentTopic)
	d.keys("enter", "enter")
	d.wait("groups of the base")
	d.keys("/")
	d.typeText(suffix)
	d.keys("enter")
}

// TestEndToEndResetToEarliest resets a group to earliest from the groups
// view: R, enter (earliest is the first mode), y. The group's commits are
// then exactly the plan, which is the log start of every partition.
func TestEndToEndResetToEarliest(t *testing.T) {
	group := demo.Base + "-" + demo.SpentTopic + "-incremental"
	d := startOps(t, "incremental")
	before := fetchOffsets(t, d.cl.Admin(), group)
	d.keys("R")
	d.wait("Reset " + group)
	d.keys("enter")
	d.wait("nothing is written until you apply")
	// Nothing moved while the plan is shown.
	if now := fetchOffsets(t, d.cl.Admin(), group); len(now) != len(before) {
		t.Fatalf("the plan wrote: %v, before %v", now, before)
	}
	d.keys("y")
	d.wait("every partition took its new offset")
	fm := d.quit("ctrl+c")

	plan := fm.flow().Result.Plan
	if plan.Group != group || plan.Topic != demo.SpentTopic {
		t.Fatalf("plan of %s on %s", plan.Group, plan.Topic)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	starts, err := d.cl.Admin().ListStartOffsets(ctx, demo.SpentTopic)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Partitions) != len(starts[demo.SpentTopic]) {
		t.Fatalf("plan covers %d partitions, the topic has %d", len(plan.Partitions), len(starts[demo.SpentTopic]))
	}
	for _, p := range plan.Partitions {
		if s, _ := starts.Lookup(demo.SpentTopic, p.Partition); p.New != s.Offset {
			t.Errorf("partition %d planned at %d, its log starts at %d", p.Partition, p.New, s.Offset)
		}
	}
	after := fetchOffsets(t, d.cl.Admin(), group)
	want := plan.Offsets()
	if len(after) != len(want) {
		t.Errorf("committed %v, planned %v", after, want)
	}
	for p, o := range want {
		if after[p] != o {
			t.Errorf("partition %d committed %d, planned %d", p, after[p], o)
		}
	}
}

// TestEndToEndDeleteWithTypedName deletes a group from the groups view: D,
// the group's name typed, enter. The group and its commits are gone.
func TestEndToEndDeleteWithTypedName(t *testing.T) {
	group := demo.Base + "-" + demo.SpentTopic + "-full-index"
	d := startOps(t, "full-index")
	if len(fetchOffsets(t, d.cl.Admin(), group)) == 0 {
		t.Fatal("setup: the group has no commits")
	}
	d.keys("D")
	d.wait("Type the group name to confirm")
	d.keys("enter") // nothing typed: refused
	d.wait("type the group name exactly")
	d.typeText(group)
	d.keys("enter")
	d.wait("no commit left on " + demo.SpentTopic)
	fm := d.quit("ctrl+c")

	if fm.flow() == nil || fm.flow().Deleted.Err != nil {
		t.Fatalf("no delete outcome: %+v", fm.flow())
	}
	d.requireNoCommit(group, "the delete")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	state, members, err := d.cl.LiveMembers(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	if (state != "" && state != "Dead") || len(members) != 0 {
		t.Errorf("the group is still there: state %q, %d members", state, len(members))
	}
}

// requireNoCommit fails the test if group has a commit left on the spent
// topic after what.
func (d opsDriver) requireNoCommit(group, after string) {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pos, err := d.cl.Position(ctx, group, demo.SpentTopic)
	if err != nil {
		d.t.Fatal(err)
	}
	for _, p := range pos {
		if p.HasCommitted {
			d.t.Errorf("partition %d still committed at %d after %s", p.Partition, p.Committed, after)
		}
	}
}
