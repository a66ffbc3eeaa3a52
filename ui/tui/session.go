package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
)

// session is what the root knows of the cluster: the base, the newest
// snapshot and its requests, the connection state and the lag history.
type session struct {
	base        string
	snap        model.Snapshot
	hasSnap     bool
	snapGen     int
	snapLoading bool
	lastRefresh time.Time // last successful snapshot
	lastResult  time.Time // last snapshot result, failed or not
	basesGen    int
	basesLoad   bool
	followGen   int // the last follow id handed out
	clockGen    int
	lag         lagState  // history of every group's lag, and its verdict
	conn        connState // whether the cluster answered the last snapshot
	// timeLags remembers the oldest-unconsumed times refreshes read, so
	// that each refresh fetches only the positions that moved. It belongs
	// to the connection: a failure replaces it, since the cluster that
	// answers next may not be the one that answered before.
	timeLags *kafka.TimeLagMemo
}

// onBases reports whether the focused page picks a base.
func (m Model) onBases() bool {
	_, ok := m.top().(basePicker)
	return ok
}

// refresh starts a snapshot of the base unless one is in flight.
func (m Model) refresh() (Model, tea.Cmd) {
	if m.base == "" || m.onBases() {
		return m.loadBases()
	}
	if m.snapLoading {
		return m, nil
	}
	m.snapGen++
	m.snapLoading = true
	return m, tea.Batch(snapshotCmd(m.res, m.deps.Cluster, m.snapGen, m.base, m.lagJob(), m.timeLags), m.spinner.Tick)
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
	if msg.err == nil && !msg.evaluated {
		// A snapshot without its verdict: evaluated in a command too.
		if msg.snap.TakenAt.IsZero() {
			msg.snap.TakenAt = m.deps.Now()
		}
		return m, landCmd(m.res, msg, m.lagJob())
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
	m.status.Partial = msg.snap.Errors
	m.lag = m.lag.landed(msg.trends)
	m, cmd := m.broadcast(snapshotTaken{snap: msg.snap, trends: m.lag.trends})
	var sparks []tea.Cmd
	for _, g := range m.sparkGroups() {
		sparks = append(sparks, m.askSparks(g))
	}
	return m, tea.Batch(append(sparks, cmd)...)
}

func (m Model) handleBases(msg basesMsg) (Model, tea.Cmd) {
	if msg.gen != m.basesGen {
		return m, nil
	}
	m.basesLoad = false
	m.lastResult = m.deps.Now()
	m, cmd := m.broadcast(msg)
	if msg.err != nil {
		return m.connFailed(msg.err), cmd
	}
	m = m.connOK()
	m.lastRefresh = m.lastResult
	return m, cmd
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
	if every <= 0 || m.snapLoading || m.basesLoad || m.lastResult.IsZero() || m.onBases() {
		return m, next
	}
	if m.deps.Now().Sub(m.lastResult) < every {
		return m, next
	}
	m, cmd := m.refresh()
	return m, tea.Batch(next, cmd)
}
