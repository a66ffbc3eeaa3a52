package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
)

// keyMatches is key.Matches for a key message.
func keyMatches(msg tea.KeyMsg, b ...key.Binding) bool { return key.Matches(msg, b...) }

// navigate moves a list cursor for the list bindings; ok is false when msg
// is not a movement key.
func navigate(k keymap.List, msg tea.KeyMsg, cur listCursor, n, height int) (listCursor, bool) {
	switch {
	case keyMatches(msg, k.Up):
		return cur.move(-1, n, height), true
	case keyMatches(msg, k.Down):
		return cur.move(1, n, height), true
	case keyMatches(msg, k.PageUp):
		return cur.move(-max(height-1, 1), n, height), true
	case keyMatches(msg, k.PageDown):
		return cur.move(max(height-1, 1), n, height), true
	case keyMatches(msg, k.Top):
		return cur.move(-n, n, height), true
	case keyMatches(msg, k.Bottom):
		return cur.move(n, n, height), true
	}
	return cur, false
}

// intent is what a view asks the root to do after a key: views never
// navigate or start I/O themselves.
type intent interface{ isIntent() }

type (
	intentPickBase  struct{ base string }
	intentOpenTopic struct{ topic string }
	intentOpenGroup struct {
		group   model.Group // the group as the groups view shows it
		missing bool        // not created yet
		foreign bool        // a group of another prefix
	}
	intentConsume   struct{ target target }
	intentPeek      struct{ target target }
	intentNewSuffix struct{ topic string }
	intentOthers    struct { // the groups view wants other-prefix groups
		topic string
		gen   int
	}
	intentCommitReview struct{ batch batchView }
	intentExport       struct{ batch batchView }
	intentCopy         struct { // the selected record's value, or the whole record as JSON
		record   model.Record
		asRecord bool
	}
	intentSearch struct {
		batch   int
		query   string
		records []model.Record
	}
	intentCmd  struct{ cmd tea.Cmd } // a plain command, e.g. a status line
	intentPush struct{ page Page }   // focus a new page
)

func (intentPickBase) isIntent()     {}
func (intentOpenTopic) isIntent()    {}
func (intentOpenGroup) isIntent()    {}
func (intentConsume) isIntent()      {}
func (intentPeek) isIntent()         {}
func (intentNewSuffix) isIntent()    {}
func (intentOthers) isIntent()       {}
func (intentCommitReview) isIntent() {}
func (intentExport) isIntent()       {}
func (intentCopy) isIntent()         {}
func (intentSearch) isIntent()       {}
func (intentCmd) isIntent()          {}
func (intentPush) isIntent()         {}

// say wraps a status command as an intent.
func say(cmd tea.Cmd) intent { return intentCmd{cmd: cmd} }
