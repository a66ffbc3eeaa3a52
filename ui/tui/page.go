package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Page is a screen of the TUI. The root keeps them on a stack, draws the
// top one, and routes to them without knowing what they are: keys go to the
// top page, every other message to every page on the stack, so a result
// reaches the page that asked for it whether or not it is focused. A page
// talks to the root only through the intent its Update returns.
type Page interface {
	// Update takes a key (when the page is on top) or any other message,
	// and says what the root should do next (nil for nothing).
	Update(msg tea.Msg) (Page, intent)
	// View draws the body, within the size of the last SetSize.
	View() string
	// SetSize gives the page the body area: the root has taken off the
	// header, the status bar and the help.
	SetSize(w, h int) Page
	// Help is the help bar's key map for the page.
	Help() keymap.Help
	// Crumbs extends the header's trail with the page's own crumbs.
	Crumbs(trail []string) []string
	// Capturing reports that a text input of the page has the keys, so
	// that q, r, ? and esc belong to it.
	Capturing() bool
	// Escape closes what esc closes inside the page (an applied filter);
	// false leaves esc to the root, which pops the page.
	Escape() (Page, bool)
	// Scroll moves the page's cursor by delta rows (the mouse wheel).
	Scroll(delta int) Page
	// ItemError is the error of the selected item, for the status bar.
	ItemError() string
	// Empty reports that the page has nothing to show yet: while the
	// cluster does not answer, the root shows why instead.
	Empty() bool
	// Resume returns the page to push in the place of this new one when
	// prev, a page closed earlier, shows the same thing: going back in
	// keeps the cursor, the filter and the sort order.
	Resume(prev Page) (Page, bool)
}

// Broadcasts: messages the root sends to every page on the stack.
type (
	// snapshotTaken is a new snapshot of the base, with the lag verdict
	// on it.
	snapshotTaken struct {
		snap   model.Snapshot
		trends *trendSet
		again  bool // the same snapshot offered again: ask for nothing
	}
	// spinFrame is the spinner's frame, for pages that draw it.
	spinFrame string
	// batchCommitted says the batch id was committed, and how.
	batchCommitted struct {
		id      int
		summary string
	}
)

// batchShower is a page that shows a batch of records; the root asks it
// which one before it writes what the user reviewed, and what a commit of
// it covers.
type batchShower interface {
	batchID() int
	commitScope() string
}

// basePicker is a page that shows the bases rather than a snapshot: a
// refresh on it detects the bases again.
type basePicker interface{ picksBase() }

// transient is a page the root forgets once it is left rather than keep it
// for Page.Resume: a follow never resumes (each is a new read from the log
// end), and its records would only hold memory.
type transient interface{ transient() }

// entry is a page on the stack and the lifetime of the commands it asked
// for: leaving the page cancels them.
type entry struct {
	page  Page
	scope *widget.Resources
}
