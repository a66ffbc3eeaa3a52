package widget

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
)

// KeyMatches is key.Matches for a key message.
func KeyMatches(msg tea.KeyMsg, b ...key.Binding) bool { return key.Matches(msg, b...) }

// Navigate moves a list cursor for the list bindings; ok is false when msg
// is not a movement key.
func Navigate(k keymap.List, msg tea.KeyMsg, cur ListCursor, n, height int) (ListCursor, bool) {
	switch {
	case KeyMatches(msg, k.Up):
		return cur.Move(-1, n, height), true
	case KeyMatches(msg, k.Down):
		return cur.Move(1, n, height), true
	case KeyMatches(msg, k.PageUp):
		return cur.Move(-max(height-1, 1), n, height), true
	case KeyMatches(msg, k.PageDown):
		return cur.Move(max(height-1, 1), n, height), true
	case KeyMatches(msg, k.Top):
		return cur.Move(-n, n, height), true
	case KeyMatches(msg, k.Bottom):
		return cur.Move(n, n, height), true
	}
	return cur, false
}

// Scroll is how far a key scrolls a pane of n lines shown page at a time:
// a line, a page, or to either end. ok is false for any other key.
func Scroll(k keymap.List, msg tea.KeyMsg, page, n int) (delta int, ok bool) {
	switch {
	case KeyMatches(msg, k.Up):
		return -1, true
	case KeyMatches(msg, k.Down):
		return 1, true
	case KeyMatches(msg, k.PageUp):
		return -page, true
	case KeyMatches(msg, k.PageDown):
		return page, true
	case KeyMatches(msg, k.Top):
		return -n, true
	case KeyMatches(msg, k.Bottom):
		return n, true
	}
	return 0, false
}
