package ui

import (
	"errors"
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
)

// page is a screen of the TUI; the root keeps a stack of them.
type page int

const (
	pageBases page = iota
	pageTopics
	pageGroups
	pagePartitions
	pageBatch
)

// Model is the root of the TUI: it owns the layout, the snapshot and the
// page stack, and routes every message to the view that owns it, focused or
// not.
type Model struct {
	deps   Deps
	res    *resources
	keys   *keymap.KeyMap
	styles *Styles

	width, height int
	base          string
	stack         []page

	snap        model.Snapshot
	hasSnap     bool
	snapGen     int
	snapLoading bool
	lastRefresh time.Time // last successful snapshot
	lastResult  time.Time // last snapshot result, failed or not
	basesGen    int
	basesLoad   bool
	othersGen   int
	batchGen    int
	batchBusy   int // id of the peek or consume in flight, 0 if none
	commitBusy  bool
	reviewGen   int // bumps with every read of a group's commits for C
	reviewing   int // the read in flight (its gen), 0 if none
	clockGen    int
	lag         lagState // history of every group's lag, and its verdict

	conn connState // whether the cluster answered the last snapshot

	bases      basesView
	topics     topicsView
	groups     groupsView
	partitions partitionsView
	batch      batchView

	dialog  *dialog
	ops     opsState // offset operations: the open flow and its requests
	status  statusBar
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
	st := ptrTo(DefaultStyles())
	keys := ptrTo(DefaultKeyMap(d.ReadOnly))
	h := help.New()
	h.Styles = st.Help
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Spinner))
	m := Model{
		deps:       d,
		res:        newResources(nil),
		keys:       keys,
		styles:     st,
		base:       d.Base,
		bases:      newBasesView(st, keys),
		topics:     newTopicsView(st, keys, d.Now),
		groups:     newGroupsView(st, keys, d.Now),
		partitions: newPartitionsView(st, keys, d.Now),
		batch:      newBatchView(st, keys, d.Now),
		help:       h,
		spinner:    sp,
		lag:        newLagState(d.Window, d.Refresh, d.HistoryBudget),
		width:      80,
		height:     24,
	}
	// The first request is in flight from Init on: Init cannot return the
	// model, so its generation is set here.
	if m.base == "" {
		m.stack = []page{pageBases}
		m.basesGen, m.basesLoad = 1, true
	} else {
		m.stack = []page{pageTopics}
		m.snapGen, m.snapLoading = 1, true
	}
	return m.resize()
}

func ptrTo[T any](v T) *T { return &v }

// DefaultKeyMap is keymap.DefaultKeyMap with the help of writing keys
// saying why they are off in read-only mode.
func DefaultKeyMap(readOnly bool) keymap.KeyMap {
	k := keymap.DefaultKeyMap()
	if readOnly {
		off := "off: read-only"
		k.Topics.Consume.SetHelp("c", "consume "+off)
		k.Groups.Consume.SetHelp("c", "consume "+off)
		k.Partitions.Consume.SetHelp("c", "consume "+off)
		k.Batch.Consume.SetHelp("c", "consume "+off)
		k.Batch.Commit.SetHelp("C", "commit "+off)
		opsReadOnly(&k, off)
	}
	return k
}

// Close ends every command still running. Run calls it; tests that drive a
// Model directly call it too.
func (m Model) Close() { m.res.close() }

// Init implements tea.Model.
func (m Model) Init() tea.Cmd {
	load := snapshotCmd(m.res, m.deps.Cluster, m.snapGen, m.base)
	if m.base == "" {
		load = basesCmd(m.res, m.deps.Cluster, m.basesGen)
	}
	return tea.Batch(load, clockCmd(m.res, m.clockGen), m.spinner.Tick)
}

