package tui

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// TestLeavingAPageCancelsItsRead peeks a topic whose offsets the cluster
// never answers, then goes back: leaving the batch page cancels the peek,
// which returns at once with the cancellation, and nothing is reported.
func TestLeavingAPageCancelsItsRead(t *testing.T) {
	kc, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(1, "orders"))
	release := make(chan struct{})
	defer close(release)
	kc.ControlKey(int16(kmsg.ListOffsets), func(kmsg.Request) (kmsg.Response, error, bool) {
		kc.KeepControl()
		kc.SleepControl(func() { <-release })
		return nil, nil, false
	})
	cl := connect(t, kafka.Config{Brokers: brokers})
	m := sized(New(Deps{Cluster: cl, Base: "svc", Brokers: brokers, Now: nowFixed}), 80, 24)
	defer m.Close()

	target := target{Group: model.GroupName{Base: "svc", Topic: "orders"}}
	m, cmd := startPeek(m, target, kafka.PeekRequest{Topic: "orders", Group: target.ID(), From: kafka.PeekEarliest, Max: 10})
	if m.topKind() != pageBatch || m.batchBusy == 0 {
		t.Fatalf("the peek did not start: page %v", m.topKind())
	}
	msgs := make(chan tea.Msg, 16)
	runAll(cmd, msgs)

	m = press(m, "esc")
	if m.topKind() != pageTopics {
		t.Fatalf("esc did not leave the batch: page %v", m.topKind())
	}
	got := awaitMsg[batchMsg](t, msgs, 10*time.Second, "the read was not cancelled")
	if !errors.Is(got.err, context.Canceled) {
		t.Errorf("the peek ended with %v, want the cancellation", got.err)
	}
	m, cmd = update(m, got)
	if m.batchBusy != 0 {
		t.Error("the cancelled peek still counts as running")
	}
	if s := statusOf(cmd); len(s) != 0 {
		t.Errorf("the cancelled peek reported %+v", s)
	}
}

// TestCloseWaitsForEveryScope starts a command in the root's scope and one
// in a page's: Close cancels both and returns only once both have.
func TestCloseWaitsForEveryScope(t *testing.T) {
	m := loaded(fixedSnapshot(), 80, 24)
	m = openTopic(m, "spent_detail_topic")
	var ended atomic.Int32
	started := make(chan struct{}, 2)
	block := func(windDown time.Duration) func(ctx context.Context) tea.Msg {
		return func(ctx context.Context) tea.Msg {
			started <- struct{}{}
			<-ctx.Done()
			time.Sleep(windDown) // a command slow to return once cancelled
			ended.Add(1)
			return nil
		}
	}
	msgs := make(chan tea.Msg, 2)
	runAll(widget.Run(m.res, time.Hour, block(0)), msgs)
	runAll(widget.Run(m.topScope(), time.Hour, block(100*time.Millisecond)), msgs)
	<-started
	<-started
	m.Close()
	if n := ended.Load(); n != 2 {
		t.Errorf("Close returned with %d of 2 commands still running", 2-n)
	}
}
