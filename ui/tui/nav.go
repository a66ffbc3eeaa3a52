package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/model"
)

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
		decoded  decoding
		asRecord bool
	}
	intentSearch struct {
		batch   int
		query   string
		records []model.Record
		decoded []decoding
	}
	intentFollow struct { // stream a topic's new records
		topic     string
		partition *int32 // nil: every partition
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
func (intentFollow) isIntent()       {}
func (intentCmd) isIntent()          {}
func (intentPush) isIntent()         {}

// say wraps a status command as an intent.
func say(cmd tea.Cmd) intent { return intentCmd{cmd: cmd} }
