package tui

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// snapshotOf runs the commands of cmd side by side and returns the snapshot
// one of them answers with; the others (timers) are left to end.
func snapshotOf(t *testing.T, cmd tea.Cmd) snapshotMsg {
	t.Helper()
	found := make(chan snapshotMsg, 1)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			for _, sub := range msg {
				go run(sub)
			}
		case snapshotMsg:
			found <- msg
		}
	}
	go run(cmd)
	select {
	case msg := <-found:
		return msg
	case <-time.After(30 * time.Second):
		t.Fatal("no snapshot came")
		return snapshotMsg{}
	}
}

// TestRefreshReadsEachTimeLagOnce refreshes the TUI again and again on a
// cluster whose groups do not move: the first refresh fetches the records
// at the groups' positions for their time lags, later ones fetch nothing
// and still show the same oldest-unconsumed times. A connection failure
// forgets what was read: the cluster that answers next may be another.
func TestRefreshReadsEachTimeLagOnce(t *testing.T) {
	fake, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(2, "orders"))
	t0 := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	var recs []*kgo.Record
	for p := range int32(2) {
		for i := range 5 {
			recs = append(recs, &kgo.Record{Partition: p, Value: []byte("v"), Timestamp: t0.Add(time.Duration(i) * time.Minute)})
		}
	}
	kafkatest.Produce(t, brokers, "orders", recs...)
	var commit kadm.Offsets
	commit.AddOffset("orders", 0, 1, -1)
	commit.AddOffset("orders", 1, 3, -1)
	if err := kadm.NewClient(kafkatest.Client(t, brokers)).CommitAllOffsets(context.Background(), "svc-orders", commit); err != nil {
		t.Fatal(err)
	}
	var fetched atomic.Int32 // partitions asked for in fetches
	fake.ControlKey(int16(kmsg.Fetch), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		for _, rt := range kreq.(*kmsg.FetchRequest).Topics {
			fetched.Add(int32(len(rt.Partitions)))
		}
		return nil, nil, false
	})
	c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)

	m := New(Deps{Cluster: c, Base: "svc", Refresh: time.Second})
	defer m.Close()
	refresh := func(m Model, cmd tea.Cmd) (Model, int32) {
		t.Helper()
		fetched.Store(0)
		m, _ = update(m, snapshotOf(t, cmd))
		g, ok := m.snap.Group("svc-orders")
		if !ok || len(g.Partitions) != 2 {
			t.Fatalf("svc-orders not shown: %+v (errors %v)", m.snap.Groups, m.snap.Errors)
		}
		for i, at := range []int{1, 3} {
			if want := t0.Add(time.Duration(at) * time.Minute); !g.Partitions[i].OldestUnconsumed.Equal(want) {
				t.Errorf("p%d: oldest unconsumed %v, want %v", i, g.Partitions[i].OldestUnconsumed, want)
			}
		}
		return m, fetched.Load()
	}
	next := func(m Model) (Model, tea.Cmd) {
		t.Helper()
		m, cmd := m.refresh()
		if cmd == nil {
			t.Fatal("no refresh started")
		}
		return m, cmd
	}

	m, n := refresh(m, m.Init())
	if n != 2 {
		t.Errorf("the first refresh fetched %d partitions, want the 2 lagging", n)
	}
	for i := range 3 {
		var cmd tea.Cmd
		m, cmd = next(m)
		if m, n = refresh(m, cmd); n != 0 {
			t.Errorf("refresh %d fetched %d partitions again", i+2, n)
		}
	}

	// The cluster stops answering once, then answers again.
	m, _ = next(m)
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: m.base, err: errors.New("connection refused")})
	m, cmd := next(m)
	if m, n = refresh(m, cmd); n != 2 {
		t.Errorf("the refresh after a connection failure fetched %d partitions, want the 2 lagging", n)
	}
}
