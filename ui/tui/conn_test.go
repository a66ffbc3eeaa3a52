package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

var (
	testBrokers = []string{"127.0.0.1:41121", "127.0.0.1:37863", "127.0.0.1:44333"}
	errDown     = &kafka.UnreachableError{Brokers: testBrokers, Err: errors.New("dial tcp 127.0.0.1:41121: connect: connection refused")}
	errAuth     = &kafka.AuthError{Broker: testBrokers[0], Mechanism: "SCRAM-SHA-256", Reason: kafka.AuthBadCredentials}
)

// testClock is a clock the test moves by hand.
type testClock struct{ now time.Time }

func (c *testClock) Now() time.Time { return c.now }

// newConnModel is a TUI on base testBase whose clock the test moves, its
// first snapshot in flight.
func newConnModel(clock *testClock, base string) Model {
	return sized(New(Deps{Base: base, Brokers: testBrokers, Refresh: 5 * time.Second, Now: clock.Now}), 80, 24)
}

// tick delivers the one-second clock at the test clock's time.
func tick(m Model, clock *testClock) Model {
	m, _ = update(m, clockMsg{gen: m.clockGen, at: clock.now})
	return m
}

func TestRetryDelay(t *testing.T) {
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, w := range want {
		if got := retryDelay(i + 1); got != w {
			t.Errorf("after %d failures: %s, want %s", i+1, got, w)
		}
	}
	if got := retryDelay(1000); got != retryMax {
		t.Errorf("after 1000 failures: %s", got)
	}
}

// TestRetryBackoff follows an unreachable cluster: each failed snapshot
// plans the next one 1s, 2s, 4s … later; nothing starts before its time;
// the header counts down; the first good snapshot ends it all.
func TestRetryBackoff(t *testing.T) {
	clock := &testClock{now: fixedNow}
	m := newConnModel(clock, testBase)
	defer m.Close()
	for i, delay := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second} {
		m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, err: errDown})
		if m.snapLoading {
			t.Fatalf("failure %d: still loading", i+1)
		}
		if got := m.conn.retryAt.Sub(clock.now); got != delay {
			t.Fatalf("failure %d: next attempt in %s, want %s", i+1, got, delay)
		}
		view := m.View()
		if want := "retrying in " + widget.Age(delay); !strings.Contains(view, want) {
			t.Fatalf("failure %d: the view lacks %q:\n%s", i+1, want, view)
		}
		// One second short of the delay: no attempt, and the countdown moved.
		gen := m.snapGen
		clock.now = clock.now.Add(delay - time.Second)
		m = tick(m, clock)
		if m.snapLoading || m.snapGen != gen {
			t.Fatalf("failure %d: retried %s early", i+1, time.Second)
		}
		if !strings.Contains(m.View(), "retrying in 1s") {
			t.Fatalf("failure %d: the countdown does not say 1s:\n%s", i+1, m.View())
		}
		clock.now = clock.now.Add(time.Second)
		m = tick(m, clock)
		if !m.snapLoading || m.snapGen != gen+1 {
			t.Fatalf("failure %d: no attempt after %s", i+1, delay)
		}
		if !strings.Contains(m.View(), "retrying…") {
			t.Fatalf("failure %d: the header does not say it is retrying:\n%s", i+1, m.View())
		}
		// A tick while the attempt runs starts no second one.
		m = tick(m, clock)
		if m.snapGen != gen+1 {
			t.Fatalf("failure %d: a second attempt overlapped the first", i+1)
		}
	}
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
	if m.conn.down() || m.conn.failures != 0 {
		t.Fatalf("the good snapshot left the failed state: %+v", m.conn)
	}
	if view := m.View(); strings.Contains(view, "OFFLINE") || strings.Contains(view, "retrying") || strings.Contains(view, "error:") {
		t.Errorf("the view still says the cluster is down:\n%s", view)
	}
	// Back to the refresh interval: nothing before 5s, a snapshot at 5s.
	clock.now = clock.now.Add(4 * time.Second)
	if m = tick(m, clock); m.snapLoading {
		t.Error("refreshed before the interval after recovering")
	}
	clock.now = clock.now.Add(time.Second)
	if m = tick(m, clock); !m.snapLoading {
		t.Error("no refresh at the interval after recovering")
	}
}

