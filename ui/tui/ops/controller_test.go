package ops

import (
	"os"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/journal"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// testEnv is an environment without a cluster: the controller's commands
// are not run, their answers are fed by hand.
func testEnv() Env {
	keys := keymap.DefaultKeyMap()
	st := widget.PlainStyles()
	return Env{
		Keys: &keys, Styles: &st, Base: "svc", Width: 100, Height: 40,
		Now: func() time.Time { return time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC) },
	}
}

func testGroup(members ...model.Member) model.Group {
	name := model.GroupName{Base: "svc", Topic: "t", Suffix: "full-index"}
	return model.Group{ID: name.String(), Name: name, Members: members, Partitions: []model.PartitionLag{
		{Partition: 0, Start: 0, End: 100, Committed: 60, HasCommitted: true, Lag: 40},
	}}
}

func enter() tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyEnter} }

// The controller runs a reset from the request to the outcome without the
// root: the plan is asked for, applied on confirm, and the write tells the
// root to refresh and forget the group's lag history.
func TestControllerResetWithoutTheRoot(t *testing.T) {
	env := testEnv()
	var c Controller
	c, out := c.Open(env, Request{Op: Reset, Group: testGroup(), Topic: "t"})
	if !out.Set || out.Flow == nil || out.Flow.Step != StepForm {
		t.Fatalf("R opens no form: %+v", out)
	}
	c, out = c.Key(env, *out.Flow, enter())
	if out.Flow == nil || out.Flow.Step != StepLoading || out.Cmd == nil || !c.Waiting(out.Flow) {
		t.Fatalf("enter on the form asks for no plan: %+v", out)
	}
	g := testGroup()
	plan := model.BuildPlan(g.ID, "t", "reset to earliest", g.Partitions, map[int32]int64{0: 0})
	c, out = c.Answer(env, out.Flow, PlanMsg{Gen: out.Flow.Wait, Plan: plan})
	if out.Flow == nil || out.Flow.Step != StepPlan {
		t.Fatalf("the plan is not shown: %+v", out)
	}
	c, out = c.Key(env, *out.Flow, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'y'}})
	if out.Flow == nil || out.Flow.Step != StepApplying || c.Writing() == 0 {
		t.Fatalf("y applies nothing: %+v writing %d", out, c.Writing())
	}
	result := model.PlanResult{Plan: plan, Committed: map[int32]int64{0: 0}, Failed: map[int32]error{}}
	c, out = c.Answer(env, out.Flow, AppliedMsg{Gen: c.Writing(), Op: Reset, Result: result})
	if out.Flow == nil || out.Flow.Step != StepDone || c.Writing() != 0 {
		t.Fatalf("the outcome is not shown: %+v", out)
	}
	if !out.Refresh || out.Forget != g.ID {
		t.Errorf("after the write: refresh %v, forget %q; want a refresh and %s forgotten", out.Refresh, out.Forget, g.ID)
	}
}

// Refusals come before any dialog: read-only, and a group with live
// members (a notice naming them for the root to show).
func TestControllerRefusesBeforeTheDialog(t *testing.T) {
	env := testEnv()
	warned := ""
	env.ReadOnly = func(what string) tea.Cmd { warned = what; return nil }
	_, out := Controller{}.Open(env, Request{Op: Reset, Group: testGroup(), Topic: "t"})
	if out.Set || out.Flow != nil || warned == "" {
		t.Errorf("read-only: outcome %+v, warning %q", out, warned)
	}
	env.ReadOnly = nil
	live := model.Member{ClientID: "job", Host: "/10.0.0.3"}
	_, out = Controller{}.Open(env, Request{Op: Delete, Group: testGroup(live), Topic: "t"})
	if out.Flow != nil || out.Refusal == nil || len(out.Refusal.Body) < 2 || out.Refusal.Body[1] != "  job@/10.0.0.3" {
		t.Errorf("live group: outcome %+v", out)
	}
}

// The wording shared by the offset operations and the consume and commit
// refusals.
func TestMemberLinesAndMovedText(t *testing.T) {
	lines := MemberLines([]model.Member{
		{ClientID: "job", Host: "/10.0.0.3", Assigned: []model.TopicPartitions{{Topic: "t", Partitions: []int32{0, 2}}}},
		{ClientID: "idle\x1b[31m", Host: "/10.0.0.4"},
	})
	if want := []string{"  job@/10.0.0.3 holds t/0, t/2", `  idle\x1b[31m@/10.0.0.4`}; !slices.Equal(lines, want) {
		t.Errorf("MemberLines = %q, want %q", lines, want)
	}
	moved := MovedText([]kafka.MovedOffset{{Partition: 0, Shown: 10, HadShown: true, Now: 1200, HasNow: true}, {Partition: 1, Now: 5, HasNow: true}})
	if want := "partition 0 was 10, now 1,200; partition 1 was none, now 5"; moved != want {
		t.Errorf("MovedText = %q, want %q", moved, want)
	}
}

// The journal is read again after each snapshot, but its entries only when
// its directory changed: a new change adds a file.
func TestReadChangesOnlyWhenTheJournalChanged(t *testing.T) {
	j := journal.New(t.TempDir())
	record := func() {
		t.Helper()
		tc := journal.NewTopicChange("t", map[int32]int64{0: 5}, map[int32]int64{0: 0})
		if _, err := j.Record(journal.Entry{Group: "g", Kind: journal.KindReset, Command: "reset to earliest", Topics: []journal.TopicChange{tc}}); err != nil {
			t.Fatal(err)
		}
	}
	record()
	// The directory looks an hour old, so the next change surely changes
	// its modification time.
	old := time.Now().Truncate(time.Second).Add(-time.Hour)
	if err := os.Chtimes(j.Dir, old, old); err != nil {
		t.Fatal(err)
	}
	res := widget.NewResources(nil)
	defer res.Close()
	first := ReadChangesCmd(res, j, 1, time.Time{})().(ChangesMsg)
	if first.Unchanged || first.Latest["g"].Command != "reset to earliest" {
		t.Fatalf("first read: %+v", first)
	}
	var c Controller
	c, fresh := c.TakeChanges(first)
	if !fresh {
		t.Fatal("the first read is not taken")
	}
	again := ReadChangesCmd(res, j, 2, c.Changes().Stamp)().(ChangesMsg)
	if !again.Unchanged {
		t.Errorf("an unchanged journal is read again: %+v", again)
	}
	if c, fresh = c.TakeChanges(again); fresh || c.Changes().Latest["g"].Command != "reset to earliest" {
		t.Error("an unchanged read replaced the changes")
	}
	record()
	if next := ReadChangesCmd(res, j, 3, c.Changes().Stamp)().(ChangesMsg); next.Unchanged || len(next.Latest) != 1 {
		t.Errorf("a new change is not read: %+v", next)
	}
}
