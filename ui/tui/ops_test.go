package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/ops"
	"github.com/kgroups/kgroups/ui/tui/widget"
	"github.com/kgroups/kgroups/ui/uitest"
)

// Groups of the fixture the offset operations act on.
var (
	fullIndex   = testBase + "-spent_detail_topic-full-index"
	incremental = testBase + "-spent_detail_topic-incremental"
	spentGroup  = testBase + "-spent_detail_topic"
)

// onGroup is the groups view of topic with the row of group selected.
func onGroup(m Model, topic, group string) Model {
	return cursorTo(openTopic(m, topic), groupsList, func(r groupRow) bool { return r.id() == group }, "group "+group)
}

// fixturePlan is what the cluster would plan for group of the fixture:
// BuildPlan over its position with targets from target.
func fixturePlan(group, op string, target func(p model.PartitionLag) (int64, bool)) model.Plan {
	g, _ := fixedSnapshot().Group(group)
	targets := map[int32]int64{}
	for _, p := range g.Partitions {
		if t, ok := target(p); ok {
			targets[p.Partition] = t
		}
	}
	return model.BuildPlan(g.ID, g.Name.Topic, op, g.Partitions, targets)
}

func toOffset(o int64) func(model.PartitionLag) (int64, bool) {
	return func(model.PartitionLag) (int64, bool) { return o, true }
}

// answerPlan feeds the open flow the plan it waits for.
func answerPlan(t *testing.T, m Model, plan model.Plan, source []model.PartitionLag) Model {
	t.Helper()
	if m.flow() == nil || m.flow().Wait == 0 {
		t.Fatalf("no flow waiting for a plan: %+v", m.flow())
	}
	m, _ = update(m, ops.PlanMsg{Gen: m.flow().Wait, Plan: plan, Source: source})
	return m
}

// readBack is the result of executing plan with every partition taken,
// except those in failed.
func readBack(plan model.Plan, failed ...int32) model.PlanResult {
	r := model.PlanResult{Plan: plan, Committed: map[int32]int64{}, Failed: map[int32]error{}}
	for _, p := range plan.Partitions {
		if slices.Contains(failed, p.Partition) {
			r.Committed[p.Partition] = p.Current
			r.Failed[p.Partition] = fmt.Errorf("committed %d, read back %d", p.New, p.Current)
			continue
		}
		r.Committed[p.Partition] = p.New
	}
	return r
}

// focusField puts the focus of the open flow on c.
func focusOp(m Model, c ops.Control) Model {
	f := *m.flow()
	f.Focus = c
	f = f.Refocus()
	m.modal = flowModal{&f}
	return m
}