// TestRetryOnBasePicker retries base detection the same way when kgroups
// starts without a base.
func TestRetryOnBasePicker(t *testing.T) {
	clock := &testClock{now: fixedNow}
	m := newConnModel(clock, "")
	defer m.Close()
	m, _ = update(m, basesMsg{gen: m.basesGen, err: errDown})
	if view := m.View(); !strings.Contains(view, "Cannot reach the cluster") || !strings.Contains(view, "retrying in 1s") {
		t.Fatalf("the picker does not show the failure:\n%s", view)
	}
	gen := m.basesGen
	clock.now = clock.now.Add(time.Second)
	m = tick(m, clock)
	if !m.basesLoad || m.basesGen != gen+1 || m.snapLoading {
		t.Fatalf("no new base detection after 1s (bases %v, snapshot %v)", m.basesLoad, m.snapLoading)
	}
	m, _ = update(m, basesMsg{gen: m.basesGen, bases: []model.BaseCount{{Base: testBase, Groups: 6}}})
	if view := m.View(); m.conn.down() || !strings.Contains(view, "Pick a base prefix") {
		t.Errorf("the picker did not recover:\n%s", view)
	}
}

// TestConfigErrorWaitsForR checks that an authentication failure is shown
// once and not retried in a loop; r retries.
func TestConfigErrorWaitsForR(t *testing.T) {
	for _, err := range []error{errAuth, &kafka.TLSError{Broker: testBrokers[0], Reason: "the broker's certificate is signed by an unknown authority"}} {
		t.Run(fmt.Sprintf("%T", err), func(t *testing.T) {
			clock := &testClock{now: fixedNow}
			m := newConnModel(clock, testBase)
			defer m.Close()
			m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, err: err})
			gen := m.snapGen
			for range 5 {
				clock.now = clock.now.Add(time.Minute)
				m = tick(m, clock)
			}
			if m.snapLoading || m.snapGen != gen {
				t.Fatal("a configuration error was retried without r")
			}
			view := m.View()
			for _, want := range []string{connTitle(err), "r retries", "configuration changes"} {
				if !strings.Contains(view, want) {
					t.Errorf("the view lacks %q:\n%s", want, view)
				}
			}
			if m = press(m, "r"); !m.snapLoading || m.snapGen != gen+1 {
				t.Error("r did not retry")
			}
		})
	}
}

// TestStaleAndRecovery loses the cluster after a good snapshot: the data
// stays, marked STALE with its age, the error stands in the status bar,
// and the first good snapshot clears both.
func TestStaleAndRecovery(t *testing.T) {
	clock := &testClock{now: fixedNow}
	m := newConnModel(clock, testBase)
	defer m.Close()
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
	m = press(m, "down", "down") // spent_detail_topic

	clock.now = clock.now.Add(5 * time.Second)
	m = tick(m, clock) // the refresh that fails
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, err: errDown})
	clock.now = clock.now.Add(37 * time.Second)
	view := m.View()
	for _, want := range []string{"STALE 42s", "spent_detail_topic", "3,060", "error: cannot reach Kafka at 127.0.0.1:41121 +2: connection refused"} {
		if !strings.Contains(view, want) {
			t.Errorf("the stale view lacks %q:\n%s", want, view)
		}
	}
	if r, _ := m.topicsPage().selected(); r.Name != "spent_detail_topic" {
		t.Errorf("the failure moved the selection to %q", r.Name)
	}
	// An info message may cover the error for a moment; it comes back.
	m, _ = update(m, widget.StatusMsg{Level: widget.LevelInfo, Text: "topics sorted by name"})
	m = m.statusCleared()
	if !strings.Contains(m.View(), "error: cannot reach Kafka") {
		t.Error("the connection error did not come back after an info message")
	}

	recovered := fixedSnapshot()
	recovered.Topics[3].Partitions[0].End += 100 // spent_detail_topic moved on
	m = tick(m, clock)
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: recovered})
	view = m.View()
	if strings.Contains(view, "STALE") || strings.Contains(view, "error:") || !strings.Contains(view, "refreshed 0s ago") {
		t.Errorf("recovery did not clear the stale mark and the error:\n%s", view)
	}
	if !strings.Contains(view, "3,530") {
		t.Errorf("the view does not show the new data:\n%s", view)
	}
}

