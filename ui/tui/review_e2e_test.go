package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// moveGroup commits offset on partition 0 of group from outside kgroups,
// as another shell would.
func moveGroup(t *testing.T, adm *kadm.Client, group string, offset int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	os := make(kadm.Offsets)
	os.Add(kadm.Offset{Topic: demo.SpentTopic, Partition: 0, At: offset, LeaderEpoch: -1})
	resp, err := adm.CommitOffsets(ctx, group, os)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestEndToEndCommitReviewOnCurrentFigures is the scenario: peek 5
// records of partition 0 from its start, move the group to start+10 from
// outside, press C. The dialog shows what the cluster has now (start+10 →
// start+5) and warns that the commit moves the group back. Moved again
// before y, the commit is refused: the group stays where the outside put
// it, and the dialog shows the new figures.
func TestEndToEndCommitReviewOnCurrentFigures(t *testing.T) {
	group := demo.Base + "-" + demo.SpentTopic + "-incremental"
	d := startOps(t, "incremental")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pos, err := d.cl.Position(ctx, group, demo.SpentTopic)
	if err != nil {
		t.Fatal(err)
	}
	start := pos[0].Start
	if pos[0].End < start+20 {
		t.Fatalf("setup: partition 0 holds %d records", pos[0].End-start)
	}

	d.keys("enter") // the group's partitions
	d.wait("no live member")
	d.keys("p") // partition 0 is filled in
	d.wait("Peek " + group)
	d.keys("right", "tab", "ctrl+u") // from earliest; records:
	d.typeText("5")
	d.keys("enter")
	d.wait("C commits this batch")

	moveGroup(t, d.cl.Admin(), group, start+10)
	d.keys("C")
	// The row of partition 0: the figure read just now, moving back.
	d.wait(fmt.Sprintf("%14s  → %-14s  back %s: re-read", widget.Count(start+10), widget.Count(start+5), widget.Count(5)),
		"Warning: this moves partition 0 back from "+widget.Count(start+10))
	moveGroup(t, d.cl.Admin(), group, start+12)
	d.keys("y")
	d.wait("Not committed")
	fm := d.quit("ctrl+c")

	if got := fetchOffsets(t, d.cl.Admin(), group)[0]; got != start+12 {
		t.Fatalf("partition 0 committed at %d, want %d where the outside put it", got, start+12)
	}
	recs := fm.batchPage().records
	if len(recs) != 5 || recs[0].Offset != start || recs[4].Offset != start+4 {
		t.Fatalf("peeked %d records from %d, want 5 from %d", len(recs), recs[0].Offset, start)
	}
	if fm.batchPage().committed != "" {
		t.Fatalf("the batch is marked committed: %q", fm.batchPage().committed)
	}
	if fm.prompt() == nil {
		t.Fatal("no dialog with the new figures")
	}
	a, ok := fm.prompt().action.(commitAction)
	if !ok || len(a.changes) != 1 || a.changes[0].Before != start+12 || a.changes[0].After != start+5 {
		t.Fatalf("dialog after the refusal: %T %+v, want partition 0 from %d to %d", fm.prompt().action, a.changes, start+12, start+5)
	}
	body := strings.Join(fm.prompt().body, "\n")
	for _, want := range []string{
		"partition 0 was " + widget.Count(start+10) + ", now " + widget.Count(start+12),
		"moves partition 0 back from " + widget.Count(start+12) + " to " + widget.Count(start+5),
		"read 7 records again",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dialog lacks %q:\n%s", want, body)
		}
	}
}

// TestEndToEndResetRefusedOnMovedOffsets: a reset plan is applied only on
// the figures it shows. Moved from outside while the plan is on screen, y
// writes nothing and the dialog shows the plan again on the new figures;
// a second y applies that one.
func TestEndToEndResetRefusedOnMovedOffsets(t *testing.T) {
	group := demo.Base + "-" + demo.SpentTopic + "-incremental"
	d := startOps(t, "incremental")
	d.keys("R")
	d.wait("Reset " + group)
	d.keys("enter") // earliest
	d.wait("nothing is written until you apply")
	moveGroup(t, d.cl.Admin(), group, 13)
	moved := fetchOffsets(t, d.cl.Admin(), group)
	d.keys("y")
	d.wait("Not applied", "partition 0 was", "now 13")
	if now := fetchOffsets(t, d.cl.Admin(), group); fmt.Sprint(now) != fmt.Sprint(moved) {
		t.Fatalf("a stale plan wrote: commits %v, the outside left %v", now, moved)
	}
	// The note shows only above a plan: the new one is on screen.
	d.keys("y")
	d.wait("every partition took its new offset")
	fm := d.quit("ctrl+c")

	plan := fm.flow().Result.Plan
	if len(plan.Partitions) == 0 || plan.Partitions[0].Partition != 0 || !plan.Partitions[0].HasCurrent || plan.Partitions[0].Current != 13 {
		t.Fatalf("the applied plan was not computed on the new figures: %+v", plan.Partitions)
	}
	after := fetchOffsets(t, d.cl.Admin(), group)
	for _, p := range plan.Partitions {
		if after[p.Partition] != p.New {
			t.Errorf("partition %d committed %d, planned %d", p.Partition, after[p.Partition], p.New)
		}
	}
}

// TestEndToEndDeleteRefusedOnMovedOffsets: a delete confirmed on commits
// that moved since the dialog read them deletes nothing; the dialog shows
// the group as it is now, and enter again deletes it.
func TestEndToEndDeleteRefusedOnMovedOffsets(t *testing.T) {
	group := demo.Base + "-" + demo.SpentTopic + "-full-index"
	d := startOps(t, "full-index")
	d.keys("D")
	d.wait("Type the group name to confirm")
	d.typeText(group)
	moveGroup(t, d.cl.Admin(), group, 3)
	moved := fetchOffsets(t, d.cl.Admin(), group)
	d.keys("enter")
	d.wait("Not deleted", "now 3")
	if now := fetchOffsets(t, d.cl.Admin(), group); fmt.Sprint(now) != fmt.Sprint(moved) {
		t.Fatalf("a stale delete deleted: commits %v, the outside left %v", now, moved)
	}
	d.keys("enter")
	d.wait("no commit left on " + demo.SpentTopic)
	d.quit("ctrl+c")
	d.requireNoCommit(group, "the confirmed delete")
}