func TestOpsResetForm(t *testing.T) {
	at := time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		modes   int             // ↓ presses on the mode list
		value   string          // typed in the mode's field, after clearing it
		limit   *string         // typed in partitions, after clearing it
		want    kafka.ResetSpec // checked when wantErr is ""
		wantErr string          // part of the reason shown
		check   func(kafka.ResetSpec) bool
	}{
		{name: "earliest by default", want: kafka.ResetSpec{Mode: kafka.ResetToEarliest}},
		{name: "latest", modes: 1, want: kafka.ResetSpec{Mode: kafka.ResetToLatest}},
		{name: "offset", modes: 2, value: "1,000", want: kafka.ResetSpec{Mode: kafka.ResetToOffset, Offset: 1000}},
		{name: "offset missing", modes: 2, wantErr: "offset: give a number"},
		{name: "offset not a number", modes: 2, value: "12a", wantErr: "offset: give a number"},
		{name: "offset negative", modes: 2, value: "-5", wantErr: "offset: give a number"},
		{name: "per partition", modes: 3, value: "0=10, 2=30", want: kafka.ResetSpec{Mode: kafka.ResetToOffsetMap, OffsetMap: map[int32]int64{0: 10, 2: 30}}},
		{name: "per partition malformed", modes: 3, value: "0:10", wantErr: "is not partition=offset"},
		{name: "per partition twice", modes: 3, value: "1=1,1=2", wantErr: "given twice"},
		{name: "per partition out of range", modes: 3, value: "3=10", wantErr: "partitions 0 to 2"},
		{name: "datetime", modes: 4, value: "2025-03-14T08:00:00Z", want: kafka.ResetSpec{Mode: kafka.ResetToDatetime, Time: at}},
		{name: "datetime with offset", modes: 4, value: "2025-03-14T09:00:00+01:00", want: kafka.ResetSpec{Mode: kafka.ResetToDatetime, Time: at}},
		{name: "datetime not RFC 3339", modes: 4, value: "2025-03-14 08:00", wantErr: "RFC 3339"},
		{name: "datetime before 1970", modes: 4, value: "1969-12-31T23:59:59.999Z", wantErr: "before 1970"},
		{name: "duration reaching before 1970", modes: 5, value: "600000h", wantErr: "before 1970"},
		{name: "duration ago", modes: 5, value: "1h30m", want: kafka.ResetSpec{Mode: kafka.ResetByDuration, Duration: 90 * time.Minute}},
		{name: "duration in days", modes: 5, value: "2d", wantErr: "how long ago"},
		{name: "duration zero", modes: 5, value: "0s", wantErr: "how long ago"},
		{name: "shift back", modes: 6, value: "-100", want: kafka.ResetSpec{Mode: kafka.ResetShiftBy, Shift: -100}},
		{name: "shift forward", modes: 6, value: "+50", want: kafka.ResetSpec{Mode: kafka.ResetShiftBy, Shift: 50}},
		{name: "shift not a number", modes: 6, value: "ten", wantErr: "±N records"},
		{name: "some partitions", limit: ptr("2, 0,2"), want: kafka.ResetSpec{Mode: kafka.ResetToEarliest, Partitions: []int32{0, 2}}},
		{name: "all partitions", modes: 1, limit: ptr("all"), want: kafka.ResetSpec{Mode: kafka.ResetToLatest}},
		{name: "partition out of range", limit: ptr("3"), wantErr: "partitions 0 to 2"},
		{name: "partitions malformed", limit: ptr("0-2"), wantErr: "numbers like 0,2"},
		{name: "mode list stops at the last", modes: 9, value: "5", want: kafka.ResetSpec{Mode: kafka.ResetShiftBy, Shift: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", fullIndex), "R")
			defer m.Close()
			f := m.flow()
			if f == nil || f.Op != ops.Reset || f.Step != ops.StepForm || f.Focus != ops.CtlMode {
				t.Fatalf("R opened %+v", f)
			}
			for range tt.modes {
				m = press(m, "down")
			}
			if tt.value != "" {
				m = typeText(press(m, "tab", "ctrl+u"), tt.value)
			}
			if tt.limit != nil {
				m = typeText(press(focusOp(m, ops.CtlPartitions), "ctrl+u"), *tt.limit)
			}
			spec, specErr := m.flow().ResetSpec(nowFixed)
			m, cmd := update(m, keyMsg("enter"))
			f = m.flow()
			if tt.wantErr != "" {
				if specErr == nil || f.Step != ops.StepForm || !strings.Contains(f.Err, tt.wantErr) || cmd != nil {
					t.Fatalf("step %v, error %q (spec error %v), want %q and no request", f.Step, f.Err, specErr, tt.wantErr)
				}
				if !strings.Contains(m.View(), tt.wantErr) {
					t.Error("the reason is not shown")
				}
				// Editing clears the reason.
				m = press(m, "backspace")
				if m.flow().Err != "" && m.flow().Focus != ops.CtlMode {
					t.Error("editing kept the reason")
				}
				return
			}
			if specErr != nil {
				t.Fatalf("rejected: %v", specErr)
			}
			if f.Step != ops.StepLoading || f.Wait == 0 || cmd == nil {
				t.Fatalf("enter did not ask for the plan: step %v wait %d", f.Step, f.Wait)
			}
			if spec.Mode != tt.want.Mode || spec.Offset != tt.want.Offset || spec.Shift != tt.want.Shift ||
				spec.Duration != tt.want.Duration || !spec.Time.Equal(tt.want.Time) ||
				!slices.Equal(spec.Partitions, tt.want.Partitions) || fmt.Sprint(spec.OffsetMap) != fmt.Sprint(tt.want.OffsetMap) {
				t.Errorf("spec %+v, want %+v", spec, tt.want)
			}
			if spec.Now == nil || !spec.Now().Equal(fixedNow) {
				t.Error("the spec does not use the injected clock")
			}
		})
	}
}

// TestOpsResetFromPartitions checks that a reset from the partitions view
// starts limited to the selected partition.
func TestOpsResetFromPartitions(t *testing.T) {
	m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", fullIndex), "enter", "down", "down", "R")
	defer m.Close()
	if m.flow() == nil || m.flow().Limit.Value() != "2" {
		t.Fatalf("partitions field %q, want 2", m.flow().Limit.Value())
	}
	spec, err := m.flow().ResetSpec(nowFixed)
	if err != nil || !slices.Equal(spec.Partitions, []int32{2}) {
		t.Errorf("spec partitions %v (%v), want [2]", spec.Partitions, err)
	}
}

