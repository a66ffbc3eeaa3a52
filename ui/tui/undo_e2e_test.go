package tui

import (
	"maps"
	"strings"
	"testing"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/kafka/journal"
)

// startJournalled is startOps with an undo journal in a fresh directory.
func startJournalled(t *testing.T, suffix string) (opsDriver, *journal.Journal) {
	t.Helper()
	cl, brokers := seededCluster(t)
	j := journal.New(t.TempDir())
	cl.UseJournal(j, kafka.JournalSource{Via: "kgroups (terminal UI)"})
	d := opsDriver{driver: drive(t, New(Deps{Cluster: cl, Base: demo.Base, Brokers: brokers}), 160, 50), cl: cl}
	d.open(suffix)
	return d, j
}

// resetToEarliest resets the filtered group to earliest from the groups
// view and closes the dialog.
func (d opsDriver) resetToEarliest() {
	d.t.Helper()
	d.keys("R")
	d.wait("show the plan")
	d.keys("enter")
	d.wait("nothing is written until you apply")
	d.keys("y")
	d.wait("every partition took its new offset")
	d.keys("esc")
}

// TestEndToEndUndoAfterReset: after a reset made in the TUI, the groups
// view shows it as the group's last change; u, y restores exactly the
// offsets from before, and the journal records the undo too. (full-index
// is at the log end: none of its offsets from before is below a log start,
// where a restore would be clamped.)
func TestEndToEndUndoAfterReset(t *testing.T) {
	group := demo.Base + "-" + demo.SpentTopic + "-full-index"
	d, j := startJournalled(t, "full-index")
	before := fetchOffsets(t, d.cl.Admin(), group)
	d.resetToEarliest()
	if now := fetchOffsets(t, d.cl.Admin(), group); maps.Equal(now, before) {
		t.Fatalf("setup: the reset moved nothing: %v", now)
	}
	d.wait("reset to earliest (id ")
	d.keys("u")
	d.wait("Undo last change of "+group, "nothing is written until you apply")
	d.keys("y")
	d.wait("every partition took its new offset")
	d.quit("ctrl+c")

	if after := fetchOffsets(t, d.cl.Admin(), group); !maps.Equal(after, before) {
		t.Errorf("after the undo the group is at %v, it was at %v before the reset", after, before)
	}
	last, ok, err := j.Latest(group)
	if err != nil || !ok || last.Kind != journal.KindUndo {
		t.Errorf("the journal's newest change of %s is %+v (%v), want the undo", group, last, err)
	}
}

// TestEndToEndUndoRefusedOnMovedGroup: a group that moved since its last
// change is refused with what moved, and nothing is written; f plans the
// undo anyway, still only a plan.
func TestEndToEndUndoRefusedOnMovedGroup(t *testing.T) {
	group := demo.Base + "-" + demo.SpentTopic + "-incremental"
	d, _ := startJournalled(t, "incremental")
	d.resetToEarliest()
	d.wait("reset to earliest (id ")
	// Someone else moves the group: partition 0 to offset 1.
	moveGroup(t, d.cl.Admin(), group, 1)
	moved := fetchOffsets(t, d.cl.Admin(), group)
	d.keys("u")
	d.wait("plan it anyway")
	d.keys("y") // refused: no apply
	d.keys("f")
	d.wait("Forced:")
	fm := d.quit("ctrl+c")
	if now := fetchOffsets(t, d.cl.Admin(), group); !maps.Equal(now, moved) {
		t.Errorf("a refused undo wrote: %v, was %v", now, moved)
	}
	if f := fm.flow(); f == nil || !f.Forced || !strings.Contains(f.Note, demo.SpentTopic+"/0 left at 0, now 1") {
		t.Errorf("the forced plan does not say what moved: %+v", f)
	}
}

// TestEndToEndUndoDelete: the default group deleted with D stays in the
// groups view as "not created yet", with the delete as its last change; u,
// y recreates it with exactly the offsets it had.
func TestEndToEndUndoDelete(t *testing.T) {
	group := demo.Base + "-" + demo.SpentTopic
	d, _ := startJournalled(t, "")
	before := fetchOffsets(t, d.cl.Admin(), group)
	if len(before) == 0 {
		t.Fatal("setup: the default group has no commits")
	}
	d.keys("D")
	d.wait("Type the group name to confirm")
	d.typeText(group)
	d.keys("enter")
	d.wait("no commit left on " + demo.SpentTopic)
	d.keys("esc")
	d.wait(" ago: delete group")
	d.keys("u")
	d.wait("Undo last change of "+group, "nothing is written until you apply")
	d.keys("y")
	d.wait("every partition took its new offset")
	d.quit("ctrl+c")
	if after := fetchOffsets(t, d.cl.Admin(), group); !maps.Equal(after, before) {
		t.Errorf("after undoing the delete the group is at %v, it was at %v", after, before)
	}
}

// TestEndToEndUndoDeleteSuffixGroup: a suffix group deleted with D keeps a
// "deleted" row; u, y from it recreates the group with exactly its offsets.
func TestEndToEndUndoDeleteSuffixGroup(t *testing.T) {
	group := demo.Base + "-" + demo.SpentTopic + "-full-index"
	d, _ := startJournalled(t, "full-index")
	before := fetchOffsets(t, d.cl.Admin(), group)
	d.keys("D")
	d.wait("Type the group name to confirm")
	d.typeText(group)
	d.keys("enter")
	d.wait("no commit left on " + demo.SpentTopic)
	d.keys("esc")
	d.wait("deleted · u: undo")
	d.keys("u")
	d.wait("Undo last change of "+group, "nothing is written until you apply")
	d.keys("y")
	d.wait("every partition took its new offset")
	d.quit("ctrl+c")
	if after := fetchOffsets(t, d.cl.Admin(), group); !maps.Equal(after, before) {
		t.Errorf("after undoing the delete the group is at %v, it was at %v", after, before)
	}
}
