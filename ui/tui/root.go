package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/ui/tui/ops"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Model is the root of the TUI: it owns the layout, the session with the
// cluster (session.go) and the page stack (stack.go), and routes every
// message: keys to the modal or the top page, results to every page.
type Model struct {
	deps   Deps
	res    *widget.Resources
	keys   *keymap.KeyMap
	styles *widget.Styles

	width, height int
	stack         []entry
	closed        []Page // pages left, newest last, for Page.Resume

	session
	readFlow // consume, peek, commit after review, export, copy (readflow.go)

	modal   modal          // the box open over the page, nil when none
	ops     ops.Controller // the offset operations; their open flow is the modal
	status  widget.StatusBar
	help    help.Model
	spinner spinner.Model
}

// New builds the root model. It does no I/O: the first snapshot (or base
// detection when d.Base is empty) starts from Init.
func New(d Deps) Model {
	if d.Now == nil {
		d.Now = time.Now
	}
	// Styles and keys are shared, read-only, by every copy of the model.
	st := ptrTo(widget.DefaultStyles())
	keys := ptrTo(DefaultKeyMap(d.ReadOnly))
	if d.Keys != nil {
		keys = ptrTo(keyMap(*d.Keys, d.ReadOnly))
	}
	h := help.New()
	h.Styles = st.Help
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Spinner))
	m := Model{
		deps:    d,
		res:     widget.NewResources(nil),
		keys:    keys,
		styles:  st,
		session: session{base: d.Base, lag: newLagState(d.Window, d.Refresh, d.HistoryBudget), timeLags: kafka.NewTimeLagMemo()},
		help:    h,
		spinner: sp,
		width:   80,
		height:  24,
	}
	// The first request is in flight from Init on: Init cannot return the
	// model, so its generation is set here.
	if m.base == "" {
		m = m.push(newBasesView(st, keys))
		m.basesGen, m.basesLoad = 1, true
	} else {
		m = m.push(newTopicsView(st, keys, d.Now))
		m.snapGen, m.snapLoading = 1, true
	}
	return m.resize()
}

func ptrTo[T any](v T) *T { return &v }

// DefaultKeyMap is keymap.DefaultKeyMap with the help of writing keys
// saying why they are off in read-only mode.
func DefaultKeyMap(readOnly bool) keymap.KeyMap {
	return keyMap(keymap.DefaultKeyMap(), readOnly)
}

// keyMap is k with the help of writing keys saying why they are off in
// read-only mode.
func keyMap(k keymap.KeyMap, readOnly bool) keymap.KeyMap {
	if readOnly {
		return k.ReadOnly()
	}
	return k
}

// Close ends every command still running. Run calls it; tests that drive a
// Model directly call it too.
func (m Model) Close() { m.res.Close() }

// Init implements tea.Model.
func (m Model) Init() tea.Cmd {
	load := snapshotCmd(m.res, m.deps.Cluster, m.snapGen, m.base, m.lagJob(), m.timeLags)
	if m.base == "" {
		load = basesCmd(m.res, m.deps.Cluster, m.basesGen)
	}
	return tea.Batch(load, clockCmd(m.res, m.clockGen), m.spinner.Tick)
}

// Update implements tea.Model: a dispatcher to small handlers. What the
// root does not handle itself goes to every page.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m.resize(), nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		return m.handleMouse(msg), nil
	case snapshotMsg:
		// Each snapshot reads the undo journal again: a change made
		// elsewhere (the CLI) shows too.
		m, cmd := m.handleSnapshot(msg)
		var read tea.Cmd
		m.ops, read = m.ops.ReadChanges(m.opsEnv())
		return m, tea.Batch(cmd, read)
	case ops.ChangesMsg:
		var fresh bool
		if m.ops, fresh = m.ops.TakeChanges(msg); !fresh {
			return m, nil
		}
		return m.broadcast(msg)
	case sparksMsg:
		return m.handleSparks(msg)
	case basesMsg:
		return m.handleBases(msg)
	case batchMsg, commitMsg, commitReadMsg:
		return m.runReads(m.readFlow.result(m.readEnv(), msg))
	case ops.Msg:
		return m.takeOps(m.ops.Answer(m.opsEnv(), m.flow(), msg))
	case exportMsg:
		if msg.err != nil {
			return m, widget.ReportError(msg.err)
		}
		return m, exportReport(msg)
	case copyMsg:
		if msg.err != nil {
			return m, widget.ReportError(msg.err)
		}
		return m, copyReport(msg)
	case widget.StatusMsg:
		var cmd tea.Cmd
		m.status, cmd = m.status.Set(m.res, msg)
		return m, cmd
	case widget.ClearStatusMsg:
		m.status = m.status.Clear(msg.ID)
		return m, nil
	case clockMsg:
		return m.handleClock(msg)
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		m, _ = m.broadcast(spinFrame(m.spinner.View()))
		m, _ = m.runReads(m.readFlow.spinReading(m.readEnv()))
		if !m.loading() {
			return m, nil // idle: stop ticking until the next load starts it
		}
		return m, cmd
	}
	return m.broadcast(msg)
}

// loading reports whether anything the user waits for is in flight.
func (m Model) loading() bool {
	return m.snapLoading || m.basesLoad || m.readFlow.busy() || m.ops.Waiting(m.flow())
}

func (m Model) handleMouse(msg tea.MouseMsg) Model {
	if m.modal != nil || msg.Action != tea.MouseActionPress {
		return m
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		return m.setTop(m.top().Scroll(-1))
	case tea.MouseButtonWheelDown:
		return m.setTop(m.top().Scroll(1))
	}
	return m
}

func (m Model) handleKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	// A burst of typed keys can arrive as one message ("vv/abc"): take them
	// one at a time, so "/" opens the search and "abc" goes into it. A
	// paste stays whole.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			var cmd tea.Cmd
			m, cmd = m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
			cmds = append(cmds, cmd)
		}
		return m, tea.Batch(cmds...)
	}
	if widget.KeyMatches(msg, m.keys.Global.Interrupt) {
		return m, tea.Quit
	}
	if m.modal != nil {
		return m.modal.modalKey(m, msg)
	}
	if m.top().Capturing() {
		return m.routeKey(msg)
	}
	g := m.keys.Global
	switch {
	case widget.KeyMatches(msg, g.Quit):
		return m, tea.Quit
	case widget.KeyMatches(msg, g.Help):
		m.help.ShowAll = !m.help.ShowAll
		return m.resize(), nil
	case widget.KeyMatches(msg, g.Refresh):
		return m.refresh()
	case widget.KeyMatches(msg, g.Back):
		return m.back(), nil
	}
	return m.routeKey(msg)
}

// back closes what esc closes inside the page first (an applied filter or
// search), then goes up one page.
func (m Model) back() Model {
	if p, done := m.top().Escape(); done {
		return m.setTop(p).resize()
	}
	return m.pop()
}

// routeKey gives a key to the top page and carries out what it asks for.
func (m Model) routeKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	p, in := m.top().Update(msg)
	m = m.setTop(p).resize() // a filter line may have opened or closed
	return m.apply(in, m.topScope())
}