// TestOpsResetConfirm follows a reset from its plan: nothing is written
// until Apply, and the read-back is shown.
func TestOpsResetConfirm(t *testing.T) {
	plan := fixturePlan(fullIndex, "reset to offset 1000", toOffset(1000))
	planned := func() Model {
		m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", fullIndex), "R", "down", "down", "tab")
		m = press(typeText(m, "1000"), "enter")
		return answerPlan(t, m, plan, nil)
	}
	tests := []struct {
		name      string
		keys      []string
		wantApply bool
		wantOpen  bool
	}{
		{"enter presses Cancel, focused first", []string{"enter"}, false, false},
		{"esc goes back to the form", []string{"esc"}, false, true},
		{"esc twice cancels", []string{"esc", "esc"}, false, false},
		{"n is not a confirmation", []string{"n"}, false, true},
		{"scrolling is not a confirmation", []string{"down", "pgdown", "up"}, false, true},
		{"y applies", []string{"y"}, true, true},
		{"tab then enter presses Apply", []string{"tab", "enter"}, true, true},
		{"← then enter presses Apply", []string{"left", "enter"}, true, true},
		{"tab twice comes back to Cancel", []string{"tab", "tab", "enter"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := planned()
			defer m.Close()
			if f := m.flow(); f.Step != ops.StepPlan || f.Focus != ops.CtlCancel {
				t.Fatalf("plan step %v focus %v", f.Step, f.Focus)
			}
			m = press(m, tt.keys...)
			if applying := m.ops.Writing() != 0; applying != tt.wantApply {
				t.Fatalf("applying = %v, want %v", applying, tt.wantApply)
			}
			if open := m.flow() != nil; open != tt.wantOpen {
				t.Fatalf("open = %v, want %v", open, tt.wantOpen)
			}
			if tt.wantApply && m.flow().Step != ops.StepApplying {
				t.Errorf("step %v, want applying", m.flow().Step)
			}
		})
	}

	// The plan shows each partition's move, the clamp and the totals.
	m := planned()
	defer m.Close()
	view := m.View()
	for _, s := range []string{"Reset " + fullIndex + "?", "reset to offset 1000 on spent_detail_topic · 3 partitions",
		"980*", "clamped", "skips 400", "total lag 2,830 → 550", "[ Apply ]", "[ Cancel ]"} {
		if !strings.Contains(view, s) {
			t.Errorf("the plan lacks %q", s)
		}
	}
	// A stale plan is dropped; the outcome of the write is shown and
	// triggers a refresh.
	m = press(m, "y")
	gen := m.flow().Wait
	m, _ = update(m, ops.PlanMsg{Gen: gen - 1, Err: errors.New("stale")})
	if m.flow().Step != ops.StepApplying {
		t.Fatal("a stale answer moved the flow")
	}
	m, cmd := update(m, ops.AppliedMsg{Gen: gen, Op: ops.Reset, Result: readBack(plan, 2)})
	if f := m.flow(); f.Step != ops.StepDone || m.ops.Writing() != 0 {
		t.Fatalf("step %v writing %d after the outcome", f.Step, m.ops.Writing())
	}
	if !m.snapLoading {
		t.Error("no refresh after the reset")
	}
	if !hasStatus(cmd, widget.LevelWarn, "1 partition(s) did not take") {
		t.Error("the partition that did not take is not reported")
	}
	view = m.View()
	for _, s := range []string{"did not take: partition(s) 2", "did not take: committed 980", "read back", "1,000"} {
		if !strings.Contains(view, s) {
			t.Errorf("the outcome lacks %q", s)
		}
	}
	m = press(m, "enter")
	if m.flow() != nil {
		t.Error("enter did not close the outcome")
	}
}

// TestOpsPlanErrors: a plan the cluster refuses sends the user back to the
// form with the reason; an empty plan cannot be applied.
func TestOpsPlanErrors(t *testing.T) {
	m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", fullIndex), "R", "enter")
	defer m.Close()
	m, _ = update(m, ops.PlanMsg{Gen: m.flow().Wait, Err: errors.New("topic spent_detail_topic has no partition 9")})
	if f := m.flow(); f.Step != ops.StepForm || !strings.Contains(f.Err, "no partition 9") {
		t.Fatalf("step %v err %q", f.Step, f.Err)
	}
	m = answerPlan(t, press(m, "enter"), model.Plan{Group: fullIndex, Topic: "spent_detail_topic", Operation: "reset to earliest"}, nil)
	m = press(m, "y", "tab", "enter")
	if m.ops.Writing() != 0 {
		t.Error("an empty plan was applied")
	}
}

// TestOpsApplyClosedEarly: closing the dialog while the write runs still
// reports its outcome.
func TestOpsApplyClosedEarly(t *testing.T) {
	m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", fullIndex), "R", "enter")
	defer m.Close()
	plan := fixturePlan(fullIndex, "reset to earliest", func(p model.PartitionLag) (int64, bool) { return p.Start, true })
	m = press(answerPlan(t, m, plan, nil), "y")
	gen := m.ops.Writing()
	m, cmd := update(m, keyMsg("esc"))
	if m.flow() != nil || !hasStatus(cmd, widget.LevelInfo, "goes on") {
		t.Fatal("esc while applying did not hide the dialog with a word")
	}
	_, cmd = update(press(m, "R"), keyMsg("R"))
	if !hasStatus(cmd, widget.LevelWarn, "still running") {
		t.Error("a second change started while one is running")
	}
	m, cmd = update(m, ops.AppliedMsg{Gen: gen, Op: ops.Reset, Result: readBack(plan)})
	if m.ops.Writing() != 0 || !hasStatus(cmd, widget.LevelInfo, "reset of "+fullIndex+": committed and read back") {
		t.Error("the outcome of a hidden reset is not reported")
	}
	m, cmd = update(m, ops.AppliedMsg{Gen: gen, Op: ops.Reset, Err: errors.New("boom")})
	if !hasStatus(cmd, widget.LevelError, "boom") {
		t.Error("a failed hidden reset is not reported")
	}
}

