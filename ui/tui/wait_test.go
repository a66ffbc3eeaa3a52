package tui

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// This file is where the TUI's tests wait: for a program's output, for a
// command's message, for the messages a command leads to. Every wait that
// can time out goes through kafkatest.Eventually, the one helper of
// kgroups' tests for "eventually".

// e2eWait is how long a test gives the TUI, driven on a cluster, to show
// what it waits for.
const e2eWait = 30 * time.Second

// waitOutput waits until what the program wrote since the previous wait on
// it holds every one of what.
func waitOutput(t testing.TB, tm *teatest.TestModel, what ...string) {
	t.Helper()
	var out bytes.Buffer
	kafkatest.Eventually(t, e2eWait, func() error {
		if _, err := io.ReadAll(io.TeeReader(tm.Output(), &out)); err != nil {
			return err
		}
		for _, w := range what {
			if !bytes.Contains(out.Bytes(), []byte(w)) {
				return fmt.Errorf("the output lacks %q; it ends with:\n%s", w, tail(out.Bytes(), 4096))
			}
		}
		return nil
	})
}

// driver runs the TUI as a program in a terminal and drives it as a user
// would: keys in, the screen waited for.
type driver struct {
	t  *testing.T
	tm *teatest.TestModel
}

// drive starts m in a terminal of w columns and h rows.
func drive(t *testing.T, m tea.Model, w, h int) driver {
	return driver{t: t, tm: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))}
}

// wait waits until the screen, since the previous wait, showed every one
// of what.
func (d driver) wait(what ...string) {
	d.t.Helper()
	waitOutput(d.t, d.tm, what...)
}

// keys presses keys, one message each.
func (d driver) keys(ks ...string) {
	for _, k := range ks {
		d.tm.Send(keyMsg(k))
	}
}

// typeText types s, one key per rune.
func (d driver) typeText(s string) { d.tm.Type(s) }

// quit presses key (q, or ctrl+c, which quits with a dialog open), waits
// for the program to end, and returns its final model, closed.
func (d driver) quit(key string) Model {
	d.t.Helper()
	d.keys(key)
	fm := d.tm.FinalModel(d.t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	fm.Close()
	return fm
}

// tail is the last n bytes of b.
func tail(b []byte, n int) []byte { return b[max(len(b)-n, 0):] }

// runAll runs cmd and the commands it batches, each in its own goroutine,
// and sends every message they return on the channel.
func runAll(cmd tea.Cmd, out chan<- tea.Msg) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				runAll(c, out)
			}
			return
		}
		out <- msg
	}()
}

// awaitMsg waits for the first message of type T among msgs, dropping the
// others; why says what it means that none came within wait.
func awaitMsg[T tea.Msg](t testing.TB, msgs <-chan tea.Msg, wait time.Duration, why string) T {
	t.Helper()
	var got T
	kafkatest.Eventually(t, wait, func() error {
		for {
			select {
			case msg := <-msgs:
				if m, ok := msg.(T); ok {
					got = m
					return nil
				}
			default:
				return fmt.Errorf("no %T: %s", got, why)
			}
		}
	})
	return got
}

// promptly is how long msgsOf gives a command to return: commands that
// take longer are ticks waiting for their time, which no test delivers.
const promptly = 50 * time.Millisecond

// msgsOf runs cmd and the commands it batches, collecting their messages.
// Commands that do not return promptly (ticks) are skipped.
func msgsOf(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(promptly):
		return nil
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, msgsOf(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// settle is the TUI tests' message pump: it delivers the messages of cmd
// to m, and those of the commands they return, until no command is left,
// and collects the status lines shown on the way.
func settle(m Model, cmd tea.Cmd) (Model, []string) {
	var status []string
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, msg := range msgsOf(c) {
			if s, ok := msg.(widget.StatusMsg); ok {
				status = append(status, s.Text)
				continue
			}
			var next tea.Cmd
			m, next = update(m, msg)
			if next != nil {
				queue = append(queue, next)
			}
		}
	}
	return m, status
}

// TestWaitsAndGoldensGoOneWay keeps the TUI's tests on one way to wait and
// one way to compare a view with its golden file: a deadline loop written
// by hand, teatest's own wait or a second golden helper in any test file
// of the TUI fails here, naming what to use instead.
func TestWaitsAndGoldensGoOneWay(t *testing.T) {
	for _, broken := range oneWayBreaks(t, ".") {
		t.Error(broken)
	}
}

// oneWayBreaks lists the lines of the test files under dir, this one
// aside, that wait or compare goldens another way.
func oneWayBreaks(t *testing.T, dir string) []string {
	t.Helper()
	rules := []struct{ pattern, use string }{
		{"time.Now().Add(", "kafkatest.Eventually"},
		{"deadline :=", "kafkatest.Eventually"},
		{"teatest.WaitFor(", "waitOutput (wait_test.go)"},
		{`"github.com/charmbracelet/x/exp/golden"`, "uitest.RequireGolden(t, viewGolden(t), ...)"},
	}
	var broken []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") || d.Name() == "wait_test.go" {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			for _, r := range rules {
				if strings.Contains(line, r.pattern) {
					broken = append(broken, fmt.Sprintf("%s:%d: %s: use %s", path, i+1, strings.TrimSpace(line), r.use))
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return broken
}