// statusCleared expires the transient status line, as its timer would.
func (m Model) statusCleared() Model {
	m.status = m.status.Clear(m.status.ID)
	return m
}

// TestItemErrors checks denied items read "not authorized" without
// numbers, other failed items carry a short marker, and the status bar
// shows the message of the selected one.
func TestItemErrors(t *testing.T) {
	m := loaded(deniedSnapshot(), 160, 50)
	defer m.Close()
	rowOf := func(view, name string) string {
		for _, l := range strings.Split(view, "\n") {
			if strings.Contains(l, name) {
				return l
			}
		}
		t.Fatalf("no row %q in\n%s", name, view)
		return ""
	}
	view := m.View()
	if row := rowOf(view, "orders"); !strings.Contains(row, "not authorized") || strings.Contains(row, "300") {
		t.Errorf("denied topic row: %q", row)
	}
	m = openTopic(m, "spent_detail_topic")
	view = m.View()
	if row := rowOf(view, "incremental"); !strings.Contains(row, "not authorized") || strings.Contains(row, "Empty  0") {
		t.Errorf("denied group row: %q", row)
	}
	if row := rowOf(view, "full-index"); !strings.Contains(row, "⚠ error") || strings.Contains(row, "COORDINATOR") {
		t.Errorf("failed group row: %q", row)
	}
	for _, tt := range []struct{ suffix, want string }{
		{"full-index", "group " + testBase + "-spent_detail_topic-full-index: COORDINATOR_NOT_AVAILABLE"},
		{"incremental", "group " + testBase + "-spent_detail_topic-incremental: describe: GROUP_AUTHORIZATION_FAILED"},
	} {
		m = selectGroup(m, tt.suffix)
		if !strings.Contains(m.View(), tt.want) {
			t.Errorf("selecting %s: the status bar lacks %q:\n%s", tt.suffix, tt.want, m.View())
		}
	}
	m = press(m, "enter")
	if row := rowOf(m.View(), "  0 "); !strings.Contains(row, "not authorized") {
		t.Errorf("denied group's partition row: %q", row)
	}
}

// selectGroup moves the groups view's cursor to the group with suffix.
func selectGroup(m Model, suffix string) Model {
	m = press(m, "home")
	return cursorTo(m, groupsList, func(r groupRow) bool { return r.Group.Name.Suffix == suffix }, "group "+suffix)
}

// deniedSnapshot is fixedSnapshot as a user some ACLs deny sees it: topic
// orders and one group may not be described, and one group's coordinator
// is failing.
func deniedSnapshot() model.Snapshot {
	s := fixedSnapshot()
	denied := fmt.Errorf("describe: %w", kerr.GroupAuthorizationFailed)
	offsetsUnknown := errors.New("committed offsets unavailable")
	for i := range s.Groups {
		g := &s.Groups[i]
		switch g.Name.Suffix {
		case "incremental":
			g.Err, g.Members = denied, nil
			for j := range g.Partitions {
				p := &g.Partitions[j]
				p.Committed, p.HasCommitted, p.Lag, p.Expired, p.Err = 0, false, 0, 0, offsetsUnknown
				p.OldestUnconsumed = time.Time{}
			}
			g.Lag, g.Expired = 0, 0
		case "full-index":
			g.Err = kerr.CoordinatorNotAvailable
		}
	}
	for i := range s.Topics {
		if s.Topics[i].Name == "orders" {
			s.Topics[i].Err = kerr.TopicAuthorizationFailed
		}
	}
	s.Errors = []model.ItemError{
		{Kind: "group", Name: testBase + "-spent_detail_topic-full-index", Err: kerr.CoordinatorNotAvailable},
		{Kind: "group", Name: testBase + "-spent_detail_topic-incremental", Err: denied},
		{Kind: "topic", Name: "orders", Err: kerr.TopicAuthorizationFailed},
	}
	return s
}