// TestOpsLiveRefusal: live members make R, S and D refuse, naming them,
// before or after the plan.
func TestOpsLiveRefusal(t *testing.T) {
	live := testBase + "-user_events-realtime-alerts"
	for _, k := range []string{"R", "S", "D"} {
		m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "user_events", live), k)
		if m.flow() != nil || m.prompt() == nil || m.prompt().kind != dialogRefusal {
			t.Fatalf("%s on a live group: flow %v dialog %v", k, m.flow() != nil, m.prompt() != nil)
		}
		view := m.View()
		if !strings.Contains(view, "indexer@/10.0.0.7 holds user_events/0, user_events/1") || !strings.Contains(view, "refused") {
			t.Errorf("%s: the refusal does not name the member:\n%s", k, view)
		}
		m = press(m, "esc")
		if m.prompt() != nil {
			t.Errorf("%s: esc did not close the refusal", k)
		}
		m.Close()
	}

	// The group turned live between the plan and Apply: the cluster refuses.
	m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", fullIndex), "R", "enter")
	defer m.Close()
	m = press(answerPlan(t, m, fixturePlan(fullIndex, "reset to latest", func(p model.PartitionLag) (int64, bool) { return p.End, true }), nil), "y")
	m, _ = update(m, ops.AppliedMsg{Gen: m.ops.Writing(), Op: ops.Reset, Err: &kafka.GroupActiveError{Group: fullIndex, Op: kafka.OpReset,
		Members: []model.Member{{ClientID: "indexer-2", Host: "/10.0.0.9"}}}})
	if m.flow() != nil || m.prompt() == nil || !strings.Contains(m.View(), "indexer-2@/10.0.0.9") {
		t.Error("the cluster's refusal is not shown with the member")
	}
	if m.ops.Writing() != 0 {
		t.Error("the refused write still counts as running")
	}

	// A delete preview that finds members refuses too.
	m = press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", incremental), "D")
	defer m.Close()
	m, _ = update(m, ops.PreviewMsg{Gen: m.flow().Wait, State: "Stable", Members: []model.Member{{ClientID: "job", Host: "/10.0.0.3"}}})
	if m.flow() != nil || m.prompt() == nil || !strings.Contains(m.View(), "job@/10.0.0.3") {
		t.Error("a delete of a group found live is not refused")
	}
}

func TestOpsReadOnly(t *testing.T) {
	ro := func() Model {
		m := sized(New(Deps{Base: testBase, ReadOnly: true, Now: nowFixed}), 160, 50)
		m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
		return m
	}
	for _, where := range []string{"groups", "partitions"} {
		for _, k := range []string{"R", "S", "N", "D"} {
			m := onGroup(ro(), "spent_detail_topic", fullIndex)
			if where == "partitions" {
				m = press(m, "enter")
			}
			m, cmd := update(m, keyMsg(k))
			if m.flow() != nil || m.prompt() != nil {
				t.Errorf("%s on %s opened a dialog in read-only mode", k, where)
			}
			if !hasStatus(cmd, widget.LevelWarn, "read-only") {
				t.Errorf("%s on %s: no read-only reason in the status bar", k, where)
			}
			help := press(m, "?").View()
			for _, s := range []string{"reset off: read-only", "copy off: read-only", "create off: read-only", "delete off: read-only"} {
				if !strings.Contains(help, s) {
					t.Errorf("%s help lacks %q", where, s)
				}
			}
			m.Close()
		}
	}
	// Without read-only the help offers them plainly.
	m := press(onGroup(loaded(fixedSnapshot(), 160, 50), "spent_detail_topic", fullIndex), "?")
	defer m.Close()
	if v := m.View(); !strings.Contains(v, "reset offsets") || strings.Contains(v, "off: read-only") {
		t.Error("the full help does not offer R plainly")
	}
}

// TestOpsReadOnlyEveryWrite: besides the offset operations, read-only mode
// refuses consuming (which commits) and committing a reviewed batch, with
// the reason, while peeking still reads.
func TestOpsReadOnlyEveryWrite(t *testing.T) {
	m := sized(New(Deps{Base: testBase, ReadOnly: true, Now: nowFixed}), 160, 50)
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
	defer m.Close()
	m = press(openTopic(m, "spent_detail_topic"), "down")
	if _, cmd := update(m, keyMsg("c")); !hasStatus(cmd, widget.LevelWarn, "read-only") {
		t.Error("c (consume, which commits) is not refused read-only")
	}
	m = press(m, "p", "enter")
	if m.batchPage().target.ID() == "" {
		t.Fatal("peek did not start read-only")
	}
	m, _ = update(m, batchMsg{id: m.batchPage().id, kind: batchPeek, target: m.batchPage().target, max: 100,
		req: kafka.PeekRequest{Topic: "spent_detail_topic", Group: m.batchPage().target.ID(), Max: 100}, records: testRecords("spent_detail_topic")})
	if len(m.batchPage().records) == 0 {
		t.Fatal("the peeked records are not shown read-only")
	}
	m, cmd := update(m, keyMsg("C"))
	if m.prompt() != nil || !hasStatus(cmd, widget.LevelWarn, "read-only") {
		t.Error("C (commit after review) is not refused read-only")
	}
	if help := press(m, "?").View(); !strings.Contains(help, "commit off: read-only") {
		t.Error("the batch help does not say why C is off")
	}
}

