package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// readFlow is the flows that read and write batches of records: consume,
// peek (and its form), commit after review, export and copy. It owns their
// requests and generation numbers; it never touches the root. Each step
// takes a readEnv, what it may know of the root, and returns the flow and
// an effect, what the root should do: open or close a dialog, focus a
// batch page, tell the pages, refresh.
type readFlow struct {
	batchGen   int  // the last batch id handed out
	batchBusy  int  // id of the peek or consume in flight, 0 if none
	commitBusy bool // a commit-after-review in flight
	reviewGen  int  // bumps with every read of a group's commits for C
	reviewing  int  // the read in flight (its gen), 0 if none
}

// busy reports whether a read or a write of the flow is in flight.
func (f readFlow) busy() bool { return f.batchBusy != 0 || f.commitBusy || f.reviewing != 0 }

// readEnv is what the read flows know of the root: the outside world, the
// session, the shared styles and keys, and the dialog and batch shown.
type readEnv struct {
	cluster  *kafka.Cluster
	decoder  *decode.Decoder
	readOnly bool
	now      func() time.Time
	base     string
	snap     model.Snapshot
	styles   *widget.Styles
	keys     *keymap.KeyMap
	// res outlives every page (a consume commits what it reads, and a
	// commit is written, whether or not the user stays); scope is the
	// focused page's: a peek ends when its page is left.
	res, scope *widget.Resources
	spin       string  // the spinner's frame
	tick       tea.Cmd // starts the spinner
	prompt     *dialog // the open dialog, nil if none
	shown      batchShower
}

// shownBatch is the id of the batch the stack shows, 0 if none.
func (e readEnv) shownBatch() int {
	if e.shown == nil {
		return 0
	}
	return e.shown.batchID()
}

// effect is what a step of a read flow asks of the root, in this order:
// close the open dialog, tell the pages, focus a batch page (and start
// what runs in its scope), open a dialog (or keep the open one as
// changed), refresh, and run cmd.
type effect struct {
	close bool
	tell  tea.Msg // given to every page on the stack
	offer bool    // tell also to the pages left, for when one resumes
	page  Page    // a batch page, in the place of the batch shown or on top
	// inPage builds a command that lives as long as page: it runs in the
	// page's scope, which exists once the page is focused.
	inPage func(scope *widget.Resources) tea.Cmd
	open   *dialog // opened in the place of the open dialog, if any
	// focusLast focuses the last field of open rather than the first.
	focusLast bool
	keep      *dialog // the open dialog as changed (an error shown)
	refresh   bool
	cmd       tea.Cmd
}

// doCmd is an effect that only runs cmd.
func doCmd(cmd tea.Cmd) effect { return effect{cmd: cmd} }

// readEnv is what the read flows may know of the root now.
func (m Model) readEnv() readEnv {
	e := readEnv{
		cluster:  m.deps.Cluster,
		decoder:  m.deps.Decoder,
		readOnly: m.deps.ReadOnly,
		now:      m.deps.Now,
		base:     m.base,
		snap:     m.snap,
		styles:   m.styles,
		keys:     m.keys,
		res:      m.res,
		scope:    m.topScope(),
		spin:     m.spinner.View(),
		tick:     m.spinner.Tick,
		prompt:   m.prompt(),
	}
	if b, ok := m.batchShown(); ok {
		e.shown = b
	}
	return e
}

// runReads keeps the read flow f and carries out what it asked for.
func (m Model) runReads(f readFlow, e effect) (Model, tea.Cmd) {
	m.readFlow = f
	if e.close {
		m = m.closeDialog()
	}
	if e.tell != nil {
		m, _ = m.broadcast(e.tell)
		if e.offer {
			m = m.offerClosed(e.tell)
		}
	}
	cmd := e.cmd
	if e.page != nil {
		m = m.openBatch(e.page)
		if e.inPage != nil {
			cmd = tea.Batch(e.inPage(m.topScope()), cmd)
		}
	}
	if e.open != nil {
		m = m.openDialog(*e.open)
		if e.focusLast {
			typed := m.prompt().focusField(len(e.open.fields)-1, 1)
			m.modal = &typed
		}
	}
	if e.keep != nil {
		m.modal = e.keep
	}
	if !e.refresh {
		return m, cmd
	}
	m, snap := m.refresh()
	return m, tea.Batch(snap, cmd)
}

// openBatch focuses b: in the place of the batch shown, or on top.
func (m Model) openBatch(b Page) Model {
	if _, ok := m.top().(batchShower); ok {
		return m.replaceTop(b)
	}
	return m.push(b)
}
