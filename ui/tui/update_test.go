package tui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// statusOf returns the status lines cmd would show.
func statusOf(cmd tea.Cmd) []widget.StatusMsg {
	var out []widget.StatusMsg
	for _, msg := range msgsOf(cmd) {
		if s, ok := msg.(widget.StatusMsg); ok {
			out = append(out, s)
		}
	}
	return out
}

func hasStatus(cmd tea.Cmd, level widget.StatusLevel, substr string) bool {
	for _, s := range statusOf(cmd) {
		if s.Level == level && strings.Contains(s.Text, substr) {
			return true
		}
	}
	return false
}

func TestNavigation(t *testing.T) {
	tests := []struct {
		name      string
		keys      []string
		wantPage  page
		wantTopic string // selected or open topic
		wantGroup string
	}{
		{"starts on topics", nil, pageTopics, "evil\x1b[31mred\x07topic", ""},
		{"down moves", []string{"down", "down"}, pageTopics, "spent_detail_topic", ""},
		{"end then up", []string{"end", "up"}, pageTopics, "spent_detail_topic", ""},
		{"enter opens groups", []string{"down", "down", "enter"}, pageGroups, "spent_detail_topic", testBase + "-spent_detail_topic"},
		{"enter on a group opens partitions", []string{"down", "down", "enter", "down", "enter"}, pagePartitions, "spent_detail_topic", testBase + "-spent_detail_topic-full-index"},
		{"esc goes back", []string{"down", "down", "enter", "esc"}, pageTopics, "spent_detail_topic", ""},
		{"esc twice from partitions", []string{"down", "down", "enter", "enter", "esc", "esc"}, pageTopics, "spent_detail_topic", ""},
		{"esc on the first page stays", []string{"esc"}, pageTopics, "evil\x1b[31mred\x07topic", ""},
		{"filter narrows and enter keeps it", []string{"/", "u", "s", "e", "r", "enter"}, pageTopics, "user_events", ""},
		{"q while filtering is text", []string{"/", "q", "backspace", "enter"}, pageTopics, "evil\x1b[31mred\x07topic", ""},
		{"esc clears an applied filter first", []string{"/", "u", "s", "e", "r", "enter", "esc"}, pageTopics, "user_events", ""},
		{"sort keeps the selection", []string{"down", "s"}, pageTopics, "orders", ""},
		{"sort by lag puts the most lag first", []string{"s", "home"}, pageTopics, "user_events", ""},
		{"missing default group opens its would-be partitions", []string{"end", "enter", "enter"}, pagePartitions, "user_events", testBase + "-user_events"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := press(loaded(fixedSnapshot(), 80, 24), tt.keys...)
			defer m.Close()
			if m.topKind() != tt.wantPage {
				t.Fatalf("page %v, want %v", m.topKind(), tt.wantPage)
			}
			switch m.topKind() {
			case pageTopics:
				if r, _ := m.topicsPage().selected(); r.Name != tt.wantTopic {
					t.Errorf("selected topic %q, want %q", r.Name, tt.wantTopic)
				}
			case pageGroups:
				if m.groupsPage().topic != tt.wantTopic {
					t.Errorf("groups of %q, want %q", m.groupsPage().topic, tt.wantTopic)
				}
				if r, _ := m.groupsPage().selected(); r.id() != tt.wantGroup {
					t.Errorf("selected group %q, want %q", r.id(), tt.wantGroup)
				}
			case pagePartitions:
				if m.partitionsPage().group.ID != tt.wantGroup {
					t.Errorf("partitions of %q, want %q", m.partitionsPage().group.ID, tt.wantGroup)
				}
			}
		})
	}
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m := loaded(fixedSnapshot(), 80, 24)
		_, cmd := update(m, keyMsg(k))
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s does not quit", k)
		}
		m.Close()
	}
	// While a filter is being typed, q is a letter.
	m := press(loaded(fixedSnapshot(), 80, 24), "/")
	defer m.Close()
	m, cmd := update(m, keyMsg("q"))
	for _, msg := range msgsOf(cmd) {
		if _, ok := msg.(tea.QuitMsg); ok {
			t.Error("q quits while typing a filter")
		}
	}
	if m.topicsPage().list.Filter.Input.Value() != "q" {
		t.Errorf("filter %q, want q", m.topicsPage().list.Filter.Input.Value())
	}
}