// TestOpsNotOnForeignGroups: other prefixes, unmatched groups and missing
// groups are not reset, copied onto or deleted.
func TestOpsNotOnForeignGroups(t *testing.T) {
	m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", fullIndex), "o", "end")
	defer m.Close()
	if r, _ := m.groupsPage().selected(); r.Kind != rowUnmatched {
		t.Fatalf("setup: row %+v", r)
	}
	for _, k := range []string{"R", "S", "D"} {
		_, cmd := update(m, keyMsg(k))
		if !hasStatus(cmd, widget.LevelWarn, "not a group of the base") {
			t.Errorf("%s on an unmatched group is not refused", k)
		}
	}
	m2 := press(openTopic(loaded(fixedSnapshot(), 80, 24), "user_events"), "home")
	defer m2.Close()
	if _, cmd := update(m2, keyMsg("D")); !hasStatus(cmd, widget.LevelInfo, "nothing to delete") {
		t.Error("D on the missing default group")
	}
	// A reset of a missing default group creates it: allowed.
	if m3 := press(m2, "R"); m3.flow() == nil {
		t.Error("R on the missing default group opened nothing")
	}
	m4 := onGroup(loaded(fixedSnapshot(), 80, 24), "orders", testBase+"-orders-replay")
	defer m4.Close()
	if _, cmd := update(m4, keyMsg("S")); !hasStatus(cmd, widget.LevelInfo, "no other group") {
		t.Error("S with no sibling")
	}
}

func TestOpsCopy(t *testing.T) {
	m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", incremental), "S")
	defer m.Close()
	f := m.flow()
	if f == nil || f.Step != ops.StepPick {
		t.Fatalf("S opened %+v", f)
	}
	var ids []string
	for _, s := range f.Siblings {
		ids = append(ids, s.ID)
	}
	if want := []string{spentGroup, fullIndex}; !slices.Equal(ids, want) {
		t.Fatalf("siblings %v, want %v (default first, not itself)", ids, want)
	}
	// Side by side from the snapshot: incremental's 1,100 against the
	// default group's 1,200 on partition 0.
	view := m.View()
	for _, s := range []string{"(default)", "full-index", "current", "sibling", "1,100", "1,200"} {
		if !strings.Contains(view, s) {
			t.Errorf("the picker lacks %q", s)
		}
	}
	m = press(m, "down", "down") // stops at the last
	if m.flow().Pick.Index != 1 {
		t.Fatalf("picked %d", m.flow().Pick.Index)
	}
	if v := m.View(); !strings.Contains(v, "600") {
		t.Error("the side by side does not follow the pick")
	}
	m, cmd := update(m, keyMsg("enter"))
	if m.flow().Step != ops.StepLoading || cmd == nil {
		t.Fatal("enter did not ask for the plan")
	}
	full, _ := fixedSnapshot().Group(fullIndex)
	plan := fixturePlan(incremental, "copy offsets from "+fullIndex, func(p model.PartitionLag) (int64, bool) {
		if c := full.Partitions[p.Partition]; c.HasCommitted {
			return c.Committed, true
		}
		return p.Start, true
	})
	m = answerPlan(t, m, plan, full.Partitions)
	view = m.View()
	for _, s := range []string{"Copy offsets onto " + incremental + "?", "copy offsets from " + fullIndex, "sibling", "replays 500", "100*"} {
		if !strings.Contains(view, s) {
			t.Errorf("the copy plan lacks %q", s)
		}
	}
	m = press(m, "y")
	if m.ops.Writing() == 0 {
		t.Fatal("y did not apply the copy")
	}
	m, cmd = update(m, ops.AppliedMsg{Gen: m.ops.Writing(), Op: ops.Copy, Result: readBack(plan)})
	if !hasStatus(cmd, widget.LevelInfo, "copy of "+incremental+": committed and read back") || !strings.Contains(m.View(), "every partition took") {
		t.Error("the copy's outcome is not shown")
	}
}

func TestOpsCreate(t *testing.T) {
	tests := []struct {
		name    string
		suffix  string
		start   int // → presses on the start choice
		at      string
		wantErr string
		wantAt  string
	}{
		{name: "no suffix", wantErr: "give a suffix"},
		{name: "bad suffix", suffix: "a b", wantErr: "letters, digits"},
		{name: "suffix with a space names it", suffix: "a b", wantErr: "U+0020 (space) at position 2"},
		{name: "existing suffix", suffix: "full-index", wantErr: "already exists: move it with R"},
		{name: "earliest", suffix: "audit", wantAt: "earliest"},
		{name: "latest", suffix: "audit", start: 1, wantAt: "latest"},
		{name: "datetime", suffix: "audit", start: 2, at: "2025-03-14T08:00:00Z", wantAt: "2025-03-14T08:00:00Z"},
		{name: "bad datetime", suffix: "audit", start: 2, at: "8am", wantErr: "RFC 3339"},
		{name: "datetime before 1970", suffix: "audit", start: 2, at: "1969-12-31T23:59:59.998Z", wantErr: "before 1970"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := press(openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic"), "N")
			defer m.Close()
			if f := m.flow(); f == nil || f.Op != ops.Create || f.Focus != ops.CtlSuffix {
				t.Fatalf("N opened %+v", f)
			}
			m = press(typeText(m, tt.suffix), "tab")
			for range tt.start {
				m = press(m, "right")
			}
			if tt.at != "" {
				m = typeText(press(m, "tab", "ctrl+u"), tt.at)
			}
			m, cmd := update(m, keyMsg("enter"))
			f := m.flow()
			if tt.wantErr != "" {
				if f.Step != ops.StepForm || !strings.Contains(f.Err, tt.wantErr) || cmd != nil {
					t.Fatalf("step %v err %q", f.Step, f.Err)
				}
				return
			}
			if f.Step != ops.StepLoading || cmd == nil || f.Name.String() != testBase+"-spent_detail_topic-audit" {
				t.Fatalf("step %v group %q", f.Step, f.Name)
			}
			if got := ops.CreateStarts[f.Mode]; tt.wantAt != "" && got != tt.wantAt && f.At.Value() != tt.wantAt {
				t.Errorf("start %q (%q), want %q", got, f.At.Value(), tt.wantAt)
			}
			plan := model.BuildPlan(f.Name.String(), "spent_detail_topic", "create at earliest", missingDefault(testBase, fixedSnapshot().Topics[3]).Partitions,
				map[int32]int64{0: 0, 1: 100, 2: 0})
			m = press(answerPlan(t, m, plan, nil), "y")
			if m.ops.Writing() == 0 {
				t.Error("y did not create the group")
			}
		})
	}
}

