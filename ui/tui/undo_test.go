package tui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/journal"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/ops"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// journalled is m after reading a journal whose newest change of group is
// a reset 12m05s before the fixture's now.
func journalled(m Model, group string) Model {
	e := journal.Entry{ID: "20250314-074755.000", Time: fixedNow.Add(-(12*time.Minute + 5*time.Second)), Group: group,
		Kind: journal.KindReset, Command: "reset to earliest", Via: "kgroups reset", ClusterID: "c1",
		Topics: []journal.TopicChange{journal.NewTopicChange("spent_detail_topic", map[int32]int64{0: 10}, map[int32]int64{0: 0})}}
	m, _ = update(m, ops.ChangesMsg{Seq: 1, Latest: map[string]journal.Entry{group: e}})
	return m
}

// The groups and partitions views show the selected group's last change
// and the key that undoes it; a group without one shows none.
func TestUndoLastChangeLine(t *testing.T) {
	want := "last change 12m05s ago: reset to earliest (id 20250314-074755.000) · u: undo"
	m := journalled(onGroup(loaded(fixedSnapshot(), 160, 50), "spent_detail_topic", fullIndex), fullIndex)
	defer m.Close()
	if !strings.Contains(m.View(), want) {
		t.Errorf("groups view without the last change:\n%s", m.View())
	}
	if p := press(m, "enter"); !strings.Contains(p.View(), want) {
		t.Errorf("partitions view without the last change:\n%s", p.View())
	}
	// At 80 columns the age and the key stay; the id of the change goes,
	// and the group is named as its row names it.
	narrow := journalled(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", fullIndex), fullIndex)
	defer narrow.Close()
	for _, v := range []string{narrow.View(), press(narrow, "enter").View()} {
		if !strings.Contains(v, "last change 12m05s ago") || !strings.Contains(v, "· u: undo") {
			t.Errorf("at 80 columns the last change or its key is cut:\n%s", v)
		}
	}
	other := press(m, "home")
	for i := 0; i < len(other.groupsPage().list.Rows) && other.groupsPage().list.Sel != incremental; i++ {
		other = press(other, "down")
	}
	if other.groupsPage().list.Sel != incremental || strings.Contains(other.View(), "last change") {
		t.Errorf("a group without a change shows one:\n%s", other.View())
	}
}

// A suffix group whose last change deleted it keeps a row, from which u
// undoes the delete.
func TestUndoDeletedGroupRow(t *testing.T) {
	gone := testBase + "-spent_detail_topic-old-job"
	e := journal.Entry{ID: "20250314-080000.000", Time: fixedNow.Add(-time.Hour), Group: gone, Kind: journal.KindDelete,
		Command: "delete group", GroupDeleted: true, ClusterID: "c1",
		Topics: []journal.TopicChange{journal.NewTopicChange("spent_detail_topic", map[int32]int64{0: 10}, nil)}}
	m := openTopic(loaded(fixedSnapshot(), 160, 50), "spent_detail_topic")
	defer m.Close()
	m, _ = update(m, ops.ChangesMsg{Seq: 1, Latest: map[string]journal.Entry{gone: e}})
	i := slices.IndexFunc(m.groupsPage().list.Rows, func(r groupRow) bool { return r.id() == gone })
	if i < 0 || !strings.Contains(m.View(), "old-job") || !strings.Contains(m.View(), "deleted · u: undo") {
		t.Fatalf("no row for the deleted group:\n%s", m.View())
	}
	for range i {
		m = press(m, "down")
	}
	if !strings.Contains(m.View(), gone+" was deleted · last change 1h00m ago: delete group") {
		t.Errorf("the selection line does not say the group was deleted:\n%s", m.View())
	}
	if f := press(m, "u").flow(); f == nil || f.Op != ops.Undo || f.Change.ID != e.ID {
		t.Errorf("u on the deleted group plans no undo of its delete: %+v", f)
	}
	// Once recreated, the group is a group again: no second row.
	recreated := fixedSnapshot()
	recreated.Groups = append(recreated.Groups, model.Group{ID: gone, Name: model.GroupName{Base: testBase, Topic: "spent_detail_topic", Suffix: "old-job"}})
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: recreated})
	n := 0
	for _, r := range m.groupsPage().list.Rows {
		if r.id() == gone {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d rows for the recreated group, want 1", n)
	}
}