// connScreens are the screens of a cluster that does not answer or denies
// some items, drawn from fixed data.
var connScreens = []screen{
	{"offline", func(w, h int) Model {
		clock := &testClock{now: fixedNow}
		m := sized(New(Deps{Base: testBase, Brokers: testBrokers, Now: clock.Now}), w, h)
		m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, err: errDown})
		return m
	}},
	{"auth_failed", func(w, h int) Model {
		m := sized(New(Deps{Base: testBase, Brokers: testBrokers, Now: nowFixed}), w, h)
		m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, err: errAuth})
		return m
	}},
	{"stale", func(w, h int) Model {
		clock := &testClock{now: fixedNow}
		m := sized(New(Deps{Base: testBase, Brokers: testBrokers, Now: clock.Now}), w, h)
		m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
		m, _ = update(press(m, "r"), snapshotMsg{gen: m.snapGen + 1, base: testBase, err: errDown})
		m, _ = update(press(m, "r"), snapshotMsg{gen: m.snapGen + 1, base: testBase, err: errDown})
		clock.now = clock.now.Add(72 * time.Second)
		return m
	}},
	{"stale_read_only", func(w, h int) Model {
		m := sized(New(Deps{Base: testBase, Brokers: testBrokers, ReadOnly: true, Now: nowFixed}), w, h)
		m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
		m, _ = update(press(m, "r"), snapshotMsg{gen: m.snapGen + 1, base: testBase, err: errDown})
		return m
	}},
	{"denied_topics", func(w, h int) Model { return press(loaded(deniedSnapshot(), w, h), "down") }},
	{"denied_groups", func(w, h int) Model {
		return selectGroup(openTopic(loaded(deniedSnapshot(), w, h), "spent_detail_topic"), "incremental")
	}},
	{"denied_groups_error_selected", func(w, h int) Model {
		return selectGroup(openTopic(loaded(deniedSnapshot(), w, h), "spent_detail_topic"), "full-index")
	}},
	{"denied_partitions", func(w, h int) Model {
		return press(selectGroup(openTopic(loaded(deniedSnapshot(), w, h), "spent_detail_topic"), "incremental"), "enter")
	}},
}

func TestConnGoldenViews(t *testing.T) {
	checkGoldenScreens(t, connScreens)
	checkScreensResize(t, connScreens, [][2]int{{60, 15}, {40, 10}, {200, 60}, {81, 25}})
}