func TestOpsDelete(t *testing.T) {
	g, _ := fixedSnapshot().Group(incremental)
	preview := func(m Model) Model {
		m, _ = update(m, ops.PreviewMsg{Gen: m.flow().Wait, State: "Empty", Position: g.Partitions})
		return m
	}
	m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", incremental), "D")
	defer m.Close()
	if f := m.flow(); f == nil || f.Step != ops.StepLoading || f.Wait == 0 {
		t.Fatalf("D did not read the group first: %+v", f)
	}
	m = preview(m)
	if f := m.flow(); f.Step != ops.StepDelete || f.Focus != ops.CtlName {
		t.Fatalf("step %v focus %v", f.Step, f.Focus)
	}
	view := m.View()
	for _, s := range []string{"Delete " + incremental + "?", "Empty · no live member · lag 230", "commits on 3 of 3", "1,100", "Type the group name"} {
		if !strings.Contains(view, s) {
			t.Errorf("the delete dialog lacks %q", s)
		}
	}
	tests := []struct {
		name  string
		typed string
		keys  []string
		want  bool
	}{
		{"nothing typed", "", []string{"enter"}, false},
		{"a prefix", incremental[:10], []string{"enter"}, false},
		{"one letter more", incremental + "x", []string{"enter"}, false},
		{"a different case", strings.ToUpper(incremental), []string{"enter"}, false},
		{"y and n are text", "y", []string{"n", "enter"}, false},
		{"the name, Delete pressed", incremental, []string{"tab", "enter"}, true},
		{"the name, enter in the field", incremental, []string{"enter"}, true},
		{"the name, then Cancel", incremental, []string{"tab", "tab", "enter"}, false},
		{"the name, then esc", incremental, []string{"esc"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := press(typeText(m, tt.typed), tt.keys...)
			if got := m.ops.Writing() != 0; got != tt.want {
				t.Fatalf("deleting = %v, want %v", got, tt.want)
			}
			if !tt.want && m.flow() != nil && tt.keys[len(tt.keys)-1] == "enter" && m.flow().Err == "" {
				t.Error("no reason given for not deleting")
			}
		})
	}
	// The Delete button says it is off until the name matches.
	if v := typeText(m, incremental[:20]).View(); !strings.Contains(v, "[ Delete ]") || !strings.Contains(v, "type the name first") {
		t.Error("the Delete button does not say it is off")
	}
	if v := typeText(m, incremental).View(); strings.Contains(v, "type the name first") {
		t.Error("the Delete button is still off with the name typed")
	}

	// Offsets only, then the outcome read back.
	m = press(typeText(press(m, "shift+tab", "right", "tab"), incremental), "enter")
	f := m.flow()
	if f.Mode != 1 || m.ops.Writing() == 0 {
		t.Fatalf("scope %d writing %d", f.Mode, m.ops.Writing())
	}
	after := slices.Clone(g.Partitions)
	for i := range after {
		after[i].HasCommitted, after[i].Committed = false, 0
	}
	m, cmd := update(m, ops.DeletedMsg{Gen: m.ops.Writing(), Group: incremental, Topic: "spent_detail_topic", OffsetsOnly: true, After: after})
	if m.flow().Step != ops.StepDone || !m.snapLoading || !hasStatus(cmd, widget.LevelInfo, "deleted "+incremental) {
		t.Fatalf("outcome not shown or no refresh: step %v", m.flow().Step)
	}
	if v := m.View(); !strings.Contains(v, "no commit left on spent_detail_topic") || !strings.Contains(v, "✓ gone") {
		t.Errorf("the read back is not shown:\n%s", v)
	}
	// A commit left behind is reported.
	after[1].HasCommitted, after[1].Committed = true, 1300
	_, cmd = update(m, ops.DeletedMsg{Gen: m.ops.Gen() + 1, Group: incremental, Topic: "spent_detail_topic", After: after})
	if !hasStatus(cmd, widget.LevelWarn, "still has commits on partition(s) 1") {
		t.Error("a commit left behind is not reported")
	}
}

// TestOpsStalePreview: an answer to a closed flow is dropped.
func TestOpsStalePreview(t *testing.T) {
	m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", incremental), "D")
	defer m.Close()
	gen := m.flow().Wait
	m = press(m, "esc", "R")
	m, _ = update(m, ops.PreviewMsg{Gen: gen, State: "Empty"})
	if f := m.flow(); f == nil || f.Op != ops.Reset || f.Step != ops.StepForm {
		t.Errorf("a stale preview changed the open flow: %+v", f)
	}
}