// u plans the undo in the plan dialog; another cluster and a moved group
// are refused, the latter until forced.
func TestUndoPlanAndRefusals(t *testing.T) {
	m := press(journalled(onGroup(loaded(fixedSnapshot(), 160, 50), "spent_detail_topic", fullIndex), fullIndex), "u")
	defer m.Close()
	f := m.flow()
	if f == nil || f.Op != ops.Undo || f.Wait == 0 || f.Change.ID != "20250314-074755.000" {
		t.Fatalf("u plans no undo: %+v", f)
	}
	gen := f.Wait

	moved := &kafka.MovedSinceError{ID: f.Change.ID, Group: fullIndex, Moved: []kafka.TopicMoved{{Topic: "spent_detail_topic",
		Moved: []kafka.MovedOffset{{Partition: 0, Shown: 0, HadShown: true, Now: 7, HasNow: true}}}}}
	m, _ = update(m, ops.UndoPlanMsg{Gen: gen, Err: moved})
	view := m.View()
	if f := m.flow(); f == nil || f.Refused == "" || !strings.Contains(view, "spent_detail_topic/0 left at 0, now 7") || !strings.Contains(view, "f: plan it anyway") {
		t.Fatalf("a moved group is not refused with what moved:\n%s", view)
	}
	if m2 := press(m, "y"); m2.ops.Writing() != 0 {
		t.Fatal("y applied a refused undo")
	}
	m = press(m, "f")
	if f := m.flow(); f == nil || f.Wait == 0 || !f.Forced {
		t.Fatalf("f does not plan the undo anyway: %+v", f)
	}

	m = press(journalled(onGroup(loaded(fixedSnapshot(), 160, 50), "spent_detail_topic", fullIndex), fullIndex), "u")
	m, _ = update(m, ops.UndoPlanMsg{Gen: m.flow().Wait, Err: &kafka.OtherClusterError{ID: "x", Recorded: "c1", Connected: "c2", Brokers: []string{"b:9092"}}})
	if m.flow() != nil || m.prompt() == nil || m.prompt().kind != dialogRefusal || !strings.Contains(m.View(), "another cluster") {
		t.Errorf("an undo from another cluster is not refused:\n%s", m.View())
	}
}

// In read-only mode, and on a live group, u refuses before any dialog; a
// group with no change in the journal has nothing to undo.
func TestUndoRefusedBeforeTheDialog(t *testing.T) {
	ro := sized(New(Deps{Base: testBase, ReadOnly: true, Now: nowFixed}), 160, 50)
	ro, _ = update(ro, snapshotMsg{gen: ro.snapGen, base: testBase, snap: fixedSnapshot()})
	for _, where := range []string{"groups", "partitions"} {
		m := journalled(onGroup(ro, "spent_detail_topic", fullIndex), fullIndex)
		if where == "partitions" {
			m = press(m, "enter")
		}
		m, cmd := update(m, keyMsg("u"))
		if m.flow() != nil || m.prompt() != nil || !hasStatus(cmd, widget.LevelWarn, "read-only: undo writes offsets") {
			t.Errorf("u on %s in read-only mode: flow %v, dialog %v", where, m.flow() != nil, m.prompt() != nil)
		}
		if !strings.Contains(m.View(), "u: undo off: read-only") {
			t.Errorf("%s: the last change offers undo in read-only mode:\n%s", where, m.View())
		}
		if help := press(m, "?").View(); !strings.Contains(help, "undo off: read-only") {
			t.Errorf("%s help does not say undo is off:\n%s", where, help)
		}
	}

	live := testBase + "-user_events-realtime-alerts"
	m := press(journalled(onGroup(loaded(fixedSnapshot(), 160, 50), "user_events", live), live), "u")
	defer m.Close()
	if m.flow() != nil || m.prompt() == nil || !strings.Contains(m.View(), "indexer@/10.0.0.7") {
		t.Errorf("u on a live group is not refused with its members:\n%s", m.View())
	}

	m, cmd := update(onGroup(loaded(fixedSnapshot(), 160, 50), "spent_detail_topic", incremental), keyMsg("u"))
	if m.flow() != nil || !hasStatus(cmd, widget.LevelInfo, "nothing to undo") {
		t.Error("u without a change in the journal does not say there is nothing to undo")
	}
}