// TestRefreshKeepsPlace checks that a new snapshot never moves the cursor:
// the selection follows the item, not the row number.
func TestRefreshKeepsPlace(t *testing.T) {
	m := press(loaded(fixedSnapshot(), 80, 24), "down", "down", "enter", "down", "down")
	defer m.Close()
	if r, _ := m.groupsPage().selected(); r.Group.Name.Suffix != "incremental" {
		t.Fatalf("setup: selected %q", r.id())
	}
	snap := fixedSnapshot()
	// A new group sorts before the selected one, and a topic before the open one.
	spent, _ := snap.Topic("spent_detail_topic")
	snap.Groups = append(snap.Groups, testGroup(spent, "aaa-new", "Empty", []int64{1, 1, 1}))
	sortGroups(snap.Groups)
	snap.Topics = append([]model.Topic{testTopic("aardvark", false, [2]int64{0, 1})}, snap.Topics...)
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: snap})
	if r, _ := m.groupsPage().selected(); r.Group.Name.Suffix != "incremental" {
		t.Errorf("after refresh the groups cursor is on %q, want incremental", r.id())
	}
	m = press(m, "esc")
	if r, _ := m.topicsPage().selected(); r.Name != "spent_detail_topic" {
		t.Errorf("after refresh the topics cursor is on %q, want spent_detail_topic", r.Name)
	}
}

func TestStaleResultsDropped(t *testing.T) {
	m := loaded(fixedSnapshot(), 80, 24)
	defer m.Close()
	old := m.snapGen
	m, _ = update(m, keyMsg("r")) // a newer request is in flight
	if m.snapGen == old {
		t.Fatal("r did not start a refresh")
	}
	stale := fixedSnapshot()
	stale.Topics = nil
	m, _ = update(m, snapshotMsg{gen: old, base: testBase, snap: stale})
	if len(m.topicsPage().list.Rows) == 0 {
		t.Error("a stale snapshot replaced the current one")
	}
	if !m.snapLoading {
		t.Error("a stale snapshot ended the loading of the newer one")
	}

	m = peeked(80, 24)
	defer m.Close()
	id := m.batchPage().id
	m, _ = update(m, batchMsg{id: id - 1, kind: batchPeek, records: testRecords("x")[:1]})
	if len(m.batchPage().records) != 4 {
		t.Errorf("a stale batch replaced the shown one: %d records", len(m.batchPage().records))
	}
}

func TestAutoRefresh(t *testing.T) {
	now := fixedNow
	clock := func() time.Time { return now }
	tests := []struct {
		name    string
		refresh time.Duration
		elapsed time.Duration
		want    bool
	}{
		{"before the interval", 5 * time.Second, 4 * time.Second, false},
		{"after the interval", 5 * time.Second, 5 * time.Second, true},
		{"disabled", 0, time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = fixedNow
			m := sized(New(Deps{Base: testBase, Refresh: tt.refresh, Now: clock}), 80, 24)
			defer m.Close()
			m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
			now = fixedNow.Add(tt.elapsed)
			m, _ = update(m, clockMsg{gen: m.clockGen, at: now})
			if m.snapLoading != tt.want {
				t.Errorf("refreshing = %v, want %v", m.snapLoading, tt.want)
			}
		})
	}
}