// Update implements tea.Model: a dispatcher to small handlers.
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
		return m.handleSnapshot(msg)
	case basesMsg:
		return m.handleBases(msg)
	case othersMsg:
		m.groups = m.groups.setOthers(msg)
		if msg.gen == m.othersGen {
			m.partitions = m.partitions.setForeign(msg.groups)
		}
		if msg.err != nil && msg.gen == m.othersGen {
			return m, ReportError(msg.err)
		}
		return m, nil
	case batchMsg:
		return m.handleBatch(msg)
	case opMsg:
		return m.handleOpMsg(msg)
	case commitMsg:
		return m.handleCommit(msg)
	case commitReadMsg:
		return m.handleCommitRead(msg)
	case exportMsg:
		if msg.err != nil {
			return m, ReportError(msg.err)
		}
		to := phrase{" to " + clean(msg.path), 0}
		if msg.scope.query != "" {
			return m, reportPhrases(phrase{fmt.Sprintf("exported %s record%s", count(int64(msg.records)), plural(msg.records)), 0},
				phrase{" matching '" + clean(msg.scope.query) + "'", 0},
				phrase{" (of " + count(int64(msg.scope.total)) + " in the batch)", 1}, to)
		}
		return m, reportPhrases(phrase{fmt.Sprintf("exported all %s record%s", count(int64(msg.records)), plural(msg.records)), 0},
			phrase{" of the batch", 1}, to)
	case copyMsg:
		if msg.err != nil {
			return m, ReportError(msg.err)
		}
		what := "copied the value of " + msg.place
		if msg.what != "value" {
			what = "copied " + msg.place + " as a JSON record"
		}
		s := []phrase{{what, 0}, {" (" + size(msg.bytes) + ")", 3}, {" to the clipboard", 2}}
		if msg.why != "" {
			s = append(s, phrase{": " + msg.why, 1})
		}
		return m, reportPhrases(s...)
	case searchMsg:
		m.batch = m.batch.setMatches(msg)
		if s := m.batch.matches; msg.batch == m.batch.id && !s.pending && s.query == msg.query {
			return m, reportInfo("%s of %s records match '%s'", count(int64(len(s.indices))), count(int64(len(m.batch.records))), clean(s.query))
		}
		return m, nil
	case statusMsg:
		var cmd tea.Cmd
		m.status, cmd = m.status.set(m.res, msg)
		return m, cmd
	case clearStatusMsg:
		m.status = m.status.clear(msg.id)
		return m, nil
	case clockMsg:
		return m.handleClock(msg)
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		m.batch.spin = m.spinner.View()
		if m.dialog != nil {
			if a, ok := m.dialog.action.(commitReadAction); ok {
				d := *m.dialog
				d.body = readingCommits(m.spinner.View(), a.target)
				m.dialog = &d
			}
		}
		if !m.loading() {
			return m, nil // idle: stop ticking until the next load starts it
		}
		return m, cmd
	}
	return m, nil
}

// top is the focused page.
func (m Model) top() page { return m.stack[len(m.stack)-1] }

func (m Model) push(p page) Model {
	if m.top() != p {
		m.stack = append(m.stack, p)
	}
	return m.resize()
}

func (m Model) pop() Model {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
	return m.resize()
}

// loading reports whether anything the user waits for is in flight.
func (m Model) loading() bool {
	return m.snapLoading || m.basesLoad || m.batchBusy != 0 || m.commitBusy || m.reviewing != 0 || m.ops.waiting()
}

// refresh starts a snapshot of the base unless one is in flight.
func (m Model) refresh() (Model, tea.Cmd) {
	if m.base == "" || m.top() == pageBases {
		return m.loadBases()
	}
	if m.snapLoading {
		return m, nil
	}
	m.snapGen++
	m.snapLoading = true
	return m, tea.Batch(snapshotCmd(m.res, m.deps.Cluster, m.snapGen, m.base), m.spinner.Tick)
}

func (m Model) loadBases() (Model, tea.Cmd) {
	if m.basesLoad {
		return m, nil
	}
	m.basesGen++
	m.basesLoad = true
	return m, tea.Batch(basesCmd(m.res, m.deps.Cluster, m.basesGen), m.spinner.Tick)
}

func (m Model) handleSnapshot(msg snapshotMsg) (Model, tea.Cmd) {
	if msg.gen != m.snapGen || msg.base != m.base {
		return m, nil // an older request, or another base
	}
	m.snapLoading = false
	m.lastResult = m.deps.Now()
	if msg.err != nil {
		// Keep showing the last good snapshot, marked stale.
		return m.connFailed(msg.err), nil
	}
	m = m.connOK()
	m.snap, m.hasSnap = msg.snap, true
	m.lastRefresh = m.lastResult
	m.status.partial = msg.snap.Errors
	m = m.observeLag(msg.snap)
	m.topics = m.topics.setSnapshot(msg.snap)
	if m.groups.topic != "" {
		m.groups = m.groups.setSnapshot(msg.snap)
	}
	m.partitions = m.partitions.setSnapshot(msg.snap)
	if m.groups.othersWant && m.groups.topic != "" {
		// Other prefixes are not in the base's snapshot: refresh them too.
		return m.apply(intentOthers{topic: m.groups.topic})
	}
	return m, nil
}

