package widget

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
)

// List is the rows a list page shows and its cursor. The cursor follows the
// selected row, known by its key, when the rows are refreshed, filtered or
// sorted; when that row is gone the cursor stays where it was, inside the
// list.
type List[R any, K comparable] struct {
	Rows []R
	Cur  ListCursor
	Sel  K // key of the selected row
	key  func(R) K
}

// NewList builds an empty list whose rows are known by key.
func NewList[R any, K comparable](key func(R) K) List[R, K] {
	return List[R, K]{key: key}
}

// Set replaces the rows and puts the cursor back on the selected row, the
// cursor visible in a window of height rows.
func (l List[R, K]) Set(rows []R, height int) List[R, K] {
	l.Rows = rows
	l.Cur, l.Sel = Follow(rows, l.key, l.Sel, l.Cur, height)
	return l
}

// Clamp keeps the cursor inside the rows and visible in height rows.
func (l List[R, K]) Clamp(height int) List[R, K] {
	l.Cur = l.Cur.Clamp(len(l.Rows), height)
	return l
}

// Selected returns the row under the cursor.
func (l List[R, K]) Selected() (R, bool) {
	if l.Cur.Index < len(l.Rows) {
		return l.Rows[l.Cur.Index], true
	}
	var none R
	return none, false
}

// Navigate moves the cursor for the list bindings; ok is false when msg is
// not a movement key.
func (l List[R, K]) Navigate(k keymap.List, msg tea.KeyMsg, height int) (List[R, K], bool) {
	c, ok := Navigate(k, msg, l.Cur, len(l.Rows), height)
	if !ok {
		return l, false
	}
	l.Cur = c
	l.Sel = KeyAt(l.Rows, l.key, l.Cur, l.Sel)
	return l, true
}

// Scroll moves the cursor by delta rows (the mouse wheel).
func (l List[R, K]) Scroll(delta, height int) List[R, K] {
	l.Cur = l.Cur.Move(delta, len(l.Rows), height)
	l.Sel = KeyAt(l.Rows, l.key, l.Cur, l.Sel)
	return l
}

// Follow puts cur on the row of rows whose key is sel, if there is one,
// keeps it inside rows and visible in height rows, and returns it with the
// key of the row it is on (sel when rows is empty). It is List.Set for a
// page that keeps its rows and cursor apart.
func Follow[R any, K comparable](rows []R, key func(R) K, sel K, cur ListCursor, height int) (ListCursor, K) {
	if i := slices.IndexFunc(rows, func(r R) bool { return key(r) == sel }); i >= 0 {
		cur.Index = i
	}
	cur = cur.Clamp(len(rows), height)
	return cur, KeyAt(rows, key, cur, sel)
}

// KeyAt is the key of the row under cur, or sel when there is none.
func KeyAt[R any, K comparable](rows []R, key func(R) K, cur ListCursor, sel K) K {
	if cur.Index < len(rows) {
		return key(rows[cur.Index])
	}
	return sel
}

// FilteredList is a List with the filter line that narrows it to the rows
// whose key holds the filter's text, in any case.
type FilteredList[R any] struct {
	List[R, string]
	Filter FilterLine
}

// NewFilteredList builds an empty filtered list whose rows are known by
// key; open starts editing the filter and cancel clears it.
func NewFilteredList[R any](key func(R) string, open, cancel key.Binding) FilteredList[R] {
	return FilteredList[R]{List: NewList(key), Filter: NewFilterLine("filter: ", true, open, cancel)}
}

// Height is how many rows of the list fit in space rows, less the filter
// line while it shows.
func (l FilteredList[R]) Height(space int) int {
	if l.Filter.Visible() {
		space--
	}
	return max(space, 1)
}

// Set replaces the rows with those of rows the filter keeps, and puts the
// cursor back on the selected row. rows is the page's own: Set may reorder
// or overwrite it.
func (l FilteredList[R]) Set(rows []R, space int) FilteredList[R] {
	if q := strings.ToLower(l.Filter.Value); q != "" {
		rows = slices.DeleteFunc(rows, func(r R) bool { return !strings.Contains(strings.ToLower(l.key(r)), q) })
	}
	l.List = l.List.Set(rows, l.Height(space))
	return l
}

// Clamp keeps the cursor inside the rows and visible in the list's part of
// space rows.
func (l FilteredList[R]) Clamp(space int) FilteredList[R] {
	l.List = l.List.Clamp(l.Height(space))
	return l
}

// Scroll moves the cursor by delta rows (the mouse wheel).
func (l FilteredList[R]) Scroll(delta, space int) FilteredList[R] {
	l.List = l.List.Scroll(delta, l.Height(space))
	return l
}

// Capturing reports whether the list wants every key: its filter is open.
func (l FilteredList[R]) Capturing() bool { return l.Filter.Editing }

// Update handles the keys every filtered list shares: typing in the open
// filter, moving the cursor, and open starting the filter. handled reports
// that msg was one of them; refilter that the filter's value changed, so
// the page must Set its rows again.
func (l FilteredList[R]) Update(msg tea.KeyMsg, keys *keymap.KeyMap, open key.Binding, space int) (_ FilteredList[R], handled, refilter bool) {
	if l.Filter.Editing {
		l.Filter, refilter = l.Filter.Update(msg, keys.Filter, keys.Input)
		return l, true, refilter
	}
	if next, ok := l.List.Navigate(keys.List, msg, l.Height(space)); ok {
		l.List = next
		return l, true, false
	}
	if KeyMatches(msg, open) {
		l.Filter = l.Filter.Start()
		return l.Clamp(space), true, false
	}
	return l, false, false
}

// Escape clears an applied filter; it reports false when there was none.
// After true the page must Set its rows again.
func (l FilteredList[R]) Escape() (FilteredList[R], bool) {
	var cleared bool
	l.Filter, cleared = l.Filter.Clear()
	return l, cleared
}