// Apply writes only on the figures shown: an undo whose group moved since
// the plan is planned again, nothing written; one that goes through shows
// what was read back and refreshes the view.
func TestUndoApplyOnCurrentFigures(t *testing.T) {
	m := press(journalled(onGroup(loaded(fixedSnapshot(), 160, 50), "spent_detail_topic", fullIndex), fullIndex), "u")
	defer m.Close()
	plan := fixturePlan(fullIndex, "undo 20250314-074755.000 (reset to earliest)", toOffset(10))
	up := kafka.UndoPlan{Entry: m.flow().Change, Plans: []model.Plan{plan}}
	m, _ = update(m, ops.UndoPlanMsg{Gen: m.flow().Wait, Plan: up})
	if f := m.flow(); f.Step != ops.StepPlan || len(f.Plan.Partitions) == 0 {
		t.Fatalf("the undo's plan is not shown: %+v", f)
	}
	m = press(m, "y")
	if m.ops.Writing() == 0 {
		t.Fatal("y does not apply the undo")
	}
	stale := &kafka.StaleError{Group: fullIndex, Moved: []kafka.MovedOffset{{Partition: 1, Shown: 100, HadShown: true, Now: 120, HasNow: true}}}
	m, cmd := update(m, ops.UndoneMsg{Gen: m.ops.Writing(), Group: fullIndex, Err: stale})
	f := m.flow()
	if f == nil || f.Wait == 0 || !strings.Contains(f.Note, "partition 1 was 100, now 120") || !hasStatus(cmd, widget.LevelWarn, "not applied") {
		t.Fatalf("a stale undo is not planned again with what moved: %+v", f)
	}
	m, _ = update(m, ops.UndoPlanMsg{Gen: f.Wait, Plan: up})
	m = press(m, "y")
	m.snapLoading = false
	m, cmd = update(m, ops.UndoneMsg{Gen: m.ops.Writing(), Group: fullIndex, Result: kafka.UndoResult{Results: []model.PlanResult{readBack(plan)}}})
	if f := m.flow(); f.Step != ops.StepDone || !m.snapLoading || !hasStatus(cmd, widget.LevelInfo, "undo of "+fullIndex+": restored") {
		t.Errorf("the undo's outcome is not shown, or no refresh: step %v", f.Step)
	}
	if !strings.Contains(m.View(), "every partition took its new offset") {
		t.Errorf("the read-back is not shown:\n%s", m.View())
	}
}

// Undoing a create deletes the commits it made: the dialog says which
// partitions lose theirs, before and after.
func TestUndoCreateDeletesItsCommits(t *testing.T) {
	m := press(journalled(onGroup(loaded(fixedSnapshot(), 160, 50), "spent_detail_topic", fullIndex), fullIndex), "u")
	defer m.Close()
	drop := []model.TopicPartitions{{Topic: "spent_detail_topic", Partitions: []int32{0, 1, 2}}}
	up := kafka.UndoPlan{Entry: m.flow().Change, Drop: drop}
	m, _ = update(m, ops.UndoPlanMsg{Gen: m.flow().Wait, Plan: up})
	if v := m.View(); !strings.Contains(v, "partition(s) 0,1,2 of spent_detail_topic had no commit before the change and lose theirs") {
		t.Fatalf("the plan does not say which commits go:\n%s", v)
	}
	m = press(m, "y")
	if m.ops.Writing() == 0 {
		t.Fatal("an undo that only deletes commits cannot be applied")
	}
	failed := map[string]map[int32]error{"spent_detail_topic": {2: errors.New("GROUP_SUBSCRIBED_TO_TOPIC")}}
	m, _ = update(m, ops.UndoneMsg{Gen: m.ops.Writing(), Group: fullIndex, Result: kafka.UndoResult{DropFailed: failed}})
	v := m.View()
	for _, want := range []string{"some commits were not deleted", "spent_detail_topic partition(s) 0,1: commit deleted", "partition(s) 2: commit not deleted (GROUP_SUBSCRIBED_TO_TOPIC)"} {
		if !strings.Contains(v, want) {
			t.Errorf("the outcome does not say %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "Nothing was committed") {
		t.Errorf("the outcome says nothing happened:\n%s", v)
	}
}