func (m Model) handleBases(msg basesMsg) (Model, tea.Cmd) {
	if msg.gen != m.basesGen {
		return m, nil
	}
	m.basesLoad = false
	m.lastResult = m.deps.Now()
	m.bases = m.bases.setBases(msg.bases, msg.err)
	if msg.err != nil {
		return m.connFailed(msg.err), nil
	}
	m = m.connOK()
	m.lastRefresh = m.lastResult
	return m, nil
}

func (m Model) handleClock(msg clockMsg) (Model, tea.Cmd) {
	if msg.gen != m.clockGen {
		return m, nil
	}
	next := clockCmd(m.res, m.clockGen)
	if m.conn.down() {
		m, cmd := m.retryIfDue()
		return m, tea.Batch(next, cmd)
	}
	// A consume in flight (a first join takes seconds) does not hold the
	// refresh back: the snapshot shows the group joining.
	every := m.deps.Refresh
	if every <= 0 || m.snapLoading || m.basesLoad || m.lastResult.IsZero() || m.top() == pageBases {
		return m, next
	}
	if m.deps.Now().Sub(m.lastResult) < every {
		return m, next
	}
	m, cmd := m.refresh()
	return m, tea.Batch(next, cmd)
}

func (m Model) handleMouse(msg tea.MouseMsg) Model {
	if m.dialog != nil || m.ops.flow != nil || msg.Action != tea.MouseActionPress {
		return m
	}
	delta := 0
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		delta = -1
	case tea.MouseButtonWheelDown:
		delta = 1
	default:
		return m
	}
	switch m.top() {
	case pageBases:
		m.bases = m.bases.scroll(delta)
	case pageTopics:
		m.topics = m.topics.scroll(delta)
	case pageGroups:
		m.groups = m.groups.scroll(delta)
	case pagePartitions:
		m.partitions = m.partitions.scroll(delta)
	case pageBatch:
		m.batch = m.batch.scrollBy(delta)
	}
	return m
}

// capturing reports whether the focused view has a text input open, so
// that q, r, ? and esc belong to it.
func (m Model) capturing() bool {
	switch m.top() {
	case pageTopics:
		return m.topics.capturing()
	case pageGroups:
		return m.groups.capturing()
	case pageBatch:
		return m.batch.capturing()
	}
	return false
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
	if keyMatches(msg, m.keys.Global.Interrupt) {
		return m, tea.Quit
	}
	if m.dialog != nil {
		return m.handleDialogKey(msg)
	}
	if m.ops.flow != nil {
		return m.handleOpKey(msg)
	}
	if m.capturing() {
		return m.routeKey(msg)
	}
	g := m.keys.Global
	switch {
	case keyMatches(msg, g.Quit):
		return m, tea.Quit
	case keyMatches(msg, g.Help):
		m.help.ShowAll = !m.help.ShowAll
		return m.resize(), nil
	case keyMatches(msg, g.Refresh):
		return m.refresh()
	case keyMatches(msg, g.Back):
		return m.back(), nil
	}
	return m.routeKey(msg)
}

// back closes what esc closes first (an applied filter or search), then
// goes up one page.
func (m Model) back() Model {
	var done bool
	switch m.top() {
	case pageTopics:
		m.topics, done = m.topics.escape()
	case pageGroups:
		m.groups, done = m.groups.escape()
	case pageBatch:
		m.batch, done = m.batch.escape()
	}
	if done {
		return m.resize()
	}
	return m.pop()
}

func (m Model) routeKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	var in intent
	switch m.top() {
	case pageBases:
		m.bases, in = m.bases.update(msg)
	case pageTopics:
		m.topics, in = m.topics.update(msg)
	case pageGroups:
		m.groups, in = m.groups.update(msg)
	case pagePartitions:
		m.partitions, in = m.partitions.update(msg)
	case pageBatch:
		m.batch, in = m.batch.update(msg)
	}
	m = m.resize() // a filter line may have opened or closed
	return m.apply(in)
}

// groupActive extracts the refusal of a group with live members.
func groupActive(err error) (*kafka.GroupActiveError, bool) {
	var ga *kafka.GroupActiveError
	if errors.As(err, &ga) {
		return ga, true
	}
	return nil, false
}