func TestHeaderFits(t *testing.T) {
	h := headerInfo{Bootstrap: testBrokers, Brokers: 3, Base: testBase, LastRefresh: fixedNow, Now: fixedNow.Add(3 * time.Second)}
	st := ptrTo(widget.PlainStyles())
	tests := []struct {
		name  string
		h     func(headerInfo) headerInfo
		width int
		want  string
	}{
		{"wide", nil, 160, "kgroups │ 127.0.0.1:41121 +2 (3 brokers) │ base my-batch-consumer │ refreshed 3s ago"},
		{"80 columns drop the count", nil, 80, "kgroups │ 127.0.0.1:41121 +2 │ base my-batch-consumer │ refreshed 3s ago"},
		{"stale at 80", func(h headerInfo) headerInfo { h.Down, h.Retry = true, "retrying in 4s"; return h }, 80,
			"kgroups │ 127.0.0.1:41121 +2 │ my-batch-consumer │ STALE 3s · retrying in 4s"},
		{"read-only and stale at 80 cut names, not the state", func(h headerInfo) headerInfo {
			h.Down, h.Retry, h.ReadOnly = true, "retrying in 30s", true
			return h
		}, 80, "kgroups │ READ-ONLY │ 127.0.0.1:41121 │ my-batch-c… │ STALE 3s · retrying in 30s"},
		{"one broker", func(h headerInfo) headerInfo { h.Bootstrap = h.Bootstrap[:1]; return h }, 160,
			"kgroups │ 127.0.0.1:41121 (3 brokers) │ base my-batch-consumer │ refreshed 3s ago"},
		{"offline before any data", func(h headerInfo) headerInfo {
			h.Down, h.Retry, h.LastRefresh, h.Brokers = true, "retrying in 1s", time.Time{}, 0
			return h
		}, 80, "kgroups │ 127.0.0.1:41121 +2 │ base my-batch-consumer │ OFFLINE · retrying in 1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hi := h
			if tt.h != nil {
				hi = tt.h(h)
			}
			got := headerLine(st, hi, tt.width)
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestConsumeInFlight checks a consume waiting on a slow first join (real
// Kafka takes ~3 s) leaves the UI responsive: the spinner keeps turning,
// keys are handled, the refresh goes on, and the result lands when it
// comes even after the user moved away.
func TestConsumeInFlight(t *testing.T) {
	clock := &testClock{now: fixedNow}
	m := newConnModel(clock, testBase)
	defer m.Close()
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})
	m = press(openTopic(m, "spent_detail_topic"), "down", "c", "enter", "y")
	if m.batchBusy == 0 || !m.batchPage().loading {
		t.Fatal("the consume did not start")
	}
	id, target := m.batchBusy, m.batchPage().target

	// The spinner keeps ticking while the consume runs.
	frame := m.spinner.View()
	m, cmd := update(m, spinner.TickMsg{ID: m.spinner.ID(), Time: clock.now})
	if cmd == nil {
		t.Fatal("the spinner stopped while the consume runs")
	}
	if m.spinner.View() == frame || !strings.Contains(m.View(), m.spinner.View()+" joining") {
		t.Errorf("the spinner did not turn:\n%s", m.View())
	}

	// Keys still act: help, back to the groups, moving the cursor.
	m = press(m, "?")
	if !m.help.ShowAll {
		t.Error("? was not handled during the consume")
	}
	m = press(m, "?", "esc")
	if m.topKind() != pageGroups {
		t.Fatalf("esc did not go back to the groups: page %v", m.topKind())
	}
	before, _ := m.groupsPage().selected()
	m = press(m, "down")
	if after, _ := m.groupsPage().selected(); after.id() == before.id() {
		t.Error("down did not move the cursor during the consume")
	}
	// A second read waits for the first and says so.
	if _, cmd := update(m, keyMsg("p")); !hasStatus(cmd, widget.LevelWarn, "still running") {
		t.Error("a second read did not say the first is still running")
	}
	// The refresh goes on.
	clock.now = clock.now.Add(5 * time.Second)
	if m = tick(m, clock); !m.snapLoading {
		t.Error("the auto-refresh waited for the consume")
	}
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})

	// The result comes: it lands in the batch and says what was committed.
	m, cmd = update(m, batchMsg{id: id, kind: batchConsume, target: target, max: 100, records: testRecords("spent_detail_topic")})
	if m.batchBusy != 0 || m.batchPage().loading || len(m.batchPage().records) != 4 {
		t.Errorf("the result did not land: busy %d loading %v records %d", m.batchBusy, m.batchPage().loading, len(m.batchPage().records))
	}
	if !hasStatus(cmd, widget.LevelInfo, "consumed 4 records") {
		t.Error("the consume's result was not reported")
	}
}

func TestShortConnError(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{errDown, "cannot reach Kafka at 127.0.0.1:41121 +2: connection refused"},
		{&kafka.UnreachableError{Brokers: testBrokers[:1], Err: fmt.Errorf("no broker answered within 10s: %w", context.DeadlineExceeded)},
			"cannot reach Kafka at 127.0.0.1:41121: no broker answered in time"},
		{errAuth, ""},
		{errors.New("snapshot of x: boom"), ""},
	}
	for _, tt := range tests {
		if got := shortConnError(tt.err); got != tt.want {
			t.Errorf("shortConnError(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
