package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/ui/tui/widget"
)

// What the root does with a page's intents and with the dialog open over
// the page: navigation is its own; the reads and writes of records go to
// the read flows (readflow.go), offset operations to theirs (ops.go).

// apply carries out what a page asked for; the commands it starts for the
// page live in scope, and end when the page is left.
func (m Model) apply(in intent, scope *widget.Resources) (Model, tea.Cmd) {
	switch in := in.(type) {
	case nil:
		return m, nil
	case intentCmd:
		return m, in.cmd
	case intentPush:
		return m.push(in.page), nil
	case intentPickBase:
		m.base = in.base
		m.snapLoading = false
		m.hasSnap = false
		m = m.reset().push(newTopicsView(m.styles, m.keys, m.deps.Now))
		return m.refresh()
	case intentOpenTopic:
		return m.push(newGroupsView(m.styles, m.keys, m.deps.Now).open(in.topic)), nil
	case intentOpenGroup:
		m = m.push(newPartitionsView(m.styles, m.keys, m.deps.Now).open(in.group, in.missing, in.foreign))
		return m, m.askSparks(in.group.ID)
	case intentOthers:
		return m, othersCmd(scope, m.deps.Cluster, in.gen, in.topic, m.base)
	case intentFollow:
		return m.startFollow(in)
	case intentOp:
		return m.takeOps(m.ops.Open(m.opsEnv(), in.req))
	case readIntent:
		return m.runReads(m.readFlow.intent(m.readEnv(), in))
	}
	return m, nil
}

// openDialog opens d over the page, or over the operation open there (a
// result that needs an answer can arrive while one is): closing d shows
// that operation again.
func (m Model) openDialog(d dialog) Model {
	d = d.focusField(0, 1)
	d.under = m.modal
	if cur := m.prompt(); cur != nil {
		d.under = cur.under // the next step of the same prompt
	}
	m.modal = &d
	return m.resize()
}

func (m Model) closeDialog() Model {
	if d := m.prompt(); d != nil {
		m.modal = d.under
	}
	return m.resize()
}

// readOnly refuses a write in read-only mode.
func (m Model) readOnly(what string) tea.Cmd { return readOnlyRefusal(m.keys, what) }

func (m Model) handleDialogKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	d, res := m.prompt().update(msg, m.keys.Dialog, m.keys.Input)
	m.modal = &d
	switch res {
	case dialogCancel:
		return m.closeDialog(), nil
	case dialogSubmit:
		return m.runReads(m.readFlow.submit(m.readEnv(), d))
	case dialogForce:
		return m.runReads(m.readFlow.force(d))
	}
	return m, nil
}