// TestOpsPlanEscGoesBack: esc on a plan goes back one step, to the reset
// form or the copy's pick, with what the user chose; esc there closes.
func TestOpsPlanEscGoesBack(t *testing.T) {
	t.Run("reset", func(t *testing.T) {
		m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", fullIndex), "R", "down", "down", "tab")
		m = press(typeText(m, "1000"), "enter")
		mode := m.flow().Mode
		m = press(answerPlan(t, m, fixturePlan(fullIndex, "reset to offset 1000", toOffset(1000)), nil), "esc")
		defer m.Close()
		f := m.flow()
		if f == nil || f.Step != ops.StepForm {
			t.Fatalf("esc on the plan did not go back to the form: %+v", f)
		}
		if f.Mode != mode || f.Vals[mode].Value() != "1000" || f.Focus != ops.CtlValue || len(f.Plan.Partitions) != 0 {
			t.Errorf("the form lost the choice: mode %d (want %d), value %q, focus %v, plan %d partitions",
				f.Mode, mode, f.Vals[f.Mode].Value(), f.Focus, len(f.Plan.Partitions))
		}
		if v := m.View(); !strings.Contains(v, "1000") || strings.Contains(v, "[ Apply ]") {
			t.Errorf("the form is not shown with the value:\n%s", v)
		}
		if m = press(m, "esc"); m.flow() != nil {
			t.Error("esc on the form did not close the flow")
		}
	})
	t.Run("copy", func(t *testing.T) {
		m := press(onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", incremental), "S", "down", "enter")
		picked := m.flow().Pick.Index
		full, _ := fixedSnapshot().Group(fullIndex)
		plan := fixturePlan(incremental, "copy offsets from "+fullIndex, toOffset(1000))
		m = press(answerPlan(t, m, plan, full.Partitions), "esc")
		defer m.Close()
		f := m.flow()
		if f == nil || f.Step != ops.StepPick {
			t.Fatalf("esc on the plan did not go back to the pick: %+v", f)
		}
		if picked != 1 || f.Pick.Index != picked {
			t.Errorf("pick %d after going back, want %d (the second sibling)", f.Pick.Index, picked)
		}
		if m = press(m, "esc"); m.flow() != nil {
			t.Error("esc on the pick did not close the flow")
		}
	})
}

// opScreens are the dialogs of the offset operations, built from the
// fixture.
var opScreens = []struct {
	name  string
	build func(t *testing.T, w, h int) Model
}{
	{"ops_reset_form", func(t *testing.T, w, h int) Model {
		return press(onGroup(loaded(fixedSnapshot(), w, h), "spent_detail_topic", fullIndex), "R", "down", "down", "tab", "1", "0", "0", "0")
	}},
	{"ops_reset_plan", func(t *testing.T, w, h int) Model {
		m := press(onGroup(loaded(fixedSnapshot(), w, h), "spent_detail_topic", fullIndex), "R", "down", "down", "tab", "1", "0", "0", "0", "enter")
		return answerPlan(t, m, fixturePlan(fullIndex, "reset to offset 1000", toOffset(1000)), nil)
	}},
	{"ops_reset_done", func(t *testing.T, w, h int) Model {
		m := press(onGroup(loaded(fixedSnapshot(), w, h), "spent_detail_topic", fullIndex), "R", "enter")
		plan := fixturePlan(fullIndex, "reset to earliest", func(p model.PartitionLag) (int64, bool) { return p.Start, true })
		m = press(answerPlan(t, m, plan, nil), "y")
		m, _ = update(m, ops.AppliedMsg{Gen: m.ops.Writing(), Op: ops.Reset, Result: readBack(plan, 1)})
		return m
	}},
	{"ops_copy_pick", func(t *testing.T, w, h int) Model {
		return press(onGroup(loaded(fixedSnapshot(), w, h), "spent_detail_topic", incremental), "S", "down")
	}},
	{"ops_copy_plan", func(t *testing.T, w, h int) Model {
		m := press(onGroup(loaded(fixedSnapshot(), w, h), "spent_detail_topic", incremental), "S", "down", "enter")
		full, _ := fixedSnapshot().Group(fullIndex)
		plan := fixturePlan(incremental, "copy offsets from "+fullIndex, func(p model.PartitionLag) (int64, bool) {
			if c := full.Partitions[p.Partition]; c.HasCommitted {
				return c.Committed, true
			}
			return p.Start, true
		})
		return press(answerPlan(t, m, plan, full.Partitions), "tab")
	}},
	{"ops_create_form", func(t *testing.T, w, h int) Model {
		m := press(openTopic(loaded(fixedSnapshot(), w, h), "spent_detail_topic"), "N")
		return press(typeText(m, "audit"), "tab", "right", "right")
	}},
	{"ops_delete", func(t *testing.T, w, h int) Model {
		m := press(onGroup(loaded(fixedSnapshot(), w, h), "spent_detail_topic", incremental), "D")
		g, _ := fixedSnapshot().Group(incremental)
		m, _ = update(m, ops.PreviewMsg{Gen: m.flow().Wait, State: "Empty", Position: g.Partitions})
		return typeText(m, testBase+"-spent")
	}},
	{"ops_delete_done", func(t *testing.T, w, h int) Model {
		m := press(onGroup(loaded(fixedSnapshot(), w, h), "spent_detail_topic", incremental), "D")
		g, _ := fixedSnapshot().Group(incremental)
		m, _ = update(m, ops.PreviewMsg{Gen: m.flow().Wait, State: "Empty", Position: g.Partitions})
		m = press(typeText(m, incremental), "enter")
		after := slices.Clone(g.Partitions)
		for i := range after {
			after[i].HasCommitted = false
		}
		m, _ = update(m, ops.DeletedMsg{Gen: m.ops.Writing(), Group: incremental, Topic: "spent_detail_topic", After: after})
		return m
	}},
}

func TestOpsGoldenViews(t *testing.T) {
	for _, s := range opScreens {
		for _, size := range [][2]int{{80, 24}, {160, 50}} {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				m := s.build(t, size[0], size[1])
				defer m.Close()
				view := m.View()
				checkFrame(t, view, size[0], size[1])
				uitest.RequireGolden(t, viewGolden(t), []byte(view))
			})
		}
	}
}

