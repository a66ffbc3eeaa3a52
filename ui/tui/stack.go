package tui

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/ui/tui/widget"
)

// The page stack: the focused page is the last one. Each page has a scope
// of the root's resources for the commands it asks for; leaving the page
// ends the scope, which cancels them.

// maxClosed is how many pages left the root keeps for Page.Resume.
const maxClosed = 8

// top is the focused page.
func (m Model) top() Page { return m.stack[len(m.stack)-1].page }

// topScope is the lifetime of the focused page's commands.
func (m Model) topScope() *widget.Resources { return m.stack[len(m.stack)-1].scope }

// setTop replaces the focused page by its updated value.
func (m Model) setTop(p Page) Model {
	m.stack = append(m.stack[:len(m.stack)-1:len(m.stack)-1], entry{page: p, scope: m.topScope()})
	return m
}

// push focuses p, or the page closed earlier that p resumes, and gives it
// the size of the body and the newest snapshot.
func (m Model) push(p Page) Model {
	for i := len(m.closed) - 1; i >= 0; i-- {
		if resumed, ok := p.Resume(m.closed[i]); ok {
			p = resumed
			m.closed = append(m.closed[:i:i], m.closed[i+1:]...)
			break
		}
	}
	if m.hasSnap {
		p, _ = p.Update(snapshotTaken{snap: m.snap, trends: m.lag.trends, again: true})
	}
	if ch := m.ops.Changes(); ch.Seq > 0 {
		p, _ = p.Update(ch)
	}
	m.stack = append(m.stack[:len(m.stack):len(m.stack)], entry{page: p, scope: m.res.Scope()})
	return m.resize()
}

// pop leaves the focused page, unless it is the first one: its commands
// are cancelled, and the page is kept for Page.Resume.
func (m Model) pop() Model {
	if len(m.stack) <= 1 {
		return m
	}
	m = m.leave()
	return m.resize()
}

// leave takes the focused page off the stack and ends its scope.
func (m Model) leave() Model {
	last := m.stack[len(m.stack)-1]
	last.scope.End()
	m.stack = m.stack[: len(m.stack)-1 : len(m.stack)-1]
	if _, ok := last.page.(transient); ok {
		return m
	}
	m.closed = append(m.closed, last.page)
	if len(m.closed) > maxClosed {
		m.closed = m.closed[len(m.closed)-maxClosed:]
	}
	return m
}

// replaceTop leaves the focused page for p: a new batch read from a batch.
func (m Model) replaceTop(p Page) Model {
	return m.leave().push(p)
}

// reset leaves every page but the first, forgetting them: another base.
func (m Model) reset() Model {
	for len(m.stack) > 1 {
		m = m.leave()
	}
	m.closed = nil
	return m
}

// broadcast offers msg to every page on the stack, focused or not, and
// carries out what each asks for in the scope of that page.
func (m Model) broadcast(msg tea.Msg) (Model, tea.Cmd) {
	var cmds []tea.Cmd
	m.stack = slices.Clone(m.stack) // copies of the model share no page
	for i := range m.stack {
		if i >= len(m.stack) {
			break // a page asked to leave
		}
		p, in := m.stack[i].page.Update(msg)
		m.stack[i].page = p
		var cmd tea.Cmd
		m, cmd = m.apply(in, m.stack[i].scope)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// offerClosed gives msg to the pages left, so that a result they asked for
// and that outlived them is there when a page resumes them.
func (m Model) offerClosed(msg tea.Msg) Model {
	m.closed = slices.Clone(m.closed)
	for i := range m.closed {
		m.closed[i], _ = m.closed[i].Update(msg)
	}
	return m
}

// shownBatch is the id of the batch the stack shows, 0 if none.
func (m Model) shownBatch() int {
	if b, ok := m.batchShown(); ok {
		return b.batchID()
	}
	return 0
}

// batchShown is the page of the stack that shows a batch.
func (m Model) batchShown() (batchShower, bool) {
	for i := len(m.stack) - 1; i >= 0; i-- {
		if b, ok := m.stack[i].page.(batchShower); ok {
			return b, true
		}
	}
	return nil, false
}
