package tui

import (
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// keyMsg builds the key message a terminal sends for a key name as
// key.Binding spells it, or for typed text.
func keyMsg(s string) tea.KeyMsg {
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "up": tea.KeyUp, "down": tea.KeyDown,
		"left": tea.KeyLeft, "right": tea.KeyRight, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
		"backspace": tea.KeyBackspace, "ctrl+c": tea.KeyCtrlC, "ctrl+u": tea.KeyCtrlU,
		"pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "home": tea.KeyHome, "end": tea.KeyEnd,
		" ": tea.KeySpace,
	}
	if t, ok := named[s]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// press sends keys one by one and drops the commands they return.
func press(m Model, keys ...string) Model {
	for _, k := range keys {
		m, _ = update(m, keyMsg(k))
	}
	return m
}

// typeText types s as one key per rune.
func typeText(m Model, s string) Model {
	for _, r := range s {
		m, _ = update(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

// update gives msg to m. A snapshot is first evaluated by the lag history,
// as snapshotCmd does on its goroutine before the message reaches Update.
func update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	if s, ok := msg.(snapshotMsg); ok {
		msg = evaluated(m, s)
	}
	next, cmd := m.Update(msg)
	return withSparks(next.(Model)), cmd
}

// withSparks gives m the partitions' sparklines its pages ask for, as the
// command askSparks starts would (TestPartitionSparksBetweenRefreshes
// checks the command itself).
func withSparks(m Model) Model {
	for _, g := range m.sparkGroups() {
		if !m.lag.trends.hasPartitionLags(g) {
			next, _ := m.Update(sparksMsg{group: g, trends: m.lag.trends, lags: m.lag.worker.sparksFor(g)})
			m = next.(Model)
		}
	}
	return m
}

// evaluated is s as snapshotCmd returns it: fed to the lag history and
// evaluated, unless it failed or Update will drop it.
func evaluated(m Model, s snapshotMsg) snapshotMsg {
	if s.err != nil || s.evaluated || s.gen != m.snapGen || s.base != m.base {
		return s
	}
	if s.snap.TakenAt.IsZero() {
		s.snap.TakenAt = m.deps.Now()
	}
	s.trends, s.evaluated = m.lagJob().land(s.gen, s.snap), true
	return s
}

// viewGolden is the golden file of the view the test t draws, under the
// repository's testdata/ui; go test -update rewrites it.
func viewGolden(t *testing.T) string {
	return filepath.Join("..", "..", "testdata", "ui", t.Name()+".golden")
}

// cursorTo presses down until the row under the cursor of a list page is
// one on accepts; it panics when no row of the list is.
func cursorTo[R any](m Model, list func(Model) widget.FilteredList[R], on func(R) bool, what string) Model {
	for range len(list(m).Rows) {
		if r, ok := list(m).Selected(); ok && on(r) {
			return m
		}
		m = press(m, "down")
	}
	panic("no " + what)
}

func topicsList(m Model) widget.FilteredList[topicRow] { return m.topicsPage().list }
func groupsList(m Model) widget.FilteredList[groupRow] { return m.groupsPage().list }

// checkFrame fails if a view is not exactly h lines of at most w cells.
func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("view has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide, want at most %d: %q", i+1, n, w, l)
		}
	}
}

// startPeek peeks as the peek form does once answered.
func startPeek(m Model, t target, req kafka.PeekRequest) (Model, tea.Cmd) {
	return m.runReads(m.readFlow.startPeek(m.readEnv(), t, req))
}