// TestOpsViewsHoldAtAnySize resizes every dialog through small and odd
// sizes: the frame is always exactly the window.
func TestOpsViewsHoldAtAnySize(t *testing.T) {
	for _, s := range opScreens {
		m := s.build(t, 80, 24)
		for _, size := range [][2]int{{100, 30}, {60, 15}, {40, 10}, {200, 60}, {81, 25}, {80, 12}} {
			m = sized(m, size[0], size[1])
			checkFrame(t, m.View(), size[0], size[1])
		}
		m.Close()
	}
}

// TestOpsScrollLongPlan: a plan longer than the window scrolls, and the
// dialog says which partitions it shows.
func TestOpsScrollLongPlan(t *testing.T) {
	ranges := make([][2]int64, 40)
	commits := make([]int64, 40)
	for i := range ranges {
		ranges[i] = [2]int64{0, int64(1000 + i)}
		commits[i] = int64(500 + i)
	}
	snap := fixedSnapshot()
	big := testTopic("big", false, ranges...)
	snap.Topics = append(snap.Topics, big)
	snap.Groups = append(snap.Groups, testGroup(big, "job", "Empty", commits))
	sortGroups(snap.Groups)
	m := press(onGroup(loaded(snap, 80, 24), "big", testBase+"-big-job"), "R", "enter")
	defer m.Close()
	g, _ := snap.Group(testBase + "-big-job")
	targets := map[int32]int64{}
	for _, p := range g.Partitions {
		targets[p.Partition] = 0
	}
	m = answerPlan(t, m, model.BuildPlan(g.ID, "big", "reset to earliest", g.Partitions, targets), nil)
	view := m.View()
	checkFrame(t, view, 80, 24)
	if !strings.Contains(view, "partitions 1–") || !strings.Contains(view, "of 40 shown") || !strings.Contains(view, "[ Apply ]") {
		t.Fatalf("the long plan does not say what it shows or lost its buttons:\n%s", view)
	}
	m = press(m, "pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgdown")
	if v := m.View(); !strings.Contains(v, "of 40 shown") || !strings.Contains(v, "–40 of 40") {
		t.Errorf("pgdown does not reach the last partition:\n%s", v)
	}
	m = press(m, "pgup", "pgup", "pgup", "pgup", "pgup", "pgup", "pgup")
	if m.flow().Scroll != 0 {
		t.Errorf("pgup stops at %d", m.flow().Scroll)
	}
}

// TestOpsPlanInASmallWindow: in a short window the plan drops its blank
// lines before its rows, and keeps its buttons.
func TestOpsPlanInASmallWindow(t *testing.T) {
	m := opScreens[1].build(t, 60, 15)
	defer m.Close()
	view := m.View()
	checkFrame(t, view, 60, 15)
	for _, s := range []string{"part", "600  →", "[ Apply ]"} {
		if !strings.Contains(view, s) {
			t.Errorf("a 60x15 plan lacks %q:\n%s", s, view)
		}
	}
}

// TestOpsDeleteConfirmTakesTheShownName checks that a group whose name holds
// characters the screen shows escaped (a tab, an ESC) can be deleted by
// typing the name as shown, and that anything else is still refused.
func TestOpsDeleteConfirmTakesTheShownName(t *testing.T) {
	name := model.GroupName{Base: testBase, Topic: "spent_detail_topic", Suffix: "old\tjob\x1b"}
	shown := widget.Clean(name.String())
	if shown == name.String() || !strings.Contains(shown, `old\tjob\x1b`) {
		t.Fatalf("the name is not shown escaped: %q", shown)
	}
	long := model.GroupName{Base: testBase, Topic: "spent_detail_topic", Suffix: strings.Repeat("s", 600)}
	tests := []struct {
		name  model.GroupName
		typed string
		want  bool
	}{
		{name, shown, true},
		{name, testBase + "-spent_detail_topic-old job", false},
		{name, shown + "x", false},
		{name, "", false},
		{long, long.String(), true},
	}
	for _, tt := range tests {
		f := ops.Flow{Op: ops.Delete, Name: tt.name}
		f.Text = ops.NewConfirmInput(tt.name)
		for _, r := range tt.typed {
			f.Text.SetValue(f.Text.Value() + string(r))
		}
		if got := f.NameMatches(); got != tt.want {
			t.Errorf("typed %q for %q: matches %v, want %v", tt.typed, tt.name, got, tt.want)
		}
	}
}
