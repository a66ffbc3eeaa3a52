package tui

import (
	"errors"
	"strings"
	"testing"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// TestCommitReviewReadsFirst: C does not fill the dialog from the last
// refresh: it reads the group's commits in a command and says so, and only
// the answer to that read fills the dialog.
func TestCommitReviewReadsFirst(t *testing.T) {
	m, cmd := update(peeked(80, 24), keyMsg("C"))
	defer m.Close()
	if _, ok := m.prompt().action.(commitReadAction); !ok || cmd == nil || !m.loading() {
		t.Fatalf("C opened %T without a read in flight", m.prompt().action)
	}
	if !strings.Contains(m.View(), "reading the current offsets") {
		t.Error("the dialog does not say it is reading the offsets")
	}
	// An answer to an older read is dropped.
	stale, _ := update(m, commitReadMsg{gen: m.reviewing - 1})
	if _, ok := stale.prompt().action.(commitReadAction); !ok {
		t.Fatal("an older read filled the dialog")
	}
	// The figures read differ from the snapshot's 600: the dialog shows them.
	g, _ := m.snap.Group(m.batchPage().target.ID())
	pos := append([]model.PartitionLag(nil), g.Partitions...)
	pos[0].Committed = 700
	m, _ = update(m, commitReadMsg{gen: m.reviewing, position: pos})
	a, ok := m.prompt().action.(commitAction)
	if !ok || a.changes[0].Before != 700 || a.changes[0].After != 602 {
		t.Fatalf("dialog %T %+v, want partition 0 from 700 to 602", m.prompt().action, a.changes)
	}
	if body := strings.Join(m.prompt().body, " "); !strings.Contains(body, "moves partition 0 back from 700 to 602") {
		t.Errorf("no warning that the commit moves back: %s", body)
	}
	if m.loading() {
		t.Error("still loading once the figures are in")
	}
	// A failed read commits nothing and says why.
	m2, _ := update(peeked(80, 24), keyMsg("C"))
	defer m2.Close()
	m2, cmd = update(m2, commitReadMsg{gen: m2.reviewing, err: errors.New("boom")})
	if m2.prompt() != nil || !hasStatus(cmd, widget.LevelError, "nothing committed") {
		t.Error("a failed read did not close the dialog with an error")
	}
}

// TestCommitRefusedOnMovedOffsets: when the cluster refuses the commit
// because the group moved, the dialog opens again on the new figures, and
// the batch is not marked committed.
func TestCommitRefusedOnMovedOffsets(t *testing.T) {
	m := pressCommit(peeked(80, 24))
	defer m.Close()
	a := m.prompt().action.(commitAction)
	m = press(m, "y")
	se := &kafka.StaleError{Group: a.target.ID(), Topic: a.target.Group.Topic,
		Moved: []kafka.MovedOffset{{Partition: 1, Shown: 50, HadShown: true, Now: 90, HasNow: true}}}
	m, cmd := update(m, commitMsg{id: a.batch, target: a.target, changes: a.changes, err: se})
	if m.batchPage().committed != "" || m.commitBusy {
		t.Fatal("a refused commit counts as committed or running")
	}
	if !hasStatus(cmd, widget.LevelWarn, "not committed") {
		t.Error("the status bar does not say the commit was refused")
	}
	b, ok := m.prompt().action.(commitAction)
	if !ok || b.changes[0].Before != 600 || b.changes[1].Before != 90 || b.changes[1].After != 52 {
		t.Fatalf("dialog after the refusal: %T %+v", m.prompt().action, b.changes)
	}
	if body := strings.Join(m.prompt().body, " "); !strings.Contains(body, "partition 1 was 50, now 90") {
		t.Errorf("the dialog does not say what moved: %s", body)
	}
}