func TestConsumePrompt(t *testing.T) {
	m := press(openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic"), "down", "c")
	defer m.Close()
	if m.prompt() == nil {
		t.Fatal("c opened no dialog")
	}
	if got := m.prompt().value(0); got != "100" {
		t.Errorf("default count %q, want 100", got)
	}
	// Invalid counts keep the prompt open with a reason.
	for _, bad := range []string{"0", "abc", "-5", "2000000"} {
		m = press(m, "ctrl+u")
		m = press(typeText(m, bad), "enter")
		if m.prompt() == nil || m.prompt().err == "" {
			t.Fatalf("count %q accepted", bad)
		}
		if _, ok := m.prompt().action.(consumeCountAction); !ok {
			t.Fatalf("count %q moved on to %T", bad, m.prompt().action)
		}
	}
	m = press(typeText(press(m, "ctrl+u"), "250"), "enter")
	a, ok := m.prompt().action.(consumeConfirmAction)
	if !ok || a.n != 250 || a.target.ID() != testBase+"-spent_detail_topic-full-index" {
		t.Fatalf("confirm step %+v", m.prompt().action)
	}
	// n cancels: nothing starts.
	if c := press(m, "n"); c.prompt() != nil || c.batchBusy != 0 || c.topKind() != pageGroups {
		t.Errorf("n did not cancel: dialog %v, busy %d", c.prompt() != nil, c.batchBusy)
	}
	m, cmd := update(m, keyMsg("y"))
	if m.prompt() != nil || m.topKind() != pageBatch || m.batchBusy == 0 || !m.batchPage().loading || m.batchPage().kind != batchConsume {
		t.Fatalf("y did not start the consume: page %v busy %d loading %v", m.topKind(), m.batchBusy, m.batchPage().loading)
	}
	if cmd == nil {
		t.Fatal("no command for the consume")
	}
	if !strings.Contains(m.View(), "joining "+testBase+"-spent_detail_topic-full-index") {
		t.Error("the batch view does not say it is joining the group")
	}
	// A second read waits for the first.
	m2, cmd2 := update(press(m, "esc"), keyMsg("p"))
	if m2.prompt() != nil || !hasStatus(cmd2, widget.LevelWarn, "still running") {
		t.Error("a second read started while one is running")
	}
}

func TestReadOnly(t *testing.T) {
	m := New(Deps{Base: testBase, ReadOnly: true, Now: nowFixed})
	m = sized(m, 80, 24)
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
	defer m.Close()
	m, cmd := update(m, keyMsg("c"))
	if m.prompt() != nil || !hasStatus(cmd, widget.LevelWarn, "read-only") {
		t.Error("consume is not refused in read-only mode")
	}
	if !strings.Contains(m.View(), "READ-ONLY") {
		t.Error("the header does not say READ-ONLY")
	}
	m = press(m, "p")
	if m.prompt() == nil {
		t.Fatal("peek is refused in read-only mode")
	}
}

// TestConsumeRefusal: c on a group the snapshot shows with live members is
// refused at once, naming them, before any count is asked; forcing is a
// second, typed confirmation that asks for the count itself.
func TestConsumeRefusal(t *testing.T) {
	m := press(openTopic(loaded(fixedSnapshot(), 80, 24), "user_events"), "end", "c")
	defer m.Close()
	if m.prompt() == nil || m.prompt().kind != dialogRefusal || !m.prompt().canForce {
		t.Fatalf("c on a live group opened %+v, want a forcible refusal", m.prompt())
	}
	if view := m.View(); !strings.Contains(view, "indexer@/10.0.0.7") || strings.Contains(view, "How many records") {
		t.Errorf("the refusal does not name the member, or asks for a count:\n%s", view)
	}
	if m.batchBusy != 0 || m.topKind() == pageBatch {
		t.Error("the refused consume started or left the groups view")
	}
	m = press(m, "f")
	if _, ok := m.prompt().action.(forceConfirmAction); !ok {
		t.Fatalf("f led to %T", m.prompt().action)
	}
	m = press(m, "enter") // empty confirmation
	if m.prompt() == nil || m.prompt().err == "" {
		t.Fatal("forced without typing force")
	}
	m = press(typeText(m, "yes"), "enter")
	if m.prompt() == nil {
		t.Fatal("forced with a wrong word")
	}
	m = press(typeText(press(m, "ctrl+u"), "force"), "shift+tab", "ctrl+u")
	m = press(typeText(m, "7"), "enter")
	if m.prompt() != nil || !m.batchPage().loading || !m.batchPage().forced || m.batchBusy == 0 || m.batchPage().max != 7 {
		t.Errorf("force did not start a forced consume of 7: loading %v forced %v max %d", m.batchPage().loading, m.batchPage().forced, m.batchPage().max)
	}
	// esc on the refusal closes it without forcing.
	m2 := press(openTopic(loaded(fixedSnapshot(), 80, 24), "user_events"), "end", "c", "esc")
	defer m2.Close()
	if m2.prompt() != nil || m2.batchBusy != 0 {
		t.Error("esc did not close the refusal")
	}
}

// TestConsumeRefusedByCluster: a member that joined after the last refresh
// is refused by the cluster; the refusal offers to force the same count.
func TestConsumeRefusedByCluster(t *testing.T) {
	m := press(openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic"), "down", "c", "enter", "y")
	defer m.Close()
	members := []model.Member{{ClientID: "late", Host: "/10.0.0.9"}}
	m, _ = update(m, batchMsg{id: m.batchPage().id, kind: batchConsume, target: m.batchPage().target, max: 100,
		err: &kafka.GroupActiveError{Group: m.batchPage().target.ID(), State: "Stable", Members: members}})
	if m.prompt() == nil || m.prompt().kind != dialogRefusal || !m.prompt().canForce || !strings.Contains(m.View(), "late@/10.0.0.9") {
		t.Fatalf("no forcible refusal naming the member: %+v", m.prompt())
	}
	if m.batchBusy != 0 {
		t.Error("the refused consume still counts as running")
	}
	m = press(typeText(press(m, "f"), "force"), "enter")
	if m.prompt() != nil || !m.batchPage().forced || m.batchPage().max != 100 {
		t.Errorf("force did not start a forced consume of the same count: forced %v max %d", m.batchPage().forced, m.batchPage().max)
	}
}

func TestPeekForm(t *testing.T) {
	tests := []struct {
		name      string
		keys      []string
		text      map[int]string // field → text typed after clearing it
		want      kafka.PeekRequest
		wantError bool
		errHas    string // part of the reason shown, when set
	}{
		{name: "group position by default", want: kafka.PeekRequest{From: kafka.PeekCommitted, Max: 100}},
		{name: "earliest, 5 records", keys: []string{"right"}, text: map[int]string{peekFieldMax: "5"},
			want: kafka.PeekRequest{From: kafka.PeekEarliest, Max: 5}},
		{name: "offset", keys: []string{"right", "right"}, text: map[int]string{peekFieldOffset: "42"},
			want: kafka.PeekRequest{From: kafka.PeekOffset, Offset: 42, Max: 100}},
		{name: "offset missing", keys: []string{"right", "right"}, wantError: true},
		{name: "timestamp ago", keys: []string{"left", "left"}, text: map[int]string{peekFieldTime: "15m"},
			want: kafka.PeekRequest{From: kafka.PeekTimestamp, Time: fixedNow.Add(-15 * time.Minute), Max: 100}},
		{name: "timestamp RFC 3339", keys: []string{"left", "left"}, text: map[int]string{peekFieldTime: "2025-03-14T08:00:00Z"},
			want: kafka.PeekRequest{From: kafka.PeekTimestamp, Time: time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC), Max: 100}},
		{name: "last N on one partition", keys: []string{"left"}, text: map[int]string{peekFieldMax: "3", peekFieldPartition: "2"},
			want: kafka.PeekRequest{From: kafka.PeekLast, Max: 3, Partition: ptr(int32(2))}},
		{name: "partition out of range", text: map[int]string{peekFieldPartition: "7"}, wantError: true},
		{name: "timestamp before 1970", keys: []string{"left", "left"}, text: map[int]string{peekFieldTime: "1969-12-31T23:59:59.999Z"},
			wantError: true, errHas: "before 1970"},
		{name: "date before 1970", keys: []string{"left", "left"}, text: map[int]string{peekFieldTime: "1969-12-31"},
			wantError: true, errHas: "before 1970"},
		{name: "ago reaching before 1970", keys: []string{"left", "left"}, text: map[int]string{peekFieldTime: "600000h"},
			wantError: true, errHas: "before 1970"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := press(openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic"), "down", "p")
			defer m.Close()
			m = press(m, tt.keys...)
			for field, text := range tt.text {
				d := m.prompt().focusField(field, 1)
				m.modal = &d
				m = typeText(press(m, "ctrl+u"), text)
			}
			m = press(m, "enter")
			if tt.wantError {
				if m.prompt() == nil || m.prompt().err == "" {
					t.Fatal("accepted")
				}
				if !strings.Contains(m.prompt().err, tt.errHas) {
					t.Errorf("reason %q, want it to say %q", m.prompt().err, tt.errHas)
				}
				return
			}
			if m.prompt() != nil {
				t.Fatalf("not accepted: %s", m.prompt().err)
			}
			got := m.batchPage().req
			want := tt.want
			want.Topic, want.Group = "spent_detail_topic", testBase+"-spent_detail_topic-full-index"
			if got.From != want.From || got.Max != want.Max || got.Offset != want.Offset || !got.Time.Equal(want.Time) ||
				got.Topic != want.Topic || got.Group != want.Group || (got.Partition == nil) != (want.Partition == nil) ||
				(got.Partition != nil && *got.Partition != *want.Partition) {
				t.Errorf("request %+v, want %+v", got, want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// pressCommit presses C on a batch and answers the read of the group's
// commits with the snapshot's figures.
func pressCommit(m Model) Model {
	m = press(m, "C")
	g, _ := m.snap.Group(m.batchPage().target.ID())
	m, _ = update(m, commitReadMsg{gen: m.reviewing, position: g.Partitions})
	return m
}

// TestCommitAfterReview commits a peeked batch: each partition moves to the
// offset after its last reviewed record, with a before → after summary.
func TestCommitAfterReview(t *testing.T) {
	m := pressCommit(peeked(80, 24))
	defer m.Close()
	a, ok := m.prompt().action.(commitAction)
	if !ok {
		t.Fatalf("C opened %T", m.prompt().action)
	}
	want := []offsetChange{
		{Partition: 0, Before: 600, HasBefore: true, After: 602, LastReviewed: 601},
		{Partition: 1, Before: 50, HasBefore: true, After: 52, LastReviewed: 51},
	}
	if len(a.changes) != len(want) {
		t.Fatalf("changes %+v, want %+v", a.changes, want)
	}
	for i := range want {
		if a.changes[i] != want[i] {
			t.Errorf("change %d: %+v, want %+v", i, a.changes[i], want[i])
		}
	}
	view := m.View()
	for _, s := range []string{"600", "→ 602", "50", "→ 52"} {
		if !strings.Contains(view, s) {
			t.Errorf("summary lacks %q", s)
		}
	}
	m, cmd := update(m, keyMsg("y"))
	if !m.commitBusy || cmd == nil {
		t.Fatal("y did not start the commit")
	}
	// The cluster refuses: live members. The refusal cannot be forced.
	refused, _ := update(m, commitMsg{id: a.batch, target: a.target, changes: a.changes,
		err: &kafka.GroupActiveError{Group: a.target.ID(), Members: []model.Member{{ClientID: "svc", Host: "/10.1.1.1"}}, Op: kafka.OpCommit}})
	if refused.prompt() == nil || refused.prompt().canForce || !strings.Contains(refused.View(), "svc@/10.1.1.1") {
		t.Error("commit refusal missing, forcible or silent about the member")
	}
	if refused.batchPage().committed != "" {
		t.Error("a refused commit marked the batch committed")
	}
	// The commit succeeds.
	m, cmd = update(m, commitMsg{id: a.batch, target: a.target, changes: a.changes})
	if m.batchPage().committed == "" || !hasStatus(cmd, widget.LevelInfo, "p0→602 p1→52") {
		t.Errorf("success not shown: %q", m.batchPage().committed)
	}
	if !m.snapLoading {
		t.Error("no refresh after the commit")
	}
	_, cmd = update(m, keyMsg("C"))
	if !hasStatus(cmd, widget.LevelInfo, "already committed") {
		t.Error("C committed the same batch twice")
	}
}

func TestReviewChanges(t *testing.T) {
	topic := testTopic("t", false, [2]int64{0, 100}, [2]int64{0, 100}, [2]int64{0, 100})
	recs := func(po ...[2]int64) []model.Record {
		var out []model.Record
		for _, x := range po {
			out = append(out, model.Record{Partition: int32(x[0]), Offset: x[1]})
		}
		return out
	}
	tests := []struct {
		name    string
		records []model.Record
		before  model.Group
		want    []offsetChange
	}{
		{"one partition", recs([2]int64{0, 10}, [2]int64{0, 11}), testGroup(topic, "", "Empty", []int64{10, 5, 5}),
			[]offsetChange{{Partition: 0, Before: 10, HasBefore: true, After: 12, LastReviewed: 11}}},
		{"unsorted, gaps", recs([2]int64{2, 40}, [2]int64{0, 3}, [2]int64{2, 20}), testGroup(topic, "", "Empty", []int64{0, -1, 20}),
			[]offsetChange{{Partition: 0, Before: 0, HasBefore: true, After: 4, LastReviewed: 3}, {Partition: 2, Before: 20, HasBefore: true, After: 41, LastReviewed: 40}}},
		{"no commit yet", recs([2]int64{1, 0}), model.Group{},
			[]offsetChange{{Partition: 1, After: 1, LastReviewed: 0}}},
		{"rewind", recs([2]int64{0, 5}), testGroup(topic, "", "Empty", []int64{50, 0, 0}),
			[]offsetChange{{Partition: 0, Before: 50, HasBefore: true, After: 6, LastReviewed: 5}}},
		{"empty batch", nil, model.Group{}, []offsetChange{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reviewChanges(tt.records, tt.before)
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("%d: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestNewSuffix(t *testing.T) {
	m := press(openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic"), "n")
	defer m.Close()
	for _, bad := range []string{"", "has space", "bad/char", "\x1b[31m"} {
		m = press(typeText(press(m, "ctrl+u"), bad), "enter")
		if m.prompt() == nil || m.prompt().err == "" {
			t.Errorf("suffix %q accepted", bad)
		}
	}
	m = press(typeText(press(m, "ctrl+u"), "reindex"), "enter")
	if m.topKind() != pageBatch || !m.batchPage().isNew || m.batchPage().target.ID() != testBase+"-spent_detail_topic-reindex" {
		t.Fatalf("new suffix opened page %v target %q new %v", m.topKind(), m.batchPage().target.ID(), m.batchPage().isNew)
	}
	m = press(m, "p")
	if m.prompt() == nil {
		t.Fatal("p on a new suffix opened nothing")
	}
	m = press(m, "enter")
	if m.batchPage().req.Group != testBase+"-spent_detail_topic-reindex" || m.batchPage().req.From != kafka.PeekCommitted {
		t.Errorf("peek of the new suffix: %+v", m.batchPage().req)
	}
}

func TestBatchSearch(t *testing.T) {
	m := typeText(press(peeked(80, 24), "/"), "TRACE")
	defer m.Close()
	m, cmd := update(m, keyMsg("enter"))
	if cmd == nil {
		t.Fatal("no search command")
	}
	for _, msg := range msgsOf(cmd) {
		m, _ = update(m, msg)
	}
	if got := shownOffsets(m); !slices.Equal(got, []int64{600}) {
		t.Errorf("search shows offsets %v, want the record with header trace-id", got)
	}
	m = press(m, "esc")
	if len(m.batchPage().visible()) != len(m.batchPage().records) || m.topKind() != pageBatch {
		t.Error("esc did not clear the search first")
	}
}

func TestMouseWheel(t *testing.T) {
	m := loaded(fixedSnapshot(), 80, 24)
	defer m.Close()
	m, _ = update(m, tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	m, _ = update(m, tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if r, _ := m.topicsPage().selected(); r.Name != "spent_detail_topic" {
		t.Errorf("wheel down twice selects %q", r.Name)
	}
	m, _ = update(m, tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	if r, _ := m.topicsPage().selected(); r.Name != "orders" {
		t.Errorf("wheel up selects %q", r.Name)
	}
}

func TestPartialSnapshotWarns(t *testing.T) {
	m := loaded(partialSnapshot(), 160, 50)
	defer m.Close()
	if !strings.Contains(m.View(), "warning: partial data, 1 item(s) failed: group "+testBase+"-orders-replay: coordinator not available") {
		t.Error("the partial snapshot is not reported as a warning")
	}
	if len(m.topicsPage().list.Rows) != 4 {
		t.Error("the partial snapshot's data is not shown")
	}
	// A failed refresh keeps the last data, marked stale, and shows the error.
	m, _ = update(press(m, "r"), snapshotMsg{gen: m.snapGen + 1, base: testBase, err: errors.New("boom")})
	if view := m.View(); len(m.topicsPage().list.Rows) != 4 || !strings.Contains(view, "error: boom") || !strings.Contains(view, "STALE") {
		t.Errorf("a failed refresh lost the data, the error or the stale mark:\n%s", view)
	}
}

// TestKeyBurst checks keys typed faster than the terminal is read, which
// arrive as one message, act one by one.
func TestKeyBurst(t *testing.T) {
	m := loaded(fixedSnapshot(), 80, 24)
	defer m.Close()
	m, _ = update(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj/user")})
	if !m.topicsPage().list.Filter.Editing || m.topicsPage().list.Filter.Input.Value() != "user" {
		t.Errorf("filter %q (editing %v), want user", m.topicsPage().list.Filter.Input.Value(), m.topicsPage().list.Filter.Editing)
	}
	m, _ = update(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x y"), Paste: true})
	if m.topicsPage().list.Filter.Input.Value() != "userx y" {
		t.Errorf("paste gave %q", m.topicsPage().list.Filter.Input.Value())
	}
}

// TestStatusBarKeepsTheCause: an error too long for the bar loses its
// middle, not its last words, which say what went wrong.
func TestStatusBarKeepsTheCause(t *testing.T) {
	long := "open ./my-batch-consumer-spent_detail_topic-full-index-20261128-101149.jsonl/x: no such file or directory"
	tests := []struct {
		name  string
		msg   widget.StatusMsg
		width int
		want  []string
	}{
		{"error cut in the middle", widget.StatusMsg{Level: widget.LevelError, Text: long}, 80, []string{"error: open ./my-batch", "…", "no such file or directory"}},
		{"error that fits", widget.StatusMsg{Level: widget.LevelError, Text: "boom"}, 80, []string{"error: boom"}},
		{"info cut at the end", widget.StatusMsg{Level: widget.LevelInfo, Text: long}, 80, []string{"open ./my-batch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := loaded(fixedSnapshot(), tt.width, 24)
			defer m.Close()
			m, _ = update(m, tt.msg)
			lines := strings.Split(m.View(), "\n")
			bar := lines[len(lines)-2]
			if w := ansi.StringWidth(bar); w > tt.width {
				t.Errorf("status bar is %d cells wide, want at most %d", w, tt.width)
			}
			for _, want := range tt.want {
				if !strings.Contains(bar, want) {
					t.Errorf("status bar %q lacks %q", bar, want)
				}
			}
		})
	}
}

// TestConsumeEmptyBatchSaysWhy checks that a consume that read nothing says
// "read all" only when the group's lag is 0, and never "offsets committed".
func TestConsumeEmptyBatchSaysWhy(t *testing.T) {
	g := testBase + "-spent_detail_topic"
	tests := []struct {
		name   string
		msg    batchMsg
		level  widget.StatusLevel
		status string // in the status bar
		screen string // in the batch view
	}{
		{"caught up", batchMsg{lagKnown: true}, widget.LevelInfo, "has read all of spent_detail_topic", "at the end of every partition"},
		{"lag left on partitions others hold", batchMsg{lagKnown: true, lagLeft: 600}, widget.LevelWarn, "lag on spent_detail_topic is 600", "still has lag 600"},
		{"lag unknown", batchMsg{}, widget.LevelWarn, "could not be read", "c consumes"},
		{"assigned no partitions", batchMsg{err: &kafka.NotAssignedError{Group: g, Topic: "spent_detail_topic",
			Members: []model.Member{{ClientID: "indexer", Host: "10.0.0.7"}}}}, widget.LevelError, "assigned no partitions", "indexer@10.0.0.7 kept them"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := press(openTopic(loaded(fixedSnapshot(), 120, 30), "spent_detail_topic"), "c", "enter", "y")
			defer m.Close()
			if !m.batchPage().loading {
				t.Fatal("c, enter, y did not start a consume")
			}
			msg := tt.msg
			msg.id, msg.kind, msg.target, msg.max = m.batchPage().id, batchConsume, m.batchPage().target, 100
			m, cmd := update(m, msg)
			if !hasStatus(cmd, tt.level, tt.status) {
				t.Errorf("status %+v, want %q", statusOf(cmd), tt.status)
			}
			if hasStatus(cmd, widget.LevelInfo, "committed") && !hasStatus(cmd, widget.LevelInfo, "nothing committed") {
				t.Errorf("an empty consume claims a commit: %+v", statusOf(cmd))
			}
			if view := m.View(); !strings.Contains(view, tt.screen) {
				t.Errorf("the batch view does not say %q:\n%s", tt.screen, view)
			}
		})
	}
}

// TestRefusalNamesKilledKgroups checks that the refusal dialog says when a
// live member is probably a killed kgroups, and when its session ends.
func TestRefusalNamesKilledKgroups(t *testing.T) {
	m := press(openTopic(loaded(fixedSnapshot(), 120, 40), "user_events"), "end", "c", "enter", "y")
	defer m.Close()
	m, _ = update(m, batchMsg{id: m.batchPage().id, kind: batchConsume, target: m.batchPage().target, max: 100,
		err: &kafka.GroupActiveError{Group: testBase + "-user_events-realtime-alerts", State: "Stable", OwnClientID: "kgroups",
			Members: []model.Member{{ID: "a", ClientID: "kgroups", Host: "10.0.0.9"}, {ID: "b", ClientID: "alerts", Host: "10.0.0.8"}}}})
	view := m.View()
	if !strings.Contains(view, "probably a kgroups") || !strings.Contains(view, "45s after its last heartbeat") {
		t.Errorf("the refusal does not name the killed kgroups:\n%s", view)
	}
	if strings.Count(view, "probably a kgroups") != 1 {
		t.Errorf("the foreign member is named as a kgroups too:\n%s", view)
	}
}

// TestDialogReasonWraps checks that a form's reason longer than the dialog
// is wrapped, not cut: its end is shown.
func TestDialogReasonWraps(t *testing.T) {
	m := press(openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic"), "down", "p", "left", "left")
	defer m.Close()
	d := m.prompt().focusField(peekFieldTime, 1)
	m.modal = &d
	m = press(typeText(press(m, "ctrl+u"), "1969-12-31T23:59:59.999999999Z"), "enter")
	if m.prompt() == nil || !strings.Contains(m.prompt().err, "where Kafka time starts") {
		t.Fatalf("no reason: %+v", m.prompt())
	}
	if view := m.View(); strings.Contains(view, "…") || !strings.Contains(view, "starts ") {
		t.Errorf("the reason is cut:\n%s", view)
	}
}
